package report_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/kaiji-dev/kaiji/internal/report"
	"github.com/kaiji-dev/kaiji/internal/results"
)

var update = flag.Bool("update", false, "rewrite golden files")

// root is the repository root: the paths in the test runs are relative to
// it, as they are to the directory kaiji runs in.
const root = "../.."

// cases are the runs under testdata/runs, each rendered in every format:
// demo is the demo scan, sheet adds an imported sheet, waivers, a
// diagnostic and a baseline, canary is full of secrets that must never
// appear in any output, seed002 is the published sheet of seed 002 imported
// by kaiji claims import and scanned against the demo infrastructure.
var cases = []struct {
	name, run, lang string
}{
	{"demo", "demo", "ja"},
	{"demo.en", "demo", "en"},
	{"sheet", "sheet", "ja"},
	{"sheet.en", "sheet", "en"},
	{"canary", "canary", "ja"},
	{"seed002", "seed002", "ja"},
}

func loadRun(t *testing.T, name string) *results.Run {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "runs", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := report.DecodeRun(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func render(t *testing.T, format, lang string, r *results.Run) []byte {
	t.Helper()
	rep, err := report.New(format, report.Options{Lang: lang, Root: root})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := rep.Report(context.Background(), &b, r); err != nil {
		t.Fatalf("%s: %v", format, err)
	}
	return b.Bytes()
}

// readable turns an Excel workbook into text for its golden file: every
// cell, row by row, and the document properties.
func readable(t *testing.T, xlsx []byte) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(xlsx))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b strings.Builder
	for _, name := range f.GetSheetList() {
		fmt.Fprintf(&b, "== sheet %s\n", name)
		rows, err := f.GetRows(name)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range rows {
			fmt.Fprintf(&b, "-- row %d\n", i+1)
			for j, c := range r {
				col, _ := excelize.ColumnNumberToName(j + 1)
				fmt.Fprintf(&b, "%s%d: %q\n", col, i+1, c)
			}
		}
	}
	return []byte(b.String())
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run go test ./internal/report -update): %v", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got); run go test ./internal/report -update if intended:\n%s", path, diff)
	}
}

// TestGolden renders every case in every format, compares with
// testdata/<format>/<case>.golden, and checks that a second rendering is
// byte-identical.
func TestGolden(t *testing.T) {
	for _, tc := range cases {
		for _, format := range report.Formats() {
			t.Run(format+"/"+tc.name, func(t *testing.T) {
				r := loadRun(t, tc.run)
				got := render(t, format, tc.lang, r)
				again := render(t, format, tc.lang, loadRun(t, tc.run))
				if !bytes.Equal(got, again) {
					t.Errorf("%s is not deterministic: two renderings of the same run differ", format)
				}
				if format == report.FormatSheetXLSX {
					got = readable(t, got)
				}
				golden(t, filepath.Join("testdata", format, tc.name+".golden"), got)
			})
		}
	}
}

// TestCanaryRedacted checks that no secret of the canary inputs (passwords,
// secrets, tokens, private keys, sensitive variables and outputs, tfvars
// values of sensitive variables) appears in any format, even where the run
// itself quotes one (a leaky policy message, an actual value, a diagnostic).
func TestCanaryRedacted(t *testing.T) {
	r := loadRun(t, "canary")
	for _, format := range report.Formats() {
		for _, lang := range []string{"ja", "en"} {
			out := render(t, format, lang, r)
			texts := map[string][]byte{format: out}
			if format == report.FormatSheetXLSX {
				texts = unzip(t, out)
			}
			for name, text := range texts {
				if i := bytes.Index(text, []byte("kaiji-canary")); i >= 0 {
					t.Errorf("%s (%s, %s) shows a secret: …%s…", format, lang, name, text[max(0, i-60):min(len(text), i+40)])
				}
			}
		}
	}
	html := string(render(t, report.FormatHTML, "ja", r))
	for _, want := range []string{`password          = &#34;[REDACTED]&#34;`, `storage_encrypted = false`} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML report lacks %q", want)
		}
	}
}

func unzip(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = b
	}
	return out
}

func TestNewUnknownFormat(t *testing.T) {
	if _, err := report.New("pdf", report.Options{}); err == nil || !strings.Contains(err.Error(), "sarif") {
		t.Errorf("New(pdf) = %v, want an error listing the formats", err)
	}
}

