package cli

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
)

// writeServingCert writes a self-signed certificate for 127.0.0.1 and returns
// a pool trusting it.
func writeServingCert(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kaiji-serve-test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:    x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(key)
	certFile, keyFile = filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	writeFile(t, certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	writeFile(t, keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}))
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// signingKey writes an EC key pair as PEM files.
func signingKey(t *testing.T, dir, name string) (priv, pub string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	pubDER, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	priv, pub = filepath.Join(dir, name+".key"), filepath.Join(dir, name+".pub")
	writeFile(t, priv, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	writeFile(t, pub, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}))
	return priv, pub
}

// signedBundle builds a bundle of the embedded policies with a claims file
// claiming liveness checks every interval, and signs it with kaiji bundle.
func signedBundle(t *testing.T, dir, name, interval, key string) []byte {
	t.Helper()
	claimsFile := filepath.Join(dir, name+".yaml")
	writeFile(t, claimsFile, []byte(fmt.Sprintf(`apiVersion: kaiji/v1
kind: Disclosure
service: serve-test
edition: asp-saas
pattern: 2
claims:
  - item: 60
    key: monitoring.liveness_interval
    value: %s
    text: 死活監視
`, interval)))
	unsigned, signed := filepath.Join(dir, name+".tar.gz"), filepath.Join(dir, name+".signed.tar.gz")
	if _, stderr, code := run(t, "bundle", "build", "--claims", claimsFile, "-o", unsigned); code != ExitOK {
		t.Fatalf("bundle build: %s", stderr)
	}
	if _, stderr, code := run(t, "bundle", "sign", unsigned, "--key", key, "-o", signed); code != ExitOK {
		t.Fatalf("bundle sign: %s", stderr)
	}
	data, err := os.ReadFile(signed)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// bundleServer serves one bundle with an ETag, or fails the way a real
// server does: down (connection dropped) or garbage.
type bundleServer struct {
	mu          sync.Mutex
	body        []byte
	state       string // "ok", "down", "garbage"
	full, short atomic.Int64
}

func (b *bundleServer) set(state string, body []byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.state = state
	if body != nil {
		b.body = body
	}
}

func (b *bundleServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.mu.Lock()
	state, body := b.state, b.body
	b.mu.Unlock()
	switch state {
	case "down":
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	case "garbage":
		w.Header().Set("ETag", `"garbage"`)
		w.Write([]byte("<html>502 Bad Gateway</html>"))
		return
	}
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		b.short.Add(1)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	b.full.Add(1)
	w.Write(body)
}

// TestServeBundleURL runs kaiji serve --bundle URL against a local bundle
// server: signed bundles are polled with ETags and replaced without a
// restart; a bad signature, a server down or garbage keep the last good
// policies, and /readyz and /metrics say so.
func TestServeBundleURL(t *testing.T) {
	dir := t.TempDir()
	priv, pub := signingKey(t, dir, "signer")
	otherPriv, _ := signingKey(t, dir, "other")
	strict := signedBundle(t, dir, "strict", "5m", priv)    // a 7-minute probe is too slow
	relaxed := signedBundle(t, dir, "relaxed", "10m", priv) // a 7-minute probe is fine
	forged := signedBundle(t, dir, "forged", "1h", otherPriv)

	bs := &bundleServer{state: "ok", body: strict}
	bsrv := httptest.NewServer(bs)
	defer bsrv.Close()
	certFile, keyFile, pool := writeServingCert(t, dir)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	listening := make(chan string, 1)
	var stderr bytes.Buffer
	ios := &IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: &lockedWriter{w: &stderr}}
	cmd := NewCmdServe(ios, func(o *ServeOptions) error {
		o.listening = listening
		return serveRun(ctx, o)
	})
	cmd.SetArgs([]string{"--bundle", bsrv.URL + "/kaiji.tar.gz", "--bundle-key", pub, "--poll-interval", "20ms",
		"--tls-cert", certFile, "--tls-key", keyFile, "--listen", "127.0.0.1:0", "--mode", "enforce"})
	done := make(chan error, 1)
	go func() { done <- cmd.Execute() }()
	var addr string
	select {
	case addr = <-listening:
	case err := <-done:
		t.Fatalf("serve ended: %v\n%s", err, stderr.String())
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}, Timeout: 10 * time.Second}
	base := "https://" + addr

	allowed := func() bool {
		t.Helper()
		return admit(t, client, base)
	}
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := client.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	// eventually waits for the poller; no speed is asserted.
	eventually := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("never: %s\nserve log:\n%s", what, stderr.String())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	metric := func(name string) string {
		_, body := get("/metrics")
		for line := range strings.Lines(body) {
			if strings.HasPrefix(line, name+" ") {
				return strings.TrimSpace(strings.TrimPrefix(line, name))
			}
		}
		return ""
	}

	if allowed() {
		t.Fatal("the strict bundle (5m) must refuse a 7-minute probe")
	}
	code, ready := get("/readyz")
	if code != http.StatusOK || !strings.Contains(ready, "policies ready") {
		t.Fatalf("/readyz = %d %q", code, ready)
	}
	eventually("unchanged polls revalidate with the ETag (304)", func() bool { return bs.short.Load() >= 2 })
	if n := bs.full.Load(); n != 1 {
		t.Errorf("the unchanged bundle was downloaded %d times, want once", n)
	}

	// Updated without a restart, atomically: requests during the swap are
	// all answered, by one set or the other.
	stop := make(chan struct{})
	var hammer sync.WaitGroup
	var answered atomic.Int64
	for range 4 {
		hammer.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				admit(t, client, base)
				answered.Add(1)
			}
		})
	}
	bs.set("ok", relaxed)
	eventually("the relaxed bundle takes over", allowed)
	close(stop)
	hammer.Wait()
	_, ready = get("/readyz")
	if !strings.Contains(ready, "policies ready") {
		t.Errorf("/readyz after the update = %q", ready)
	}

	for _, tt := range []struct {
		state string
		body  []byte
		want  string
	}{
		{"ok", forged, "verif"},
		{"garbage", nil, "bundle"},
		{"down", nil, "fetch bundle"},
	} {
		errorsBefore := metric(`kaiji_policy_reloads_total{result="error"}`)
		bs.set(tt.state, tt.body)
		eventually(tt.state+": the failed reload is counted", func() bool {
			return metric(`kaiji_policy_reloads_total{result="error"}`) != errorsBefore
		})
		if !allowed() {
			t.Errorf("%s: the last good (relaxed) policies must stay in force", tt.state)
		}
		code, ready := get("/readyz")
		if code != http.StatusOK || !strings.Contains(ready, "last good") || !strings.Contains(ready, tt.want) {
			t.Errorf("%s: /readyz = %d %q, want ready with the last good set and %q", tt.state, code, ready, tt.want)
		}
		if got := metric("kaiji_policy_last_reload_ok"); got != "0" {
			t.Errorf("%s: kaiji_policy_last_reload_ok = %q, want 0", tt.state, got)
		}
		bs.set("ok", relaxed) // back to a good state between the cases
		eventually("recovered", func() bool { return metric("kaiji_policy_last_reload_ok") == "1" })
	}

	bs.set("ok", strict)
	eventually("the strict bundle is back", func() bool { return !allowed() })
	if got := metric("kaiji_policy_last_reload_ok"); got != "1" {
		t.Errorf("kaiji_policy_last_reload_ok = %q after recovery, want 1", got)
	}
	if answered.Load() == 0 {
		t.Error("no request was answered during the update")
	}

	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve after cancel: %v", err)
	}
}

