package bundles_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kaiji-dev/kaiji/bundles"
	"github.com/kaiji-dev/kaiji/internal/claims"
	"github.com/kaiji-dev/kaiji/policies"
)

func build(t *testing.T, opts bundles.BuildOptions) []byte {
	t.Helper()
	a, err := bundles.Build(opts)
	if err != nil {
		t.Fatal(err)
	}
	data, err := a.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestBuildLayout checks the bundle is what OPA expects and what kaiji
// evaluates: the manifest's revision is the embedded policies' digest, the
// root is kaiji, and OPA's own reader mounts the data where kaiji does.
func TestBuildLayout(t *testing.T) {
	builtin, err := policies.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	data := build(t, bundles.BuildOptions{})

	a, err := bundles.ReadArchive(bytes.NewReader(data), 0)
	if err != nil {
		t.Fatal(err)
	}
	if a.Files[0].Path != "/.manifest" {
		t.Errorf("first file = %s, want /.manifest", a.Files[0].Path)
	}
	var m struct {
		Revision    string   `json:"revision"`
		Roots       []string `json:"roots"`
		RegoVersion int      `json:"rego_version"`
	}
	mf, _ := a.Get(".manifest")
	if err := json.Unmarshal(mf.Data, &m); err != nil {
		t.Fatal(err)
	}
	if m.Revision != builtin.Manifest.Revision || !strings.HasPrefix(m.Revision, "sha256:") {
		t.Errorf("revision = %q, want the policy digest %q", m.Revision, builtin.Manifest.Revision)
	}
	if diff := cmp.Diff([]string{"kaiji"}, m.Roots); diff != "" {
		t.Errorf("roots (-want +got):\n%s", diff)
	}
	if m.RegoVersion != 1 {
		t.Errorf("rego_version = %d, want 1", m.RegoVersion)
	}
	if _, ok := a.Get("kaiji/data/reference/data.json"); !ok {
		t.Error("no kaiji/data/reference/data.json")
	}
	for _, f := range a.Files {
		if strings.HasSuffix(f.Path, "_test.rego") {
			t.Errorf("%s: test module in a bundle built without tests", f.Path)
		}
	}

	b, err := bundles.Read(data, bundles.VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(normalize(t, builtin.Data), normalize(t, b.Data)); diff != "" {
		t.Errorf("data as OPA reads it differs from the embedded data (-want +got):\n%s", diff)
	}
	if len(b.Modules) != len(builtin.Modules) {
		t.Errorf("%d modules, want %d", len(b.Modules), len(builtin.Modules))
	}

	if again := build(t, bundles.BuildOptions{}); !bytes.Equal(data, again) {
		t.Error("two builds of the same policies differ: builds must be reproducible")
	}
}

func TestBuildTestsAndClaims(t *testing.T) {
	d, err := claims.LoadFile("../testdata/demo/disclosure.yaml")
	if err != nil {
		t.Fatal(err)
	}
	plain := build(t, bundles.BuildOptions{})
	data := build(t, bundles.BuildOptions{Tests: true, Disclosure: d, Pattern: 3})
	a, err := bundles.ReadArchive(bytes.NewReader(data), 0)
	if err != nil {
		t.Fatal(err)
	}
	tests := 0
	for _, f := range a.Files {
		if strings.HasSuffix(f.Path, "_test.rego") {
			tests++
		}
	}
	if tests == 0 {
		t.Error("--tests bundle has no test modules")
	}
	b, err := bundles.Read(data, bundles.VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pb, _ := bundles.Read(plain, bundles.VerifyOptions{})
	if b.Manifest.Revision != pb.Manifest.Revision {
		t.Errorf("revision with tests %s != without %s: tests must not change the policy digest", b.Manifest.Revision, pb.Manifest.Revision)
	}
	disc, ok := b.Data["kaiji"].(map[string]any)["disclosure"].(map[string]any)
	if !ok {
		t.Fatalf("no data.kaiji.disclosure in %v", b.Data["kaiji"])
	}
	if disc["pattern"] != json.Number("3") && disc["pattern"] != float64(3) {
		t.Errorf("disclosure pattern = %v (%T), want 3", disc["pattern"], disc["pattern"])
	}
	if n := len(disc["claims"].([]any)); n != len(d.Claims) {
		t.Errorf("%d claims stored, want %d", n, len(d.Claims))
	}
}

func rsaKey(t *testing.T) (priv, pub []byte) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pubDER, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}),
		pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
}

