// Package baseline compares a scan with the base branch's results, so a pull
// request check reports — and fails on — only what the change makes worse.
package baseline

import (
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"slices"

	"github.com/kaiji-dev/kaiji/internal/results"
)

// Load reads a results JSON file written by kaiji scan --format json.
func Load(path string) (*results.Run, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read baseline: %w", err)
	}
	var r results.Run
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("baseline %s: not kaiji results JSON: %w", path, err)
	}
	if r.Schema != results.SchemaVersion {
		return nil, fmt.Errorf("baseline %s: schema %q, want %q", path, r.Schema, results.SchemaVersion)
	}
	return &r, nil
}

// claimRank orders claim verdicts from good to bad.
var claimRank = map[string]int{results.Supported: 0, results.NotCheckable: 0, results.Unproven: 1, results.Contradicted: 2}

// controlRank orders control verdicts from good to bad.
var controlRank = map[string]int{results.Meets: 0, results.NotApplicable: 0, results.Unknown: 1, results.Below: 2}

// Compare lists the verdicts that differ between base and head. Claims are
// matched by item, key and occurrence; controls by id and evaluation item.
func Compare(file string, base, head *results.Run) *results.Baseline {
	b := &results.Baseline{File: file, Changes: []results.Change{}}
	baseClaims := map[string]results.Claim{}
	for k, c := range keyedClaims(base.Claims) {
		baseClaims[k] = c
	}
	for k, c := range keyedClaims(head.Claims) {
		old, ok := baseClaims[k]
		delete(baseClaims, k)
		switch {
		case !ok:
			if claimRank[c.Verdict] > 0 {
				b.Changes = append(b.Changes, claimChange(results.ChangeNew, "", c))
			}
		case claimRank[c.Verdict] > claimRank[old.Verdict]:
			b.Changes = append(b.Changes, claimChange(results.ChangeWorse, old.Verdict, c))
		case claimRank[c.Verdict] < claimRank[old.Verdict]:
			b.Changes = append(b.Changes, claimChange(results.ChangeFixed, old.Verdict, c))
		case c.Verdict != old.Verdict:
			b.Changes = append(b.Changes, claimChange(results.ChangeSimple, old.Verdict, c))
		}
	}
	for _, old := range baseClaims {
		if claimRank[old.Verdict] > 0 {
			ch := claimChange(results.ChangeGone, old.Verdict, old)
			ch.After, ch.Evidence = "", []results.Evidence{}
			ch.Sentence = results.Text{
				Ja: fmt.Sprintf("この変更により項目%d（%s）の開示が評価対象から外れました", old.Item, label(old)),
				En: fmt.Sprintf("This change removes item %d (%s) from the claims", old.Item, label(old)),
			}
			b.Changes = append(b.Changes, ch)
		}
	}
	baseControls := map[string]results.Control{}
	for _, c := range base.Controls {
		baseControls[c.ID+"/"+c.EvalItem] = c
	}
	for _, c := range head.Controls {
		old, ok := baseControls[c.ID+"/"+c.EvalItem]
		before := results.Meets
		if ok {
			before = old.Verdict
		}
		switch {
		case controlRank[c.Verdict] > controlRank[before]:
			b.Changes = append(b.Changes, controlChange(results.ChangeWorse, before, c))
		case controlRank[c.Verdict] < controlRank[before]:
			b.Changes = append(b.Changes, controlChange(results.ChangeFixed, before, c))
		}
	}
	slices.SortStableFunc(b.Changes, func(x, y results.Change) int {
		return cmp.Or(cmp.Compare(order(x.Kind), order(y.Kind)), cmp.Compare(x.Subject, y.Subject),
			cmp.Compare(x.Item, y.Item), cmp.Compare(x.Key, y.Key), cmp.Compare(x.Control, y.Control), cmp.Compare(x.EvalItem, y.EvalItem))
	})
	return b
}

func order(kind string) int {
	return slices.Index([]string{results.ChangeWorse, results.ChangeNew, results.ChangeFixed, results.ChangeSimple, results.ChangeGone}, kind)
}

