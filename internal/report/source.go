package report

import (
	"bytes"
	"cmp"
	"encoding/json"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/kaiji-dev/kaiji/internal/parallel"
	"github.com/kaiji-dev/kaiji/internal/results"
)

// Redacted replaces every sensitive value in every format.
const Redacted = "[REDACTED]"

// Bounds on what the reports quote from the input files.
const (
	maxSourceFile   = 1 << 20 // larger files are not quoted
	maxSnippetLines = 3       // per evidence: the line, one before, one after
	maxLineRunes    = 160
)

// sensitiveKey matches attribute and variable names whose values are
// secrets: passwords, secrets, tokens, private keys, credentials.
var sensitiveKey = regexp.MustCompile(`(?i)(passw(or)?d|passphrase|secret|token|private[_-]?key|api[_-]?key|access[_-]?key|credential|connection[_-]?string|auth[_-]?key|client[_-]?key|sas[_-]?key|signing[_-]?key|encryption[_-]?key|ssh[_-]?key|bearer|cookie|session[_-]?key)`)

// sensitiveStems are lower-case words one of which every match of
// sensitiveKey contains once '_' and '-' are dropped from it
// (TestMayNameSecret, FuzzMayNameSecret). Whole words such as "apikey"
// rather than "api": every Kubernetes document has an apiVersion line,
// and Terraform is full of encryption and access settings that are no
// secrets.
var sensitiveStems = []string{"passw", "passphrase", "secret", "token", "privatekey", "apikey", "accesskey", "credential",
	"connectionstring", "authkey", "clientkey", "saskey", "signingkey", "encryptionkey", "sshkey", "bearer", "cookie", "sessionkey"}

var stemBytes = func() (b [][]byte) {
	for _, s := range sensitiveStems {
		b = append(b, []byte(s))
	}
	return b
}()

// stemPairs has bit b0 | b1<<8 set when a stem begins with the bytes b0 b1.
var stemPairs = func() []uint64 {
	bits := make([]uint64, 1<<16/64)
	for _, s := range sensitiveStems {
		k := pair(s)
		bits[k/64] |= 1 << (k % 64)
	}
	return bits
}()

// mayNameSecret is false when a line cannot hold a key sensitiveKey
// matches: without '_' and '-', and ignoring ASCII case, it contains none
// of the stems. Lines with other than ASCII are always true (sensitiveKey
// folds Unicode: ſ is s). Most lines of an estate name no secret, and this
// skips the regular expressions for them, which were most of a Kubernetes
// report's time (BENCHMARKS.md).
func mayNameSecret(line string) bool {
	var buf [256]byte
	lower := buf[:0]
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c >= 0x80:
			return true
		case c == '_' || c == '-':
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		lower = append(lower, c)
	}
	for p := 0; p+1 < len(lower); p++ {
		if k := uint16(lower[p]) | uint16(lower[p+1])<<8; stemPairs[k/64]&(1<<(k%64)) == 0 {
			continue
		}
		for _, s := range stemBytes {
			if bytes.HasPrefix(lower[p:], s) {
				return true
			}
		}
	}
	return false
}

// assignment splits `key = value`, `key: value` and `"key": value` lines
// (HCL, tfvars, YAML, JSON).
var assignment = regexp.MustCompile(`^(\s*-?\s*"?([A-Za-z0-9_.\-\[\]"]+?)"?\s*[:=]\s*)(.*?)\s*,?\s*$`)

// blockStart finds Terraform variable and output blocks, which may be marked sensitive.
var blockStart = regexp.MustCompile(`^\s*(variable|output)\s+"([^"]+)"\s*\{`)

var sensitiveTrue = regexp.MustCompile(`^\s*sensitive\s*=\s*true\b`)

// source is one input file, read once, with its sensitive lines marked.
type source struct {
	lines     []string
	sensitive map[int]bool // 0-based line numbers whose value is a secret
}

// Sources reads the files named in a run's inputs and evidence, marks the
// lines that hold secrets, and redacts them from everything a report shows.
// Paths are relative to Root (the directory kaiji ran in).
type Sources struct {
	Root  string
	files map[string]*source
	// secrets are literal secret values seen in the inputs; any string a
	// report prints has them replaced, in case a policy or message quoted one.
	secrets []string
	// index finds the secrets a text holds without trying each (see present).
	index secretIndex
	// sensitiveVars are Terraform variables declared sensitive in any input.
	sensitiveVars map[string]bool
	// added holds the secrets already in secrets.
	added map[string]bool
}

