package bundles

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"
	"github.com/open-policy-agent/opa/v1/util"
)

// DefaultKeyID is the key id kaiji signs with and verifies against. It is
// OPA's own default (`opa run --verification-key-id`), so a bundle kaiji
// signs verifies with `opa run --verification-key KEY` and no other flag.
const DefaultKeyID = "default"

// signaturesPath is where OPA looks for a bundle's signatures.
const signaturesPath = "/.signatures.json"

// hashAlg is the file-hash algorithm in the signature payload, as opa sign.
const hashAlg = "SHA-256"

// SignOptions configure Sign.
type SignOptions struct {
	// PrivateKey is a PEM private key (PKCS#1, PKCS#8 or SEC 1).
	PrivateKey []byte
	// Algorithm is the JWS algorithm (RS256, PS256, ES256 …); inferred from
	// the key when empty: RS256 for RSA, ES256/ES384/ES512 for EC keys.
	Algorithm string
	// KeyID goes into the token's kid header; DefaultKeyID when empty.
	KeyID string
}

// Sign adds (or replaces) the bundle's .signatures.json: one JWT over the
// SHA-256 of every other file, computed as OPA computes it (structured
// files — data.json, .manifest — hashed as canonical JSON), so that OPA
// verifies it with --verification-key and kaiji with Verify.
func Sign(a *Archive, opts SignOptions) error {
	alg := opts.Algorithm
	if alg == "" {
		var err error
		if alg, err = inferAlgorithm(opts.PrivateKey, true); err != nil {
			return err
		}
	}
	kid := opts.KeyID
	if kid == "" {
		kid = DefaultKeyID
	}
	unsigned := a.Files[:0]
	for _, f := range a.Files {
		if !bundle.IsSignaturesFile(f.Path) {
			unsigned = append(unsigned, f)
		}
	}
	a.Files = unsigned
	a.sort()
	hasher, err := bundle.NewSignatureHasher(bundle.HashingAlgorithm(hashAlg))
	if err != nil {
		return err
	}
	files := make([]bundle.FileInfo, 0, len(a.Files))
	for _, f := range a.Files {
		p := strings.TrimPrefix(f.Path, "/")
		var value any = f.Data
		if bundle.IsStructuredDoc(p) {
			if err := util.Unmarshal(f.Data, &value); err != nil {
				return fmt.Errorf("sign %s: %w", p, err)
			}
		}
		sum, err := hasher.HashFile(value)
		if err != nil {
			return fmt.Errorf("sign %s: %w", p, err)
		}
		files = append(files, bundle.NewFile(p, hex.EncodeToString(sum), hashAlg))
	}
	sc := bundle.NewSigningConfig(string(opts.PrivateKey), alg, "")
	token, err := bundle.GenerateSignedToken(files, sc, kid)
	if err != nil {
		return fmt.Errorf("sign bundle: %w", err)
	}
	js, err := json.MarshalIndent(map[string]any{"signatures": []string{token}}, "", " ")
	if err != nil {
		return err
	}
	a.Put(signaturesPath, append(js, '\n'))
	a.sort()
	return nil
}

// VerifyOptions configure Verify and Read.
type VerifyOptions struct {
	// PublicKey is a PEM public key or certificate. When set, the bundle must
	// carry a signature made with the matching private key.
	PublicKey []byte
	// Algorithm is the JWS algorithm; inferred from the key when empty.
	Algorithm string
	// KeyID is the id the signature's kid must resolve to; DefaultKeyID when empty.
	KeyID string
	// MaxBytes bounds each file read (DefaultMaxBytes when <= 0).
	MaxBytes int64
}

// Verify checks a bundle archive's signature against the public key with
// OPA's own bundle reader: the JWT must verify, and its file list must match
// the archive's files and their hashes exactly — a file added, removed or
// changed after signing is refused.
func Verify(data []byte, opts VerifyOptions) (*bundle.Bundle, error) {
	if len(opts.PublicKey) == 0 {
		return nil, fmt.Errorf("%w: no public key", ErrVerify)
	}
	return Read(data, opts)
}

