package webhook

import (
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// auditMu serialises audit lines from concurrent requests.
var auditMu sync.Mutex

// Metrics are the webhook's Prometheus metrics.
type Metrics struct {
	Registry  *prometheus.Registry
	requests  *prometheus.CounterVec
	decisions *prometheus.CounterVec
	latency   prometheus.Histogram
	revision  *prometheus.GaugeVec
	reloads   *prometheus.CounterVec
	ready     prometheus.Gauge
}

// NewMetrics registers the metrics on a new registry.
func NewMetrics() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kaiji_webhook_requests_total", Help: "Admission requests by HTTP status code.",
		}, []string{"code"}),
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kaiji_webhook_decisions_total", Help: "Admission decisions by verdict (allowed, denied, warned, audited, error) and mode.",
		}, []string{"verdict", "mode"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "kaiji_webhook_request_duration_seconds", Help: "Time to answer an admission request.",
			Buckets: []float64{.0005, .001, .002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}),
		revision: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "kaiji_policy_revision_info", Help: "The policy and claims revision in force (value 1).",
		}, []string{"revision"}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kaiji_policy_reloads_total", Help: "Policy bundle reloads by result (ok, unchanged, error).",
		}, []string{"result"}),
		ready: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "kaiji_policy_last_reload_ok", Help: "1 when the last bundle fetch succeeded, 0 when the last good policies are kept after a failure.",
		}),
	}
	m.Registry.MustRegister(m.requests, m.decisions, m.latency, m.revision, m.reloads, m.ready,
		prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	return m
}

func (m *Metrics) observeRequest(code int, d time.Duration) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(strconv.Itoa(code)).Inc()
	m.latency.Observe(d.Seconds())
}

func (m *Metrics) observeDecision(verdict string, mode Mode) {
	if m == nil {
		return
	}
	m.decisions.WithLabelValues(verdict, string(mode)).Inc()
}

// SetRevision records the revision in force.
func (m *Metrics) SetRevision(rev string) {
	if m == nil {
		return
	}
	m.revision.Reset()
	m.revision.WithLabelValues(rev).Set(1)
}

// ObserveReload records a bundle reload attempt.
func (m *Metrics) ObserveReload(result string) {
	if m == nil {
		return
	}
	m.reloads.WithLabelValues(result).Inc()
	if result == "error" {
		m.ready.Set(0)
	} else {
		m.ready.Set(1)
	}
}
