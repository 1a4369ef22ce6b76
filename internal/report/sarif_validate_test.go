package report_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/kaiji-dev/kaiji/internal/report"
)

// needTool finds an external tool for a test. Locally a missing tool skips
// the test with the command that installs it; in CI (CI=true) it fails the
// test, so a broken setup script cannot pass silently.
func needTool(t *testing.T, name, setup string, candidates ...string) string {
	t.Helper()
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	msg := name + " not found; install it with: bash " + setup
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

func toolsDir() string {
	if d := os.Getenv("KAIJI_TOOLS"); d != "" {
		return d
	}
	home, err := os.UserHomeDir()
	if err != nil {
		home = "/tmp" // as scripts/setup/sarif.sh does without HOME
	}
	return filepath.Join(home, ".cache", "kaiji", "tools")
}

// TestSARIFSchema validates every SARIF golden case against the official
// OASIS SARIF 2.1.0 JSON schema (errata 01), kept in testdata.
func TestSARIFSchema(t *testing.T) {
	c := jsonschema.NewCompiler()
	sch, err := c.Compile("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	bad, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"version": "2.1.0", "runs": [{"tool": {"driver": {}}, "results": [{"guid": null}]}]}`))
	if sch.Validate(bad) == nil {
		t.Fatal("the schema accepts a driver without a name and a null guid: it is not checking")
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out := render(t, report.FormatSARIF, tc.lang, loadRun(t, tc.run))
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(doc); err != nil {
				t.Errorf("SARIF does not validate against the 2.1.0 schema: %v", err)
			}
			var log struct {
				Runs []struct {
					Results []struct {
						RuleID              string            `json:"ruleId"`
						PartialFingerprints map[string]string `json:"partialFingerprints"`
						Locations           []struct {
							PhysicalLocation struct {
								ArtifactLocation struct{ URI string }
								Region           struct{ StartLine int }
							}
						}
					}
					Tool struct {
						Driver struct {
							Rules []struct {
								ID   string
								Help struct{ Text, Markdown string }
							}
						}
					}
				}
			}
			if err := json.Unmarshal(out, &log); err != nil {
				t.Fatal(err)
			}
			// What GitHub code scanning needs: help on every rule, a
			// physical location with a line and a fingerprint on every result.
			for _, r := range log.Runs[0].Tool.Driver.Rules {
				if r.Help.Text == "" || r.Help.Markdown == "" {
					t.Errorf("rule %s has no help", r.ID)
				}
			}
			if len(log.Runs[0].Results) == 0 {
				t.Error("no results")
			}
			for _, r := range log.Runs[0].Results {
				if len(r.Locations) == 0 || r.Locations[0].PhysicalLocation.ArtifactLocation.URI == "" || r.Locations[0].PhysicalLocation.Region.StartLine < 1 {
					t.Errorf("result of %s has no physical location with a line", r.RuleID)
				}
				if r.PartialFingerprints[report.FingerprintKey] == "" {
					t.Errorf("result of %s has no partial fingerprint", r.RuleID)
				}
			}
		})
	}
}

// TestSARIFMultitool runs Microsoft's SARIF validator (Sarif.Multitool
// validate, installed by scripts/setup/sarif.sh) on every SARIF golden case
// and requires no errors and no warnings.
func TestSARIFMultitool(t *testing.T) {
	tool := needTool(t, "Sarif.Multitool", "scripts/setup/sarif.sh",
		os.Getenv("KAIJI_SARIF_MULTITOOL"), "Sarif.Multitool",
		filepath.Join(toolsDir(), "sarif", "node_modules", "@microsoft", "sarif-multitool-linux", "Sarif.Multitool"))
	dir := t.TempDir()
	var files []string
	for _, tc := range cases {
		path := filepath.Join(dir, tc.name+".sarif")
		if err := os.WriteFile(path, render(t, report.FormatSARIF, tc.lang, loadRun(t, tc.run)), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, path)
	}
	// One run for all cases: the tool takes seconds to start.
	cmd := exec.Command(tool, append([]string{"validate"}, files...)...)
	cmd.Env = append(os.Environ(), "DOTNET_CLI_TELEMETRY_OPTOUT=1", "DOTNET_NOLOGO=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("Sarif.Multitool validate: %v\n%s", err, out)
	}
	for _, l := range strings.Split(string(out), "\n") {
		if strings.Contains(l, ": error ") || strings.Contains(l, ": warning ") {
			t.Errorf("Sarif.Multitool: %s", l)
		}
	}
	if want := fmt.Sprintf("Done. %d files scanned.", len(files)); !strings.Contains(string(out), want) || !strings.Contains(string(out), "Analysis completed successfully") {
		t.Errorf("Sarif.Multitool did not validate all %d files:\n%s", len(files), out)
	}
	t.Logf("Sarif.Multitool validate: %d files, no errors or warnings", len(files))
}
