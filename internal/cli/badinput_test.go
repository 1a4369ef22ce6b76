package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kaiji-dev/kaiji/collectors"
)

// goodTF is the well-formed input scanned beside every bad one: its
// database must still be read, and the claim it supports must lose
// "supported" exactly when the bad input could not be read.
const goodTF = `resource "aws_db_instance" "good" {
  identifier        = "good"
  engine            = "postgres"
  storage_encrypted = true
  kms_key_id        = "arn:aws:kms:ap-northeast-1:123456789012:key/good"
}
`

const goodClaims = `apiVersion: kaiji/v1
kind: Disclosure
claims:
  - item: 67
    key: encryption.at_rest
    value: true
    scope:
      ids: ["**aws_db_instance.good"]
`

// Limits the hostile inputs are scanned under: tight enough that nothing
// here can run away, and asserted on (they show in the diagnostics), never
// on wall time.
var badLimits = []string{"--timeout", "5m", "--max-file-size", "33554432", "--max-plan-size", "33554432", "--max-depth", "100",
	"--max-yaml-values", "200000", "--max-module-depth", "10"}

// badInput is one hostile or broken input under testdata/bad.
type badInput struct {
	name string
	// severity is the worst diagnostic expected for the input; "" for odd
	// but valid input, which must be read without complaint.
	severity collectors.Severity
	// line is the line the first diagnostic must name; 0 where a line is
	// not meaningful (the file as a whole), -1 for any line.
	line int
	// contains is a fragment of that diagnostic's message.
	contains string
}

var badInputs = []badInput{
	// Terraform
	{"tf-truncated.tf", collectors.SeverityError, 5, "end of the file"},
	{"tf-invalid-syntax.tf", collectors.SeverityError, 1, "Argument or block definition required"},
	{"tf-invalid-utf8.tf", collectors.SeverityError, 2, "UTF-8"},
	{"tf-nul-bytes.tf", collectors.SeverityError, 2, ""},
	{"tf-binary.tf", collectors.SeverityError, -1, ""},
	{"tf-bom.tf", "", 0, ""},
	{"tf-crlf.tf", "", 0, ""},
	{"tf-duplicate-attribute.tf", collectors.SeverityError, 3, "redefined"},
	{"tf-duplicate-resource.tf", collectors.SeverityError, 5, "duplicate resource aws_s3_bucket.twice"},
	{"tf-deep-nesting.tf", collectors.SeverityError, 2, "--max-depth"},
	{"tf-unterminated-heredoc.tf", collectors.SeverityError, -1, "Unterminated"},
	{"tf-unterminated-string.tf", collectors.SeverityError, 2, ""},
	{"tf-huge-count.tf", collectors.SeverityInfo, 2, "count"},
	{"tf-huge-range.tf", "", 0, ""},  // bounded by the evaluation budget: the value is unknown
	{"tf-wrong-types.tf", "", 0, ""}, // values of the wrong type are unknown, never guessed
	{"tf-json-truncated.tf.json", collectors.SeverityError, 1, ""},
	{"tf-json-wrong-types.tf.json", collectors.SeverityError, 1, ""},
	{"tf-json-duplicate-keys.tf.json", "", 0, ""},
	{"tf-module-escape", collectors.SeverityWarning, 2, `source "../../../etc" is outside the scanned paths`},
	{"tf-module-loop", collectors.SeverityWarning, 1, "--max-module-depth"},
	{"tf-tfvars-broken", collectors.SeverityError, 1, ""},
	// Terraform plan JSON
	{"plan-truncated.json", collectors.SeverityError, 1, "unexpected EOF"},
	{"plan-wrong-types.json", collectors.SeverityError, 1, "cannot unmarshal"},
	{"plan-resource-wrong-types.json", collectors.SeverityError, 1, "cannot unmarshal"},
	{"plan-sensitive-wrong-types.json", collectors.SeverityError, 1, "cannot unmarshal"},
	{"plan-deep.json", collectors.SeverityError, 1, "--max-depth"},
	{"plan-invalid-utf8.json", "", 0, ""}, // decoded with U+FFFD, as encoding/json does
	// Kubernetes manifests
	{"k8s-truncated.yaml", collectors.SeverityError, 6, "cannot read YAML document"},
	{"k8s-truncated.json", collectors.SeverityError, 1, "cannot read YAML document"},
	{"k8s-billion-laughs.yaml", collectors.SeverityError, -1, "alias bomb"},
	{"k8s-deep-flow.yaml", collectors.SeverityError, 6, "nests deeper"},
	{"k8s-deep-block.yaml", collectors.SeverityError, -1, "nests deeper"},
	{"k8s-merge-loop.yaml", collectors.SeverityError, -1, ""},
	{"k8s-tab-indent.yaml", collectors.SeverityError, 4, ""},
	{"k8s-duplicate-keys.yaml", collectors.SeverityError, 8, `already defined: "replicas"`},
	{"k8s-bom-crlf.yaml", "", 0, ""},
	{"k8s-nul.yaml", collectors.SeverityError, 1, "control characters"},
	{"k8s-invalid-utf8.yaml", collectors.SeverityError, 1, "UTF-8"},
	{"k8s-wrong-types.yaml", "", 0, ""}, // not Kubernetes objects: not facts, not errors
	{"k8s-one-doc-broken.yaml", collectors.SeverityError, 16, ""},
	{"k8s-unknown-alias.yaml", collectors.SeverityError, 1, "unknown anchor"},
	{"k8s-binary.yaml", collectors.SeverityWarning, -1, ""}, // no apiVersion: not taken for a manifest
	// Cloud exports
	{"export-truncated.json", collectors.SeverityError, 0, "EOF"},
	{"export-wrong-types.json", "", 0, ""}, // values of the wrong type are unknown
	{"export-deep.json", collectors.SeverityError, 1, "--max-depth"},
	{"export-lines-broken.jsonl", collectors.SeverityError, 2, "JSON line"},
	{"export-nul.json", collectors.SeverityError, 1, "invalid character"},
	{"export-invalid-utf8.json", "", 0, ""},
}

