// Package collectors defines the fact model that every collector produces and
// the registry that picks collectors by file type.
//
// Collectors know providers (AWS, Azure, Google Cloud, Kubernetes …); nothing
// after them does. A fact is one provider-neutral observation with the source
// position it came from, so that every verdict can name file and line.
package collectors

import (
	"cmp"
	"slices"
)

// Kind names what a fact is about. Policies select facts by kind.
type Kind string

// The fact kinds of the fact model. See docs/facts.md for the attributes of each.
const (
	KindDatastore    Kind = "datastore"
	KindBackup       Kind = "backup"
	KindEndpoint     Kind = "endpoint"
	KindFirewallRule Kind = "firewall_rule"
	KindLog          Kind = "log"
	KindMonitor      Kind = "monitor"
	KindDetection    Kind = "detection"
	KindRedundancy   Kind = "redundancy"
	KindDR           Kind = "dr"
	KindIdentity     Kind = "identity"
	KindPatching     Kind = "patching"
	KindDeviceAuth   Kind = "device_auth"
	KindLocation     Kind = "location"
)

// Kinds lists every kind of the fact model in a stable order.
func Kinds() []Kind {
	return []Kind{KindBackup, KindDatastore, KindDetection, KindDeviceAuth, KindDR, KindEndpoint,
		KindFirewallRule, KindIdentity, KindLocation, KindLog, KindMonitor, KindPatching, KindRedundancy}
}

// Source says where a fact came from.
type Source struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	EndLine   int    `json:"end_line"`
	Collector string `json:"collector"`
}

// Fact is one normalized observation about the infrastructure.
//
// Attrs use normalized units: durations in seconds, sizes in bytes, TLS
// versions as "1.2". Every attribute path the collector could not know
// statically is listed in Unknown (as "attrs.<path>") and never guessed.
// Lines maps attribute paths to the line that sets them, so that evidence
// can point at the attribute rather than the resource.
type Fact struct {
	ID       string         `json:"id"`
	Kind     Kind           `json:"kind"`
	Provider string         `json:"provider"`
	Type     string         `json:"type"`
	Attrs    map[string]any `json:"attrs"`
	Unknown  []string       `json:"unknown,omitempty"`
	Lines    map[string]int `json:"lines,omitempty"`
	Source   Source         `json:"source"`
}

// SetUnknown records that attrs.<path> could not be known statically.
func (f *Fact) SetUnknown(path string) {
	p := "attrs." + path
	if !slices.Contains(f.Unknown, p) {
		f.Unknown = append(f.Unknown, p)
	}
}

// SetLine records the line that sets attrs.<path>.
func (f *Fact) SetLine(path string, line int) {
	if line <= 0 {
		return
	}
	if f.Lines == nil {
		f.Lines = map[string]int{}
	}
	f.Lines[path] = line
}

// SortFacts orders facts by file, line, kind and id, so output is deterministic.
func SortFacts(fs []Fact) {
	for i := range fs {
		slices.Sort(fs[i].Unknown)
	}
	slices.SortStableFunc(fs, func(a, b Fact) int {
		return cmp.Or(
			cmp.Compare(a.Source.File, b.Source.File),
			cmp.Compare(a.Source.Line, b.Source.Line),
			cmp.Compare(a.Kind, b.Kind),
			cmp.Compare(a.ID, b.ID),
		)
	})
}
