package report

import (
	"bytes"
	"cmp"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/kaiji-dev/kaiji/internal/results"
)

// Evidence pack file names.
const (
	ManifestFile  = "manifest.json"
	SignatureFile = "manifest.json.sig" // raw 64-byte ed25519 signature of manifest.json
	PackSchema    = "kaiji.pack/v1"
)

// packFiles are the reports an evidence pack holds, in the order written.
var packFiles = []struct{ name, format string }{
	{"report.html", FormatHTML},
	{"results.json", FormatJSON},
	{"results.sarif", FormatSARIF},
	{"summary.md", FormatMarkdown},
	{"sheet.xlsx", FormatSheetXLSX},
	{"sheet.csv", FormatSheet},
	{"sheet.md", FormatSheetMarkdown},
}

// Manifest describes an evidence pack: what produced it, from which inputs,
// and the SHA-256 of every file in it. Its time is the only thing in the
// pack that changes between two packs of the same inputs.
type Manifest struct {
	Schema       string          `json:"schema"`
	KaijiVersion string          `json:"kaiji_version"`
	PolicyDigest string          `json:"policy_digest"`
	Created      string          `json:"created"` // RFC 3339, UTC
	Arguments    []string        `json:"arguments"`
	Service      string          `json:"service,omitempty"`
	Edition      string          `json:"edition"`
	Pattern      int             `json:"pattern"`
	Summary      results.Summary `json:"summary"`
	Inputs       []PackInput     `json:"inputs"`
	Files        []PackFile      `json:"files"`
	// Signed names the key that signed manifest.json (its public key's
	// SHA-256), when the pack is signed.
	Signed string `json:"signed_by,omitempty"`
}

// PackInput is one input of the scan.
type PackInput struct {
	Path   string `json:"path"`
	Role   string `json:"role"` // infrastructure, claims, var-file, waivers, baseline, results
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// PackFile is one file of the pack.
type PackFile struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// PackOptions configure WritePack.
type PackOptions struct {
	Lang string
	// Root is the directory input paths are relative to ("" = current).
	Root string
	// Inputs are inputs beyond the infrastructure files the run lists:
	// role → paths (claims file, variable files, waivers, baseline).
	Inputs map[string][]string
	// Arguments is the command line, recorded in the manifest.
	Arguments []string
	// Now is the pack's time.
	Now time.Time
	// SignKey, when set, signs manifest.json (manifest.json.sig).
	SignKey ed25519.PrivateKey
}

// WritePack writes the evidence pack for auditors to dir (created if
// needed; it must be empty or absent): the HTML report, results.json, SARIF,
// the Markdown summary, the filled sheet as xlsx, CSV and Markdown, and
// manifest.json with the SHA-256 of every input and every file, optionally
// signed with ed25519.
func WritePack(ctx context.Context, dir string, r *results.Run, opts PackOptions) (*Manifest, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create pack: %w", err)
	}
	if entries, err := os.ReadDir(dir); err != nil {
		return nil, fmt.Errorf("read pack: %w", err)
	} else if len(entries) > 0 {
		return nil, fmt.Errorf("create pack: %s is not empty", dir)
	}
	m := &Manifest{
		Schema: PackSchema, KaijiVersion: r.Tool.Version, PolicyDigest: r.Tool.PolicyDigest,
		Created: opts.Now.UTC().Format(time.RFC3339), Arguments: append([]string{}, opts.Arguments...),
		Service: r.Service, Edition: r.Edition, Pattern: r.Pattern, Summary: r.Summary,
		Inputs: []PackInput{}, Files: []PackFile{},
	}
	for _, in := range r.Inputs {
		role := "infrastructure"
		if in.Collector == "claims" {
			role = "claims"
		}
		m.Inputs = append(m.Inputs, PackInput{Path: in.Path, Role: role, SHA256: in.SHA256, Size: in.Size})
	}
	roles := slices.Sorted(maps.Keys(opts.Inputs))
	for _, role := range roles {
		for _, p := range opts.Inputs[role] {
			if p == "" {
				continue
			}
			data, err := os.ReadFile(filepath.Join(opts.Root, filepath.FromSlash(p)))
			if err != nil {
				return nil, fmt.Errorf("hash input: %w", err)
			}
			sum := sha256.Sum256(data)
			m.Inputs = append(m.Inputs, PackInput{Path: filepath.ToSlash(p), Role: role, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data))})
		}
	}
	slices.SortFunc(m.Inputs, func(a, b PackInput) int { return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.Role, b.Role)) })
	m.Inputs = slices.CompactFunc(m.Inputs, func(a, b PackInput) bool { return a == b })

	for _, f := range packFiles {
		rep, err := New(f.format, Options{Lang: opts.Lang, Root: opts.Root})
		if err != nil {
			return nil, err
		}
		var b bytes.Buffer
		if err := rep.Report(ctx, &b, r); err != nil {
			return nil, fmt.Errorf("write %s: %w", f.name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, f.name), b.Bytes(), 0o644); err != nil {
			return nil, fmt.Errorf("write %s: %w", f.name, err)
		}
		sum := sha256.Sum256(b.Bytes())
		m.Files = append(m.Files, PackFile{Name: f.name, SHA256: hex.EncodeToString(sum[:]), Size: int64(b.Len())})
	}
	readme := packReadme(r, opts.SignKey != nil)
	if err := os.WriteFile(filepath.Join(dir, "README.md"), readme, 0o644); err != nil {
		return nil, fmt.Errorf("write README.md: %w", err)
	}
	sum := sha256.Sum256(readme)
	m.Files = append(m.Files, PackFile{Name: "README.md", SHA256: hex.EncodeToString(sum[:]), Size: int64(len(readme))})
	if opts.SignKey != nil {
		m.Signed = KeyID(opts.SignKey.Public().(ed25519.PublicKey))
	}
	var b bytes.Buffer
	if err := WriteJSON(&b, m); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, ManifestFile), b.Bytes(), 0o644); err != nil {
		return nil, fmt.Errorf("write manifest: %w", err)
	}
	if opts.SignKey != nil {
		sig := ed25519.Sign(opts.SignKey, b.Bytes())
		if err := os.WriteFile(filepath.Join(dir, SignatureFile), sig, 0o644); err != nil {
			return nil, fmt.Errorf("write signature: %w", err)
		}
	}
	return m, nil
}

