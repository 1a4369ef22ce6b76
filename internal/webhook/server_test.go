package webhook

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
)

// testServer runs Serve on a loopback port with a fresh certificate and
// returns its address, a client trusting it, and a stop function that
// cancels the server and returns Serve's error.
func testServer(t *testing.T, h *Handler, tune func(*ServerOptions)) (addr string, client *http.Client, stop func() error) {
	t.Helper()
	dir := t.TempDir()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kaiji-test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(key)
	certFile, keyFile := filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)

	ctx, cancel := context.WithCancel(context.Background())
	listening := make(chan string, 1)
	o := ServerOptions{Addr: "127.0.0.1:0", CertFile: certFile, KeyFile: keyFile, Handler: h, Metrics: NewMetrics(), Listening: listening}
	if tune != nil {
		tune(&o)
	}
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, o) }()
	select {
	case addr = <-listening:
	case err := <-done:
		t.Fatalf("serve: %v", err)
	}
	var once sync.Once
	var serveErr error
	stop = func() error {
		once.Do(func() { cancel(); serveErr = <-done })
		return serveErr
	}
	t.Cleanup(func() { _ = stop() })
	client = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}, Timeout: 30 * time.Second}
	return addr, client, stop
}

func postTo(client *http.Client, url string, body []byte) (int, []byte, error) {
	resp, err := client.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// TestServerBadRequests: over real TLS, malformed JSON is a 400 and an
// oversized body a 413, each with a message.
func TestServerBadRequests(t *testing.T) {
	h := NewHandler(&fakeEval{}, Options{Mode: ModeEnforce, MaxBodyBytes: 64 << 10})
	addr, client, _ := testServer(t, h, nil)
	for _, tt := range []struct {
		name string
		body []byte
		code int
		msg  string
	}{
		{"malformed JSON", []byte(`{"apiVersion":"admission.k8s.io/v1","request":{`), http.StatusBadRequest, "malformed AdmissionReview"},
		{"not an object", []byte(`"AdmissionReview"`), http.StatusBadRequest, "malformed AdmissionReview"},
		{"oversized", append(append([]byte(`{"request":{"uid":"1","object":{"x":"`), bytes.Repeat([]byte("a"), 128<<10)...), `"}}}`...), http.StatusRequestEntityTooLarge, "request body over"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, body, err := postTo(client, "https://"+addr+"/validate", tt.body)
			if err != nil {
				t.Fatal(err)
			}
			if code != tt.code || !strings.Contains(string(body), tt.msg) {
				t.Errorf("status %d %q, want %d with %q", code, body, tt.code, tt.msg)
			}
		})
	}
}

// TestSlowClients: a client that stalls in the TLS handshake, in its
// headers or in its body is cut off by the server's timeouts.
func TestSlowClients(t *testing.T) {
	h := NewHandler(&fakeEval{}, Options{Mode: ModeEnforce})
	addr, _, _ := testServer(t, h, func(o *ServerOptions) {
		o.ReadHeaderTimeout, o.ReadTimeout = 200*time.Millisecond, 500*time.Millisecond
	})
	tlsDial := func(t *testing.T) net.Conn {
		conn, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"http/1.1"}}) //nolint:gosec // testing timeouts, not identity
		if err != nil {
			t.Fatal(err)
		}
		return conn
	}
	for _, tt := range []struct {
		name  string
		dial  func(*testing.T) net.Conn
		write string
	}{
		{"stalled handshake", func(t *testing.T) net.Conn {
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			return conn
		}, ""},
		{"stalled headers", tlsDial, "POST /validate HTTP/1.1\r\nHost: kaiji\r\n"},
		{"stalled body", tlsDial, "POST /validate HTTP/1.1\r\nHost: kaiji\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"request\":"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			conn := tt.dial(t)
			defer conn.Close()
			if tt.write != "" {
				if _, err := io.WriteString(conn, tt.write); err != nil {
					t.Fatal(err)
				}
			}
			// A safety deadline only: the server must close first.
			_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
			_, err := io.Copy(io.Discard, conn)
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatal("the server kept a stalled connection open")
			}
		})
	}
}

