package terraform

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kaiji-dev/kaiji/collectors"
)

// goldenDoc is what a golden file holds: the facts and diagnostics of one case.
type goldenDoc struct {
	Facts       []collectors.Fact      `json:"facts"`
	Diagnostics collectors.Diagnostics `json:"diagnostics"`
}

// checkGolden compares facts and diagnostics with dir/facts.golden.json,
// rewriting it under -update.
func checkGolden(t *testing.T, dir string, facts []collectors.Fact, diags collectors.Diagnostics) {
	t.Helper()
	if facts == nil {
		facts = []collectors.Fact{}
	}
	if diags == nil {
		diags = collectors.Diagnostics{}
	}
	got, err := json.MarshalIndent(goldenDoc{facts, diags}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join(dir, "facts.golden.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run go test ./collectors/terraform -update): %v", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

// TestGolden runs the collector over every directory under testdata/golden
// and compares facts (with their file:line) and diagnostics with the golden file.
func TestGolden(t *testing.T) {
	t.Parallel()
	dirs, err := os.ReadDir("testdata/golden")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		dir := filepath.Join("testdata/golden", d.Name())
		t.Run(d.Name(), func(t *testing.T) {
			t.Parallel()
			facts, diags := collect(t, Options{}, loadDir(t, dir))
			checkGolden(t, dir, facts, diags)
		})
	}
}

// corpusGolden are the corpus directories whose facts are kept as golden
// files: plans of four Terraform versions, Cloud SQL modules, the Azure
// Verified Module for Recovery Services vaults, the AWS RDS module.
var corpusGolden = []string{"regula", "trivy", "checkov", "terraform-google-sql-db",
	"terraform-azurerm-avm-res-recoveryservices-vault", "terraform-aws-rds"}

// TestCorpusGolden compares the facts of representative corpus directories
// with their golden files.
func TestCorpusGolden(t *testing.T) {
	t.Parallel()
	for _, name := range corpusGolden {
		dir := filepath.Join("testdata/corpus", name)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			facts, diags := collect(t, Options{}, loadDir(t, dir))
			checkGolden(t, dir, facts, diags)
		})
	}
}

// TestNoSecrets checks that no sensitive value of the fixtures reaches a fact.
func TestNoSecrets(t *testing.T) {
	t.Parallel()
	for _, dir := range []string{"testdata/golden/plan", "testdata/golden/plan_only", "testdata/golden/modules"} {
		facts, _ := collect(t, Options{}, loadDir(t, dir))
		data, _ := json.Marshal(facts)
		for _, secret := range []string{"hunter2", "not-a-real-secret"} {
			if bytes.Contains(data, []byte(secret)) {
				t.Errorf("%s: a sensitive value (%s) reached the facts", dir, secret)
			}
		}
	}
}

// TestPlanMatchesConfiguration checks that a plan and the configuration it
// was made from give the same facts, with the same file and line.
func TestPlanMatchesConfiguration(t *testing.T) {
	t.Parallel()
	for _, dir := range []string{"testdata/golden/plan", "testdata/golden/plan_modules"} {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			planMatchesConfiguration(t, dir)
		})
	}
}

func planMatchesConfiguration(t *testing.T, dir string) {
	all := loadDir(t, dir)
	var hclOnly []collectors.File
	for _, f := range all {
		if strings.HasSuffix(f.Path, ".tf") {
			hclOnly = append(hclOnly, f)
		}
	}
	fromHCL, _ := collect(t, Options{Vars: map[string]string{"db_password": "x"}}, hclOnly)
	fromPlan, diags := collect(t, Options{}, all)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if len(fromPlan) != len(fromHCL) {
		t.Errorf("plan gives %d facts, configuration %d", len(fromPlan), len(fromHCL))
	}
	byID := map[string]collectors.Fact{}
	for _, f := range fromHCL {
		byID[string(f.Kind)+" "+f.ID] = f
	}
	for _, p := range fromPlan {
		h, ok := byID[string(p.Kind)+" "+p.ID]
		if !ok {
			t.Errorf("plan fact %s %s has no configuration counterpart", p.Kind, p.ID)
			continue
		}
		if diff := cmp.Diff(h, p); diff != "" {
			t.Errorf("%s %s differs (-configuration +plan):\n%s", p.Kind, p.ID, diff)
		}
	}
}

