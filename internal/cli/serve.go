package cli

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/open-policy-agent/opa/v1/bundle"
	"github.com/spf13/cobra"

	"github.com/kaiji-dev/kaiji/bundles"
	"github.com/kaiji-dev/kaiji/collectors/kubernetes"
	"github.com/kaiji-dev/kaiji/internal/claims"
	"github.com/kaiji-dev/kaiji/internal/engine"
	"github.com/kaiji-dev/kaiji/internal/gcpace"
	"github.com/kaiji-dev/kaiji/internal/webhook"
	"github.com/kaiji-dev/kaiji/policies"
)

// ServeOptions are the options of kaiji serve.
type ServeOptions struct {
	IO            *IOStreams
	CertFile      string
	KeyFile       string
	ClaimsFile    string
	Pattern       int
	Mode          string
	Listen        string
	Bundle        string
	BundleKey     string
	PollInterval  time.Duration
	FailurePolicy string
	AuditLog      string
	MaxBody       int64
	Timeout       time.Duration
	Concurrency   int
	MaxInFlight   int
	Ext           PolicyExtension
	Evaluator     string
	LogFormat     string
	LogLevel      string
	logLevel      slog.Level

	// listening receives the bound address (tests listen on port 0).
	listening chan<- string
}

// NewCmdServe runs the validating admission webhook.
func NewCmdServe(ios *IOStreams, runF func(*ServeOptions) error) *cobra.Command {
	opts := &ServeOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run kaiji as a Kubernetes validating admission webhook",
		Long: `Serve admission.k8s.io/v1 AdmissionReview requests at /validate over HTTPS.
Each Deployment, StatefulSet, DaemonSet, Pod, CronJob, Service, Ingress,
Gateway, NetworkPolicy (deletions too), PersistentVolumeClaim or Velero
Schedule is read by the Kubernetes collector and judged by the admission
policies against the claims: enforce denies the object that would make a
claim false, warn admits it with a warning, audit admits it and writes a
JSON-lines record (never for dry runs). A finding that rests on a value the
object cannot prove is advisory: warned about, never denied.

Also serves /healthz, /readyz and Prometheus /metrics. With --bundle URL the
policies and claims are polled from an OPA bundle (ETag revalidation,
signature checked with --bundle-key) and replaced without restart; a failed
reload keeps the last good set.`,
		Example: `  kaiji serve --tls-cert tls.crt --tls-key tls.key --claims disclosure.yaml --mode enforce
  kaiji serve --tls-cert tls.crt --tls-key tls.key --bundle https://bundles.example/kaiji.tar.gz --bundle-key pub.pem --mode warn`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.CertFile == "" || opts.KeyFile == "" {
				return flagErrorf("--tls-cert and --tls-key are required")
			}
			if _, err := webhook.ParseMode(opts.Mode); err != nil {
				return &FlagError{Err: err}
			}
			if opts.ClaimsFile == "" && opts.Bundle == "" {
				return flagErrorf("--claims or --bundle is required: the webhook enforces a disclosure sheet")
			}
			if opts.Pattern != 0 && (opts.Pattern < 1 || opts.Pattern > 6) {
				return flagErrorf("--pattern: want 1 to 6, have %d", opts.Pattern)
			}
			if opts.FailurePolicy != string(webhook.FailClosed) && opts.FailurePolicy != string(webhook.FailOpen) {
				return flagErrorf("--failure-policy: want Fail or Ignore, have %q", opts.FailurePolicy)
			}
			if opts.MaxInFlight < 0 || opts.Concurrency < 1 {
				return flagErrorf("--concurrency must be at least 1 and --max-in-flight at least 0, have %d and %d", opts.Concurrency, opts.MaxInFlight)
			}
			if err := checkEvaluator(opts.Evaluator); err != nil {
				return err
			}
			if opts.LogFormat != "json" && opts.LogFormat != "text" {
				return flagErrorf("--log-format: want json or text, have %q", opts.LogFormat)
			}
			if err := opts.logLevel.UnmarshalText([]byte(opts.LogLevel)); err != nil {
				return flagErrorf("--log-level: want debug, info, warn or error, have %q", opts.LogLevel)
			}
			if runF != nil {
				return runF(opts)
			}
			return serveRun(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.CertFile, "tls-cert", "", "serving certificate (PEM); reloaded when the file changes")
	f.StringVar(&opts.KeyFile, "tls-key", "", "serving key (PEM)")
	f.StringVarP(&opts.ClaimsFile, "claims", "c", "", "claims file to enforce")
	f.IntVarP(&opts.Pattern, "pattern", "p", 0, "service pattern 1–6 (default: the claims file's, else 1)")
	f.StringVar(&opts.Mode, "mode", string(webhook.ModeEnforce), "enforce, warn or audit")
	f.StringVar(&opts.Listen, "listen", ":8443", "address to listen on")
	f.StringVar(&opts.Bundle, "bundle", "", "OPA bundle file or URL with the policies (and claims) to use instead of the embedded ones")
	f.StringVar(&opts.BundleKey, "bundle-key", "", "public key (PEM) the bundle must be signed with")
	f.DurationVar(&opts.PollInterval, "poll-interval", time.Minute, "how often to poll a bundle URL")
	f.StringVar(&opts.FailurePolicy, "failure-policy", string(webhook.FailClosed), "answer when evaluation fails: Fail (deny) or Ignore (admit with a warning)")
	f.StringVar(&opts.AuditLog, "audit-log", "-", "where audit mode writes JSON lines (- for standard output)")
	f.Int64Var(&opts.MaxBody, "max-request-bytes", webhook.DefaultMaxBodyBytes, "largest AdmissionReview accepted (413 above)")
	f.DurationVar(&opts.Timeout, "eval-timeout", 5*time.Second, "time limit of one evaluation")
	f.IntVar(&opts.Concurrency, "concurrency", 64, "evaluations at once")
	f.IntVar(&opts.MaxInFlight, "max-in-flight", 0, "requests held at once, evaluating or waiting; more are refused with 503 so the API server applies its failurePolicy (default 4 × --concurrency)")
	opts.Ext.addFlags(f)
	addEvaluatorFlag(f, &opts.Evaluator)
	f.StringVar(&opts.LogFormat, "log-format", "json", "log format: json or text")
	f.StringVar(&opts.LogLevel, "log-level", "info", "least severe log records written: debug (also every admitted request), info (requests with violations, reloads), warn or error")
	return cmd
}

