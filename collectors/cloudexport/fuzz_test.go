package cloudexport

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/kaiji-dev/kaiji/collectors"
)

// seeds adds every sample export as a seed.
func seeds(f *testing.F, pattern string) {
	paths, _ := filepath.Glob(pattern)
	for _, p := range paths {
		if filepath.Base(p) == "facts.golden.json" {
			continue
		}
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
}

// fuzzCollect reads data as an export: no panic, every diagnostic names the file.
func fuzzCollect(t *testing.T, name string, data []byte) {
	_, diags := New(Options{}).Collect(context.Background(), []collectors.File{{Path: name, Data: data}})
	for _, d := range diags {
		if d.File != name {
			t.Fatalf("diagnostic without the file: %+v", d)
		}
	}
}

// FuzzAWS reads arbitrary bytes as an AWS CLI output or AWS Config file.
func FuzzAWS(f *testing.F) {
	seeds(f, "testdata/aws-*/*.json")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzCollect(t, "aws.json", data) })
}

// FuzzAzure reads arbitrary bytes as az resource list or Resource Graph output.
func FuzzAzure(f *testing.F) {
	seeds(f, "testdata/azure/*.json")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzCollect(t, "azure.json", data) })
}

// FuzzGCP reads arbitrary bytes as a Cloud Asset Inventory export.
func FuzzGCP(f *testing.F) {
	seeds(f, "testdata/gcp/*.jsonl")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzCollect(t, "assets.jsonl", data) })
}
