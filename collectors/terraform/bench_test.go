package terraform

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kaiji-dev/kaiji/bench/gen"
	"github.com/kaiji-dev/kaiji/collectors"
)

// readTree reads every file under dir as the registry would hand them over.
func readTree(tb testing.TB, dir string) []collectors.File {
	tb.Helper()
	var files []collectors.File
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files = append(files, collectors.File{Path: filepath.ToSlash(p), Data: data})
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return files
}

// benchEstate generates the estate of n resources (bench/gen) under a
// temporary directory and returns its Terraform files in the module and
// the flat layout, and its plan.
func benchEstate(b *testing.B, n int) (hcl, flat, plan []collectors.File) {
	b.Helper()
	dir := b.TempDir()
	l, err := gen.Write(dir, gen.Options{Resources: n, NoKubernetes: true})
	if err != nil {
		b.Fatal(err)
	}
	return readTree(b, l.Terraform), readTree(b, l.Flat), readTree(b, filepath.Dir(l.Plan))
}

func size(files []collectors.File) int64 {
	var n int64
	for _, f := range files {
		n += int64(len(f.Data))
	}
	return n
}

// BenchmarkCollectHCL reads the generated Terraform trees: a root module
// calling three service modules with for_each and count.
func BenchmarkCollectHCL(b *testing.B) {
	benchCollect(b, func(hcl, _, _ []collectors.File) []collectors.File { return hcl })
}

// BenchmarkCollectFlat reads the same instances written as one flat root
// module: about a hundred times the text, thousands of blocks in one module.
func BenchmarkCollectFlat(b *testing.B) {
	benchCollect(b, func(_, flat, _ []collectors.File) []collectors.File { return flat })
}

// BenchmarkCollectPlan reads the same estates as terraform show -json plans.
func BenchmarkCollectPlan(b *testing.B) {
	benchCollect(b, func(_, _, plan []collectors.File) []collectors.File { return plan })
}

// BenchmarkCollectCorpus reads the real public modules of testdata/corpus,
// each with its examples and submodules as a user's checkout has them: the
// shapes generated estates lack (a module called from dozens of examples,
// tables of rules as variable defaults, deep locals).
func BenchmarkCollectCorpus(b *testing.B) {
	dirs, err := filepath.Glob("testdata/corpus/terraform-*")
	if err != nil || len(dirs) == 0 {
		b.Fatalf("no corpus modules (%v)", err)
	}
	for _, dir := range dirs {
		files := readTree(b, dir)
		b.Run(filepath.Base(dir), func(b *testing.B) {
			c := New(Options{Vars: map[string]string{}})
			b.SetBytes(size(files))
			for b.Loop() {
				if facts, _ := c.Collect(context.Background(), files); len(facts) == 0 {
					b.Fatal("no facts")
				}
			}
		})
	}
}

func benchCollect(b *testing.B, pick func(hcl, flat, plan []collectors.File) []collectors.File) {
	for _, n := range []int{1000, 10000} {
		files := pick(benchEstate(b, n))
		b.Run(fmt.Sprintf("resources=%d", n), func(b *testing.B) {
			c := New(Options{Vars: map[string]string{}})
			b.SetBytes(size(files))
			for b.Loop() {
				facts, diags := c.Collect(context.Background(), files)
				if len(diags) > 0 || len(facts) == 0 {
					b.Fatalf("%d facts, diagnostics %v", len(facts), diags)
				}
			}
		})
	}
}

