package report

import (
	"strings"
	"testing"
)

// TestSecretIndex: replacing only the secrets the index finds gives the
// same text as replacing every secret in order, including secrets that
// contain one another, overlap, or only appear across a replacement.
func TestSecretIndex(t *testing.T) {
	secrets := []string{"hunter2-do-not-leak", "hunter2-do", "s3cr3t-token-value", "abc", "x[REDA", "TED]yz", "CTED]y", "leak-leak"}
	texts := []string{
		"", "nothing here", "password = hunter2-do-not-leak", "a hunter2-do b", "token s3cr3t-token-value and hunter2-do-not-leak",
		"abcabc", "x[REDAhunter2-doTED]yz", "leak-leak-leak", strings.Repeat("hunter2-", 50),
	}
	// the order NewSources sorts them in: longest first, then by text
	sorted := append([]string(nil), secrets...)
	for i := range sorted {
		for j := i + 1; j < len(sorted); j++ {
			a, b := sorted[i], sorted[j]
			if len(b) > len(a) || len(b) == len(a) && b < a {
				sorted[i], sorted[j] = b, a
			}
		}
	}
	x := newSecretIndex(sorted)
	for _, text := range texts {
		want := text
		for _, v := range sorted {
			want = strings.ReplaceAll(want, v, Redacted)
		}
		got := text
		for _, v := range x.present(text) {
			got = strings.ReplaceAll(got, v, Redacted)
		}
		if got != want {
			t.Errorf("%q: got %q, want %q", text, got, want)
		}
		holds := false
		for _, v := range sorted {
			holds = holds || strings.Contains(text, v)
		}
		if x.holdsAny(text) != holds {
			t.Errorf("%q: holdsAny = %v, want %v", text, !holds, holds)
		}
	}
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
	for _, s := range []string{"password", "PRIVATE_KEY", "Auth-Key", "x ſecret", "replicas: 3", "bearer", "ssh_key", "connectionString"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		if sensitiveKey.MatchString(line) && !mayNameSecret(line) {
			t.Errorf("sensitiveKey matches %q but mayNameSecret says it cannot", line)
		}
	})
}
