package collectors_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kaiji-dev/kaiji/collectors"
)

// TestPlanSizeLimit: a Terraform plan is read under --max-plan-size (never
// below --max-file-size), every other file under --max-file-size, and a
// file over its limit is named with the flag that stopped it.
func TestPlanSizeLimit(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, size int, plan bool) string {
		head := "not a plan"
		if plan {
			head = "PLAN"
		}
		data := append([]byte(head), bytes.Repeat([]byte{' '}, size-len(head))...)
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return filepath.ToSlash(p)
	}
	small := write("small.json", 500, true)
	big := write("big.json", 1500, true)
	other := write("other.json", 500, false)
	tf := write("main.tf", 150, false)
	for _, tc := range []struct {
		name string
		opts collectors.Options
		read []string
		over map[string]string // path → the flag its diagnostic names
	}{
		{"plans allowed more", collectors.Options{MaxFileSize: 100, MaxPlanSize: 1000},
			[]string{small}, map[string]string{big: "(--max-plan-size)", other: "(--max-file-size)", tf: "(--max-file-size)"}},
		{"never below the file limit", collectors.Options{MaxFileSize: 2000, MaxPlanSize: 1000},
			[]string{big, other, tf, small}, nil},
		{"defaults", collectors.Options{}, []string{big, other, tf, small}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg := collectors.NewRegistry(tc.opts, plans{})
			res, err := reg.Collect(context.Background(), []string{dir})
			if err != nil {
				t.Fatal(err)
			}
			var read []string
			for _, in := range res.Inputs {
				read = append(read, in.Path)
			}
			slices.Sort(read)
			want := slices.Sorted(slices.Values(tc.read))
			if !slices.Equal(read, want) {
				t.Errorf("read %v, want %v", read, want)
			}
			if len(res.Diagnostics) != len(tc.over) {
				t.Errorf("diagnostics %v, want %d", res.Diagnostics, len(tc.over))
			}
			for _, d := range res.Diagnostics {
				if flag, ok := tc.over[d.File]; !ok || !strings.Contains(d.Message, flag) {
					t.Errorf("%s: %q, want a diagnostic naming %q", d.File, d.Message, flag)
				}
			}
		})
	}
}

// plans takes .json and .tf files, and says those whose text starts with
// PLAN are plans.
type plans struct{}

func (plans) Name() string { return "plans" }
func (plans) Accepts(p string, _ []byte) bool {
	return strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".tf")
}
func (plans) IsPlan(_ string, head []byte) bool {
	return bytes.HasPrefix(head, []byte("PLAN"))
}
func (plans) Collect(context.Context, []collectors.File) ([]collectors.Fact, collectors.Diagnostics) {
	return nil, nil
}

// recorder takes every .txt file and records the files it is handed.
type recorder struct{ got *[]collectors.File }

func (recorder) Name() string                    { return "recorder" }
func (recorder) Accepts(p string, _ []byte) bool { return strings.HasSuffix(p, ".txt") }
func (r recorder) Collect(_ context.Context, fs []collectors.File) ([]collectors.Fact, collectors.Diagnostics) {
	*r.got = append(*r.got, fs...)
	return nil, nil
}

// TestCollectReadsInWalkOrder: the files, read on every core, reach their
// collector in the order of the walk, each with its own content, and every
// input is listed with its own hash.
func TestCollectReadsInWalkOrder(t *testing.T) {
	dir := t.TempDir()
	var want []string
	for i := range 300 {
		sub := filepath.Join(dir, fmt.Sprintf("d%02d", i%7))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(sub, fmt.Sprintf("f%03d.txt", i))
		if err := os.WriteFile(p, []byte(p), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			want = append(want, filepath.ToSlash(p))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []collectors.File
	res, err := collectors.NewRegistry(collectors.Options{}, recorder{&got}).Collect(context.Background(), []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, f := range got {
		order = append(order, f.Path)
		if string(f.Data) != filepath.FromSlash(f.Path) {
			t.Errorf("%s holds %q", f.Path, f.Data)
		}
	}
	if !slices.Equal(order, want) {
		t.Errorf("files handed over in the order %v, want the walk's %v", order[:5], want[:5])
	}
	if len(res.Inputs) != len(want) {
		t.Fatalf("%d inputs, want %d", len(res.Inputs), len(want))
	}
	for _, in := range res.Inputs {
		sum := sha256.Sum256([]byte(filepath.FromSlash(in.Path)))
		if in.SHA256 != hex.EncodeToString(sum[:]) {
			t.Errorf("%s: hash %s", in.Path, in.SHA256)
		}
	}
}
