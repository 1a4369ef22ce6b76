package cloudexport

import (
	"github.com/kaiji-dev/kaiji/collectors"
)

// awsConfig maps AWS Config configuration items: from
// get-resource-config-history or batch-get-resource-config
// (configurationItems / baseConfigurationItems), a configuration snapshot
// delivered to S3 (configurationItems), or select-resource-config (Results,
// each a JSON string). It reports whether the document held any.
func (b *builder) awsConfig(root jv) bool {
	var items []jv
	for _, k := range []string{"configurationItems", "baseConfigurationItems"} {
		items = append(items, root.get(k).list()...)
	}
	for _, r := range root.get("Results").list() {
		items = append(items, r.embedded())
	}
	if !root.get("configurationItems").present() && !root.get("baseConfigurationItems").present() && !root.get("Results").present() {
		return false
	}
	for _, it := range items {
		b.configItem(it)
	}
	return true
}

// configItem maps one configuration item by its resource type.
func (b *builder) configItem(it jv) {
	typ := it.get("resourceType").str()
	conf := it.get("configuration").embedded()
	region := it.get("awsRegion").str()
	tags := tagList(it.get("tags"))
	switch typ {
	case "AWS::RDS::DBInstance":
		if conf.get("DBInstanceArn").str() == "" {
			conf = withKey(conf, "DBInstanceArn", it.get("ARN").str())
		}
		b.dbInstance(conf, tags, region)
	case "AWS::RDS::DBCluster":
		if conf.get("DBClusterArn").str() == "" {
			conf = withKey(conf, "DBClusterArn", it.get("ARN").str())
		}
		b.dbCluster(conf, tags, region)
	case "AWS::EC2::SecurityGroup":
		b.securityGroup(conf, region)
	case "AWS::Logs::LogGroup":
		b.logGroup(conf, region)
	case "AWS::CloudTrail::Trail":
		b.trail(conf, region)
	case "AWS::GuardDuty::Detector":
		b.guardDuty(conf, it.get("ARN").str(), region)
	case "AWS::Backup::BackupPlan":
		p := conf.get("BackupPlan")
		if !p.isMap() {
			p = conf
		}
		b.backupPlan(p, it.get("ARN").str(), region)
	case "AWS::ElasticLoadBalancingV2::LoadBalancer":
		arn := conf.get("LoadBalancerArn").str()
		if arn == "" {
			arn = it.get("ARN").str()
		}
		if arn != "" {
			b.schemes[arn] = conf.get("Scheme").str()
		}
	case "AWS::ElasticLoadBalancingV2::Listener":
		b.listener(conf, region)
	case "AWS::EC2::Volume":
		b.volume(conf, tags, region)
	case "AWS::CloudWatch::Alarm":
		b.alarm(conf, region)
	case "AWS::S3::Bucket":
		b.configBucket(it, conf, region, tags)
	case "":
		return
	default:
		return // a resource type kaiji does not read
	}
}

// withKey returns a copy of a mapping with one more key, keeping the path.
func withKey(x jv, key, val string) jv {
	m, ok := x.v.(map[string]any)
	if !ok || val == "" {
		return x
	}
	c := make(map[string]any, len(m)+1)
	for k, v := range m {
		c[k] = v
	}
	c[key] = val
	return jv{v: c, path: x.path, pos: x.pos}
}

// configBucket maps an S3 bucket item; its encryption and versioning are
// supplementary configuration.
func (b *builder) configBucket(it, conf jv, region string, tags map[string]any) {
	id := it.get("ARN").str()
	if id == "" {
		id = "arn:aws:s3:::" + it.get("resourceName").str()
	}
	f := b.fact(collectors.KindDatastore, "aws", "aws_s3_bucket", id, it)
	set(f, "class", "object_storage", jv{})
	set(f, "name", it.get("resourceName").str(), it.get("resourceName"))
	if len(tags) > 0 {
		set(f, "tags", tags, jv{})
	}
	sup := it.get("supplementaryConfiguration")
	sse := sup.get("ServerSideEncryptionConfiguration").embedded()
	if sse.isMap() {
		s3Encryption(f, sse)
	} else {
		set(f, "encrypted_at_rest", true, jv{})
		set(f, "encryption", "platform_default", jv{})
	}
	if v := sup.get("BucketVersioningConfiguration").embedded(); v.isMap() {
		set(f, "versioning", v.get("status").str() == "Enabled", v.get("status"))
	}
	location(f, "aws", region, it.get("awsRegion"))
}
