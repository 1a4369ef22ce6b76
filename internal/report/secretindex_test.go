package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestSecretIndex: replacing only the secrets the index finds gives the
// same text as replacing every secret in order, including secrets that
// contain one another, overlap, or only appear across a replacement, with
// heads of every length (the shortest indexed secret sets it).
func TestSecretIndex(t *testing.T) {
	sets := [][]string{
		{"hunter2-do-not-leak", "hunter2-do", "s3cr3t-token-value", "abc", "x[REDA", "TED]yz", "CTED]y", "leak-leak"},
		{"hunter2", "hunter2-do-not-leak", "s3cr3t", "leak-leak"},
		{"app00000-tls", "app00001-tls", "app0000", "app00000"},
		{"abc", "x[REDA"},
		{},
	}
	texts := []string{
		"", "nothing here", "password = hunter2-do-not-leak", "a hunter2-do b", "token s3cr3t-token-value and hunter2-do-not-leak",
		"abcabc", "x[REDAhunter2-doTED]yz", "leak-leak-leak", strings.Repeat("hunter2-", 50), "s3cr3", "s3cr3t", "hunter",
		"app00000-tls app00001-tl app0000 app00000", "xapp00001-tlsx", "app0000",
	}
	// Texts of 2 MB, each with one secret across where two, three or four
	// equal parts meet (checkIndex also cuts each text in thirds).
	filler := strings.Repeat("app0000 hunter2- ", (1<<20)/8)
	for _, v := range []string{"hunter2-do-not-leak", "app00001-tls"} {
		n := len(filler)
		for _, at := range []int{n / 2, n / 3, 2 * n / 3, n / 4, 3 * n / 4} {
			texts = append(texts, filler[:at-3]+v+filler[at-3+len(v):])
		}
	}
	for _, secrets := range sets {
		x := newSecretIndex(sortSecrets(secrets))
		for _, text := range texts {
			checkIndex(t, x, text)
		}
	}
}

// sortSecrets orders secrets as NewSources does: longest first, then by text.
func sortSecrets(secrets []string) []string {
	sorted := slices.Clone(secrets)
	slices.SortFunc(sorted, func(a, b string) int { return cmp.Or(cmp.Compare(len(b), len(a)), strings.Compare(a, b)) })
	return slices.Compact(sorted)
}

// checkIndex compares what the index finds in text with every secret tried.
func checkIndex(t *testing.T, x secretIndex, text string) {
	t.Helper()
	want := text
	for _, v := range x.secrets {
		want = strings.ReplaceAll(want, v, Redacted)
	}
	got := text
	for _, v := range present(&x, text) {
		got = strings.ReplaceAll(got, v, Redacted)
	}
	if gotBytes := present(&x, []byte(text)); !slices.Equal(gotBytes, present(&x, text)) {
		t.Errorf("secrets %q, text %.200q: in bytes %q, in a string %q", x.secrets, text, gotBytes, present(&x, text))
	}
	// Cut into pieces, as the JSON report searches a run: at every byte,
	// in pieces of one and two bytes, and in three at a third and two.
	whole := present(&x, text)
	var cuts [][][]byte
	if len(text) < 64 {
		for i := range len(text) + 1 {
			cuts = append(cuts, [][]byte{[]byte(text[:i]), []byte(text[i:])})
		}
		for _, n := range []int{1, 2} {
			var ps [][]byte
			for i := 0; i < len(text); i += n {
				ps = append(ps, []byte(text[i:min(i+n, len(text))]))
			}
			cuts = append(cuts, ps)
		}
	}
	a, b := len(text)/3, 2*len(text)/3
	cuts = append(cuts, [][]byte{[]byte(text[:a]), []byte(text[a:b]), nil, []byte(text[b:])})
	for _, ps := range cuts {
		if got := presentIn(&x, ps); !slices.Equal(got, whole) {
			t.Errorf("secrets %q, text %.200q in %d pieces (first %d bytes): %q, whole %q", x.secrets, text, len(ps), len(ps[0]), got, whole)
			break
		}
	}
	if got != want {
		t.Errorf("secrets %q, text %.200q: got %.200q, want %.200q", x.secrets, text, got, want)
	}
	holds := false
	for _, v := range x.secrets {
		holds = holds || strings.Contains(text, v)
	}
	if x.holdsAny(text) != holds {
		t.Errorf("secrets %q, text %.200q: holdsAny = %v, want %v", x.secrets, text, !holds, holds)
	}
}

