package ghaction

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var repoRoot, _ = filepath.Abs("../..")

// sample copies testdata/action/sample into a new git repository with a base
// commit, applies change to make the head commit, and returns the workspace
// and the two commits.
func sample(t *testing.T, change func(ws string)) (ws, base, head string) {
	t.Helper()
	ws = t.TempDir()
	if err := os.CopyFS(ws, os.DirFS(filepath.Join(repoRoot, "testdata", "action", "sample"))); err != nil {
		t.Fatal(err)
	}
	git := func(args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir = ws
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q", "-b", "main")
	git("add", "-A")
	git("commit", "-q", "-m", "base")
	base = git("rev-parse", "HEAD")
	change(ws)
	git("add", "-A")
	git("commit", "-q", "--allow-empty", "-m", "head")
	head = git("rev-parse", "HEAD")
	return ws, base, head
}

func edit(t *testing.T, path, old, new string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s does not contain %q", path, old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestAction runs action.yml's steps on a base and a head checkout of a
// sample repository, with a simulated pull_request event, and checks the
// exit status, the step summary, the annotations and the SARIF.
func TestAction(t *testing.T) {
	action, err := Load(filepath.Join(repoRoot, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	const rule = "  rule {\n"
	tests := []struct {
		name        string
		change      func(t *testing.T, ws string)
		wantCode    int
		wantSummary []string
		wantLog     []string
		wantNoLog   []string
	}{
		{
			name: "clean change",
			change: func(t *testing.T, ws string) {
				edit(t, ws+"/infra/logs.tf", "resource", "# application logs\nresource")
			},
			wantCode:  0,
			wantNoLog: []string{"::error"},
		},
		{
			name:        "change that breaks a claim",
			change:      func(t *testing.T, ws string) { edit(t, ws+"/infra/backup.tf", "delete_after = 35", "delete_after = 1") },
			wantCode:    1,
			wantSummary: []string{"This change contradicts item 54 (2世代を保管しています)"},
			wantLog:     []string{"::error file=infra/backup.tf,line=16,"},
		},
		{
			name:        "change that fixes a claim",
			change:      func(t *testing.T, ws string) { edit(t, ws+"/infra/logs.tf", "= 90", "= 400") },
			wantCode:    0,
			wantSummary: []string{"This change fixes item 65"},
			wantLog:     []string{"::notice file=infra/logs.tf,line=3,"},
			wantNoLog:   []string{"::error"},
		},
		{
			name: "waived failure",
			change: func(t *testing.T, ws string) {
				edit(t, ws+"/infra/backup.tf", "delete_after = 35", "delete_after = 1")
				edit(t, ws+"/infra/backup.tf", rule, "  # kaiji:ignore 54 reason=\"restore drills keep one copy\" expires=2099-12-31\n"+rule)
			},
			wantCode:    0,
			wantSummary: []string{"restore drills keep one copy"},
			wantNoLog:   []string{"::error"},
		},
		{
			name: "expired waiver",
			change: func(t *testing.T, ws string) {
				edit(t, ws+"/infra/backup.tf", "delete_after = 35", "delete_after = 1")
				edit(t, ws+"/infra/backup.tf", rule, "  # kaiji:ignore 54 reason=\"restore drills keep one copy\" expires=2020-01-01\n"+rule)
			},
			wantCode: 1,
			wantLog:  []string{"::error file=infra/backup.tf,line=10,title=kaiji%3A waiver expired::54 expired"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws, base, head := sample(t, func(ws string) { tt.change(t, ws) })
			tmp := t.TempDir()
			event := filepath.Join(tmp, "event.json")
			payload, _ := json.Marshal(map[string]any{"pull_request": map[string]any{"base": map[string]any{"sha": base}, "head": map[string]any{"sha": head}}})
			if err := os.WriteFile(event, payload, 0o644); err != nil {
				t.Fatal(err)
			}
			summary := filepath.Join(tmp, "summary.md")
			output := filepath.Join(tmp, "output.txt")
			res, err := action.Run(Env{
				ActionPath: repoRoot,
				Inputs:     map[string]string{"paths": "infra", "claims": "disclosure.yaml"},
				Vars: map[string]string{
					"GITHUB_WORKSPACE": ws, "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": event,
					"GITHUB_STEP_SUMMARY": summary, "GITHUB_OUTPUT": output, "RUNNER_TEMP": filepath.Join(tmp, "runner"),
					"GITHUB_PATH": filepath.Join(tmp, "path.txt"),
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			if res.ExitCode != tt.wantCode {
				t.Errorf("exit code = %d, want %d\nstdout:\n%s\nstderr:\n%s", res.ExitCode, tt.wantCode, res.Stdout, res.Stderr)
			}
			sum, _ := os.ReadFile(summary)
			for _, s := range tt.wantSummary {
				if !strings.Contains(string(sum), s) {
					t.Errorf("step summary lacks %q:\n%s", s, sum)
				}
			}
			for _, s := range tt.wantLog {
				if !strings.Contains(res.Stdout, s) {
					t.Errorf("log lacks annotation %q:\n%s", s, res.Stdout)
				}
			}
			for _, s := range tt.wantNoLog {
				if strings.Contains(res.Stdout, s) {
					t.Errorf("log has %q:\n%s", s, res.Stdout)
				}
			}
			out, _ := os.ReadFile(output)
			if !strings.Contains(string(out), "exit-code=") || !strings.Contains(string(out), "sarif=kaiji.sarif") {
				t.Errorf("GITHUB_OUTPUT lacks outputs:\n%s", out)
			}
			var sarif struct {
				Version string `json:"version"`
				Runs    []any  `json:"runs"`
			}
			data, err := os.ReadFile(filepath.Join(ws, "kaiji.sarif"))
			if err != nil {
				t.Fatalf("no SARIF written: %v", err)
			}
			if err := json.Unmarshal(data, &sarif); err != nil || sarif.Version != "2.1.0" || len(sarif.Runs) != 1 {
				t.Errorf("SARIF is not a 2.1.0 log with one run: %v %s", err, data[:min(len(data), 200)])
			}
			if len(res.Skipped) != 1 || !strings.HasPrefix(res.Skipped[0], "actions/setup-go@") {
				t.Errorf("only actions/setup-go should need GitHub's runner, skipped %v", res.Skipped)
			}
		})
	}
}

// TestActionMetadata validates action.yml against the GitHub Actions
// metadata schema with action-validator (installed by scripts/setup/action-validator.sh).
func TestActionMetadata(t *testing.T) {
	bin := filepath.Join(repoRoot, ".cache", "npm", "node_modules", ".bin", "action-validator")
	if _, err := os.Stat(bin); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("action-validator is not installed (scripts/setup/action-validator.sh): %v", err)
		}
		t.Skip("action-validator not installed; run scripts/setup/action-validator.sh")
	}
	for _, f := range []string{"action.yml", ".github/workflows/ci.yml"} {
		cmd := exec.Command(bin, filepath.Join(repoRoot, f))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("action-validator %s: %v\n%s", f, err, out)
		}
	}
}
