terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = "ap-northeast-1"
}

resource "aws_db_instance" "app" {
  identifier              = "orders"
  engine                  = "postgres"
  instance_class          = "db.t4g.medium"
  allocated_storage       = 50
  storage_encrypted       = true
  multi_az                = true
  backup_retention_period = 0
  username                = "app"
  manage_master_user_password = true
}

resource "aws_backup_vault" "main" {
  name = "orders"
}

# Daily at 02:00 JST, each copy kept 2 days: 2 restorable generations.
resource "aws_backup_plan" "daily" {
  name = "orders-daily"

  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.main.name
    schedule          = "cron(0 17 ? * * *)"

    lifecycle {
      delete_after = 2
    }
  }
}

resource "aws_backup_selection" "db" {
  name         = "orders-db"
  iam_role_arn = "arn:aws:iam::123456789012:role/backup"
  plan_id      = aws_backup_plan.daily.id
  resources    = [aws_db_instance.app.arn]
}

resource "aws_cloudwatch_log_group" "audit" {
  name              = "/orders/audit"
  retention_in_days = 90
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/orders/app"
  retention_in_days = 400
}
