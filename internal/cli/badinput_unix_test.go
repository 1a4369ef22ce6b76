//go:build unix

package cli

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/kaiji-dev/kaiji/collectors"
)

// TestBadInputsLinks covers what git cannot hold portably, made at test
// time: a symbolic link loop, a link to nowhere and a named pipe, which
// would block a reader forever. None is followed; each is named.
func TestBadInputsLinks(t *testing.T) {
	tests := []struct {
		name string
		make func(t *testing.T, bad string)
		want string
	}{
		{"loop.tf", func(t *testing.T, bad string) { symlink(t, filepath.Base(bad), bad) }, "cannot be read"},
		{"dangling.tf", func(t *testing.T, bad string) { symlink(t, "nowhere.tf", bad) }, "cannot be read"},
		{"dirloop", func(t *testing.T, bad string) { symlink(t, ".", bad) }, "to a directory"},
		{"pipe.yaml", func(t *testing.T, bad string) {
			if err := syscall.Mkfifo(bad, 0o600); err != nil {
				t.Fatal(err)
			}
		}, "not a regular file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			bad := filepath.Join(dir, "bad", tt.name)
			if err := os.MkdirAll(filepath.Dir(bad), 0o755); err != nil {
				t.Fatal(err)
			}
			tt.make(t, bad)
			// The directory is scanned, not the link: a path given on the
			// command line is followed on purpose.
			checkBadScanDir(t, dir, bad, badInput{severity: collectors.SeverityWarning, line: 0, contains: tt.want})
		})
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}
