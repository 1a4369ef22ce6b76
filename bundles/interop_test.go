package bundles_test

// Interop tests: the real opa (the version in go.mod) and gator, installed
// by scripts/setup/opa.sh, must load, test, evaluate and verify what kaiji
// builds, and agree with kaiji scan. With CI=true a missing tool fails the
// test; locally it skips with the command that installs it.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kaiji-dev/kaiji/bundles"
	"github.com/kaiji-dev/kaiji/internal/cli"
)

// tool finds an installed CLI: $KAIJI_TOOLS_BIN, ~/.cache/kaiji/bin, PATH.
func tool(t *testing.T, name string) string {
	t.Helper()
	var dirs []string
	if d := os.Getenv("KAIJI_TOOLS_BIN"); d != "" {
		dirs = append(dirs, d)
	}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, ".cache", "kaiji", "bin"))
	}
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	msg := fmt.Sprintf("%s not installed: run scripts/setup/opa.sh (looked in %v and PATH)", name, dirs)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// opa returns the opa binary, checked to be the version of the OPA Go
// library kaiji is built with, so both sides run the same evaluator.
func opa(t *testing.T) string {
	t.Helper()
	bin := tool(t, "opa")
	want := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/open-policy-agent/opa" {
				want = strings.TrimPrefix(d.Version, "v")
			}
		}
	}
	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil {
		t.Fatalf("opa version: %v\n%s", err, out)
	}
	if want != "" && !strings.Contains(string(out), "Version: "+want+"\n") {
		t.Fatalf("%s is not opa %s (the version in go.mod):\n%s\nrerun scripts/setup/opa.sh", bin, want, out)
	}
	return bin
}

func runTool(t *testing.T, timeout time.Duration, bin string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		return string(out), fmt.Errorf("%s %s: timed out after %s", filepath.Base(bin), args[0], timeout)
	}
	return string(out), err
}

