package collectors

// Defaults of the limits that bound what a hostile input can cost a scan.
// Each is a flag of kaiji scan and kaiji facts (docs/limits.md).
const (
	// DefaultMaxDepth is the deepest nesting of brackets, braces, YAML
	// collections or JSON values read. Honest inputs stay far below it
	// (CRD schemas reach about 30); parsers that recurse per level would
	// otherwise overflow the stack on a file of nothing but brackets.
	DefaultMaxDepth = 100
	// DefaultMaxYAMLValues is the smallest budget of values one YAML
	// document may expand to, counting values reached through aliases; the
	// budget grows with the document's size, so large honest files are
	// read in full while an alias bomb stops early.
	DefaultMaxYAMLValues = 200_000
	// DefaultMaxModuleDepth is how deep Terraform module calls are followed.
	DefaultMaxModuleDepth = 10
)

// NestingDepth scans data for (, [ and { and their closing partners and
// returns the first line where the nesting goes deeper than max, or 0 when it
// never does. It skips double-quoted strings and comments (#, //, /* */), so
// it suits HCL, JSON and flow-style YAML; it runs before a recursive parser
// sees the data. Unbalanced brackets inside heredocs may count, which only
// matters for a heredoc holding more than max unclosed brackets.
func NestingDepth(data []byte, max int) int {
	depth, line := 0, 1
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case '\n':
			line++
		case '"':
			for i++; i < len(data) && data[i] != '"'; i++ {
				switch data[i] {
				case '\\':
					i++
				case '\n':
					line++
				}
			}
		case '#':
			for i < len(data) && data[i] != '\n' {
				i++
			}
			i--
		case '/':
			if i+1 < len(data) && data[i+1] == '/' {
				for i < len(data) && data[i] != '\n' {
					i++
				}
				i--
			} else if i+1 < len(data) && data[i+1] == '*' {
				for i += 2; i+1 < len(data) && !(data[i] == '*' && data[i+1] == '/'); i++ {
					if data[i] == '\n' {
						line++
					}
				}
				i++
			}
		case '(', '[', '{':
			depth++
			if depth > max {
				return line
			}
		case ')', ']', '}':
			if depth > 0 {
				depth--
			}
		}
	}
	return 0
}
