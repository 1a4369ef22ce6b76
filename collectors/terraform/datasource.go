package terraform

import (
	"encoding/json"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// dataValues exposes the data sources the collector can evaluate without a
// provider: aws_iam_policy_document, whose json is a pure function of its
// statements. Every other data source is unknown (read at plan time).
func (w *work) dataValues(cfg *dirConfig, ctx *hcl.EvalContext) cty.Value {
	byType := map[string]map[string]cty.Value{}
	for _, d := range cfg.blocks("data") {
		if len(d.labels) != 2 {
			continue
		}
		typ, name := d.labels[0], d.labels[1]
		if byType[typ] == nil {
			byType[typ] = map[string]cty.Value{}
		}
		byType[typ][name] = cty.DynamicVal
		attrs := attributes(d.body)
		if typ != "aws_iam_policy_document" || attrs["count"] != nil || attrs["for_each"] != nil {
			continue
		}
		b := w.evalBody("data", d.labels, d.body, d.rng, d.def, ctx)
		if doc, ok := policyDocument(b); ok {
			byType[typ][name] = cty.ObjectVal(map[string]cty.Value{
				"json": cty.StringVal(doc), "minified_json": cty.StringVal(doc), "id": cty.UnknownVal(cty.String),
			})
		}
	}
	if len(byType) == 0 {
		return cty.DynamicVal
	}
	out := map[string]cty.Value{}
	for typ, names := range byType {
		out[typ] = cty.ObjectVal(names)
	}
	return cty.ObjectVal(out)
}

// policyDocument renders an aws_iam_policy_document's statements as IAM
// JSON. ok is false when a statement's effect, actions or resources are not
// known statically, or when it merges other documents.
func policyDocument(b *block) (string, bool) {
	for _, n := range []string{"source_policy_documents", "override_policy_documents", "source_json", "override_json"} {
		if b.get(n).present {
			return "", false
		}
	}
	var stmts []map[string]any
	for _, st := range b.blocks {
		if st.typ != "statement" {
			continue
		}
		if st.dynamic {
			return "", false
		}
		s := map[string]any{"Effect": "Allow"}
		if v := st.get("effect"); v.present {
			e, ok := asString(v.v)
			if !v.known || !ok {
				return "", false
			}
			s["Effect"] = e
		}
		for attr, key := range map[string]string{"actions": "Action", "not_actions": "NotAction", "resources": "Resource", "not_resources": "NotResource"} {
			v := st.get(attr)
			if !v.present {
				continue
			}
			list, ok := asStrings(v.v)
			if !v.known || !ok {
				return "", false
			}
			s[key] = list
		}
		stmts = append(stmts, s)
	}
	data, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": stmts})
	if err != nil {
		return "", false
	}
	return string(data), true
}
