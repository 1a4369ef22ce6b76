// Command replan writes a plan of real shape at any size for the scan
// benchmark (bench/run.sh): the managed resources of a terraform show -json
// plan, and their changes, repeated with indexed addresses. See
// bench/README.md.
//
//	go run ./bench/cmd/replan -n 10000 -o /tmp/plan-real/plan.json plan.json
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kaiji-dev/kaiji/bench/gen"
)

func main() {
	n := flag.Int("n", 1000, "resource instances to write")
	out := flag.String("o", "", "output file (required)")
	flag.Parse()
	if *out == "" || flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: replan -n N -o OUT PLAN.json")
		os.Exit(2)
	}
	src, err := os.ReadFile(flag.Arg(0))
	if err == nil {
		var plan []byte
		if plan, err = gen.ReplicatePlan(src, *n); err == nil {
			if err = os.MkdirAll(filepath.Dir(*out), 0o755); err == nil {
				err = os.WriteFile(*out, plan, 0o644)
			}
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "replan:", err)
		os.Exit(1)
	}
}
