package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kaiji-dev/kaiji/internal/report"
)

// brokenCanaries are inputs that fail to parse right where a secret sits,
// so that an error message quoting the source would show it.
var brokenCanaries = map[string]string{
	"broken.tf":          "resource \"aws_db_instance\" \"b\" {\n  password = \"kaiji-canary-hcl\" {{{\n",
	"unterminated.tf":    "variable \"token\" {\n  sensitive = true\n  default   = \"kaiji-canary-unterminated\n}\n",
	"secret-bad.yaml":    "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  password: kaiji-canary-yaml\n  token: [kaiji-canary-flow\n",
	"dup-secret.yaml":    "apiVersion: v1\nkind: Secret\nmetadata:\n  name: d\ndata:\n  password: a2FpamktY2FuYXJ5\n  password: kaiji-canary-dup\n",
	"env.yaml":           "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: e\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          env:\n            - name: DB_PASSWORD\n              value: kaiji-canary-env\n            - {name: API_TOKEN, value: kaiji-canary-env2\n",
	"plan-bad.json":      "{\"format_version\":\"1.2\",\"terraform_version\":\"1.9.0\",\"planned_values\":{\"root_module\":{\"resources\":[{\"address\":\"kaiji-canary-plan\",\"values\":{\"password\":\"kaiji-canary-plan2\"",
	"export-bad.json":    "{\"DBInstances\": [{\"MasterUserPassword\": \"kaiji-canary-export\", \"DBInstanceIdentifier\": kaiji-canary-bare}]}\n",
	"deep-secret.tf":     "locals {\n  secret = \"kaiji-canary-deep\"\n  x = " + strings.Repeat("[", 200) + "\n}\n",
	"bad-utf8-secret.tf": "resource \"aws_db_instance\" \"u\" {\n  password = \"kaiji-canary-utf8\xff\xfe\"\n}\n",
}

// TestCanaryBrokenInputs extends TestCanaryNeverShown to inputs that do not
// parse: no output format, no kaiji facts output and no diagnostic or error
// line shows a planted secret, even where the parser failed beside it.
func TestCanaryBrokenInputs(t *testing.T) {
	const canary = "kaiji-canary"
	dir := t.TempDir()
	copyTree(t, filepath.Join(repoRoot, "internal", "report", "testdata", "canary"), filepath.Join(dir, "canary"))
	for name, data := range brokenCanaries {
		writeInput(t, filepath.Join(dir, "broken", name), []byte(data))
	}
	t.Setenv("TF_VAR_db_password", "kaiji-canary-tfvar-env")
	paths := []string{"--var-file", filepath.Join(dir, "canary", "terraform.tfvars"), filepath.Join(dir, "canary"), filepath.Join(dir, "broken")}
	claims := filepath.Join(dir, "canary", "claims.yaml")
	check := func(what, out, stderr string) {
		t.Helper()
		if strings.Contains(out, canary) {
			i := strings.Index(out, canary)
			t.Errorf("%s shows a secret: …%s…", what, out[max(0, i-80):min(len(out), i+40)])
		}
		if strings.Contains(stderr, canary) {
			t.Errorf("%s: standard error shows a secret: %s", what, stderr)
		}
	}
	for _, format := range report.Formats() {
		out := filepath.Join(t.TempDir(), "out")
		stdout, stderr, code := runIn(t, append([]string{"scan", "--claims", claims, "--format", format, "-o", out, "--fail-on", "none"}, paths...)...)
		if code != ExitOK {
			t.Fatalf("scan --format %s: exit %d: %s", format, code, stderr)
		}
		data, _ := os.ReadFile(out)
		if format == report.FormatSheetXLSX {
			data = unzipAll(t, data)
		}
		check("scan --format "+format, string(data)+stdout, stderr)
	}
	for _, format := range []string{"text", "json"} {
		stdout, stderr, code := runIn(t, append([]string{"facts", "--format", format}, paths...)...)
		if code != ExitOK {
			t.Fatalf("facts --format %s: exit %d: %s", format, code, stderr)
		}
		check("facts --format "+format, stdout, stderr)
	}
	// --strict fails on these diagnostics; its error line must not quote them.
	stdout, stderr, code := runIn(t, append([]string{"scan", "--claims", claims, "--strict"}, paths...)...)
	if code != ExitInput {
		t.Errorf("scan --strict: exit %d, want %d", code, ExitInput)
	}
	check("scan --strict", stdout, stderr)
}
