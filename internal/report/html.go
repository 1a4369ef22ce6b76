package report

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/kaiji-dev/kaiji/internal/parallel"
	"github.com/kaiji-dev/kaiji/internal/results"
)

//go:embed templates/*
var templates embed.FS

// htmlTemplate is parsed on first use, not when the program starts: most
// commands write no HTML.
var htmlTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
		"claimed": claimed,
		"loc":     loc,
		"ctrl":    controlName,
		"ref":     reference,
		"lbl":     func(v string) results.Text { return labels[v] },
		"tx":      func(ja, en string) results.Text { return results.Text{Ja: ja, En: en} },
		"hard":    func(c results.Control) bool { return c.Verdict == results.Below && c.Severity == "hard" },
		"add":     func(a, b int) int { return a + b },
		"outcome": word,
		"norm":    normalized,
	}).ParseFS(templates, "templates/report.html.tmpl"))
})

// HTML writes the evidence report for auditors: one self-contained file
// (inline CSS and SVG, no script, no font, no request of any kind — its
// Content-Security-Policy forbids them), in Japanese and English with a
// switch that needs no script, and print-friendly for PDF. It shows the
// summary with a chart of verdicts, the claims in sheet order with the
// sheet's text, the claimed value, the verdict, the reason and the evidence
// with the source lines it points at (secrets redacted), the controls at
// the pattern's reference values, diagnostics, waivers, the baseline
// comparison, and the inputs with their SHA-256.
type HTML struct {
	opts Options
	src  *Sources
}

func (h *HTML) setSources(s *Sources) { h.src = s }

// normalized shows a claim's normalized value when it says more than the
// claimed one: "86400" for "1d", {"areas":[…]} for "東日本、西日本".
func normalized(c results.Claim) string {
	if c.Normalized == nil {
		return ""
	}
	b, err := json.Marshal(c.Normalized)
	if err != nil {
		return ""
	}
	s := strings.Trim(string(b), `"`)
	if s == claimed(c.Claimed) || s == fmt.Sprint(c.Claimed) {
		return ""
	}
	// Durations are normalized to seconds ("1y" → 31536000 s).
	if raw, ok := c.Claimed.(string); ok && durationLike.MatchString(raw) && strings.Trim(s, "0123456789") == "" {
		return s + " s"
	}
	return s
}

var durationLike = regexp.MustCompile(`^\d+\s*(s|m|h|d|w|mo|y)$`)

// word translates the few fixed words the report shows (outcomes, change
// kinds, waiver statuses, severities); an unknown word stays as it is.
func word(w string) results.Text {
	if t, ok := outcomes[w]; ok {
		return t
	}
	return results.Text{Ja: w, En: w}
}

// outcomes name a resource's bearing on a verdict, and other fixed words.
var outcomes = map[string]results.Text{
	"supports": {Ja: "裏付け", En: "supports"}, "contradicts": {Ja: "反証", En: "contradicts"}, "unknown": {Ja: "不明", En: "unknown"},
	"pass": {Ja: "適合", En: "pass"}, "fail": {Ja: "未達", En: "fail"},
	// baseline change kinds
	"worse": {Ja: "悪化", En: "worse"}, "fixed": {Ja: "改善", En: "fixed"}, "new": {Ja: "新規", En: "new"},
	"gone": {Ja: "削除", En: "gone"}, "change": {Ja: "変化", En: "changed"},
	// waiver statuses
	"active": {Ja: "有効", En: "active"}, "unused": {Ja: "未使用", En: "unused"},
	"expired": {Ja: "期限切れ", En: "expired"}, "invalid": {Ja: "無効", En: "invalid"},
	// diagnostic severities
	"error": {Ja: "エラー", En: "error"}, "warning": {Ja: "警告", En: "warning"}, "info": {Ja: "情報", En: "info"},
}

// rowBuffers hold the rows of an HTML report as they are rendered.
var rowBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// htmlView is what the template renders.
type htmlView struct {
	Lang     string
	Run      *results.Run
	Claims   []htmlClaim
	Controls []htmlControl
	// ClaimRows and ControlRows are the rows of the two tables, each
	// rendered on its own ("claim", "control") on every core: one
	// template execution over 10,000 objects' evidence took 0.45 s of
	// CPU.
	ClaimRows   []template.HTML
	ControlRows []template.HTML
	Charts      []htmlChart
	Inputs      []htmlInput
	Waivers     []results.Waiver
	Labels      map[string]results.Text
	HardLow     int
}

type htmlClaim struct {
	results.Claim
}

type htmlControl struct {
	results.Control
	Actuals []string
}

type htmlEvidence struct {
	results.Evidence
	Lines []Line
}

type htmlInput struct {
	Path, Collector, SHA256 string
	Size                    int64
}

type htmlChart struct {
	Title  results.Text
	Bars   []htmlBar
	Height int
}

type htmlBar struct {
	Label   results.Text
	Verdict string
	Count   int
	Y       int
	Width   int
	TextX   int
}

