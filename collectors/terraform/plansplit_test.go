package terraform

import (
	"encoding/json"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/kaiji-dev/kaiji/bench/gen"
	"github.com/kaiji-dev/kaiji/collectors"
)

// splitAll splits every plan, however small, for the length of a test.
func splitAll(tb testing.TB) {
	saved := splitMin
	splitMin = 0
	tb.Cleanup(func() { splitMin = saved })
}

// sameAsWhole checks that a plan the split took decodes to what the whole
// decode gives once its parts are decoded, and that the whole decode
// takes it too, unless one of the parts does not decode.
func sameAsWhole(tb testing.TB, data []byte, maxDepth int) (split bool) {
	tb.Helper()
	var got planDoc
	if !decodePlan(data, maxDepth, &got) {
		return false
	}
	p := &plan{file: fileOf(data)}
	whole := p.decodeWhole(maxDepth)
	if !decodeLeft(tb, &got) {
		if whole == nil {
			tb.Fatalf("a part of the split plan does not decode, the whole plan does")
		}
		return true
	}
	if whole != nil {
		tb.Fatalf("split decoded a plan the whole decode refuses: %s", whole.Message)
	}
	// A split plan's changes keep their text, not a copy of after: the
	// two must give the same after, and be equal otherwise.
	if len(got.ResourceChanges) != len(p.doc.ResourceChanges) {
		tb.Fatalf("split decode has %d changes, the whole decode %d", len(got.ResourceChanges), len(p.doc.ResourceChanges))
	}
	for i := range got.ResourceChanges {
		g, w := &got.ResourceChanges[i], &p.doc.ResourceChanges[i]
		if g.raw == nil || g.Change.After != nil {
			tb.Fatalf("change %d: split decode copied after (or kept no text)", i)
		}
		if !reflect.DeepEqual(g.after(), w.after()) {
			tb.Fatalf("change %d: after differs from the whole decode's", i)
		}
		g.raw, w.Change.After = nil, nil
	}
	if !reflect.DeepEqual(got, p.doc) {
		tb.Fatalf("split decode differs from the whole decode")
	}
	return true
}

// decodeLeft decodes what the split left to the read (the planned
// resources' and the changes' members), as readResources does, and
// reports whether it all decodes. The names the split read must be the
// decoder's.
func decodeLeft(tb testing.TB, doc *planDoc) bool {
	tb.Helper()
	ok := true
	var walk func(pm *planModule)
	walk = func(pm *planModule) {
		for i := range pm.Resources {
			r := &pm.Resources[i]
			if r.raw == nil || r.Values != nil || r.SensitiveValues != nil {
				tb.Fatalf("resource %d: split decode decoded its values (or kept no text)", i)
			}
			var full planResource
			if decodeJSON(r.raw, &full) != nil {
				ok = false
				continue
			}
			if full.Address != r.Address || full.Mode != r.Mode || full.Type != r.Type || full.Name != r.Name {
				tb.Fatalf("resource %d: the split read %q %q %q %q, the decoder %q %q %q %q", i,
					r.Address, r.Mode, r.Type, r.Name, full.Address, full.Mode, full.Type, full.Name)
			}
			*r = full
		}
		for i := range pm.ChildModules {
			walk(&pm.ChildModules[i])
		}
	}
	walk(&doc.PlannedValues.RootModule)
	for i := range doc.ResourceChanges {
		c := &doc.ResourceChanges[i]
		if c.Change.AfterUnknown != nil || c.Change.AfterSensitive != nil {
			tb.Fatalf("change %d: split decode decoded its members", i)
		}
		var full planChange
		if decodeJSON(c.raw, &full) != nil {
			ok = false
			continue
		}
		if full.Address != c.Address {
			tb.Fatalf("change %d: the split read address %q, the decoder %q", i, c.Address, full.Address)
		}
		c.Change.AfterUnknown, c.Change.AfterSensitive = full.Change.AfterUnknown, full.Change.AfterSensitive
	}
	return ok
}

