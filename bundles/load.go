package bundles

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/bundle"
)

// DefaultTimeout bounds fetching a bundle from a URL.
const DefaultTimeout = 30 * time.Second

// LoadOptions configure Load.
type LoadOptions struct {
	VerifyOptions
	// Timeout bounds an http(s) fetch (DefaultTimeout when zero).
	Timeout time.Duration
	// Client fetches URLs. When nil, a client with Timeout that follows at
	// most 5 redirects, only to http(s), and never from https down to http.
	Client *http.Client
}

// IsURL reports whether src names an http(s) URL rather than a file.
func IsURL(src string) bool {
	return strings.HasPrefix(src, "https://") || strings.HasPrefix(src, "http://")
}

// Fetch reads a bundle archive from a file or an http(s) URL, refusing more
// than MaxBytes and, for a URL, taking longer than Timeout.
func Fetch(ctx context.Context, src string, opts LoadOptions) ([]byte, error) {
	limit := opts.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	if !IsURL(src) {
		f, err := os.Open(src)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return readLimited(f, limit)
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/gzip, application/octet-stream")
	client := opts.Client
	if client == nil {
		client = &http.Client{
			Timeout: timeout,
			CheckRedirect: func(r *http.Request, via []*http.Request) error {
				if len(via) >= 5 {
					return errors.New("stopped after 5 redirects")
				}
				if r.URL.Scheme != "https" && r.URL.Scheme != "http" {
					return fmt.Errorf("redirect to unsupported scheme %q", r.URL.Scheme)
				}
				if via[0].URL.Scheme == "https" && r.URL.Scheme != "https" {
					return errors.New("refusing a redirect from https to http")
				}
				return nil
			},
		}
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", src, resp.Status)
	}
	if resp.ContentLength > limit {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, resp.ContentLength, limit)
	}
	return readLimited(resp.Body, limit)
}

func readLimited(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
	}
	return data, nil
}

// Load fetches a bundle from a file or URL and reads it for the engine.
// With a public key configured, the bundle must be signed with the
// matching private key (see Verify); a bundle whose files changed after
// signing is refused. The manifest must declare the single root "kaiji"
// (or none), so a bundle cannot overwrite other documents, and a module
// must declare package kaiji.main, the entrypoint kaiji evaluates.
func Load(ctx context.Context, src string, opts LoadOptions) (*bundle.Bundle, error) {
	data, err := Fetch(ctx, src, opts)
	if err != nil {
		return nil, fmt.Errorf("load bundle %s: %w", src, err)
	}
	// Bound the uncompressed size too: OPA's reader limits each file only.
	if _, err := ReadArchive(bytes.NewReader(data), opts.MaxBytes); err != nil {
		return nil, fmt.Errorf("load bundle %s: %w", src, err)
	}
	b, err := Read(data, opts.VerifyOptions)
	if err != nil {
		return nil, fmt.Errorf("load bundle %s: %w", src, err)
	}
	if b.Manifest.Roots != nil {
		for _, r := range *b.Manifest.Roots {
			if r != "" && r != "kaiji" && !strings.HasPrefix(r, "kaiji/") {
				return nil, fmt.Errorf("load bundle %s: root %q is outside kaiji", src, r)
			}
		}
	}
	if !defines(b, "kaiji.main") {
		return nil, fmt.Errorf("load bundle %s: %w", src, ErrNoEntrypoint)
	}
	if b.Manifest.Revision == "" {
		b.Manifest.Revision = "bundle:" + src
	}
	return b, nil
}

// defines reports whether a module of b declares the package pkg.
func defines(b *bundle.Bundle, pkg string) bool {
	for _, m := range b.Modules {
		if m.Parsed != nil && strings.TrimPrefix(m.Parsed.Package.Path.String(), "data.") == pkg {
			return true
		}
	}
	return false
}
