package policies

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"regexp"
	"strconv"
	"testing"

	"sigs.k8s.io/yaml"
)

var update = flag.Bool("update", false, "rewrite generated data and golden files")

// catalogFile is the transcription of record of the guideline's reference values.
const catalogFile = "../testdata/catalog/controls_reference_values.yaml"

type catalog struct {
	Controls []struct {
		ID            string   `json:"id"`
		Level         string   `json:"level"`
		LevelJa       string   `json:"level_ja"`
		Gloss         string   `json:"gloss"`
		ControlTextJa []string `json:"control_text_ja"`
		EvalItems     []struct {
			Key    string `json:"key"`
			NameJa string `json:"name_ja"`
			Gloss  string `json:"gloss"`
			Values []struct {
				Pattern int            `json:"pattern"`
				ValueJa string         `json:"value_ja"`
				Star    bool           `json:"star"`
				Machine map[string]any `json:"machine"`
			} `json:"values"`
		} `json:"evaluation_items"`
	} `json:"controls"`
}

var durRe = regexp.MustCompile(`^(\d+)(m|h|d|w|mo|y)$`)

var unit = map[string]int64{"m": 60, "h": 3600, "d": 86400, "w": 604800, "mo": 2592000, "y": 31536000}

// referenceData derives policies/data/reference.json from the catalog: every
// value verbatim, plus durations in seconds for the policies to compare.
func referenceData(t *testing.T) []byte {
	t.Helper()
	raw, err := os.ReadFile(catalogFile)
	if err != nil {
		t.Fatal(err)
	}
	var c catalog
	if err := yaml.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	for _, ctl := range c.Controls {
		items := map[string]any{}
		for _, ei := range ctl.EvalItems {
			values := map[string]any{}
			for _, v := range ei.Values {
				if v.Machine == nil {
					values[strconv.Itoa(v.Pattern)] = nil
					continue
				}
				val := map[string]any{"value_ja": v.ValueJa, "star": v.Star, "machine": v.Machine}
				for k, mv := range v.Machine {
					s, ok := mv.(string)
					if !ok {
						continue
					}
					if m := durRe.FindStringSubmatch(s); m != nil {
						n, _ := strconv.ParseInt(m[1], 10, 64)
						val[k+"_seconds"] = n * unit[m[2]]
					}
				}
				values[strconv.Itoa(v.Pattern)] = val
			}
			items[ei.Key] = map[string]any{"name_ja": ei.NameJa, "name_en": ei.Gloss, "values": values}
		}
		gja := ""
		if len(ctl.ControlTextJa) > 0 {
			gja = ctl.ControlTextJa[0]
		}
		out[ctl.ID] = map[string]any{"level": ctl.Level, "gloss": ctl.Gloss, "gloss_ja": gja, "items": items}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestReferenceData fails when policies/data/reference.json and the catalog
// of record disagree on any reference value.
func TestReferenceData(t *testing.T) {
	want := referenceData(t)
	if *update {
		if err := os.WriteFile("data/reference.json", want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile("data/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("policies/data/reference.json differs from testdata/catalog/controls_reference_values.yaml; run go test ./policies -run TestReferenceData -update")
	}
}
