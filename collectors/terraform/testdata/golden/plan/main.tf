variable "region" {
  type    = string
  default = "ap-northeast-1"
}

variable "db_password" {
  type      = string
  sensitive = true
}

provider "aws" {
  region = var.region
}

resource "aws_kms_key" "db" {
  description = "database"
}

resource "aws_db_instance" "app" {
  engine                  = "postgres"
  storage_encrypted       = true
  kms_key_id              = aws_kms_key.db.arn
  backup_retention_period = 7
  multi_az                = true
  password                = var.db_password

  tags = {
    backup = "daily"
  }
}

resource "aws_s3_bucket" "logs" {
  for_each = toset(["audit"])
  bucket   = "kaiji-${each.key}-logs"
}

resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs["audit"].id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_security_group" "web" {
  name = "web"

  ingress {
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_lb" "web" {
  internal = false
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.web.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = "arn:aws:acm:ap-northeast-1:123456789012:certificate/x"
}

resource "aws_backup_plan" "daily" {
  name = "daily"
  rule {
    rule_name         = "daily"
    target_vault_name = "Default"
    schedule          = "cron(0 17 ? * * *)"
    lifecycle {
      delete_after = 14
    }
  }
}

resource "aws_backup_selection" "db" {
  name         = "db"
  iam_role_arn = "arn:aws:iam::123456789012:role/backup"
  plan_id      = aws_backup_plan.daily.id
  resources    = [aws_db_instance.app.arn]
}