// backupLinkHCL is one backup policy of each provider over n resources
// (blocks of 1,000, the most one resource's count is read as): an AWS
// Backup selection of every database ("*"), a Google snapshot schedule
// every disk names, an Azure VM policy every protected VM names.
func backupLinkHCL(n int) []collectors.File {
	var b strings.Builder
	b.WriteString(`
resource "aws_backup_vault" "v" {
  name = "v"
}

resource "aws_backup_plan" "p" {
  name = "p"
  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.v.name
    schedule          = "cron(0 3 * * ? *)"
    lifecycle {
      delete_after = 35
    }
  }
}

resource "aws_backup_selection" "all" {
  name         = "all"
  plan_id      = aws_backup_plan.p.id
  iam_role_arn = "arn:aws:iam::123456789012:role/backup"
  resources    = ["*"]
}

resource "google_compute_resource_policy" "snap" {
  name   = "snap"
  region = "asia-northeast1"
  snapshot_schedule_policy {
    schedule {
      daily_schedule {
        days_in_cycle = 1
        start_time    = "04:00"
      }
    }
    retention_policy {
      max_retention_days = 14
    }
  }
}

resource "azurerm_backup_policy_vm" "pol" {
  name                = "pol"
  resource_group_name = "rg"
  recovery_vault_name = "vault"
  backup {
    frequency = "Daily"
    time      = "23:00"
  }
  retention_daily {
    count = 30
  }
}
`)
	for k := range n / 1000 {
		fmt.Fprintf(&b, `
resource "aws_db_instance" "db%[1]d" {
  count             = 1000
  identifier        = "db-%[1]d-${count.index}"
  storage_encrypted = true
}

resource "google_compute_disk" "d%[1]d" {
  count             = 1000
  name              = "d-%[1]d-${count.index}"
  zone              = "asia-northeast1-a"
  resource_policies = [google_compute_resource_policy.snap.id]
}

resource "azurerm_linux_virtual_machine" "vm%[1]d" {
  count    = 1000
  name     = "vm-%[1]d-${count.index}"
  location = "japaneast"
}

resource "azurerm_backup_protected_vm" "p%[1]d" {
  count               = 1000
  resource_group_name = "rg"
  recovery_vault_name = "vault"
  source_vm_id        = azurerm_linux_virtual_machine.vm%[1]d[count.index].id
  backup_policy_id    = azurerm_backup_policy_vm.pol.id
}
`, k)
	}
	return []collectors.File{{Path: "backup/main.tf", Data: []byte(b.String())}}
}

// BenchmarkBackupLinks collects one backup policy per provider over 1,000
// and 10,000 resources: ten times the resources must cost about ten times
// the time (the targets were deduplicated by searching the list so far).
func BenchmarkBackupLinks(b *testing.B) { benchOneModule(b, backupLinkHCL, 3) }

// benchOneModule collects one module of n resources of each kind (files(n))
// at n = 1,000 and 10,000, checking that it reads at least perN × n facts.
func benchOneModule(b *testing.B, files func(n int) []collectors.File, perN int) {
	for _, n := range []int{1000, 10000} {
		fs := files(n)
		b.Run(fmt.Sprintf("resources=%d", n), func(b *testing.B) {
			c := New(Options{Vars: map[string]string{}})
			for b.Loop() {
				if facts, diags := c.Collect(context.Background(), fs); len(facts) < perN*n {
					b.Fatalf("%d facts for %d resources of each kind: %v", len(facts), n, diags)
				}
			}
		})
	}
}

// TestBackupLinkTargets: each provider's policy over 2,000 resources lists
// its targets sorted, each once (what BenchmarkBackupLinks times). As the
// collector reads them: the AWS selection of "*" takes every data store of
// the module, the disks too; an Azure protected VM names its VM block, not
// the instance (vm0[count.index] is read as vm0).
func TestBackupLinkTargets(t *testing.T) {
	facts, _ := New(Options{Vars: map[string]string{}}).Collect(context.Background(), backupLinkHCL(2000))
	want := map[string]int{
		`aws_backup_plan.p.rule["daily"]`:     4000,
		"google_compute_resource_policy.snap": 2000,
		"azurerm_backup_policy_vm.pol":        2,
	}
	got := map[string]int{}
	for _, f := range facts {
		ts, ok := f.Attrs["targets"].([]any)
		if !ok {
			continue
		}
		got[f.ID] = len(ts)
		if !slices.IsSortedFunc(ts, func(a, b any) int { return strings.Compare(a.(string), b.(string)) }) {
			t.Errorf("%s: targets not sorted", f.ID)
		}
		if len(slices.Compact(slices.Clone(ts))) != len(ts) {
			t.Errorf("%s: a target twice", f.ID)
		}
	}
	if !maps.Equal(got, want) {
		t.Errorf("targets per policy: %v, want %v", got, want)
	}
}

