package cli

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBundleUsage: usage and input errors of the bundle and export commands
// exit 2 with a message; an unsigned bundle fails verification with exit 1.
// The round trips with the real opa and gator are in bundles/interop_test.go.
func TestBundleUsage(t *testing.T) {
	dir := t.TempDir()
	unsigned := filepath.Join(dir, "kaiji.tar.gz")
	key := filepath.Join(dir, "public.pem")
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	if err := os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := run(t, "bundle", "build", "-o", unsigned); code != ExitOK {
		t.Fatalf("bundle build: exit %d\n%s", code, stderr)
	}
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"build needs -o", []string{"bundle", "build"}, ExitInput, "--output is required"},
		{"build pattern range", []string{"bundle", "build", "-o", unsigned, "--pattern", "7"}, ExitInput, "--pattern"},
		{"sign needs a key", []string{"bundle", "sign", unsigned, "-o", unsigned + ".s"}, ExitInput, "--key"},
		{"sign with a public key", []string{"bundle", "sign", unsigned, "--key", key, "-o", unsigned + ".s"}, ExitInput, "public key cannot sign"},
		{"verify needs a key", []string{"bundle", "verify", unsigned}, ExitInput, "--key is required"},
		{"verify an unsigned bundle", []string{"bundle", "verify", unsigned, "--key", key}, ExitFailing, "NOT verified"},
		{"verify a file that is not a bundle", []string{"bundle", "verify", key, "--key", key}, ExitInput, "read bundle"},
		{"scan --bundle-key without --bundle", []string{"scan", "--bundle-key", key, "testdata/demo/infra"}, ExitInput, "--bundle-key needs --bundle"},
		{"scan an unsigned bundle with a key", []string{"scan", "--bundle", unsigned, "--bundle-key", key, "testdata/demo/infra"}, ExitInput, "verification failed"},
		{"scan a missing bundle", []string{"scan", "--bundle", filepath.Join(dir, "missing.tar.gz"), "testdata/demo/infra"}, ExitInput, "load bundle"},
		{"export gatekeeper needs -o", []string{"export", "gatekeeper"}, ExitInput, "--output is required"},
		{"export gatekeeper action", []string{"export", "gatekeeper", "-o", dir, "--action", "block"}, ExitInput, "--action"},
		{"export input needs a path", []string{"export", "input"}, ExitInput, "arg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := run(t, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.msg) {
				t.Errorf("kaiji %s: exit %d, stderr %q; want exit %d and %q", strings.Join(tt.args, " "), code, stderr, tt.code, tt.msg)
			}
		})
	}

	// An unsigned bundle without a key is accepted by scan and decides.
	if _, stderr, code := run(t, "scan", "--bundle", unsigned, "--claims", "testdata/demo/disclosure.yaml", "--fail-on", "none", "testdata/demo/infra"); code != ExitOK {
		t.Errorf("scan --bundle (unsigned, no key): exit %d\n%s", code, stderr)
	}
}
