package report

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/kaiji-dev/kaiji/internal/results"
)

// Text writes a readable table of verdicts, coloured when asked (only on a terminal).
type Text struct {
	opts Options
}

var labels = map[string]results.Text{
	results.Supported:     {Ja: "裏付けあり", En: "supported"},
	results.Contradicted:  {Ja: "矛盾", En: "contradicted"},
	results.Unproven:      {Ja: "未確認", En: "unproven"},
	results.NotCheckable:  {Ja: "対象外", En: "not checkable"},
	results.Meets:         {Ja: "適合", En: "meets"},
	results.Below:         {Ja: "未達", En: "below"},
	results.Unknown:       {Ja: "不明", En: "unknown"},
	results.NotApplicable: {Ja: "該当なし", En: "not applicable"},
}

var colors = map[string]string{
	results.Supported: "32", results.Meets: "32",
	results.Contradicted: "31", results.Below: "31",
	results.Unproven: "33", results.Unknown: "33",
}

func (t *Text) verdict(v string) string {
	s := labels[v].In(t.opts.Lang)
	if s == "" {
		s = v
	}
	if c, ok := colors[v]; ok && t.opts.Color {
		return "\x1b[" + c + "m" + s + "\x1b[0m"
	}
	return s
}

func (t *Text) waived(w bool) string {
	if !w {
		return ""
	}
	return t.h("（免除）", " (waived)")
}

func (t *Text) h(ja, en string) string {
	if t.opts.Lang == "ja" {
		return ja
	}
	return en
}

// Report implements Reporter.
func (t *Text) Report(_ context.Context, w io.Writer, r *results.Run) error {
	lang := t.opts.Lang
	bw := &errWriter{w: w}
	if r.Service != "" {
		bw.printf("%s: %s\n", t.h("サービス", "Service"), r.Service)
	}
	bw.printf("%s %d · %s %s\n\n", t.h("パターン", "Pattern"), r.Pattern, t.h("版", "edition"), r.Edition)

	if len(r.Claims) > 0 {
		bw.printf("%s\n", t.h("開示項目の判定", "Claims"))
		tw := &table{}
		tw.add(t.h("項目", "ITEM"), t.h("キー", "KEY"), t.h("開示値", "CLAIMED"), t.h("判定", "VERDICT"), t.h("根拠", "EVIDENCE"))
		for _, c := range r.Claims {
			tw.add(fmt.Sprint(c.Item), c.Key, claimed(c.Claimed), t.verdict(c.Verdict)+t.waived(c.Waived != nil), evidenceList(c.Evidence, 3))
		}
		if err := tw.write(bw); err != nil {
			return err
		}
		bw.printf("\n")
		for _, c := range r.Claims {
			bw.printf("  [%d %s] %s: %s\n", c.Item, c.Key, t.verdict(c.Verdict), c.Reason.In(lang))
		}
		bw.printf("\n")
	}

	if len(r.Controls) > 0 {
		bw.printf("%s\n", t.h(fmt.Sprintf("対策項目（パターン%d の対策参照値）", r.Pattern), fmt.Sprintf("Controls (reference values of pattern %d)", r.Pattern)))
		tw := &table{}
		tw.add(t.h("対策", "CONTROL"), t.h("評価項目", "ITEM"), t.h("参照値", "REFERENCE"), t.h("判定", "VERDICT"), t.h("根拠", "EVIDENCE"))
		for _, c := range r.Controls {
			ref := "-"
			if v, ok := c.Reference["value_ja"].(string); ok {
				ref = v
			}
			tw.add(c.ID, c.EvalItem, ref, t.verdict(c.Verdict)+t.waived(c.Waived != nil), evidenceList(c.Evidence, 2))
		}
		if err := tw.write(bw); err != nil {
			return err
		}
		bw.printf("\n")
	}

	if r.Baseline != nil {
		bw.printf("%s (%s)\n", t.h("ベースラインとの差分", "Changes against the baseline"), r.Baseline.File)
		if len(r.Baseline.Changes) == 0 {
			bw.printf("  %s\n", t.h("判定の変化はありません", "No verdict changes"))
		}
		for _, c := range r.Baseline.Changes {
			mark := map[string]string{results.ChangeWorse: "✗", results.ChangeNew: "✗", results.ChangeFixed: "✓"}[c.Kind]
			if mark == "" {
				mark = "·"
			}
			waived := ""
			if c.Waived {
				waived = t.h("（免除）", " (waived)")
			}
			bw.printf("  %s %s%s\n", mark, c.Sentence.In(lang), waived)
		}
		bw.printf("\n")
	}

	if len(r.Waivers) > 0 {
		bw.printf("%s\n", t.h("免除", "Waivers"))
		for _, w := range r.Waivers {
			exp := ""
			if w.Expires != "" {
				exp = t.h(" 期限 ", " expires ") + w.Expires
			}
			problem := ""
			if w.Problem != "" {
				problem = " — " + w.Problem
			}
			bw.printf("  %s:%d %s [%s]%s: %s%s\n", w.File, w.Line, w.Target, w.Status, exp, w.Reason, problem)
		}
		bw.printf("\n")
	}

	if len(r.Diagnostics) > 0 {
		bw.printf("%s\n", t.h("診断", "Diagnostics"))
		for _, d := range r.Diagnostics {
			bw.printf("  %s\n", d.String())
		}
		bw.printf("\n")
	}
	s := r.Summary
	bw.printf("%s: %d %s, %d %s, %d %s, %d %s",
		t.h("開示項目", "Claims"),
		s.Claims[results.Supported], t.verdict(results.Supported),
		s.Claims[results.Contradicted], t.verdict(results.Contradicted),
		s.Claims[results.Unproven], t.verdict(results.Unproven),
		s.Claims[results.NotCheckable], t.verdict(results.NotCheckable))
	bw.printf(" · %s: %d %s, %d %s, %d %s\n",
		t.h("対策", "controls"),
		s.Controls[results.Meets], t.verdict(results.Meets),
		s.Controls[results.Below], t.verdict(results.Below),
		s.Controls[results.Unknown], t.verdict(results.Unknown))
	return bw.err
}

func claimed(v any) string {
	switch x := v.(type) {
	case nil:
		return "-"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = fmt.Sprint(e)
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}

func evidenceList(es []results.Evidence, max int) string {
	if len(es) == 0 {
		return "-"
	}
	var parts []string
	seen := map[string]bool{}
	for _, e := range es {
		s := fmt.Sprintf("%s:%d", e.File, e.Line)
		if seen[s] {
			continue
		}
		seen[s] = true
		parts = append(parts, s)
	}
	if len(parts) > max {
		return strings.Join(parts[:max], " ") + fmt.Sprintf(" (+%d)", len(parts)-max)
	}
	return strings.Join(parts, " ")
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) {
	fmt.Fprintf(e, format, args...)
}
