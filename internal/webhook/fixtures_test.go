package webhook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/open-policy-agent/opa/v1/bundle"
	admissionv1 "k8s.io/api/admission/v1"
	"sigs.k8s.io/yaml"

	"github.com/kaiji-dev/kaiji/collectors/kubernetes"
	"github.com/kaiji-dev/kaiji/internal/claims"
	"github.com/kaiji-dev/kaiji/internal/engine"
	"github.com/kaiji-dev/kaiji/internal/webhook"
	"github.com/kaiji-dev/kaiji/policies"
)

var update = flag.Bool("update", false, "rewrite the golden responses in testdata/admission")

const fixtures = "testdata/admission"

// fixtureStore compiles the embedded admission policies with the fixture
// claims and data (encrypted storage classes), as kaiji serve --claims
// disclosure.yaml --data admission.yaml --evaluator evaluator does.
func fixtureStore(t testing.TB, evaluator string) *webhook.Store[*webhook.Policies] {
	t.Helper()
	d, err := claims.LoadFile(filepath.Join(fixtures, "disclosure.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	data, err := policies.LoadDataFile(filepath.Join(fixtures, "admission.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New(context.Background(), engine.Options{Extra: []*bundle.Bundle{data}, Query: engine.AdmissionQuery, Evaluator: evaluator})
	if err != nil {
		t.Fatal(err)
	}
	s := webhook.NewStore[*webhook.Policies](nil)
	s.Set(&webhook.PolicySet[*webhook.Policies]{
		Value:    &webhook.Policies{Engine: eng, Claims: d.Inputs(), Pattern: d.Pattern, Edition: d.Edition},
		Revision: "fixture",
	})
	return s
}

// fixtureBody reads an AdmissionReview fixture (YAML or JSON) as JSON.
func fixtureBody(t testing.TB, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(fixtures, name+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	js, err := yaml.YAMLToJSON(raw)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return js
}

// modeResult is what one mode answers for a fixture.
type modeResult struct {
	Response *admissionv1.AdmissionResponse `json:"response"`
	Audit    []webhook.AuditRecord          `json:"audit,omitempty"`
}

func runMode(t *testing.T, eval webhook.Evaluator, mode webhook.Mode, body []byte) modeResult {
	t.Helper()
	var audit bytes.Buffer
	h := webhook.NewHandler(eval, webhook.Options{
		Mode: mode, Audit: &audit,
		Now: func() time.Time { return time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC) },
	})
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/validate", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("%s: status %d: %s", mode, rec.Code, rec.Body.String())
	}
	var out admissionv1.AdmissionReview
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out.Response == nil {
		t.Fatalf("%s: not an AdmissionReview response: %v\n%s", mode, err, rec.Body.String())
	}
	res := modeResult{Response: out.Response}
	for line := range strings.Lines(audit.String()) {
		var r webhook.AuditRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("audit line %q: %v", line, err)
		}
		res.Audit = append(res.Audit, r)
	}
	return res
}

