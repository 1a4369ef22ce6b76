package report

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/internal/results"
)

// SARIF writes SARIF 2.1.0 as GitHub code scanning ingests it: one rule per
// claim key and per control evaluation item, with help text; one result per
// failing resource (contradicted, unproven, below, unknown), located at the
// file and line of its evidence, with a partial fingerprint that does not
// depend on line numbers, so an alert survives edits above it. Supported
// claims and met controls produce no result. Waived verdicts are results
// with an accepted external suppression.
type SARIF struct {
	opts Options
}

// InformationURI is where SARIF consumers link for the tool.
const InformationURI = "https://github.com/kaiji-dev/kaiji"

// FingerprintKey names kaiji's partial fingerprint in SARIF results.
const FingerprintKey = "kaijiFinding/v1"

// Report implements Reporter.
func (s *SARIF) Report(_ context.Context, w io.Writer, r *results.Run) error {
	lang := s.opts.Lang
	log, err := sarif.New(sarif.Version210)
	if err != nil {
		return err
	}
	run := sarif.NewRunWithInformationURI("kaiji", InformationURI)
	// SARIF wants a version that starts with a digit: a development build
	// ("dev") says 0.0.0-dev; properties keep the version as kaiji prints it.
	v := strings.TrimPrefix(r.Tool.Version, "v")
	if v == "" || v[0] < '0' || v[0] > '9' {
		v = "0.0.0-" + cmp.Or(v, "unknown")
	}
	run.Tool.Driver.WithVersion(v)
	if validSemver(v) {
		run.Tool.Driver.WithSemanticVersion(v)
	}
	run.Tool.Driver.Properties = sarif.Properties{"kaijiVersion": r.Tool.Version, "policyDigest": r.Tool.PolicyDigest}
	run.ColumnKind = "unicodeCodePoints"
	run.Properties = sarif.Properties{"pattern": r.Pattern, "edition": r.Edition}
	if r.Service != "" {
		run.Properties["service"] = r.Service
	}

	// With a baseline, each result says whether the change introduced it.
	changed := map[string]bool{}
	if r.Baseline != nil {
		for _, ch := range r.Baseline.Changes {
			if ch.Kind == results.ChangeWorse || ch.Kind == results.ChangeNew {
				changed[fmt.Sprintf("claim/%d/%s", ch.Item, ch.Key)] = true
				changed["control/"+controlName(results.Control{ID: ch.Control, EvalItem: ch.EvalItem})] = true
			}
		}
	}
	baselineState := func(res *sarif.Result, key string) {
		if r.Baseline == nil {
			return
		}
		if changed[key] {
			res.WithBaselineState("new")
		} else {
			res.WithBaselineState("unchanged")
		}
	}
	for _, c := range r.Claims {
		level := claimLevel(c.Verdict)
		if level == "" {
			continue
		}
		id := "claim/" + c.Key
		idx := s.claimRule(run, c)
		for _, f := range claimFindings(c, r.ClaimsFile, lang) {
			res := s.result(run, id, idx, level, f)
			baselineState(res, fmt.Sprintf("claim/%d/%s", c.Item, c.Key))
			if c.Waived != nil {
				suppress(res, id, f, c.Waived)
			}
		}
	}
	for _, c := range r.Controls {
		level := controlLevel(c)
		if level == "" {
			continue
		}
		id := "control/" + controlName(c)
		idx := s.controlRule(run, c)
		for _, f := range controlFindings(c, r.ClaimsFile, lang) {
			res := s.result(run, id, idx, level, f)
			baselineState(res, id)
			if c.Waived != nil {
				suppress(res, id, f, c.Waived)
			}
		}
	}
	if run.Results == nil {
		run.Results = []*sarif.Result{}
	}
	// Input problems (diagnostics) are tool execution notifications, so a
	// code-scanning view shows that part of the input could not be read.
	ok := true
	inv := &sarif.Invocation{ExecutionSuccessful: &ok}
	for _, d := range r.Diagnostics {
		level := map[collectors.Severity]string{collectors.SeverityError: "error", collectors.SeverityWarning: "warning"}[d.Severity]
		n := &sarif.Notification{Level: cmp.Or(level, "note"), Message: sarif.NewTextMessage(sentence(d.Message))}
		if d.File != "" {
			n.Locations = []*sarif.Location{location(results.Evidence{File: d.File, Line: d.Line})}
		}
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, n)
	}
	run.Invocations = []*sarif.Invocation{inv}
	log.AddRun(run)
	// json.MarshalIndent's layout, indented while written: MarshalIndent
	// indents into a second buffer that grows by copying (BenchmarkReportWide).
	data, err := json.Marshal(log)
	if err != nil {
		return err
	}
	return writePiecesIndented(w, [][]byte{append(data, '\n')})
}

