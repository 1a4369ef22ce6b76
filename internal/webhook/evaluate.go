package webhook

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

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

	// The claims, pattern and edition as policy input, built once per set:
	// they are the same for every request.
	base    sync.Once
	baseDoc map[string]*ast.Term
	baseErr error
}

// inputBase returns the input terms every request shares.
func (p *Policies) inputBase() (map[string]*ast.Term, error) {
	p.base.Do(func() {
		in, err := engine.Input(engine.Request{Claims: p.Claims, Pattern: p.Pattern, Edition: p.Edition})
		if err != nil {
			p.baseErr = err
			return
		}
		p.baseDoc = map[string]*ast.Term{}
		for _, k := range []string{"claims", "pattern", "edition"} {
			p.baseDoc[k] = in.(ast.Object).Get(ast.InternedTerm(k))
		}
	})
	return p.baseDoc, p.baseErr
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

// Evaluate implements Evaluator. CREATE and UPDATE are judged on the new
// object. The old object is read only where removing something can make a
// claim false: a NetworkPolicy updated or deleted (the namespace's default
// deny). Other operations are allowed.
func (k *KaijiEvaluator) Evaluate(ctx context.Context, req *admissionv1.AdmissionRequest) ([]Violation, error) {
	judgeNew := req.Operation == admissionv1.Create || req.Operation == admissionv1.Update
	judgeOld := (req.Operation == admissionv1.Update || req.Operation == admissionv1.Delete) && req.Kind.Kind == "NetworkPolicy"
	if !judgeNew && !judgeOld {
		return nil, nil
	}
	ps := k.Store.Current()
	if ps == nil {
		return nil, fmt.Errorf("no policies loaded")
	}
	p := ps.Value
	base, err := p.inputBase()
	if err != nil {
		return nil, err
	}
	ref := fmt.Sprintf("%s/%s/%s/%s", req.Kind.Group, req.Kind.Version, req.Kind.Kind, req.Namespace)
	if req.Name != "" {
		ref += "/" + req.Name
	}
	in := ast.NewObject(
		ast.Item(ast.InternedTerm("claims"), base["claims"]),
		ast.Item(ast.InternedTerm("pattern"), base["pattern"]),
		ast.Item(ast.InternedTerm("edition"), base["edition"]),
		ast.Item(ast.InternedTerm("request"), ast.NewTerm(ast.NewObject(
			ast.Item(ast.InternedTerm("operation"), ast.StringTerm(string(req.Operation))),
			ast.Item(ast.InternedTerm("kind"), ast.ObjectTerm(
				ast.Item(ast.InternedTerm("group"), ast.StringTerm(req.Kind.Group)),
				ast.Item(ast.InternedTerm("version"), ast.StringTerm(req.Kind.Version)),
				ast.Item(ast.InternedTerm("kind"), ast.StringTerm(req.Kind.Kind)),
			)),
			ast.Item(ast.InternedTerm("namespace"), ast.StringTerm(req.Namespace)),
			ast.Item(ast.InternedTerm("name"), ast.StringTerm(req.Name)),
			ast.Item(ast.InternedTerm("dry_run"), ast.BooleanTerm(isDryRun(req))),
		))),
	)
	newFacts := ast.ObjectTerm()
	if judgeNew {
		if newFacts, err = k.factsTerm(req.Object.Raw, "admission:"+ref); err != nil {
			return nil, err
		}
	}
	in.Insert(ast.InternedTerm("facts"), newFacts)
	if judgeOld {
		old, err := k.factsTerm(req.OldObject.Raw, "admission:"+ref+"#old")
		if err != nil {
			return nil, fmt.Errorf("old object: %w", err)
		}
		in.Insert(ast.InternedTerm("old_facts"), old)
	}
	var vs []Violation
	if err := p.Engine.EvalRaw(ctx, in, &vs); err != nil {
		return nil, err
	}
	return vs, nil
}

// factsTerm decodes an object once and turns it into the facts input, by kind.
func (k *KaijiEvaluator) factsTerm(raw []byte, file string) (*ast.Term, error) {
	if len(raw) == 0 {
		return nil, fmt.Errorf("request has no object")
	}
	var obj map[string]any
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, fmt.Errorf("decode object: %w", err)
	}
	facts, _ := k.Facts(obj, collectors.Source{File: file, Line: 1, Collector: "kubernetes"})
	v, err := engine.FactsValue(facts)
	if err != nil {
		return nil, fmt.Errorf("encode facts: %w", err)
	}
	return ast.NewTerm(v), nil
}
