provider "aws" {
  region = "ap-northeast-1"
}

provider "aws" {
  alias  = "osaka"
  region = "ap-northeast-3"
}

locals {
  log_buckets = toset(["audit", "access"])
}

resource "aws_s3_bucket" "logs" {
  for_each = local.log_buckets
  bucket   = "kaiji-${each.key}-logs"
}

resource "aws_s3_bucket_versioning" "logs" {
  for_each = local.log_buckets
  bucket   = aws_s3_bucket.logs[each.key].id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_object_lock_configuration" "audit" {
  bucket = aws_s3_bucket.logs["audit"].id
  rule {
    default_retention {
      mode = "COMPLIANCE"
      days = 400
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "audit" {
  bucket = aws_s3_bucket.logs["audit"].id
  rule {
    id     = "expire"
    status = "Enabled"
    expiration {
      days = 400
    }
  }
}

resource "aws_cloudtrail" "main" {
  name                       = "main"
  s3_bucket_name             = aws_s3_bucket.logs["audit"].id
  is_multi_region_trail      = true
  enable_log_file_validation = true
}

resource "aws_dynamodb_table" "sessions" {
  name = "sessions"
  point_in_time_recovery {
    enabled = true
  }
}

resource "aws_db_instance" "main" {
  engine                  = "postgres"
  storage_encrypted       = true
  backup_retention_period = 7
  multi_az                = true
}

resource "aws_db_instance" "dr" {
  provider            = aws.osaka
  replicate_source_db = aws_db_instance.main.arn
}

resource "aws_backup_vault" "main" {
  name = "main"
}

resource "aws_backup_vault_lock_configuration" "main" {
  backup_vault_name  = aws_backup_vault.main.name
  min_retention_days = 7
}

resource "aws_backup_plan" "daily" {
  name = "daily"
  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.main.name
    schedule          = "cron(0 17 ? * * *)"
    lifecycle {
      delete_after = 35
    }
    copy_action {
      destination_vault_arn = "arn:aws:backup:ap-northeast-3:123456789012:backup-vault:dr"
    }
  }
}

resource "aws_backup_selection" "all" {
  name         = "all"
  iam_role_arn = "arn:aws:iam::123456789012:role/backup"
  plan_id      = aws_backup_plan.daily.id
  resources    = [aws_db_instance.main.arn, aws_dynamodb_table.sessions.arn]
}

resource "aws_security_group" "web" {
  name = "web"
  dynamic "ingress" {
    for_each = [80, 443]
    content {
      protocol    = "tcp"
      from_port   = ingress.value
      to_port     = ingress.value
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}

resource "aws_cloudfront_distribution" "cdn" {
  viewer_certificate {
    acm_certificate_arn      = "arn:aws:acm:us-east-1:123456789012:certificate/x"
    minimum_protocol_version = "TLSv1.2_2021"
  }
  default_cache_behavior {
    viewer_protocol_policy = "redirect-to-https"
  }
}

resource "aws_route53_health_check" "web" {
  fqdn             = "reports.example.jp"
  type             = "HTTPS"
  request_interval = 30
}

resource "aws_cloudwatch_metric_alarm" "latency" {
  namespace     = "AWS/ApplicationELB"
  metric_name   = "TargetResponseTime"
  period        = 60
  alarm_actions = ["arn:aws:sns:ap-northeast-1:123456789012:ops"]
}

resource "aws_guardduty_detector" "main" {
  enable = true
}

resource "aws_guardduty_detector_feature" "malware" {
  detector_id = aws_guardduty_detector.main.id
  name        = "EBS_MALWARE_PROTECTION"
  status      = "ENABLED"
}

resource "aws_iam_role" "ops" {
  name = "ops"
}

resource "aws_iam_role_policy_attachment" "ops_admin" {
  role       = aws_iam_role.ops.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_cognito_user_pool" "users" {
  name              = "users"
  mfa_configuration = "OPTIONAL"
}

resource "aws_ssm_patch_baseline" "linux" {
  name = "linux"
  approval_rule {
    approve_after_days = 7
  }
}

resource "aws_autoscaling_group" "web" {
  availability_zones = ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"]
  min_size           = 3
  max_size           = 6
}

resource "aws_iot_certificate" "device" {
  active = true
}