// TestBadInputs scans each hostile input beside a good one and checks that
// the scan names the file (and line), still reads the good input, stays
// within its limits, and never reports a claim supported while an input
// could not be read.
func TestBadInputs(t *testing.T) {
	entries, err := os.ReadDir(filepath.Join(repoRoot, "testdata", "bad"))
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, b := range badInputs {
		listed[b.name] = true
	}
	for _, e := range entries {
		if e.Name() != "claims" && e.Name() != "README.md" && !listed[e.Name()] {
			t.Errorf("testdata/bad/%s has no case in badInputs", e.Name())
		}
	}
	for _, b := range badInputs {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			bad := filepath.Join(dir, "bad", b.name)
			copyTree(t, filepath.Join(repoRoot, "testdata", "bad", b.name), bad)
			checkBadScan(t, dir, bad, b)
		})
	}
}

// TestBadInputsGenerated covers inputs git cannot hold or should not: a
// file over the size limit and a deeper nesting than any committed one.
func TestBadInputsGenerated(t *testing.T) {
	t.Run("50MB file", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		bad := filepath.Join(dir, "bad", "huge.tf")
		writeInput(t, bad, nil)
		// Sparse: the size is what matters, not the bytes.
		if err := os.Truncate(bad, 50<<20); err != nil {
			t.Fatal(err)
		}
		checkBadScan(t, dir, bad, badInput{severity: collectors.SeverityError, line: 0, contains: "over the limit of 33554432 bytes (--max-file-size)"})
	})
	t.Run("50MB plan", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		bad := filepath.Join(dir, "bad", "plan.json")
		writeInput(t, bad, []byte(`{"format_version":"1.2","terraform_version":"1.9.0","planned_values":{`))
		if err := os.Truncate(bad, 50<<20); err != nil {
			t.Fatal(err)
		}
		checkBadScan(t, dir, bad, badInput{severity: collectors.SeverityError, line: 0, contains: "over the limit of 33554432 bytes (--max-plan-size)"})
	})
	t.Run("two million brackets", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		bad := filepath.Join(dir, "bad", "brackets.tf")
		writeInput(t, bad, []byte("a = "+strings.Repeat("[", 2_000_000)))
		checkBadScan(t, dir, bad, badInput{severity: collectors.SeverityError, line: 1, contains: "--max-depth"})
	})
	t.Run("huge plan array", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		bad := filepath.Join(dir, "bad", "plan.json")
		var sb strings.Builder
		sb.WriteString(`{"format_version":"1.2","terraform_version":"1.9.0","planned_values":{"root_module":{"resources":[`)
		sb.WriteString(strings.Repeat(`{"address":5},`, 200_000))
		sb.WriteString(`{}]}}}`)
		writeInput(t, bad, []byte(sb.String()))
		checkBadScan(t, dir, bad, badInput{severity: collectors.SeverityError, line: 1, contains: "cannot unmarshal"})
	})
}