// TestSARIFFingerprintsStable checks that moving the evidence to other lines
// keeps every result's partial fingerprint.
func TestSARIFFingerprintsStable(t *testing.T) {
	fps := func(r *results.Run) []string {
		var log struct {
			Runs []struct {
				Results []struct {
					PartialFingerprints map[string]string `json:"partialFingerprints"`
				} `json:"results"`
			} `json:"runs"`
		}
		if err := json.Unmarshal(render(t, report.FormatSARIF, "en", r), &log); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, res := range log.Runs[0].Results {
			out = append(out, res.PartialFingerprints[report.FingerprintKey])
		}
		return out
	}
	r := loadRun(t, "demo")
	before := fps(r)
	for i := range r.Claims {
		for j := range r.Claims[i].Evidence {
			r.Claims[i].Evidence[j].Line += 10
		}
	}
	for i := range r.Controls {
		for j := range r.Controls[i].Evidence {
			r.Controls[i].Evidence[j].Line += 10
		}
	}
	if diff := cmp.Diff(before, fps(r)); diff != "" || len(before) == 0 {
		t.Errorf("fingerprints changed when lines moved (-before +after):\n%s", diff)
	}
}

// TestEmptyRun renders a run with nothing in it (no claims file, no
// infrastructure) in every format without error.
func TestEmptyRun(t *testing.T) {
	r := &results.Run{Tool: results.Tool{Name: "kaiji", Version: "dev"}, Edition: "asp-saas", Pattern: 1}
	r.Finalize()
	for _, format := range report.Formats() {
		// Annotations exist only for failures: nothing failing, nothing to say.
		if out := render(t, format, "ja", r); len(out) == 0 && format != report.FormatGitHub {
			t.Errorf("%s: empty output", format)
		}
	}
}

// TestSheetCSVNoFormulas checks that a sheet cell that looks like a formula
// reaches the CSV inert.
func TestSheetCSVNoFormulas(t *testing.T) {
	r := &results.Run{Sheet: &results.Sheet{Columns: []string{"No.", "内容"}, Rows: [][]string{
		{"1", `=HYPERLINK("http://evil.example","x")`}, {"-", "+1+1"}, {"-3", "@SUM(A1)"},
	}}}
	r.Finalize()
	got := string(render(t, report.FormatSheet, "ja", r))
	for _, want := range []string{`"'=HYPERLINK(`, "'+1+1", "'@SUM(A1)", "\r\n-,", "\r\n-3,"} {
		if !strings.Contains(got, want) {
			t.Errorf("CSV lacks %q:\n%s", want, got)
		}
	}
}

// TestSARIFResultsCarryOwnLocations checks that a claim failing on many
// resources gives one result per resource, located at that resource's own
// evidence, without copying the claim's whole evidence into each result
// (which made SARIF quadratic in the estate's size).
func TestSARIFResultsCarryOwnLocations(t *testing.T) {
	const n = 500
	c := results.Claim{Item: 12, Key: "backup.generations", Verdict: results.Contradicted,
		Reason: results.Text{Ja: "不足", En: "short"}}
	for i := range n {
		fact := fmt.Sprintf("aws_db_instance.db%d", i)
		c.Evidence = append(c.Evidence,
			results.Evidence{Fact: fact, File: "db.tf", Line: 10*i + 1},
			results.Evidence{Fact: fact, File: "db.tf", Line: 10*i + 5, Attribute: "backup_retention_period"})
		c.Details = append(c.Details, results.Detail{Fact: fact, Outcome: "contradicts", Reason: results.Text{Ja: "1世代", En: "1 generation"}})
	}
	r := &results.Run{Tool: results.Tool{Name: "kaiji", Version: "dev"}, Edition: "asp-saas", Pattern: 1, Claims: []results.Claim{c}}
	r.Finalize()
	var log struct {
		Runs []struct {
			Results []struct {
				Properties map[string]string `json:"properties"`
				Locations  []struct {
					PhysicalLocation struct {
						Region struct {
							StartLine int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
				RelatedLocations []struct {
					Message struct {
						Text string `json:"text"`
					} `json:"message"`
				} `json:"relatedLocations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(render(t, report.FormatSARIF, "en", r), &log); err != nil {
		t.Fatal(err)
	}
	got := log.Runs[0].Results
	if len(got) != n {
		t.Fatalf("%d results, want one per failing resource (%d)", len(got), n)
	}
	for i, res := range got {
		fact := res.Properties["resource"]
		var k int
		if _, err := fmt.Sscanf(fact, "aws_db_instance.db%d", &k); err != nil {
			t.Fatalf("result %d: resource %q", i, fact)
		}
		if len(res.Locations) != 1 || res.Locations[0].PhysicalLocation.Region.StartLine != 10*k+1 {
			t.Errorf("%s: locations %+v, want its own line %d", fact, res.Locations, 10*k+1)
		}
		if len(res.RelatedLocations) != 1 || res.RelatedLocations[0].Message.Text != fact {
			t.Errorf("%s: related locations %+v, want only its own attribute", fact, res.RelatedLocations)
		}
	}
}
