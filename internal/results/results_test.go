package results

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kaiji-dev/kaiji/collectors"
)

// TestFinalizeUnreadable: an input that could not be read demotes every
// supported claim to unproven, naming the unreadable files; warnings do not.
func TestFinalizeUnreadable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		diags       collectors.Diagnostics
		wantVerdict string
		wantNamed   []string
		wantMore    string
	}{
		{"no diagnostics", nil, Supported, nil, ""},
		{"warnings only", collectors.Diagnostics{collectors.Warnf("a.tf", 3, "odd")}, Supported, nil, ""},
		{"one unreadable file", collectors.Diagnostics{collectors.Errorf("b.yaml", 7, "broken")}, Unproven, []string{"b.yaml"}, ""},
		{"several, each named once", collectors.Diagnostics{
			collectors.Errorf("z.json", 1, "broken"), collectors.Errorf("a.tf", 2, "broken"), collectors.Errorf("a.tf", 9, "broken again"),
		}, Unproven, []string{"a.tf, z.json"}, ""},
		{"many, the rest counted", collectors.Diagnostics{
			collectors.Errorf("1.tf", 1, "x"), collectors.Errorf("2.tf", 1, "x"), collectors.Errorf("3.tf", 1, "x"),
			collectors.Errorf("4.tf", 1, "x"), collectors.Errorf("5.tf", 1, "x"),
		}, Unproven, []string{"1.tf, 2.tf, 3.tf"}, "and 2 more"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := &Run{
				Claims: []Claim{
					{Index: 0, Verdict: Supported, Reason: Text{Ja: "裏付けあり", En: "backed"}},
					{Index: 1, Verdict: Contradicted, Reason: Text{En: "disproved"}},
				},
				Diagnostics: tt.diags,
			}
			r.Finalize()
			c := r.Claims[0]
			if c.Verdict != tt.wantVerdict {
				t.Fatalf("verdict = %s, want %s (reason %q)", c.Verdict, tt.wantVerdict, c.Reason.En)
			}
			if r.Claims[1].Verdict != Contradicted {
				t.Errorf("a contradicted claim changed to %s", r.Claims[1].Verdict)
			}
			for _, n := range tt.wantNamed {
				if !strings.Contains(c.Reason.En, n) || !strings.Contains(c.Reason.Ja, n) {
					t.Errorf("reason does not name %q: %+v", n, c.Reason)
				}
			}
			if tt.wantMore != "" && !strings.Contains(c.Reason.En, tt.wantMore) {
				t.Errorf("reason does not say %q: %q", tt.wantMore, c.Reason.En)
			}
			if tt.wantVerdict == Unproven && !strings.HasSuffix(c.Reason.En, "backed") {
				t.Errorf("reason lost the policy's own explanation: %q", c.Reason.En)
			}
			if diff := cmp.Diff(map[string]int{Supported: btoi(tt.wantVerdict == Supported), Contradicted: 1,
				Unproven: btoi(tt.wantVerdict == Unproven), NotCheckable: 0}, map[string]int(r.Summary.Claims)); diff != "" {
				t.Errorf("summary (-want +got):\n%s", diff)
			}
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
