provider "aws" {
  region = "ap-northeast-1"
}

resource "aws_db_instance" "app" {
  identifier              = "reports"
  engine                  = "mysql"
  instance_class          = "db.t4g.small"
  allocated_storage       = 20
  storage_encrypted       = false
  backup_retention_period = 0
  username                = "app"
  manage_master_user_password = true
}

resource "aws_backup_vault" "main" {
  name = "reports"
}

# Sundays only, each copy kept 7 days: 1 restorable generation.
resource "aws_backup_plan" "weekly" {
  name = "reports-weekly"

  rule {
    rule_name         = "weekly"
    target_vault_name = aws_backup_vault.main.name
    schedule          = "cron(0 17 ? * SUN *)"

    lifecycle {
      delete_after = 7
    }
  }
}

resource "aws_backup_selection" "db" {
  name         = "reports-db"
  iam_role_arn = "arn:aws:iam::123456789012:role/backup"
  plan_id      = aws_backup_plan.weekly.id
  resources    = [aws_db_instance.app.arn]
}

resource "aws_cloudwatch_log_group" "audit" {
  name              = "/reports/audit"
  retention_in_days = 14
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/reports/app"
  retention_in_days = 30
}
