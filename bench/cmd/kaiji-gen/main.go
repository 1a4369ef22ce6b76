// Command kaiji-gen writes a synthetic estate for the scan benchmark
// (bench/run.sh): Terraform across AWS, Azure and Google Cloud with modules,
// variables, count and for_each; the same resources as a plan JSON; and
// Kubernetes manifests. See bench/README.md.
//
//	go run ./bench/cmd/kaiji-gen -n 10000 -o /tmp/estate-10k
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/kaiji-dev/kaiji/bench/gen"
)

func main() {
	n := flag.Int("n", 1000, "Terraform resource instances (and Kubernetes objects) to write")
	out := flag.String("o", "", "output directory (required)")
	noPlan := flag.Bool("no-plan", false, "skip the plan JSON")
	noK8s := flag.Bool("no-kubernetes", false, "skip the Kubernetes manifests")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "kaiji-gen: -o is required")
		os.Exit(2)
	}
	l, err := gen.Write(*out, gen.Options{Resources: *n, NoPlan: *noPlan, NoKubernetes: *noK8s})
	if err != nil {
		fmt.Fprintln(os.Stderr, "kaiji-gen:", err)
		os.Exit(1)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	_ = enc.Encode(l)
}
