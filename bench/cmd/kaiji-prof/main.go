// Command kaiji-prof runs the kaiji command line (same arguments) under the
// Go profiler, for the profiles recorded in BENCHMARKS.md:
//
//	KAIJI_CPUPROFILE=cpu.prof KAIJI_MEMPROFILE=mem.prof \
//	  go run ./bench/cmd/kaiji-prof scan --claims estate/disclosure.yaml --format json -o /dev/null estate/terraform
//	go tool pprof -top cpu.prof
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"syscall"

	"github.com/kaiji-dev/kaiji/internal/cli"
)

func main() {
	if p := os.Getenv("KAIJI_CPUPROFILE"); p != "" {
		f, err := os.Create(p)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
	}
	// As cmd/kaiji: SIGTERM ends `kaiji serve` gracefully, so a server's
	// profile is written when the load test stops it.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	ios := cli.System()
	err := cli.NewRootCmd(ios).ExecuteContext(ctx)
	stop()
	pprof.StopCPUProfile()
	if p := os.Getenv("KAIJI_MEMPROFILE"); p != "" {
		runtime.GC()
		if f, ferr := os.Create(p); ferr == nil {
			_ = pprof.Lookup("allocs").WriteTo(f, 0)
			f.Close()
		}
	}
	if err != nil && err != cli.ErrFailing {
		fmt.Fprintln(ios.ErrOut, "kaiji:", err)
	}
	os.Exit(cli.ExitCode(err))
}
