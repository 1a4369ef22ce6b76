package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
)

type fakeEval struct {
	vs    []Violation
	err   error
	panic bool
	delay time.Duration
}

func (f *fakeEval) Evaluate(ctx context.Context, _ *admissionv1.AdmissionRequest) ([]Violation, error) {
	if f.panic {
		panic("boom")
	}
	if f.delay > 0 {
		select {
		case <-time.After(f.delay):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return f.vs, f.err
}

func (f *fakeEval) Revision() string { return "rev-1" }

var violation = Violation{Item: 60, Key: "monitoring.liveness_interval", Ja: "livenessProbe がありません", En: "no livenessProbe", Field: "spec.template.spec.containers[0].livenessProbe"}

func review(t *testing.T, dryRun bool) []byte {
	t.Helper()
	r := admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{
			UID: types.UID("uid-1"), Kind: metav1.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"},
			Namespace: "shop", Name: "web", Operation: admissionv1.Create, DryRun: &dryRun,
			Object: runtime.RawExtension{Raw: []byte(`{"kind":"Deployment"}`)},
		},
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func post(t *testing.T, h http.Handler, body []byte) (*httptest.ResponseRecorder, *admissionv1.AdmissionReview) {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/validate", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		return rec, nil
	}
	var out admissionv1.AdmissionReview
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("response is not an AdmissionReview: %v\n%s", err, rec.Body.String())
	}
	return rec, &out
}

func TestModes(t *testing.T) {
	tests := []struct {
		name        string
		mode        Mode
		vs          []Violation
		dryRun      bool
		wantAllowed bool
		wantWarn    bool
		wantAudit   bool
	}{
		{"enforce denies", ModeEnforce, []Violation{violation}, false, false, false, false},
		{"enforce allows a compliant object", ModeEnforce, nil, false, true, false, false},
		{"warn allows with warnings", ModeWarn, []Violation{violation}, false, true, true, false},
		{"audit allows and records", ModeAudit, []Violation{violation}, false, true, false, true},
		{"audit never records a dry run", ModeAudit, []Violation{violation}, true, true, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var audit bytes.Buffer
			h := NewHandler(&fakeEval{vs: tt.vs}, Options{Mode: tt.mode, Audit: &audit, Metrics: NewMetrics()})
			_, out := post(t, h, review(t, tt.dryRun))
			if out == nil || out.Response == nil {
				t.Fatal("no response")
			}
			r := out.Response
			if r.UID != "uid-1" {
				t.Errorf("UID = %q, want the request's", r.UID)
			}
			if r.Allowed != tt.wantAllowed {
				t.Errorf("allowed = %v, want %v", r.Allowed, tt.wantAllowed)
			}
			if !tt.wantAllowed {
				if r.Result == nil || r.Result.Code != http.StatusForbidden || !strings.Contains(r.Result.Message, "開示項目60") ||
					!strings.Contains(r.Result.Message, "no livenessProbe") || !strings.Contains(r.Result.Message, "spec.template.spec.containers[0].livenessProbe") {
					t.Errorf("denial must name the item (ja, en) and the field: %+v", r.Result)
				}
			}
			if got := len(r.Warnings) > 0; got != tt.wantWarn {
				t.Errorf("warnings = %v, want %v", r.Warnings, tt.wantWarn)
			}
			if got := audit.Len() > 0; got != tt.wantAudit {
				t.Errorf("audit record written = %v, want %v: %s", got, tt.wantAudit, audit.String())
			}
			if tt.wantAudit {
				var rec AuditRecord
				if err := json.Unmarshal(audit.Bytes(), &rec); err != nil || rec.UID != "uid-1" || rec.Revision != "rev-1" || len(rec.Violations) != 1 {
					t.Errorf("audit record %s: %v", audit.String(), err)
				}
			}
		})
	}
}

func TestBadRequests(t *testing.T) {
	h := NewHandler(&fakeEval{}, Options{Mode: ModeEnforce, MaxBodyBytes: 1024})
	tests := []struct {
		name   string
		method string
		ctype  string
		body   string
		want   int
	}{
		{"malformed JSON", http.MethodPost, "application/json", `{"request":`, http.StatusBadRequest},
		{"no request", http.MethodPost, "application/json", `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}`, http.StatusBadRequest},
		{"oversized", http.MethodPost, "application/json", `{"x":"` + strings.Repeat("a", 2048) + `"}`, http.StatusRequestEntityTooLarge},
		{"wrong method", http.MethodGet, "", "", http.StatusMethodNotAllowed},
		{"wrong content type", http.MethodPost, "text/plain", "{}", http.StatusUnsupportedMediaType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(tt.method, "/validate", strings.NewReader(tt.body))
			if tt.ctype != "" {
				req.Header.Set("Content-Type", tt.ctype)
			}
			h.ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Errorf("status = %d, want %d (%s)", rec.Code, tt.want, rec.Body.String())
			}
			if rec.Body.Len() == 0 {
				t.Error("no message")
			}
		})
	}
}