// validSemver is a loose check: GitHub rejects a semanticVersion that is not one.
func validSemver(v string) bool {
	parts := strings.SplitN(strings.SplitN(v, "-", 2)[0], ".", 3)
	if len(parts) != 3 {
		return false
	}
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}

func claimLevel(v string) string {
	switch v {
	case results.Contradicted:
		return "error"
	case results.Unproven:
		return "warning"
	}
	return ""
}

func controlLevel(c results.Control) string {
	switch {
	case c.Verdict == results.Below && c.Severity == "hard":
		return "error"
	case c.Verdict == results.Below:
		return "warning"
	case c.Verdict == results.Unknown:
		return "note"
	}
	return ""
}

// suppress marks a waived result as an accepted external suppression. The
// guid and location are always set: the library writes null for unset ones,
// which the SARIF schema rejects.
func suppress(res *sarif.Result, ruleID string, f finding, w *results.WaiverRef) {
	sum := sha256.Sum256([]byte("suppression\x00" + ruleID + "\x00" + f.subject))
	sum[6] = sum[6]&0x0f | 0x50 // name-based UUID layout (version 5, RFC 4122 variant)
	sum[8] = sum[8]&0x3f | 0x80
	h := hex.EncodeToString(sum[:16])
	sup := sarif.NewSuppression("external").WithStatus("accepted").WithJustifcation(waiverText(w)).
		WithGuid(h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32])
	place := results.Evidence{File: w.File, Line: w.Line}
	if place.File == "" {
		place = f.primary
	}
	sup.WithLocation(location(place))
	res.AddSuppression(sup)
}

func waiverText(w *results.WaiverRef) string {
	s := fmt.Sprintf("%s (%s:%d)", w.Reason, w.File, w.Line)
	if w.Expires != "" {
		s += " expires " + w.Expires
	}
	return s
}

// finding is one SARIF result: a message and where it points.
type finding struct {
	subject  string // the resource (fact id), or "" for the verdict as a whole
	message  string
	primary  results.Evidence
	related  []results.Evidence
	hasPlace bool
}

// claimFindings splits a failing claim into one finding per resource that
// contradicts it (or leaves it unknown); a claim with no such resource is
// one finding at its evidence or its line in the claims file.
func claimFindings(c results.Claim, claimsFile, lang string) []finding {
	want := "contradicts"
	if c.Verdict == results.Unproven {
		want = "unknown"
	}
	head := fmt.Sprintf("[%s %d %s] %s", tr(lang, "項目", "item"), c.Item, c.Key, label(c.Verdict, lang))
	if c.Text != "" {
		head += tr(lang, "「", " — “") + c.Text + tr(lang, "」", "”")
	}
	ix := indexEvidence(c.Evidence)
	var out []finding
	for _, d := range c.Details {
		if d.Outcome != want {
			continue
		}
		f := finding{subject: d.Fact, message: head + ": " + d.Reason.In(lang)}
		placeFinding(&f, d.Fact, ix)
		out = append(out, f)
	}
	if len(out) == 0 {
		f := finding{message: head + ": " + c.Reason.In(lang)}
		placeFinding(&f, "", ix)
		if !f.hasPlace && claimsFile != "" {
			f.primary = results.Evidence{File: claimsFile, Line: max(c.Line, 1)}
			f.hasPlace = true
		}
		out = append(out, f)
	}
	return out
}

func controlFindings(c results.Control, claimsFile, lang string) []finding {
	want := "fail"
	if c.Verdict == results.Unknown {
		want = "unknown"
	}
	title := c.Title.In(lang)
	head := fmt.Sprintf("[%s] %s (%s %s): ", controlName(c), label(c.Verdict, lang), tr(lang, "参照値", "reference"), reference(c))
	ix := indexEvidence(c.Evidence)
	var out []finding
	for _, a := range c.Actual {
		if a.Outcome != want {
			continue
		}
		f := finding{subject: a.Fact, message: head + c.Reason.In(lang) + " — " + title}
		placeFinding(&f, a.Fact, ix)
		out = append(out, f)
	}
	if len(out) == 0 {
		f := finding{message: head + c.Reason.In(lang) + " — " + title}
		placeFinding(&f, "", ix)
		if !f.hasPlace && claimsFile != "" {
			f.primary = results.Evidence{File: claimsFile, Line: 1}
			f.hasPlace = true
		}
		out = append(out, f)
	}
	return out
}

