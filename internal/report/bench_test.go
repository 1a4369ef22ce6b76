package report_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"
	"testing"

	"github.com/kaiji-dev/kaiji/bench/gen"
	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/collectors/terraform"
	"github.com/kaiji-dev/kaiji/internal/claims"
	"github.com/kaiji-dev/kaiji/internal/engine"
	"github.com/kaiji-dev/kaiji/internal/report"
	"github.com/kaiji-dev/kaiji/internal/results"
)

// benchRun scans the generated 10k-resource Terraform estate (bench/gen)
// with its full disclosure sheet, once per process: a run as large as the
// reporters meet in practice (some 30,000 findings and evaluations).
var benchRun = sync.OnceValues(func() (*results.Run, error) {
	dir, err := os.MkdirTemp("", "kaiji-report-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	l, err := gen.Write(dir, gen.Options{Resources: 10000, NoPlan: true, NoKubernetes: true})
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	res, err := collectors.NewRegistry(collectors.Options{}, terraform.New(terraform.Options{Vars: map[string]string{}})).Collect(ctx, []string{l.Terraform})
	if err != nil {
		return nil, err
	}
	d, err := claims.LoadFile(l.Claims)
	if err != nil {
		return nil, err
	}
	eng, err := engine.New(ctx, engine.Options{})
	if err != nil {
		return nil, err
	}
	cs, ctls, err := eng.Evaluate(ctx, engine.Request{Facts: res.Facts, Claims: d.Inputs(), Pattern: d.Pattern, Edition: d.Edition})
	if err != nil {
		return nil, err
	}
	run := &results.Run{Tool: results.Tool{Name: "kaiji", Version: "bench"}, Service: d.Service, Edition: d.Edition, Pattern: d.Pattern,
		Claims: cs, Controls: ctls, Diagnostics: res.Diagnostics, Inputs: res.Inputs}
	run.Finalize()
	return run, nil
})

// BenchmarkReport renders the 10k run in every format to io.Discard.
func BenchmarkReport(b *testing.B) {
	run, err := benchRun()
	if err != nil {
		b.Fatal(err)
	}
	benchFormats(b, "", "en", run)
}

// benchFormats renders run in every format to io.Discard, one
// sub-benchmark each (named prefix + format).
func benchFormats(b *testing.B, prefix, lang string, run *results.Run) {
	for _, format := range report.Formats() {
		b.Run(prefix+format, func(b *testing.B) {
			rep, err := report.New(format, report.Options{Lang: lang, Root: os.TempDir()})
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if err := rep.Report(context.Background(), io.Discard, run); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkWriteJSON writes the 10k run as JSON: kaiji's streaming
// indentation against json.Encoder's (which indents into a second buffer).
func BenchmarkWriteJSON(b *testing.B) {
	run, err := benchRun()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("stream", func(b *testing.B) {
		for b.Loop() {
			if err := report.WriteJSON(io.Discard, run); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoder", func(b *testing.B) {
		for b.Loop() {
			enc := json.NewEncoder(io.Discard)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(run); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// wideRun is a run whose one claim and one control each rest on n
// resources: the shape of a 100k-resource estate's verdicts, made without
// scanning one. Evidence and values are per resource, as the policies
// write them.
func wideRun(n int) *results.Run {
	c := results.Claim{Index: 1, Item: 54, Key: "backup.generations", Claimed: "7", Text: "7 世代", Verdict: results.Contradicted,
		Reason: results.Text{Ja: "理由", En: "reason"}}
	ctl := results.Control{ID: "III.2.3.1", EvalItem: "b", Title: results.Text{Ja: "バックアップ", En: "Backups"}, Level: "must", Pattern: 1,
		Reference: map[string]any{"generations": 3}, Verdict: results.Below, Reason: results.Text{Ja: "理由", En: "reason"}}
	for i := range n {
		id := fmt.Sprintf("aws_db_instance.db%06d", i)
		e := results.Evidence{Fact: id, File: "main.tf", Line: i + 1, Attribute: "backup_retention_period"}
		c.Evidence = append(c.Evidence, e)
		c.Details = append(c.Details, results.Detail{Fact: id, Outcome: "contradicts", Reason: results.Text{Ja: "2 世代", En: "2 generations"}})
		ctl.Evidence = append(ctl.Evidence, e)
		ctl.Actual = append(ctl.Actual, results.Actual{Fact: id, Value: 2, Outcome: "fail"})
	}
	run := &results.Run{Tool: results.Tool{Name: "kaiji", Version: "bench"}, Edition: "asp-saas", Pattern: 1,
		Claims: []results.Claim{c}, Controls: []results.Control{ctl}}
	run.Finalize()
	return run
}

// BenchmarkReportWide renders a run whose verdicts rest on 10,000 and
// 100,000 resources in every format: ten times the resources must cost
// about ten times the time (a list searched once per line, or a string
// grown by copying, made junit 100 times slower at 100k than at 10k).
func BenchmarkReportWide(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		benchFormats(b, fmt.Sprintf("resources=%d/", n), "ja", wideRun(n))
	}
}

// BenchmarkNewSources gathers the files the 10k run names (some 30,000
// evidence entries naming a few files); the files are not there, so this
// is the gathering alone.
func BenchmarkNewSources(b *testing.B) {
	run, err := benchRun()
	if err != nil {
		b.Fatal(err)
	}
	root := b.TempDir()
	for b.Loop() {
		report.NewSources(root, run)
	}
}
