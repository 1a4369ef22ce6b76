package webhook

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"
	admissionv1 "k8s.io/api/admission/v1"

	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/internal/claims"
	"github.com/kaiji-dev/kaiji/internal/engine"
)

// Policies are the compiled admission policies with the claims they enforce.
type Policies struct {
	Engine  *engine.Engine // prepared with engine.AdmissionQuery
	Claims  []claims.Input
	Pattern int
	Edition string
}

// ObjectFacts turns one Kubernetes object into facts (the Kubernetes collector).
type ObjectFacts func(obj map[string]any, src collectors.Source) ([]collectors.Fact, collectors.Diagnostics)

// KaijiEvaluator judges admission requests with kaiji's admission policies.
type KaijiEvaluator struct {
	Store *Store[*Policies]
	Facts ObjectFacts
}

var _ Evaluator = (*KaijiEvaluator)(nil)

// Revision implements Evaluator.
func (k *KaijiEvaluator) Revision() string {
	if ps := k.Store.Current(); ps != nil {
		return ps.Revision
	}
	return ""
}

// Evaluate implements Evaluator: CREATE and UPDATE are judged; other
// operations are allowed.
func (k *KaijiEvaluator) Evaluate(ctx context.Context, req *admissionv1.AdmissionRequest) ([]Violation, error) {
	if req.Operation != admissionv1.Create && req.Operation != admissionv1.Update {
		return nil, nil
	}
	ps := k.Store.Current()
	if ps == nil {
		return nil, fmt.Errorf("no policies loaded")
	}
	if len(req.Object.Raw) == 0 {
		return nil, fmt.Errorf("request has no object")
	}
	var obj map[string]any
	if err := json.Unmarshal(req.Object.Raw, &obj); err != nil {
		return nil, fmt.Errorf("decode object: %w", err)
	}
	ref := fmt.Sprintf("%s/%s/%s/%s", req.Kind.Group, req.Kind.Version, req.Kind.Kind, req.Namespace)
	if req.Name != "" {
		ref += "/" + req.Name
	}
	facts, _ := k.Facts(obj, collectors.Source{File: "admission:" + ref, Line: 1, Collector: "kubernetes"})
	p := ps.Value
	doc, err := engine.InputDoc(engine.Request{Facts: facts, Claims: p.Claims, Pattern: p.Pattern, Edition: p.Edition})
	if err != nil {
		return nil, err
	}
	doc["request"] = map[string]any{
		"operation": string(req.Operation),
		"kind":      map[string]any{"group": req.Kind.Group, "version": req.Kind.Version, "kind": req.Kind.Kind},
		"namespace": req.Namespace,
		"name":      req.Name,
		"dry_run":   isDryRun(req),
	}
	in, err := ast.InterfaceToValue(doc)
	if err != nil {
		return nil, err
	}
	var vs []Violation
	if err := p.Engine.EvalRaw(ctx, in, &vs); err != nil {
		return nil, err
	}
	return vs, nil
}
