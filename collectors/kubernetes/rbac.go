package kubernetes

import (
	"fmt"
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
	var out []*collectors.Fact
	for i, s := range o.v.get("subjects").list() {
		subject, system := subjectName(s)
		if system {
			continue
		}
		f := newFact(o, collectors.KindIdentity, o.ref()+".subjects"+quoteKey(subject), s)
		set(f, "subject", subject, s)
		set(f, "field", fmt.Sprintf("subjects[%d]", i), val{})
		set(f, "role", "cluster-admin", role.get("name"))
		set(f, "admin", true, role.get("name"))
		out = append(out, f)
	}
	return out
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
