package terraform

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/kaiji-dev/kaiji/collectors"
)

// The fuzz targets check the collector's contract on arbitrary input: it
// never panics, and problems come back as diagnostics. Seeds are in
// testdata/fuzz/<target>/; go test runs them, make fuzz explores further.

func fuzzCollect(data []byte, path string) {
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			panic(fmt.Sprintf("collect took over 10s on %q", data))
		}
	}()
	c := New(Options{Env: []string{}})
	facts, _ := c.Collect(context.Background(), []collectors.File{{Path: path, Data: data}})
	for _, f := range facts {
		if f.ID == "" || f.Kind == "" {
			panic("fact without id or kind")
		}
	}
}

func FuzzHCL(f *testing.F) {
	f.Add([]byte(`resource "aws_s3_bucket" "b" { bucket = "x" }`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzCollect(data, "fuzz/main.tf")
	})
}

func FuzzTFJSON(f *testing.F) {
	f.Add([]byte(`{"resource": {"aws_s3_bucket": {"b": {"bucket": "x"}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzCollect(data, "fuzz/main.tf.json")
	})
}

func FuzzPlan(f *testing.F) {
	f.Add([]byte(`{"format_version":"1.2","terraform_version":"1.9.0","planned_values":{"root_module":{}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzCollect(data, "fuzz/plan.json")
	})
}
