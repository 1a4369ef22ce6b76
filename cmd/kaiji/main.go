// Command kaiji proves a cloud service's disclosure sheet against the
// infrastructure that runs it.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/kaiji-dev/kaiji/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	ios := cli.System()
	err := cli.NewRootCmd(ios).ExecuteContext(ctx)
	stop()
	if err != nil && err != cli.ErrFailing {
		fmt.Fprintln(ios.ErrOut, "kaiji:", err)
	}
	os.Exit(cli.ExitCode(err))
}
