package report_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kaiji-dev/kaiji/internal/report"
)

// copyInputs copies the canary run's inputs into a fresh root, so the
// test can change them.
func copyInputs(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	entries, err := os.ReadDir(filepath.Join(root, "internal", "report", "testdata", "canary"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		rel := filepath.Join("internal", "report", "testdata", "canary", e.Name())
		data, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(dst, filepath.Dir(rel)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, rel), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

func writePack(t *testing.T, inputs string, now time.Time, sign []byte) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "pack")
	opts := report.PackOptions{
		Lang: "ja", Root: inputs, Now: now,
		Inputs:    map[string][]string{"claims": {"internal/report/testdata/canary/claims.yaml"}},
		Arguments: []string{"report", "--pack", "OUT", "--claims", "internal/report/testdata/canary/claims.yaml", "internal/report/testdata/canary"},
	}
	if sign != nil {
		k, err := report.ParsePrivateKey(sign)
		if err != nil {
			t.Fatal(err)
		}
		opts.SignKey = k
	}
	if _, err := report.WritePack(context.Background(), dir, loadRun(t, "canary"), opts); err != nil {
		t.Fatal(err)
	}
	return dir
}

func kinds(ps []report.Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Kind+" "+p.Path)
	}
	return out
}

// TestPackVerify writes a signed pack, checks that an untouched one
// verifies, and that each kind of tampering is caught.
func TestPackVerify(t *testing.T) {
	priv, pub, err := report.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	pubKey, err := report.ParsePublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	_, otherPub, _ := report.GenerateKey()
	otherKey, _ := report.ParsePublicKey(otherPub)
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

	tests := []struct {
		name   string
		tamper func(t *testing.T, pack, inputs string)
		opts   func(inputs string) report.VerifyOptions
		want   []string
	}{
		{name: "untouched", tamper: func(*testing.T, string, string) {},
			opts: func(in string) report.VerifyOptions {
				return report.VerifyOptions{PublicKey: pubKey, InputsRoot: in}
			}},
		{name: "changed file", tamper: func(t *testing.T, pack, _ string) { appendTo(t, filepath.Join(pack, "report.html"), "<!-- edited -->") },
			want: []string{"changed report.html"}},
		{name: "missing file", tamper: func(t *testing.T, pack, _ string) { remove(t, filepath.Join(pack, "sheet.xlsx")) },
			want: []string{"missing sheet.xlsx"}},
		{name: "added file", tamper: func(t *testing.T, pack, _ string) { appendTo(t, filepath.Join(pack, "extra", "note.txt"), "hi") },
			want: []string{"added extra/note.txt"}},
		{name: "manifest edited to match a changed file", tamper: func(t *testing.T, pack, _ string) {
			m := read(t, filepath.Join(pack, report.ManifestFile))
			write(t, filepath.Join(pack, report.ManifestFile), bytes.Replace(m, []byte(`"pattern": 3`), []byte(`"pattern": 6`), 1))
		}, opts: func(string) report.VerifyOptions { return report.VerifyOptions{PublicKey: pubKey} },
			want: []string{"signature manifest.json.sig"}},
		{name: "signature removed", tamper: func(t *testing.T, pack, _ string) { remove(t, filepath.Join(pack, report.SignatureFile)) },
			opts: func(string) report.VerifyOptions { return report.VerifyOptions{PublicKey: pubKey} },
			want: []string{"signature manifest.json.sig"}},
		{name: "another key", tamper: func(*testing.T, string, string) {},
			opts: func(string) report.VerifyOptions { return report.VerifyOptions{PublicKey: otherKey} },
			want: []string{"signature manifest.json.sig"}},
		{name: "changed input", tamper: func(t *testing.T, _, in string) {
			appendTo(t, filepath.Join(in, "internal/report/testdata/canary/main.tf"), "\n# edited\n")
		}, opts: func(in string) report.VerifyOptions { return report.VerifyOptions{InputsRoot: in} },
			want: []string{"input-changed internal/report/testdata/canary/main.tf"}},
		{name: "changed claims file", tamper: func(t *testing.T, _, in string) {
			appendTo(t, filepath.Join(in, "internal/report/testdata/canary/claims.yaml"), "\n")
		}, opts: func(in string) report.VerifyOptions { return report.VerifyOptions{InputsRoot: in} },
			want: []string{"input-changed internal/report/testdata/canary/claims.yaml"}},
		{name: "missing input", tamper: func(t *testing.T, _, in string) {
			remove(t, filepath.Join(in, "internal/report/testdata/canary/vars.tf"))
		}, opts: func(in string) report.VerifyOptions { return report.VerifyOptions{InputsRoot: in} },
			want: []string{"input-missing internal/report/testdata/canary/vars.tf"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inputs := copyInputs(t)
			pack := writePack(t, inputs, now, priv)
			tt.tamper(t, pack, inputs)
			opts := report.VerifyOptions{}
			if tt.opts != nil {
				opts = tt.opts(inputs)
			}
			_, probs, err := report.VerifyPack(pack, opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := kinds(probs); !slices.Equal(got, tt.want) {
				t.Errorf("problems = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestPackDeterministic checks that two packs of the same run differ only
// in manifest.json, and only in its time.
func TestPackDeterministic(t *testing.T) {
	inputs := copyInputs(t)
	a := writePack(t, inputs, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), nil)
	b := writePack(t, inputs, time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC), nil)
	entries, err := os.ReadDir(a)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
		x, y := read(t, filepath.Join(a, e.Name())), read(t, filepath.Join(b, e.Name()))
		if e.Name() == report.ManifestFile {
			x = bytes.Replace(x, []byte("2026-01-01T00:00:00Z"), []byte("T"), 1)
			y = bytes.Replace(y, []byte("2026-02-02T00:00:00Z"), []byte("T"), 1)
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two packs of the same run", e.Name())
		}
		if bytes.Contains(x, []byte("kaiji-canary")) {
			t.Errorf("%s shows a secret", e.Name())
		}
	}
	want := []string{"README.md", "manifest.json", "report.html", "results.json", "results.sarif", "sheet.csv", "sheet.md", "sheet.xlsx", "summary.md"}
	if !slices.Equal(names, want) {
		t.Errorf("pack files = %q, want %q", names, want)
	}
	m := string(read(t, filepath.Join(a, report.ManifestFile)))
	for _, w := range []string{`"policy_digest": "sha256:0000`, `"role": "claims"`, `"role": "infrastructure"`, `"kaiji_version": "v0.0.0-test"`, `"--claims"`} {
		if !strings.Contains(m, w) {
			t.Errorf("manifest lacks %s:\n%s", w, m)
		}
	}
}

func read(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func write(t *testing.T, p string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func appendTo(t *testing.T, p, s string) {
	t.Helper()
	b, _ := os.ReadFile(p)
	write(t, p, append(b, s...))
}

func remove(t *testing.T, p string) {
	t.Helper()
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
}

// TestPackSignatureOpenSSL checks that the signature interoperates with
// OpenSSL both ways: a key from openssl genpkey signs the pack, and openssl
// pkeyutl verifies manifest.json.sig.
func TestPackSignatureOpenSSL(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl not found")
	}
	dir := t.TempDir()
	key, pub := filepath.Join(dir, "k.pem"), filepath.Join(dir, "k.pub")
	for _, args := range [][]string{{"genpkey", "-algorithm", "ed25519", "-out", key}, {"pkey", "-in", key, "-pubout", "-out", pub}} {
		if out, err := exec.Command(openssl, args...).CombinedOutput(); err != nil {
			t.Fatalf("openssl %v: %v\n%s", args, err, out)
		}
	}
	pack := writePack(t, copyInputs(t), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), read(t, key))
	out, err := exec.Command(openssl, "pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin",
		"-in", filepath.Join(pack, report.ManifestFile), "-sigfile", filepath.Join(pack, report.SignatureFile)).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Signature Verified Successfully") {
		t.Errorf("openssl pkeyutl -verify: %v\n%s", err, out)
	}
	pk, err := report.ParsePublicKey(read(t, pub))
	if err != nil {
		t.Fatal(err)
	}
	if _, probs, err := report.VerifyPack(pack, report.VerifyOptions{PublicKey: pk}); err != nil || len(probs) > 0 {
		t.Errorf("VerifyPack with the OpenSSL public key: %v %v", err, probs)
	}
}
