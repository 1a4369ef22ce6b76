variable "name" {
  type = string
}

variable "backup_days" {
  type    = number
  default = 1
}

variable "password" {
  type      = string
  default   = "not-a-real-secret"
  sensitive = true
}

resource "aws_db_instance" "this" {
  identifier              = var.name
  engine                  = "postgres"
  storage_encrypted       = true
  backup_retention_period = var.backup_days
  password                = var.password
  multi_az                = var.backup_days > 3

  tags = {
    Name = var.name
  }
}

module "deep" {
  source = "../deep"
  name   = var.name
}

output "name" {
  value = var.name
}

output "arn" {
  value = aws_db_instance.this.arn
}