// keyedClaims keys claims by item, key and occurrence.
func keyedClaims(cs []results.Claim) map[string]results.Claim {
	out := map[string]results.Claim{}
	seen := map[string]int{}
	for _, c := range cs {
		k := fmt.Sprintf("%d/%s", c.Item, c.Key)
		out[fmt.Sprintf("%s#%d", k, seen[k])] = c
		seen[k]++
	}
	return out
}

func label(c results.Claim) string {
	if c.Text != "" {
		return c.Text
	}
	return fmt.Sprintf("%s = %v", c.Key, c.Claimed)
}

var verbs = map[string]results.Text{
	results.Contradicted: {Ja: "矛盾します", En: "contradicts"},
	results.Unproven:     {Ja: "確認できなくなります", En: "leaves unproven"},
	results.Supported:    {Ja: "裏付けられます", En: "supports"},
	results.NotCheckable: {Ja: "対象外になります", En: "makes not checkable"},
}

func claimChange(kind, before string, c results.Claim) results.Change {
	ch := results.Change{
		Kind: kind, Subject: "claim", Item: c.Item, Key: c.Key, Before: before, After: c.Verdict,
		Evidence: c.Evidence, Waived: c.Waived != nil,
	}
	if ch.Evidence == nil {
		ch.Evidence = []results.Evidence{}
	}
	where := ""
	if len(c.Evidence) > 0 {
		where = fmt.Sprintf(" (%s:%d)", c.Evidence[0].File, c.Evidence[0].Line)
	}
	v := verbs[c.Verdict]
	if kind == results.ChangeFixed {
		ch.Sentence = results.Text{
			Ja: fmt.Sprintf("この変更により項目%d（%s）の%sが解消されます: %s%s", c.Item, label(c), verdictJa(before), c.Reason.Ja, where),
			En: fmt.Sprintf("This change fixes item %d (%s), which was %s: %s%s", c.Item, label(c), before, c.Reason.En, where),
		}
		return ch
	}
	ch.Sentence = results.Text{
		Ja: fmt.Sprintf("この変更により項目%d（%s）が%s: %s%s", c.Item, label(c), v.Ja, c.Reason.Ja, where),
		En: fmt.Sprintf("This change %s item %d (%s): %s%s", v.En, c.Item, label(c), c.Reason.En, where),
	}
	return ch
}

func verdictJa(v string) string {
	switch v {
	case results.Contradicted:
		return "矛盾"
	case results.Unproven:
		return "未確認"
	case results.Below:
		return "未達"
	}
	return v
}

func controlChange(kind, before string, c results.Control) results.Change {
	ch := results.Change{
		Kind: kind, Subject: "control", Control: c.ID, EvalItem: c.EvalItem, Before: before, After: c.Verdict,
		Evidence: c.Evidence, Waived: c.Waived != nil, Hard: c.Severity == "hard",
	}
	if ch.Evidence == nil {
		ch.Evidence = []results.Evidence{}
	}
	where := ""
	if len(c.Evidence) > 0 {
		where = fmt.Sprintf(" (%s:%d)", c.Evidence[0].File, c.Evidence[0].Line)
	}
	id := c.ID
	if c.EvalItem != "-" {
		id += " " + c.EvalItem
	}
	if kind == results.ChangeFixed {
		ch.Sentence = results.Text{
			Ja: fmt.Sprintf("この変更により対策 %s が参照値を満たすようになります%s%s", id, colon(c.Reason.Ja), where),
			En: fmt.Sprintf("This change brings control %s up to the reference value (was %s)%s%s", id, before, colon(c.Reason.En), where),
		}
		return ch
	}
	state := map[string]results.Text{results.Below: {Ja: "参照値を下回ります", En: "below the reference value"}, results.Unknown: {Ja: "判定できなくなります", En: "unknown"}}[c.Verdict]
	ch.Sentence = results.Text{
		Ja: fmt.Sprintf("この変更により対策 %s が%s%s%s", id, state.Ja, colon(c.Reason.Ja), where),
		En: fmt.Sprintf("This change leaves control %s %s%s%s", id, state.En, colon(c.Reason.En), where),
	}
	return ch
}

func colon(s string) string {
	if s == "" {
		return ""
	}
	return ": " + s
}
