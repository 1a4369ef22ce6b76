// Package e2e tests the admission webhook against a real kube-apiserver and
// etcd on 127.0.0.1 (built by scripts/setup/kube.sh), with the webhook
// registered through a ValidatingWebhookConfiguration and objects applied
// with kubectl, as a cluster operator would.
package e2e

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var repoRoot, _ = filepath.Abs("../../..")

func kubeBin(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(repoRoot, ".cache", "kube", "bin", name)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not built (scripts/setup/kube.sh): %v", name, err)
		}
		t.Skipf("%s not built; run scripts/setup/kube.sh", name)
	}
	return p
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

type pki struct {
	dir    string
	ca     *x509.Certificate
	caKey  *ecdsa.PrivateKey
	caPEM  []byte
	serial int64
}

func newPKI(t *testing.T, dir string) *pki {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kaiji-e2e-ca"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(der)
	p := &pki{dir: dir, ca: ca, caKey: key, caPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), serial: 1}
	write(t, filepath.Join(dir, "ca.crt"), p.caPEM)
	return p
}

// issue writes NAME.crt and NAME.key signed by the CA.
func (p *pki) issue(t *testing.T, name string, subject pkix.Name, ips []net.IP, dns []string, usage x509.ExtKeyUsage) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p.serial++
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(p.serial), Subject: subject, IPAddresses: ips, DNSNames: dns,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.ca, &key.PublicKey, p.caKey)
	if err != nil {
		t.Fatal(err)
	}
	kd, _ := x509.MarshalECPrivateKey(key)
	write(t, filepath.Join(p.dir, name+".crt"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	write(t, filepath.Join(p.dir, name+".key"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kd}))
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// start runs a process until the test ends; processes stop in reverse order.
func start(t *testing.T, logPath string, name string, args ...string) *exec.Cmd {
	t.Helper()
	log, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		log.Close()
	})
	return cmd
}

