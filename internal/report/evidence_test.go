package report

import (
	"bytes"
	"html/template"
	"strings"
	"testing"

	"github.com/kaiji-dev/kaiji/internal/results"
)

// evidenceTemplate is the template the HTML report rendered each row's
// evidence with before writeEvidence: the reference it must match.
var evidenceTemplate = template.Must(template.New("ref").Funcs(template.FuncMap{"loc": loc}).Parse(`{{define "evidence"}}{{range .}}<div class="ev"><code class="loc">{{loc .Evidence}}</code> <span class="fact">{{.Fact}}</span>{{if .Attribute}} <span class="attr">({{.Attribute}})</span>{{end}}
{{- if .Lines}}<pre class="src">{{range .Lines}}<span class="ln{{if .Focus}} focus{{end}}{{if .Redacted}} redacted{{end}}"><span class="n">{{.N}}</span>{{.Text}}</span>{{end}}</pre>{{end}}</div>
{{else}}<span class="none">—</span>{{end}}{{end -}}
{{template "evidence" .}}`))

// FuzzEvidenceHTML: the evidence cell written in Go is byte for byte what
// html/template wrote, for any text in the evidence and its lines.
func FuzzEvidenceHTML(f *testing.F) {
	f.Add("aws_s3_bucket.logs", "main.tf", 12, "versioning", "  bucket = \"a<b>&'c+d\"", 3, true, false, 2)
	f.Add("", "", 0, "", "\x00\xff\xfe é 秘密", 0, false, true, 0)
	f.Add("k8s/Deployment/a", "k.yaml", 1, "", "", -1, true, true, 1)
	f.Fuzz(func(t *testing.T, fact, file string, line int, attribute, text string, n int, focus, redacted bool, count int) {
		var es []htmlEvidence
		for i := range count % 4 {
			e := htmlEvidence{Evidence: results.Evidence{Fact: fact, File: file, Line: line + i, Attribute: attribute}}
			for j := range i {
				e.Lines = append(e.Lines, Line{N: n + j, Text: strings.Repeat(text, j+1), Focus: focus && j == 0, Redacted: redacted})
			}
			es = append(es, e)
		}
		var want strings.Builder
		if err := evidenceTemplate.Execute(&want, es); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		writeEvidence(&got, es)
		if got.String() != want.String() {
			t.Errorf("writeEvidence:\n%s\nthe template:\n%s", got.String(), want.String())
		}
	})
}
