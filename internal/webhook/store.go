package webhook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// PolicySet is what the webhook evaluates with: compiled policies, the
// claims and pattern, and a revision naming them. It is replaced as a whole.
type PolicySet[T any] struct {
	Value    T
	Revision string
}

// Store holds the policy set in force and swaps it atomically, so a request
// is evaluated by exactly one set and a failed reload keeps the last good one.
type Store[T any] struct {
	cur     atomic.Pointer[PolicySet[T]]
	mu      sync.Mutex
	lastErr error
	lastAt  time.Time
	metrics *Metrics
}

// NewStore returns a store reporting to m (which may be nil).
func NewStore[T any](m *Metrics) *Store[T] { return &Store[T]{metrics: m} }

// Current returns the set in force, or nil before the first load.
func (s *Store[T]) Current() *PolicySet[T] { return s.cur.Load() }

// Set installs a new set.
func (s *Store[T]) Set(ps *PolicySet[T]) {
	s.cur.Store(ps)
	s.metrics.SetRevision(ps.Revision)
	s.mu.Lock()
	s.lastErr, s.lastAt = nil, time.Now()
	s.mu.Unlock()
}

// Fail records a failed reload; the current set stays in force.
func (s *Store[T]) Fail(err error) {
	s.mu.Lock()
	s.lastErr, s.lastAt = err, time.Now()
	s.mu.Unlock()
	s.metrics.ObserveReload("error")
}

// Ready reports readiness for /readyz: ready once a set is loaded, with a
// note when the last reload failed and the last good set is kept.
func (s *Store[T]) Ready() (bool, string) {
	cur := s.cur.Load()
	s.mu.Lock()
	err, at := s.lastErr, s.lastAt
	s.mu.Unlock()
	switch {
	case cur == nil && err != nil:
		return false, "no policies loaded: " + err.Error()
	case cur == nil:
		return false, "no policies loaded yet"
	case err != nil:
		return true, fmt.Sprintf("serving the last good policies (revision %s); the reload at %s failed: %v", cur.Revision, at.UTC().Format(time.RFC3339), err)
	}
	return true, "policies ready (revision " + cur.Revision + ")"
}

// Fetcher loads a policy set from bundle bytes (verifying its signature
// when a key is configured).
type Fetcher[T any] func(ctx context.Context, data []byte) (*PolicySet[T], error)

// PollOptions configure bundle polling.
type PollOptions struct {
	URL      string
	Interval time.Duration
	MaxBytes int64
	Client   *http.Client
	Logger   *slog.Logger
}

// Poll fetches the bundle at URL now and then every Interval, with ETag
// revalidation; a new bundle replaces the set atomically, a failure (server
// down, garbage, bad signature) keeps the last good set and is reported.
// The first error is returned when the first fetch fails, so a server with
// no policies at all does not start.
func (s *Store[T]) Poll(ctx context.Context, o PollOptions, load Fetcher[T]) error {
	if o.Client == nil {
		o.Client = &http.Client{Timeout: 30 * time.Second}
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = 64 << 20
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	etag := ""
	fetch := func() error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, o.URL, nil)
		if err != nil {
			return err
		}
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		resp, err := o.Client.Do(req)
		if err != nil {
			return fmt.Errorf("fetch bundle: %w", err)
		}
		defer resp.Body.Close()
		switch {
		case resp.StatusCode == http.StatusNotModified:
			s.metrics.ObserveReload("unchanged")
			return nil
		case resp.StatusCode != http.StatusOK:
			return fmt.Errorf("fetch bundle: %s", resp.Status)
		}
		data, err := io.ReadAll(io.LimitReader(resp.Body, o.MaxBytes+1))
		if err != nil {
			return fmt.Errorf("fetch bundle: %w", err)
		}
		if int64(len(data)) > o.MaxBytes {
			return fmt.Errorf("fetch bundle: over %d bytes", o.MaxBytes)
		}
		ps, err := load(ctx, data)
		if err != nil {
			return err
		}
		s.Set(ps)
		s.metrics.ObserveReload("ok")
		etag = resp.Header.Get("ETag")
		o.Logger.Info("policies loaded", "revision", ps.Revision, "url", o.URL)
		return nil
	}
	if err := fetch(); err != nil {
		s.Fail(err)
		if s.Current() == nil {
			return err
		}
	}
	if o.Interval <= 0 {
		return nil
	}
	go func() {
		t := time.NewTicker(o.Interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := fetch(); err != nil && !errors.Is(err, context.Canceled) {
					o.Logger.Error("reload policies; keeping the last good set", "err", err)
					s.Fail(err)
				}
			}
		}
	}()
	return nil
}
