package terraform

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kaiji-dev/kaiji/collectors"
)

// corpusAllowedErrors are error diagnostics the corpus may produce: problems
// that are in the upstream files themselves, documented in docs/terraform.md.
var corpusAllowedErrors = []string{}

// TestCorpus reads every directory of the third-party corpus
// (testdata/corpus, see its SOURCES.md): no panic, no error diagnostic other
// than the allowed ones, and facts for each Terraform repository.
func TestCorpus(t *testing.T) {
	t.Parallel()
	dirs, err := os.ReadDir("testdata/corpus")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if !d.IsDir() || d.Name() == "LICENSES" {
			continue
		}
		dir := filepath.Join("testdata/corpus", d.Name())
		t.Run(d.Name(), func(t *testing.T) {
			t.Parallel()
			files := loadDir(t, dir)
			facts, diags := collect(t, Options{}, files)
			kinds := map[collectors.Kind]int{}
			for _, f := range facts {
				kinds[f.Kind]++
				if f.Source.File == "" || f.Source.Line <= 0 {
					t.Errorf("%s %s has no source position: %+v", f.Kind, f.ID, f.Source)
				}
			}
			sev := map[collectors.Severity]int{}
			for _, dg := range diags {
				sev[dg.Severity]++
				if dg.Severity == collectors.SeverityError && !allowed(dg) {
					t.Errorf("error diagnostic: %s", dg)
				}
			}
			t.Logf("%d files, %d facts %v, diagnostics %v", len(files), len(facts), kinds, sev)
			if len(facts) == 0 {
				t.Errorf("no facts from %s", dir)
			}
		})
	}
}

func allowed(d collectors.Diagnostic) bool {
	for _, s := range corpusAllowedErrors {
		if strings.Contains(d.Message, s) {
			return true
		}
	}
	return false
}
