package cloudexport

import (
	"context"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/collectors/terraform"
)

// TestSameDatabaseEverywhere reads one RDS instance as Terraform declares
// it, as the AWS CLI describes it and as AWS Config records it: the
// normalized attributes must agree, so that one policy judges all three.
func TestSameDatabaseEverywhere(t *testing.T) {
	tf := terraform.New(terraform.Options{Env: []string{}})
	data, err := os.ReadFile("testdata/equivalence/main.tf")
	if err != nil {
		t.Fatal(err)
	}
	tfFacts, diags := tf.Collect(context.Background(), []collectors.File{{Path: "testdata/equivalence/main.tf", Data: data}})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	want := only(t, tfFacts, collectors.KindDatastore)
	wantPatch := only(t, tfFacts, collectors.KindPatching)
	exports, _ := collectDir(t, "testdata/equivalence")
	var n int
	for _, f := range exports {
		if f.Type != "aws_db_instance" {
			continue
		}
		if f.Kind == collectors.KindPatching {
			if f.Attrs["auto_update"] != wantPatch.Attrs["auto_update"] {
				t.Errorf("%s: auto_update %v, Terraform %v", f.Source.File, f.Attrs["auto_update"], wantPatch.Attrs["auto_update"])
			}
			continue
		}
		n++
		got := clone(f.Attrs)
		delete(got, "field") // the JSON path of the resource: provenance, not configuration
		if diff := cmp.Diff(want.Attrs, got); diff != "" {
			t.Errorf("%s (%s): attributes differ from Terraform (-terraform +export):\n%s", f.ID, f.Source.File, diff)
		}
		// Exports show the key of every encrypted instance, AWS managed or
		// not, so kms_key is unknown there and absent in Terraform.
		if diff := cmp.Diff([]string{"attrs.kms_key"}, f.Unknown); diff != "" {
			t.Errorf("%s: unknown (-want +got):\n%s", f.Source.File, diff)
		}
		if f.Kind != want.Kind || f.Provider != want.Provider {
			t.Errorf("%s: kind %s provider %s, want %s %s", f.Source.File, f.Kind, f.Provider, want.Kind, want.Provider)
		}
	}
	if n != 2 {
		t.Fatalf("read %d exported instances, want 2 (CLI and Config)", n)
	}
}

func only(t *testing.T, fs []collectors.Fact, kind collectors.Kind) collectors.Fact {
	t.Helper()
	var out []collectors.Fact
	for _, f := range fs {
		if f.Type == "aws_db_instance" && f.Kind == kind {
			out = append(out, f)
		}
	}
	if len(out) != 1 {
		t.Fatalf("want one %s fact, have %d: %+v", kind, len(out), fs)
	}
	return out[0]
}

func clone(m map[string]any) map[string]any {
	c := make(map[string]any, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// TestSameCloudSQLEverywhere reads one Cloud SQL instance as Terraform
// declares it and as Cloud Asset Inventory exports it.
func TestSameCloudSQLEverywhere(t *testing.T) {
	tf := terraform.New(terraform.Options{Env: []string{}})
	data, err := os.ReadFile("testdata/equivalence-gcp/main.tf")
	if err != nil {
		t.Fatal(err)
	}
	tfFacts, diags := tf.Collect(context.Background(), []collectors.File{{Path: "testdata/equivalence-gcp/main.tf", Data: data}})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	exports, _ := collectDir(t, "testdata/equivalence-gcp")
	for _, kind := range []collectors.Kind{collectors.KindDatastore, collectors.KindEndpoint} {
		want := ofKind(tfFacts, kind)
		got := ofKind(exports, kind)
		if len(want) != 1 || len(got) != 1 {
			t.Fatalf("%s: %d Terraform facts, %d exported, want one each", kind, len(want), len(got))
		}
		attrs := clone(got[0].Attrs)
		delete(attrs, "field")
		if diff := cmp.Diff(want[0].Attrs, attrs); diff != "" {
			t.Errorf("%s: attributes differ (-terraform +export):\n%s", kind, diff)
		}
	}
}

func ofKind(fs []collectors.Fact, kind collectors.Kind) []collectors.Fact {
	var out []collectors.Fact
	for _, f := range fs {
		if f.Kind == kind && f.Provider == "gcp" && f.Type == "google_sql_database_instance" {
			out = append(out, f)
		}
	}
	return out
}
