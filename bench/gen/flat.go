package gen

import (
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// The flat layout is the same estate written as one large root module, the
// way many monorepos hold their infrastructure: every service instance is a
// file of its own resource blocks with the values written out (no module
// calls, no variables per service), all in one directory. It has exactly the
// instances of the module layout, so the two scans compare; what differs is
// the text: about a hundred times more HCL to parse, and thousands of blocks
// in one module for the collector to link. That keeps in sight the costs
// that grow with the size of one module, which the module layout (small
// modules called many times) never reaches, and gives the parse-only
// baseline real work.

// writeFlat writes the flat layout under dir.
func (e estate) writeFlat(dir string) error {
	files := map[string]string{
		"versions.tf":  versionsTF,
		"variables.tf": platformVariablesTF,
		"platform.tf":  flatPlatform(e.filler),
	}
	for i := 0; i < e.aws; i++ {
		name := fmt.Sprintf("svc%04d", i)
		tier, days := "standard", 14
		if i%3 == 0 {
			tier, days = "critical", 35
		}
		vars := map[string]string{
			"name": quote(name), "tier": quote(tier), "size": fmt.Sprint(e.size), "backup_days": fmt.Sprint(days),
			"log_retention_days": "var.log_retention_days",
			"tags":               fmt.Sprintf(`merge(local.common_tags, { service = %q })`, name),
			"partner_cidrs":      "local.partner_cidrs",
		}
		files["aws-"+name+".tf"] = flatten(resolveTier(awsModuleTF, tier == "critical"), name, vars)
	}
	for i := 0; i < e.azure; i++ {
		name := fmt.Sprintf("az%04d", i)
		location := "Japan East"
		if i%2 == 1 {
			location = "Japan West"
		}
		vars := map[string]string{"name": quote(name), "location": quote(location), "size": fmt.Sprint(e.size)}
		files["azure-"+name+".tf"] = flatten(azureModuleTF, name, vars)
	}
	for i := 0; i < e.gcp; i++ {
		name := fmt.Sprintf("gsv%04d", i)
		vars := map[string]string{"name": quote(name), "project": "var.gcp_project", "size": fmt.Sprint(e.size)}
		files["gcp-"+name+".tf"] = flatten(gcpModuleTF, name, vars)
	}
	for name, body := range files {
		if err := writeFile(filepath.Join(dir, name), body); err != nil {
			return err
		}
	}
	return nil
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

var tierChoice = regexp.MustCompile(`var\.tier == "critical" \? ("[^"]*"|\d+) : ("[^"]*"|\d+)`)

// resolveTier writes the choices the module makes by tier as the value
// chosen, as code written per service has them.
func resolveTier(module string, critical bool) string {
	pick, test := "$2", "false"
	if critical {
		pick, test = "$1", "true"
	}
	return strings.ReplaceAll(tierChoice.ReplaceAllString(module, pick), `var.tier == "critical"`, test)
}

// flatPlatform is the root's own resources (the platform team's), as the
// module layout's live/main.tf has them after its module calls.
func flatPlatform(filler int) string {
	main := fmt.Sprintf(mainTF, filler)
	i := strings.Index(main, `resource "aws_guardduty_detector"`)
	return flatLocals + main[i:]
}

const flatLocals = `locals {
  env = "prod"
  common_tags = {
    env   = local.env
    owner = "platform"
  }
  partner_cidrs = ["203.0.113.0/24", "198.51.100.0/24"]
}

`

var (
	resourceDecl = regexp.MustCompile(`(?m)^resource "([a-z0-9_]+)" "([a-z0-9_]+)"`)
	localsBlock  = regexp.MustCompile(`(?s)^locals \{\n(.*?)\n\}\n\n`)
	localDef     = regexp.MustCompile(`(?m)^\s+([a-z_]+)\s*=\s*(.+)$`)
)

// flatten turns a service module's text into blocks of the root module:
// each resource renamed with the service's prefix (and every reference to
// it), the module's locals written where they are used, and each variable
// replaced by the value the root would pass (inside "${…}" the raw text
// of a quoted value, elsewhere the expression).
func flatten(module, prefix string, vars map[string]string) string {
	text := module
	if m := localsBlock.FindStringSubmatch(text); m != nil {
		text = text[len(m[0]):]
		for _, d := range localDef.FindAllStringSubmatch(m[1], -1) {
			text = replaceRef(text, "local."+d[1], d[2])
		}
	}
	names := map[string]bool{}
	var refs []string
	for _, m := range resourceDecl.FindAllStringSubmatch(text, -1) {
		if ref := m[1] + "." + m[2]; !names[ref] {
			names[ref] = true
			refs = append(refs, ref)
		}
	}
	for _, ref := range refs {
		typ, name, _ := strings.Cut(ref, ".")
		text = strings.ReplaceAll(text, fmt.Sprintf("resource %q %q", typ, name), fmt.Sprintf("resource %q %q", typ, prefix+"_"+name))
		text = replaceRef(text, ref, typ+"."+prefix+"_"+name)
	}
	for _, k := range slices.Sorted(maps.Keys(vars)) {
		v := vars[k]
		inner := v
		if strings.HasPrefix(v, `"`) {
			inner = strings.Trim(v, `"`)
		} else {
			inner = "${" + v + "}"
		}
		text = strings.ReplaceAll(text, "${var."+k+"}", inner)
		text = replaceRef(text, "var."+k, v)
	}
	return text
}

// replaceRef replaces the reference ref where it stands as a whole (no
// name character before or after it), with repl: aws_lb.web is not
// replaced inside aws_lb.web2, so the order of replacements is free.
func replaceRef(text, ref, repl string) string {
	var b strings.Builder
	for {
		i := strings.Index(text, ref)
		if i < 0 {
			b.WriteString(text)
			return b.String()
		}
		end := i + len(ref)
		whole := (i == 0 || !nameChar(text[i-1])) && (end == len(text) || !nameChar(text[end]))
		b.WriteString(text[:i])
		if whole {
			b.WriteString(repl)
		} else {
			b.WriteString(ref)
		}
		text = text[end:]
	}
}

func nameChar(c byte) bool {
	return c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
