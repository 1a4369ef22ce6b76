package terraform

import (
	"encoding/json"
	"io/fs"
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
// decode gives, and that the whole decode takes it too.
func sameAsWhole(tb testing.TB, data []byte, maxDepth int) (split bool) {
	tb.Helper()
	var got planDoc
	if !decodePlan(data, maxDepth, &got) {
		return false
	}
	p := &plan{file: fileOf(data)}
	if d := p.decodeWhole(maxDepth); d != nil {
		tb.Fatalf("split decoded a plan the whole decode refuses: %s", d.Message)
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
	} {
		var doc planDoc
		if got := decodePlan([]byte(tc.plan), tc.depth, &doc); got != tc.split {
			t.Errorf("%s: split %v, want %v", tc.name, got, tc.split)
		}
		if tc.split {
			sameAsWhole(t, []byte(tc.plan), tc.depth)
		} else if !reflect.DeepEqual(doc, planDoc{}) {
			t.Errorf("%s: a plan not split was decoded into", tc.name)
		}
	}
}

// FuzzPlanSplit: whatever the split takes, the whole decode takes too and
// gives the same plan.
func FuzzPlanSplit(f *testing.F) {
	splitAll(f)
	f.Add([]byte(`{"format_version":"1.2","planned_values":{"root_module":{"address":"m","resources":[{"address":"a.b","values":{"x":[1,{"y":null}]}}],"child_modules":[{"resources":[]}]}},"resource_changes":[{"change":{"after":{"x":true}}}],"prior_state":{}}`))
	f.Add([]byte(`{"planned_values":{"root_module":{}},"configuration":{"root_module":{"resources":[]}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		sameAsWhole(t, data, 20)
	})
}

// fileOf wraps plan text as an input file.
func fileOf(data []byte) collectors.File { return collectors.File{Path: "plan.json", Data: data} }

// TestDecodeParts: the parts one decoder reads are kept apart (numbers
// side by side do not run together), and a part that is not exactly one
// value fails.
func TestDecodeParts(t *testing.T) {
	data := []byte(`[12,34,"a",{"b":1.50},true]`)
	var n1, n2, obj any
	var s string
	parts := []part{{span{1, 3}, &n1}, {span{4, 6}, &n2}, {span{7, 10}, &s}, {span{11, 21}, &obj}, {span{22, 26}, nil}}
	if !decodeParts(data, parts) {
		t.Fatal("decodeParts failed")
	}
	want := []any{json.Number("12"), json.Number("34"), "a", map[string]any{"b": json.Number("1.50")}}
	if got := []any{n1, n2, s, obj}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v, want %#v", got, want)
	}
	for _, bad := range [][]part{
		{{span{1, 6}, &n1}},                    // two values
		{{span{1, 2}, &n1}, {span{2, 3}, &n2}}, // fine apart: 1 and 2
		{{span{0, 3}, &n1}},                    // [12: not a value
		{{span{22, 23}, nil}},                  // t: not JSON
	} {
		ok := decodeParts(data, bad)
		if fine := len(bad) == 2; ok != fine {
			t.Errorf("parts %v: decodeParts %v, want %v", bad, ok, fine)
		}
	}
}
