package results

// Waiver statuses.
const (
	WaiverActive  = "active"  // applied to at least one verdict
	WaiverUnused  = "unused"  // valid, but matched nothing in this scan
	WaiverExpired = "expired" // past its expiry date: applies to nothing and fails the scan
	WaiverInvalid = "invalid" // malformed (no reason, bad date): applies to nothing
)

// Waiver is an accepted exception, listed in every report so auditors see it.
// Inline waivers are comments `# kaiji:ignore <target> reason="…" expires=YYYY-MM-DD`
// in HCL or YAML; others come from a waivers file.
type Waiver struct {
	Target  string   `json:"target"` // item number, claim key, control id (III.2.3.1 or III.2.3.1/b) or *
	Reason  string   `json:"reason"`
	Expires string   `json:"expires,omitempty"` // YYYY-MM-DD
	File    string   `json:"file"`
	Line    int      `json:"line"`
	Facts   []string `json:"facts,omitempty"` // the resources it covers; empty means all
	Status  string   `json:"status"`
	Applied []string `json:"applied,omitempty"` // the verdicts it waived: "claim 54 backup.generations", "control III.2.3.1/b"
	Problem string   `json:"problem,omitempty"` // why it is invalid or expired
}

// WaiverRef says which waiver covers a verdict.
type WaiverRef struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Reason  string `json:"reason"`
	Expires string `json:"expires,omitempty"`
}
