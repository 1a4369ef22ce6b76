package claims

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"sigs.k8s.io/yaml"
)

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema()))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("claims.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("claims.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func yamlDoc(t *testing.T, data []byte) any {
	t.Helper()
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestSchemaValidatesClaimsFiles: the demo's claims file and the imported
// seed 002 validate; broken files do not.
func TestSchemaValidatesClaimsFiles(t *testing.T) {
	s := compileSchema(t)
	for _, f := range []string{"demo/disclosure.yaml", "sheets/seed002.disclosure.yaml", "sheets/seed002.expected.yaml"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(yamlDoc(t, data)); err != nil {
			t.Errorf("testdata/%s: %v", f, err)
		}
		if _, err := Parse(f, data); err != nil {
			t.Errorf("testdata/%s does not load: %v", f, err)
		}
	}
	bad := map[string]string{
		"kind":        "apiVersion: kaiji/v1\nkind: Sheet\nclaims: []\n",
		"edition":     "apiVersion: kaiji/v1\nkind: Disclosure\nedition: v3\nclaims: []\n",
		"pattern":     "apiVersion: kaiji/v1\nkind: Disclosure\npattern: 7\nclaims: []\n",
		"generations": "apiVersion: kaiji/v1\nkind: Disclosure\nclaims:\n  - {item: 54, key: backup.generations, value: many}\n",
		"interval":    "apiVersion: kaiji/v1\nkind: Disclosure\nclaims:\n  - {item: 54, key: backup.interval, value: daily}\n",
		"unknown":     "apiVersion: kaiji/v1\nkind: Disclosure\nclaims:\n  - {item: 54, key: backup.interval, value: 1d, note: x}\n",
		"no value":    "apiVersion: kaiji/v1\nkind: Disclosure\nclaims:\n  - {item: 54, key: backup.interval}\n",
	}
	for name, doc := range bad {
		if err := s.Validate(yamlDoc(t, []byte(doc))); err == nil {
			t.Errorf("%s: invalid file validates", name)
		}
	}
	ok := "apiVersion: kaiji/v1\nkind: Disclosure\nclaims:\n  - {item: 54, key: backup.interval, value: null}\n  - {item: 1, key: my.own_key, value: {any: thing}}\n"
	if err := s.Validate(yamlDoc(t, []byte(ok))); err != nil {
		t.Errorf("null value and user key: %v", err)
	}
}

func TestSchemaCompletions(t *testing.T) {
	var s struct {
		Defs struct {
			Claim struct {
				Properties struct {
					Key struct {
						Examples []string `json:"examples"`
					} `json:"key"`
				} `json:"properties"`
			} `json:"claim"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(Schema(), &s); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(s.Defs.Claim.Properties.Key.Examples, " ")
	for _, k := range Keys() {
		if !strings.Contains(got, k.Key) {
			t.Errorf("schema lacks key %s", k.Key)
		}
	}
}
