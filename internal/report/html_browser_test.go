package report_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kaiji-dev/kaiji/internal/report"
)

// recorder is the browser's only way out: Chromium is started with it as
// its proxy for every URL, loopback included, so any request the page makes
// (a font, a script, an image, a prefetch) reaches it and is recorded. It
// serves the report at pageURL and nothing else.
type recorder struct {
	mu       sync.Mutex
	requests []request
	pages    map[string][]byte
}

// request is one request that reached the proxy.
type request struct {
	Line string // "GET http://host/path" or "CONNECT host:443"
	Host string
	// FromPage is set when the request carries fetch metadata or a
	// referrer, which Chromium adds to what a page loads and not to its
	// own background traffic (component updates, sign-in).
	FromPage bool
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	req := request{Line: r.Method + " " + r.URL.String(), Host: r.Host,
		FromPage: r.Header.Get("Sec-Fetch-Dest") != "" || r.Header.Get("Referer") != ""}
	if r.Method == http.MethodConnect {
		req.Line = "CONNECT " + r.Host
	}
	if h, _, err := net.SplitHostPort(req.Host); err == nil {
		req.Host = h
	}
	rec.mu.Lock()
	rec.requests = append(rec.requests, req)
	page, ok := rec.pages[r.URL.String()]
	rec.mu.Unlock()
	if !ok || r.Method != http.MethodGet {
		http.Error(w, "blocked by the test", http.StatusForbidden)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(page)
}

func (rec *recorder) take() []request {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	out := rec.requests
	rec.requests = nil
	return out
}

// artifactDir is where browser tests leave screenshots and PDFs:
// $KAIJI_ARTIFACTS, else a fixed directory under the system temp dir.
func artifactDir(t *testing.T) string {
	dir := os.Getenv("KAIJI_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "kaiji-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestHTMLInChromium opens the HTML evidence report in real headless
// Chromium (Debian's, installed by scripts/setup/chromium.sh), in Japanese
// and in English: the DOM holds the report's content, the browser logs no
// console error, the page makes no network request beyond loading itself,
// and screenshots and a printed PDF are written as artifacts.
func TestHTMLInChromium(t *testing.T) {
	browser := needTool(t, "chromium", "scripts/setup/chromium.sh", os.Getenv("KAIJI_CHROMIUM"), "chromium", "chromium-browser")
	rec := &recorder{pages: map[string][]byte{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: rec, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	proxy := "http://" + ln.Addr().String()
	artifacts := artifactDir(t)

	chrome := func(t *testing.T, args ...string) (stdout, stderr string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		base := []string{
			"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync",
			"--disable-default-apps", "--disable-extensions", "--no-default-browser-check",
			"--disable-features=NetworkTimeServiceQuerying,OptimizationHints,MediaRouter,AutofillServerCommunication,CertificateTransparencyComponentUpdater,Translate",
			"--disable-domain-reliability", "--disable-client-side-phishing-detection", "--no-pings",
			"--safebrowsing-disable-auto-update", "--disable-breakpad", "--metrics-recording-only",
			"--user-data-dir=" + t.TempDir(),
			"--proxy-server=" + proxy, "--proxy-bypass-list=<-loopback>",
			"--enable-logging=stderr", "--v=0", "--hide-scrollbars",
		}
		cmd := exec.CommandContext(ctx, browser, append(base, args...)...)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err != nil {
			t.Fatalf("chromium %v: %v\n%s", args, err, errOut.String())
		}
		return out.String(), errOut.String()
	}

	// The browser's own background hosts, learnt from a blank page: the
	// report's requests are judged apart from them. A request to any other
	// host, or one a page made (fetch metadata) to any host, fails the test.
	chrome(t, "--dump-dom", "about:blank")
	// Hosts Chromium itself contacts in the background (component updates,
	// sign-in, network time) whether or not a blank page triggers them in
	// a given run; a page's request to one of them over plain HTTP still
	// fails the test through its fetch metadata.
	own := map[string]bool{
		"accounts.google.com": true, "update.googleapis.com": true, "clients2.google.com": true,
		"clientservices.googleapis.com": true, "optimizationguide-pa.googleapis.com": true,
		"safebrowsing.googleapis.com": true, "redirector.gvt1.com": true, "edgedl.me.gvt1.com": true,
	}
	for _, r := range rec.take() {
		if r.FromPage {
			t.Fatalf("about:blank made a page request: %s", r.Line)
		}
		own[r.Host] = true
	}
	t.Logf("Chromium's own background hosts (ignored): %v", own)
	pageRequests := func(rs []request) []string {
		var out []string
		for _, r := range rs {
			if r.FromPage || !own[r.Host] {
				out = append(out, r.Line)
			}
		}
		return out
	}

	// The test's own check: a page that loads a web font and an image and
	// logs an error must be caught by it.
	t.Run("leaky page is caught", func(t *testing.T) {
		url := "http://kaiji.test/leaky.html"
		rec.mu.Lock()
		rec.pages[url] = []byte(`<!DOCTYPE html><html><head><link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Noto+Sans+JP">` +
			`</head><body><img src="http://example.com/pixel.png"><script>console.error("kaiji-leak")</script></body></html>`)
		rec.mu.Unlock()
		rec.take()
		_, logs := chrome(t, "--dump-dom", "--virtual-time-budget=3000", url)
		got := pageRequests(rec.take())
		if len(got) < 3 || !slices.ContainsFunc(got, func(l string) bool { return strings.Contains(l, "fonts.googleapis.com") }) {
			t.Errorf("requests seen = %q, want the page, the font and the image", got)
		}
		if !strings.Contains(logs, "kaiji-leak") {
			t.Errorf("the console error did not reach the log:\n%s", logs)
		}
	})

	for _, lang := range []string{"ja", "en"} {
		t.Run(lang, func(t *testing.T) {
			page := render(t, report.FormatHTML, lang, loadRun(t, "sheet"))
			url := fmt.Sprintf("http://kaiji.test/report-%s.html", lang)
			rec.mu.Lock()
			rec.pages[url] = page
			rec.mu.Unlock()
			rec.take()

			dom, logs := chrome(t, "--dump-dom", url)
			for _, want := range []string{
				"情報開示 検証報告書（疎明資料）", "Disclosure evidence report",
				"システムログは1年以上保管しています", "testdata/demo/infra/logs.tf:3", "retention_in_days = 90",
				"III.2.1.3/b", "364d58964ec280b098e9c2d61d5f716293fb36edbace63bda27fdd4114309214",
				"temporary exposure during migration", `id="lang-` + lang + `" class="lang-toggle" checked`,
				"<svg", "</html>",
			} {
				if !strings.Contains(dom, want) {
					t.Errorf("the DOM Chromium built lacks %q", want)
				}
			}
			for _, l := range strings.Split(logs, "\n") {
				if strings.Contains(l, "CONSOLE") || strings.Contains(l, "Content Security Policy") || strings.Contains(l, "Refused to") {
					t.Errorf("browser console: %s", l)
				}
			}
			if got := pageRequests(rec.take()); len(got) != 1 || got[0] != "GET "+url {
				t.Errorf("network requests = %q, want only the page itself", got)
			}

			shot := filepath.Join(artifacts, "report-"+lang+".png")
			chrome(t, "--window-size=1280,6000", "--screenshot="+shot, url)
			pdf := filepath.Join(artifacts, "report-"+lang+".pdf")
			chrome(t, "--no-pdf-header-footer", "--print-to-pdf="+pdf, url)
			for _, f := range []string{shot, pdf} {
				st, err := os.Stat(f)
				if err != nil || st.Size() < 10_000 {
					t.Errorf("%s: %v, size %d", f, err, sizeOf(st))
				}
			}
			if got := pageRequests(rec.take()); len(got) != 2 {
				t.Errorf("network requests while taking the screenshot and PDF = %q, want the page twice", got)
			}
			t.Logf("screenshot %s, PDF %s", shot, pdf)
		})
	}
	ja, errJa := os.ReadFile(filepath.Join(artifacts, "report-ja.png"))
	en, errEn := os.ReadFile(filepath.Join(artifacts, "report-en.png"))
	if errJa == nil && errEn == nil && bytes.Equal(ja, en) {
		t.Error("the Japanese and English screenshots are identical: the language switch does nothing")
	}
}

func sizeOf(st os.FileInfo) int64 {
	if st == nil {
		return 0
	}
	return st.Size()
}
