provider "aws" {
  region = "ap-northeast-1"
}

module "db" {
  source = "./db"
  name   = "orders"
  days   = 7
}

resource "aws_backup_plan" "p" {
  name = "p"
  rule {
    rule_name         = "daily"
    target_vault_name = "Default"
    schedule          = "cron(0 17 ? * * *)"
    lifecycle {
      delete_after = 14
    }
  }
}

resource "aws_backup_selection" "s" {
  name         = "s"
  iam_role_arn = "arn:aws:iam::123456789012:role/backup"
  plan_id      = aws_backup_plan.p.id
  resources    = [module.db.arn]
}
