package claims

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"

	yamlv3 "go.yaml.in/yaml/v3"
	"sigs.k8s.io/yaml"
)

// Error is a problem with a claims file, with the line it is on.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Errors is every problem found in one claims file.
type Errors []*Error

func (es Errors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// ErrInvalid is wrapped by every error about a claims file's content.
var ErrInvalid = errors.New("invalid claims file")

// Is makes errors.Is(err, ErrInvalid) true for claims file errors.
func (es Errors) Is(target error) bool { return target == ErrInvalid }

// LoadFile reads and validates a claims file.
func LoadFile(path string) (*Disclosure, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read claims: %w", err)
	}
	return Parse(path, data)
}

var yamlLineRe = regexp.MustCompile(`line (\d+)`)

// Parse decodes and validates a claims file. Every problem is reported with
// its line; all problems are reported at once.
func Parse(file string, data []byte) (*Disclosure, error) {
	var d Disclosure
	if err := yaml.UnmarshalStrict(data, &d, yaml.DisallowUnknownFields); err != nil {
		line := 0
		if m := yamlLineRe.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		msg := strings.TrimPrefix(err.Error(), "error converting YAML to JSON: ")
		msg = strings.TrimPrefix(msg, "error unmarshaling JSON: while decoding JSON: ")
		msg = strings.TrimPrefix(msg, "yaml: ")
		if line == 0 {
			line = locateField(data, msg)
		}
		return nil, Errors{{File: file, Line: line, Msg: msg}}
	}
	d.File = file
	lines := claimLines(data)
	var errs Errors
	add := func(line int, format string, args ...any) {
		errs = append(errs, &Error{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	if d.APIVersion != APIVersion {
		add(topLine(data, "apiVersion"), "apiVersion: want %q, have %q", APIVersion, d.APIVersion)
	}
	if d.Kind != Kind {
		add(topLine(data, "kind"), "kind: want %q, have %q", Kind, d.Kind)
	}
	switch d.Edition {
	case EditionIoT, EditionASPSaaS:
	case "":
		d.Edition = EditionASPSaaS
	default:
		add(topLine(data, "edition"), "edition: want %q or %q, have %q", EditionIoT, EditionASPSaaS, d.Edition)
	}
	if d.Pattern != 0 && (d.Pattern < 1 || d.Pattern > 6) {
		add(topLine(data, "pattern"), "pattern: want 1 to 6, have %d", d.Pattern)
	}
	for i := range d.Claims {
		c := &d.Claims[i]
		if i < len(lines) {
			c.Line = lines[i]
		}
		if c.Item <= 0 {
			add(c.Line, "claims[%d].item: want the disclosure item number", i)
		}
		if c.Key == "" {
			add(c.Line, "claims[%d].key: missing", i)
			continue
		}
		if err := c.Normalize(); err != nil {
			add(c.Line, "claims[%d].value (%s): %v", i, c.Key, err)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return &d, nil
}

// Normalize sets Normalized from Value for the claim's key. A nil value
// stays nil: it is a statement kept unnormalized (claims import writes
// value: null), which policies report unproven. Keys of user policies are
// passed through as written.
func (c *Claim) Normalize() error {
	c.Normalized = nil
	if c.Value == nil {
		return nil
	}
	k, ok := LookupKey(c.Key)
	if !ok {
		c.Normalized = c.Value
		return nil
	}
	n, err := normalize(k, jsonValue(c.Value))
	if err != nil {
		return err
	}
	if loc, ok := n.(Location); ok {
		n = map[string]any{"country": loc.Country, "areas": toAny(loc.Areas)}
	}
	c.Normalized = n
	return nil
}

// jsonValue turns Go values built in code (int, []string) into the JSON
// shapes the loader produces (float64, []any).
func jsonValue(v any) any {
	switch x := v.(type) {
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case []string:
		return toAny(x)
	}
	return v
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// claimLines returns the line of each element of the top-level claims list.
func claimLines(data []byte) []int {
	var root yamlv3.Node
	if err := yamlv3.Unmarshal(data, &root); err != nil || len(root.Content) == 0 {
		return nil
	}
	doc := root.Content[0]
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value == "claims" {
			var out []int
			for _, c := range doc.Content[i+1].Content {
				out = append(out, c.Line)
			}
			return out
		}
	}
	return nil
}

// topLine returns the line of a top-level key, or 0.
func topLine(data []byte, key string) int {
	for i, l := range bytes.Split(data, []byte("\n")) {
		if bytes.HasPrefix(l, []byte(key+":")) {
			return i + 1
		}
	}
	return 0
}

var fieldRe = regexp.MustCompile(`(?:unknown field|field) "?([A-Za-z_.\[\]0-9]+)"?`)

// locateField finds the line of the field a JSON decoding error names.
func locateField(data []byte, msg string) int {
	m := fieldRe.FindStringSubmatch(msg)
	if m == nil {
		return 0
	}
	parts := strings.Split(m[1], ".")
	name := parts[len(parts)-1]
	if i := strings.IndexByte(name, '['); i >= 0 {
		name = name[:i]
	}
	for i, l := range bytes.Split(data, []byte("\n")) {
		t := bytes.TrimLeft(l, " -")
		if bytes.HasPrefix(t, []byte(name+":")) {
			return i + 1
		}
	}
	return 0
}
