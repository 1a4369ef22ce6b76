// Package webhook serves kaiji as a Kubernetes validating admission webhook:
// AdmissionReview requests are turned into facts by the Kubernetes
// collector and judged by the admission policies against the claims, so a
// cluster refuses the object that would make the disclosure sheet false.
package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Mode says what the webhook does with a violation.
type Mode string

// Modes.
const (
	ModeEnforce Mode = "enforce" // deny, naming the claim and the field
	ModeWarn    Mode = "warn"    // allow, with warnings
	ModeAudit   Mode = "audit"   // allow, and write an audit record
)

// ParseMode reads a --mode value.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case ModeEnforce, ModeWarn, ModeAudit:
		return m, nil
	}
	return "", fmt.Errorf("mode %q: want enforce, warn or audit", s)
}

// FailurePolicy says how to answer when evaluation fails (an error or a panic).
type FailurePolicy string

// Failure policies. They mirror the ValidatingWebhookConfiguration's: with
// Fail the object is refused, with Ignore it is admitted with a warning.
// Either way a response is written: a request is never dropped.
const (
	FailClosed FailurePolicy = "Fail"
	FailOpen   FailurePolicy = "Ignore"
)

// Violation is one claim an object would make false.
type Violation struct {
	Item    int    `json:"item"`
	Key     string `json:"key"`
	Ja      string `json:"ja"`
	En      string `json:"en"`
	Field   string `json:"field,omitempty"` // the offending field, e.g. spec.template.spec.containers[0].livenessProbe
	Fact    string `json:"fact,omitempty"`
	Control string `json:"control,omitempty"`
	// Advisory marks a violation resting on a value the object cannot
	// prove: it is warned about in every mode and never denies.
	Advisory bool `json:"advisory,omitempty"`
}

// Message renders a violation for kubectl: item number, Japanese and English, field.
func (v Violation) Message() string {
	var b strings.Builder
	if v.Item > 0 {
		fmt.Fprintf(&b, "kaiji: 開示項目%d (%s): %s / %s", v.Item, v.Key, v.Ja, v.En)
	} else {
		fmt.Fprintf(&b, "kaiji: %s: %s / %s", v.Control, v.Ja, v.En)
	}
	if v.Field != "" {
		fmt.Fprintf(&b, " [%s]", v.Field)
	}
	return b.String()
}

// Evaluator judges one admission request.
type Evaluator interface {
	Evaluate(ctx context.Context, req *admissionv1.AdmissionRequest) ([]Violation, error)
	// Revision identifies the policies and claims in force.
	Revision() string
}

// AuditRecord is one line of the audit log.
type AuditRecord struct {
	Time       string      `json:"time"`
	UID        string      `json:"uid"`
	Operation  string      `json:"operation"`
	Kind       string      `json:"kind"`
	Namespace  string      `json:"namespace,omitempty"`
	Name       string      `json:"name,omitempty"`
	User       string      `json:"user,omitempty"`
	Revision   string      `json:"revision"`
	Violations []Violation `json:"violations"`
}

// Options configure a Handler.
type Options struct {
	Mode          Mode
	FailurePolicy FailurePolicy
	MaxBodyBytes  int64         // larger bodies get 413
	Timeout       time.Duration // per evaluation
	Concurrency   int           // evaluations at once
	// MaxInFlight bounds the requests the handler holds at once, evaluating
	// or waiting (4 × Concurrency when zero). Above it a request is refused
	// at once with 503, before its body is read: under more load than the
	// machine can evaluate, requests would otherwise queue without bound,
	// each holding its body and decoded object, until clients time out.
	MaxInFlight int
	Audit       io.Writer // JSON lines, for ModeAudit
	Logger      *slog.Logger
	Metrics     *Metrics
	Now         func() time.Time
}

// Handler answers AdmissionReview requests.
type Handler struct {
	eval    Evaluator
	opts    Options
	workers *workers
	// inFlight counts the requests between arrival and answer.
	inFlight atomic.Int64
}

var _ http.Handler = (*Handler)(nil)

// DefaultMaxBodyBytes bounds a request body: the API server sends at most ~3 MiB objects.
const DefaultMaxBodyBytes = 4 << 20

// NewHandler returns a handler for /validate.
func NewHandler(eval Evaluator, opts Options) *Handler {
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 5 * time.Second
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 64
	}
	if opts.MaxInFlight <= 0 {
		opts.MaxInFlight = 4 * opts.Concurrency
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.FailurePolicy == "" {
		opts.FailurePolicy = FailClosed
	}
	return &Handler{eval: eval, opts: opts, workers: newWorkers(opts.Concurrency, workerIdleTimeout)}
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := h.opts.Now()
	code := http.StatusOK
	defer func() { h.opts.Metrics.observeRequest(code, h.opts.Now().Sub(start)) }()
	if n := h.inFlight.Add(1); n > int64(h.opts.MaxInFlight) {
		h.inFlight.Add(-1)
		// The API server applies the webhook's failurePolicy to a 503: the
		// same outcome as an evaluation that fails, without the queue.
		code = http.StatusServiceUnavailable
		w.Header().Set("Retry-After", "1")
		http.Error(w, fmt.Sprintf("kaiji: overloaded: %d requests in flight, the limit is %d", n-1, h.opts.MaxInFlight), code)
		return
	}
	defer h.inFlight.Add(-1)
	if r.Method != http.MethodPost {
		code = http.StatusMethodNotAllowed
		http.Error(w, "kaiji: POST an AdmissionReview", code)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		code = http.StatusUnsupportedMediaType
		http.Error(w, "kaiji: want Content-Type application/json, have "+ct, code)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.opts.MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			code = http.StatusRequestEntityTooLarge
			http.Error(w, fmt.Sprintf("kaiji: request body over %d bytes", h.opts.MaxBodyBytes), code)
			return
		}
		code = http.StatusBadRequest
		http.Error(w, "kaiji: read request: "+err.Error(), code)
		return
	}
	var review admissionv1.AdmissionReview
	if err := json.Unmarshal(body, &review); err != nil {
		code = http.StatusBadRequest
		http.Error(w, "kaiji: malformed AdmissionReview: "+err.Error(), code)
		return
	}
	if review.Request == nil || review.Request.UID == "" {
		code = http.StatusBadRequest
		http.Error(w, "kaiji: AdmissionReview has no request (or no request.uid)", code)
		return
	}
	resp := h.review(r.Context(), review.Request)
	out := admissionv1.AdmissionReview{TypeMeta: review.TypeMeta, Response: resp}
	if out.APIVersion == "" {
		out.APIVersion, out.Kind = "admission.k8s.io/v1", "AdmissionReview"
	}
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(out); err != nil {
		h.opts.Logger.Warn("write response", "uid", review.Request.UID, "err", err)
	}
}

