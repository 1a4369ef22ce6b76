package webhook

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// ServerOptions configure the HTTPS server.
type ServerOptions struct {
	Addr     string
	CertFile string
	KeyFile  string
	Handler  *Handler
	Metrics  *Metrics
	Logger   *slog.Logger
	Ready    func() (ok bool, detail string) // policies compiled and current
	// ReadHeaderTimeout bounds the TLS handshake and the request headers,
	// ReadTimeout the whole request: a slow or stalled client is cut off
	// instead of holding a connection.
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	ShutdownGrace     time.Duration
	CertPoll          time.Duration // how often to look for a renewed certificate
	// Listening, when set, receives the bound address once the server accepts connections.
	Listening chan<- string
}

// certReloader serves the current key pair and reloads it when the files
// change (cert-manager renews them in place).
type certReloader struct {
	certFile, keyFile string
	cur               atomic.Pointer[tls.Certificate]
	sum               [32]byte
	mu                sync.Mutex
}

func newCertReloader(certFile, keyFile string) (*certReloader, error) {
	r := &certReloader{certFile: certFile, keyFile: keyFile}
	if _, err := r.reload(); err != nil {
		return nil, err
	}
	return r, nil
}

// reload loads the key pair if its files changed; changed reports whether it did.
func (r *certReloader) reload() (changed bool, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	certPEM, err := os.ReadFile(r.certFile)
	if err != nil {
		return false, fmt.Errorf("read certificate: %w", err)
	}
	keyPEM, err := os.ReadFile(r.keyFile)
	if err != nil {
		return false, fmt.Errorf("read key: %w", err)
	}
	sum := sha256.Sum256(append(append([]byte{}, certPEM...), keyPEM...))
	if sum == r.sum && r.cur.Load() != nil {
		return false, nil
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return false, fmt.Errorf("load key pair: %w", err)
	}
	r.cur.Store(&pair)
	r.sum = sum
	return true, nil
}

func (r *certReloader) getCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	return r.cur.Load(), nil
}

// Serve runs the webhook until ctx is cancelled, then shuts down gracefully:
// in-flight requests complete within ShutdownGrace.
func Serve(ctx context.Context, o ServerOptions) error {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.ReadHeaderTimeout == 0 {
		o.ReadHeaderTimeout = 5 * time.Second
	}
	if o.ReadTimeout == 0 {
		o.ReadTimeout = 10 * time.Second
	}
	if o.WriteTimeout == 0 {
		o.WriteTimeout = 15 * time.Second
	}
	if o.IdleTimeout == 0 {
		o.IdleTimeout = 90 * time.Second
	}
	if o.ShutdownGrace == 0 {
		o.ShutdownGrace = 20 * time.Second
	}
	if o.CertPoll == 0 {
		o.CertPoll = 10 * time.Second
	}
	certs, err := newCertReloader(o.CertFile, o.KeyFile)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", o.Addr, err)
	}
	addr := ln.Addr().String()
	tlsServing := &tlsProbe{addr: addr}

	mux := http.NewServeMux()
	mux.Handle("/validate", o.Handler)
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {
		ok, detail := true, "policies ready"
		if o.Ready != nil {
			ok, detail = o.Ready()
		}
		if err := tlsServing.check(); err != nil {
			ok, detail = false, "TLS not serving: "+err.Error()
		}
		if !ok {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		fmt.Fprintln(w, detail)
	})
	if o.Metrics != nil {
		mux.Handle("/metrics", promhttp.HandlerFor(o.Metrics.Registry, promhttp.HandlerOpts{Registry: o.Metrics.Registry}))
	}
	var inFlight atomic.Int64
	counted := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		inFlight.Add(1)
		defer inFlight.Add(-1)
		mux.ServeHTTP(w, r)
	})
	srv := &http.Server{
		Handler:           counted,
		ReadTimeout:       o.ReadTimeout,
		ReadHeaderTimeout: o.ReadHeaderTimeout,
		WriteTimeout:      o.WriteTimeout,
		IdleTimeout:       o.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(o.Logger.Handler(), slog.LevelWarn),
		TLSConfig: &tls.Config{
			MinVersion:     tls.VersionTLS12,
			GetCertificate: certs.getCertificate,
			NextProtos:     []string{"h2", "http/1.1"},
		},
	}
	go func() {
		t := time.NewTicker(o.CertPoll)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if changed, err := certs.reload(); err != nil {
					o.Logger.Error("reload certificate; keeping the current one", "err", err)
				} else if changed {
					o.Logger.Info("certificate reloaded", "cert", o.CertFile)
				}
			}
		}
	}()
	errc := make(chan error, 1)
	go func() { errc <- srv.ServeTLS(ln, "", "") }()
	o.Logger.Info("serving", "addr", addr)
	if o.Listening != nil {
		o.Listening <- addr
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	o.Logger.Info("shutting down; completing in-flight requests", "grace", o.ShutdownGrace)
	sctx, cancel := context.WithTimeout(context.Background(), o.ShutdownGrace)
	defer cancel()
	shut := make(chan error, 1)
	go func() { shut <- srv.Shutdown(sctx) }()
	// Shutdown waits for connections to go idle, but an HTTP/2 connection
	// accepted while it starts never hears of it and stays active. What
	// matters is the requests: once none has been in flight for a moment,
	// the remaining connections are closed rather than waited out.
	tick := time.NewTicker(shutdownQuiet / 10)
	defer tick.Stop()
	quietSince := time.Time{}
	for {
		select {
		case err := <-shut:
			if err != nil {
				return fmt.Errorf("shutdown: %w", err)
			}
			if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		case now := <-tick.C:
			switch {
			case inFlight.Load() > 0:
				quietSince = time.Time{}
			case quietSince.IsZero():
				quietSince = now
			case now.Sub(quietSince) >= shutdownQuiet:
				o.Logger.Info("no request in flight; closing the remaining connections")
				srv.Close()
				quietSince = now.Add(time.Hour) // Close once; Shutdown returns next
			}
		}
	}
}

// shutdownQuiet is how long no request must be in flight before shutdown
// closes connections that did not go idle by themselves.
const shutdownQuiet = 500 * time.Millisecond

// tlsProbe checks that the server answers a TLS handshake, as the API server
// will; the result is cached briefly so /readyz stays cheap.
type tlsProbe struct {
	addr string
	mu   sync.Mutex
	at   time.Time
	err  error
}

func (p *tlsProbe) check() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if time.Since(p.at) < 5*time.Second && !p.at.IsZero() {
		return p.err
	}
	d := &net.Dialer{Timeout: time.Second}
	conn, err := tls.DialWithDialer(d, "tcp", p.addr, &tls.Config{InsecureSkipVerify: true}) //nolint:gosec // a liveness handshake with ourselves
	if err == nil {
		conn.Close()
	}
	p.at, p.err = time.Now(), err
	return err
}
