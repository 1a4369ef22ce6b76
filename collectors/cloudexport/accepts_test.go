package cloudexport

import "testing"

func TestAccepts(t *testing.T) {
	tests := []struct {
		name, path, head string
		want             bool
	}{
		{"describe-db-instances", "rds.json", `{"DBInstances": [`, true},
		{"describe-log-groups", "x.json", `{"logGroups": [`, true},
		{"config snapshot", "snap.json", `{"fileVersion":"1.0","configSnapshotId":"x","configurationItems":[`, true},
		{"select-resource-config", "q.json", `{"Results": ["{\"resourceType\":\"AWS::S3::Bucket\"}"]`, true},
		{"az resource list", "az.json", `[{"id": "/subscriptions/0/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/a"`, true},
		{"asset inventory lines", "assets.jsonl", `{"name":"//storage.googleapis.com/b","asset_type":"storage.googleapis.com/Bucket"}`, true},
		{"content decides, not the name", "anything.json", `{"SecurityGroups": []}`, true},
		{"terraform plan", "plan.json", `{"format_version":"1.2","planned_values":{},"DBInstances":[]}`, false},
		{"kubernetes list", "k8s.json", `{"apiVersion":"v1","items":[]}`, false},
		{"package.json", "package.json", `{"name":"web"}`, false},
		{"kaiji results", "results.json", `{"schema": "kaiji.results/v1", "claims": [{"fact": "/subscriptions/0/providers/Microsoft.Sql/servers/s"}]}`, false},
		{"kaiji facts output, azure ids", "facts.json", `{"facts": [{"id": "/subscriptions/0/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/a"`, false},
		{"kaiji facts output", "facts.json", `{"facts": [{"id": "x", "attrs": {"BackupPlan": 1}, "source": {"file": "a", "collector": "cloudexport"}}]}`, false},
		{"not JSON by name", "rds.yaml", `{"DBInstances": [`, false},
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
