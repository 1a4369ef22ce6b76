package results

// Baseline is what a change does compared with the base branch's results.
type Baseline struct {
	File    string   `json:"file"`
	Changes []Change `json:"changes"`
}

// Change kinds.
const (
	ChangeWorse  = "worse"  // newly contradicted or unproven, or newly below
	ChangeFixed  = "fixed"  // was failing, is no longer
	ChangeNew    = "new"    // a claim or control the base did not have
	ChangeGone   = "gone"   // a claim or control the head no longer has
	ChangeSimple = "change" // another verdict change
)

// Change is one verdict that differs from the base.
type Change struct {
	Kind     string     `json:"kind"`
	Subject  string     `json:"subject"` // "claim" or "control"
	Item     int        `json:"item,omitempty"`
	Key      string     `json:"key,omitempty"`
	Control  string     `json:"control,omitempty"`
	EvalItem string     `json:"eval_item,omitempty"`
	Before   string     `json:"before"`
	After    string     `json:"after"`
	Sentence Text       `json:"sentence"`
	Evidence []Evidence `json:"evidence"`
	Waived   bool       `json:"waived,omitempty"`
	// Hard is set for a control change whose reference value is marked *.
	Hard bool `json:"hard,omitempty"`
}

func (c Change) failsUnder(f FailOn) bool {
	if c.Subject == "control" {
		return f.Below && c.After == Below && c.Hard
	}
	return f.ClaimFails(c.After)
}
