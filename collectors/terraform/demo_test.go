package terraform

import (
	"testing"

	"github.com/kaiji-dev/kaiji/collectors"
)

// TestDemo keeps the repository's demo (testdata/demo/infra) readable with
// the facts the demo scan relies on.
func TestDemo(t *testing.T) {
	t.Parallel()
	facts, diags := collect(t, Options{}, loadDir(t, "../../testdata/demo/infra"))
	if len(diags) > 0 {
		t.Errorf("diagnostics: %v", diags)
	}
	checkAttrs(t, find(t, facts, `aws_backup_plan.main.rule["daily"]`, collectors.KindBackup), map[string]any{
		"generations": 35, "interval_seconds": 86400, "targets": []any{"aws_db_instance.app"}, "location.region": "ap-northeast-1"})
	checkAttrs(t, find(t, facts, "aws_db_instance.app", collectors.KindDatastore), map[string]any{
		"backup.generations": 14, "encrypted_at_rest": true, "kms_key": true, "multi_az": true})
	checkAttrs(t, find(t, facts, "aws_lb_listener.https", collectors.KindEndpoint), map[string]any{
		"min_tls_version": isUnknown, "public": true, "certificate": true})
	checkAttrs(t, find(t, facts, "aws_s3_bucket.uploads", collectors.KindDatastore), map[string]any{
		"encryption": "aws:kms", "kms_key": true})
	checkAttrs(t, find(t, facts, "provider.aws.osaka", collectors.KindLocation), map[string]any{"region": "ap-northeast-3"})
}
