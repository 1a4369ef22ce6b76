// Package report renders scan results for people and machines.
package report

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/kaiji-dev/kaiji/internal/results"
)

// Format names.
const (
	FormatText = "text"
	FormatJSON = "json"
)

// Formats lists the formats, for flag help.
func Formats() []string { return []string{FormatText, FormatJSON, FormatGitHub} }

// Options configure a reporter.
type Options struct {
	Lang  string // "ja" or "en"
	Color bool
}

// Reporter renders a run.
type Reporter interface {
	Report(ctx context.Context, w io.Writer, r *results.Run) error
}

// New returns the reporter for a format.
func New(format string, opts Options) (Reporter, error) {
	switch format {
	case FormatText:
		return &Text{opts: opts}, nil
	case FormatJSON:
		return JSON{}, nil
	case FormatGitHub:
		return GitHub{opts: opts}, nil
	}
	return nil, fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats(), ", "))
}

// IsFormat reports whether f names a format.
func IsFormat(f string) bool { return slices.Contains(Formats(), f) }
