package baseline

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kaiji-dev/kaiji/internal/results"
)

func claim(item int, key, verdict string) results.Claim {
	return results.Claim{Item: item, Key: key, Verdict: verdict, Text: "2世代を保管しています",
		Reason:   results.Text{Ja: "aws_backup_plan.main は 1 世代", En: "aws_backup_plan.main keeps only 1 generation"},
		Evidence: []results.Evidence{{Fact: "aws_backup_plan.main", File: "backup.tf", Line: 14}}}
}

func TestCompare(t *testing.T) {
	base := &results.Run{
		Claims: []results.Claim{claim(54, "backup.generations", results.Supported), claim(65, "log.retention", results.Contradicted), claim(76, "network.tls_min_version", results.Unproven)},
		Controls: []results.Control{
			{ID: "III.2.3.1", EvalItem: "b", Verdict: results.Meets, Severity: "advisory"},
			{ID: "III.1.1.1", EvalItem: "a", Verdict: results.Meets, Severity: "hard"},
		},
	}
	head := &results.Run{
		Claims: []results.Claim{claim(54, "backup.generations", results.Contradicted), claim(65, "log.retention", results.Supported), claim(76, "network.tls_min_version", results.Unproven)},
		Controls: []results.Control{
			{ID: "III.2.3.1", EvalItem: "b", Verdict: results.Below, Severity: "advisory"},
			{ID: "III.1.1.1", EvalItem: "a", Verdict: results.Meets, Severity: "hard"},
		},
	}
	b := Compare("base.json", base, head)
	var got []string
	for _, c := range b.Changes {
		got = append(got, c.Kind+" "+c.Sentence.En)
	}
	want := []string{
		"worse This change contradicts item 54 (2世代を保管しています): aws_backup_plan.main keeps only 1 generation (backup.tf:14)",
		"worse This change leaves control III.2.3.1 b below the reference value",
		"fixed This change fixes item 65 (2世代を保管しています), which was contradicted: aws_backup_plan.main keeps only 1 generation (backup.tf:14)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}

	head.Baseline = b
	if !head.Fails(results.FailOn{Contradicted: true}) {
		t.Error("a newly contradicted claim must fail the check")
	}
	if head.Fails(results.FailOn{Unproven: true, Below: true}) {
		t.Error("an unchanged unproven claim and an advisory control must not fail a baseline check")
	}
	head.Claims[0].Waived = &results.WaiverRef{Reason: "r"}
	head.Baseline = Compare("base.json", base, head)
	if head.Fails(results.FailOn{Contradicted: true}) {
		t.Error("a waived regression must not fail the check")
	}
}
