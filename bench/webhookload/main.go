// Command webhookload drives kaiji serve with AdmissionReview requests at a
// constant rate over HTTPS (HTTP/2, one connection, as the API server does)
// and reports latency percentiles, errors and the server's memory.
//
// Latency is measured from the moment a request was due, not from when it
// was sent, so a server (or generator) that falls behind shows up in the
// tail instead of silently lowering the rate.
package main

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
	"flag"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"sigs.k8s.io/yaml"
)

func main() {
	var (
		url      = flag.String("url", "https://127.0.0.1:8443/validate", "webhook URL")
		rate     = flag.Int("rate", 1000, "requests per second")
		n        = flag.Int("n", 100000, "requests to send")
		fixtures = flag.String("fixtures", "internal/webhook/testdata/admission", "directory of AdmissionReview fixtures (*.yaml), sent in turn")
		pid      = flag.Int("pid", 0, "server process whose RSS is sampled (Linux /proc)")
		sample   = flag.Duration("sample", 10*time.Second, "RSS sampling interval")
		gencert  = flag.String("gencert", "", "write DIR/tls.crt and DIR/tls.key for 127.0.0.1 and exit")
		label    = flag.String("label", "", "name of the run in the report")
		floor    = flag.String("floor", "", "serve a fixed AdmissionReview answer on this address with DIR/tls.{crt,key} of -floor-certs (the harness's floor) and block")
		certs    = flag.String("floor-certs", ".", "directory of the -floor server's certificate")
	)
	flag.Parse()
	if *gencert != "" {
		if err := genCert(*gencert); err != nil {
			fatal(err)
		}
		return
	}
	if *floor != "" {
		fatal(serveFloor(*floor, *certs))
	}
	bodies, err := loadFixtures(*fixtures)
	if err != nil {
		fatal(err)
	}
	r, err := run(*url, *rate, *n, bodies, *pid, *sample)
	if err != nil {
		fatal(err)
	}
	r.Label = *label
	r.print(os.Stdout)
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "webhookload:", err)
	os.Exit(1)
}

func loadFixtures(dir string) ([][]byte, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	var out [][]byte
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		js, err := yaml.YAMLToJSON(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		if !bytes.Contains(js, []byte(`"AdmissionReview"`)) {
			continue // claims and data files
		}
		out = append(out, js)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no AdmissionReview fixtures in %s", dir)
	}
	return out, nil
}

type result struct {
	Label    string        `json:"label,omitempty"`
	Requests int           `json:"requests"`
	Errors   int64         `json:"errors"`
	Rate     float64       `json:"achieved_rate"`
	P50      time.Duration `json:"p50_ns"`
	P90      time.Duration `json:"p90_ns"`
	P99      time.Duration `json:"p99_ns"`
	Max      time.Duration `json:"max_ns"`
	// Service latency: from when the request was sent, as the API server
	// times its webhook call; the figures above also hold the generator's
	// own lag behind the schedule.
	SendP50    time.Duration `json:"send_p50_ns"`
	SendP99    time.Duration `json:"send_p99_ns"`
	SendMax    time.Duration `json:"send_max_ns"`
	RSSStartKB int64         `json:"rss_start_kb,omitempty"`
	RSSEndKB   int64         `json:"rss_end_kb,omitempty"`
	RSSMaxKB   int64         `json:"rss_max_kb,omitempty"`
	RSSSamples []int64       `json:"rss_samples_kb,omitempty"`
	FirstError string        `json:"first_error,omitempty"`
}

func (r result) print(w io.Writer) {
	fmt.Fprintf(w, "%s requests=%d errors=%d rate=%.0f/s p50=%s p90=%s p99=%s max=%s",
		r.Label, r.Requests, r.Errors, r.Rate, ms(r.P50), ms(r.P90), ms(r.P99), ms(r.Max))
	fmt.Fprintf(w, " send_p50=%s send_p99=%s send_max=%s", ms(r.SendP50), ms(r.SendP99), ms(r.SendMax))
	if r.RSSEndKB > 0 {
		fmt.Fprintf(w, " rss_start=%.1fMiB rss_end=%.1fMiB rss_max=%.1fMiB", mib(r.RSSStartKB), mib(r.RSSEndKB), mib(r.RSSMaxKB))
	}
	fmt.Fprintln(w)
	if r.FirstError != "" {
		fmt.Fprintln(w, "first error:", r.FirstError)
	}
	js, _ := json.Marshal(r)
	fmt.Fprintf(w, "json %s\n", js)
}