// webhookPolicies builds a policy set from a bundle (or the embedded
// policies) and the claims, preferring claims the bundle carries.
func webhookPolicies(ctx context.Context, b *bundle.Bundle, extra []*bundle.Bundle, d *claims.Disclosure, pattern int, evaluator string, logger *slog.Logger) (*webhook.PolicySet[*webhook.Policies], error) {
	eng, err := engine.New(ctx, engine.Options{Bundle: b, Extra: extra, Query: engine.AdmissionQuery, Evaluator: evaluator})
	if err != nil {
		return nil, err
	}
	if name, why := eng.Evaluator(); why != "" {
		logger.Warn("OPA's planner declined the admission policies; OPA's own evaluator evaluates them", "evaluator", name, "reason", why)
	}
	p := &webhook.Policies{Engine: eng}
	claimsRev := ""
	if b != nil {
		if doc, ok := bundleDisclosure(b); ok {
			p.Claims, p.Pattern, p.Edition = doc.Claims, doc.Pattern, doc.Edition
			claimsRev = "bundle"
		}
	}
	if p.Claims == nil && d != nil {
		p.Claims, p.Pattern, p.Edition = d.Inputs(), d.Pattern, d.Edition
		claimsRev = d.File
	}
	p.Pattern = cmp.Or(pattern, p.Pattern, 1)
	return &webhook.PolicySet[*webhook.Policies]{Value: p, Revision: fmt.Sprintf("%s;claims=%s;pattern=%d", eng.PolicyDigest(), claimsRev, p.Pattern)}, nil
}

type disclosureDoc struct {
	Edition string         `json:"edition"`
	Pattern int            `json:"pattern"`
	Claims  []claims.Input `json:"claims"`
}