func ecKey(t *testing.T) (priv, pub []byte) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	pubDER, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
}

func sign(t *testing.T, data, priv []byte) []byte {
	t.Helper()
	a, err := bundles.ReadArchive(bytes.NewReader(data), 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := bundles.Sign(a, bundles.SignOptions{PrivateKey: priv}); err != nil {
		t.Fatal(err)
	}
	out, err := a.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// tamper rewrites a signed bundle with edit applied, keeping its signature.
func tamper(t *testing.T, signed []byte, edit func(*bundles.Archive)) []byte {
	t.Helper()
	a, err := bundles.ReadArchive(bytes.NewReader(signed), 0)
	if err != nil {
		t.Fatal(err)
	}
	edit(a)
	out, err := a.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Tampers are the ways a signed bundle can change after signing; each must
// be refused by kaiji and (in interop_test.go) by opa.
var Tampers = map[string]func(*bundles.Archive){
	"module changed": func(a *bundles.Archive) {
		f, _ := a.Get("policies/main.rego")
		a.Put(f.Path, append(append([]byte{}, f.Data...), []byte("\nextra := true\n")...))
	},
	"data changed": func(a *bundles.Archive) {
		f, _ := a.Get("kaiji/data/reference/data.json")
		a.Put(f.Path, bytes.Replace(f.Data, []byte(`"every_seconds": 300`), []byte(`"every_seconds": 86400`), 1))
	},
	"module added": func(a *bundles.Archive) {
		a.Put("policies/evil.rego", []byte("package kaiji.evil\n\nx := 1\n"))
	},
	"module removed": func(a *bundles.Archive) { a.Remove("policies/main.rego") },
	"manifest changed": func(a *bundles.Archive) {
		f, _ := a.Get(".manifest")
		a.Put(f.Path, bytes.Replace(f.Data, []byte(`"revision": "`), []byte(`"revision": "x`), 1))
	},
}

func TestSignVerify(t *testing.T) {
	t.Parallel()
	unsigned := build(t, bundles.BuildOptions{})
	for name, keys := range map[string]func(*testing.T) ([]byte, []byte){"RS256": rsaKey, "ES256": ecKey} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			priv, pub := keys(t)
			signed := sign(t, unsigned, priv)
			b, err := bundles.Verify(signed, bundles.VerifyOptions{PublicKey: pub})
			if err != nil {
				t.Fatalf("verify a freshly signed bundle: %v", err)
			}
			if !strings.HasPrefix(b.Manifest.Revision, "sha256:") {
				t.Errorf("revision %q", b.Manifest.Revision)
			}
			if !bytes.Equal(sign(t, unsigned, priv), sign(t, unsigned, priv)) && name == "RS256" {
				t.Error("RS256 signatures of the same bundle differ") // RSA PKCS#1 v1.5 is deterministic
			}

			_, otherPub := keys(t)
			if _, err := bundles.Verify(signed, bundles.VerifyOptions{PublicKey: otherPub}); !errors.Is(err, bundles.ErrVerify) {
				t.Errorf("verify with another key: err = %v, want ErrVerify", err)
			}
			if _, err := bundles.Verify(unsigned, bundles.VerifyOptions{PublicKey: pub}); !errors.Is(err, bundles.ErrVerify) {
				t.Errorf("verify an unsigned bundle: err = %v, want ErrVerify", err)
			}
			for tname, edit := range Tampers {
				if _, err := bundles.Verify(tamper(t, signed, edit), bundles.VerifyOptions{PublicKey: pub}); !errors.Is(err, bundles.ErrVerify) {
					t.Errorf("%s: err = %v, want ErrVerify", tname, err)
				}
			}
		})
	}
}

func TestSignRejectsPublicKey(t *testing.T) {
	_, pub := rsaKey(t)
	a, _ := bundles.Build(bundles.BuildOptions{})
	if err := bundles.Sign(a, bundles.SignOptions{PrivateKey: pub}); err == nil {
		t.Error("signing with a public key succeeded")
	}
}

