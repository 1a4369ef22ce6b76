package report

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/kaiji-dev/kaiji/internal/results"
)

// FormatGitHub writes GitHub Actions workflow commands (annotations).
const FormatGitHub = "github"

// GitHub writes one workflow-command annotation per failing resource, at the
// file and line that causes it: errors for contradicted claims, hard
// controls below the reference value and bad waivers; warnings for unproven
// claims and advisory controls. With a baseline, only the changes are
// annotated: what got worse as errors, what got fixed as notices.
type GitHub struct {
	opts Options
}

// Report implements Reporter.
func (g GitHub) Report(_ context.Context, w io.Writer, r *results.Run) error {
	ew := &errWriter{w: w}
	lang := g.opts.Lang
	emit := func(level string, e results.Evidence, title, msg string) {
		props := []string{}
		if e.File != "" {
			props = append(props, "file="+escapeProp(e.File))
			if e.Line > 0 {
				props = append(props, fmt.Sprintf("line=%d", e.Line))
			}
		}
		props = append(props, "title="+escapeProp(title))
		ew.printf("::%s %s::%s\n", level, strings.Join(props, ","), escapeData(msg))
	}
	if r.Baseline != nil {
		for _, c := range r.Baseline.Changes {
			level := "notice"
			switch {
			case c.Waived:
				level = "notice"
			case c.Kind == results.ChangeWorse || c.Kind == results.ChangeNew:
				level = "error"
				if c.After == results.Unproven || c.After == results.Unknown || c.Subject == "control" && !c.Hard {
					level = "warning"
				}
			case c.Kind != results.ChangeFixed:
				continue
			}
			title := fmt.Sprintf("kaiji: item %d %s", c.Item, c.Key)
			if c.Subject == "control" {
				title = fmt.Sprintf("kaiji: control %s %s", c.Control, c.EvalItem)
			}
			for _, e := range first(c.Evidence) {
				emit(level, e, title, c.Sentence.In(lang))
			}
		}
	} else {
		for _, c := range r.Claims {
			if c.Waived != nil {
				continue
			}
			level := map[string]string{results.Contradicted: "error", results.Unproven: "warning"}[c.Verdict]
			if level == "" {
				continue
			}
			title := fmt.Sprintf("kaiji: item %d %s %s", c.Item, c.Key, c.Verdict)
			for _, e := range first(c.Evidence) {
				emit(level, e, title, c.Reason.In(lang))
			}
		}
		for _, c := range r.Controls {
			if c.Waived != nil || c.Verdict != results.Below {
				continue
			}
			level := "warning"
			if c.Severity == "hard" {
				level = "error"
			}
			title := fmt.Sprintf("kaiji: control %s %s below pattern %d", c.ID, c.EvalItem, c.Pattern)
			for _, e := range first(c.Evidence) {
				emit(level, e, title, c.Reason.In(lang))
			}
		}
	}
	for _, w := range r.BadWaivers() {
		emit("error", results.Evidence{File: w.File, Line: w.Line}, "kaiji: waiver "+w.Status, fmt.Sprintf("%s %s: %s", w.Target, w.Status, w.Problem))
	}
	return ew.err
}

// first returns the evidence to annotate: each location once, or none.
func first(es []results.Evidence) []results.Evidence {
	var out []results.Evidence
	seen := map[string]bool{}
	for _, e := range es {
		k := fmt.Sprintf("%s:%d", e.File, e.Line)
		if !seen[k] {
			seen[k] = true
			out = append(out, e)
		}
	}
	return out
}

// escapeData and escapeProp follow the workflow-command encoding.
// The replacers are built once: building one per annotation was most of
// the time of a report over 100k resources.
var (
	dataEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

func escapeData(s string) string { return dataEscaper.Replace(s) }

func escapeProp(s string) string { return propEscaper.Replace(s) }
