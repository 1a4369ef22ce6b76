resource "aws_backup_vault" "main" {
  name = "reports"
}

resource "aws_backup_plan" "main" {
  name = "reports-daily"

  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.main.name
    schedule          = "cron(0 17 ? * * *)"

    lifecycle {
      delete_after = 35
    }
  }
}

resource "aws_backup_selection" "db" {
  name         = "reports-db"
  iam_role_arn = "arn:aws:iam::123456789012:role/backup"
  plan_id      = aws_backup_plan.main.id
  resources    = [aws_db_instance.app.arn]
}