// FuzzSecretIndex: the index against every secret tried, for secrets cut
// from the fuzzed text itself (so that they occur) and from a second input.
func FuzzSecretIndex(f *testing.F) {
	f.Add("password = hunter2-do-not-leak and app00000-tls", "hunter2\x00app00000-tls\x00leak", uint8(3))
	f.Add("x[REDAhunter2-doTED]yz", "TED]yz\x00x[REDA\x00hunter2-do", uint8(7))
	f.Fuzz(func(t *testing.T, text, list string, cut uint8) {
		secrets := strings.Split(list, "\x00")
		if c := int(cut); c > 0 && len(text) > c {
			for i := 0; i+c <= len(text); i += c + 1 {
				secrets = append(secrets, text[i:i+c])
			}
		}
		secrets = slices.DeleteFunc(secrets, func(s string) bool { return s == "" })
		if len(secrets) > 64 {
			secrets = secrets[:64]
		}
		checkIndex(t, newSecretIndex(sortSecrets(secrets)), text)
	})
}

func TestMayNameSecret(t *testing.T) {
	for _, tc := range []struct {
		line string
		want bool
	}{
		{"  password = var.db_password", true},
		{`"DB_PASSWD": "x"`, true},
		{"client_Secret: abc", true},
		{"  API-KEY: x", true},
		{"sessionKey = 1", true},
		{"  ſecret = x", true}, // sensitiveKey folds Unicode
		{"private-key = x", true},
		{"ENCRYPTION_KEY=x", true},
		{"  Client-Key: x", true},
		{"apiVersion: apps/v1", false},
		{"  server_side_encryption_configuration {", false},
		{"  access_logs { bucket = x }", false},
		{"  authentication: oidc", false},
		{"  sessionAffinity: ClientIP", false},
		{"  replicas: 3", false},
		{"  image: nginx:1.27", false},
		{`  "name": "web"`, false},
		{"", false},
	} {
		if got := mayNameSecret(tc.line); got != tc.want {
			t.Errorf("mayNameSecret(%q) = %v, want %v", tc.line, got, tc.want)
		}
	}
}

// FuzzMayNameSecret: the prefilter never hides a line sensitiveKey matches.
func FuzzMayNameSecret(f *testing.F) {
	for _, s := range []string{"password", "PRIVATE_KEY", "Auth-Key", "x ſecret", "replicas: 3", "bearer", "ssh_key", "connectionString",
		"api-_key", "sas_-key", "apiVersion: v1", "sessio-n_key"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		if sensitiveKey.MatchString(line) && !mayNameSecret(line) {
			t.Errorf("sensitiveKey matches %q but mayNameSecret says it cannot", line)
		}
	})
}

// BenchmarkSecretIndex finds the secrets a report-sized document holds: 16
// MB of JSON-like text in pieces against 2,000 secrets, two of them present.
func BenchmarkSecretIndex(b *testing.B) {
	var secrets []string
	for i := range 1000 {
		secrets = append(secrets, fmt.Sprintf("s3cr3t-%04d-value", i), fmt.Sprintf("pa55word%04d", i))
	}
	x := newSecretIndex(secrets)
	var sb strings.Builder
	for i := 0; sb.Len() < 16<<20; i++ {
		fmt.Fprintf(&sb, `{"resource":"aws_s3_bucket.svc%04d","attribute":"server_side_encryption","file":"live/main.tf","line":%d,"message":"password-less and encrypted"},`, i, i)
	}
	text := []byte(sb.String() + "s3cr3t-0042-value pa55word0999")
	// In pieces, as a report's document comes (runPieces): a hundred here.
	var pieces [][]byte
	for i := 0; i < len(text); i += len(text)/100 + 1 {
		pieces = append(pieces, text[i:min(i+len(text)/100+1, len(text))])
	}
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if n := len(presentIn(&x, pieces)); n != 2 {
			b.Fatalf("presentIn: %d secrets, want 2", n)
		}
	}
}
