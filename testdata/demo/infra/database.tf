resource "aws_db_instance" "app" {
  identifier              = "reports-app"
  engine                  = "postgres"
  instance_class          = "db.r6g.large"
  allocated_storage       = 100
  storage_encrypted       = true
  kms_key_id              = aws_kms_key.db.arn
  multi_az                = true
  backup_retention_period = var.db_backup_days
  username                = "app"
  manage_master_user_password = true

  tags = {
    backup = "daily"
  }
}

resource "aws_kms_key" "db" {
  description = "reports database"
}
