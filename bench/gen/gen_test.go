package gen_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/kaiji-dev/kaiji/bench/gen"
	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/collectors/cloudexport"
	"github.com/kaiji-dev/kaiji/collectors/kubernetes"
	"github.com/kaiji-dev/kaiji/collectors/terraform"
	"github.com/kaiji-dev/kaiji/internal/claims"
)

func registry() *collectors.Registry {
	return collectors.NewRegistry(collectors.Options{},
		terraform.New(terraform.Options{Vars: map[string]string{}}),
		kubernetes.New(kubernetes.Options{}),
		cloudexport.New(cloudexport.Options{}))
}

// TestEstate generates the 1k estate and scans each part as kaiji scan
// does: no diagnostics, the exact number of resources, and facts of every
// kind the policies read, with the attributes the templates set known; the
// flat layout gives the module layout's facts.
func TestEstate(t *testing.T) {
	for _, n := range []int{1000, 2345} {
		dir := t.TempDir()
		l, err := gen.Write(dir, gen.Options{Resources: n})
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, c := range l.Instances {
			total += c
		}
		if total != n || l.Objects != n {
			t.Fatalf("n=%d: %d Terraform instances and %d objects written", n, total, l.Objects)
		}
		if _, err := claims.LoadFile(l.Claims); err != nil {
			t.Fatalf("disclosure: %v", err)
		}
		hcl := collect(t, l.Terraform)
		flat := collect(t, l.Flat)
		plan := collect(t, l.Plan)
		// The flat layout holds the same instances: the same facts but
		// for their addresses.
		if got, want := kindCounts(flat.Facts), kindCounts(hcl.Facts); !reflect.DeepEqual(got, want) {
			t.Errorf("n=%d: flat layout facts by kind %v, module layout %v", n, got, want)
		}
		k8s := collect(t, l.Kubernetes)
		if n != 1000 {
			continue
		}
		mapped := 0
		for typ, c := range l.Instances {
			if !unmapped[typ] {
				mapped += c
			}
		}
		// One fact per mapped instance at least (listeners and groups add
		// their rules), and the plan reads the same instances.
		if len(hcl.Facts) < mapped || len(plan.Facts) < mapped*9/10 {
			t.Errorf("%d HCL facts and %d plan facts for %d mapped instances", len(hcl.Facts), len(plan.Facts), mapped)
		}
		kinds := byKind(hcl.Facts)
		for _, k := range []collectors.Kind{collectors.KindDatastore, collectors.KindBackup, collectors.KindEndpoint, collectors.KindFirewallRule,
			collectors.KindLog, collectors.KindMonitor, collectors.KindIdentity, collectors.KindDetection, collectors.KindPatching, collectors.KindLocation} {
			if len(kinds[k]) == 0 {
				t.Errorf("terraform: no %s facts", k)
			}
		}
		for _, f := range kinds[collectors.KindDatastore] {
			if f.Type == "aws_db_instance" && (f.Attrs["encrypted_at_rest"] != true || len(f.Unknown) > 0) {
				t.Errorf("%s: want encrypted and fully known, have %v unknown %v", f.ID, f.Attrs, f.Unknown)
			}
		}
		if len(byKind(plan.Facts)[collectors.KindDatastore]) != len(kinds[collectors.KindDatastore]) {
			t.Errorf("plan: %d datastores, HCL: %d", len(byKind(plan.Facts)[collectors.KindDatastore]), len(kinds[collectors.KindDatastore]))
		}
		kk := byKind(k8s.Facts)
		for _, k := range []collectors.Kind{collectors.KindRedundancy, collectors.KindEndpoint, collectors.KindFirewallRule, collectors.KindMonitor, collectors.KindDatastore} {
			if len(kk[k]) == 0 {
				t.Errorf("kubernetes: no %s facts", k)
			}
		}
		t.Logf("n=%d: %d HCL facts, %d plan facts, %d Kubernetes facts", n, len(hcl.Facts), len(plan.Facts), len(k8s.Facts))
	}
}

// unmapped are the support resources no collector maps.
var unmapped = map[string]bool{"aws_kms_key": true, "aws_backup_vault": true, "aws_iam_role": true, "azurerm_resource_group": true,
	"aws_s3_bucket_server_side_encryption_configuration": true, "aws_s3_bucket_versioning": true, "aws_backup_selection": true,
	"google_compute_ssl_policy": true, "aws_lb": true}

func collect(t *testing.T, path string) collectors.Result {
	t.Helper()
	res, err := registry().Collect(context.Background(), []string{path})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range res.Diagnostics {
		t.Errorf("%s: diagnostic %s:%d %s", path, d.File, d.Line, d.Message)
	}
	return res
}

// kindCounts counts facts by kind and type.
func kindCounts(fs []collectors.Fact) map[string]int {
	out := map[string]int{}
	for _, f := range fs {
		out[string(f.Kind)+" "+f.Type]++
	}
	return out
}

func byKind(fs []collectors.Fact) map[collectors.Kind][]collectors.Fact {
	out := map[collectors.Kind][]collectors.Fact{}
	for _, f := range fs {
		out[f.Kind] = append(out[f.Kind], f)
	}
	return out
}
