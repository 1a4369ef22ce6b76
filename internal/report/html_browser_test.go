package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	neturl "net/url"
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
// serves the pages it was given and nothing else.
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
//
// Requests are watched twice: a recording proxy is the browser's only way
// out, and Chromium's NetLog says who initiated each request, which sets the
// browser's own background traffic apart from the page's. A leaky page (a
// web font, an image, a console error) is checked to be caught.
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

	// chrome runs the browser once, with a NetLog: Chromium records there
	// who initiated each request. Requests a page makes carry the page's
	// origin as initiator; the browser's own (component updates, sign-in,
	// network time) carry none ("not an origin").
	chrome := func(t *testing.T, args ...string) (stdout, stderr string, log netLog) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		// Not t.TempDir: a browser helper process may still be writing to
		// the profile as the test ends, and that must not fail the test.
		tmp, err := os.MkdirTemp("", "kaiji-chromium-")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.RemoveAll(tmp) })
		base := []string{
			"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync",
			"--disable-default-apps", "--disable-extensions", "--no-default-browser-check",
			"--disable-features=NetworkTimeServiceQuerying,OptimizationHints,MediaRouter,AutofillServerCommunication,CertificateTransparencyComponentUpdater,Translate",
			"--disable-domain-reliability", "--disable-client-side-phishing-detection", "--no-pings",
			"--safebrowsing-disable-auto-update", "--disable-breakpad", "--metrics-recording-only",
			"--user-data-dir=" + filepath.Join(tmp, "profile"), "--log-net-log=" + filepath.Join(tmp, "netlog.json"),
			"--proxy-server=" + proxy, "--proxy-bypass-list=<-loopback>",
			"--enable-logging=stderr", "--v=0", "--hide-scrollbars",
		}
		cmd := exec.CommandContext(ctx, browser, append(base, args...)...)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err != nil {
			t.Fatalf("chromium %v: %v\n%s", args, err, errOut.String())
		}
		return out.String(), errOut.String(), readNetLog(t, filepath.Join(tmp, "netlog.json"))
	}

	// Hosts Chromium contacts on its own even when the NetLog of a run
	// shows no request for them (a preconnect opens a tunnel only).
	knownOwn := []string{"accounts.google.com", "update.googleapis.com", "clients2.google.com",
		"clientservices.googleapis.com", "optimizationguide-pa.googleapis.com", "safebrowsing.googleapis.com"}
	// fromPage returns what the page itself asked for: every request the
	// NetLog attributes to a page, and every request that reached the proxy
	// with fetch metadata or for a host the browser had no business with.
	fromPage := func(proxied []request, log netLog, page string) []string {
		own := map[string]bool{}
		for _, h := range knownOwn {
			own[h] = true
		}
		var out []string
		for _, r := range log {
			switch {
			case r.own():
				own[hostOf(r.URL)] = true
			case r.URL != page:
				out = append(out, "netlog: "+r.URL+" (initiator "+r.Initiator+")")
			}
		}
		for _, r := range proxied {
			if r.Line == "GET "+page {
				continue
			}
			if r.FromPage || !own[r.Host] {
				out = append(out, "proxy: "+r.Line)
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
		_, logs, nl := chrome(t, "--dump-dom", "--virtual-time-budget=3000", url)
		got := fromPage(rec.take(), nl, url)
		for _, want := range []string{"netlog: https://fonts.googleapis.com/", "netlog: http://example.com/pixel.png", "proxy: GET http://example.com/pixel.png", "proxy: CONNECT fonts.googleapis.com:443"} {
			if !slices.ContainsFunc(got, func(l string) bool { return strings.HasPrefix(l, want) }) {
				t.Errorf("requests seen from the page = %q, want one starting %q", got, want)
			}
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

			dom, logs, nl := chrome(t, "--dump-dom", url)
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
			if got := fromPage(rec.take(), nl, url); len(got) != 0 {
				t.Errorf("the report made network requests: %q", got)
			}

			shot := filepath.Join(artifacts, "report-"+lang+".png")
			_, _, nl1 := chrome(t, "--window-size=1280,6000", "--screenshot="+shot, url)
			got := fromPage(rec.take(), nl1, url)
			pdf := filepath.Join(artifacts, "report-"+lang+".pdf")
			_, _, nl2 := chrome(t, "--no-pdf-header-footer", "--print-to-pdf="+pdf, url)
			got = append(got, fromPage(rec.take(), nl2, url)...)
			for _, f := range []string{shot, pdf} {
				st, err := os.Stat(f)
				if err != nil || st.Size() < 10_000 {
					t.Errorf("%s: %v, size %d", f, err, sizeOf(st))
				}
			}
			if len(got) != 0 {
				t.Errorf("the report made network requests while screenshotted and printed: %q", got)
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

// netReq is one URL request in Chromium's NetLog.
type netReq struct{ URL, Initiator string }

// own reports whether the browser made the request for itself.
func (r netReq) own() bool { return r.Initiator == "" || r.Initiator == "not an origin" }

type netLog []netReq

// readNetLog reads the URL requests of a NetLog (--log-net-log).
func readNetLog(t *testing.T, path string) netLog {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read NetLog: %v", err)
	}
	var doc struct {
		Constants struct {
			LogEventTypes map[string]int `json:"logEventTypes"`
		} `json:"constants"`
		Events []struct {
			Type   int            `json:"type"`
			Params map[string]any `json:"params"`
		} `json:"events"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("parse NetLog: %v", err)
	}
	start, ok := doc.Constants.LogEventTypes["URL_REQUEST_START_JOB"]
	if !ok {
		t.Fatal("NetLog has no URL_REQUEST_START_JOB event type")
	}
	var out netLog
	for _, e := range doc.Events {
		if e.Type != start {
			continue
		}
		u, _ := e.Params["url"].(string)
		in, _ := e.Params["initiator"].(string)
		if u != "" {
			out = append(out, netReq{URL: u, Initiator: in})
		}
	}
	return out
}

func hostOf(u string) string {
	p, err := neturl.Parse(u)
	if err != nil {
		return ""
	}
	return p.Hostname()
}
