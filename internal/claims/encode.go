package claims

import (
	"bytes"
	"fmt"
	"io"
	"strconv"

	yamlv3 "go.yaml.in/yaml/v3"
)

// EncodeOptions are the options of Encode.
type EncodeOptions struct {
	// Header is written as comment lines at the top.
	Header []string
	// Notes are comments on claims, by claim index (warnings of import).
	Notes map[int]string
}

// Encode writes a claims file in a stable, readable order (apiVersion,
// kind, service, edition, pattern, claims, sheet), with the sheet's rows as
// one flow sequence each.
func Encode(w io.Writer, d *Disclosure, opts EncodeOptions) error {
	doc := mapping()
	add(doc, "apiVersion", str(d.APIVersion))
	add(doc, "kind", str(d.Kind))
	if d.Service != "" {
		add(doc, "service", str(d.Service))
	}
	add(doc, "edition", str(d.Edition))
	if d.Pattern != 0 {
		add(doc, "pattern", scalar(strconv.Itoa(d.Pattern), "!!int"))
	}
	cl := &yamlv3.Node{Kind: yamlv3.SequenceNode}
	for i, c := range d.Claims {
		m := mapping()
		add(m, "item", scalar(strconv.Itoa(c.Item), "!!int"))
		add(m, "key", str(c.Key))
		v, err := valueNode(c.Value)
		if err != nil {
			return fmt.Errorf("encode claims[%d].value: %w", i, err)
		}
		if note := opts.Notes[i]; note != "" {
			v.LineComment = note
		}
		add(m, "value", v)
		if c.Text != "" {
			add(m, "text", str(c.Text))
		}
		if c.Scope != nil {
			s, err := valueNode(c.Scope)
			if err != nil {
				return fmt.Errorf("encode claims[%d].scope: %w", i, err)
			}
			add(m, "scope", s)
		}
		if c.Row != nil {
			add(m, "row", scalar(strconv.Itoa(*c.Row), "!!int"))
		}
		cl.Content = append(cl.Content, m)
	}
	if len(cl.Content) == 0 {
		cl.Style = yamlv3.FlowStyle
	}
	add(doc, "claims", cl)
	if d.Sheet != nil {
		sh := mapping()
		if d.Sheet.File != "" {
			add(sh, "file", str(d.Sheet.File))
		}
		add(sh, "columns", strSeq(d.Sheet.Columns))
		rows := &yamlv3.Node{Kind: yamlv3.SequenceNode}
		for i, r := range d.Sheet.Rows {
			n := strSeq(r)
			n.HeadComment = ""
			if i%10 == 0 {
				n.HeadComment = fmt.Sprintf("row %d", i)
			}
			rows.Content = append(rows.Content, n)
		}
		add(sh, "rows", rows)
		if len(d.Sheet.Notes) > 0 {
			notes := &yamlv3.Node{Kind: yamlv3.SequenceNode}
			for _, n := range d.Sheet.Notes {
				notes.Content = append(notes.Content, str(n))
			}
			add(sh, "notes", notes)
		}
		add(doc, "sheet", sh)
	}
	root := &yamlv3.Node{Kind: yamlv3.DocumentNode, Content: []*yamlv3.Node{doc}}
	var buf bytes.Buffer
	for _, h := range opts.Header {
		fmt.Fprintf(&buf, "# %s\n", h)
	}
	enc := yamlv3.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return fmt.Errorf("encode claims: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("encode claims: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func mapping() *yamlv3.Node { return &yamlv3.Node{Kind: yamlv3.MappingNode} }

func add(m *yamlv3.Node, key string, v *yamlv3.Node) {
	m.Content = append(m.Content, str(key), v)
}

func str(s string) *yamlv3.Node { return scalar(s, "!!str") }

func scalar(v, tag string) *yamlv3.Node {
	return &yamlv3.Node{Kind: yamlv3.ScalarNode, Tag: tag, Value: v}
}

func strSeq(ss []string) *yamlv3.Node {
	n := &yamlv3.Node{Kind: yamlv3.SequenceNode, Style: yamlv3.FlowStyle}
	for _, s := range ss {
		n.Content = append(n.Content, str(s))
	}
	return n
}

// valueNode encodes a claim value; nil becomes an explicit null.
func valueNode(v any) (*yamlv3.Node, error) {
	if v == nil {
		return scalar("null", "!!null"), nil
	}
	var n yamlv3.Node
	if err := n.Encode(v); err != nil {
		return nil, err
	}
	if n.Kind == yamlv3.SequenceNode {
		n.Style = yamlv3.FlowStyle
	}
	return &n, nil
}