// NewSources reads the run's input files under root.
func NewSources(root string, r *results.Run) *Sources {
	s := &Sources{Root: root, files: map[string]*source{}, sensitiveVars: map[string]bool{}}
	// A large run's evidence names the same few thousand files some
	// hundred thousand times: a set, not a sort of every name (that was a
	// third of this function at 10k Kubernetes objects).
	seen := map[string]bool{}
	var paths []string
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			paths = append(paths, p)
		}
	}
	for _, in := range r.Inputs {
		add(in.Path)
	}
	for _, c := range r.Claims {
		for _, e := range c.Evidence {
			add(e.File)
		}
	}
	for _, c := range r.Controls {
		for _, e := range c.Evidence {
			add(e.File)
		}
	}
	slices.Sort(paths)
	read := make([][]string, len(paths))
	parallel.For(len(paths), 0, func(i int) {
		if paths[i] == "" {
			return
		}
		data, err := readBounded(filepath.Join(root, filepath.FromSlash(paths[i])))
		if err != nil || !utf8.Valid(data) {
			return
		}
		read[i] = strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	})
	// First pass: variables declared sensitive anywhere (their values may
	// sit in tfvars), and the values a Terraform plan marks sensitive.
	for i, p := range paths {
		markBlocks(read[i], nil, s.sensitiveVars)
		if strings.HasSuffix(p, ".json") {
			for _, v := range planSecrets([]byte(strings.Join(read[i], "\n"))) {
				s.addSecret(v)
			}
		}
	}
	// Second pass, one file per core: the sensitive lines and the secret
	// values they hold (a 10k-resource Kubernetes estate is 1,000 files).
	// The values are added in path order, as one goroutine would.
	done := make([]markedFile, len(paths))
	parallel.For(len(paths), 0, func(i int) {
		if read[i] != nil { // nil: not read
			done[i] = markFile(paths[i], read[i], s.sensitiveVars)
		}
	})
	for i, p := range paths {
		if done[i].src == nil {
			continue
		}
		for _, v := range done[i].values {
			s.addSecret(v)
		}
		s.files[p] = done[i].src
	}
	// Longest first, so a secret containing another is replaced whole;
	// then by text, so the order never depends on map iteration.
	slices.SortFunc(s.secrets, func(a, b string) int { return cmp.Or(cmp.Compare(len(b), len(a)), strings.Compare(a, b)) })
	s.index = newSecretIndex(s.secrets)
	// Last pass: any line, in any file, that holds a known secret value.
	for _, src := range s.files {
		for i, l := range src.lines {
			if !src.sensitive[i] && s.index.holdsAny(l) {
				src.sensitive[i] = true
			}
		}
	}
	return s
}

// markedFile is one input file with its sensitive lines marked, and the
// secret values they hold.
type markedFile struct {
	src    *source
	values []string
}

// markFile marks the sensitive lines of one input file and returns it with
// the secret values those lines hold, in line order. sensitiveVars (the
// variables declared sensitive anywhere) is only read.
func markFile(p string, lines []string, sensitiveVars map[string]bool) (m markedFile) {
	src := &source{lines: lines, sensitive: map[int]bool{}}
	markBlocks(lines, src.sensitive, nil)
	if strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml") {
		markKubernetes(lines, src.sensitive)
	}
	tfvars := strings.HasSuffix(p, ".tfvars") || strings.HasSuffix(p, ".tfvars.json")
	inPEM := false
	for i, l := range lines {
		if strings.Contains(l, "-----BEGIN") && strings.Contains(l, "PRIVATE KEY") {
			inPEM = true
		}
		if inPEM {
			src.sensitive[i] = true
			if strings.Contains(l, "-----END") {
				inPEM = false
			}
			continue
		}
		if !tfvars && !mayNameSecret(l) {
			continue // the key below is part of the line
		}
		m := assignment.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		key := strings.Trim(m[2], `"`)
		if harmless(m[3]) {
			continue
		}
		if sensitiveKey.MatchString(key) || tfvars && sensitiveVars[key] {
			src.sensitive[i] = true
		}
	}
	for i := range lines {
		if !src.sensitive[i] {
			continue
		}
		if a := assignment.FindStringSubmatch(lines[i]); a != nil {
			m.values = append(m.values, a[3])
		} else {
			m.values = append(m.values, lines[i])
		}
	}
	m.src = src
	return m
}