// TestPlanElsewhere checks that a plan outside the configuration's directory
// is matched to it by resource addresses, so facts are not doubled.
func TestPlanElsewhere(t *testing.T) {
	t.Parallel()
	var files []collectors.File
	for _, f := range loadDir(t, "testdata/golden/plan") {
		if strings.HasSuffix(f.Path, "plan.json") {
			f.Path = "ci/plan.json"
		} else {
			f.Path = "infra/" + filepath.Base(f.Path)
		}
		files = append(files, f)
	}
	facts, diags := collect(t, Options{}, files)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	seen := map[string]bool{}
	for _, f := range facts {
		k := string(f.Kind) + " " + f.ID
		if seen[k] {
			t.Errorf("fact %s twice", k)
		}
		seen[k] = true
		if f.Source.File != "infra/main.tf" {
			t.Errorf("%s from %s, want infra/main.tf", k, f.Source.File)
		}
	}
}

// TestSeveralRoots checks that two root modules with the same addresses give
// distinct ids, and that links stay within their root.
func TestSeveralRoots(t *testing.T) {
	t.Parallel()
	db := `resource "aws_db_instance" "app" { backup_retention_period = 7 }
`
	backup := `resource "aws_backup_plan" "p" {
  rule {
    rule_name = "daily"
    lifecycle {
      delete_after = 7
    }
  }
}
resource "aws_backup_selection" "s" {
  plan_id   = aws_backup_plan.p.id
  resources = [aws_db_instance.app.arn]
}
`
	facts, _ := collect(t, Options{}, []collectors.File{
		{Path: "env/prod/main.tf", Data: []byte(db + backup)},
		{Path: "env/stg/main.tf", Data: []byte(db)},
	})
	ids := map[string]bool{}
	for _, f := range facts {
		ids[string(f.Kind)+" "+f.ID] = true
	}
	for _, want := range []string{"datastore env/prod:aws_db_instance.app", "datastore env/stg:aws_db_instance.app"} {
		if !ids[want] {
			t.Errorf("no %s among %v", want, ids)
		}
	}
	rule := find(t, facts, `env/prod:aws_backup_plan.p.rule["daily"]`, collectors.KindBackup)
	checkAttrs(t, rule, map[string]any{"targets": []any{"env/prod:aws_db_instance.app"}})
}

// TestInstalledModuleLimits checks that a file of an installed module that
// is over --max-file-size, or not a regular file, is named in a diagnostic
// rather than dropped with its resources.
func TestInstalledModuleLimits(t *testing.T) {
	t.Parallel()
	root := filepath.ToSlash(t.TempDir())
	write := func(p, s string) {
		t.Helper()
		p = filepath.FromSlash(root + "/" + p)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(".terraform/modules/modules.json", `{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"db","Source":"registry.terraform.io/x/db/aws","Version":"1.0.0","Dir":".terraform/modules/db"}]}`)
	write(".terraform/modules/db/small.tf", `resource "aws_db_instance" "this" { backup_retention_period = 7 }`+"\n")
	write(".terraform/modules/db/big.tf", `resource "aws_s3_bucket" "logs" { bucket = "`+strings.Repeat("x", 200)+`" }`+"\n")
	if err := os.Symlink("small.tf", filepath.FromSlash(root+"/.terraform/modules/db/link.tf")); err != nil {
		t.Fatal(err)
	}
	main := `module "db" {
  source  = "x/db/aws"
  version = "1.0.0"
}
`
	facts, diags := collect(t, Options{MaxFileSize: 150}, []collectors.File{{Path: root + "/main.tf", Data: []byte(main)}})
	find(t, facts, "module.db.aws_db_instance.this", collectors.KindDatastore)
	var big, link bool
	for _, d := range diags {
		big = big || (d.File == root+"/.terraform/modules/db/big.tf" && strings.Contains(d.Message, "--max-file-size"))
		link = link || (d.File == root+"/.terraform/modules/db/link.tf" && strings.Contains(d.Message, "not a regular file"))
	}
	if !big || !link {
		t.Errorf("diagnostics %v: want big.tf over the size limit and link.tf not a regular file", diags)
	}
}

// TestInstalledModuleMissing checks that a module listed in modules.json
// whose directory is gone is the one "not downloaded" warning at the call,
// not also an error about the directory (an error would demote every
// supported claim).
func TestInstalledModuleMissing(t *testing.T) {
	t.Parallel()
	root := filepath.ToSlash(t.TempDir())
	p := filepath.FromSlash(root + "/.terraform/modules/modules.json")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	manifest := `{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"db","Source":"registry.terraform.io/x/db/aws","Version":"1.0.0","Dir":".terraform/modules/db"}]}`
	if err := os.WriteFile(p, []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	main := "module \"db\" {\n  source = \"x/db/aws\"\n}\n"
	_, diags := collect(t, Options{}, []collectors.File{{Path: root + "/main.tf", Data: []byte(main)}})
	if len(diags) != 1 || diags[0].Severity != collectors.SeverityWarning || !strings.Contains(diags[0].Message, "not downloaded") || diags[0].File != root+"/main.tf" {
		t.Errorf("diagnostics %v, want only the not-downloaded warning at the module call", diags)
	}
}
