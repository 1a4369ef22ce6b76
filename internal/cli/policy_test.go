package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func runPolicy(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	t.Chdir(repoRoot)
	var out, errOut bytes.Buffer
	cmd := NewCmdPolicy(&IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	cmd.SetArgs(args)
	err := cmd.Execute()
	if err != nil && !errors.Is(err, ErrFailing) {
		errOut.WriteString(err.Error())
	}
	return out.String(), errOut.String(), ExitCode(err)
}

func TestPolicyList(t *testing.T) {
	out, stderr, code := runPolicy(t, "list")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"ID  ", "KJ-C-BACKUP", "KJ-III.2.3.1", "KJ-IV.B-52", "asp-saas#54", "backup.generations", "datastore,backup"} {
		if !strings.Contains(out, want) {
			t.Errorf("policy list lacks %q:\n%s", want, out)
		}
	}
	out, _, code = runPolicy(t, "list", "--format", "json", "--policy", "docs/examples/policies")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var infos []struct {
		ID    string   `json:"id"`
		Reads []string `json:"reads"`
	}
	if err := json.Unmarshal([]byte(out), &infos); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, i := range infos {
		found = found || i.ID == "EX-C-BACKUP-IMMUTABLE"
	}
	if !found {
		t.Errorf("the example policy is not listed")
	}
}

func TestPolicyTestExample(t *testing.T) {
	out, stderr, code := runPolicy(t, "test", "--policy", "docs/examples/policies", "--coverage", "-v")
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, stderr, out)
	}
	if !strings.Contains(out, "3 passed, 0 failed") || !strings.Contains(out, "coverage: 100.0%") {
		t.Errorf("unexpected report:\n%s", out)
	}
	if strings.Contains(out, "kaiji.claims.backup_test") {
		t.Errorf("built-in tests reported with --policy:\n%s", out)
	}
}

func TestPolicyTestFailure(t *testing.T) {
	_, _, code := runPolicy(t, "test", "--policy", "docs/examples/policies", "--data", "docs/examples/data/reference.yaml", "--run", "nothing-matches")
	if code != ExitInput {
		t.Errorf("no tests: want exit %d, have %d", ExitInput, code)
	}
	_, _, code = runPolicy(t, "test", "--policy", "no/such/dir")
	if code != ExitInput {
		t.Errorf("missing dir: want exit %d, have %d", ExitInput, code)
	}
	_, _, code = runPolicy(t, "test", "--threshold", "120")
	if code != ExitInput {
		t.Errorf("bad threshold: want exit %d, have %d", ExitInput, code)
	}
}