// secretIndex finds which secrets a text holds in one pass over the text,
// instead of one pass per secret: a large estate has thousands of
// secret-looking values and reports of tens of megabytes (BENCHMARKS.md).
// Secrets are indexed by their first n bytes (their head: 6 to 8 bytes, as
// long as the shortest indexed secret allows, so that names sharing a
// prefix share few heads); a bitset of their first two bytes turns most
// positions of a text away before any lookup.
type secretIndex struct {
	secrets []string         // in replacement order
	n       int              // head length
	byHead  map[uint64][]int // head → indexes into secrets
	pairs   []uint64         // bit b0 | b1<<8 set when some head begins with b0 b1
	always  []int            // too short to index, or able to appear across a replacement
}

// Bounds of the head length: shorter secrets are tried on every text, and
// a head is packed into a uint64.
const (
	minHead = 6
	maxHead = 8
)

func newSecretIndex(secrets []string) secretIndex {
	x := secretIndex{secrets: secrets, n: maxHead, byHead: map[uint64][]int{}, pairs: make([]uint64, 1<<16/64)}
	var indexed []int
	for i, v := range secrets {
		if len(v) < minHead || acrossMarker(v) {
			x.always = append(x.always, i)
			continue
		}
		indexed = append(indexed, i)
		x.n = min(x.n, len(v))
	}
	for _, i := range indexed {
		v := secrets[i]
		h := head(&x, v)
		x.byHead[h] = append(x.byHead[h], i)
		k := pair(v)
		x.pairs[k/64] |= 1 << (k % 64)
	}
	return x
}

// head packs the first x.n bytes of s (len(s) ≥ x.n).
func head[T string | []byte](x *secretIndex, s T) uint64 {
	var h uint64
	for i := range x.n {
		h |= uint64(s[i]) << (8 * i)
	}
	return h
}

// pair packs the first two bytes of s.
func pair[T string | []byte](s T) uint16 { return uint16(s[0]) | uint16(s[1])<<8 }

// candidates returns the indexes of the secrets whose head text[p:] begins
// with (p+x.n ≤ len(text)).
func candidates[T string | []byte](x *secretIndex, text T, p int) []int {
	k := pair(text[p:])
	if x.pairs[k/64]&(1<<(k%64)) == 0 {
		return nil
	}
	return x.byHead[head(x, text[p:])]
}

// hasAt reports whether text holds v at p.
func hasAt[T string | []byte](text T, p int, v string) bool {
	return len(text)-p >= len(v) && string(text[p:p+len(v)]) == v
}

// acrossMarker reports whether v could occur in a text only after another
// secret was replaced by the marker: it would overlap the marker, so it
// contains it, lies within it, ends with a beginning of it or begins with an
// end of it.
func acrossMarker(v string) bool {
	if strings.Contains(v, Redacted) || strings.Contains(Redacted, v) {
		return true
	}
	for k := 1; k < len(Redacted); k++ {
		if strings.HasSuffix(v, Redacted[:k]) || strings.HasPrefix(v, Redacted[len(Redacted)-k:]) {
			return true
		}
	}
	return false
}

// holdsAny reports whether text contains any secret.
func (x *secretIndex) holdsAny(text string) bool {
	for _, i := range x.always {
		if strings.Contains(text, x.secrets[i]) {
			return true
		}
	}
	for p := 0; p+x.n <= len(text); p++ {
		for _, i := range candidates(x, text, p) {
			if hasAt(text, p, x.secrets[i]) {
				return true
			}
		}
	}
	return false
}

// present returns, in replacement order, the secrets whose replacement in
// turn can change text: those it holds, and those that could appear across
// an earlier replacement. Replacing only these gives the same text as
// replacing every secret. (A whole report's document is searched with
// presentIn, in its pieces, on every core.)
func present[T string | []byte](x *secretIndex, text T) []string {
	if len(x.secrets) == 0 {
		return nil
	}
	return x.marked([][]bool{scan(x, text, 0, len(text), nil)})
}