// Read parses a bundle archive into OPA's bundle form, with annotations,
// as Rego v1. With a public key it verifies the signature (see Verify);
// without one, a signature present in the bundle is not checked.
func Read(data []byte, opts VerifyOptions) (*bundle.Bundle, error) {
	limit := opts.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	r := bundle.NewReader(bytes.NewReader(data)).
		WithProcessAnnotations(true).
		WithRegoVersion(ast.RegoV1).
		WithSizeLimitBytes(limit)
	if len(opts.PublicKey) > 0 {
		alg := opts.Algorithm
		if alg == "" {
			var err error
			if alg, err = inferAlgorithm(opts.PublicKey, false); err != nil {
				return nil, err
			}
		}
		kid := opts.KeyID
		if kid == "" {
			kid = DefaultKeyID
		}
		keys := map[string]*bundle.KeyConfig{kid: {Key: string(opts.PublicKey), Algorithm: alg}}
		r = r.WithBundleVerificationConfig(bundle.NewVerificationConfig(keys, kid, "", nil))
	} else {
		r = r.WithSkipBundleVerification(true)
	}
	b, err := r.Read()
	if err != nil {
		if len(opts.PublicKey) > 0 && isVerifyError(err) {
			return nil, fmt.Errorf("%w: %w", ErrVerify, err)
		}
		return nil, fmt.Errorf("read bundle: %w", err)
	}
	return &b, nil
}

// isVerifyError tells signature failures from malformed bundles. OPA's
// reader returns plain errors; these are the messages of its signature
// checks (v1/bundle verify.go and bundle.go).
func isVerifyError(err error) bool {
	msg := err.Error()
	for _, s := range []string{
		"signature", "digest mismatch", "not included in bundle signature",
		"specified in bundle signatures", "verification key", "scope mismatch",
		"JWT", "key ID",
	} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// inferAlgorithm picks the JWS algorithm for a PEM key: RS256 for RSA, and
// the ES algorithm matching an EC key's curve.
func inferAlgorithm(pemKey []byte, private bool) (string, error) {
	block, _ := pem.Decode(pemKey)
	if block == nil {
		return "", errors.New("key: no PEM block (want a PEM-encoded RSA or EC key)")
	}
	var key any
	var err error
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "RSA PUBLIC KEY":
		key, err = x509.ParsePKCS1PublicKey(block.Bytes)
	case "PUBLIC KEY":
		key, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "CERTIFICATE":
		var cert *x509.Certificate
		if cert, err = x509.ParseCertificate(block.Bytes); err == nil {
			key = cert.PublicKey
		}
	default:
		return "", fmt.Errorf("key: unsupported PEM block %q", block.Type)
	}
	if err != nil {
		return "", fmt.Errorf("key: %w", err)
	}
	isPrivate := false
	switch k := key.(type) {
	case *rsa.PrivateKey:
		isPrivate = true
		return checkKind("RS256", private, isPrivate)
	case *rsa.PublicKey:
		return checkKind("RS256", private, isPrivate)
	case *ecdsa.PrivateKey:
		isPrivate = true
		return checkKind(ecAlg(k.Curve), private, isPrivate)
	case *ecdsa.PublicKey:
		return checkKind(ecAlg(k.Curve), private, isPrivate)
	}
	return "", fmt.Errorf("key: unsupported key type %T (want RSA or EC; OPA bundle signatures do not support others)", key)
}

func checkKind(alg string, wantPrivate, isPrivate bool) (string, error) {
	switch {
	case alg == "":
		return "", errors.New("key: unsupported EC curve (want P-256, P-384 or P-521)")
	case wantPrivate && !isPrivate:
		return "", errors.New("key: a public key cannot sign (want the private key)")
	}
	return alg, nil
}

func ecAlg(c elliptic.Curve) string {
	switch c {
	case elliptic.P256():
		return "ES256"
	case elliptic.P384():
		return "ES384"
	case elliptic.P521():
		return "ES512"
	}
	return ""
}