// KeyID names a public key: "sha256:" and the hex SHA-256 of its PKIX DER form.
func KeyID(pub ed25519.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(der)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Problem kinds reported by VerifyPack.
const (
	ProblemChanged      = "changed"       // a pack file's SHA-256 differs from the manifest
	ProblemMissing      = "missing"       // a file the manifest lists is absent
	ProblemAdded        = "added"         // a file the manifest does not list is present
	ProblemSignature    = "signature"     // the signature is absent or does not verify
	ProblemInputChanged = "input-changed" // an input file differs from the one scanned
	ProblemInputMissing = "input-missing" // an input file is absent
	ProblemManifest     = "manifest"      // manifest.json is unreadable
)

// Problem is one thing VerifyPack found wrong.
type Problem struct {
	Kind   string `json:"kind"`
	Path   string `json:"path"`
	Detail string `json:"detail,omitempty"`
}

// String describes the problem in one line: "changed: report.html (…)".
func (p Problem) String() string {
	if p.Detail != "" {
		return fmt.Sprintf("%s: %s (%s)", p.Kind, p.Path, p.Detail)
	}
	return fmt.Sprintf("%s: %s", p.Kind, p.Path)
}

// VerifyOptions configure VerifyPack.
type VerifyOptions struct {
	// PublicKey, when set, requires a valid signature by it.
	PublicKey ed25519.PublicKey
	// InputsRoot, when set, re-hashes every input under it and reports
	// inputs that changed or vanished since the scan.
	InputsRoot string
}

// VerifyPack checks an evidence pack: every file the manifest lists is
// present with its SHA-256, no other file was added, the signature verifies
// (when a public key is given), and the inputs are unchanged (when their
// directory is given). It returns the manifest and every problem found.
func VerifyPack(dir string, opts VerifyOptions) (*Manifest, []Problem, error) {
	data, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return nil, nil, fmt.Errorf("read manifest: %w", err)
	}
	var probs []Problem
	if opts.PublicKey != nil {
		sig, err := os.ReadFile(filepath.Join(dir, SignatureFile))
		switch {
		case err != nil:
			probs = append(probs, Problem{Kind: ProblemSignature, Path: SignatureFile, Detail: "no signature"})
		case !ed25519.Verify(opts.PublicKey, data, sig):
			probs = append(probs, Problem{Kind: ProblemSignature, Path: SignatureFile, Detail: "does not verify with key " + KeyID(opts.PublicKey)})
		}
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, append(probs, Problem{Kind: ProblemManifest, Path: ManifestFile, Detail: err.Error()}), nil
	}
	if m.Schema != PackSchema {
		probs = append(probs, Problem{Kind: ProblemManifest, Path: ManifestFile, Detail: fmt.Sprintf("schema %q, want %q", m.Schema, PackSchema)})
	}
	listed := map[string]bool{ManifestFile: true, SignatureFile: true}
	for _, f := range m.Files {
		listed[f.Name] = true
		if !filepath.IsLocal(f.Name) {
			probs = append(probs, Problem{Kind: ProblemManifest, Path: f.Name, Detail: "not a path inside the pack"})
			continue
		}
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Name)))
		if err != nil {
			probs = append(probs, Problem{Kind: ProblemMissing, Path: f.Name})
			continue
		}
		if sum := sha256.Sum256(got); hex.EncodeToString(sum[:]) != f.SHA256 {
			probs = append(probs, Problem{Kind: ProblemChanged, Path: f.Name, Detail: "sha256 " + hex.EncodeToString(sum[:]) + ", manifest " + f.SHA256})
		}
	}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if !d.IsDir() && !listed[rel] {
			probs = append(probs, Problem{Kind: ProblemAdded, Path: rel})
		}
		return nil
	})
	if err != nil {
		return &m, probs, fmt.Errorf("walk pack: %w", err)
	}
	if opts.InputsRoot != "" {
		for _, in := range m.Inputs {
			got, err := os.ReadFile(filepath.Join(opts.InputsRoot, filepath.FromSlash(in.Path)))
			if err != nil {
				probs = append(probs, Problem{Kind: ProblemInputMissing, Path: in.Path})
				continue
			}
			if sum := sha256.Sum256(got); hex.EncodeToString(sum[:]) != in.SHA256 {
				probs = append(probs, Problem{Kind: ProblemInputChanged, Path: in.Path, Detail: in.Role})
			}
		}
	}
	slices.SortStableFunc(probs, func(a, b Problem) int { return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Path, b.Path)) })
	return &m, probs, nil
}

