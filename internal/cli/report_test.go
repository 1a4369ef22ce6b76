package cli

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kaiji-dev/kaiji/internal/report"
)

// TestReportPack writes a signed evidence pack of the demo, verifies it
// with its key and inputs, and checks that tampering fails verification
// with exit code 1.
func TestReportPack(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "kaiji")
	if _, stderr, code := run(t, "report", "keygen", "--out", key); code != ExitOK {
		t.Fatalf("keygen: exit %d: %s", code, stderr)
	}
	pack := filepath.Join(dir, "pack")
	t.Setenv("SOURCE_DATE_EPOCH", "1790000000")
	_, stderr, code := run(t, "report", "--claims", "testdata/demo/disclosure.yaml", "--pack", pack, "--sign-key", key+".key", "testdata/demo/infra")
	if code != ExitOK {
		t.Fatalf("report --pack: exit %d: %s", code, stderr)
	}
	for _, f := range []string{"report.html", "results.json", "results.sarif", "summary.md", "sheet.xlsx", "sheet.csv", "sheet.md", "manifest.json", "manifest.json.sig", "README.md"} {
		if _, err := os.Stat(filepath.Join(pack, f)); err != nil {
			t.Errorf("pack lacks %s", f)
		}
	}
	manifest, _ := os.ReadFile(filepath.Join(pack, "manifest.json"))
	for _, want := range []string{`"created": "2026-09-21T`, `"path": "testdata/demo/disclosure.yaml"`, `"role": "claims"`, `"path": "testdata/demo/infra/backup.tf"`, `"--sign-key=`} {
		if !strings.Contains(string(manifest), want) {
			t.Errorf("manifest lacks %s", want)
		}
	}

	stdout, stderr, code := run(t, "report", "verify", pack, "--pub-key", key+".pub", "--inputs", ".")
	if code != ExitOK || !strings.Contains(stdout, "OK") {
		t.Fatalf("verify untouched pack: exit %d: %s %s", code, stdout, stderr)
	}
	if err := os.WriteFile(filepath.Join(pack, "sheet.csv"), []byte("edited"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, _, code = run(t, "report", "verify", pack, "--pub-key", key+".pub")
	if code != ExitFailing || !strings.Contains(stdout, "changed: sheet.csv") {
		t.Errorf("verify tampered pack: exit %d, output %q; want 1 and the changed file", code, stdout)
	}
	if _, _, code := run(t, "report", "--claims", "testdata/demo/disclosure.yaml", "--pack", pack, "testdata/demo/infra"); code != ExitInput {
		t.Errorf("report --pack into a non-empty directory: exit %d, want %d", code, ExitInput)
	}
}

// TestReportFromResults renders a saved results.json in another format.
func TestReportFromResults(t *testing.T) {
	stdout, stderr, code := run(t, "report", "--results", "internal/cli/testdata/demo.scan.json", "--format", "markdown", "--lang", "en")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "### ❌ Contradicted (2)") {
		t.Errorf("markdown report lacks the contradicted group:\n%s", stdout)
	}
	xlsx := filepath.Join(t.TempDir(), "filled.xlsx")
	if _, stderr, code := run(t, "report", "--results", "internal/cli/testdata/demo.scan.json", "--format", "sheet", "-o", xlsx); code != ExitOK {
		t.Fatalf("report --format sheet -o filled.xlsx: exit %d: %s", code, stderr)
	}
	if data, _ := os.ReadFile(xlsx); !bytes.HasPrefix(data, []byte("PK")) {
		t.Errorf("--format sheet -o filled.xlsx did not write a workbook")
	}
	sarif := filepath.Join(t.TempDir(), "r.sarif")
	if _, stderr, code := run(t, "report", "--results", "internal/cli/testdata/demo.scan.json", "--format", "html", "-o", filepath.Join(t.TempDir(), "r.html"), "--also", "sarif="+sarif); code != ExitOK {
		t.Fatalf("report --also: exit %d: %s", code, stderr)
	}
	if data, err := os.ReadFile(sarif); err != nil || !strings.Contains(string(data), `"version": "2.1.0"`) {
		t.Errorf("report --also sarif=FILE wrote no SARIF: %v", err)
	}
	for _, args := range [][]string{
		{"report"},
		{"report", "--results", "internal/cli/testdata/demo.scan.json", "testdata/demo/infra"},
		{"report", "--results", "internal/cli/testdata/demo.scan.json", "--format", "pdf"},
	} {
		if _, _, code := run(t, args...); code != ExitInput {
			t.Errorf("%v: exit %d, want %d", args, code, ExitInput)
		}
	}
}

// TestScanFormatsListed checks that scan's help lists every report format.
func TestScanFormatsListed(t *testing.T) {
	stdout, _, _ := run(t, "scan", "--help")
	for _, f := range []string{"sarif", "junit", "markdown", "html", "sheet", "sheet-markdown", "sheet-xlsx"} {
		if !strings.Contains(stdout, f) {
			t.Errorf("scan --help does not list %s", f)
		}
	}
}

// TestCanaryNeverShown scans inputs full of secrets with the real collectors
// and engine and checks that no format, and no file of the evidence pack,
// shows one.
func TestCanaryNeverShown(t *testing.T) {
	const canary = "kaiji-canary"
	args := []string{"--claims", "internal/report/testdata/canary/claims.yaml", "--var-file", "internal/report/testdata/canary/terraform.tfvars", "internal/report/testdata/canary"}
	for _, format := range report.Formats() {
		out := filepath.Join(t.TempDir(), "out")
		_, stderr, code := run(t, append([]string{"scan", "--format", format, "-o", out, "--fail-on", "none"}, args...)...)
		if code != ExitOK {
			t.Fatalf("scan --format %s: exit %d: %s", format, code, stderr)
		}
		data, _ := os.ReadFile(out)
		if format == report.FormatSheetXLSX {
			data = unzipAll(t, data)
		}
		if strings.Contains(string(data), canary) || strings.Contains(stderr, canary) {
			t.Errorf("scan --format %s shows a secret", format)
		}
	}
	pack := filepath.Join(t.TempDir(), "pack")
	if _, stderr, code := run(t, append([]string{"report", "--pack", pack}, args...)...); code != ExitOK {
		t.Fatalf("report --pack: exit %d: %s", code, stderr)
	}
	entries, _ := os.ReadDir(pack)
	for _, e := range entries {
		data, _ := os.ReadFile(filepath.Join(pack, e.Name()))
		if strings.HasSuffix(e.Name(), ".xlsx") {
			data = unzipAll(t, data)
		}
		if strings.Contains(string(data), canary) {
			t.Errorf("pack file %s shows a secret", e.Name())
		}
	}
}

func unzipAll(t *testing.T, data []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var all []byte
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		all = append(all, b...)
	}
	return all
}
