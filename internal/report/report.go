// Package report renders scan results for people and machines: a text
// table and JSON for the terminal and tools, SARIF, JUnit and Markdown for
// pipelines, and for auditors an HTML evidence report and the disclosure
// sheet filled in with 判定 and 疎明資料 (CSV, Markdown, Excel).
//
// Every reporter is deterministic (the same run gives byte-identical
// output) and none shows a secret: New wraps each one so that values the
// inputs mark sensitive are redacted from the run first (see Sources).
package report

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/kaiji-dev/kaiji/internal/results"
)

// Format names.
const (
	FormatText          = "text"
	FormatJSON          = "json"
	FormatSARIF         = "sarif"
	FormatJUnit         = "junit"
	FormatMarkdown      = "markdown"
	FormatHTML          = "html"
	FormatSheet         = "sheet"          // filled disclosure sheet as CSV
	FormatSheetMarkdown = "sheet-markdown" // filled disclosure sheet as a Markdown table
	FormatSheetXLSX     = "sheet-xlsx"     // filled disclosure sheet as an Excel workbook
)

// Formats lists the formats, for flag help.
func Formats() []string {
	return []string{FormatText, FormatJSON, FormatGitHub, FormatSARIF, FormatJUnit, FormatMarkdown, FormatHTML,
		FormatSheet, FormatSheetMarkdown, FormatSheetXLSX}
}

// Options configure a reporter.
type Options struct {
	Lang  string // "ja" or "en"
	Color bool
	// Root is the directory the paths in the run are relative to (where
	// kaiji ran); reporters quote source lines from files under it.
	// Empty means the current directory.
	Root string
	// FailOn decides which verdicts JUnit reports as failures; the zero
	// value means the scan default, contradicted.
	FailOn *results.FailOn
}

func (o Options) failOn() results.FailOn {
	if o.FailOn != nil {
		return *o.FailOn
	}
	return results.FailOn{Contradicted: true}
}

// Reporter renders a run.
type Reporter interface {
	Report(ctx context.Context, w io.Writer, r *results.Run) error
}

// New returns the reporter for a format. Every reporter it returns redacts
// secrets from the run before rendering it.
func New(format string, opts Options) (Reporter, error) {
	var rep Reporter
	switch format {
	case FormatText:
		rep = &Text{opts: opts}
	case FormatJSON:
		rep = JSON{}
	case FormatGitHub:
		rep = GitHub{opts: opts}
	case FormatSARIF:
		rep = &SARIF{opts: opts}
	case FormatJUnit:
		rep = &JUnit{opts: opts}
	case FormatMarkdown:
		rep = &Markdown{opts: opts}
	case FormatHTML:
		rep = &HTML{opts: opts}
	case FormatSheet:
		rep = &SheetCSV{opts: opts}
	case FormatSheetMarkdown:
		rep = &SheetMarkdown{opts: opts}
	case FormatSheetXLSX:
		rep = &SheetXLSX{opts: opts}
	default:
		return nil, fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats(), ", "))
	}
	return &redacting{opts: opts, next: rep}, nil
}

// IsFormat reports whether f names a format.
func IsFormat(f string) bool { return slices.Contains(Formats(), f) }

// sourced is implemented by reporters that quote source lines.
type sourced interface{ setSources(*Sources) }

// selfRedacting is implemented by reporters that write the run with the
// secrets of src replaced themselves, cheaper than from a redacted copy.
type selfRedacting interface {
	reportRedacted(w io.Writer, src *Sources, run *results.Run) error
}

// redacting scrubs secrets from the run before the reporter sees it.
type redacting struct {
	opts Options
	next Reporter
}

// Report implements Reporter.
func (r *redacting) Report(ctx context.Context, w io.Writer, run *results.Run) error {
	src := NewSources(r.opts.Root, run)
	if s, ok := r.next.(selfRedacting); ok {
		return s.reportRedacted(w, src, run)
	}
	clean, err := src.Redact(run)
	if err != nil {
		return fmt.Errorf("redact: %w", err)
	}
	if s, ok := r.next.(sourced); ok {
		s.setSources(src)
	}
	return r.next.Report(ctx, w, clean)
}
