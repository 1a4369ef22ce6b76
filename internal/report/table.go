package report

import (
	"io"
	"strings"

	"github.com/mattn/go-runewidth"
)

// table aligns columns by display width, so Japanese text (two cells per
// character on a terminal) lines up, which text/tabwriter cannot do.
type table struct {
	rows [][]string
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

// write renders the table with two spaces between columns. Cells may hold
// ANSI colour sequences; they take no width.
func (t *table) write(w io.Writer) error {
	widths := map[int]int{}
	for _, r := range t.rows {
		for i, c := range r {
			widths[i] = max(widths[i], width(c))
		}
	}
	var b strings.Builder
	for _, r := range t.rows {
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-width(c)+2))
			}
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func width(s string) int {
	for {
		i := strings.Index(s, "\x1b[")
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], 'm')
		if j < 0 {
			break
		}
		s = s[:i] + s[i+j+1:]
	}
	return runewidth.StringWidth(s)
}
