package gen

import (
	"fmt"
	"path/filepath"
	"strings"
)

// appObjects is the number of objects one application's manifest holds.
const appObjects = 10

// writeKubernetes writes n objects: one file per application (a namespace of
// its own with a Deployment, its Service, Ingress, autoscaler, disruption
// budget, network policies, a StatefulSet database with its headless
// Service, and a RoleBinding), and ConfigMaps to make up the count.
func writeKubernetes(dir string, n int) (int, error) {
	apps := n / appObjects
	objects := 0
	for i := 0; i < apps; i++ {
		name := fmt.Sprintf("app%05d", i)
		body := strings.ReplaceAll(appManifest, "APP", name)
		body = strings.ReplaceAll(body, "REPLICAS", fmt.Sprint(2+i%3))
		if err := writeFile(filepath.Join(dir, fmt.Sprintf("team%02d", i%20), name+".yaml"), body); err != nil {
			return 0, err
		}
		objects += appObjects
	}
	var sb strings.Builder
	for ; objects < n; objects++ {
		fmt.Fprintf(&sb, "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings-%d\n  namespace: platform\ndata:\n  LOG_LEVEL: info\n", objects)
	}
	if sb.Len() > 0 {
		if err := writeFile(filepath.Join(dir, "platform", "settings.yaml"), sb.String()); err != nil {
			return 0, err
		}
	}
	return objects, nil
}

const appManifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: APP
  labels: {app: web, app.kubernetes.io/part-of: APP}
spec:
  replicas: REPLICAS
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web, tier: front}
    spec:
      nodeSelector:
        topology.kubernetes.io/region: ap-northeast-1
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: DoNotSchedule
          labelSelector:
            matchLabels: {app: web}
      securityContext:
        runAsNonRoot: true
      containers:
        - name: web
          image: registry.example.com/APP/web:1.4.2
          ports:
            - containerPort: 8080
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {cpu: "1", memory: 512Mi}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
          livenessProbe:
            httpGet: {path: /healthz, port: 8080}
            periodSeconds: 15
          readinessProbe:
            httpGet: {path: /ready, port: 8080}
            periodSeconds: 5
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: APP
spec:
  selector: {app: web}
  ports:
    - name: http
      port: 80
      targetPort: 8080
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: APP
  annotations:
    cert-manager.io/cluster-issuer: letsencrypt
spec:
  ingressClassName: nginx
  tls:
    - hosts: [APP.example.jp]
      secretName: APP-tls
  rules:
    - host: APP.example.jp
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                port: {number: 80}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
  namespace: APP
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: REPLICAS
  maxReplicas: 12
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
  namespace: APP
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {app: web}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: APP
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web-from-ingress
  namespace: APP
spec:
  podSelector:
    matchLabels: {app: web}
  ingress:
    - from:
        - namespaceSelector:
            matchLabels: {kubernetes.io/metadata.name: ingress-nginx}
      ports:
        - port: 8080
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: APP
spec:
  replicas: 3
  serviceName: db
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
        - name: postgres
          image: postgres:16.4
          ports:
            - containerPort: 5432
          resources:
            requests: {cpu: 250m, memory: 512Mi}
            limits: {cpu: "2", memory: 2Gi}
          readinessProbe:
            exec:
              command: ["pg_isready"]
            periodSeconds: 10
          volumeMounts:
            - name: data
              mountPath: /var/lib/postgresql/data
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: [ReadWriteOnce]
        storageClassName: gp3-encrypted
        resources:
          requests:
            storage: 50Gi
---
apiVersion: v1
kind: Service
metadata:
  name: db
  namespace: APP
spec:
  clusterIP: None
  selector: {app: db}
  ports:
    - port: 5432
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: developers
  namespace: APP
subjects:
  - kind: Group
    name: APP-developers
    apiGroup: rbac.authorization.k8s.io
roleRef:
  kind: ClusterRole
  name: view
  apiGroup: rbac.authorization.k8s.io
`