// Report implements Reporter.
func (h *HTML) Report(ctx context.Context, w io.Writer, r *results.Run) error {
	if h.src == nil {
		h.src = NewSources(h.opts.Root, r)
	}
	lang := h.opts.Lang
	if lang != "ja" {
		lang = "en"
	}
	v := htmlView{Lang: lang, Run: r, Labels: labels, Waivers: r.Waivers}
	for _, c := range r.Claims {
		v.Claims = append(v.Claims, htmlClaim{Claim: c})
	}
	for _, c := range r.Controls {
		v.Controls = append(v.Controls, htmlControl{Control: c, Actuals: actuals(c)})
		if c.Verdict == results.Below && c.Severity == "hard" {
			v.HardLow++
		}
	}
	v.ClaimRows = make([]template.HTML, len(v.Claims))
	v.ControlRows = make([]template.HTML, len(v.Controls))
	errs := make([]error, len(v.Claims)+len(v.Controls))
	// A row is its template ("claim", "control"), which ends where the
	// evidence cell begins, then the cell (writeEvidence), rendered into
	// a buffer per goroutine, grown once to the largest row, and copied
	// out at its size.
	row := func(name string, data any, es []results.Evidence) (template.HTML, error) {
		b := rowBuffers.Get().(*bytes.Buffer)
		defer rowBuffers.Put(b)
		b.Reset()
		if err := htmlTemplate().ExecuteTemplate(b, name, data); err != nil {
			return "", err
		}
		writeEvidence(b, h.evidence(es))
		b.WriteString("</td>\n</tr>\n")
		return template.HTML(b.String()), nil // #nosec G203 -- rendered by html/template and writeEvidence
	}
	parallel.For(len(errs), 0, func(i int) {
		if i < len(v.Claims) {
			c := &v.Claims[i]
			v.ClaimRows[i], errs[i] = row("claim", c, c.Evidence)
			return
		}
		c := &v.Controls[i-len(v.Claims)]
		v.ControlRows[i-len(v.Claims)], errs[i] = row("control", c, c.Evidence)
	})
	if err := errors.Join(errs...); err != nil {
		return err
	}
	v.Charts = []htmlChart{
		chart(results.Text{Ja: fmt.Sprintf("対策項目の判定（パターン%d）", r.Pattern), En: fmt.Sprintf("Controls by verdict (pattern %d)", r.Pattern)},
			r.Summary.Controls, []string{results.Meets, results.Below, results.Unknown, results.NotApplicable}),
		chart(results.Text{Ja: "開示項目の判定", En: "Claims by verdict"},
			r.Summary.Claims, []string{results.Supported, results.Contradicted, results.Unproven, results.NotCheckable}),
	}
	for _, in := range r.Inputs {
		v.Inputs = append(v.Inputs, htmlInput{Path: in.Path, Collector: in.Collector, SHA256: in.SHA256, Size: in.Size})
	}
	return htmlTemplate().Execute(w, v)
}

func (h *HTML) evidence(es []results.Evidence) []htmlEvidence {
	var out []htmlEvidence
	for _, e := range es {
		out = append(out, htmlEvidence{Evidence: e, Lines: h.src.Snippet(e.File, e.Line)})
	}
	return out
}

// writeEvidence writes a row's evidence cell: each piece of evidence with
// its source lines, or a dash. It is written here rather than by the row's
// template ("claim" and "control" end where the cell begins):
// html/template's reflection over every source line was most of the
// HTML report's time (10k Terraform: ~0.4 s of CPU). The text is escaped
// as html/template escapes an element's text, so the report is the same
// byte for byte (FuzzEvidenceHTML writes both).
func writeEvidence(b *bytes.Buffer, es []htmlEvidence) {
	if len(es) == 0 {
		b.WriteString(`<span class="none">—</span>`)
		return
	}
	for _, e := range es {
		b.WriteString(`<div class="ev"><code class="loc">`)
		htmlText.WriteString(b, loc(e.Evidence))
		b.WriteString(`</code> <span class="fact">`)
		htmlText.WriteString(b, e.Fact)
		b.WriteString(`</span>`)
		if e.Attribute != "" {
			b.WriteString(` <span class="attr">(`)
			htmlText.WriteString(b, e.Attribute)
			b.WriteString(`)</span>`)
		}
		if len(e.Lines) > 0 {
			b.WriteString(`<pre class="src">`)
			for _, l := range e.Lines {
				b.WriteString(`<span class="ln`)
				if l.Focus {
					b.WriteString(" focus")
				}
				if l.Redacted {
					b.WriteString(" redacted")
				}
				b.WriteString(`"><span class="n">`)
				b.WriteString(strconv.Itoa(l.N))
				b.WriteString(`</span>`)
				htmlText.WriteString(b, l.Text)
				b.WriteString(`</span>`)
			}
			b.WriteString(`</pre>`)
		}
		b.WriteString("</div>\n")
	}
}

// htmlText escapes text for an element's content with html/template's
// own replacements (it also escapes + and turns NUL into U+FFFD, unlike
// template.HTMLEscapeString).
var htmlText = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;")

// chart lays out a horizontal bar chart of counts by verdict as inline SVG.
func chart(title results.Text, counts results.Counts, order []string) htmlChart {
	const barH, gap, labelW, maxW = 22, 8, 150, 260
	most := 1
	for _, v := range order {
		most = max(most, counts[v])
	}
	c := htmlChart{Title: title}
	for i, v := range order {
		n := counts[v]
		w := n * maxW / most
		if n > 0 {
			w = max(w, 3)
		}
		c.Bars = append(c.Bars, htmlBar{Label: labels[v], Verdict: v, Count: n, Y: i * (barH + gap), Width: w, TextX: labelW + w + 6})
	}
	c.Height = len(order)*(barH+gap) - gap
	return c
}
