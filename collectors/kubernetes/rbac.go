package kubernetes

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kaiji-dev/kaiji/collectors"
)

// clusterRoleBindingFacts maps a binding of cluster-admin to an identity
// fact per subject that is not part of the cluster itself.
func clusterRoleBindingFacts(o *object) []*collectors.Fact {
	role := o.v.get("roleRef")
	if role.get("kind").str() != "ClusterRole" || role.get("name").str() != "cluster-admin" {
		return nil
	}
	return bindingFacts(o, "cluster-admin", false)
}

// bindingFacts maps each non-system subject of a binding of an admin role.
// wildcard marks roles that grant every verb on every resource without
// being cluster-admin.
func bindingFacts(o *object, roleName string, wildcard bool) []*collectors.Fact {
	role := o.v.get("roleRef")
	var out []*collectors.Fact
	for i, s := range o.v.get("subjects").list() {
		subject, system := subjectName(s)
		if system {
			continue
		}
		f := newFact(o, collectors.KindIdentity, o.ref()+".subjects"+quoteKey(subject), s)
		set(f, "subject", subject, s)
		set(f, "field", fmt.Sprintf("subjects[%d]", i), val{})
		set(f, "role", roleName, role.get("name"))
		set(f, "admin", true, role.get("name"))
		if wildcard {
			set(f, "wildcard", true, role.get("name"))
		}
		out = append(out, f)
	}
	return out
}

// grantsEverything reports whether a ClusterRole allows every verb on every
// resource of every API group, as cluster-admin does.
func grantsEverything(cr *object) bool {
	for _, r := range cr.v.get("rules").list() {
		if slices.Contains(r.get("apiGroups").strs(), "*") && slices.Contains(r.get("resources").strs(), "*") && slices.Contains(r.get("verbs").strs(), "*") {
			return true
		}
	}
	return false
}

// linkAdminRoles maps bindings of ClusterRoles from the scan that grant
// everything, under another name than cluster-admin.
func linkAdminRoles(objs []*object, facts [][]*collectors.Fact) {
	admin := map[string]*object{}
	for _, o := range objs {
		if o.kind() == "ClusterRole" && o.name() != "cluster-admin" && grantsEverything(o) {
			admin[o.name()] = o
		}
	}
	if len(admin) == 0 {
		return
	}
	for i, o := range objs {
		if o.kind() != "ClusterRoleBinding" || o.group() != "rbac.authorization.k8s.io" {
			continue
		}
		role := o.v.get("roleRef")
		cr := admin[role.get("name").str()]
		if role.get("kind").str() != "ClusterRole" || cr == nil || !related(cr, o) {
			continue
		}
		facts[i] = append(facts[i], bindingFacts(o, cr.name(), true)...)
	}
}

// subjectName formats a subject as Kind:name (Kind:namespace/name for
// service accounts) and says whether it belongs to the cluster itself:
// system: users and groups, and kube-system service accounts.
func subjectName(s val) (string, bool) {
	kind, name, ns := s.get("kind").str(), s.get("name").str(), s.get("namespace").str()
	if kind == "ServiceAccount" {
		return kind + ":" + ns + "/" + name, ns == "kube-system"
	}
	return kind + ":" + name, strings.HasPrefix(name, "system:")
}
