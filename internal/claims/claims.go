// Package claims holds the disclosure sheet in structured form: the claims a
// service makes, each with its item number, key, normalized value and the
// original Japanese text, and loads them from YAML with file and line in
// every error.
package claims

// APIVersion and Kind identify a claims file.
const (
	APIVersion = "kaiji/v1"
	Kind       = "Disclosure"
)

// Editions of the disclosure guideline whose item numbers a claims file uses.
const (
	EditionIoT     = "iot-asp-saas" // seed 000 numbering, items 1–116
	EditionASPSaaS = "asp-saas"     // the newer ASP・SaaS numbering of published sheets
)

// Disclosure is a claims file.
type Disclosure struct {
	APIVersion string  `json:"apiVersion"`
	Kind       string  `json:"kind"`
	Service    string  `json:"service,omitempty"`
	Edition    string  `json:"edition"`
	Pattern    int     `json:"pattern,omitempty"`
	Claims     []Claim `json:"claims"`
	// Sheet keeps the published sheet's own table when the claims were
	// imported from it, so reports can fill it in with verdicts.
	Sheet *Sheet `json:"sheet,omitempty"`

	// File is where the disclosure was loaded from.
	File string `json:"-"`
}

// Claim is one statement of the sheet.
type Claim struct {
	Item  int    `json:"item"`
	Key   string `json:"key"`
	Value any    `json:"value"`
	Text  string `json:"text,omitempty"`
	Scope *Scope `json:"scope,omitempty"`
	// Row is the index in Sheet.Rows of the sheet row the claim came from.
	Row *int `json:"row,omitempty"`

	// Normalized is Value in the unit policies compare: seconds for
	// durations, integers for counts, "1.2" for TLS versions, a location
	// object for places. Nil when the value could not be normalized.
	Normalized any `json:"-"`
	// Line is the claim's line in its file.
	Line int `json:"-"`
}

// Sheet is a published disclosure sheet's table, as imported. Every row is
// aligned to Columns (the 必須/選択 cell in its column, the statement in the
// 内容 column, cells a merged original lacked left empty); a category row
// (大分類) has only its label, in the first cell. A row without an item
// number continues the item above it.
type Sheet struct {
	File    string     `json:"file,omitempty"`
	Columns []string   `json:"columns"`
	Rows    [][]string `json:"rows"`
	// Notes are the lines around the table (title, 注1 …), in order.
	Notes []string `json:"notes,omitempty"`
}

// Scope narrows the resources a claim speaks about. Empty means all.
type Scope struct {
	IDs   []string          `json:"ids,omitempty"`
	Paths []string          `json:"paths,omitempty"`
	Tags  map[string]string `json:"tags,omitempty"`
}

// Input is the claims document given to the policies.
type Input struct {
	Index int    `json:"index"`
	Item  int    `json:"item"`
	Key   string `json:"key"`
	Value any    `json:"value"`
	Raw   any    `json:"raw"`
	Text  string `json:"text,omitempty"`
	Scope *Scope `json:"scope,omitempty"`
}

// Inputs converts the claims to the policy input form, in sheet order.
func (d *Disclosure) Inputs() []Input {
	out := make([]Input, len(d.Claims))
	for i, c := range d.Claims {
		out[i] = Input{Index: i, Item: c.Item, Key: c.Key, Value: c.Normalized, Raw: c.Value, Text: c.Text, Scope: c.Scope}
	}
	return out
}