// maxRelated caps the related locations of a finding about the verdict as a
// whole: a claim over thousands of resources would otherwise copy all of its
// evidence into the one result.
const maxRelated = 20

// evidenceIndex finds a verdict's evidence by resource in one pass, so that
// placing n findings costs n lookups, not n scans of the evidence.
type evidenceIndex struct {
	all    []results.Evidence
	byFact map[string][]int // fact → indexes into all of its evidence with a file
	first  int              // the first evidence with a file, or -1
}

func indexEvidence(es []results.Evidence) evidenceIndex {
	ix := evidenceIndex{all: es, byFact: map[string][]int{}, first: -1}
	for i, e := range es {
		if e.File == "" {
			continue
		}
		if ix.first < 0 {
			ix.first = i
		}
		ix.byFact[e.Fact] = append(ix.byFact[e.Fact], i)
	}
	return ix
}

// placeFinding points a finding at the evidence for its resource; the rest
// of that resource's evidence are related locations. A finding about the
// verdict as a whole (no resource, or one without evidence of its own)
// points at the first evidence, with up to maxRelated others as related.
// Each result thus carries its own locations, not its claim's whole
// evidence: one result per failing resource stays small at any size.
func placeFinding(f *finding, fact string, ix evidenceIndex) {
	if own := ix.byFact[fact]; fact != "" && len(own) > 0 {
		f.primary, f.hasPlace = ix.all[own[0]], true
		for _, j := range own[1:] {
			f.related = append(f.related, ix.all[j])
		}
		return
	}
	if ix.first < 0 {
		return
	}
	f.primary, f.hasPlace = ix.all[ix.first], true
	for j := ix.first + 1; j < len(ix.all) && len(f.related) < maxRelated; j++ {
		if ix.all[j].File != "" {
			f.related = append(f.related, ix.all[j])
		}
	}
}

func (s *SARIF) result(run *sarif.Run, ruleID string, ruleIndex int, level string, f finding) *sarif.Result {
	res := run.CreateResultForRule(ruleID).WithRuleIndex(ruleIndex).WithLevel(level).WithMessage(sarif.NewTextMessage(sentence(f.message)))
	if f.hasPlace {
		res.AddLocation(location(f.primary))
	}
	for i, e := range f.related {
		res.AddRelatedLocation(location(e).WithId(i + 1).WithMessage(sarif.NewTextMessage(e.Fact)))
	}
	sum := sha256.Sum256([]byte(ruleID + "\x00" + f.subject))
	res.WithPartialFingerPrints(map[string]any{FingerprintKey: hex.EncodeToString(sum[:16])})
	if f.subject != "" {
		res.Properties = sarif.Properties{"resource": f.subject}
	}
	return res
}

func location(e results.Evidence) *sarif.Location {
	pl := sarif.NewPhysicalLocation().WithArtifactLocation(sarif.NewSimpleArtifactLocation(uriPath(e.File)))
	if e.Line > 0 {
		pl.WithRegion(sarif.NewRegion().WithStartLine(e.Line))
	}
	loc := sarif.NewLocationWithPhysicalLocation(pl)
	return loc
}

