package cloudexport

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/kaiji-dev/kaiji/collectors"
)

// scaled replicates every element of the top-level arrays of a testdata
// export until it holds about n resources, renaming the ids and names of the
// copies so that they stay distinct resources.
func scaled(tb testing.TB, path string, n int) collectors.File {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	rename := func(v any, i int) any {
		m, ok := v.(map[string]any)
		if !ok || i == 0 {
			return v
		}
		js, _ := json.Marshal(m)
		var cp map[string]any
		_ = json.Unmarshal(js, &cp)
		for _, k := range []string{"id", "name", "VolumeId", "DBInstanceIdentifier", "DBInstanceArn", "GroupId", "logGroupName", "arn", "ListenerArn", "LoadBalancerArn", "DBClusterIdentifier", "Name", "TrailARN"} {
			if s, ok := cp[k].(string); ok {
				cp[k] = fmt.Sprintf("%s-%d", s, i)
			}
		}
		return cp
	}
	grow := func(xs []any) []any {
		var out []any
		for i := 0; len(out) < n; i++ {
			for _, x := range xs {
				out = append(out, rename(x, i))
			}
		}
		return out
	}
	if strings.HasSuffix(path, ".jsonl") {
		var lines []any
		for _, l := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
			var v any
			if err := json.Unmarshal(l, &v); err != nil {
				tb.Fatal(err)
			}
			lines = append(lines, v)
		}
		var buf bytes.Buffer
		for _, v := range grow(lines) {
			js, _ := json.Marshal(v)
			buf.Write(js)
			buf.WriteByte('\n')
		}
		return collectors.File{Path: "export.jsonl", Data: buf.Bytes()}
	}
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		tb.Fatal(err)
	}
	switch d := doc.(type) {
	case []any:
		doc = grow(d)
	case map[string]any:
		for k, v := range d {
			if xs, ok := v.([]any); ok && len(xs) > 0 {
				d[k] = grow(xs)
			}
		}
	}
	js, err := json.Marshal(doc)
	if err != nil {
		tb.Fatal(err)
	}
	return collectors.File{Path: "export-" + strings.ReplaceAll(path, "/", "-"), Data: js}
}

// BenchmarkCollect reads AWS CLI, Azure and Google Cloud exports scaled up
// from the golden inputs to about n resources per file.
func BenchmarkCollect(b *testing.B) {
	inputs := []string{
		"testdata/aws-cli/describe-volumes.json", "testdata/aws-cli/describe-db-instances.json",
		"testdata/aws-cli/describe-security-groups.json", "testdata/aws-cli/describe-log-groups.json",
		"testdata/azure/az-resource-list.json", "testdata/gcp/asset-export.jsonl",
	}
	for _, n := range []int{200, 2000} {
		var files []collectors.File
		var size int64
		for _, p := range inputs {
			f := scaled(b, p, n)
			files = append(files, f)
			size += int64(len(f.Data))
		}
		b.Run(fmt.Sprintf("per-file=%d", n), func(b *testing.B) {
			c := New(Options{})
			b.SetBytes(size)
			for b.Loop() {
				facts, diags := c.Collect(context.Background(), files)
				if len(facts) == 0 {
					b.Fatalf("no facts; diagnostics %v", diags)
				}
			}
		})
	}
}
