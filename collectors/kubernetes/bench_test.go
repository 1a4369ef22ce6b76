package kubernetes

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/kaiji-dev/kaiji/collectors"
)

// BenchmarkCollect reads one file of many copies of an application, every
// copy in the same namespace with the same labels: the worst case for linking.
func BenchmarkCollect(b *testing.B) {
	doc, err := os.ReadFile("testdata/mappings/app.yaml")
	if err != nil {
		b.Fatal(err)
	}
	var sb strings.Builder
	for i := 0; i < 200; i++ {
		sb.WriteString(strings.ReplaceAll(string(doc), "name: web", "name: web"+strings.Repeat("x", i%7)))
		sb.WriteString("\n---\n")
	}
	files := []collectors.File{{Path: "many.yaml", Data: []byte(sb.String())}}
	c := New(Options{NoKustomize: true})
	b.SetBytes(int64(sb.Len()))
	for b.Loop() {
		c.Collect(context.Background(), files)
	}
}
