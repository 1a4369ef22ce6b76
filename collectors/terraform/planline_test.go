package terraform

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/kaiji-dev/kaiji/bench/gen"
	"github.com/kaiji-dev/kaiji/collectors"
)

// TestPlanLineIndex: the line of every string of a plan, whether indexed
// as a resource's address or not, is the line of its first occurrence, as
// a search of the whole file finds it.
func TestPlanLineIndex(t *testing.T) {
	dir := t.TempDir()
	l, err := gen.Write(dir, gen.Options{Resources: 100, NoKubernetes: true})
	if err != nil {
		t.Fatal(err)
	}
	paths, _ := filepath.Glob("testdata/golden/*/plan.json")
	paths = append(paths, l.Plan)
	token := regexp.MustCompile(`"((?:[^"\\]|\\.)*)"`)
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var addrs []string
		for _, m := range token.FindAllSubmatch(data, -1) {
			var addr string
			if json.Unmarshal(m[0], &addr) == nil {
				addrs = append(addrs, addr, addr+"x", "module."+addr)
			}
		}
		// Every other candidate is indexed; line searches for the rest.
		var prs []*planResource
		for i := 0; i < len(addrs); i += 2 {
			prs = append(prs, &planResource{Address: addrs[i]})
		}
		p := &plan{file: collectors.File{Path: path, Data: data}}
		p.index(prs)
		if len(p.offsets) == 0 {
			t.Fatalf("%s: nothing indexed", path)
		}
		for _, a := range addrs {
			q, _ := json.Marshal(a)
			want := 1
			if i := bytes.Index(data, q); i >= 0 {
				want = 1 + bytes.Count(data[:i], []byte("\n"))
			}
			if got := p.line(a); got != want {
				t.Fatalf("%s: line(%q) = %d, want %d", path, a, got, want)
			}
		}
	}
}

// TestReadPlanAnyCores: a plan's resources read in parts on two cores
// give the facts and notes of one core reading them in one part, planned
// resources that cannot be read noted in the plan's order among them.
func TestReadPlanAnyCores(t *testing.T) {
	l, err := gen.Write(t.TempDir(), gen.Options{Resources: 300, NoKubernetes: true})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(l.Plan)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	mods := doc["planned_values"].(map[string]any)["root_module"].(map[string]any)["child_modules"].([]any)
	for i, at := range []int{0, len(mods) / 2, len(mods) - 1} {
		m := mods[at].(map[string]any)
		rs := m["resources"].([]any)
		bad := map[string]any{"address": fmt.Sprintf("broken%d", i), "mode": "managed", "name": "x"}
		m["resources"] = append(rs[:1:1], append([]any{bad}, rs[1:]...)...)
	}
	data, err = json.MarshalIndent(doc, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	files := []collectors.File{{Path: "plan/plan.json", Data: data}}
	collectOn := func(procs, chunk int) ([]collectors.Fact, collectors.Diagnostics) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		defer func(old int) { planChunk = old }(planChunk)
		planChunk = chunk
		return collect(t, Options{}, files)
	}
	oneFacts, oneDiags := collectOn(1, 1<<30)
	if len(oneFacts) < 250 || len(oneDiags) != 3 {
		t.Fatalf("one core: %d facts, diagnostics %v", len(oneFacts), oneDiags)
	}
	for i, d := range oneDiags {
		if !strings.Contains(d.Message, fmt.Sprintf(`"broken%d"`, i)) {
			t.Errorf("note %d: %s", i, d.Message)
		}
	}
	for range 3 {
		facts, diags := collectOn(2, 7)
		if !reflect.DeepEqual(facts, oneFacts) {
			t.Fatal("facts on two cores differ from one core's")
		}
		if !reflect.DeepEqual(diags, oneDiags) {
			t.Fatalf("diagnostics on two cores\n%v\none core's\n%v", diags, oneDiags)
		}
	}
}

// TestIsPlan: of the files the collector takes, only plan JSON is read
// under --max-plan-size; configuration and variables in JSON are not plans.
func TestIsPlan(t *testing.T) {
	plan := []byte(`{"format_version":"1.2","terraform_version":"1.9.8","planned_values":{}}`)
	c := New(Options{})
	for _, tc := range []struct {
		path string
		head []byte
		want bool
	}{
		{"plan.json", plan, true},
		{"main.tf.json", plan, false},
		{"prod.tfvars.json", plan, false},
		{"main.tf", plan, false},
		{"export.json", []byte(`{"Reservations": []}`), false},
	} {
		if got := c.IsPlan(tc.path, tc.head); got != tc.want {
			t.Errorf("IsPlan(%s) = %v, want %v", tc.path, got, tc.want)
		}
	}
	var _ collectors.PlanReader = c
}

// The resources of one provider share its configuration block: built per
// resource, a plan of 10,000 resources held 10,000 copies.
func TestPlanProviderShared(t *testing.T) {
	data := []byte(`{
 "format_version": "1.2",
 "configuration": {
  "provider_config": {"aws": {"name": "aws", "expressions": {"region": {"constant_value": "ap-northeast-1"}}}},
  "root_module": {"resources": [
   {"address": "aws_s3_bucket.a", "provider_config_key": "aws"},
   {"address": "aws_s3_bucket.b", "provider_config_key": "aws"}
  ]}
 },
 "planned_values": {"root_module": {"resources": [
  {"address": "aws_s3_bucket.a", "mode": "managed", "type": "aws_s3_bucket", "name": "a", "values": {"bucket": "a"}},
  {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b", "values": {"bucket": "b"}}
 ]}}
}`)
	p := &plan{file: collectors.File{Path: "plan.json", Data: data}, changes: map[string]*planChange{}, config: map[string]*configResource{}, mods: map[string]*module{}}
	if err := decodeJSON(data, &p.doc); err != nil {
		t.Fatal(err)
	}
	p.indexConfig("", p.doc.Configuration.RootModule)
	prs := p.managed(p.doc.PlannedValues.RootModule, nil)
	p.readResources(prs)
	m := p.mods[""]
	a, b := m.providers["aws_s3_bucket.a"], m.providers["aws_s3_bucket.b"]
	if a == nil || a != b {
		t.Fatalf("providers %p and %p, want one shared", a, b)
	}
	if got := a.body.attrs["region"].val; got.AsString() != "ap-northeast-1" {
		t.Errorf("region %#v", got)
	}
	for _, pr := range prs {
		if pr.Values != nil {
			t.Errorf("%s: decoded values kept after reading", pr.Address)
		}
	}
}