// TestBadClaims: a claims file that cannot be read is an input error
// (exit 2) naming the file, never a scan on no claims.
func TestBadClaims(t *testing.T) {
	entries, err := os.ReadDir(filepath.Join(repoRoot, "testdata", "bad", "claims"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Run(e.Name(), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeInput(t, filepath.Join(dir, "good", "main.tf"), []byte(goodTF))
			claimsFile := filepath.Join(repoRoot, "testdata", "bad", "claims", e.Name())
			_, stderr, code := runIn(t, append([]string{"scan", "--claims", claimsFile, "--format", "json"}, append(badLimits, filepath.Join(dir, "good"))...)...)
			if code != ExitInput {
				t.Fatalf("exit code = %d, want %d; stderr: %s", code, ExitInput, stderr)
			}
			if !strings.Contains(stderr, e.Name()) {
				t.Errorf("error does not name the claims file: %s", stderr)
			}
		})
	}
}

// TestStrict: --strict turns any warning or error diagnostic into exit 2,
// and leaves a clean scan alone.
func TestStrict(t *testing.T) {
	dir := t.TempDir()
	writeInput(t, filepath.Join(dir, "good", "main.tf"), []byte(goodTF))
	claimsFile := filepath.Join(dir, "claims.yaml")
	writeInput(t, claimsFile, []byte(goodClaims))
	copyTree(t, filepath.Join(repoRoot, "testdata", "bad", "tf-module-escape"), filepath.Join(dir, "warn"))
	tests := []struct {
		name  string
		args  []string
		paths []string
		want  int
	}{
		{"clean, strict", []string{"--strict"}, []string{"good"}, ExitOK},
		{"warning, not strict", nil, []string{"good", "warn"}, ExitOK},
		{"warning, strict", []string{"--strict"}, []string{"good", "warn"}, ExitInput},
		{"missing path, strict", []string{"--strict"}, []string{"good", "nowhere"}, ExitInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := append([]string{"scan", "--claims", claimsFile, "--fail-on", "none"}, tt.args...)
			for _, p := range tt.paths {
				args = append(args, filepath.Join(dir, p))
			}
			_, stderr, code := runIn(t, args...)
			if code != tt.want {
				t.Fatalf("exit code = %d, want %d; stderr: %s", code, tt.want, stderr)
			}
			if tt.want == ExitInput && !strings.Contains(stderr, "--strict") {
				t.Errorf("the error does not name --strict: %s", stderr)
			}
		})
	}
}

// TestLimitFlags: limits below what any input needs are usage errors.
func TestLimitFlags(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--max-depth", "0"}, {"--max-file-size", "0"}, {"--max-plan-size", "0"}, {"--max-yaml-values", "-1"}, {"--max-module-depth", "-1"}, {"--timeout", "-1s"}} {
		_, stderr, code := runIn(t, append([]string{"facts"}, append(args, ".")...)...)
		if code != ExitInput || !strings.Contains(stderr, args[0]) {
			t.Errorf("%v: exit code %d, stderr %q; want %d naming the flag", args, code, stderr, ExitInput)
		}
	}
}

// checkBadScan scans dir/good beside bad and checks the contract.
func checkBadScan(t *testing.T, dir, bad string, b badInput) {
	t.Helper()
	checkBadScanPaths(t, dir, bad, bad, b)
}

// checkBadScanDir scans bad's directory rather than bad itself.
func checkBadScanDir(t *testing.T, dir, bad string, b badInput) {
	t.Helper()
	checkBadScanPaths(t, dir, filepath.Dir(bad), bad, b)
}