// marked lists, in replacement order, the secrets any of marks holds and
// those always tried.
func (x *secretIndex) marked(marks [][]bool) []string {
	all := make([]bool, len(x.secrets))
	for _, i := range x.always {
		all[i] = true
	}
	for _, mark := range marks {
		for i, m := range mark { // nil: none found there
			all[i] = all[i] || m
		}
	}
	var out []string
	for i, v := range x.secrets {
		if all[i] {
			out = append(out, v)
		}
	}
	return out
}

// presentIn is present over a document given in consecutive pieces, as if
// they were joined: each piece is searched on its own, one per core, and
// where one ends, the bytes around the cut (up to the longest secret on
// either side) are searched for the secrets that start before it.
func presentIn(x *secretIndex, pieces [][]byte) []string {
	if len(x.secrets) == 0 {
		return nil
	}
	longest := 0
	for _, v := range x.secrets {
		longest = max(longest, len(v))
	}
	marks := make([][]bool, len(pieces))
	parallel.For(len(pieces), 0, func(k int) {
		piece := pieces[k]
		mark := scan(x, piece, 0, len(piece), nil)
		// The window: the piece's last bytes, then what follows them.
		tail := piece[max(0, len(piece)-(longest-1)):]
		window := append([]byte(nil), tail...)
		for j := k + 1; j < len(pieces) && len(window) < len(tail)+longest-1; j++ {
			window = append(window, pieces[j][:min(len(pieces[j]), len(tail)+longest-1-len(window))]...)
		}
		marks[k] = scan(x, window, 0, len(tail), mark)
	})
	return x.marked(marks)
}

// scan marks the secrets that begin in text at a position in [from, to)
// (text may go on after to); mark is made when the first is found.
func scan[T string | []byte](x *secretIndex, text T, from, to int, mark []bool) []bool {
	for p := from; p < to && p+x.n <= len(text); p++ {
		for _, i := range candidates(x, text, p) {
			if hasAt(text, p, x.secrets[i]) {
				if mark == nil {
					mark = make([]bool, len(x.secrets))
				}
				mark[i] = true
			}
		}
	}
	return mark
}

// markKubernetes marks the values of Secret objects (data, stringData) and
// the value of environment variables whose name says secret.
func markKubernetes(lines []string, mark map[int]bool) {
	indent := func(l string) int { return len(l) - len(strings.TrimLeft(l, " ")) }
	secretDoc := false
	docStart := 0
	for i := 0; i <= len(lines); i++ {
		if i == len(lines) || strings.HasPrefix(lines[i], "---") {
			if secretDoc {
				markSecretData(lines[docStart:i], docStart, mark, indent)
			}
			secretDoc, docStart = false, i+1
			continue
		}
		// The regular expressions run only on lines that can match them.
		if strings.Contains(lines[i], "Secret") && secretKind.MatchString(lines[i]) {
			secretDoc = true
		}
		// - name: DB_PASSWORD
		//   value: s3cr3t
		if !strings.Contains(lines[i], "name:") || !mayNameSecret(lines[i]) {
			continue
		}
		if m := envName.FindStringSubmatch(lines[i]); m != nil && sensitiveKey.MatchString(m[2]) && i+1 < len(lines) {
			if v := envValue.FindStringSubmatch(lines[i+1]); v != nil && !harmless(v[1]) {
				mark[i+1] = true
			}
		}
	}
}

var (
	secretKind = regexp.MustCompile(`^kind:\s*"?Secret"?\s*$`)
	envName    = regexp.MustCompile(`^(\s*-?\s*)name:\s*"?([A-Za-z0-9_.\-]+)"?\s*$`)
	envValue   = regexp.MustCompile(`^\s*value:\s*(.+)$`)
	dataKey    = regexp.MustCompile(`^(data|stringData):\s*$`)
)

func markSecretData(doc []string, offset int, mark map[int]bool, indent func(string) int) {
	in := false
	for j, l := range doc {
		switch {
		case dataKey.MatchString(l):
			in = true
		case in && strings.TrimSpace(l) != "" && indent(l) == 0:
			in = false
		case in && strings.TrimSpace(l) != "":
			mark[offset+j] = true
		}
	}
}

