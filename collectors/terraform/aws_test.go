package terraform

import (
	"testing"

	"github.com/kaiji-dev/kaiji/collectors"
)

const awsProvider = `provider "aws" {
  region = "ap-northeast-1"
}
provider "aws" {
  alias  = "osaka"
  region = "ap-northeast-3"
}
`

func TestAWSMappers(t *testing.T) {
	t.Parallel()
	runMapperCases(t, []mapperCase{
		{
			name: "bucket with separate resources",
			src: awsProvider + `resource "aws_s3_bucket" "logs" {
  bucket = "trail-logs"
}
resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.id
  versioning_configuration {
    status = "Enabled"
  }
}
resource "aws_s3_bucket_object_lock_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id
  rule {
    default_retention {
      mode = "COMPLIANCE"
      days = 400
    }
  }
}
resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id
  rule {
    id     = "expire"
    status = "Enabled"
    expiration {
      days = 400
    }
  }
}
resource "aws_s3_bucket_public_access_block" "logs" {
  bucket                  = aws_s3_bucket.logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}`,
			id: "aws_s3_bucket.logs", kind: collectors.KindDatastore,
			want: map[string]any{"versioning": true, "object_lock": true, "object_lock_mode": "COMPLIANCE",
				"retention_seconds": 400 * 86400, "public": false, "location.region": "ap-northeast-1"},
		},
		{
			name: "bucket linked by literal name",
			src: `resource "aws_s3_bucket" "b" { bucket = "named" }
resource "aws_s3_bucket_versioning" "v" {
  bucket = "named"
  versioning_configuration {
    status = "Suspended"
  }
}`,
			id: "aws_s3_bucket.b", kind: collectors.KindDatastore,
			want: map[string]any{"versioning": false},
		},
		{
			name: "cloudtrail with validation and bucket retention",
			src: awsProvider + `resource "aws_s3_bucket" "trail" {
  bucket = "trail"
}
resource "aws_s3_bucket_lifecycle_configuration" "trail" {
  bucket = aws_s3_bucket.trail.id
  rule {
    id     = "expire"
    status = "Enabled"
    expiration {
      days = 365
    }
  }
}
resource "aws_cloudtrail" "main" {
  name                       = "main"
  s3_bucket_name             = aws_s3_bucket.trail.id
  is_multi_region_trail      = true
  enable_log_file_validation = true
}`,
			id: "aws_cloudtrail.main", kind: collectors.KindLog,
			want: map[string]any{"category": "audit", "multi_region": true, "tamper_protection": true,
				"tamper_mechanism": "log_file_validation", "retention_seconds": 365 * 86400, "bucket": "aws_s3_bucket.trail"},
		},
		{
			name: "cloudtrail bucket unknown retention",
			src:  `resource "aws_cloudtrail" "t" { s3_bucket_name = var.bucket }`,
			id:   "aws_cloudtrail.t", kind: collectors.KindLog,
			want: map[string]any{"retention_seconds": isUnknown, "tamper_protection": false},
		},
		{
			name: "load balancer access logs in a locked bucket",
			src: `resource "aws_s3_bucket" "alb" {
  bucket              = "alb-logs"
  object_lock_enabled = true
}
resource "aws_s3_bucket_lifecycle_configuration" "alb" {
  bucket = aws_s3_bucket.alb.id
  rule {
    id     = "expire"
    status = "Enabled"
    expiration {
      days = 90
    }
  }
}
resource "aws_lb" "web" {
  access_logs {
    bucket  = aws_s3_bucket.alb.id
    enabled = true
  }
}`,
			id: "aws_lb.web#access_logs", kind: collectors.KindLog,
			want: map[string]any{"category": "access", "retention_seconds": 90 * 86400, "tamper_protection": true,
				"tamper_mechanism": "object_lock", "bucket": "aws_s3_bucket.alb"},
		},
		{
			name: "flow log into a log group",
			src: `resource "aws_cloudwatch_log_group" "vpc" {
  name              = var.name
  retention_in_days = 30
}
resource "aws_flow_log" "vpc" {
  log_destination = aws_cloudwatch_log_group.vpc.arn
  traffic_type    = "ALL"
}`,
			id: "aws_cloudwatch_log_group.vpc", kind: collectors.KindLog,
			want: map[string]any{"category": "flow"},
		},
		{
			name: "backup vault lock",
			src: awsProvider + `resource "aws_backup_vault" "v" { name = "v" }
resource "aws_backup_vault_lock_configuration" "lock" {
  backup_vault_name   = aws_backup_vault.v.name
  changeable_for_days = 3
  min_retention_days  = 7
}
resource "aws_backup_plan" "p" {
  name = "p"
  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.v.name
    schedule          = "cron(0 5 ? * * *)"
    lifecycle {
      delete_after = 7
    }
  }
}`,
			id: `aws_backup_plan.p.rule["daily"]`, kind: collectors.KindBackup,
			want: map[string]any{"immutable": true, "lock_mode": "compliance", "generations": 7, "interval_seconds": 86400},
		},
		{
			name: "dynamodb pitr and global table",
			src: awsProvider + `resource "aws_dynamodb_table" "t" {
  name = "t"
  point_in_time_recovery {
    enabled = true
  }
  replica {
    region_name = "ap-northeast-3"
  }
}`,
			id: "aws_dynamodb_table.t", kind: collectors.KindDatastore,
			want: map[string]any{"encrypted_at_rest": true, "backup.enabled": true, "backup.retention_seconds": 35 * 86400,
				"cross_region_replica": true, "replicas": 1},
		},
		{
			name: "ebs encrypted by default",
			src: `resource "aws_ebs_encryption_by_default" "on" { enabled = true }
resource "aws_ebs_volume" "v" { size = 10 }`,
			id: "aws_ebs_volume.v", kind: collectors.KindDatastore,
			want: map[string]any{"encrypted_at_rest": true},
		},
		{
			name: "instance root volume",
			src: `resource "aws_instance" "web" {
  root_block_device {
    encrypted  = true
    kms_key_id = "k"
  }
}`,
			id: "aws_instance.web.root_block_device[0]", kind: collectors.KindDatastore,
			want: map[string]any{"encrypted_at_rest": true, "kms_key": true, "class": "block_storage"},
		},
		{
			name: "ebs unencrypted",
			src:  `resource "aws_ebs_volume" "v" { size = 10 }`,
			id:   "aws_ebs_volume.v", kind: collectors.KindDatastore,
			want: map[string]any{"encrypted_at_rest": false},
		},
		{
			name: "efs",
			src: `resource "aws_efs_file_system" "f" {
  encrypted  = true
  kms_key_id = "k"
}`,
			id: "aws_efs_file_system.f", kind: collectors.KindDatastore,
			want: map[string]any{"class": "file_storage", "encrypted_at_rest": true, "kms_key": true, "multi_az": true},
		},
		{
			name: "route53 health check",
			src: `resource "aws_route53_health_check" "h" {
  fqdn             = "example.jp"
  type             = "HTTPS"
  request_interval = 10
}`,
			id: "aws_route53_health_check.h", kind: collectors.KindMonitor,
			want: map[string]any{"check": "health_check", "interval_seconds": 10, "target": "example.jp"},
		},
		{
			name: "metric alarm",
			src: `resource "aws_cloudwatch_metric_alarm" "a" {
  namespace     = "AWS/ApplicationELB"
  metric_name   = "TargetResponseTime"
  period        = 60
  alarm_actions = ["arn:aws:sns:ap-northeast-1:1:ops"]
}`,
			id: "aws_cloudwatch_metric_alarm.a", kind: collectors.KindMonitor,
			want: map[string]any{"interval_seconds": 60, "notification": true, "target": "AWS/ApplicationELB/TargetResponseTime"},
		},
		{
			name: "guardduty with malware feature",
			src: `resource "aws_guardduty_detector" "d" { enable = true }
resource "aws_guardduty_detector_feature" "m" {
  detector_id = aws_guardduty_detector.d.id
  name        = "EBS_MALWARE_PROTECTION"
  status      = "ENABLED"
}`,
			id: "aws_guardduty_detector.d", kind: collectors.KindDetection,
			want: map[string]any{"service": "guardduty", "enabled": true, "malware_protection": true, "intrusion_detection": true},
		},
		{
			name: "guardduty datasources",
			src: `resource "aws_guardduty_detector" "d" {
  datasources {
    malware_protection {
      scan_ec2_instance_with_findings {
        ebs_volumes {
          enable = true
        }
      }
    }
  }
}`,
			id: "aws_guardduty_detector.d", kind: collectors.KindDetection,
			want: map[string]any{"malware_protection": true},
		},
		{
			name: "administrator access attachment",
			src: `resource "aws_iam_role" "ops" { name = "ops" }
resource "aws_iam_role_policy_attachment" "admin" {
  role       = aws_iam_role.ops.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}`,
			id: "aws_iam_role_policy_attachment.admin", kind: collectors.KindIdentity,
			want: map[string]any{"admin": true, "role": "AdministratorAccess", "subject": "aws_iam_role.ops"},
		},
		{
			name: "administrator access in an unknown partition",
			src: `data "aws_partition" "current" {}
resource "aws_iam_user_policy_attachment" "a" {
  user       = "alice"
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AdministratorAccess"
}`,
			id: "aws_iam_user_policy_attachment.a", kind: collectors.KindIdentity,
			want: map[string]any{"admin": true, "role": "AdministratorAccess", "subject": "alice"},
		},
		{
			name: "wildcard policy",
			src: `resource "aws_iam_policy" "all" {
  name = "all"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}`,
			id: "aws_iam_policy.all", kind: collectors.KindIdentity,
			want: map[string]any{"admin": true, "wildcard": true},
		},
		{
			name: "wildcard policy from a policy document",
			src: `data "aws_iam_policy_document" "all" {
  statement {
    actions   = ["*"]
    resources = ["*"]
  }
}
data "aws_caller_identity" "current" {}
resource "aws_iam_role_policy" "all" {
  name   = "all-${data.aws_caller_identity.current.account_id}"
  role   = "ops"
  policy = data.aws_iam_policy_document.all.json
}`,
			id: "aws_iam_role_policy.all", kind: collectors.KindIdentity,
			want: map[string]any{"admin": true, "subject": "ops"},
		},
		{
			name: "narrow policy",
			src: `resource "aws_iam_policy" "s3" {
  policy = jsonencode({
    Statement = { Effect = "Allow", Action = ["s3:GetObject"], Resource = "*" }
  })
}`,
			id: "aws_iam_policy.s3", kind: collectors.KindIdentity,
			want: map[string]any{"admin": false},
		},
		{
			name: "password policy",
			src: `resource "aws_iam_account_password_policy" "p" {
  minimum_password_length   = 14
  max_password_age          = 90
  password_reuse_prevention = 24
}`,
			id: "aws_iam_account_password_policy.p", kind: collectors.KindIdentity,
			want: map[string]any{"password_policy.min_length": 14, "password_policy.max_age_seconds": 90 * 86400, "password_policy.reuse_prevention": 24},
		},
		{
			name: "cognito mfa",
			src:  `resource "aws_cognito_user_pool" "u" { mfa_configuration = "ON" }`,
			id:   "aws_cognito_user_pool.u", kind: collectors.KindIdentity,
			want: map[string]any{"mfa": "required"},
		},
		{
			name: "cognito default mfa off",
			src:  `resource "aws_cognito_user_pool" "u" { name = "u" }`,
			id:   "aws_cognito_user_pool.u", kind: collectors.KindIdentity,
			want: map[string]any{"mfa": "off"},
		},
		{
			name: "patch baseline",
			src: `resource "aws_ssm_patch_baseline" "b" {
  approval_rule {
    approve_after_days = 7
  }
  approval_rule {
    approve_after_days = 14
  }
}`,
			id: "aws_ssm_patch_baseline.b", kind: collectors.KindPatching,
			want: map[string]any{"approve_after_seconds": 14 * 86400, "auto_update": true},
		},
		{
			name: "rds auto minor version upgrade",
			src:  `resource "aws_db_instance" "d" { auto_minor_version_upgrade = false }`,
			id:   "aws_db_instance.d", kind: collectors.KindPatching,
			want: map[string]any{"auto_update": false},
		},
		{
			name: "rds cross-region replica",
			src: awsProvider + `resource "aws_db_instance" "main" {
  engine                  = "postgres"
  backup_retention_period = 7
}
resource "aws_db_instance" "dr" {
  provider            = aws.osaka
  replicate_source_db = aws_db_instance.main.arn
}`,
			id: "aws_db_instance.main", kind: collectors.KindDatastore,
			want: map[string]any{"replicas": 1, "cross_region_replica": true},
		},
		{
			name: "aurora cluster with replicas",
			src: `resource "aws_rds_cluster" "c" {
  engine            = "aurora-postgresql"
  storage_encrypted = true
}
resource "aws_rds_cluster_instance" "i" {
  count              = 3
  cluster_identifier = aws_rds_cluster.c.id
}`,
			id: "aws_rds_cluster.c", kind: collectors.KindDatastore,
			want: map[string]any{"replicas": 2, "instances": 3, "encrypted_at_rest": true},
		},
		{
			name: "aurora instance patching",
			src:  `resource "aws_rds_cluster_instance" "i" { auto_minor_version_upgrade = false }`,
			id:   "aws_rds_cluster_instance.i", kind: collectors.KindPatching,
			want: map[string]any{"auto_update": false},
		},
		{
			name: "asg zones",
			src: `resource "aws_autoscaling_group" "g" {
  availability_zones = ["ap-northeast-1a", "ap-northeast-1c"]
  min_size           = 2
  max_size           = 4
  target_group_arns  = ["x"]
}`,
			id: "aws_autoscaling_group.g", kind: collectors.KindRedundancy,
			want: map[string]any{"zones": 2, "spread_across_zones": true, "autoscaling.min": 2, "autoscaling.max": 4, "load_balanced": true},
		},
		{
			name: "iot certificate",
			src:  `resource "aws_iot_certificate" "c" { active = true }`,
			id:   "aws_iot_certificate.c", kind: collectors.KindDeviceAuth,
			want: map[string]any{"method": "x509", "certificate": true},
		},
		{
			name: "cloudfront",
			src: `resource "aws_cloudfront_distribution" "d" {
  viewer_certificate {
    acm_certificate_arn      = "arn"
    minimum_protocol_version = "TLSv1.2_2021"
  }
  default_cache_behavior {
    viewer_protocol_policy = "redirect-to-https"
  }
}`,
			id: "aws_cloudfront_distribution.d", kind: collectors.KindEndpoint,
			want: map[string]any{"min_tls_version": "1.2", "redirects_to_tls": true, "certificate": true},
		},
		{
			name: "api gateway",
			src:  `resource "aws_api_gateway_domain_name" "d" { security_policy = "TLS_1_0" }`,
			id:   "aws_api_gateway_domain_name.d", kind: collectors.KindEndpoint,
			want: map[string]any{"min_tls_version": "1.0"},
		},
		{
			name: "network acl deny",
			src: `resource "aws_network_acl" "n" {
  ingress {
    rule_no    = 100
    action     = "deny"
    protocol   = "tcp"
    from_port  = 22
    to_port    = 22
    cidr_block = "0.0.0.0/0"
  }
}`,
			id: "aws_network_acl.n.ingress[0]", kind: collectors.KindFirewallRule,
			want: map[string]any{"action": "deny", "internet_exposed": false, "from_port": 22},
		},
		{
			name: "direct connect",
			src:  `resource "aws_dx_connection" "dx" { bandwidth = "10Gbps" }`,
			id:   "aws_dx_connection.dx", kind: kindConnection,
			want: map[string]any{"type": "dedicated", "bandwidth_bps": 10_000_000_000},
		},
		{
			name: "site to site vpn",
			src: `resource "aws_customer_gateway" "office" { ip_address = "203.0.113.1" }
resource "aws_vpn_connection" "office" { customer_gateway_id = aws_customer_gateway.office.id }`,
			id: "aws_vpn_connection.office", kind: kindConnection,
			want: map[string]any{"type": "vpn", "remote": "aws_customer_gateway.office"},
		},
		{
			name: "listener linked to its certificate",
			src: `resource "aws_acm_certificate" "web" { domain_name = "reports.example.jp" }
resource "aws_acm_certificate_validation" "web" { certificate_arn = aws_acm_certificate.web.arn }
resource "aws_lb_listener" "h" {
  protocol        = "HTTPS"
  certificate_arn = aws_acm_certificate_validation.web.certificate_arn
}`,
			id: "aws_lb_listener.h", kind: collectors.KindEndpoint,
			want: map[string]any{"certificate": true, "certificate_id": "aws_acm_certificate.web"},
		},
		{
			name: "listener with policy",
			src: `resource "aws_lb" "l" { internal = true }
resource "aws_lb_listener" "h" {
  load_balancer_arn = aws_lb.l.arn
  protocol          = "HTTPS"
  port              = 443
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = "arn"
}`,
			id: "aws_lb_listener.h", kind: collectors.KindEndpoint,
			want: map[string]any{"min_tls_version": "1.2", "public": false, "certificate": true},
		},
	})
}
