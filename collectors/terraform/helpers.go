package terraform

import (
	"slices"
	"strings"

	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/collectors/internal/schedule"
)

// regionOf records location.region from the first of the resource's own
// attributes that is set (location, region …), else from its provider
// configuration. norm normalizes the provider's spelling.
func regionOf(m *module, r *resource, f *collectors.Fact, norm func(string) string, names ...string) {
	set(f, "location.provider", f.Provider)
	for _, n := range names {
		v := r.body.get(n)
		if !v.present {
			continue
		}
		f.SetLine("location.region", v.line)
		s, ok := asString(v.v)
		if !v.known || !ok {
			f.SetUnknown("location.region")
			return
		}
		if norm != nil {
			s = norm(s)
		}
		set(f, "location.region", s)
		return
	}
	location(m, r, f)
}

// azureRegion normalizes an Azure location: "Japan East" → "japaneast".
func azureRegion(s string) string {
	return strings.ToLower(strings.ReplaceAll(s, " ", ""))
}

// lower lower-cases a region code (Google multi-regions are written "ASIA").
func lower(s string) string { return strings.ToLower(s) }

// days reads an attribute counted in days into a *_seconds attribute.
func days(f *collectors.Fact, path string, b *block, name string, mode absent, def int64) (int64, bool) {
	v := b.get(name)
	switch {
	case v.known:
		n, ok := asInt(v.v)
		f.SetLine(path, v.line)
		if !ok {
			f.SetUnknown(path)
			return 0, false
		}
		set(f, path, n*schedule.Day)
		return n, true
	case v.present:
		f.SetUnknown(path)
		f.SetLine(path, v.line)
		return 0, false
	}
	switch mode {
	case absentDefault:
		set(f, path, def*schedule.Day)
		return def, true
	case absentUnknown:
		f.SetUnknown(path)
	}
	return 0, false
}

// present records a bool that is true when the attribute is set to
// something (a key, a certificate), with its line; an empty string or list
// (as plans and states write unset attributes) does not count.
func present(f *collectors.Fact, path string, b *block, names ...string) bool {
	for _, n := range names {
		if nonEmpty(b, n) {
			set(f, path, true)
			f.SetLine(path, b.get(n).line)
			return true
		}
	}
	return false
}

// str reads a known string attribute.
func str(b *block, name string) (string, bool) {
	v := b.get(name)
	if !v.known {
		return "", false
	}
	return asString(v.v)
}

// strings reads a known list of strings.
func strList(b *block, name string) ([]string, bool) {
	v := b.get(name)
	if !v.known {
		return nil, false
	}
	return asStrings(v.v)
}

// clearUnknown removes attrs.<path> from the fact's unknown list.
func clearUnknown(f *collectors.Fact, path string) {
	f.Unknown = slices.DeleteFunc(f.Unknown, func(s string) bool { return s == "attrs."+path })
}

// exposedSource reports whether a source address opens a rule to the internet.
func exposedSource(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "0.0.0.0/0", "::/0", "*", "internet", "any", "0.0.0.0":
		return true
	}
	return false
}

// portRange parses "22", "1000-2000" or "*" into a range.
func portRange(s string) (int64, int64, bool) {
	s = strings.TrimSpace(s)
	if s == "*" || s == "" {
		return 0, 65535, true
	}
	lo, hi, ok := strings.Cut(s, "-")
	if !ok {
		hi = lo
	}
	a, ok1 := asInt(lo)
	b, ok2 := asInt(hi)
	return a, b, ok1 && ok2
}

// nonEmpty reports whether an attribute is set to something other than an
// empty list or string (plans write every attribute, empty ones included).
func nonEmpty(b *block, name string) bool {
	v := b.get(name)
	if !v.present {
		return false
	}
	if !v.known {
		return true
	}
	switch x := v.v.(type) {
	case []any:
		return len(x) > 0
	case string:
		return x != ""
	}
	return true
}

// copyAttr copies a top-level attribute between facts of one resource, or
// its unknown mark.
func copyAttr(from, to *collectors.Fact, name string) {
	if v, ok := from.Attrs[name]; ok {
		set(to, name, v)
		to.SetLine(name, from.Lines[name])
		return
	}
	if slices.Contains(from.Unknown, "attrs."+name) {
		to.SetUnknown(name)
	}
}