// linkHCL is one module of n load balancers with a listener each, n
// disks each attached to a snapshot schedule and n backup plans writing to
// one vault (blocks of 1,000): linking follows a reference per listener,
// per attachment and per plan rule.
func linkHCL(n int) []collectors.File {
	var b strings.Builder
	b.WriteString(`
resource "aws_backup_vault" "v" {
  name = "v"
}

resource "google_compute_resource_policy" "snap" {
  name   = "snap"
  region = "asia-northeast1"
  snapshot_schedule_policy {
    retention_policy {
      max_retention_days = 14
    }
  }
}
`)
	for k := range n / 1000 {
		fmt.Fprintf(&b, `
resource "aws_lb" "lb%[1]d" {
  count    = 1000
  name     = "lb-%[1]d-${count.index}"
  internal = true
}

resource "aws_lb_listener" "l%[1]d" {
  count             = 1000
  load_balancer_arn = aws_lb.lb%[1]d[count.index].arn
  port              = 443
  protocol          = "HTTPS"
}

resource "google_compute_disk" "d%[1]d" {
  count = 1000
  name  = "d-%[1]d-${count.index}"
  zone  = "asia-northeast1-a"
}

resource "google_compute_disk_resource_policy_attachment" "a%[1]d" {
  count = 1000
  name  = google_compute_resource_policy.snap.name
  disk  = google_compute_disk.d%[1]d[count.index].name
  zone  = "asia-northeast1-a"
}

resource "aws_backup_plan" "p%[1]d" {
  count = 1000
  name  = "p-%[1]d-${count.index}"
  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.v.name
    schedule          = "cron(0 3 * * ? *)"
  }
}
`, k)
	}
	return []collectors.File{{Path: "links/main.tf", Data: []byte(b.String())}}
}

// BenchmarkLinks collects linkHCL at 1,000 and 10,000 of each: ten times
// the resources must cost about ten times the time (each reference was
// looked up by scanning every resource of the module).
func BenchmarkLinks(b *testing.B) { benchOneModule(b, linkHCL, 2) }

// TestLinks: what BenchmarkLinks times links as before: each listener to
// its block's first load balancer, not public, each plan rule to its vault,
// and the schedule to each block's first disk (lb0[count.index] and d0[count.index] are read as the
// block's first instance).
func TestLinks(t *testing.T) {
	facts, _ := New(Options{Vars: map[string]string{}}).Collect(context.Background(), linkHCL(2000))
	listeners, targets, vaulted := 0, 0, 0
	for _, f := range facts {
		switch {
		case strings.HasPrefix(f.ID, "aws_backup_plan.p"):
			if f.Attrs["vault"] == "aws_backup_vault.v" {
				vaulted++
			}
		case strings.HasPrefix(f.ID, "aws_lb_listener.l"):
			listeners++
			block := strings.Split(f.ID, "[")[0][len("aws_lb_listener.l"):]
			if lb := f.Attrs["load_balancer"]; lb != "aws_lb.lb"+block+"[0]" || f.Attrs["public"] != false {
				t.Errorf("%s: load balancer %v, public %v", f.ID, lb, f.Attrs["public"])
			}
		case f.ID == "google_compute_resource_policy.snap":
			ts, _ := f.Attrs["targets"].([]any)
			targets = len(ts)
		}
	}
	if listeners != 2000 || targets != 2 || vaulted != 2000 {
		t.Errorf("%d listeners, %d disks scheduled, %d plan rules with their vault; want 2000, 2 and 2000", listeners, targets, vaulted)
	}
}
