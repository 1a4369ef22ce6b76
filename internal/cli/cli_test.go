package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

var update = flag.Bool("update", false, "rewrite golden files")

// repoRoot is where commands run, so paths in the output are the ones a user sees.
var repoRoot, _ = filepath.Abs("../..")

// run executes kaiji with args from the repository root, as a user would.
func run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	t.Chdir(repoRoot)
	var out, errOut bytes.Buffer
	cmd := NewRootCmd(&IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	cmd.SetArgs(args)
	err := cmd.Execute()
	if err != nil && !errors.Is(err, ErrFailing) {
		errOut.WriteString(err.Error())
	}
	return out.String(), errOut.String(), ExitCode(err)
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("internal", "cli", "testdata", name) // relative to the repository root (run chdirs there)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run go test ./internal/cli -update): %v", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got); run go test ./internal/cli -update if intended:\n%s", name, diff)
	}
}

var digestRe = regexp.MustCompile(`sha256:[0-9a-f]{64}`)

// TestScanDemoJSON is the main job on the demo: one verdict per claim, at
// least one of each of supported, contradicted and unproven with file:line
// evidence, in the documented shape, byte-identical across runs.
func TestScanDemoJSON(t *testing.T) {
	stdout, stderr, code := run(t, "scan", "--claims", "testdata/demo/disclosure.yaml", "--format", "json", "testdata/demo/infra")
	if code != ExitFailing {
		t.Fatalf("exit code = %d, want %d (contradicted claims fail by default); stderr: %s", code, ExitFailing, stderr)
	}
	validate(t, "docs/results.schema.json", []byte(stdout))

	var res struct {
		Claims []struct {
			Item     int
			Key      string
			Verdict  string
			Evidence []struct {
				File string
				Line int
			}
		}
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, c := range res.Claims {
		seen[c.Verdict]++
		if c.Verdict == "not_checkable" {
			continue
		}
		if len(c.Evidence) == 0 {
			t.Errorf("claim %d %s (%s) has no evidence", c.Item, c.Key, c.Verdict)
		}
		for _, e := range c.Evidence {
			if !strings.HasPrefix(e.File, "testdata/demo/infra/") || e.Line <= 0 {
				t.Errorf("claim %d %s: evidence %s:%d does not name a demo file and line", c.Item, c.Key, e.File, e.Line)
			}
		}
	}
	for _, v := range []string{"supported", "contradicted", "unproven"} {
		if seen[v] == 0 {
			t.Errorf("no claim is %s: %v", v, seen)
		}
	}
	again, _, _ := run(t, "scan", "--claims", "testdata/demo/disclosure.yaml", "--format", "json", "testdata/demo/infra")
	if again != stdout {
		t.Error("two scans of the same input differ")
	}
	golden(t, "demo.scan.json", digestRe.ReplaceAll([]byte(stdout), []byte("sha256:<policies>")))
}

func TestScanDemoText(t *testing.T) {
	stdout, _, code := run(t, "scan", "--claims", "testdata/demo/disclosure.yaml", "--lang", "en", "--fail-on", "none", "testdata/demo/infra")
	if code != ExitOK {
		t.Fatalf("exit code = %d, want 0 with --fail-on none", code)
	}
	if strings.Contains(stdout, "\x1b[") {
		t.Error("text output is coloured although it is not a terminal")
	}
	golden(t, "demo.scan.txt", []byte(stdout))
}

// TestFactsDemo checks that every demo resource the collector maps is listed
// with the file and line of its block.
func TestFactsDemo(t *testing.T) {
	stdout, stderr, code := run(t, "facts", "--format", "json", "testdata/demo/infra")
	if code != ExitOK {
		t.Fatalf("exit code = %d; stderr: %s", code, stderr)
	}
	var res struct {
		Facts []struct {
			ID     string
			Kind   string
			Source struct {
				File string
				Line int
			}
		}
		Diagnostics []any
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	// One resource can yield facts of several kinds (a database is both a
	// datastore and a patching fact), so facts are keyed by kind and id.
	got := map[string]string{}
	for _, f := range res.Facts {
		got[f.Kind+" "+f.ID] = fmt.Sprintf("%s %s:%d", f.Kind, f.Source.File, f.Source.Line)
	}
	want := map[string]string{
		"aws_db_instance.app":                "datastore testdata/demo/infra/database.tf:1",
		`aws_backup_plan.main.rule["daily"]`: "backup testdata/demo/infra/backup.tf:8",
		"aws_cloudwatch_log_group.app":       "log testdata/demo/infra/logs.tf:1",
		"aws_cloudwatch_log_group.audit":     "log testdata/demo/infra/logs.tf:6",
		"aws_security_group.web.ingress[0]":  "firewall_rule testdata/demo/infra/network.tf:5",
		"aws_security_group.web.ingress[1]":  "firewall_rule testdata/demo/infra/network.tf:13",
		"aws_security_group.web.egress[0]":   "firewall_rule testdata/demo/infra/network.tf:21",
		"aws_lb_listener.https":              "endpoint testdata/demo/infra/network.tf:36",
		"aws_lb_listener.http":               "endpoint testdata/demo/infra/network.tf:49",
		"aws_s3_bucket.uploads":              "datastore testdata/demo/infra/storage.tf:1",
		"provider.aws":                       "location testdata/demo/infra/main.tf:10",
		"provider.aws.osaka":                 "location testdata/demo/infra/main.tf:15",
	}
	for id, w := range want {
		kind, _, _ := strings.Cut(w, " ")
		if g := got[kind+" "+id]; g != w {
			t.Errorf("fact %s = %q, want %q", id, g, w)
		}
	}
	golden(t, "demo.facts.json", []byte(stdout))
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    int
		wantErr string
	}{
		{"clean with fail-on none", []string{"scan", "--claims", "testdata/demo/disclosure.yaml", "--fail-on", "none", "testdata/demo/infra"}, ExitOK, ""},
		{"contradicted fails", []string{"scan", "--claims", "testdata/demo/disclosure.yaml", "testdata/demo/infra"}, ExitFailing, ""},
		{"unproven fails when asked", []string{"scan", "--claims", "testdata/demo/disclosure.yaml", "--fail-on", "unproven", "testdata/demo/infra"}, ExitFailing, ""},
		{"no claims, no failure", []string{"scan", "testdata/demo/infra"}, ExitOK, ""},
		{"bad pattern", []string{"scan", "--pattern", "7", "testdata/demo/infra"}, ExitInput, "--pattern"},
		{"bad format", []string{"scan", "--format", "pdf", "testdata/demo/infra"}, ExitInput, "--format"},
		{"bad fail-on", []string{"scan", "--fail-on", "sometimes", "testdata/demo/infra"}, ExitInput, "--fail-on"},
		{"unknown flag", []string{"scan", "--nope", "testdata/demo/infra"}, ExitInput, "unknown flag"},
		{"no path", []string{"scan"}, ExitInput, "requires at least 1 arg"},
		{"missing claims file", []string{"scan", "--claims", "testdata/demo/none.yaml", "testdata/demo/infra"}, ExitInput, "none.yaml"},
		{"invalid claims file", []string{"scan", "--claims", "internal/cli/testdata/bad-claims.yaml", "testdata/demo/infra"}, ExitInput, "bad-claims.yaml:9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := run(t, tt.args...)
			if code != tt.want {
				t.Errorf("exit code = %d, want %d; stderr: %s", code, tt.want, stderr)
			}
			if tt.wantErr != "" && !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("stderr %q does not mention %q", stderr, tt.wantErr)
			}
		})
	}
}

func TestExitCodeOfInternalError(t *testing.T) {
	if got := ExitCode(errors.New("boom")); got != ExitInternal {
		t.Errorf("ExitCode(internal) = %d, want %d", got, ExitInternal)
	}
}

func validate(t *testing.T, schemaPath string, doc []byte) {
	t.Helper()
	c := jsonschema.NewCompiler()
	sch, err := c.Compile(schemaPath)
	if err != nil {
		t.Fatalf("compile %s: %v", schemaPath, err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(v); err != nil {
		t.Errorf("output does not match %s: %v", schemaPath, err)
	}
}
