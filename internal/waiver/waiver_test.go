package waiver

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/internal/results"
)

const hcl = `resource "aws_backup_plan" "main" {
  # kaiji:ignore 54 reason="second copy is made by the storage account" expires=2027-01-31
  rule {
    rule_name = "daily"
  }
}

# kaiji:ignore firewall.enabled reason="bastion, tracked in SEC-12"
resource "aws_security_group" "bastion" {
}

// kaiji:ignore III.2.3.1/b
resource "aws_db_instance" "x" {}
`

func facts() []collectors.Fact {
	return []collectors.Fact{
		{ID: `aws_backup_plan.main.rule["daily"]`, Source: collectors.Source{File: "b.tf", Line: 3, EndLine: 5}},
		{ID: "aws_security_group.bastion.ingress[0]", Source: collectors.Source{File: "b.tf", Line: 9, EndLine: 10}},
		{ID: "aws_db_instance.x", Source: collectors.Source{File: "b.tf", Line: 13, EndLine: 13}},
	}
}

func TestInline(t *testing.T) {
	ws, diags := Inline(map[string][]byte{"b.tf": []byte(hcl)}, facts())
	want := []results.Waiver{
		{Target: "54", Reason: "second copy is made by the storage account", Expires: "2027-01-31", File: "b.tf", Line: 2, Facts: []string{`aws_backup_plan.main.rule["daily"]`}, Status: results.WaiverUnused},
		{Target: "firewall.enabled", Reason: "bastion, tracked in SEC-12", File: "b.tf", Line: 8, Facts: []string{"aws_security_group.bastion.ingress[0]"}, Status: results.WaiverUnused},
		{Target: "III.2.3.1/b", File: "b.tf", Line: 12, Facts: []string{"aws_db_instance.x"}, Status: results.WaiverInvalid, Problem: `a reason is required: reason="…"`},
	}
	if diff := cmp.Diff(want, ws); diff != "" {
		t.Errorf("Inline (-want +got):\n%s", diff)
	}
	if len(diags) != 1 || diags[0].Line != 12 {
		t.Errorf("want one diagnostic at line 12 for the waiver without a reason, have %v", diags)
	}
}

func TestApply(t *testing.T) {
	today := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	contradicted := func() results.Claim {
		return results.Claim{Item: 54, Key: "backup.generations", Verdict: results.Contradicted,
			Details:  []results.Detail{{Fact: "a", Outcome: "contradicts"}, {Fact: "b", Outcome: "supports"}},
			Evidence: []results.Evidence{{Fact: "plan.rule", File: "b.tf", Line: 17}}}
	}
	tests := []struct {
		name       string
		waiver     results.Waiver
		wantWaived bool
		wantStatus string
	}{
		{"item covers all", results.Waiver{Target: "54", Reason: "r", Status: results.WaiverUnused}, true, results.WaiverActive},
		{"key with the failing fact", results.Waiver{Target: "backup.generations", Reason: "r", Facts: []string{"a"}, Status: results.WaiverUnused}, true, results.WaiverActive},
		{"other fact only", results.Waiver{Target: "54", Reason: "r", Facts: []string{"b"}, Status: results.WaiverUnused}, false, results.WaiverUnused},
		{"resource cited as evidence", results.Waiver{Target: "54", Reason: "r", Facts: []string{"plan.rule"}, Status: results.WaiverUnused}, true, results.WaiverActive},
		{"other item", results.Waiver{Target: "55", Reason: "r", Status: results.WaiverUnused}, false, results.WaiverUnused},
		{"expired", results.Waiver{Target: "54", Reason: "r", Expires: "2026-11-21", Status: results.WaiverUnused}, false, results.WaiverExpired},
		{"expires today still holds", results.Waiver{Target: "54", Reason: "r", Expires: "2026-11-22", Status: results.WaiverUnused}, true, results.WaiverActive},
		{"invalid", results.Waiver{Target: "54", Status: results.WaiverInvalid}, false, results.WaiverInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run := &results.Run{Claims: []results.Claim{contradicted()}}
			Apply(run, []results.Waiver{tt.waiver}, today)
			if got := run.Claims[0].Waived != nil; got != tt.wantWaived {
				t.Errorf("waived = %v, want %v", got, tt.wantWaived)
			}
			if run.Waivers[0].Status != tt.wantStatus {
				t.Errorf("status = %s, want %s", run.Waivers[0].Status, tt.wantStatus)
			}
			fails := run.Fails(results.FailOn{Contradicted: true})
			wantFails := !tt.wantWaived
			if fails != wantFails {
				t.Errorf("Fails = %v, want %v", fails, wantFails)
			}
		})
	}
}