// sameRead checks that a plan read split gives the facts and
// diagnostics of the plan read whole.
func sameRead(tb testing.TB, data []byte) {
	tb.Helper()
	files := []collectors.File{{Path: "plan/plan.json", Data: data}}
	read := func(min int) ([]collectors.Fact, collectors.Diagnostics) {
		defer func(old int) { splitMin = old }(splitMin)
		splitMin = min
		return collect(tb, Options{}, files)
	}
	splitFacts, splitDiags := read(0)
	wholeFacts, wholeDiags := read(math.MaxInt)
	if !reflect.DeepEqual(splitFacts, wholeFacts) || !reflect.DeepEqual(splitDiags, wholeDiags) {
		tb.Fatalf("read split: %d facts, diagnostics %v; read whole: %d facts, diagnostics %v",
			len(splitFacts), splitDiags, len(wholeFacts), wholeDiags)
	}
}

// TestDecodePlanSplit: real and generated plans are split and decode as a
// whole; plans the split does not expect are left to the whole decode.
func TestDecodePlanSplit(t *testing.T) {
	splitAll(t)
	l, err := gen.Write(t.TempDir(), gen.Options{Resources: 300, NoKubernetes: true})
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{l.Plan}
	err = filepath.WalkDir("testdata", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".json" {
			return err
		}
		data, err := os.ReadFile(p)
		if err == nil && isPlan(data[:min(len(data), 512)]) {
			paths = append(paths, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	split := 0
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if sameAsWhole(t, data, 100) {
			split++
			sameRead(t, data)
		} else if p == l.Plan {
			t.Errorf("%s: the generated plan was not split", p)
		}
	}
	if split < len(paths)*3/4 {
		t.Errorf("%d of %d plans split", split, len(paths))
	}
	t.Logf("%d of %d plans split", split, len(paths))

	const base = `{"format_version":"1.2","planned_values":{"root_module":{"resources":[{"address":"a.b","type":"a","name":"b","values":{"x":1.50}}]}},"resource_changes":[{"address":"a.b","change":{"after":{"x":1}}}]`
	for _, tc := range []struct {
		name, plan string
		depth      int
		split      bool
	}{
		{"as expected", base + `}`, 100, true},
		{"unread members", base + `,"prior_state":{"values":{}},"timestamp":"t"}`, 100, true},
		{"empty arrays", `{"planned_values":{"root_module":{"resources":[],"child_modules":[]}},"resource_changes":[]}`, 100, true},
		{"repeated array", base + `,"resource_changes":[]}`, 100, false},
		{"case-folded key", base + `,"Planned_Values":{}}`, 100, false},
		{"escaped key", `{"planned\u005fvalues":{}}`, 100, false},
		{"control byte in a key", "{\"a\nb\":1}", 100, false},
		{"trailing bytes", base + `} x`, 100, false},
		{"comment", base + `, // c` + "\n" + `"a":1}`, 100, false},
		{"too deep", base + `,"x":[[[[[[[[1]]]]]]]]}`, 6, false},
		{"array where an object is", `{"planned_values":[]}`, 100, false},
		{"broken element", `{"resource_changes":[{"address":}]}`, 100, false},
		{"wrong type in an element", `{"resource_changes":[{"address":5}]}`, 100, false},
		{"null name", `{"resource_changes":[{"address":null}]}`, 100, false},
		{"null element", `{"resource_changes":[null]}`, 100, false},
		{"case-folded name", `{"resource_changes":[{"Address":"a"}]}`, 100, false},
		{"repeated name", `{"planned_values":{"root_module":{"resources":[{"type":"a","type":"b"}]}}}`, 100, false},
		{"escaped name key", `{"resource_changes":[{"addr\u0065ss":"a"}]}`, 100, false},
		{"escaped name", `{"resource_changes":[{"address":"a\u002eb\u00e9"}]}`, 100, true},
		{"names beyond ASCII", `{"planned_values":{"root_module":{"resources":[{"address":"a.é","type":"a","name":"é"}]}}}`, 100, true},
		{"other members case-folded", `{"resource_changes":[{"address":"a","Change":{"After_Unknown":{"x":true}}}]}`, 100, true},
		// Split, but a part does not decode when it is read: the
		// read starts again with the whole decode.
		{"wrong type in a change", `{"resource_changes":[{"address":"a","change":5}]}`, 100, true},
		{"wrong type in values", `{"planned_values":{"root_module":{"resources":[{"address":"a.b","type":"a","name":"b","values":[]}]}}}`, 100, true},
		{"bad number in a data source", `{"planned_values":{"root_module":{"resources":[{"address":"data.a.b","mode":"data","type":"a","name":"b","values":{"x":01}}]}}}`, 100, true},
	} {
		var doc planDoc
		if got := decodePlan([]byte(tc.plan), tc.depth, &doc); got != tc.split {
			t.Errorf("%s: split %v, want %v", tc.name, got, tc.split)
		}
		if tc.split {
			sameAsWhole(t, []byte(tc.plan), tc.depth)
			sameRead(t, []byte(tc.plan))
		} else if !reflect.DeepEqual(doc, planDoc{}) {
			t.Errorf("%s: a plan not split was decoded into", tc.name)
		}
	}
}

// FuzzPlanSplit: whatever the split takes, the whole decode takes too and
// gives the same plan (or refuses it, when a part the read decodes does
// not decode), and the plan reads to the same facts and diagnostics.
func FuzzPlanSplit(f *testing.F) {
	splitAll(f)
	f.Add([]byte(`{"format_version":"1.2","planned_values":{"root_module":{"address":"m","resources":[{"address":"a.b","values":{"x":[1,{"y":null}]}}],"child_modules":[{"resources":[]}]}},"resource_changes":[{"change":{"after":{"x":true}}}],"prior_state":{}}`))
	f.Add([]byte(`{"planned_values":{"root_module":{}},"configuration":{"root_module":{"resources":[]}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if sameAsWhole(t, data, 20) {
			sameRead(t, data)
		}
	})
}

// fileOf wraps plan text as an input file.
func fileOf(data []byte) collectors.File { return collectors.File{Path: "plan.json", Data: data} }

// TestDecodeParts: the parts one decoder reads are kept apart (numbers
// side by side do not run together), and a part that is not exactly one
// value fails.
func TestDecodeParts(t *testing.T) {
	data := []byte(`[12,34,"a",{"b":1.50},true]`)
	text := func(from, to int) []byte { return data[from:to] }
	var n1, n2, obj any
	var s string
	parts := []part{{text(1, 3), &n1}, {text(4, 6), &n2}, {text(7, 10), &s}, {text(11, 21), &obj}, {text(22, 26), nil}}
	if !decodeParts(parts) {
		t.Fatal("decodeParts failed")
	}
	want := []any{json.Number("12"), json.Number("34"), "a", map[string]any{"b": json.Number("1.50")}}
	if got := []any{n1, n2, s, obj}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v, want %#v", got, want)
	}
	for _, bad := range [][]part{
		{{text(1, 6), &n1}},                    // two values
		{{text(1, 2), &n1}, {text(2, 3), &n2}}, // fine apart: 1 and 2
		{{text(0, 3), &n1}},                    // [12: not a value
		{{text(22, 23), nil}},                  // t: not JSON
	} {
		ok := decodeParts(bad)
		if fine := len(bad) == 2; ok != fine {
			t.Errorf("parts %q: decodeParts %v, want %v", bad, ok, fine)
		}
	}
}

// TestJSONString: a name the split reads is the string the decoder
// gives, on its fast paths and off them; anything but a string is left
// to the whole decode.
func TestJSONString(t *testing.T) {
	for _, in := range []string{
		`"aws_s3_bucket.logs"`,
		`"module.svc[\"a\"].aws_s3_bucket.logs[\"b\\\\c\"]"`,
		`"a\\\"b"`,
		`"a\u002eb"`,
		`"tab\there"`,
		`"é"`,
		"\"\xff\"",
		`""`,
		"\"a\nb\"",
		`5`,
		`null`,
		`{"a":1}`,
	} {
		got, ok := jsonString([]byte(in), span{0, len(in)})
		var want string
		err := json.Unmarshal([]byte(in), &want)
		if wantOK := err == nil && in[0] == '"'; ok != wantOK || got != want {
			t.Errorf("jsonString(%s) = %q, %v; the decoder: %q, %v", in, got, ok, want, err)
		}
	}
	if got, ok := jsonString([]byte(`{}`), span{}); got != "" || !ok {
		t.Errorf("an absent member: %q, %v", got, ok)
	}
}
