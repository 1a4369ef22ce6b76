package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestClaimsImportSeed002 imports the published sheet as a user would; the
// output is the claims package's golden file.
func TestClaimsImportSeed002(t *testing.T) {
	stdout, stderr, code := run(t, "claims", "import", "testdata/sheets/seed002.md")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want, err := os.ReadFile(filepath.Join(repoRoot, "testdata", "sheets", "seed002.disclosure.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), stdout); diff != "" {
		t.Errorf("import differs from testdata/sheets/seed002.disclosure.yaml (-want +got):\n%s", diff)
	}
	if n := strings.Count(stderr, "warning: testdata/sheets/seed002.md: line "); n != 4 {
		t.Errorf("%d warnings naming a line, want 4:\n%s", n, stderr)
	}
	if !strings.Contains(stderr, "38 claims (34 normalized, 4 null)") {
		t.Errorf("summary missing: %s", stderr)
	}
}

// TestClaimsSuggestRoundTrip: suggest on the demo, then scan with the
// suggested claims: every verdict is supported.
func TestClaimsSuggestRoundTrip(t *testing.T) {
	out := filepath.Join(t.TempDir(), "suggested.yaml")
	_, stderr, code := run(t, "claims", "suggest", "--pattern", "2", "-o", out, "testdata/demo/infra")
	if code != ExitOK {
		t.Fatalf("suggest: exit %d: %s", code, stderr)
	}
	stdout, stderr, code := run(t, "scan", "--claims", out, "--format", "json", "--fail-on", "contradicted,unproven", "testdata/demo/infra")
	if code != ExitOK {
		t.Errorf("scan with the suggested claims: exit %d: %s", code, stderr)
	}
	var res struct {
		Claims []struct {
			Key, Verdict string
			Evidence     []struct{ File string }
		}
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Claims) < 8 {
		t.Errorf("%d claims suggested, want at least 8", len(res.Claims))
	}
	keys := map[string]bool{}
	for _, c := range res.Claims {
		keys[c.Key] = true
		if c.Verdict != "supported" || len(c.Evidence) == 0 {
			t.Errorf("%s: %s with %d evidence, want supported with evidence", c.Key, c.Verdict, len(c.Evidence))
		}
	}
	for _, k := range []string{"backup.interval", "backup.generations", "encryption.at_rest", "location.data", "log.retention"} {
		if !keys[k] {
			t.Errorf("no %s suggested", k)
		}
	}
}

func TestClaimsSuggestSheet(t *testing.T) {
	stdout, stderr, code := run(t, "claims", "suggest", "--sheet", "-", "testdata/demo/infra")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"| 54 | バックアップ対策 | 利用者データのバックアップ実施インターバル | 必須 | 1回/1日 | testdata/demo/infra/",
		"世代 | testdata/demo/infra/backup.tf:",
		"| 82 | 所在地 |",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("sheet rows lack %q:\n%s", want, stdout)
		}
	}
}

func TestClaimsCheck(t *testing.T) {
	stdout, _, code := run(t, "claims", "check", "--lang", "en", "testdata/sheets/seed002.disclosure.yaml")
	if code != ExitFailing || !strings.Contains(stdout, "NOT READY: 2 blockers, 2 to review") {
		t.Errorf("exit %d, output:\n%s", code, stdout)
	}
	stdout, _, code = run(t, "claims", "check", "--format", "json", "testdata/sheets/seed002.disclosure.yaml")
	var r struct {
		Ready    bool
		Findings []struct{ Item int }
	}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil || code != ExitFailing || r.Ready || len(r.Findings) != 4 {
		t.Errorf("json: exit %d, err %v, %+v", code, err, r)
	}
	if _, _, code := run(t, "claims", "check", "--minimum-notice", "soon", "testdata/sheets/seed002.disclosure.yaml"); code != ExitInput {
		t.Errorf("bad --minimum-notice: exit %d, want %d", code, ExitInput)
	}
	if _, _, code := run(t, "claims", "check", "testdata/demo/infra/main.tf"); code != ExitInput {
		t.Errorf("not a claims file: exit %d, want %d", code, ExitInput)
	}
}

func TestClaimsFlags(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want ClaimsOptions
	}{
		{[]string{"import", "s.md", "-o", "d.yaml", "--edition", "iot-asp-saas", "-p", "2"}, ExitOK,
			ClaimsOptions{Verb: "import", Args: []string{"s.md"}, Output: "d.yaml", Edition: "iot-asp-saas", Pattern: 2}},
		{[]string{"import", "s.md", "--edition", "v3"}, ExitInput, ClaimsOptions{}},
		{[]string{"import", "s.md", "--format", "pdf"}, ExitInput, ClaimsOptions{}},
		{[]string{"import"}, ExitInput, ClaimsOptions{}},
		{[]string{"suggest", "infra", "--pattern", "9"}, ExitInput, ClaimsOptions{}},
		{[]string{"items", "--edition", "x"}, ExitInput, ClaimsOptions{}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var got *ClaimsOptions
			cmd := NewCmdClaims(&IOStreams{In: strings.NewReader(""), Out: &strings.Builder{}, ErrOut: &strings.Builder{}}, func(o *ClaimsOptions) error {
				got = o
				return nil
			})
			cmd.SetArgs(tt.args)
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			err := cmd.Execute()
			if code := ExitCode(err); code != tt.code {
				t.Fatalf("exit %d, want %d (%v)", code, tt.code, err)
			}
			if tt.code != ExitOK {
				return
			}
			got.IO = nil
			if diff := cmp.Diff(tt.want, *got); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
	}
}

func TestClaimsItemsAndSchema(t *testing.T) {
	stdout, _, code := run(t, "claims", "items", "--edition", "iot-asp-saas")
	if code != ExitOK || !strings.Contains(stdout, "所在地 / Location") || !strings.Contains(stdout, "must_implement") {
		t.Errorf("items: exit %d:\n%s", code, stdout)
	}
	stdout, _, code = run(t, "claims", "schema")
	if code != ExitOK || !json.Valid([]byte(stdout)) || !strings.Contains(stdout, "backup.interval") {
		t.Errorf("schema: exit %d", code)
	}
	validate(t, "internal/claims/schema/claims.schema.json", []byte(`{"apiVersion":"kaiji/v1","kind":"Disclosure","claims":[]}`))
}

func TestClaimsValidate(t *testing.T) {
	stdout, stderr, code := run(t, "claims", "validate", "testdata/demo/disclosure.yaml", "testdata/sheets/seed002.disclosure.yaml")
	if code != ExitOK || !strings.Contains(stdout, "seed002.disclosure.yaml: 38 claims (4 null), edition asp-saas") {
		t.Errorf("exit %d: %s%s", code, stdout, stderr)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("apiVersion: kaiji/v1\nkind: Disclosure\nclaims:\n  - item: 54\n    key: backup.interval\n    value: daily\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code = run(t, "claims", "validate", bad)
	if code != ExitInput || !strings.Contains(stderr, "bad.yaml:4: claims[0].value (backup.interval)") {
		t.Errorf("bad file: exit %d: %s", code, stderr)
	}
}
