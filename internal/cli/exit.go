package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"
)

// Exit codes, decided in one place (ExitCode).
const (
	ExitOK       = 0 // nothing failing
	ExitFailing  = 1 // failing verdicts per --fail-on
	ExitInput    = 2 // usage or input errors
	ExitInternal = 3 // anything else
)

// FlagError is a usage error: a bad flag or argument.
type FlagError struct{ Err error }

func (e *FlagError) Error() string { return e.Err.Error() }
func (e *FlagError) Unwrap() error { return e.Err }

// InputError is a problem with the user's input files (claims, variable files, policies).
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// ErrFailing means the scan ran and verdicts failed it; the report says which.
var ErrFailing = errors.New("failing verdicts")

// ErrStrict means kaiji scan --strict found diagnostics: some input was not
// read as written, so the report may rest on less than the user expects.
var ErrStrict = errors.New("--strict: the inputs have diagnostics")

// ErrTimeout means the run took longer than --timeout allows.
var ErrTimeout = errors.New("stopped by the time limit")

func flagErrorf(format string, args ...any) error {
	return &FlagError{Err: fmt.Errorf(format, args...)}
}

// ExitCode maps a command's error to the process exit code.
func ExitCode(err error) int {
	var fe *FlagError
	var ie *InputError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, ErrStrict):
		// Before ErrFailing: with --strict, untrustworthy input outranks verdicts.
		return ExitInput
	case errors.Is(err, ErrFailing):
		return ExitFailing
	case errors.As(err, &fe), errors.As(err, &ie):
		return ExitInput
	case errors.Is(err, context.Canceled):
		return ExitInternal
	}
	return ExitInternal
}

// minArgs is cobra.MinimumNArgs returning a usage error (exit code 2).
func minArgs(n int) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.MinimumNArgs(n)(cmd, args); err != nil {
			return &FlagError{Err: err}
		}
		return nil
	}
}

// noArgs is cobra.NoArgs returning a usage error (exit code 2).
func noArgs(cmd *cobra.Command, args []string) error {
	if err := cobra.NoArgs(cmd, args); err != nil {
		return &FlagError{Err: err}
	}
	return nil
}
