// Package waiver reads accepted exceptions — inline `kaiji:ignore` comments
// in HCL and YAML, and waivers files — and applies them to a run's verdicts.
//
// A waiver never changes a verdict: it marks it waived, so it no longer
// fails the check, and every waiver is listed in every report. A waiver
// needs a reason; one past its expiry date waives nothing and fails the check.
package waiver

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/internal/results"
)

// Directive is the comment word that starts an inline waiver.
const Directive = "kaiji:ignore"

var (
	inlineRe = regexp.MustCompile(`(?:#|//)\s*kaiji:ignore\b(.*)$`)
	argRe    = regexp.MustCompile(`(\w+)=("(?:[^"\\]|\\.)*"|\S+)`)
	dateRe   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

// MayHold reports whether a file of that path can hold an inline waiver.
// Waivers are comments (# or //, in HCL or YAML); JSON files (plans,
// .tf.json, cloud exports) have none, so a directive there could only be
// text inside a string, and a plan can be hundreds of megabytes to read
// for nothing.
func MayHold(path string) bool { return !strings.HasSuffix(path, ".json") }

// Inline scans file contents for kaiji:ignore comments and ties each to the
// resources it annotates: the facts whose block holds the comment, or else
// the facts starting on the next line of code.
func Inline(files map[string][]byte, facts []collectors.Fact) ([]results.Waiver, collectors.Diagnostics) {
	// The facts of the files that hold a directive (most hold none).
	byFile := map[string][]*collectors.Fact{}
	for path, data := range files {
		if bytes.Contains(data, []byte(Directive)) {
			byFile[path] = nil
		}
	}
	if len(byFile) == 0 {
		return nil, nil
	}
	for i := range facts {
		if fs, ok := byFile[facts[i].Source.File]; ok {
			byFile[facts[i].Source.File] = append(fs, &facts[i])
		}
	}
	var out []results.Waiver
	var diags collectors.Diagnostics
	for _, path := range sortedKeys(files) {
		data := files[path]
		if _, ok := byFile[path]; !ok {
			continue
		}
		lines := strings.Split(string(data), "\n")
		for i, l := range lines {
			m := inlineRe.FindStringSubmatch(l)
			if m == nil {
				continue
			}
			w := parseArgs(strings.TrimSpace(m[1]))
			w.File, w.Line = path, i+1
			w.Facts = annotated(byFile[path], lines, i+1)
			if w.Status == results.WaiverInvalid {
				diags = append(diags, collectors.Warnf(path, i+1, "invalid waiver: %s", w.Problem))
			}
			out = append(out, w)
		}
	}
	return out, diags
}

// parseArgs reads `<target> reason="…" expires=YYYY-MM-DD`.
func parseArgs(s string) results.Waiver {
	w := results.Waiver{Status: results.WaiverUnused}
	target, rest, _ := strings.Cut(s, " ")
	if strings.Contains(target, "=") {
		target, rest = "", s
	}
	w.Target = target
	for _, m := range argRe.FindAllStringSubmatch(rest, -1) {
		v := m[2]
		if strings.HasPrefix(v, `"`) {
			if u, err := strconv.Unquote(v); err == nil {
				v = u
			}
		}
		switch m[1] {
		case "reason":
			w.Reason = v
		case "expires":
			w.Expires = v
		}
	}
	validate(&w)
	return w
}

func validate(w *results.Waiver) {
	switch {
	case w.Target == "":
		w.Status, w.Problem = results.WaiverInvalid, "no target: write kaiji:ignore <item|key|control> reason=\"…\""
	case strings.TrimSpace(w.Reason) == "":
		w.Status, w.Problem = results.WaiverInvalid, "a reason is required: reason=\"…\""
	case w.Expires != "" && !validDate(w.Expires):
		w.Status, w.Problem = results.WaiverInvalid, fmt.Sprintf("expires=%s is not a date (YYYY-MM-DD)", w.Expires)
	}
}

func validDate(s string) bool {
	if !dateRe.MatchString(s) {
		return false
	}
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// annotated returns the ids of the facts a comment on line n annotates.
func annotated(facts []*collectors.Fact, lines []string, n int) []string {
	var inner []*collectors.Fact
	for _, f := range facts {
		if f.Source.Line <= n && n <= f.Source.EndLine {
			inner = append(inner, f)
		}
	}
	if len(inner) > 0 {
		// The innermost blocks: those starting last.
		start := 0
		for _, f := range inner {
			start = max(start, f.Source.Line)
		}
		return ids(inner, func(f *collectors.Fact) bool { return f.Source.Line == start })
	}
	next := 0
	for i := n; i < len(lines); i++ {
		t := strings.TrimSpace(lines[i])
		if t == "" || strings.HasPrefix(t, "#") || strings.HasPrefix(t, "//") || t == "---" {
			continue
		}
		next = i + 1
		break
	}
	return ids(facts, func(f *collectors.Fact) bool { return next > 0 && f.Source.Line == next })
}

// ids lists, sorted and each once, the ids of the facts keep admits: all
// the instances of a block expanded by count or for_each share its line,
// thousands of them in a module called many times.
func ids(facts []*collectors.Fact, keep func(*collectors.Fact) bool) []string {
	var out []string
	for _, f := range facts {
		if keep(f) {
			out = append(out, f.ID)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// fileDoc is the waivers file format.
type fileDoc struct {
	Waivers []struct {
		Target  string   `json:"target"`
		Reason  string   `json:"reason"`
		Expires string   `json:"expires"`
		Facts   []string `json:"facts"`
	} `json:"waivers"`
}

// LoadFile reads a waivers file:
//
//	waivers:
//	  - target: "54"            # item, claim key, control id, or *
//	    reason: DR copy is made by the storage team's account
//	    expires: 2027-03-31
//	    facts: [aws_db_instance.legacy]   # optional: only these resources
func LoadFile(path string) ([]results.Waiver, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read waivers: %w", err)
	}
	var doc fileDoc
	if err := yaml.UnmarshalStrict(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	lines := entryLines(data)
	out := make([]results.Waiver, 0, len(doc.Waivers))
	for i, e := range doc.Waivers {
		w := results.Waiver{Target: e.Target, Reason: e.Reason, Expires: e.Expires, Facts: e.Facts, File: path, Status: results.WaiverUnused}
		if i < len(lines) {
			w.Line = lines[i]
		}
		validate(&w)
		out = append(out, w)
	}
	return out, nil
}

// entryLines finds the line of each "- " entry under waivers:.
func entryLines(data []byte) []int {
	var out []int
	sc := bufio.NewScanner(bytes.NewReader(data))
	n := 0
	for sc.Scan() {
		n++
		if strings.HasPrefix(strings.TrimSpace(sc.Text()), "- ") {
			out = append(out, n)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