func checkBadScanPaths(t *testing.T, dir, scanned, bad string, b badInput) {
	t.Helper()
	good := filepath.Join(dir, "good")
	writeInput(t, filepath.Join(good, "main.tf"), []byte(goodTF))
	claimsFile := filepath.Join(dir, "claims.yaml")
	writeInput(t, claimsFile, []byte(goodClaims))

	// The facts: the good input is still read, and nothing blew up.
	stdout, stderr, code := runIn(t, append(append([]string{"facts", "--format", "json"}, badLimits...), good, scanned)...)
	if code != ExitOK {
		t.Fatalf("kaiji facts: exit code %d; stderr: %s", code, stderr)
	}
	var facts struct {
		Facts       []collectors.Fact
		Diagnostics collectors.Diagnostics
	}
	if err := json.Unmarshal([]byte(stdout), &facts); err != nil {
		t.Fatalf("kaiji facts output: %v", err)
	}
	if !hasFact(facts.Facts, filepath.ToSlash(filepath.Join(good, "main.tf"))) {
		t.Errorf("the good input's facts are missing; diagnostics: %v", facts.Diagnostics)
	}
	// Bounded memory, asserted on what was built: no input here may turn
	// into more facts than its bytes could describe, nor flood diagnostics.
	if len(facts.Facts) > 1000 {
		t.Errorf("%d facts from one small input", len(facts.Facts))
	}
	if n := len(facts.Diagnostics); n > collectors.MaxDiagnosticsPerFile+5 {
		t.Errorf("%d diagnostics, over the per-file cap", n)
	}

	// The diagnostic names the bad file and, where meaningful, the line.
	badSlash := filepath.ToSlash(bad)
	var first *collectors.Diagnostic
	worst := collectors.Severity("")
	for i, d := range facts.Diagnostics {
		if d.File != badSlash && !strings.HasPrefix(d.File, badSlash+"/") {
			if d.Severity != collectors.SeverityInfo {
				t.Errorf("unexpected diagnostic for another file: %v", d)
			}
			continue
		}
		if first == nil {
			first = &facts.Diagnostics[i]
		}
		worst = worse(worst, d.Severity)
	}
	switch {
	case b.severity == "" && first != nil && worst != collectors.SeverityInfo:
		t.Errorf("valid input got a diagnostic: %v", *first)
	case b.severity != "" && first == nil:
		t.Fatalf("no diagnostic names %s; diagnostics: %v", badSlash, facts.Diagnostics)
	case b.severity != "" && worst != b.severity:
		t.Errorf("worst diagnostic is %q, want %q: %v", worst, b.severity, facts.Diagnostics)
	}
	if first != nil && b.severity != "" {
		if b.line > 0 && first.Line != b.line || b.line < 0 && first.Line < 1 {
			t.Errorf("diagnostic at line %d, want %d: %v", first.Line, b.line, *first)
		}
		if !strings.Contains(first.Message, b.contains) {
			t.Errorf("diagnostic %q does not say %q", first.Message, b.contains)
		}
	}

	// The verdict: never supported while an input could not be read.
	stdout, stderr, code = runIn(t, append(append([]string{"scan", "--claims", claimsFile, "--format", "json"}, badLimits...), good, scanned)...)
	if code != ExitOK && code != ExitFailing {
		t.Fatalf("kaiji scan: exit code %d; stderr: %s", code, stderr)
	}
	var run struct {
		Claims []struct {
			Verdict string
			Reason  struct{ En string }
		}
	}
	if err := json.Unmarshal([]byte(stdout), &run); err != nil || len(run.Claims) != 1 {
		t.Fatalf("kaiji scan output (%v): %s", err, stdout)
	}
	c := run.Claims[0]
	if worst == collectors.SeverityError {
		if c.Verdict != "unproven" || !strings.Contains(c.Reason.En, badSlash) {
			t.Errorf("with %s unreadable the claim is %s (%s), want unproven naming it", badSlash, c.Verdict, c.Reason.En)
		}
	} else if c.Verdict != "supported" {
		t.Errorf("the good input's claim is %s (%s), want supported", c.Verdict, c.Reason.En)
	}
}

// runIn runs kaiji with absolute paths, without changing directory, so
// that cases run in parallel.
func runIn(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := NewRootCmd(&IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	cmd.SetArgs(args)
	err := cmd.Execute()
	if err != nil && !errors.Is(err, ErrFailing) {
		errOut.WriteString(err.Error())
	}
	return out.String(), errOut.String(), ExitCode(err)
}

func hasFact(facts []collectors.Fact, file string) bool {
	for _, f := range facts {
		if f.Source.File == file {
			return true
		}
	}
	return false
}

func worse(a, b collectors.Severity) collectors.Severity {
	rank := map[collectors.Severity]int{"": 0, collectors.SeverityInfo: 1, collectors.SeverityWarning: 2, collectors.SeverityError: 3}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

func writeInput(t *testing.T, p string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// copyTree copies a file or a directory tree.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		writeInput(t, filepath.Join(dst, rel), data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
