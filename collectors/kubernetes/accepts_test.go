package kubernetes

import "testing"

func TestAccepts(t *testing.T) {
	tests := []struct {
		name, path, head string
		want             bool
	}{
		{"yaml", "deploy/app.yaml", "apiVersion: apps/v1\nkind: Deployment\n", true},
		{"yml with a license header", "k8s/svc.YML", "# Copyright\n# Licensed under …\n", true},
		{"kustomization", "deploy/kustomization.yaml", "resources:\n- app.yaml\n", true},
		{"kubectl JSON", "dump.json", `{"apiVersion": "v1", "items": [`, true},
		{"terraform plan", "plan.json", `{"format_version":"1.2","apiVersion":"x"}`, false},
		{"cloud export", "rds.json", `{"DBInstances": []}`, false},
		{"kaiji claims file", "disclosure.yaml", "apiVersion: kaiji/v1\nkind: Disclosure\n", false},
		{"terraform", "main.tf", `resource "aws_s3_bucket" "b" {}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := New(Options{}).Accepts(tt.path, []byte(tt.head)); got != tt.want {
				t.Errorf("Accepts(%q) = %v, want %v", tt.path, got, tt.want)
			}
		})
	}
}