func TestFailurePolicy(t *testing.T) {
	for _, tt := range []struct {
		name   string
		eval   *fakeEval
		policy FailurePolicy
		allow  bool
	}{
		{"panic, fail closed", &fakeEval{panic: true}, FailClosed, false},
		{"panic, fail open", &fakeEval{panic: true}, FailOpen, true},
		{"error, fail closed", &fakeEval{err: errors.New("no policies loaded")}, FailClosed, false},
		{"timeout, fail open", &fakeEval{delay: time.Second}, FailOpen, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := NewHandler(tt.eval, Options{Mode: ModeEnforce, FailurePolicy: tt.policy, Timeout: 50 * time.Millisecond})
			_, out := post(t, h, review(t, false))
			if out == nil || out.Response == nil {
				t.Fatal("a failing evaluation must still be answered")
			}
			if out.Response.Allowed != tt.allow {
				t.Errorf("allowed = %v, want %v", out.Response.Allowed, tt.allow)
			}
			if tt.allow && len(out.Response.Warnings) == 0 {
				t.Error("fail-open must warn")
			}
			if !tt.allow && (out.Response.Result == nil || out.Response.Result.Code != http.StatusInternalServerError) {
				t.Errorf("fail-closed result: %+v", out.Response.Result)
			}
		})
	}
}

// TestConcurrency answers 200 concurrent requests, none dropped, with the
// evaluation bounded to 4 at a time.
func TestConcurrency(t *testing.T) {
	var mu sync.Mutex
	inFlight, peak := 0, 0
	eval := evalFunc(func(ctx context.Context) ([]Violation, error) {
		mu.Lock()
		inFlight++
		peak = max(peak, inFlight)
		mu.Unlock()
		time.Sleep(2 * time.Millisecond)
		mu.Lock()
		inFlight--
		mu.Unlock()
		return nil, nil
	})
	h := NewHandler(eval, Options{Mode: ModeEnforce, Concurrency: 4, MaxInFlight: 200, Timeout: 10 * time.Second})
	srv := httptest.NewServer(h)
	defer srv.Close()
	body := review(t, false)
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for range 200 {
		wg.Go(func() {
			resp, err := http.Post(srv.URL, "application/json", bytes.NewReader(body))
			if err != nil {
				errs <- err
				return
			}
			defer resp.Body.Close()
			var out admissionv1.AdmissionReview
			if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Response == nil || !out.Response.Allowed {
				errs <- errors.New("bad response")
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if peak > 4 {
		t.Errorf("peak concurrency %d, want at most 4", peak)
	}
}

type evalFunc func(ctx context.Context) ([]Violation, error)

func (f evalFunc) Evaluate(ctx context.Context, _ *admissionv1.AdmissionRequest) ([]Violation, error) {
	return f(ctx)
}

func (evalFunc) Revision() string { return "r" }

func FuzzHandler(f *testing.F) {
	f.Add([]byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"1","operation":"CREATE","object":{}}}`))
	f.Add([]byte(`{"request":{"uid":""}}`))
	f.Add([]byte(`[]`))
	h := NewHandler(&fakeEval{vs: []Violation{violation}}, Options{Mode: ModeEnforce})
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/validate", bytes.NewReader(body))
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK && rec.Code != http.StatusBadRequest {
			t.Fatalf("status %d for %q", rec.Code, body)
		}
	})
}

// TestDecisionLogLevels checks that a request with findings is logged at
// info and an admitted request without any only at debug: the bulk of a
// cluster's traffic does not cost a log write each by default.
func TestDecisionLogLevels(t *testing.T) {
	for _, tt := range []struct {
		name  string
		level slog.Level
		vs    []Violation
		want  bool
	}{
		{"denied at info", slog.LevelInfo, []Violation{violation}, true},
		{"admitted at info", slog.LevelInfo, nil, false},
		{"admitted at debug", slog.LevelDebug, nil, true},
		{"denied at warn", slog.LevelWarn, []Violation{violation}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: tt.level}))
			h := NewHandler(&fakeEval{vs: tt.vs}, Options{Mode: ModeEnforce, Logger: logger})
			if _, out := post(t, h, review(t, false)); out == nil {
				t.Fatal("no response")
			}
			if got := strings.Contains(logs.String(), `"msg":"admission"`) && strings.Contains(logs.String(), `"uid":"uid-1"`); got != tt.want {
				t.Errorf("decision logged = %v, want %v:\n%s", got, tt.want, logs.String())
			}
		})
	}
}

// TestOverloadRefused checks that requests beyond MaxInFlight are refused at
// once with 503 and Retry-After (the API server then applies the webhook's
// failurePolicy) instead of queueing, and that the handler takes requests
// again once the load is gone.
func TestOverloadRefused(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{}, 8)
	eval := evalFunc(func(ctx context.Context) ([]Violation, error) {
		started <- struct{}{}
		<-release
		return nil, nil
	})
	h := NewHandler(eval, Options{Mode: ModeEnforce, Concurrency: 1, MaxInFlight: 2, Timeout: 10 * time.Second})
	body := review(t, false)
	var wg sync.WaitGroup
	codes := make(chan int, 2)
	for range 2 { // one evaluating, one waiting for the evaluation slot
		wg.Go(func() {
			rec, _ := post(t, h, body)
			codes <- rec.Code
		})
	}
	<-started
	deadline := time.Now().Add(10 * time.Second)
	for h.inFlight.Load() < 2 {
		if time.Now().After(deadline) {
			t.Fatal("the second request never arrived")
		}
		time.Sleep(time.Millisecond)
	}
	rec, _ := post(t, h, body)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), "overloaded") {
		t.Errorf("third request: %d %q (Retry-After %q), want 503 overloaded", rec.Code, rec.Body.String(), rec.Header().Get("Retry-After"))
	}
	close(release)
	wg.Wait()
	close(codes)
	for c := range codes {
		if c != http.StatusOK {
			t.Errorf("held request answered %d, want 200", c)
		}
	}
	if rec, out := post(t, h, body); rec.Code != http.StatusOK || out == nil || !out.Response.Allowed {
		t.Errorf("after the load: %d, want an answer", rec.Code)
	}
}