// GenerateKey returns a new ed25519 key pair as PEM: the private key in
// PKCS #8 and the public key in PKIX form, as `openssl genpkey -algorithm
// ed25519` and `openssl pkey -pubout` write them.
func GenerateKey() (privPEM, pubPEM []byte, err error) {
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		return nil, nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, nil, err
	}
	pder, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pder}), nil
}

// ErrNotEd25519 means a key file holds another kind of key.
var ErrNotEd25519 = errors.New("not an ed25519 key")

// ParsePrivateKey reads a PEM PKCS #8 ed25519 private key.
func ParsePrivateKey(data []byte) (ed25519.PrivateKey, error) {
	block, _ := pem.Decode(data)
	if block == nil || !strings.Contains(block.Type, "PRIVATE KEY") {
		return nil, fmt.Errorf("parse private key: no PEM PRIVATE KEY block")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parse private key: %w", err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("parse private key: %w", ErrNotEd25519)
	}
	return priv, nil
}

// ParsePublicKey reads a PEM PKIX ed25519 public key.
func ParsePublicKey(data []byte) (ed25519.PublicKey, error) {
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PUBLIC KEY" {
		return nil, fmt.Errorf("parse public key: no PEM PUBLIC KEY block")
	}
	k, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parse public key: %w", err)
	}
	pub, ok := k.(ed25519.PublicKey)
	if !ok {
		return nil, fmt.Errorf("parse public key: %w", ErrNotEd25519)
	}
	return pub, nil
}

// packReadme tells whoever opens the pack what is in it and how to check
// it, in Japanese and English. It holds nothing that varies between runs.
func packReadme(r *results.Run, signed bool) []byte {
	var b strings.Builder
	service := r.Service
	if service == "" {
		service = "-"
	}
	fmt.Fprintf(&b, "# 疎明資料パック / Evidence pack — %s\n\n", service)
	fmt.Fprintf(&b, "kaiji %s · %s · %s · pattern %d\n\n", r.Tool.Version, r.Tool.PolicyDigest, r.Edition, r.Pattern)
	b.WriteString(`| ファイル / file | 内容 / contents |
|---|---|
| report.html | 検証報告書（ブラウザで開き、PDF に印刷可）/ the evidence report (open in a browser, print to PDF) |
| sheet.xlsx, sheet.csv, sheet.md | 判定・疎明資料を追記した情報開示シート / the disclosure sheet with verdict and evidence columns |
| results.json | 判定結果（機械可読）/ the results, machine-readable |
| results.sarif | SARIF 2.1.0 |
| summary.md | 要約 / summary |
| manifest.json | 入力ファイルと各ファイルの SHA-256、ポリシー群ダイジェスト、作成日時、引数 / SHA-256 of every input and file, policy set digest, time, arguments |
`)
	if signed {
		b.WriteString("| manifest.json.sig | manifest.json の ed25519 署名 / ed25519 signature of manifest.json |\n")
	}
	b.WriteString(`
## 検証 / Verify

    kaiji report verify . --pub-key KEY.pub --inputs REPOSITORY

`)
	if signed {
		b.WriteString(`OpenSSL だけでも署名を検証できます / OpenSSL alone verifies the signature:

    openssl pkeyutl -verify -pubin -inkey KEY.pub -rawin -in manifest.json -sigfile manifest.json.sig

`)
	}
	b.WriteString(`各ファイルの SHA-256 は manifest.json の files に、走査した入力の SHA-256 は inputs にあります
（sha256sum で照合できます）。秘密情報（パスワード、トークン、秘密鍵、sensitive な値）は伏せ字です。

The SHA-256 of each file is in manifest.json (files), that of each scanned input in inputs
(sha256sum checks them). Secrets (passwords, tokens, private keys, sensitive values) are redacted.
`)
	return []byte(b.String())
}
