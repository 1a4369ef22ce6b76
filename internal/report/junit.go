package report

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/kaiji-dev/kaiji/internal/results"
)

// JUnit writes JUnit XML for CI test views: a test suite of claims and one
// of controls, one test case per verdict. A verdict that fails the scan
// under --fail-on is a failure; waived, not-checkable and not-applicable
// verdicts are skipped; everything else passes, with its reason as output.
type JUnit struct {
	opts Options
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut *junitText    `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",cdata"`
}

// junitText is element text written as CDATA, so that multi-line reasons
// stay readable (chardata would turn every newline into &#xA;).
type junitText struct {
	Text string `xml:",cdata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// Report implements Reporter.
func (j *JUnit) Report(_ context.Context, w io.Writer, r *results.Run) error {
	lang, failOn := j.opts.Lang, j.opts.failOn()
	claims := junitSuite{Name: "kaiji.claims", Properties: []junitProperty{
		{Name: "edition", Value: r.Edition}, {Name: "pattern", Value: fmt.Sprint(r.Pattern)},
		{Name: "kaiji.version", Value: r.Tool.Version}, {Name: "policy_digest", Value: r.Tool.PolicyDigest},
	}}
	for _, c := range r.Claims {
		tc := junitCase{
			Name:      fmt.Sprintf("%d %s", c.Item, c.Key),
			Classname: "kaiji.claims.item" + fmt.Sprint(c.Item),
		}
		if len(c.Evidence) > 0 {
			tc.File, tc.Line = c.Evidence[0].File, c.Evidence[0].Line
		}
		body := junitBody(c.Text, c.Reason.In(lang), c.Evidence)
		switch {
		case c.Waived != nil:
			tc.Skipped = &junitSkipped{Message: tr(lang, "免除: ", "waived: ") + waiverText(c.Waived)}
		case failOn.ClaimFails(c.Verdict):
			tc.Failure = &junitFailure{Message: label(c.Verdict, lang) + ": " + oneLine(c.Reason.In(lang)), Type: c.Verdict, Body: body}
		case c.Verdict == results.NotCheckable:
			tc.Skipped = &junitSkipped{Message: label(c.Verdict, lang) + ": " + oneLine(c.Reason.In(lang))}
		default:
			tc.SystemOut = &junitText{Text: label(c.Verdict, lang) + "\n" + body}
		}
		claims.add(tc)
	}
	controls := junitSuite{Name: "kaiji.controls", Properties: claims.Properties}
	for _, c := range r.Controls {
		tc := junitCase{Name: controlName(c) + " " + oneLine(c.Title.In(lang)), Classname: "kaiji.controls." + c.ID}
		if len(c.Evidence) > 0 {
			tc.File, tc.Line = c.Evidence[0].File, c.Evidence[0].Line
		}
		// A strings.Builder: an item over 100,000 resources lists as many
		// values, and adding each to a string copied all before it.
		var sb strings.Builder
		fmt.Fprintf(&sb, "%s: %s\n%s\n", tr(lang, "参照値", "reference"), reference(c), c.Reason.In(lang))
		for _, a := range actuals(c) {
			sb.WriteString("  " + a + "\n")
		}
		sb.WriteString(junitBody("", "", c.Evidence))
		body := sb.String()
		switch {
		case c.Waived != nil:
			tc.Skipped = &junitSkipped{Message: tr(lang, "免除: ", "waived: ") + waiverText(c.Waived)}
		case failOn.ControlFails(c):
			tc.Failure = &junitFailure{Message: label(c.Verdict, lang) + ": " + oneLine(c.Reason.In(lang)), Type: c.Verdict, Body: body}
		case c.Verdict == results.NotApplicable:
			tc.Skipped = &junitSkipped{Message: label(c.Verdict, lang)}
		default:
			tc.SystemOut = &junitText{Text: label(c.Verdict, lang) + "\n" + body}
		}
		controls.add(tc)
	}
	out := junitSuites{Name: "kaiji", Suites: []junitSuite{claims, controls}}
	for _, s := range out.Suites {
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Skipped += s.Skipped
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func (s *junitSuite) add(tc junitCase) {
	s.Cases = append(s.Cases, tc)
	s.Tests++
	if tc.Failure != nil {
		s.Failures++
	}
	if tc.Skipped != nil {
		s.Skipped++
	}
}

func junitBody(text, reason string, es []results.Evidence) string {
	var b strings.Builder
	if text != "" {
		b.WriteString(text + "\n")
	}
	if reason != "" {
		b.WriteString(reason + "\n")
	}
	for _, e := range evidenceLines(es) {
		b.WriteString("  " + e + "\n")
	}
	return b.String()
}