func waitFor(t *testing.T, what string, timeout time.Duration, ok func() bool, logs ...string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if ok() {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, l := range logs {
		data, _ := os.ReadFile(l)
		t.Logf("%s:\n%s", l, tail(string(data), 3000))
	}
	t.Fatalf("%s not ready after %s", what, timeout)
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

const claimsYAML = `apiVersion: kaiji/v1
kind: Disclosure
service: e2e
edition: asp-saas
pattern: 2
claims:
  - item: 60
    key: monitoring.liveness_interval
    value: 5m
    text: 5分ごとに死活監視を行っています
  - item: 76
    key: network.tls_min_version
    value: "1.2"
    text: TLS1.2
`

func deployment(ns, name string, period int) string {
	return fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: %s
  namespace: %s
spec:
  replicas: 2
  selector:
    matchLabels: {app: %s}
  template:
    metadata:
      labels: {app: %s}
    spec:
      containers:
        - name: app
          image: registry.example/app:1.0
          livenessProbe:
            httpGet: {path: /healthz, port: 8080}
            periodSeconds: %d
`, name, ns, name, name, period)
}

func webhookConfig(name, url string, caPEM []byte, ns string) string {
	return fmt.Sprintf(`apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: %s
webhooks:
  - name: %s.kaiji.dev
    admissionReviewVersions: ["v1"]
    sideEffects: None
    timeoutSeconds: 5
    failurePolicy: Fail
    namespaceSelector:
      matchLabels: {kubernetes.io/metadata.name: %s}
    clientConfig:
      url: %s
      caBundle: %s
    rules:
      - operations: ["CREATE", "UPDATE"]
        apiGroups: ["apps"]
        apiVersions: ["v1"]
        resources: ["deployments"]
      - operations: ["CREATE", "UPDATE"]
        apiGroups: ["networking.k8s.io"]
        apiVersions: ["v1"]
        resources: ["ingresses"]
`, name, name, ns, url, base64.StdEncoding.EncodeToString(caPEM))
}

func TestWebhookWithKubeAPIServer(t *testing.T) {
	apiserverBin, etcdBin, kubectlBin := kubeBin(t, "kube-apiserver"), kubeBin(t, "etcd"), kubeBin(t, "kubectl")
	dir := t.TempDir()

	kaiji := filepath.Join(dir, "kaiji")
	build := exec.Command("go", "build", "-o", kaiji, "./cmd/kaiji")
	build.Dir = repoRoot
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build kaiji: %v\n%s", err, out)
	}

	p := newPKI(t, dir)
	localhost := []net.IP{net.ParseIP("127.0.0.1")}
	p.issue(t, "apiserver", pkix.Name{CommonName: "kube-apiserver"}, append(localhost, net.ParseIP("10.0.0.1")), []string{"localhost", "kubernetes"}, x509.ExtKeyUsageServerAuth)
	p.issue(t, "admin", pkix.Name{CommonName: "e2e-admin", Organization: []string{"system:masters"}}, nil, nil, x509.ExtKeyUsageClientAuth)
	p.issue(t, "webhook", pkix.Name{CommonName: "127.0.0.1"}, localhost, []string{"localhost"}, x509.ExtKeyUsageServerAuth)
	sa, _ := rsa.GenerateKey(rand.Reader, 2048)
	write(t, filepath.Join(dir, "sa.key"), pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(sa)}))
	pub, _ := x509.MarshalPKIXPublicKey(&sa.PublicKey)
	write(t, filepath.Join(dir, "sa.pub"), pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}))
	write(t, filepath.Join(dir, "disclosure.yaml"), []byte(claimsYAML))

	etcdPort, etcdPeer, apiPort := freePort(t), freePort(t), freePort(t)
	start(t, filepath.Join(dir, "etcd.log"), etcdBin, "--name", "e2e", "--data-dir", filepath.Join(dir, "etcd"),
		"--listen-client-urls", fmt.Sprintf("http://127.0.0.1:%d", etcdPort), "--advertise-client-urls", fmt.Sprintf("http://127.0.0.1:%d", etcdPort),
		"--listen-peer-urls", fmt.Sprintf("http://127.0.0.1:%d", etcdPeer), "--initial-advertise-peer-urls", fmt.Sprintf("http://127.0.0.1:%d", etcdPeer),
		"--initial-cluster", fmt.Sprintf("e2e=http://127.0.0.1:%d", etcdPeer), "--listen-metrics-urls", fmt.Sprintf("http://127.0.0.1:%d", freePort(t)),
		"--log-level", "warn")
	waitFor(t, "etcd", 30*time.Second, func() bool {
		r, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/health", etcdPort))
		if err == nil {
			r.Body.Close()
		}
		return err == nil && r.StatusCode == 200
	}, filepath.Join(dir, "etcd.log"))
	// The API server is registered after etcd, so it stops first (t.Cleanup runs in reverse).
	start(t, filepath.Join(dir, "apiserver.log"), apiserverBin,
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", fmt.Sprintf("--secure-port=%d", apiPort),
		fmt.Sprintf("--etcd-servers=http://127.0.0.1:%d", etcdPort),
		"--tls-cert-file="+filepath.Join(dir, "apiserver.crt"), "--tls-private-key-file="+filepath.Join(dir, "apiserver.key"),
		"--client-ca-file="+filepath.Join(dir, "ca.crt"),
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file="+filepath.Join(dir, "sa.pub"), "--service-account-signing-key-file="+filepath.Join(dir, "sa.key"),
		"--service-cluster-ip-range=10.0.0.0/24", "--endpoint-reconciler-type=none",
		"--authorization-mode=RBAC", "--allow-privileged=true")
	kubeconfig := filepath.Join(dir, "kubeconfig")
	write(t, kubeconfig, []byte(fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster: {server: "https://127.0.0.1:%d", certificate-authority: %q}
users:
- name: admin
  user: {client-certificate: %q, client-key: %q}
contexts:
- name: e2e
  context: {cluster: e2e, user: admin}
current-context: e2e
`, apiPort, filepath.Join(dir, "ca.crt"), filepath.Join(dir, "admin.crt"), filepath.Join(dir, "admin.key"))))
	kubectl := func(stdin string, args ...string) (string, error) {
		cmd := exec.Command(kubectlBin, append([]string{"--kubeconfig", kubeconfig}, args...)...)
		cmd.Stdin = strings.NewReader(stdin)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.String(), err
	}
	waitFor(t, "kube-apiserver", 90*time.Second, func() bool {
		out, err := kubectl("", "get", "--raw", "/readyz")
		return err == nil && strings.TrimSpace(out) == "ok"
	}, filepath.Join(dir, "apiserver.log"))

	// Two webhooks: enforce for namespace "enforce", warn for namespace "warn".
	servers := map[string]int{"enforce": freePort(t), "warn": freePort(t)}
	for mode, port := range servers {
		start(t, filepath.Join(dir, "kaiji-"+mode+".log"), kaiji, "serve", "--listen", fmt.Sprintf("127.0.0.1:%d", port),
			"--tls-cert", filepath.Join(dir, "webhook.crt"), "--tls-key", filepath.Join(dir, "webhook.key"),
			"--claims", filepath.Join(dir, "disclosure.yaml"), "--mode", mode, "--log-format", "text")
		client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: certPool(p.caPEM)}}}
		waitFor(t, "kaiji "+mode, 60*time.Second, func() bool {
			r, err := client.Get(fmt.Sprintf("https://127.0.0.1:%d/readyz", port))
			if err == nil {
				r.Body.Close()
			}
			return err == nil && r.StatusCode == 200
		}, filepath.Join(dir, "kaiji-"+mode+".log"))
		if out, err := kubectl("", "create", "namespace", mode); err != nil {
			t.Fatalf("create namespace: %v\n%s", err, out)
		}
		if out, err := kubectl(webhookConfig("kaiji-"+mode, fmt.Sprintf("https://127.0.0.1:%d/validate", port), p.caPEM, mode), "apply", "-f", "-"); err != nil {
			t.Fatalf("register webhook: %v\n%s", err, out)
		}
	}

	// The API server picks webhook configurations up asynchronously: retry the first refusal.
	var out string
	var err error
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		out, err = kubectl(deployment("enforce", "slow-probe", 600), "apply", "-f", "-")
		if err != nil {
			break
		}
		_, _ = kubectl("", "-n", "enforce", "delete", "deployment", "slow-probe", "--wait=false")
		time.Sleep(500 * time.Millisecond)
	}
	if err == nil {
		t.Fatalf("a Deployment probing every 10 minutes was admitted although the sheet claims 5 minutes:\n%s", out)
	}
	for _, want := range []string{"denied the request", "開示項目60", "monitoring.liveness_interval", "every 10 minutes"} {
		if !strings.Contains(out, want) {
			t.Errorf("kubectl refusal does not mention %q:\n%s", want, out)
		}
	}

	out, err = kubectl(deployment("enforce", "fast-probe", 10), "apply", "-f", "-")
	if err != nil || !strings.Contains(out, "created") {
		t.Errorf("a compliant Deployment was refused: %v\n%s", err, out)
	}

	deadline = time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		out, err = kubectl(deployment("warn", "slow-probe", 600), "apply", "-f", "-")
		if err != nil || strings.Contains(out, "Warning: kaiji") {
			break
		}
		_, _ = kubectl("", "-n", "warn", "delete", "deployment", "slow-probe", "--wait=false")
		time.Sleep(500 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("warn mode refused the Deployment: %v\n%s", err, out)
	}
	if !strings.Contains(out, "Warning: kaiji") || !strings.Contains(out, "created") {
		t.Errorf("warn mode must admit with a warning:\n%s", out)
	}
}

func certPool(caPEM []byte) *x509.CertPool {
	p := x509.NewCertPool()
	p.AppendCertsFromPEM(caPEM)
	return p
}