// TestConcurrentConnections: 200 clients on their own connections at once
// are all answered.
func TestConcurrentConnections(t *testing.T) {
	// Every connection is held at once: MaxInFlight admits them all, so
	// that this tests answering, not shedding (TestOverloadRefused).
	h := NewHandler(&fakeEval{vs: []Violation{violation}}, Options{Mode: ModeEnforce, Concurrency: 8, MaxInFlight: 200})
	addr, client, _ := testServer(t, h, nil)
	tr := client.Transport.(*http.Transport)
	body := review(t, false)
	var wg sync.WaitGroup
	var denied atomic.Int64
	errs := make(chan error, 200)
	for range 200 {
		wg.Go(func() {
			c := &http.Client{Transport: &http.Transport{TLSClientConfig: tr.TLSClientConfig.Clone(), DisableKeepAlives: true}, Timeout: 30 * time.Second}
			code, b, err := postTo(c, "https://"+addr+"/validate", body)
			if err != nil {
				errs <- err
				return
			}
			var out admissionv1.AdmissionReview
			if code != http.StatusOK || json.Unmarshal(b, &out) != nil || out.Response == nil {
				errs <- errors.New("bad response: " + string(b))
				return
			}
			if !out.Response.Allowed {
				denied.Add(1)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if denied.Load() != 200 {
		t.Errorf("%d of 200 denied, want all", denied.Load())
	}
}

// TestShutdownUnderLoad: cancelling Serve (what SIGTERM does to kaiji
// serve) while requests are being evaluated lets every one of them finish
// with its answer.
func TestShutdownUnderLoad(t *testing.T) {
	const n = 40
	var started atomic.Int64
	release := make(chan struct{})
	eval := evalFunc(func(ctx context.Context) ([]Violation, error) {
		started.Add(1)
		<-release
		return []Violation{violation}, nil
	})
	h := NewHandler(eval, Options{Mode: ModeEnforce, Concurrency: n, Timeout: time.Minute})
	addr, client, stop := testServer(t, h, nil)
	body := review(t, false)
	var wg sync.WaitGroup
	results := make(chan error, n)
	for range n {
		wg.Go(func() {
			code, b, err := postTo(client, "https://"+addr+"/validate", body)
			var out admissionv1.AdmissionReview
			switch {
			case err != nil:
				results <- err
			case code != http.StatusOK || json.Unmarshal(b, &out) != nil || out.Response == nil || out.Response.Allowed:
				results <- errors.New("in-flight request not answered with its denial: " + string(b))
			}
		})
	}
	for started.Load() < n {
		time.Sleep(time.Millisecond)
	}
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	// Shutdown waits for the in-flight requests; give it a moment to start
	// refusing new work before they are released.
	for {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			break
		}
		conn.Close()
		time.Sleep(5 * time.Millisecond)
	}
	close(release)
	wg.Wait()
	close(results)
	for err := range results {
		t.Error(err)
	}
	if err := <-stopped; err != nil {
		t.Errorf("Serve: %v", err)
	}
}

// TestPanicAnswered: a panic in evaluation is answered per the failure
// policy over the real server; the connection is not dropped.
func TestPanicAnswered(t *testing.T) {
	for _, tt := range []struct {
		policy FailurePolicy
		allow  bool
	}{{FailClosed, false}, {FailOpen, true}} {
		t.Run(string(tt.policy), func(t *testing.T) {
			h := NewHandler(&fakeEval{panic: true}, Options{Mode: ModeEnforce, FailurePolicy: tt.policy})
			addr, client, _ := testServer(t, h, nil)
			code, b, err := postTo(client, "https://"+addr+"/validate", review(t, false))
			if err != nil {
				t.Fatalf("connection dropped: %v", err)
			}
			var out admissionv1.AdmissionReview
			if code != http.StatusOK || json.Unmarshal(b, &out) != nil || out.Response == nil {
				t.Fatalf("status %d: %s", code, b)
			}
			if out.Response.Allowed != tt.allow {
				t.Errorf("allowed = %v, want %v", out.Response.Allowed, tt.allow)
			}
			msg := strings.Join(out.Response.Warnings, " ")
			if out.Response.Result != nil {
				msg = out.Response.Result.Message
			}
			if !strings.Contains(msg, "could not evaluate") {
				t.Errorf("the answer must say evaluation failed: %q", msg)
			}
		})
	}
}

// TestTLSVersions: TLS 1.0 and 1.1 handshakes are refused, 1.2 and 1.3 served.
func TestTLSVersions(t *testing.T) {
	h := NewHandler(&fakeEval{}, Options{Mode: ModeEnforce})
	addr, _, _ := testServer(t, h, nil)
	for _, tt := range []struct {
		name    string
		version uint16
		ok      bool
	}{
		{"TLS 1.0", tls.VersionTLS10, false},
		{"TLS 1.1", tls.VersionTLS11, false},
		{"TLS 1.2", tls.VersionTLS12, true},
		{"TLS 1.3", tls.VersionTLS13, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			conn, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true, MinVersion: tt.version, MaxVersion: tt.version}) //nolint:gosec // testing protocol versions
			if err == nil {
				conn.Close()
			}
			if (err == nil) != tt.ok {
				t.Errorf("handshake error = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}
