resource "aws_db_instance" "app" {
  engine                  = "postgres"
  storage_encrypted       = true
  backup_retention_period = 0
}

resource "aws_backup_plan" "main" {
  name = "daily"

  rule {
    rule_name         = "daily"
    target_vault_name = "main"
    schedule          = "cron(0 17 ? * * *)"

    lifecycle {
      delete_after = 35
    }
  }
}

resource "aws_backup_selection" "db" {
  name         = "db"
  iam_role_arn = "arn:aws:iam::123456789012:role/backup"
  plan_id      = aws_backup_plan.main.id
  resources    = [aws_db_instance.app.arn]
}
