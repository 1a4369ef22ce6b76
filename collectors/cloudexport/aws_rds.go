package cloudexport

import (
	"strings"

	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/collectors/internal/schedule"
)

// dbInstance maps an RDS DB instance, from describe-db-instances or an AWS
// Config item, as the Terraform collector maps aws_db_instance.
func (b *builder) dbInstance(r jv, tags map[string]any, region string) {
	id := r.get("DBInstanceArn").str()
	if id == "" {
		id = "arn:aws:rds:" + region + ":db:" + r.get("DBInstanceIdentifier").str()
	}
	f := b.fact(collectors.KindDatastore, "aws", "aws_db_instance", id, r)
	set(f, "class", "database", jv{})
	if e := r.get("Engine"); e.str() != "" {
		set(f, "engine", e.str(), e)
	}
	if len(tags) > 0 {
		set(f, "tags", tags, jv{})
	}
	boolAttr(f, "encrypted_at_rest", r.get("StorageEncrypted"), false)
	kmsKey(f, r.get("KmsKeyId"))
	boolAttr(f, "multi_az", r.get("MultiAZ"), false)
	boolAttr(f, "public", r.get("PubliclyAccessible"), false)
	rdsBackup(f, r.get("BackupRetentionPeriod"))
	if region == "" {
		region = azRegion(r.get("AvailabilityZone").str())
	}
	location(f, "aws", region, jv{})
	b.rdsPatching(r, id, "aws_db_instance", region)
}

// rdsPatching maps a database's automatic minor version upgrades, as the
// Terraform collector does.
func (b *builder) rdsPatching(r jv, id, typ, region string) {
	p := b.fact(collectors.KindPatching, "aws", typ, id, r)
	boolAttr(p, "auto_update", r.get("AutoMinorVersionUpgrade"), true)
	if w := r.get("PreferredMaintenanceWindow"); w.str() != "" {
		set(p, "maintenance_window", w.str(), w)
	}
	location(p, "aws", region, jv{})
}

// dbCluster maps an Aurora or Multi-AZ DB cluster.
func (b *builder) dbCluster(r jv, tags map[string]any, region string) {
	id := r.get("DBClusterArn").str()
	if id == "" {
		id = "arn:aws:rds:" + region + ":cluster:" + r.get("DBClusterIdentifier").str()
	}
	f := b.fact(collectors.KindDatastore, "aws", "aws_rds_cluster", id, r)
	set(f, "class", "database", jv{})
	if e := r.get("Engine"); e.str() != "" {
		set(f, "engine", e.str(), e)
	}
	if len(tags) > 0 {
		set(f, "tags", tags, jv{})
	}
	boolAttr(f, "encrypted_at_rest", r.get("StorageEncrypted"), false)
	kmsKey(f, r.get("KmsKeyId"))
	if azs := r.get("AvailabilityZones"); azs.present() {
		zones := azs.strs()
		set(f, "zones", int64(len(zones)), azs)
		set(f, "multi_az", len(zones) > 1, azs)
	}
	rdsBackup(f, r.get("BackupRetentionPeriod"))
	location(f, "aws", region, jv{})
	b.rdsPatching(r, id, "aws_rds_cluster", region)
}

// boolAttr copies a boolean; absent values take the service default.
func boolAttr(f *collectors.Fact, attr string, v jv, def bool) {
	if !v.present() {
		set(f, attr, def, jv{})
		return
	}
	if x, ok := v.bool(); ok {
		set(f, attr, x, v)
		return
	}
	unknown(f, attr, v)
}

// kmsKey records a KMS key id. Exports show the key of every encrypted
// resource, the AWS managed aws/rds key included, so a key id alone does not
// prove a customer-managed key.
func kmsKey(f *collectors.Fact, v jv) {
	if v.str() == "" {
		return
	}
	if strings.Contains(v.str(), ":alias/aws/") {
		set(f, "kms_key", false, v)
		return
	}
	unknown(f, "kms_key", v)
}

// rdsBackup reads RDS automated backups: a daily snapshot kept N days gives N generations.
func rdsBackup(f *collectors.Fact, v jv) {
	days, ok := v.int()
	if !ok {
		unknown(f, "backup.enabled", v)
		f.SetUnknown("backup.interval_seconds")
		f.SetUnknown("backup.generations")
		return
	}
	set(f, "backup.kind", "automated", jv{})
	set(f, "backup.enabled", days > 0, v)
	if days > 0 {
		set(f, "backup.interval_seconds", int64(schedule.Day), jv{})
		set(f, "backup.retention_seconds", days*schedule.Day, v)
		set(f, "backup.generations", days, v)
	}
}

// azRegion strips the zone letter from an availability zone (ap-northeast-1a).
func azRegion(az string) string {
	if len(az) > 1 && az[len(az)-1] >= 'a' && az[len(az)-1] <= 'z' && az[len(az)-2] >= '0' && az[len(az)-2] <= '9' {
		return az[:len(az)-1]
	}
	return ""
}
