// Command collectonly is the scan benchmark's second floor: it runs kaiji's
// collectors over the paths exactly as `kaiji scan` does (the same
// collectors, default limits and collection GC pacing) and stops there: no
// policy is compiled or evaluated and nothing is reported. It prints the
// number of facts and diagnostics.
//
// Where parseonly measures what reading the files costs, collectonly
// measures what producing the facts the policies read costs: Terraform's
// modules expanded per instance, expressions evaluated, values normalized,
// resources linked. The difference between a scan and this row is the
// price of the policies and the report; no evaluator, however fast, takes
// a scan below it.
//
//	go run ./bench/cmd/collectonly estate/terraform
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/collectors/cloudexport"
	"github.com/kaiji-dev/kaiji/collectors/kubernetes"
	"github.com/kaiji-dev/kaiji/collectors/terraform"
	"github.com/kaiji-dev/kaiji/internal/gcpace"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: collectonly PATH...")
		os.Exit(2)
	}
	// The options `kaiji scan` passes with its flags at their defaults
	// (internal/cli/collect.go).
	reg := collectors.NewRegistry(collectors.Options{MaxFileSize: collectors.DefaultMaxFileSize, MaxPlanSize: collectors.DefaultMaxPlanSize},
		terraform.New(terraform.Options{Vars: map[string]string{}, MaxDepth: collectors.DefaultMaxDepth, MaxModuleDepth: collectors.DefaultMaxModuleDepth, MaxFileSize: collectors.DefaultMaxFileSize}),
		kubernetes.New(kubernetes.Options{MaxDepth: collectors.DefaultMaxDepth, MaxValues: collectors.DefaultMaxYAMLValues}),
		cloudexport.New(cloudexport.Options{MaxDepth: collectors.DefaultMaxDepth}),
	)
	done := gcpace.Preparation()
	res, err := reg.Collect(context.Background(), os.Args[1:])
	done()
	if err != nil {
		fmt.Fprintln(os.Stderr, "collectonly:", err)
		os.Exit(1)
	}
	fmt.Printf("%d facts, %d diagnostics\n", len(res.Facts), len(res.Diagnostics))
}