// uriPath turns a relative file path into a relative URI reference, as
// GitHub expects (forward slashes, percent-encoded where needed).
func uriPath(p string) string {
	p = strings.ReplaceAll(p, `\`, "/")
	var b strings.Builder
	for _, c := range []byte(p) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', strings.IndexByte("-._~/!$&'()*+,;=:@", c) >= 0:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return strings.TrimPrefix(b.String(), "./")
}

// sentence ends a message with a full stop, as SARIF's guidance asks.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "。") {
		return s
	}
	if r, _ := utf8.DecodeLastRuneInString(s); r >= 0x3000 {
		return s + "。"
	}
	return s + "."
}

func ruleIndex(run *sarif.Run, id string) int {
	for i, r := range run.Tool.Driver.Rules {
		if r.ID == id {
			return i
		}
	}
	return -1
}

func (s *SARIF) claimRule(run *sarif.Run, c results.Claim) int {
	id := "claim/" + c.Key
	if i := ruleIndex(run, id); i >= 0 {
		return i
	}
	lang := s.opts.Lang
	short := tr(lang, fmt.Sprintf("開示項目 %s が基盤で裏付けられること", c.Key), fmt.Sprintf("Disclosure claim %s is backed by the infrastructure", c.Key))
	full := tr(lang,
		fmt.Sprintf("情報開示シートの項目 %d（%s）の記載が、スキャンした基盤（Terraform など）と一致するかを確認します。", c.Item, c.Key),
		fmt.Sprintf("Checks that what the disclosure sheet says under item %d (%s) matches the scanned infrastructure (Terraform and other inputs).", c.Item, c.Key))
	help := fmt.Sprintf("**%s** — %s\n\n"+
		"- 矛盾 (contradicted): 基盤の設定が開示内容と食い違っています。設定を直すか、開示シートを実態に合わせて改訂してください。"+
		" The infrastructure disproves the claim: fix the configuration, or correct the published sheet.\n"+
		"- 未確認 (unproven): 静的に値を確定できないか、該当するリソースがありません。証拠となる設定を追加するか、変数に値を与えてください。"+
		" Nothing proves or disproves it: a value is unknown statically (a variable without a value) or no relevant resource was scanned.\n\n"+
		"Claimed in the sheet: item %d. See docs/reports.md and docs/results.md.",
		c.Key, c.Text, c.Item)
	rule := run.AddRule(id).WithName(ruleName(c.Key)).
		WithShortDescription(sarif.NewMultiformatMessageString(sentence(short))).
		WithFullDescription(sarif.NewMultiformatMessageString(sentence(full))).
		WithHelp(sarif.NewMultiformatMessageString(plainHelp(help)).WithMarkdown(help)).
		WithHelpURI(InformationURI + "/blob/main/docs/reports.md")
	rule.WithDefaultConfiguration(&sarif.ReportingConfiguration{Level: "error"})
	rule.WithProperties(sarif.Properties{"tags": []string{"kaiji", "disclosure", fmt.Sprintf("item-%d", c.Item)}, "precision": "high"})
	return len(run.Tool.Driver.Rules) - 1
}

func (s *SARIF) controlRule(run *sarif.Run, c results.Control) int {
	id := "control/" + controlName(c)
	if i := ruleIndex(run, id); i >= 0 {
		return i
	}
	lang := s.opts.Lang
	short := tr(lang, fmt.Sprintf("%s: %s", controlName(c), c.Title.Ja), fmt.Sprintf("%s: %s", controlName(c), c.Title.En))
	full := fmt.Sprintf("%s / %s", c.Title.Ja, c.Title.En)
	help := fmt.Sprintf("**%s** — %s\n\n%s\n\n"+
		"パターン %d の対策参照値: %s（* は必須）。Reference value for pattern %d: %s (* must be achieved).\n\n"+
		"- 未達 (below): 基盤の値が参照値に届いていません。 The infrastructure's value falls short of the reference value.\n"+
		"- 不明 (unknown): 値を静的に確定できません。 The value cannot be known statically.",
		controlName(c), c.Title.Ja, c.Title.En, c.Pattern, reference(c), c.Pattern, reference(c))
	level := "warning"
	if c.Severity == "hard" {
		level = "error"
	}
	rule := run.AddRule(id).WithName(ruleName(strings.ReplaceAll(controlName(c), "/", "."))).
		WithShortDescription(sarif.NewMultiformatMessageString(sentence(oneLine(short)))).
		WithFullDescription(sarif.NewMultiformatMessageString(sentence(oneLine(full)))).
		WithHelp(sarif.NewMultiformatMessageString(plainHelp(help)).WithMarkdown(help)).
		WithHelpURI(InformationURI + "/blob/main/docs/reports.md")
	rule.WithDefaultConfiguration(&sarif.ReportingConfiguration{Level: level})
	rule.WithProperties(sarif.Properties{"tags": []string{"kaiji", "guideline-control", c.Level}, "precision": "high"})
	return len(run.Tool.Driver.Rules) - 1
}

// ruleName turns "backup.generations" into "BackupGenerations", the
// identifier-like name SARIF viewers show.
func ruleName(key string) string {
	var b strings.Builder
	up := true
	for _, r := range key {
		if r == '.' || r == '_' || r == '-' || r == '/' {
			up = true
			continue
		}
		if up && r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		up = false
		b.WriteRune(r)
	}
	return b.String()
}

var plainHelpReplacer = strings.NewReplacer("**", "", "`", "")

func plainHelp(md string) string { return plainHelpReplacer.Replace(md) }