func FuzzInline(f *testing.F) {
	f.Add(hcl)
	f.Add("# kaiji:ignore\n")
	f.Add(`# kaiji:ignore x reason="unterminated`)
	f.Fuzz(func(t *testing.T, src string) {
		ws, _ := Inline(map[string][]byte{"f.tf": []byte(src)}, facts())
		for _, w := range ws {
			if w.Status != results.WaiverInvalid && w.Reason == "" {
				t.Fatalf("waiver without reason accepted: %+v", w)
			}
		}
	})
}

// TestApplySeveral: failing resources covered by different waivers, some
// by name and some through the evidence the verdict cites.
func TestApplySeveral(t *testing.T) {
	today := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	claim := results.Claim{Item: 54, Key: "backup.generations", Verdict: results.Contradicted,
		Details:  []results.Detail{{Fact: "a", Outcome: "contradicts"}, {Fact: "c", Outcome: "contradicts"}},
		Evidence: []results.Evidence{{Fact: "other"}, {Fact: "plan.rule"}, {Fact: "other"}, {Fact: ""}}}
	byName := results.Waiver{Target: "54", Reason: "r", Facts: []string{"a"}, File: "n.tf", Status: results.WaiverUnused}
	byEvidence := results.Waiver{Target: "54", Reason: "r", Facts: []string{"plan.*"}, File: "e.tf", Status: results.WaiverUnused}
	unrelated := results.Waiver{Target: "54", Reason: "r", Facts: []string{"z"}, File: "z.tf", Status: results.WaiverUnused}
	for _, tt := range []struct {
		name       string
		ws         []results.Waiver
		wantFile   string // of the waiver the verdict names; "" when not waived
		wantStatus []string
	}{
		{"name and evidence", []results.Waiver{byName, byEvidence}, "n.tf", []string{results.WaiverActive, results.WaiverActive}},
		// a waiver naming the resource is preferred to one through evidence
		{"named first", []results.Waiver{byEvidence, byName}, "n.tf", []string{results.WaiverActive, results.WaiverActive}},
		{"evidence first of two", []results.Waiver{unrelated, byEvidence, byName}, "n.tf", []string{results.WaiverUnused, results.WaiverActive, results.WaiverActive}},
		{"evidence alone", []results.Waiver{unrelated, byEvidence}, "e.tf", []string{results.WaiverUnused, results.WaiverActive}},
		{"one resource uncovered", []results.Waiver{byName, unrelated}, "", []string{results.WaiverUnused, results.WaiverUnused}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			run := &results.Run{Claims: []results.Claim{claim}}
			Apply(run, tt.ws, today)
			got := ""
			if w := run.Claims[0].Waived; w != nil {
				got = w.File
			}
			if got != tt.wantFile {
				t.Errorf("waived by %q, want %q", got, tt.wantFile)
			}
			for i, w := range run.Waivers {
				if w.Status != tt.wantStatus[i] {
					t.Errorf("waiver %d (%s): status %s, want %s", i, w.File, w.Status, tt.wantStatus[i])
				}
			}
		})
	}
}

// BenchmarkApply: waivers over a verdict citing 100,000 resources, as on
// a 100k-resource estate, with none, and with waivers naming resources.
func BenchmarkApply(b *testing.B) {
	claim := results.Claim{Item: 54, Key: "backup.generations", Verdict: results.Contradicted}
	for i := range 100000 {
		id := fmt.Sprintf("r%06d", i)
		claim.Details = append(claim.Details, results.Detail{Fact: id, Outcome: "contradicts"})
		claim.Evidence = append(claim.Evidence, results.Evidence{Fact: id}, results.Evidence{Fact: "plan.rule"})
	}
	for _, tc := range []struct {
		name string
		ws   []results.Waiver
	}{
		{"none", nil},
		{"by-evidence", []results.Waiver{{Target: "54", Reason: "r", Facts: []string{"plan.rule"}, Status: results.WaiverUnused}}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				c := claim
				c.Waived = nil
				Apply(&results.Run{Claims: []results.Claim{c}}, slices.Clone(tc.ws), time.Time{})
			}
		})
	}
}

// BenchmarkInline: a waiver inside a block that a module called many times
// expands to 100,000 instances, all on the block's lines.
func BenchmarkInline(b *testing.B) {
	var fs []collectors.Fact
	for i := range 100000 {
		fs = append(fs, collectors.Fact{ID: fmt.Sprintf(`module.svc["s%06d"].aws_db_instance.db`, i), Source: collectors.Source{File: "b.tf", Line: 13, EndLine: 14}})
	}
	src := map[string][]byte{"b.tf": []byte(strings.Repeat("\n", 12) + "resource \"aws_db_instance\" \"db\" {\n  # kaiji:ignore 54 reason=\"r\"\n}\n")}
	for b.Loop() {
		ws, _ := Inline(src, fs)
		if len(ws) != 1 || len(ws[0].Facts) != 100000 {
			b.Fatalf("%d waivers, %v", len(ws), ws)
		}
	}
}