// TestFixtures runs every AdmissionReview fixture through the real handler,
// the Kubernetes collector and the embedded admission policies in each mode:
// enforce denies naming the claim (item, ja, en) and the field, warn admits
// with warnings, audit admits and writes one JSON line (never for a dry run).
// Advisory findings (a value the object cannot prove) warn in every mode.
func TestFixtures(t *testing.T) {
	const (
		allow = "allow" // no finding
		deny  = "deny"  // enforce refuses
		warn  = "warn"  // advisory: admitted with a warning even in enforce
	)
	tests := []struct {
		name   string
		want   string
		item   int
		field  string // the offending field the message names
		dryRun bool
	}{
		{"liveness-deployment-allowed", allow, 0, "", false},
		{"liveness-deployment-default-period-allowed", allow, 0, "", false},
		{"liveness-deployment-no-probe", deny, 60, "spec.template.spec.containers[0].livenessProbe", false},
		{"liveness-deployment-slow-probe", deny, 60, "spec.template.spec.containers[0].livenessProbe", false},
		{"liveness-statefulset-allowed", allow, 0, "", false},
		{"liveness-statefulset-no-probe", deny, 60, "spec.template.spec.containers[0].livenessProbe", false},
		{"liveness-statefulset-slow-probe", deny, 60, "spec.template.spec.containers[0].livenessProbe", false},
		{"liveness-daemonset-allowed", allow, 0, "", false},
		{"liveness-daemonset-no-probe", deny, 60, "spec.template.spec.containers[0].livenessProbe", false},
		{"liveness-daemonset-slow-probe", deny, 60, "spec.template.spec.containers[0].livenessProbe", false},
		{"liveness-pod-allowed", allow, 0, "", false},
		{"liveness-pod-no-probe", deny, 60, "spec.containers[0].livenessProbe", false},
		{"liveness-pod-slow-probe", deny, 60, "spec.containers[0].livenessProbe", false},
		{"liveness-cronjob-allowed", allow, 0, "", false},
		// A CronJob's containers run to completion: a missing probe is no
		// violation, a probe slower than the claim is.
		{"liveness-cronjob-no-probe-allowed", allow, 0, "", false},
		{"liveness-cronjob-slow-probe", deny, 60, "spec.jobTemplate.spec.template.spec.containers[0].livenessProbe", false},

		{"tls-ingress-without-tls", deny, 76, "spec.tls", false},
		{"tls-ingress-nginx-allowed", allow, 0, "", false},
		{"tls-ingress-nginx-redirect-off", deny, 76, "spec.tls", false},
		{"tls-ingress-redirect-unknown-advisory", warn, 76, "spec.tls", false},
		{"tls-gateway-https-allowed", allow, 0, "", false},
		{"tls-gateway-http-advisory", warn, 76, "spec.listeners[1]", false},

		{"firewall-loadbalancer-open", deny, 71, "spec.loadBalancerSourceRanges", false},
		{"firewall-loadbalancer-source-ranges-allowed", allow, 0, "", false},
		{"firewall-loadbalancer-internal-allowed", allow, 0, "", false},
		{"firewall-clusterip-allowed", allow, 0, "", false},
		{"firewall-default-deny-create-allowed", allow, 0, "", false},
		{"firewall-default-deny-delete", deny, 71, "spec.podSelector", false},
		{"firewall-default-deny-opened", deny, 71, "spec.podSelector", false},
		{"firewall-other-policy-delete-allowed", allow, 0, "", false},

		{"storage-pvc-encrypted-class-allowed", allow, 0, "", false},
		{"storage-pvc-plain-class", deny, 67, "spec.storageClassName", false},
		{"storage-statefulset-plain-class", deny, 67, "spec.volumeClaimTemplates[0].spec.storageClassName", false},

		{"backup-velero-daily-allowed", allow, 0, "", false},
		{"backup-velero-weekly", deny, 54, "spec.schedule", false},
		{"backup-velero-short-ttl", deny, 54, "spec.template.ttl", false},

		{"location-deployment-tokyo-allowed", allow, 0, "", false},
		{"location-deployment-seoul", deny, 82, "spec.template.spec.nodeSelector", false},
		{"location-statefulset-osaka-affinity", deny, 82, "spec.template.spec.affinity.nodeAffinity", false},
		{"location-pod-unpinned-allowed", allow, 0, "", false},

		{"dryrun-deployment-no-probe", deny, 60, "spec.template.spec.containers[0].livenessProbe", true},
	}
	// Both evaluators answer every fixture with the same golden response.
	evals := map[string]*webhook.KaijiEvaluator{}
	for _, ev := range []string{engine.EvaluatorPlan, engine.EvaluatorTopdown} {
		evals[ev] = &webhook.KaijiEvaluator{Store: fixtureStore(t, ev), Facts: kubernetes.FactsFromObject}
	}
	seen := map[string]bool{}
	for _, ev := range []string{engine.EvaluatorPlan, engine.EvaluatorTopdown} {
		eval := evals[ev]
		for _, tt := range tests {
			seen[tt.name] = true
			t.Run(ev+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				body := fixtureBody(t, tt.name)
				got := map[webhook.Mode]modeResult{}
				for _, m := range []webhook.Mode{webhook.ModeEnforce, webhook.ModeWarn, webhook.ModeAudit} {
					got[m] = runMode(t, eval, m, body)
				}
				enf, wrn, aud := got[webhook.ModeEnforce], got[webhook.ModeWarn], got[webhook.ModeAudit]
				mark := "開示項目" + itoa(tt.item)
				switch tt.want {
				case allow:
					for m, r := range got {
						if !r.Response.Allowed || len(r.Response.Warnings) > 0 || len(r.Audit) > 0 {
							t.Errorf("%s: want allowed without findings, got %+v", m, r)
						}
					}
				case deny:
					msg := ""
					if enf.Response.Result != nil {
						msg = enf.Response.Result.Message
					}
					if enf.Response.Allowed || enf.Response.Result.Code != http.StatusForbidden {
						t.Errorf("enforce: want 403 denial, got %+v", enf.Response)
					}
					for _, part := range []string{mark, "/", tt.field} {
						if !strings.Contains(msg, part) {
							t.Errorf("enforce: message %q does not name %q", msg, part)
						}
					}
					if !hasJapanese(msg) {
						t.Errorf("enforce: message %q has no Japanese", msg)
					}
				case warn:
					if !enf.Response.Allowed || len(enf.Response.Warnings) == 0 || !strings.Contains(enf.Response.Warnings[0], mark) {
						t.Errorf("enforce: an advisory finding must admit with a warning, got %+v", enf.Response)
					}
				}
				if tt.want != allow {
					if !wrn.Response.Allowed || len(wrn.Response.Warnings) == 0 || !strings.Contains(strings.Join(wrn.Response.Warnings, "\n"), tt.field) {
						t.Errorf("warn: want allowed with a warning naming %s, got %+v", tt.field, wrn.Response)
					}
					wantAudit := 1
					if tt.dryRun {
						wantAudit = 0
					}
					if !aud.Response.Allowed || len(aud.Audit) != wantAudit {
						t.Errorf("audit: want allowed and %d records, got %+v", wantAudit, aud)
					}
				}
				compareGolden(t, filepath.Join(fixtures, tt.name+".golden.json"), got)
			})
		}
	}
	// Every fixture file is in the table.
	files, _ := filepath.Glob(filepath.Join(fixtures, "*.yaml"))
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		if name != "disclosure" && name != "admission" && !seen[name] {
			t.Errorf("fixture %s is not in the table", f)
		}
	}
}

func compareGolden(t *testing.T, path string, got any) {
	t.Helper()
	js, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	js = append(js, '\n')
	if *update {
		if err := os.WriteFile(path, js, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if d := cmp.Diff(string(want), string(js)); d != "" {
		t.Errorf("%s (-want +got):\n%s", path, d)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func hasJapanese(s string) bool {
	for _, r := range s {
		if r >= 0x3040 && r <= 0x9fff {
			return true
		}
	}
	return false
}