// bundleDisclosure reads the claims a bundle carries at bundles.DisclosurePath.
func bundleDisclosure(b *bundle.Bundle) (disclosureDoc, bool) {
	var doc disclosureDoc
	k, ok := b.Data["kaiji"].(map[string]any)
	if !ok {
		return doc, false
	}
	raw, ok := k["disclosure"]
	if !ok {
		return doc, false
	}
	js, err := json.Marshal(raw)
	if err != nil || json.Unmarshal(js, &doc) != nil {
		return doc, false
	}
	return doc, len(doc.Claims) > 0
}

func serveRun(ctx context.Context, opts *ServeOptions) error {
	defer gcpace.Serving()()
	ho := &slog.HandlerOptions{Level: opts.logLevel}
	var handler slog.Handler = slog.NewJSONHandler(opts.IO.ErrOut, ho)
	if opts.LogFormat == "text" {
		handler = slog.NewTextHandler(opts.IO.ErrOut, ho)
	}
	logger := slog.New(handler)
	var d *claims.Disclosure
	if opts.ClaimsFile != "" {
		var err error
		if d, err = claims.LoadFile(opts.ClaimsFile); err != nil {
			return &InputError{Err: err}
		}
	}
	extra, err := opts.Ext.bundles(false)
	if err != nil {
		return err
	}
	metrics := webhook.NewMetrics()
	store := webhook.NewStore[*webhook.Policies](metrics)
	verify := bundles.VerifyOptions{}
	if opts.BundleKey != "" {
		key, err := os.ReadFile(opts.BundleKey)
		if err != nil {
			return &InputError{Err: fmt.Errorf("read --bundle-key: %w", err)}
		}
		verify.PublicKey = key
	}
	switch {
	case opts.Bundle != "" && bundles.IsURL(opts.Bundle):
		err := store.Poll(ctx, webhook.PollOptions{URL: opts.Bundle, Interval: opts.PollInterval, Logger: logger},
			func(ctx context.Context, data []byte) (*webhook.PolicySet[*webhook.Policies], error) {
				b, err := bundles.Read(data, verify)
				if err != nil {
					return nil, err
				}
				return webhookPolicies(ctx, b, extra, d, opts.Pattern, opts.Evaluator, logger)
			})
		if err != nil {
			return &InputError{Err: err}
		}
	case opts.Bundle != "":
		b, err := bundles.Load(ctx, opts.Bundle, bundles.LoadOptions{VerifyOptions: verify})
		if err != nil {
			return &InputError{Err: err}
		}
		ps, err := webhookPolicies(ctx, b, extra, d, opts.Pattern, opts.Evaluator, logger)
		if err != nil {
			return err
		}
		store.Set(ps)
	default:
		b, err := policies.Builtin()
		if err != nil {
			return err
		}
		ps, err := webhookPolicies(ctx, b, extra, d, opts.Pattern, opts.Evaluator, logger)
		if err != nil {
			return err
		}
		store.Set(ps)
	}
	var audit io.Writer = opts.IO.Out
	if opts.AuditLog != "-" {
		f, err := os.OpenFile(opts.AuditLog, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		if err != nil {
			return &InputError{Err: fmt.Errorf("open --audit-log: %w", err)}
		}
		defer f.Close()
		audit = f
	}
	mode, _ := webhook.ParseMode(opts.Mode)
	h := webhook.NewHandler(&webhook.KaijiEvaluator{Store: store, Facts: kubernetes.FactsFromObject}, webhook.Options{
		Mode: mode, FailurePolicy: webhook.FailurePolicy(opts.FailurePolicy), MaxBodyBytes: opts.MaxBody,
		Timeout: opts.Timeout, Concurrency: opts.Concurrency, MaxInFlight: opts.MaxInFlight, Audit: audit, Logger: logger, Metrics: metrics,
	})
	return webhook.Serve(ctx, webhook.ServerOptions{
		Addr: opts.Listen, CertFile: opts.CertFile, KeyFile: opts.KeyFile, Handler: h, Metrics: metrics,
		Logger: logger, Ready: store.Ready, Listening: opts.listening,
	})
}
