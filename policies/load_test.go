package policies

import (
	"encoding/json"
	"io/fs"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"sigs.k8s.io/yaml"
)

// TestLoad: modules and data files are read one per core but come out as
// a sequential read gives them: modules sorted by path, data mounted by
// name, tests only when asked for, and the first broken file in walk
// order named in the error.
func TestLoad(t *testing.T) {
	good := fstest.MapFS{
		"z.rego":         {Data: []byte("package kaiji.z\n\nx := 1\n")},
		"a/b.rego":       {Data: []byte("package kaiji.a.b\n\ny := 2\n")},
		"a/b_test.rego":  {Data: []byte("package kaiji.a.b_test\n\ntest_y if data.kaiji.a.b.y == 2\n")},
		"data/ref.yaml":  {Data: []byte("k: [1, 2]\n")},
		"data/more.json": {Data: []byte(`{"m": true}`)},
		"README.md":      {Data: []byte("not read")},
	}
	for _, tc := range []struct {
		tests bool
		want  []string
	}{
		{false, []string{"p/a/b.rego", "p/z.rego"}},
		{true, []string{"p/a/b.rego", "p/a/b_test.rego", "p/z.rego"}},
	} {
		b, err := Load(good, "p", LoadOptions{Tests: tc.tests})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range b.Modules {
			if m.Parsed == nil || string(m.Raw) != string(good[strings.TrimPrefix(m.Path, "p/")].Data) {
				t.Errorf("%s: not parsed or not its own text", m.Path)
			}
			got = append(got, m.Path)
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("tests=%v: modules %q, want %q", tc.tests, got, tc.want)
		}
		data := b.Data[Root].(map[string]any)["data"].(map[string]any)
		if len(data) != 2 || data["ref"] == nil || data["more"] == nil {
			t.Errorf("data %v, want ref and more", data)
		}
	}

	broken := fstest.MapFS{
		"b/one.rego":    {Data: []byte("package kaiji.one\n\nx := \n")},
		"c/two.rego":    {Data: []byte("package kaiji.two\n\ny := [\n")},
		"data/bad.yaml": {Data: []byte("k: [1, 2\n")},
	}
	for _, tc := range []struct {
		drop, want string
	}{
		{"", "p/b/one.rego"},
		{"b/one.rego", "p/c/two.rego"},
		{"c/two.rego", "p/b/one.rego"},
	} {
		fsys := fstest.MapFS{}
		for k, v := range broken {
			if k != tc.drop {
				fsys[k] = v
			}
		}
		_, err := Load(fsys, "p", LoadOptions{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("without %q: error %v, want one naming %s", tc.drop, err, tc.want)
		}
	}
	delete(broken, "b/one.rego")
	delete(broken, "c/two.rego")
	if _, err := Load(broken, "p", LoadOptions{}); err == nil || !strings.Contains(err.Error(), "p/data/bad.yaml") {
		t.Errorf("bad data: error %v, want one naming p/data/bad.yaml", err)
	}
}

// TestReadData: a JSON data file decodes to what the YAML converter gave
// it (the built-in reference values compared whole), and a broken one is
// reported with its line.
func TestReadData(t *testing.T) {
	raw, err := fs.ReadFile(FS, "data/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadData(FS, "data/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	js, err := yaml.YAMLToJSON(raw)
	if err != nil {
		t.Fatal(err)
	}
	var want any
	if err := json.Unmarshal(js, &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Error("reference.json decodes differently as JSON and through YAML")
	}

	bad := fstest.MapFS{"data/bad.json": {Data: []byte("{\n  \"a\": 1,\n  \"b\": [1 2]\n}\n")}}
	if _, err := ReadData(bad, "data/bad.json"); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("broken JSON: error %v, want one naming line 3", err)
	}
}

// TestBuiltinDigest: the digest kaiji version prints without parsing the
// library is the revision of the library loaded.
func TestBuiltinDigest(t *testing.T) {
	b, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	got, err := BuiltinDigest()
	if err != nil {
		t.Fatal(err)
	}
	if got != b.Manifest.Revision {
		t.Errorf("BuiltinDigest %s, the loaded library's revision %s", got, b.Manifest.Revision)
	}
}