func ms(d time.Duration) string { return strconv.FormatFloat(float64(d)/1e6, 'f', 3, 64) + "ms" }
func mib(kb int64) float64      { return float64(kb) / 1024 }

func run(url string, rate, n int, bodies [][]byte, pid int, every time.Duration) (result, error) {
	tr := &http.Transport{
		TLSClientConfig:   &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // loopback benchmark against a throwaway certificate
		ForceAttemptHTTP2: true,
		MaxIdleConns:      100, MaxIdleConnsPerHost: 100,
		DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
	}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	lat := make([]time.Duration, n)  // from the scheduled time
	sent := make([]time.Duration, n) // from the moment of sending
	var errs atomic.Int64
	var firstErr atomic.Value
	fail := func(err error) {
		errs.Add(1)
		firstErr.CompareAndSwap(nil, err.Error())
	}
	res := result{Requests: n}
	ctx, stop := context.WithCancel(context.Background())
	var rssWG sync.WaitGroup
	if pid > 0 {
		res.RSSStartKB = rss(pid)
		res.RSSSamples = append(res.RSSSamples, res.RSSStartKB)
		rssWG.Go(func() {
			t := time.NewTicker(every)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					res.RSSSamples = append(res.RSSSamples, rss(pid))
				}
			}
		})
	}
	interval := time.Second / time.Duration(rate)
	// The pacing loop owns its OS thread and sleeps with nanosleep: Go's
	// timers sleep at least about a millisecond when nothing else wakes the
	// poller, which alone put ~0.9 ms at the median and bursts in the tail
	// of a server that answers in microseconds.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	start := time.Now()
	var wg sync.WaitGroup
	for i := range n {
		due := start.Add(time.Duration(i) * interval)
		sleepUntil(due)
		body := bodies[i%len(bodies)]
		wg.Go(func() {
			req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
			if err != nil {
				fail(err)
				return
			}
			req.Header.Set("Content-Type", "application/json")
			t0 := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				fail(err)
				lat[i], sent[i] = time.Since(due), time.Since(t0)
				return
			}
			var out struct {
				Response *struct {
					UID string `json:"uid"`
				} `json:"response"`
			}
			err = json.NewDecoder(resp.Body).Decode(&out)
			resp.Body.Close()
			lat[i], sent[i] = time.Since(due), time.Since(t0)
			switch {
			case resp.StatusCode != http.StatusOK:
				fail(fmt.Errorf("status %s", resp.Status))
			case err != nil || out.Response == nil || out.Response.UID == "":
				fail(fmt.Errorf("not an AdmissionReview response: %v", err))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	stop()
	rssWG.Wait()
	if pid > 0 {
		res.RSSEndKB = rss(pid)
		res.RSSSamples = append(res.RSSSamples, res.RSSEndKB)
		res.RSSMaxKB = slices.Max(res.RSSSamples)
	}
	slices.Sort(lat)
	slices.Sort(sent)
	res.P50, res.P90, res.P99, res.Max = pct(lat, 0.50), pct(lat, 0.90), pct(lat, 0.99), lat[n-1]
	res.SendP50, res.SendP99, res.SendMax = pct(sent, 0.50), pct(sent, 0.99), sent[n-1]
	res.Errors = errs.Load()
	res.Rate = float64(n) / elapsed.Seconds()
	if e, ok := firstErr.Load().(string); ok {
		res.FirstError = e
	}
	return res, nil
}

// pct is the p-quantile of sorted durations.
func pct(sorted []time.Duration, p float64) time.Duration {
	return sorted[min(len(sorted)-1, int(float64(len(sorted))*p))]
}

// serveFloor answers every request with a fixed AdmissionReview allowing
// it, over the same TLS and HTTP/2 as kaiji serve: what this machine and
// this generator cost without any evaluation.
func serveFloor(addr, dir string) error {
	answer := []byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"floor","allowed":true}}`)
	mux := http.NewServeMux()
	mux.HandleFunc("/validate", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(answer)
	})
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") })
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	return srv.ListenAndServeTLS(filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key"))
}

// sleepUntil blocks the calling OS thread until t, to within tens of
// microseconds.
func sleepUntil(t time.Time) {
	for {
		d := time.Until(t)
		if d <= 0 {
			return
		}
		ts := syscall.NsecToTimespec(int64(d))
		_ = syscall.Nanosleep(&ts, nil) // interrupted early: the loop sleeps again
	}
}

// rss reads VmRSS (KiB) of a process.
func rss(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb
		}
	}
	return 0
}

// genCert writes a self-signed ECDSA certificate for 127.0.0.1.
func genCert(dir string) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kaiji-bench"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return err
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "tls.crt"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "tls.key"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
}