// kaiji runs the kaiji CLI in-process from the repository root.
func kaiji(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := cli.NewRootCmd(&cli.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	cmd.SetArgs(args)
	err := cmd.Execute()
	if err != nil && !errors.Is(err, cli.ErrFailing) {
		errOut.WriteString(err.Error())
	}
	return out.String(), errOut.String(), cli.ExitCode(err)
}

const (
	demoClaims = "testdata/demo/disclosure.yaml"
	demoInfra  = "testdata/demo/infra"
)

// demo builds the bundle, the signed bundle and the demo input in a temp
// dir, with the working directory at the repository root.
type demo struct {
	dir, bundle, signed, input, pub, priv string
}

func setupDemo(t *testing.T) demo {
	t.Helper()
	t.Chdir("..")
	dir := t.TempDir()
	d := demo{
		dir: dir, bundle: filepath.Join(dir, "kaiji.tar.gz"), signed: filepath.Join(dir, "kaiji.signed.tar.gz"),
		input: filepath.Join(dir, "input.json"), pub: filepath.Join(dir, "public.pem"), priv: filepath.Join(dir, "private.pem"),
	}
	priv, pub := rsaKey(t)
	if err := os.WriteFile(d.priv, priv, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(d.pub, pub, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"bundle", "build", "-o", d.bundle},
		{"bundle", "sign", d.bundle, "--key", d.priv, "-o", d.signed},
		{"export", "input", "--claims", demoClaims, "-o", d.input, demoInfra},
	} {
		if _, stderr, code := kaiji(t, args...); code != 0 {
			t.Fatalf("kaiji %s: exit %d\n%s", strings.Join(args, " "), code, stderr)
		}
	}
	return d
}

// decisions is data.kaiji.main.result: claims and controls as the policies
// decide them. Kept generic so that every field the policies return is
// compared.
type decisions struct {
	Claims   []map[string]any `json:"claims"`
	Controls []map[string]any `json:"controls"`
}

func parseDecisions(t *testing.T, what string, js []byte) decisions {
	t.Helper()
	var d decisions
	if err := json.Unmarshal(js, &d); err != nil {
		t.Fatalf("%s: %v\n%.500s", what, err, js)
	}
	if len(d.Claims) == 0 || len(d.Controls) == 0 {
		t.Fatalf("%s: %d claims, %d controls; want some of each\n%.500s", what, len(d.Claims), len(d.Controls), js)
	}
	for _, list := range [][]map[string]any{d.Claims, d.Controls} {
		for _, v := range list {
			sortEvidence(v)
		}
	}
	return d
}

// sameDecisions reports how kaiji scan's verdicts differ from OPA's. kaiji
// scan reports what the policies decided and adds its own fields after
// evaluation (waivers, sheet rows, claim lines, normalized values …), so
// each kaiji verdict is compared on the fields OPA returned: every one of
// them must be there with the same value, in the same order of verdicts.
func sameDecisions(kaiji, opa decisions) string {
	project := func(k, o []map[string]any) []map[string]any {
		out := make([]map[string]any, len(k))
		for i, v := range k {
			out[i] = v
			if i < len(o) {
				out[i] = map[string]any{}
				for key := range o[i] {
					if val, ok := v[key]; ok {
						out[i][key] = val
					}
				}
			}
		}
		return out
	}
	return cmp.Diff(decisions{Claims: project(kaiji.Claims, opa.Claims), Controls: project(kaiji.Controls, opa.Controls)}, opa)
}

// sortEvidence puts a verdict's evidence in one canonical order: OPA
// returns it in Rego set order, and kaiji scan re-sorts it by file and line
// for reports. The set is the decision; the order is presentation.
func sortEvidence(v map[string]any) {
	ev, ok := v["evidence"].([]any)
	if !ok {
		return
	}
	key := func(e any) string { js, _ := json.Marshal(e); return string(js) }
	sort.SliceStable(ev, func(i, j int) bool { return key(ev[i]) < key(ev[j]) })
}

// kaijiDecisions is what kaiji scan --format json reports for the demo,
// with the embedded policies or with --bundle.
func kaijiDecisions(t *testing.T, extra ...string) decisions {
	t.Helper()
	args := append([]string{"scan", "--claims", demoClaims, "--format", "json", "--fail-on", "none"}, extra...)
	stdout, stderr, code := kaiji(t, append(args, demoInfra)...)
	if code != 0 {
		t.Fatalf("kaiji scan: exit %d\n%s", code, stderr)
	}
	return parseDecisions(t, "kaiji scan", []byte(stdout))
}

func TestOPAInspect(t *testing.T) {
	bin := opa(t)
	d := setupDemo(t)
	out, err := runTool(t, time.Minute, bin, "inspect", "--format", "json", d.bundle)
	if err != nil {
		t.Fatalf("opa inspect: %v\n%s", err, out)
	}
	var got struct {
		Manifest struct {
			Revision string   `json:"revision"`
			Roots    []string `json:"roots"`
		} `json:"manifest"`
		Namespaces map[string][]string `json:"namespaces"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("opa inspect output: %v\n%s", err, out)
	}
	data, _ := os.ReadFile(d.bundle)
	b, err := bundles.Read(data, bundles.VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Manifest.Revision != b.Manifest.Revision || !strings.HasPrefix(got.Manifest.Revision, "sha256:") {
		t.Errorf("opa inspect revision = %q, want the policy digest %q", got.Manifest.Revision, b.Manifest.Revision)
	}
	if diff := cmp.Diff([]string{"kaiji"}, got.Manifest.Roots); diff != "" {
		t.Errorf("opa inspect roots (-want +got):\n%s", diff)
	}
	if _, ok := got.Namespaces["data.kaiji.main"]; !ok {
		t.Errorf("opa inspect: no data.kaiji.main namespace in %v", got.Namespaces)
	}
}

func TestOPATest(t *testing.T) {
	bin := opa(t)
	t.Chdir("..")
	withTests := filepath.Join(t.TempDir(), "kaiji-tests.tar.gz")
	if _, stderr, code := kaiji(t, "bundle", "build", "--tests", "-o", withTests); code != 0 {
		t.Fatalf("kaiji bundle build --tests: exit %d\n%s", code, stderr)
	}
	out, err := runTool(t, 5*time.Minute, bin, "test", "-b", withTests)
	if err != nil {
		t.Fatalf("opa test -b: %v\n%s", err, out)
	}
	if !strings.Contains(out, "PASS: ") {
		t.Errorf("opa test -b: no PASS line:\n%s", out)
	}
	t.Logf("opa test -b: %s", strings.TrimSpace(out))
}

// TestOPAEvalMatchesScan: opa eval on the bundle and the exported input
// decides exactly what kaiji scan reports, with the embedded policies and
// with --bundle (signed, with the key).
func TestOPAEvalMatchesScan(t *testing.T) {
	bin := opa(t)
	d := setupDemo(t)
	out, err := runTool(t, 2*time.Minute, bin, "eval", "-b", d.bundle, "-i", d.input, "--format", "raw", "data.kaiji.main.result")
	if err != nil {
		t.Fatalf("opa eval: %v\n%s", err, out)
	}
	fromOPA := parseDecisions(t, "opa eval", []byte(out))
	embedded := kaijiDecisions(t)
	if diff := sameDecisions(embedded, fromOPA); diff != "" {
		t.Errorf("opa eval -b differs from kaiji scan (-kaiji +opa):\n%s", diff)
	}
	// The demo is small enough for kaiji to evaluate it with OPA's own
	// evaluator by default; its plan must decide as opa does too.
	if diff := sameDecisions(kaijiDecisions(t, "--evaluator", "plan"), fromOPA); diff != "" {
		t.Errorf("opa eval -b differs from kaiji scan --evaluator plan (-kaiji +opa):\n%s", diff)
	}
	viaBundle := kaijiDecisions(t, "--bundle", d.signed, "--bundle-key", d.pub)
	if diff := cmp.Diff(embedded, viaBundle); diff != "" {
		t.Errorf("kaiji scan --bundle differs from the embedded policies (-embedded +bundle):\n%s", diff)
	}

	// User policies and data overrides travel too: a bundle built with
	// --policy/--data decides as kaiji scan with the same flags.
	ext := []string{"--policy", "docs/examples/policies", "--data", "docs/examples/data/reference.yaml"}
	if _, err := os.Stat(ext[1]); err != nil {
		t.Logf("no example user policies (%v); skipping the --policy case", err)
		return
	}
	extBundle := filepath.Join(d.dir, "kaiji-ext.tar.gz")
	if _, stderr, code := kaiji(t, append([]string{"bundle", "build", "-o", extBundle}, ext...)...); code != 0 {
		t.Fatalf("kaiji bundle build %v: exit %d\n%s", ext, code, stderr)
	}
	out, err = runTool(t, 2*time.Minute, bin, "eval", "-b", extBundle, "-i", d.input, "--format", "raw", "data.kaiji.main.result")
	if err != nil {
		t.Fatalf("opa eval: %v\n%s", err, out)
	}
	for _, ev := range []string{"topdown", "plan"} {
		args := append([]string{"--evaluator", ev}, ext...)
		if diff := sameDecisions(kaijiDecisions(t, args...), parseDecisions(t, "opa eval (user policies)", []byte(out))); diff != "" {
			t.Errorf("opa eval -b (user policies) differs from kaiji scan %v (-kaiji +opa):\n%s", args, diff)
		}
	}
}

// TestOPABundledClaims: a bundle built with --claims lets opa decide from
// the facts alone (data.kaiji.bundled.result), with the bundled claims and
// pattern winning over whatever the input says.
func TestOPABundledClaims(t *testing.T) {
	bin := opa(t)
	t.Chdir("..")
	dir := t.TempDir()
	withClaims, factsOnly := filepath.Join(dir, "kaiji-demo.tar.gz"), filepath.Join(dir, "facts.json")
	for _, args := range [][]string{
		{"bundle", "build", "--claims", demoClaims, "-o", withClaims},
		{"export", "input", "--pattern", "5", "-o", factsOnly, demoInfra}, // no claims, another pattern
	} {
		if _, stderr, code := kaiji(t, args...); code != 0 {
			t.Fatalf("kaiji %s: exit %d\n%s", strings.Join(args, " "), code, stderr)
		}
	}
	out, err := runTool(t, 2*time.Minute, bin, "eval", "-b", withClaims, "-i", factsOnly, "--format", "raw", "data.kaiji.bundled.result")
	if err != nil {
		t.Fatalf("opa eval: %v\n%s", err, out)
	}
	if diff := sameDecisions(kaijiDecisions(t), parseDecisions(t, "opa eval data.kaiji.bundled.result", []byte(out))); diff != "" {
		t.Errorf("bundled claims decide differently from kaiji scan --claims (-kaiji +opa):\n%s", diff)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}

// syncBuffer collects a process's output while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// opaServer is an opa run --server on 127.0.0.1 at a free port, stopped
// when the test ends.
type opaServer struct {
	base   string
	logs   *syncBuffer
	exited chan error
}

func startOPAServer(t *testing.T, bin string, args ...string) *opaServer {
	t.Helper()
	addr := freeAddr(t)
	s := &opaServer{base: "http://" + addr, logs: &syncBuffer{}, exited: make(chan error, 1)}
	cmd := exec.Command(bin, append([]string{"run", "--server", "--addr", addr, "--log-level", "error"}, args...)...)
	cmd.Stdout, cmd.Stderr = s.logs, s.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-s.exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-s.exited
		}
	})
	return s
}

// healthy waits until every bundle is activated (GET /health?bundles is
// 200), and reports false if that does not happen within wait.
func (s *opaServer) healthy(t *testing.T, wait time.Duration) bool {
	t.Helper()
	deadline := time.Now().Add(wait)
	for {
		resp, err := http.Get(s.base + "/health?bundles")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return true
			}
		}
		select {
		case err := <-s.exited:
			s.exited <- err
			t.Fatalf("opa run exited: %v\n%s", err, s.logs.String())
		default:
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// decide POSTs the input document to the server's data API at path.
func (s *opaServer) decide(t *testing.T, path, inputFile string) decisions {
	t.Helper()
	input, err := os.ReadFile(inputFile)
	if err != nil {
		t.Fatal(err)
	}
	body := append(append([]byte(`{"input":`), input...), '}')
	resp, err := http.Post(s.base+"/v1/data/"+path, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /v1/data/%s: %s\n%s", path, resp.Status, raw)
	}
	var envelope struct {
		Result json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(raw, &envelope); err != nil || envelope.Result == nil {
		t.Fatalf("opa server response: %v\n%.500s", err, raw)
	}
	return parseDecisions(t, "opa run --server", envelope.Result)
}

// TestOPAServerMatchesScan: opa run --server with the signed bundle and the
// public key accepts kaiji's signature and, queried over HTTP, decides what
// kaiji scan reports.
func TestOPAServerMatchesScan(t *testing.T) {
	bin := opa(t)
	d := setupDemo(t)
	srv := startOPAServer(t, bin, "-b", d.signed, "--verification-key", d.pub)
	if !srv.healthy(t, time.Minute) {
		t.Fatalf("opa run not healthy after 60s\n%s", srv.logs.String())
	}
	if diff := sameDecisions(kaijiDecisions(t), srv.decide(t, "kaiji/main/result", d.input)); diff != "" {
		t.Errorf("opa run --server differs from kaiji scan (-kaiji +opa):\n%s", diff)
	}
}

// TestOPABundleService: OPA fed by a bundle service, as large users run it.
// An HTTP server serves kaiji's signed bundle; opa run --server downloads it
// through its bundle plugin, verifies the signature with the key from its
// config, activates it and decides what kaiji scan reports. A tampered
// bundle from the same service is never activated.
func TestOPABundleService(t *testing.T) {
	bin := opa(t)
	d := setupDemo(t)
	signed, err := os.ReadFile(d.signed)
	if err != nil {
		t.Fatal(err)
	}
	tampered := tamper(t, signed, Tampers["data changed"])
	service := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/bundles/kaiji.tar.gz":
			_, _ = w.Write(signed)
		case "/bundles/tampered.tar.gz":
			_, _ = w.Write(tampered)
		default:
			http.NotFound(w, r)
		}
	}))
	defer service.Close()
	pub, err := os.ReadFile(d.pub)
	if err != nil {
		t.Fatal(err)
	}
	config := func(resource string) string {
		cfg := map[string]any{
			"services": map[string]any{"bundles": map[string]any{"url": service.URL + "/bundles"}},
			"bundles": map[string]any{"kaiji": map[string]any{
				"service": "bundles", "resource": resource,
				"signing": map[string]any{"keyid": bundles.DefaultKeyID},
				"polling": map[string]any{"min_delay_seconds": 1, "max_delay_seconds": 2},
			}},
			"keys": map[string]any{bundles.DefaultKeyID: map[string]any{"algorithm": "RS256", "key": string(pub)}},
		}
		js, _ := json.Marshal(cfg) // JSON is YAML
		p := filepath.Join(d.dir, strings.TrimSuffix(resource, ".tar.gz")+".config.yaml")
		if err := os.WriteFile(p, js, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}

	srv := startOPAServer(t, bin, "--config-file", config("kaiji.tar.gz"))
	if !srv.healthy(t, time.Minute) {
		t.Fatalf("opa did not activate the bundle from the service within 60s\n%s", srv.logs.String())
	}
	if diff := sameDecisions(kaijiDecisions(t), srv.decide(t, "kaiji/main/result", d.input)); diff != "" {
		t.Errorf("opa fed by a bundle service differs from kaiji scan (-kaiji +opa):\n%s", diff)
	}

	bad := startOPAServer(t, bin, "--config-file", config("tampered.tar.gz"))
	if bad.healthy(t, 5*time.Second) {
		t.Fatalf("opa activated a tampered bundle from the service\n%s", bad.logs.String())
	}
	if logs := bad.logs.String(); !strings.Contains(logs, "digest mismatch") {
		t.Errorf("opa did not report the tampered bundle's digest mismatch:\n%s", logs)
	}
}

// TestTamperedRejected: every way of changing a signed bundle after signing
// is refused by opa (opa run and opa build with --verification-key) and by
// kaiji (bundle verify, scan --bundle-key); the untampered one is accepted.
func TestTamperedRejected(t *testing.T) {
	bin := opa(t)
	d := setupDemo(t)
	signed, err := os.ReadFile(d.signed)
	if err != nil {
		t.Fatal(err)
	}
	out, err := runTool(t, time.Minute, bin, "build", "-b", d.signed, "--verification-key", d.pub, "-o", filepath.Join(d.dir, "rebuilt.tar.gz"))
	if err != nil {
		t.Fatalf("opa build refuses kaiji's signature on an untampered bundle: %v\n%s", err, out)
	}
	if _, stderr, code := kaiji(t, "bundle", "verify", d.signed, "--key", d.pub); code != 0 {
		t.Fatalf("kaiji bundle verify on an untampered bundle: exit %d\n%s", code, stderr)
	}

	for name, edit := range Tampers {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(d.dir, strings.ReplaceAll(name, " ", "-")+".tar.gz")
			if err := os.WriteFile(p, tamper(t, signed, edit), 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := runTool(t, time.Minute, bin, "build", "-b", p, "--verification-key", d.pub, "-o", p+".out"); err == nil {
				t.Errorf("opa build --verification-key accepted the tampered bundle\n%s", out)
			}
			if _, stderr, code := kaiji(t, "bundle", "verify", p, "--key", d.pub); code != cli.ExitFailing {
				t.Errorf("kaiji bundle verify: exit %d, want %d\n%s", code, cli.ExitFailing, stderr)
			}
			if _, stderr, code := kaiji(t, "scan", "--claims", demoClaims, "--bundle", p, "--bundle-key", d.pub, demoInfra); code != cli.ExitInput {
				t.Errorf("kaiji scan --bundle-key: exit %d, want %d\n%s", code, cli.ExitInput, stderr)
			}
		})
	}

	// opa run (the server that would serve the decisions) refuses to start.
	p := filepath.Join(d.dir, "module-changed.tar.gz")
	out, err = runTool(t, time.Minute, bin, "run", "--server", "--addr", freeAddr(t), "-b", p, "--verification-key", d.pub)
	if err == nil || strings.Contains(err.Error(), "timed out") {
		t.Errorf("opa run --verification-key did not refuse the tampered bundle: %v\n%s", err, out)
	} else if !strings.Contains(out, "digest mismatch") {
		t.Errorf("opa run refused the tampered bundle for another reason:\n%s", out)
	}
}

// TestOPASignedAcceptedByKaiji: the signature format is OPA's both ways —
// a bundle that opa build --signing-key signs verifies with kaiji and
// decides as the embedded policies under kaiji scan --bundle-key.
func TestOPASignedAcceptedByKaiji(t *testing.T) {
	bin := opa(t)
	d := setupDemo(t)
	opaSigned := filepath.Join(d.dir, "opa-signed.tar.gz")
	if out, err := runTool(t, 2*time.Minute, bin, "build", "-b", d.bundle, "--signing-key", d.priv, "-o", opaSigned); err != nil {
		t.Fatalf("opa build --signing-key: %v\n%s", err, out)
	}
	if _, stderr, code := kaiji(t, "bundle", "verify", opaSigned, "--key", d.pub); code != 0 {
		t.Fatalf("kaiji bundle verify on an opa-signed bundle: exit %d\n%s", code, stderr)
	}
	if diff := cmp.Diff(kaijiDecisions(t), kaijiDecisions(t, "--bundle", opaSigned, "--bundle-key", d.pub)); diff != "" {
		t.Errorf("kaiji scan --bundle (opa-signed) differs from the embedded policies (-embedded +bundle):\n%s", diff)
	}
	_, otherPub := ecKey(t)
	other := filepath.Join(d.dir, "other.pem")
	if err := os.WriteFile(other, otherPub, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := kaiji(t, "bundle", "verify", opaSigned, "--key", other, "--alg", "ES256"); code != cli.ExitFailing {
		t.Errorf("kaiji bundle verify with another key: exit %d, want %d\n%s", code, cli.ExitFailing, stderr)
	}
}

// TestOPACheckOwnRego: the Rego kaiji adds outside policies/ (the bundled
// entrypoint and the Gatekeeper templates) passes opa check --strict and
// is formatted as opa fmt formats it.
func TestOPACheckOwnRego(t *testing.T) {
	bin := opa(t)
	for _, args := range [][]string{
		{"check", "--strict", "rego", "gatekeeper"},
		{"fmt", "--list", "--fail", "rego", "gatekeeper"},
	} {
		if out, err := runTool(t, time.Minute, bin, args...); err != nil {
			t.Errorf("opa %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// TestGatorVerify runs gator verify on the exported templates and
// constraints with the suite of allowed and denied objects in
// testdata/bundles/gatekeeper.
func TestGatorVerify(t *testing.T) {
	bin := tool(t, "gator")
	t.Chdir("..")
	dir := t.TempDir()
	if _, stderr, code := kaiji(t, "export", "gatekeeper", "--claims", demoClaims, "-o", dir); code != 0 {
		t.Fatalf("kaiji export gatekeeper: exit %d\n%s", code, stderr)
	}
	if err := os.CopyFS(dir, os.DirFS("testdata/bundles/gatekeeper")); err != nil {
		t.Fatal(err)
	}
	out, err := runTool(t, 2*time.Minute, bin, "verify", "-v", dir)
	if err != nil {
		t.Fatalf("gator verify: %v\n%s", err, out)
	}
	if !strings.Contains(out, "PASS") || strings.Contains(out, "FAIL") {
		t.Errorf("gator verify output:\n%s", out)
	}

	// gator test denies a denied object with kaiji's message and exits
	// non-zero, and admits an allowed one.
	denied := filepath.Join(dir, "objects", "deployment-no-probe.yaml")
	out, err = runTool(t, time.Minute, bin, "test", "-f", filepath.Join(dir, "templates"), "-f", filepath.Join(dir, "constraints"), "-f", denied)
	if err == nil || !strings.Contains(out, "has no livenessProbe") {
		t.Errorf("gator test on a denied object: err = %v\n%s", err, out)
	}
	allowed := filepath.Join(dir, "objects", "pod-probe.yaml")
	if out, err := runTool(t, time.Minute, bin, "test", "-f", filepath.Join(dir, "templates"), "-f", filepath.Join(dir, "constraints"), "-f", allowed); err != nil {
		t.Errorf("gator test on an allowed object: %v\n%s", err, out)
	}
}