func TestLoad(t *testing.T) {
	t.Parallel()
	priv, pub := rsaKey(t)
	signed := sign(t, build(t, bundles.BuildOptions{}), priv)
	dir := t.TempDir()
	file := filepath.Join(dir, "kaiji.tar.gz")
	if err := os.WriteFile(file, signed, 0o644); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/kaiji.tar.gz":
			_, _ = w.Write(signed)
		case "/slow":
			time.Sleep(2 * time.Second)
			_, _ = w.Write(signed)
		case "/big":
			_, _ = w.Write(bytes.Repeat([]byte{0}, 4096))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	ctx := context.Background()

	for _, src := range []string{file, srv.URL + "/kaiji.tar.gz"} {
		b, err := bundles.Load(ctx, src, bundles.LoadOptions{VerifyOptions: bundles.VerifyOptions{PublicKey: pub}})
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if len(b.Modules) == 0 {
			t.Errorf("%s: no modules", src)
		}
		// Without a key the signature is not required.
		if _, err := bundles.Load(ctx, src, bundles.LoadOptions{}); err != nil {
			t.Errorf("%s without key: %v", src, err)
		}
	}
	if _, err := bundles.Load(ctx, srv.URL+"/missing", bundles.LoadOptions{}); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("404: err = %v", err)
	}
	if _, err := bundles.Load(ctx, srv.URL+"/big", bundles.LoadOptions{VerifyOptions: bundles.VerifyOptions{MaxBytes: 1024}}); !errors.Is(err, bundles.ErrTooLarge) {
		t.Errorf("oversized: err = %v, want ErrTooLarge", err)
	}
	if _, err := bundles.Load(ctx, srv.URL+"/slow", bundles.LoadOptions{Timeout: 200 * time.Millisecond}); err == nil || !errors.Is(err, context.DeadlineExceeded) && !strings.Contains(err.Error(), "Timeout") {
		t.Errorf("slow: err = %v, want a timeout", err)
	}
}

// TestReadArchiveBomb: a small gzip that inflates past the limit is refused.
func TestReadArchiveBomb(t *testing.T) {
	a := &bundles.Archive{}
	a.Put("kaiji/data/x/data.json", bytes.Repeat([]byte(" "), 2<<20))
	data, _ := a.Bytes()
	if _, err := bundles.ReadArchive(bytes.NewReader(data), 1<<20); !errors.Is(err, bundles.ErrTooLarge) {
		t.Errorf("err = %v, want ErrTooLarge", err)
	}
	if _, err := bundles.ReadArchive(strings.NewReader("not gzip"), 0); !errors.Is(err, bundles.ErrNotBundle) {
		t.Errorf("err = %v, want ErrNotBundle", err)
	}
}

// normalize round-trips through JSON, so that OPA's json.Number and
// kaiji's float64 compare equal.
func normalize(t *testing.T, v any) any {
	t.Helper()
	js, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(js, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestLoadRefusesForeignBundles: a bundle claiming roots outside kaiji, or
// without kaiji's entrypoint, is refused before it reaches the engine.
func TestLoadRefusesForeignBundles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name string, a *bundles.Archive) string {
		data, err := a.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	foreignRoot, _ := bundles.Build(bundles.BuildOptions{})
	m, _ := foreignRoot.Get(".manifest")
	foreignRoot.Put(m.Path, bytes.Replace(m.Data, []byte(`"kaiji"`), []byte(`"kaiji", "system"`), 1))
	noMain := &bundles.Archive{}
	noMain.Put(".manifest", []byte(`{"revision": "x", "roots": ["kaiji"]}`))
	noMain.Put("policies/other.rego", []byte("package kaiji.other\n\nx := 1\n"))

	ctx := context.Background()
	if _, err := bundles.Load(ctx, write("root.tar.gz", foreignRoot), bundles.LoadOptions{}); err == nil || !strings.Contains(err.Error(), `root "system"`) {
		t.Errorf("foreign root: err = %v", err)
	}
	if _, err := bundles.Load(ctx, write("nomain.tar.gz", noMain), bundles.LoadOptions{}); !errors.Is(err, bundles.ErrNoEntrypoint) {
		t.Errorf("no kaiji.main: err = %v, want ErrNoEntrypoint", err)
	}
}