// planSecrets returns the values a Terraform plan or state JSON marks
// sensitive: resource values under sensitive_values, before_sensitive and
// after_sensitive, outputs with sensitive true, and the values of variables
// the configuration declares sensitive. Other JSON gives nothing.
func planSecrets(data []byte) []string {
	if !bytes.Contains(data, []byte("sensitive")) {
		return nil
	}
	var doc any
	if json.Unmarshal(data, &doc) != nil {
		return nil
	}
	var out []string
	leaves := func(v any) {
		var walk func(any)
		walk = func(v any) {
			switch x := v.(type) {
			case string:
				out = append(out, x)
			case map[string]any:
				for _, e := range x {
					walk(e)
				}
			case []any:
				for _, e := range x {
					walk(e)
				}
			}
		}
		walk(v)
	}
	var masked func(v, mask any)
	masked = func(v, mask any) {
		switch m := mask.(type) {
		case bool:
			if m {
				leaves(v)
			}
		case map[string]any:
			if obj, ok := v.(map[string]any); ok {
				for k, mk := range m {
					masked(obj[k], mk)
				}
			}
		case []any:
			if arr, ok := v.([]any); ok {
				for i, mk := range m {
					if i < len(arr) {
						masked(arr[i], mk)
					}
				}
			}
		}
	}
	sensitiveVars := map[string]bool{}
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for _, pair := range [][2]string{{"values", "sensitive_values"}, {"after", "after_sensitive"}, {"before", "before_sensitive"}} {
				if mask, ok := x[pair[1]]; ok {
					masked(x[pair[0]], mask)
				}
			}
			if s, _ := x["sensitive"].(bool); s {
				leaves(x["value"])
			}
			if cfg, ok := x["configuration"].(map[string]any); ok {
				if root, ok := cfg["root_module"].(map[string]any); ok {
					if vars, ok := root["variables"].(map[string]any); ok {
						for name, d := range vars {
							if dm, ok := d.(map[string]any); ok && dm["sensitive"] == true {
								sensitiveVars[name] = true
							}
						}
					}
				}
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(doc)
	if top, ok := doc.(map[string]any); ok {
		if vars, ok := top["variables"].(map[string]any); ok {
			for name := range sensitiveVars {
				if v, ok := vars[name].(map[string]any); ok {
					leaves(v["value"])
				}
			}
		}
	}
	return out
}

// harmless values are no secret whatever their attribute's name: booleans,
// numbers, references to variables or resources, and empty values.
var harmlessValue = regexp.MustCompile(`^(true|false|null|-?[0-9.]+|""|\{|\[|(var|local|data|module|aws_|azurerm_|google_)[A-Za-z0-9_.\[\]"]*)$`)

func harmless(v string) bool {
	return harmlessValue.MatchString(strings.TrimSuffix(strings.TrimSpace(v), ","))
}

func readBounded(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.Size() > maxSourceFile {
		return nil, os.ErrInvalid
	}
	var b bytes.Buffer
	_, err = b.ReadFrom(f)
	return b.Bytes(), err
}

// markBlocks marks the default/value lines of variable and output blocks
// declared `sensitive = true`, and records the names of sensitive variables.
func markBlocks(lines []string, mark map[int]bool, vars map[string]bool) {
	for i := 0; i < len(lines); i++ {
		// Cheap tests of what blockStart needs, before running it.
		if !strings.Contains(lines[i], "variable") && !strings.Contains(lines[i], "output") {
			continue
		}
		m := blockStart.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		depth, end, sens := 0, i, false
		for j := i; j < len(lines); j++ {
			depth += strings.Count(lines[j], "{") - strings.Count(lines[j], "}")
			if sensitiveTrue.MatchString(lines[j]) {
				sens = true
			}
			end = j
			if depth <= 0 && j > i || depth <= 0 && strings.Contains(lines[j], "}") {
				break
			}
		}
		if !sens {
			continue
		}
		if vars != nil && m[1] == "variable" {
			vars[m[2]] = true
		}
		if mark != nil {
			inValue := false
			for j := i + 1; j <= end; j++ {
				a := assignment.FindStringSubmatch(lines[j])
				if a != nil && (a[2] == "default" || a[2] == "value") {
					inValue = true
				} else if a != nil {
					inValue = false
				}
				if inValue && j < end && strings.TrimSpace(lines[j]) != "}" {
					mark[j] = true
				}
			}
		}
	}
}

func (s *Sources) addSecret(v string) {
	v = strings.TrimSpace(v)
	v = strings.TrimSuffix(v, ",")
	v = strings.Trim(v, `"'`)
	// Short values (true, 1, var refs) are not worth scrubbing and would
	// mangle ordinary text.
	if len(v) < 6 || strings.HasPrefix(v, "var.") || strings.HasPrefix(v, "${") || v == "true" || v == "false" {
		return
	}
	if !s.added[v] {
		if s.added == nil {
			s.added = map[string]bool{}
		}
		s.added[v] = true
		s.secrets = append(s.secrets, v)
	}
	// A connection string's password is a secret on its own too.
	if u, err := url.Parse(v); err == nil && u.User != nil {
		if pw, ok := u.User.Password(); ok {
			s.addSecret(pw)
		}
	}
}

// Line is one quoted source line.
type Line struct {
	N        int
	Text     string
	Focus    bool // the evidence line itself
	Redacted bool
}

// Snippet returns the evidence line of a file with one line of context on
// each side, secrets redacted, bounded in size; nil when the file is
// unreadable.
func (s *Sources) Snippet(file string, line int) []Line {
	src := s.files[file]
	if src == nil || line < 1 || line > len(src.lines) {
		return nil
	}
	var out []Line
	from := max(1, line-(maxSnippetLines-1)/2)
	to := min(len(src.lines), from+maxSnippetLines-1)
	for n := from; n <= to; n++ {
		text, red := src.lines[n-1], src.sensitive[n-1]
		if red {
			text = redactLine(text)
		}
		text = s.Scrub(text)
		if utf8.RuneCountInString(text) > maxLineRunes {
			text = string([]rune(text)[:maxLineRunes]) + "…"
		}
		if strings.TrimSpace(text) == "" && n != line {
			continue
		}
		out = append(out, Line{N: n, Text: text, Focus: n == line, Redacted: red})
	}
	return out
}

// redactLine keeps the attribute name and replaces its value.
func redactLine(l string) string {
	if m := assignment.FindStringSubmatch(l); m != nil && !strings.Contains(l, "-----") {
		return m[1] + `"` + Redacted + `"`
	}
	indent := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
	return indent + Redacted
}

// Scrub replaces every secret value seen in the inputs.
func (s *Sources) Scrub(text string) string {
	for _, v := range present(&s.index, text) {
		text = strings.ReplaceAll(text, v, Redacted)
	}
	return text
}

// Redact returns a copy of the run with every secret value seen in the
// inputs replaced, wherever a policy or message may have quoted it: the
// run itself when it quotes none (decoding the JSON of a 10k-object
// Kubernetes run back, every text report spent ~150 ms and the memory of
// a second run on a copy equal to the first).
func (s *Sources) Redact(r *results.Run) (*results.Run, error) {
	if len(s.secrets) == 0 {
		return r, nil
	}
	pieces, replaced, err := s.redactedJSON(r)
	if err != nil {
		return nil, err
	}
	if !replaced {
		return r, nil
	}
	readers := make([]io.Reader, len(pieces))
	for i, p := range pieces {
		readers[i] = bytes.NewReader(p)
	}
	dec := json.NewDecoder(io.MultiReader(readers...))
	dec.UseNumber()
	out := &results.Run{}
	if err := dec.Decode(out); err != nil {
		return nil, err
	}
	return out, nil
}

// redactedJSON is the run as compact JSON (runPieces) with every secret
// value replaced, and whether any was: what Redact decodes, and what the
// JSON reporter indents as it is, without decoding it back and encoding
// it again. The pieces are joined only when a secret is there to replace,
// which no report of a clean estate has.
func (s *Sources) redactedJSON(r *results.Run) ([][]byte, bool, error) {
	pieces, err := runPieces(r)
	if err != nil || len(s.secrets) == 0 {
		return pieces, false, err
	}
	// The secrets as they appear in the JSON document, in replacement
	// order, found in one pass over it.
	escaped := make([]string, len(s.secrets))
	for i, v := range s.secrets {
		enc, err := compactJSON(v)
		if err != nil {
			return nil, false, err
		}
		escaped[i] = string(enc[1 : len(enc)-2]) // less the quotes and newline
	}
	index := newSecretIndex(escaped)
	found := presentIn(&index, pieces)
	if len(found) == 0 {
		return pieces, false, nil
	}
	data := bytes.Join(pieces, nil)
	for _, esc := range found {
		data = bytes.ReplaceAll(data, []byte(esc), []byte(Redacted))
	}
	return [][]byte{data}, true, nil
}
