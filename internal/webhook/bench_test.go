package webhook_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kaiji-dev/kaiji/collectors/kubernetes"
	"github.com/kaiji-dev/kaiji/internal/engine"
	"github.com/kaiji-dev/kaiji/internal/webhook"
)

// BenchmarkHandler is one admission request through the handler, the
// collector and the policies, cycling over the fixtures (the hot path that
// bench/webhook.sh drives over HTTPS).
func BenchmarkHandler(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join(fixtures, "*-*.yaml"))
	var bodies [][]byte
	for _, f := range files {
		bodies = append(bodies, fixtureBody(b, strings.TrimSuffix(filepath.Base(f), ".yaml")))
	}
	for _, ev := range []string{engine.EvaluatorPlan, engine.EvaluatorTopdown} {
		eval := &webhook.KaijiEvaluator{Store: fixtureStore(b, ev), Facts: kubernetes.FactsFromObject}
		h := webhook.NewHandler(eval, webhook.Options{Mode: webhook.ModeEnforce, Audit: io.Discard})
		b.Run("evaluator="+ev, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				rec := httptest.NewRecorder()
				req := httptest.NewRequest(http.MethodPost, "/validate", bytes.NewReader(bodies[i%len(bodies)]))
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatal(rec.Code)
				}
				i++
			}
		})
	}
}