// review evaluates one request and builds the response for the mode.
func (h *Handler) review(ctx context.Context, req *admissionv1.AdmissionRequest) *admissionv1.AdmissionResponse {
	resp := &admissionv1.AdmissionResponse{UID: req.UID, Allowed: true}
	violations, err := h.evaluate(ctx, req)
	if err != nil {
		h.opts.Logger.Error("evaluate", "uid", req.UID, "kind", req.Kind.Kind, "namespace", req.Namespace, "name", req.Name, "err", err)
		h.opts.Metrics.observeDecision("error", h.opts.Mode)
		msg := "kaiji could not evaluate the request: " + err.Error()
		if h.opts.FailurePolicy == FailClosed {
			resp.Allowed = false
			resp.Result = &metav1.Status{Status: metav1.StatusFailure, Code: http.StatusInternalServerError, Reason: metav1.StatusReasonInternalError, Message: msg}
		} else {
			resp.Warnings = []string{msg}
		}
		return resp
	}
	var binding, advisory []string
	for _, v := range violations {
		if v.Advisory {
			advisory = append(advisory, v.Message())
		} else {
			binding = append(binding, v.Message())
		}
	}
	switch {
	case len(violations) == 0:
		h.opts.Metrics.observeDecision("allowed", h.opts.Mode)
	case h.opts.Mode == ModeEnforce && len(binding) > 0:
		h.opts.Metrics.observeDecision("denied", h.opts.Mode)
		resp.Allowed = false
		resp.Result = &metav1.Status{Status: metav1.StatusFailure, Code: http.StatusForbidden, Reason: metav1.StatusReasonForbidden, Message: strings.Join(binding, "; ")}
		resp.Warnings = advisory
	case h.opts.Mode == ModeEnforce, h.opts.Mode == ModeWarn:
		h.opts.Metrics.observeDecision("warned", h.opts.Mode)
		resp.Warnings = append(binding, advisory...)
	case h.opts.Mode == ModeAudit:
		h.opts.Metrics.observeDecision("audited", h.opts.Mode)
	}
	if h.opts.Mode == ModeAudit && len(violations) > 0 && h.opts.Audit != nil && !isDryRun(req) {
		h.audit(req, violations)
	}
	// Admitted requests without a finding are the bulk of the traffic: a
	// record each (a write per request) only at debug.
	level := slog.LevelInfo
	if len(violations) == 0 {
		level = slog.LevelDebug
	}
	h.opts.Logger.Log(ctx, level, "admission", "uid", req.UID, "operation", req.Operation, "kind", req.Kind.Kind,
		"namespace", req.Namespace, "name", req.Name, "violations", len(violations), "allowed", resp.Allowed, "dry_run", isDryRun(req))
	return resp
}

// workerIdleTimeout is how long an evaluation worker waits for work before
// it exits.
const workerIdleTimeout = time.Minute

// evaluate runs the evaluator on a worker, under the concurrency bound and
// timeout, and turns a panic into an error so the request still gets an
// answer.
func (h *Handler) evaluate(ctx context.Context, req *admissionv1.AdmissionRequest) (vs []Violation, err error) {
	ctx, cancel := context.WithTimeout(ctx, h.opts.Timeout)
	defer cancel()
	ran := h.workers.run(ctx, func() {
		defer func() {
			if p := recover(); p != nil {
				h.opts.Logger.Error("panic in evaluation", "uid", req.UID, "panic", p, "stack", string(debug.Stack()))
				vs, err = nil, fmt.Errorf("internal error: %v", p)
			}
		}()
		vs, err = h.eval.Evaluate(ctx, req)
	})
	if ran != nil {
		return nil, fmt.Errorf("too many requests in flight: %w", ran)
	}
	return vs, err
}

func isDryRun(req *admissionv1.AdmissionRequest) bool { return req.DryRun != nil && *req.DryRun }

func (h *Handler) audit(req *admissionv1.AdmissionRequest, vs []Violation) {
	rec := AuditRecord{
		Time: h.opts.Now().UTC().Format(time.RFC3339Nano), UID: string(req.UID), Operation: string(req.Operation),
		Kind: req.Kind.Group + "/" + req.Kind.Version + "/" + req.Kind.Kind, Namespace: req.Namespace, Name: req.Name,
		User: req.UserInfo.Username, Revision: h.eval.Revision(), Violations: vs,
	}
	line, err := json.Marshal(rec)
	if err != nil {
		h.opts.Logger.Error("audit record", "err", err)
		return
	}
	auditMu.Lock()
	defer auditMu.Unlock()
	if _, err := h.opts.Audit.Write(append(line, '\n')); err != nil {
		h.opts.Logger.Error("write audit record", "err", err)
	}
}
