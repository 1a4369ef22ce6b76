resource "aws_db_instance" "w" {
  storage_encrypted       = "maybe"
  backup_retention_period = ["seven"]
  multi_az                = { yes = true }
}
