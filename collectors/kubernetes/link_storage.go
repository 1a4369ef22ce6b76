package kubernetes

import (
	"path"
	"slices"
	"strings"

	"github.com/kaiji-dev/kaiji/collectors"
)

// linkClasses resolves each claim's StorageClass, or the default class when
// the claim names none.
func linkClasses(objs []*object, facts [][]*collectors.Fact, classes []int) {
	byName := map[string][]int{}
	var defaults []int
	for _, c := range classes {
		byName[objs[c].name()] = append(byName[objs[c].name()], c)
		if v, _ := objs[c].v.path("metadata", "annotations", defaultClassAnnotation).bool(); v {
			defaults = append(defaults, c)
		}
	}
	// A class in the claim's own directory wins over one elsewhere.
	find := func(f *collectors.Fact, owner *object, cands []int) *object {
		var found *object
		for _, c := range cands {
			o := objs[c]
			if !related(o, owner) {
				continue
			}
			if path.Dir(o.file) == path.Dir(f.Source.File) {
				return o
			}
			if found == nil {
				found = o
			}
		}
		return found
	}
	for i, fs := range facts {
		for _, f := range fs {
			if f.Kind != collectors.KindDatastore || f.Type != "PersistentVolumeClaim" {
				continue
			}
			name, named := f.Attrs["storage_class"].(string)
			switch {
			case named && name != "":
				if sc := find(f, objs[i], byName[name]); sc != nil {
					applyClassEncryption(f, sc)
				}
			case !named:
				if sc := find(f, objs[i], defaults); sc != nil {
					set(f, "storage_class", sc.name(), val{})
					applyClassEncryption(f, sc)
				}
			}
		}
	}
}

// linkVelero resolves the claims each Velero Schedule covers: those in its
// included namespaces and not in its excluded ones.
func linkVelero(objs []*object, facts [][]*collectors.Fact) {
	type claim struct {
		id, ns string
		obj    *object
	}
	var claims []claim
	for i, fs := range facts {
		for _, f := range fs {
			if f.Type == "PersistentVolumeClaim" {
				claims = append(claims, claim{f.ID, objs[i].namespace(), objs[i]})
			}
		}
	}
	if len(claims) == 0 {
		return
	}
	for i, o := range objs {
		if o.kind() != "Schedule" || o.group() != "velero.io" {
			continue
		}
		tpl := o.v.path("spec", "template")
		inc := tpl.get("includedNamespaces").strs()
		exc := tpl.get("excludedNamespaces").strs()
		all := len(inc) == 0 || slices.Contains(inc, "*")
		var ids []any
		for _, c := range claims {
			if related(c.obj, o) && (all || slices.Contains(inc, c.ns)) && !slices.Contains(exc, c.ns) {
				ids = append(ids, c.id)
			}
		}
		if len(ids) == 0 {
			continue
		}
		slices.SortFunc(ids, func(a, b any) int { return strings.Compare(a.(string), b.(string)) })
		for _, f := range facts[i] {
			if f.Kind == collectors.KindBackup {
				clearUnknown(f, "targets")
				set(f, "targets", ids, val{})
			}
		}
	}
}
