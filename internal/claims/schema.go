package claims

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"sigs.k8s.io/yaml"
)

//go:embed schema/claims.schema.json
var schemaTemplate []byte

// Schema returns the JSON Schema of claims files:
// schema/claims.schema.json with the claim keys the built-in policies and
// the importer know as completions, and, for each, the type its value must
// have. Built on first use, not when the program starts: most commands
// never need it.
var Schema = sync.OnceValue(func() []byte {
	b, err := buildSchema()
	if err != nil {
		panic(fmt.Sprintf("claims: schema template: %v", err)) // the template is tested
	}
	return b
})

func buildSchema() ([]byte, error) {
	var s map[string]any
	if err := json.Unmarshal(schemaTemplate, &s); err != nil {
		return nil, err
	}
	claim := s["$defs"].(map[string]any)["claim"].(map[string]any)
	key := claim["properties"].(map[string]any)["key"].(map[string]any)
	known := map[string]ValueType{}
	for _, k := range Keys() {
		known[k.Key] = k.Type
	}
	for _, r := range rules {
		for _, k := range r.keys {
			if _, ok := known[k.key]; !ok {
				known[k.key] = ""
			}
		}
	}
	names := make([]string, 0, len(known))
	for k := range known {
		names = append(names, k)
	}
	slices.Sort(names)
	key["examples"] = names
	var conds []any
	for _, k := range names {
		var value map[string]any
		switch known[k] {
		case TypeDuration:
			value = map[string]any{"$ref": "#/$defs/duration"}
		case TypeCount:
			value = map[string]any{"type": "integer", "minimum": 0}
		case TypeBool:
			value = map[string]any{"type": "boolean"}
		case TypeTLS:
			value = map[string]any{"$ref": "#/$defs/tls"}
		case TypeLocation:
			value = map[string]any{"$ref": "#/$defs/places"}
		default:
			continue
		}
		conds = append(conds, map[string]any{
			"if":   map[string]any{"properties": map[string]any{"key": map[string]any{"const": k}}, "required": []string{"key"}},
			"then": map[string]any{"properties": map[string]any{"value": map[string]any{"anyOf": []any{map[string]any{"type": "null"}, value}}}},
		})
	}
	if len(conds) > 0 {
		claim["allOf"] = conds
	}
	out, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

var compiled = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema()))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("claims.schema.json", doc); err != nil {
		return nil, err
	}
	return c.Compile("claims.schema.json")
})

// ValidateSchema checks a claims file (YAML) against Schema(). The loader
// (Parse) remains the authority on values; the schema is what editors see.
func ValidateSchema(file string, data []byte) error {
	s, err := compiled()
	if err != nil {
		return fmt.Errorf("compile claims schema: %w", err)
	}
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if err := s.Validate(doc); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	return nil
}
