package engine

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/kaiji-dev/kaiji/policies"
)

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestQueryTimes times queries (KAIJI_QUERIES, separated by @@) over the
// generated 10k estate, wall and CPU: how the profile of the policies was
// split by package in BENCHMARKS.md.
func TestQueryTimes(t *testing.T) {
	qs := os.Getenv("KAIJI_QUERIES")
	if qs == "" {
		t.Skip()
	}
	e := loadEstate(t, 10000)
	in, _ := Input(e.request())
	b, _ := policies.Builtin()
	for _, q := range strings.Split(qs, "@@") {
		opts := []func(*rego.Rego){rego.Query(q), rego.ParsedBundle("kaiji", b), rego.SetRegoVersion(ast.RegoV1)}
		if os.Getenv("KAIJI_OWN_COMPILER") != "" {
			c, store, err := compile(b)
			if err != nil {
				t.Fatal(err)
			}
			opts = []func(*rego.Rego){rego.Query(q), rego.Compiler(c), rego.Store(store), rego.SetRegoVersion(ast.RegoV1)}
		}
		pq, err := rego.New(opts...).PrepareForEval(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ {
			start, cpu0 := time.Now(), cpuTime()
			rs, err := pq.Eval(context.Background(), rego.EvalParsedInput(in), cacheOption())
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %s wall %s cpu (%d results) %.200v", q, time.Since(start), cpuTime()-cpu0, len(rs), rs)
		}
	}
}

// TestHeapDuringEval writes the heap profile at the largest heap seen
// while evaluating the 10k estate (KAIJI_HEAP_PROFILE=file).
func TestHeapDuringEval(t *testing.T) {
	p := os.Getenv("KAIJI_HEAP_PROFILE")
	if p == "" {
		t.Skip()
	}
	e := loadEstate(t, 10000)
	eng, err := New(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		var best uint64
		for {
			select {
			case <-done:
				return
			case <-time.After(100 * time.Millisecond):
			}
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > best {
				best = ms.HeapAlloc
				f, _ := os.Create(p)
				_ = pprof.Lookup("heap").WriteTo(f, 0)
				f.Close()
			}
		}
	}()
	if _, _, err := eng.Evaluate(context.Background(), e.request()); err != nil {
		t.Fatal(err)
	}
	close(done)
	<-stopped // the profile being written is complete
}

// BenchmarkQuery times queries (KAIJI_QUERIES, separated by @@) over the
// generated 10k estate, one sub-benchmark each, with the engine's cache:
// how one rule's cost is measured while changing it.
func BenchmarkQuery(b *testing.B) {
	qs := os.Getenv("KAIJI_QUERIES")
	if qs == "" {
		b.Skip("set KAIJI_QUERIES")
	}
	e := loadEstate(b, 10000)
	in, _ := Input(e.request())
	bun, _ := policies.Builtin()
	c, store, err := compile(bun)
	if err != nil {
		b.Fatal(err)
	}
	for i, q := range strings.Split(qs, "@@") {
		pq, err := rego.New(rego.Query(q), rego.Compiler(c), rego.Store(store), rego.SetRegoVersion(ast.RegoV1)).PrepareForEval(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprint(i), func(b *testing.B) {
			for b.Loop() {
				if _, err := pq.Eval(context.Background(), rego.EvalParsedInput(in), cacheOption()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
