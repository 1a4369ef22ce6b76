package cloudexport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// maxLineDepth is the deepest level whose positions are recorded; deeper
// values take the line of their closest recorded ancestor.
const maxLineDepth = 8

// depthError is errDepth at a line.
type depthError struct {
	line, max int
}

func (e *depthError) Error() string {
	return fmt.Sprintf("%v: over %d levels at line %d (--max-depth)", errDepth, e.max, e.line)
}

func (e *depthError) Unwrap() error { return errDepth }

// positions maps JSON paths to the lines where their values start and end.
type positions struct {
	start, end map[string]int
}

// doc is a decoded JSON document with the positions of its values.
type doc struct {
	root jv
	pos  *positions
}

// parseJSON decodes one JSON document and records where each value is.
// baseLine is the line the document starts on (for JSON lines). Documents
// nesting deeper than maxDepth are refused: encoding/json allows 10000 levels.
func parseJSON(data []byte, baseLine, maxDepth int) (doc, error) {
	pos := &positions{start: map[string]int{}, end: map[string]int{}}
	nl := newlines(data)
	lineAt := func(off int64) int {
		return baseLine + sort.Search(len(nl), func(i int) bool { return nl[i] >= int(off) })
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var walk func(path string, depth int) (any, error)
	walk = func(path string, depth int) (any, error) {
		off := skipSpace(data, dec.InputOffset())
		if depth > maxDepth {
			return nil, &depthError{line: lineAt(off), max: maxDepth}
		}
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		record := depth <= maxLineDepth
		if record {
			pos.start[path] = lineAt(off)
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				m := map[string]any{}
				for dec.More() {
					kt, err := dec.Token()
					if err != nil {
						return nil, err
					}
					k, _ := kt.(string)
					v, err := walk(join(path, k), depth+1)
					if err != nil {
						return nil, err
					}
					m[k] = v
				}
				if _, err := dec.Token(); err != nil {
					return nil, err
				}
				if record {
					pos.end[path] = lineAt(dec.InputOffset() - 1)
				}
				return m, nil
			case '[':
				var l []any
				for i := 0; dec.More(); i++ {
					v, err := walk(path+"["+strconv.Itoa(i)+"]", depth+1)
					if err != nil {
						return nil, err
					}
					l = append(l, v)
				}
				if _, err := dec.Token(); err != nil {
					return nil, err
				}
				if record {
					pos.end[path] = lineAt(dec.InputOffset() - 1)
				}
				if l == nil {
					l = []any{}
				}
				return l, nil
			}
			return nil, fmt.Errorf("unexpected %v", t)
		default:
			if record {
				pos.end[path] = pos.start[path]
			}
			return tok, nil
		}
	}
	v, err := walk("", 0)
	if err != nil {
		return doc{}, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return doc{}, errors.New("data after the JSON document")
	}
	return doc{root: jv{v: v, pos: pos}, pos: pos}, nil
}

func newlines(data []byte) []int {
	var out []int
	for i, b := range data {
		if b == '\n' {
			out = append(out, i)
		}
	}
	return out
}

func skipSpace(data []byte, off int64) int64 {
	for off < int64(len(data)) {
		c := data[off]
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != ',' && c != ':' {
			break
		}
		off++
	}
	return off
}

// isIdent says whether a key is written as a name in a JSON path
// (^[A-Za-z_$][A-Za-z0-9_$-]*$): every key of a document is asked, so a
// loop, not a regular expression.
func isIdent(key string) bool {
	if key == "" {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', c == '_', c == '$':
		case i > 0 && ('0' <= c && c <= '9' || c == '-'):
		default:
			return false
		}
	}
	return true
}

// join appends a key to a JSON path: a.b, or a["x.y"] for keys that are not names.
func join(path, key string) string {
	if !isIdent(key) {
		return fmt.Sprintf("%s[%s]", path, strconv.Quote(key))
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

// jv is a position in a decoded document: the value and its JSON path.
type jv struct {
	v    any
	path string
	pos  *positions
}

// get returns the value under key, matching the key case-insensitively when
// there is no exact match: AWS CLI output (StorageEncrypted) and AWS Config
// items (storageEncrypted) then read alike.
func (x jv) get(key string) jv {
	m, ok := x.v.(map[string]any)
	if !ok {
		return jv{pos: x.pos, path: join(x.path, key)}
	}
	if v, ok := m[key]; ok {
		return jv{v: v, path: join(x.path, key), pos: x.pos}
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return jv{v: v, path: join(x.path, k), pos: x.pos}
		}
	}
	return jv{pos: x.pos, path: join(x.path, key)}
}

// path follows several keys.
func (x jv) at(keys ...string) jv {
	for _, k := range keys {
		x = x.get(k)
	}
	return x
}

// list returns the elements of an array.
func (x jv) list() []jv {
	l, ok := x.v.([]any)
	if !ok {
		return nil
	}
	out := make([]jv, len(l))
	for i, e := range l {
		out[i] = jv{v: e, path: fmt.Sprintf("%s[%d]", x.path, i), pos: x.pos}
	}
	return out
}

func (x jv) present() bool { return x.v != nil }

func (x jv) isMap() bool {
	_, ok := x.v.(map[string]any)
	return ok
}

func (x jv) str() string {
	s, _ := x.v.(string)
	return s
}

func (x jv) int() (int64, bool) {
	switch n := x.v.(type) {
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	case string:
		i, err := strconv.ParseInt(strings.TrimSpace(n), 10, 64)
		return i, err == nil
	case float64:
		return int64(n), n == float64(int64(n))
	}
	return 0, false
}

func (x jv) bool() (bool, bool) {
	switch b := x.v.(type) {
	case bool:
		return b, true
	case string:
		v, err := strconv.ParseBool(b)
		return v, err == nil
	}
	return false, false
}

// strs returns an array of strings, skipping other values.
func (x jv) strs() []string {
	var out []string
	for _, e := range x.list() {
		if s := e.str(); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// line is the line the value starts on, or that of its closest ancestor
// whose position is known; 0 when none is.
func (x jv) line() int {
	if x.pos == nil {
		return 0
	}
	for p := x.path; ; p = parent(p) {
		if l, ok := x.pos.start[p]; ok {
			return l
		}
		if p == "" {
			return 0
		}
	}
}

// endLine is the line the value ends on, like line.
func (x jv) endLine() int {
	if x.pos == nil {
		return 0
	}
	for p := x.path; ; p = parent(p) {
		if l, ok := x.pos.end[p]; ok {
			return l
		}
		if p == "" {
			return 0
		}
	}
}

// parent strips the last segment of a JSON path.
func parent(p string) string {
	if strings.HasSuffix(p, "]") {
		if i := strings.LastIndex(p, "["); i >= 0 {
			return p[:i]
		}
	}
	if i := strings.LastIndex(p, "."); i >= 0 {
		return p[:i]
	}
	return ""
}

// embedded decodes a value that holds JSON as a string (AWS Config history
// items carry their configuration so); it keeps the path, and lines fall
// back to the string's.
func (x jv) embedded() jv {
	s, ok := x.v.(string)
	if !ok {
		return x
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return x
	}
	return jv{v: v, path: x.path, pos: x.pos}
}
