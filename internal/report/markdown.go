package report

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/kaiji-dev/kaiji/internal/results"
)

// Markdown writes a short summary for a pull request comment or a GitHub
// Actions step summary: counts first, then the failing verdicts grouped and
// worst first (contradicted, unproven, controls below the reference value),
// then what passed, folded away. Long groups are cut at maxMarkdownRows.
type Markdown struct {
	opts Options
}

const maxMarkdownRows = 25

// Report implements Reporter.
func (m *Markdown) Report(_ context.Context, w io.Writer, r *results.Run) error {
	lang := m.opts.Lang
	b := &strings.Builder{}
	title := tr(lang, "kaiji: 情報開示の検証", "kaiji: disclosure check")
	if r.Service != "" {
		title += " — " + r.Service
	}
	fmt.Fprintf(b, "## %s\n\n", mdEscape(title))
	s := r.Summary
	fmt.Fprintf(b, "**%s** %s · %s · %s · %s  \n", tr(lang, "開示項目", "Claims"),
		countLabel(s.Claims[results.Contradicted], results.Contradicted, lang),
		countLabel(s.Claims[results.Unproven], results.Unproven, lang),
		countLabel(s.Claims[results.Supported], results.Supported, lang),
		countLabel(s.Claims[results.NotCheckable], results.NotCheckable, lang))
	hard := 0
	for _, c := range r.Controls {
		if c.Verdict == results.Below && c.Severity == "hard" {
			hard++
		}
	}
	fmt.Fprintf(b, "**%s** %s (%s %d) · %s · %s\n\n",
		tr(lang, fmt.Sprintf("対策（パターン%d）", r.Pattern), fmt.Sprintf("Controls (pattern %d)", r.Pattern)),
		countLabel(s.Controls[results.Below], results.Below, lang), tr(lang, "必須", "required"), hard,
		countLabel(s.Controls[results.Unknown], results.Unknown, lang),
		countLabel(s.Controls[results.Meets], results.Meets, lang))

	if bl := r.Baseline; bl != nil {
		var worse, fixed []string
		for _, c := range bl.Changes {
			line := fmt.Sprintf("- %s → %s: %s", label(c.Before, lang), label(c.After, lang), mdEscape(c.Sentence.In(lang)))
			switch c.Kind {
			case results.ChangeWorse, results.ChangeNew:
				worse = append(worse, line)
			case results.ChangeFixed:
				fixed = append(fixed, line)
			}
		}
		fmt.Fprintf(b, "### %s\n\n", tr(lang, "ベースラインとの差分", "Compared with the base branch"))
		if len(worse)+len(fixed) == 0 {
			fmt.Fprintf(b, "%s\n\n", tr(lang, "判定の悪化はありません。", "No verdict got worse."))
		}
		for _, l := range worse {
			fmt.Fprintf(b, "%s\n", l)
		}
		for _, l := range fixed {
			fmt.Fprintf(b, "%s\n", l)
		}
		if len(worse)+len(fixed) > 0 {
			b.WriteString("\n")
		}
	}

	var passed, notCheckable []results.Claim
	groups := map[string][]results.Claim{}
	for _, c := range r.Claims {
		switch c.Verdict {
		case results.Contradicted, results.Unproven:
			groups[c.Verdict] = append(groups[c.Verdict], c)
		case results.Supported:
			passed = append(passed, c)
		default:
			notCheckable = append(notCheckable, c)
		}
	}
	for _, v := range []string{results.Contradicted, results.Unproven} {
		cs := groups[v]
		if len(cs) == 0 {
			continue
		}
		icon := map[string]string{results.Contradicted: "❌", results.Unproven: "⚠️"}[v]
		fmt.Fprintf(b, "### %s %s (%d)\n\n", icon, capitalize(label(v, lang)), len(cs))
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n|---|---|---|---|\n",
			tr(lang, "項目", "Item"), tr(lang, "開示内容", "Sheet says"), tr(lang, "理由", "Why"), tr(lang, "根拠", "Evidence"))
		for i, c := range cs {
			if i == maxMarkdownRows {
				fmt.Fprintf(b, "\n%s\n", tr(lang, fmt.Sprintf("…ほか %d 件（HTML レポート参照）", len(cs)-i), fmt.Sprintf("… and %d more (see the HTML report)", len(cs)-i)))
				break
			}
			reason := mdCell(c.Reason.In(lang))
			if c.Waived != nil {
				reason = tr(lang, "**免除済み**: ", "**waived**: ") + mdCell(waiverText(c.Waived)) + " — " + reason
			}
			fmt.Fprintf(b, "| %d `%s` | %s | %s | %s |\n", c.Item, c.Key, mdCell(c.Text), reason, mdEvidence(c.Evidence, 3))
		}
		b.WriteString("\n")
	}

	// Controls below the reference value are listed; unknown ones (often
	// many: nothing in the code shows them) are folded with what passed.
	var failing, other []results.Control
	for _, c := range worstControls(r.Controls) {
		if c.Verdict == results.Below {
			failing = append(failing, c)
		} else {
			other = append(other, c)
		}
	}
	if len(failing) > 0 {
		fmt.Fprintf(b, "### 📉 %s (%d)\n\n", tr(lang, fmt.Sprintf("パターン%d の対策参照値に届かない対策", r.Pattern), fmt.Sprintf("Controls short of the pattern %d reference values", r.Pattern)), len(failing))
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n|---|---|---|---|---|\n",
			tr(lang, "対策", "Control"), tr(lang, "判定", "Verdict"), tr(lang, "参照値", "Reference"), tr(lang, "理由", "Why"), tr(lang, "根拠", "Evidence"))
		for i, c := range failing {
			if i == maxMarkdownRows {
				fmt.Fprintf(b, "\n%s\n", tr(lang, fmt.Sprintf("…ほか %d 件", len(failing)-i), fmt.Sprintf("… and %d more", len(failing)-i)))
				break
			}
			v := label(c.Verdict, lang)
			if c.Verdict == results.Below && c.Severity == "hard" {
				v = "**" + v + "** (" + tr(lang, "必須", "required") + ")"
			}
			if c.Waived != nil {
				v += tr(lang, "（免除）", " (waived)")
			}
			fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", controlName(c), v, mdCell(reference(c)), mdCell(c.Reason.In(lang)), mdEvidence(c.Evidence, 2))
		}
		b.WriteString("\n")
	}

	if bad := r.BadWaivers(); len(bad) > 0 {
		fmt.Fprintf(b, "### ⛔ %s (%d)\n\n", tr(lang, "期限切れ・無効な免除", "Expired or invalid waivers"), len(bad))
		for _, w := range bad {
			fmt.Fprintf(b, "- `%s:%d` %s — %s: %s\n", w.File, w.Line, mdEscape(w.Target), w.Status, mdEscape(w.Problem))
		}
		b.WriteString("\n")
	}

	if n := len(passed) + len(notCheckable) + len(other); n > 0 {
		fmt.Fprintf(b, "<details><summary>%s</summary>\n\n", tr(lang,
			fmt.Sprintf("✅ 裏付けあり %d · 対象外 %d · その他の対策 %d（不明 %d）", len(passed), len(notCheckable), len(other), s.Controls[results.Unknown]),
			fmt.Sprintf("✅ %d supported · %d not checkable · %d other controls (%d unknown)", len(passed), len(notCheckable), len(other), s.Controls[results.Unknown])))
		for _, c := range append(passed, notCheckable...) {
			fmt.Fprintf(b, "- %s · %d `%s` %s — %s\n", label(c.Verdict, lang), c.Item, c.Key, mdEscape(oneLine(c.Text)), mdEvidence(c.Evidence, 2))
		}
		for _, c := range other {
			fmt.Fprintf(b, "- %s · %s %s\n", label(c.Verdict, lang), controlName(c), mdEscape(oneLine(c.Reason.In(lang))))
		}
		b.WriteString("\n</details>\n\n")
	}
	errs := 0
	for _, d := range r.Diagnostics {
		if d.Severity == "error" {
			errs++
		}
	}
	if errs > 0 {
		fmt.Fprintf(b, "> [!WARNING]\n> %s\n\n", tr(lang, fmt.Sprintf("%d 件の入力を読めませんでした。該当する開示項目は「裏付けあり」と判定されません。", errs),
			fmt.Sprintf("%d input problem(s): claims they touch are never reported supported.", errs)))
	}
	fmt.Fprintf(b, "<sub>kaiji %s · %s</sub>\n", mdEscape(r.Tool.Version), mdEscape(r.Tool.PolicyDigest))
	_, err := io.WriteString(w, b.String())
	return err
}

// capitalize upper-cases the first letter of an English label.
func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

func countLabel(n int, verdict, lang string) string {
	return fmt.Sprintf("%d %s", n, label(verdict, lang))
}

// mdEscape neutralises characters that would start Markdown or HTML markup.
func mdEscape(s string) string {
	return strings.NewReplacer("\\", "\\\\", "<", "&lt;", ">", "&gt;", "|", "\\|", "*", "\\*", "`", "\\`", "[", "\\[", "]", "\\]").Replace(s)
}

func mdCell(s string) string { return mdEscape(oneLine(s)) }

func mdEvidence(es []results.Evidence, n int) string {
	var parts []string
	seen := map[string]bool{}
	for _, e := range es {
		l := loc(e)
		if seen[l] {
			continue
		}
		seen[l] = true
		parts = append(parts, "`"+strings.ReplaceAll(l, "`", "'")+"`")
	}
	if len(parts) == 0 {
		return "—"
	}
	if len(parts) > n {
		return strings.Join(parts[:n], " ") + fmt.Sprintf(" +%d", len(parts)-n)
	}
	return strings.Join(parts, " ")
}