// admit posts a Deployment whose liveness probe runs every 7 minutes and
// reports whether it was admitted; any other answer fails the test.
func admit(t *testing.T, client *http.Client, base string) bool {
	t.Helper()
	body := `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u1",
"kind":{"group":"apps","version":"v1","kind":"Deployment"},"resource":{"group":"apps","version":"v1","resource":"deployments"},
"namespace":"shop","name":"web","operation":"CREATE","object":{"apiVersion":"apps/v1","kind":"Deployment",
"metadata":{"name":"web","namespace":"shop"},"spec":{"template":{"spec":{"containers":[{"name":"app","image":"app",
"livenessProbe":{"httpGet":{"path":"/healthz","port":8080},"periodSeconds":420}}]}}}}}}`
	resp, err := client.Post(base+"/validate", "application/json", strings.NewReader(body))
	if err != nil {
		t.Error(err)
		return false
	}
	defer resp.Body.Close()
	var out admissionv1.AdmissionReview
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Response == nil || out.Response.UID != "u1" {
		t.Errorf("status %d: not an AdmissionReview answer: %v", resp.StatusCode, err)
		return false
	}
	if !out.Response.Allowed && (out.Response.Result == nil || out.Response.Result.Code != http.StatusForbidden) {
		t.Errorf("refused without a 403 denial: %+v", out.Response.Result)
	}
	return out.Response.Allowed
}

// lockedWriter lets the server log while the test reads the log.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestServeFlagErrors checks that serve refuses bad flags before starting,
// with exit code 2 and a message naming the flag.
func TestServeFlagErrors(t *testing.T) {
	base := []string{"--tls-cert", "c.pem", "--tls-key", "k.pem", "--claims", "d.yaml"}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--claims", "d.yaml"}, "--tls-cert"},
		{base[:4], "--claims or --bundle"},
		{append(base, "--mode", "block"), "block"},
		{append(base, "--pattern", "7"), "--pattern"},
		{append(base, "--failure-policy", "Open"), "--failure-policy"},
		{append(base, "--log-format", "yaml"), "--log-format"},
		{append(base, "--log-level", "verbose"), "--log-level"},
		{append(base, "--max-in-flight", "-1"), "--max-in-flight"},
		{append(base, "--concurrency", "0"), "--concurrency"},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			ios := &IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard}
			ran := false
			cmd := NewCmdServe(ios, func(*ServeOptions) error { ran = true; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetOut(io.Discard)
			cmd.SetErr(io.Discard)
			err := cmd.Execute()
			if err == nil || ran || !strings.Contains(err.Error(), tt.want) || ExitCode(err) != 2 {
				t.Errorf("err = %v (exit %d, ran %v), want a usage error naming %q", err, ExitCode(err), ran, tt.want)
			}
		})
	}
}
