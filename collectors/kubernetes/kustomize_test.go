package kubernetes

import (
	"errors"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// TestReadOnlyFS checks the filesystem kustomize builds on: it refuses
// kustomizations that would fetch remote bases, refuses writes, and asks
// for origin annotations.
func TestReadOnlyFS(t *testing.T) {
	mem := filesys.MakeFsInMemory()
	if err := mem.WriteFile("/remote/kustomization.yaml", []byte("resources:\n  - github.com/example/app/deploy?ref=v1\n")); err != nil {
		t.Fatal(err)
	}
	if err := mem.WriteFile("/local/kustomization.yaml", []byte("resources:\n  - app.yaml\n")); err != nil {
		t.Fatal(err)
	}
	fs := readOnlyFS{mem, defaultLimits}
	if _, err := fs.ReadFile("/remote/kustomization.yaml"); !errors.Is(err, errRemote) {
		t.Errorf("remote base: err %v, want errRemote", err)
	}
	data, err := fs.ReadFile("/local/kustomization.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := string(data); got != "buildMetadata:\n- originAnnotations\nresources:\n- app.yaml\n" {
		t.Errorf("kustomization as kustomize sees it:\n%s", got)
	}
	if err := fs.WriteFile("/x", nil); !errors.Is(err, errWrite) {
		t.Errorf("write: err %v, want errWrite", err)
	}
	if err := fs.MkdirAll("/x"); !errors.Is(err, errWrite) {
		t.Errorf("mkdir: err %v, want errWrite", err)
	}
}

func TestIsRemote(t *testing.T) {
	tests := []struct {
		ref  string
		want bool
	}{
		{"../base", false},
		{"deployment.yaml", false},
		{"https://example.com/app.yaml", true},
		{"github.com/org/repo//deploy?ref=v1", true},
		{"git@github.com:org/repo.git", true},
		{"ssh://git@example.com/repo.git", true},
		{"example.com/org/repo.git//base?ref=main", true},
	}
	for _, tt := range tests {
		if got := isRemote(tt.ref); got != tt.want {
			t.Errorf("isRemote(%q) = %v, want %v", tt.ref, got, tt.want)
		}
	}
}
