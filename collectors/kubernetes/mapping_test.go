package kubernetes

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	sigyaml "sigs.k8s.io/yaml"

	"github.com/kaiji-dev/kaiji/collectors"
)

// TestFactsFromObject checks each mapping on one decoded object, as the
// admission webhook hands them over (JSON numbers are float64 there).
func TestFactsFromObject(t *testing.T) {
	tests := []struct {
		name        string
		obj         string
		id          string
		want        map[string]any
		wantUnknown []string
		wantNone    bool
		field       string // the field attribute, when the case checks it
	}{
		{
			name: "liveness probe with period",
			obj: `{apiVersion: v1, kind: Pod, metadata: {name: p, namespace: ns},
				spec: {containers: [{name: c, livenessProbe: {httpGet: {path: /h, port: 80}, periodSeconds: 7}}]}}`,
			id:    `v1/Pod/ns/p.containers["c"].livenessProbe`,
			want:  map[string]any{"check": "liveness", "configured": true, "target": "c http://:80/h", "interval_seconds": int64(7)},
			field: "spec.containers[0].livenessProbe",
		},
		{
			name: "readiness probe default period",
			obj: `{apiVersion: v1, kind: Pod, metadata: {name: p},
				spec: {containers: [{name: c, readinessProbe: {grpc: {port: 9090}}}]}}`,
			id:   `v1/Pod/p.containers["c"].readinessProbe`,
			want: map[string]any{"check": "readiness", "configured": true, "target": "c grpc://:9090", "interval_seconds": int64(10)},
		},
		{
			name: "probe period from a template is unknown",
			obj: `{apiVersion: v1, kind: Pod, metadata: {name: p},
				spec: {containers: [{name: c, startupProbe: {tcpSocket: {port: 1}, periodSeconds: "{{ .Values.p }}"}}]}}`,
			id:          `v1/Pod/p.containers["c"].startupProbe`,
			want:        map[string]any{"check": "startup", "configured": true, "target": "c tcp://:1"},
			wantUnknown: []string{"attrs.interval_seconds"},
		},
		{
			name: "container without liveness probe",
			obj: `{apiVersion: apps/v1, kind: Deployment, metadata: {name: d},
				spec: {template: {spec: {initContainers: [{name: side, restartPolicy: Always}], containers: [{name: a}]}}}}`,
			id:    `apps/v1/Deployment/d.containers["side"].livenessProbe`,
			want:  map[string]any{"check": "liveness", "configured": false, "target": "side"},
			field: "spec.template.spec.initContainers[0].livenessProbe",
		},
		{
			name:     "job needs no liveness probe",
			obj:      `{apiVersion: batch/v1, kind: Job, metadata: {name: j}, spec: {template: {spec: {containers: [{name: a}]}}}}`,
			wantNone: true,
		},
		{
			name: "replicas default and hard zone spread",
			obj: `{apiVersion: apps/v1, kind: Deployment, metadata: {name: d, namespace: ns},
				spec: {template: {spec: {topologySpreadConstraints: [{topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, maxSkew: 1}]}}}}`,
			id:          "apps/v1/Deployment/ns/d",
			want:        map[string]any{"replicas": int64(1), "spread_across_zones": true},
			wantUnknown: []string{"attrs.zones"},
		},
		{
			name: "required zone anti-affinity",
			obj: `{apiVersion: apps/v1, kind: StatefulSet, metadata: {name: s}, spec: {replicas: 3, template: {spec: {affinity: {podAntiAffinity: {
				requiredDuringSchedulingIgnoredDuringExecution: [{topologyKey: failure-domain.beta.kubernetes.io/zone}]}}}}}}`,
			id:          "apps/v1/StatefulSet/s",
			want:        map[string]any{"replicas": int64(3), "spread_across_zones": true},
			wantUnknown: []string{"attrs.zones"},
		},
		{
			name: "region node selector",
			obj: `{apiVersion: apps/v1, kind: Deployment, metadata: {name: d},
				spec: {template: {spec: {nodeSelector: {topology.kubernetes.io/region: asia-northeast2}}}}}`,
			id:   `apps/v1/Deployment/d.region["asia-northeast2"]`,
			want: map[string]any{"provider": "gcp", "region": "asia-northeast2"},
		},
		{
			name: "namespace default deny",
			obj:  `{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: deny, namespace: ns}, spec: {podSelector: {}, policyTypes: [Ingress]}}`,
			id:   "networking.k8s.io/v1/NetworkPolicy/ns/deny.ingress.deny",
			want: map[string]any{"direction": "ingress", "action": "deny", "default_deny": true, "protocol": "all",
				"from_port": int64(0), "to_port": int64(65535), "group": "networking.k8s.io/v1/NetworkPolicy/ns/deny",
				"sources": []any{}, "internet_exposed": false},
		},
		{
			name: "ingress rule from the internet",
			obj: `{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: web}, spec: {podSelector: {matchLabels: {a: b}},
				ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0}}], ports: [{port: 443}]}]}}`,
			id: "networking.k8s.io/v1/NetworkPolicy/web.ingress[0]",
			want: map[string]any{"direction": "ingress", "action": "allow", "protocol": "tcp", "from_port": int64(443), "to_port": int64(443),
				"sources": []any{"0.0.0.0/0"}, "internet_exposed": true, "group": "networking.k8s.io/v1/NetworkPolicy/web"},
		},
		{
			name: "load balancer without source ranges",
			obj:  `{apiVersion: v1, kind: Service, metadata: {name: s}, spec: {type: LoadBalancer, ports: [{name: h, port: 80}]}}`,
			id:   `v1/Service/s.ports["h"]`,
			want: map[string]any{"direction": "ingress", "action": "allow", "protocol": "tcp", "from_port": int64(80), "to_port": int64(80),
				"sources": []any{"0.0.0.0/0"}, "internet_exposed": true, "group": "v1/Service/s", "service_type": "LoadBalancer"},
		},
		{
			name: "load balancer with source ranges annotation",
			obj: `{apiVersion: v1, kind: Service, metadata: {name: s, annotations: {service.beta.kubernetes.io/load-balancer-source-ranges: "10.0.0.0/8, 192.0.2.0/24"}},
				spec: {type: LoadBalancer, ports: [{port: 443}]}}`,
			id: `v1/Service/s.ports["0"]`,
			want: map[string]any{"direction": "ingress", "action": "allow", "protocol": "tcp", "from_port": int64(443), "to_port": int64(443),
				"sources": []any{"10.0.0.0/8", "192.0.2.0/24"}, "internet_exposed": false, "group": "v1/Service/s", "service_type": "LoadBalancer"},
		},
		{
			name:     "cluster IP service opens nothing",
			obj:      `{apiVersion: v1, kind: Service, metadata: {name: s}, spec: {ports: [{port: 80}]}}`,
			wantNone: true,
		},
		{
			name: "ingress with TLS and GCE no HTTP",
			obj: `{apiVersion: networking.k8s.io/v1, kind: Ingress, metadata: {name: i, annotations: {kubernetes.io/ingress.class: gce, kubernetes.io/ingress.allow-http: "false"}},
				spec: {tls: [{secretName: s}]}}`,
			id:          "networking.k8s.io/v1/Ingress/i.https",
			want:        map[string]any{"protocol": "https", "port": int64(443), "tls": true, "certificate": true},
			wantUnknown: []string{"attrs.min_tls_version", "attrs.public"},
		},
		{
			name: "ingress-nginx default TLS versions",
			obj: `{apiVersion: networking.k8s.io/v1, kind: Ingress, metadata: {name: i},
				spec: {ingressClassName: nginx, tls: [{secretName: s}]}}`,
			id:          "networking.k8s.io/v1/Ingress/i.https",
			want:        map[string]any{"protocol": "https", "port": int64(443), "tls": true, "certificate": true, "min_tls_version": "1.2"},
			wantUnknown: []string{"attrs.public"},
		},
		{
			name: "gateway listener",
			obj: `{apiVersion: gateway.networking.k8s.io/v1, kind: Gateway, metadata: {name: g},
				spec: {listeners: [{name: l, protocol: HTTPS, port: 443, tls: {certificateRefs: [{name: c}], frontendValidation: {caCertificateRefs: [{name: ca}]}}}]}}`,
			id:          `gateway.networking.k8s.io/v1/Gateway/g.listeners["l"]`,
			want:        map[string]any{"protocol": "https", "port": int64(443), "tls": true, "certificate": true, "client_certificate": true},
			wantUnknown: []string{"attrs.min_tls_version", "attrs.public"},
		},
		{
			name:        "cert-manager certificate alone",
			obj:         `{apiVersion: cert-manager.io/v1, kind: Certificate, metadata: {name: c, namespace: ns}, spec: {secretName: s}}`,
			id:          "cert-manager.io/v1/Certificate/ns/c",
			want:        map[string]any{"tls": true, "certificate": true},
			wantUnknown: []string{"attrs.protocol", "attrs.public"},
		},
		{
			name:     "cert-manager CA certificate serves nothing",
			obj:      `{apiVersion: cert-manager.io/v1, kind: Certificate, metadata: {name: ca}, spec: {isCA: true, secretName: ca}}`,
			wantNone: true,
		},
		{
			name: "velero schedule weekly with default ttl",
			obj:  `{apiVersion: velero.io/v1, kind: Schedule, metadata: {name: w, namespace: velero}, spec: {schedule: "0 0 * * 0"}}`,
			id:   "velero.io/v1/Schedule/velero/w",
			want: map[string]any{"plan": "velero.io/v1/Schedule/velero/w", "rule": "w", "schedule": "0 0 * * 0", "enabled": true,
				"interval_seconds": int64(604800), "retention_seconds": int64(2592000), "generations": int64(4)},
			wantUnknown: []string{"attrs.location.region", "attrs.targets"},
		},
		{
			name: "velero schedule with a bad ttl",
			obj:  `{apiVersion: velero.io/v1, kind: Schedule, metadata: {name: b}, spec: {schedule: "@daily", template: {ttl: "ten days"}}}`,
			id:   "velero.io/v1/Schedule/b",
			want: map[string]any{"plan": "velero.io/v1/Schedule/b", "rule": "b", "schedule": "@daily", "enabled": true,
				"interval_seconds": int64(86400)},
			wantUnknown: []string{"attrs.generations", "attrs.location.region", "attrs.retention_seconds", "attrs.targets"},
		},
		{
			name: "declared backup cronjob with generations",
			obj: `{apiVersion: batch/v1, kind: CronJob, metadata: {name: b, labels: {kaiji.dev/backup: "true"}, annotations: {kaiji.dev/backup-generations: "5"}},
				spec: {schedule: "0 */6 * * *", suspend: true}}`,
			id: "batch/v1/CronJob/b",
			want: map[string]any{"plan": "batch/v1/CronJob/b", "rule": "b", "schedule": "0 */6 * * *", "enabled": false,
				"interval_seconds": int64(21600), "generations": int64(5)},
			wantUnknown: []string{"attrs.location.region", "attrs.retention_seconds", "attrs.targets"},
		},
		{
			name:     "undeclared cronjob is no backup",
			obj:      `{apiVersion: batch/v1, kind: CronJob, metadata: {name: report}, spec: {schedule: "0 0 * * *"}}`,
			wantNone: true,
		},
		{
			name:        "claim without its class",
			obj:         `{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {name: c, namespace: ns}, spec: {storageClassName: fast, accessModes: [ReadWriteMany]}}`,
			id:          "v1/PersistentVolumeClaim/ns/c",
			want:        map[string]any{"class": "file_storage", "name": "c", "storage_class": "fast"},
			field:       "spec.storageClassName",
			wantUnknown: []string{"attrs.encrypted_at_rest", "attrs.location.region"},
		},
		{
			name: "claim templates of a region-pinned StatefulSet",
			obj: `{apiVersion: apps/v1, kind: StatefulSet, metadata: {name: db}, spec: {
				template: {spec: {nodeSelector: {topology.kubernetes.io/region: ap-northeast-3}}},
				volumeClaimTemplates: [{metadata: {name: data}, spec: {storageClassName: gp3}}]}}`,
			id: `apps/v1/StatefulSet/db.volumeClaimTemplates["data"]`,
			want: map[string]any{"class": "block_storage", "name": "data", "storage_class": "gp3",
				"location": map[string]any{"provider": "aws", "region": "ap-northeast-3"}},
			wantUnknown: []string{"attrs.encrypted_at_rest"},
		},
		{
			name: "cluster-admin to a group",
			obj: `{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRoleBinding, metadata: {name: b},
				subjects: [{kind: Group, name: ops}, {kind: User, name: "system:admin"}], roleRef: {kind: ClusterRole, name: cluster-admin}}`,
			id:   `rbac.authorization.k8s.io/v1/ClusterRoleBinding/b.subjects["Group:ops"]`,
			want: map[string]any{"subject": "Group:ops", "role": "cluster-admin", "admin": true},
		},
		{
			name: "falco deployment",
			obj: `{apiVersion: apps/v1, kind: DaemonSet, metadata: {name: f},
				spec: {template: {spec: {containers: [{name: falco, image: "falcosecurity/falco-no-driver:0.38.0"}]}}}}`,
			id:    `apps/v1/DaemonSet/f.detection["falco"]`,
			want:  map[string]any{"service": "falco", "enabled": true, "intrusion_detection": true, "mode": "alert"},
			field: "spec.template.spec.containers[0].image",
		},
		{
			name:     "custom resource kept generic",
			obj:      `{apiVersion: example.com/v1, kind: Thing, metadata: {name: t}, spec: {replicas: 3}}`,
			wantNone: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var obj map[string]any
			if err := sigyaml.Unmarshal([]byte(tt.obj), &obj); err != nil {
				t.Fatal(err)
			}
			facts, _ := FactsFromObject(obj, collectors.Source{File: "admission", Line: 1, EndLine: 1})
			if tt.wantNone {
				if len(facts) != 0 {
					t.Fatalf("want no facts, have %+v", facts)
				}
				return
			}
			var got *collectors.Fact
			for i := range facts {
				if facts[i].ID == tt.id {
					got = &facts[i]
				}
			}
			if got == nil {
				ids := make([]string, len(facts))
				for i, f := range facts {
					ids[i] = f.ID
				}
				t.Fatalf("no fact %s among %q", tt.id, ids)
			}
			if tt.field != "" && got.Attrs["field"] != tt.field {
				t.Errorf("field %v, want %s", got.Attrs["field"], tt.field)
			}
			delete(got.Attrs, "field")
			if diff := cmp.Diff(tt.want, got.Attrs); diff != "" {
				t.Errorf("attrs (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantUnknown, got.Unknown); diff != "" {
				t.Errorf("unknown (-want +got):\n%s", diff)
			}
			if got.Source.File != "admission" || got.Provider != Provider {
				t.Errorf("source %+v provider %q", got.Source, got.Provider)
			}
		})
	}
}
