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

	"github.com/kaiji-dev/kaiji/internal/accel"
	"github.com/kaiji-dev/kaiji/policies"
)

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// preparedQueries prepares the queries of KAIJI_QUERIES (separated by @@)
// on the built-in policies and returns them with the input of the generated
// 10k estate; it skips the test when none are given. own prepares them on
// the engine's compiler and store, as a scan does, instead of OPA's.
func preparedQueries(tb testing.TB, own bool) (ast.Value, []string, []rego.PreparedEvalQuery) {
	tb.Helper()
	qs := os.Getenv("KAIJI_QUERIES")
	if qs == "" {
		tb.Skip("set KAIJI_QUERIES")
	}
	e := loadEstate(tb, 10000)
	in, err := Input(e.request())
	if err != nil {
		tb.Fatal(err)
	}
	b, err := policies.Builtin()
	if err != nil {
		tb.Fatal(err)
	}
	queries := strings.Split(qs, "@@")
	prepared := make([]rego.PreparedEvalQuery, len(queries))
	for i, q := range queries {
		opts := []func(*rego.Rego){rego.Query(q), rego.ParsedBundle("kaiji", b), rego.SetRegoVersion(ast.RegoV1)}
		if own {
			c, store, err := compile(b, os.Getenv("KAIJI_NOINLINE") == "")
			if err != nil {
				tb.Fatal(err)
			}
			opts = append([]func(*rego.Rego){rego.Query(q), rego.Compiler(c), rego.Store(store), rego.SetRegoVersion(ast.RegoV1)}, accel.Options()...)
		}
		if prepared[i], err = rego.New(opts...).PrepareForEval(context.Background()); err != nil {
			tb.Fatal(err)
		}
	}
	return in, queries, prepared
}

// TestQueryTimes times queries (KAIJI_QUERIES, separated by @@) over the
// generated 10k estate, wall and CPU, with the engine's cache: how the
// profile of the policies was split by package in BENCHMARKS.md.
func TestQueryTimes(t *testing.T) {
	in, queries, prepared := preparedQueries(t, os.Getenv("KAIJI_OWN_COMPILER") != "")
	for i, pq := range prepared {
		for range 2 {
			start, cpu0 := time.Now(), cpuTime()
			rs, err := pq.Eval(context.Background(), rego.EvalParsedInput(in), cacheOption())
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %s wall %s cpu (%d results)", queries[i], time.Since(start), cpuTime()-cpu0, len(rs))
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
	eng, err := New(context.Background(), Options{noPlans: true})
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
// generated 10k estate, one sub-benchmark each, on the engine's compiler and
// with its cache: how one rule's cost (time and allocations) is measured
// while changing it.
func BenchmarkQuery(b *testing.B) {
	in, _, prepared := preparedQueries(b, true)
	for i, pq := range prepared {
		b.Run(fmt.Sprint(i), func(b *testing.B) {
			for b.Loop() {
				if _, err := pq.Eval(context.Background(), rego.EvalParsedInput(in), cacheOption()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
