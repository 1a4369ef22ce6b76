provider "aws" {
  region = "ap-northeast-1"
}

resource "aws_db_instance" "app" {
  identifier              = "app-db"
  engine                  = "postgres"
  instance_class          = "db.t3.medium"
  allocated_storage       = 100
  storage_encrypted       = true
  multi_az                = true
  publicly_accessible     = false
  backup_retention_period = 7
  tags = {
    service = "shop"
  }
}
