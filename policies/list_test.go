package policies

import (
	"os"
	"strings"
	"testing"

	"github.com/kaiji-dev/kaiji/internal/claims"
)

// TestList checks every policy's METADATA: an id, a title in Japanese and
// English, what it covers and the fact kinds it reads.
func TestList(t *testing.T) {
	b, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	infos, err := List(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) < 30 {
		t.Fatalf("want the whole library listed, have %d policies", len(infos))
	}
	for _, i := range infos {
		if i.Title == "" || !containsJapanese(i.Title) || !containsLatin(i.Title) {
			t.Errorf("%s: want a title in Japanese and English, have %q", i.ID, i.Title)
		}
		if i.Description == "" {
			t.Errorf("%s: no description", i.ID)
		}
		if len(i.Reads) == 0 {
			t.Errorf("%s: custom.reads lists no fact kinds", i.ID)
		}
		if len(i.Keys) == 0 && len(i.Controls) == 0 {
			t.Errorf("%s: covers neither claim keys nor controls", i.ID)
		}
	}
}

// TestKeysCovered checks that every claim key of the vocabulary is either
// evaluated by a claim policy or listed as not checkable, and that every
// key a policy declares is in the vocabulary.
func TestKeysCovered(t *testing.T) {
	b, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	infos, err := List(b)
	if err != nil {
		t.Fatal(err)
	}
	evaluated := map[string]bool{}
	for _, i := range infos {
		for _, k := range i.Keys {
			evaluated[k] = true
			if _, ok := claims.LookupKey(k); !ok {
				t.Errorf("%s evaluates key %s, which internal/claims/keys_builtin.go does not list", i.ID, k)
			}
		}
	}
	nc, err := ReadData(FS, "data/not_checkable.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ncKeys := nc.(map[string]any)["keys"].(map[string]any)
	for _, k := range claims.Keys() {
		_, notCheckable := ncKeys[k.Key]
		if evaluated[k.Key] == notCheckable {
			t.Errorf("key %s: want exactly one of a claim policy (%v) or a not_checkable entry (%v)", k.Key, evaluated[k.Key], notCheckable)
		}
		if len(k.Items[claims.EditionIoT]) == 0 && len(k.Items[claims.EditionASPSaaS]) == 0 {
			t.Errorf("key %s: no item numbers", k.Key)
		}
	}
	for k := range ncKeys {
		if _, ok := claims.LookupKey(k); !ok {
			t.Errorf("not_checkable key %s is not in the key vocabulary", k)
		}
	}
}

func containsJapanese(s string) bool {
	for _, r := range s {
		if r >= 0x3040 && r <= 0x9fff {
			return true
		}
	}
	return false
}

func containsLatin(s string) bool {
	for _, r := range s {
		if (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') {
			return true
		}
	}
	return false
}

// TestKeysDocumented checks that docs/policies.md names every claim key a
// policy evaluates.
func TestKeysDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/policies.md")
	if err != nil {
		t.Fatal(err)
	}
	b, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	infos, err := List(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range infos {
		if strings.HasPrefix(i.File, "policies/admission/") {
			continue
		}
		for _, k := range i.Keys {
			if !strings.Contains(string(doc), "`"+k+"`") {
				t.Errorf("docs/policies.md does not document key %s (%s)", k, i.ID)
			}
		}
		for _, c := range i.Controls {
			name := strings.TrimPrefix(c, "IV.")
			if !strings.Contains(string(doc), name) {
				t.Errorf("docs/policies.md does not document control %s", c)
			}
		}
	}
}
