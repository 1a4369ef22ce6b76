variable "name" {
  type = string
}

variable "days" {
  type = number
}

resource "aws_db_instance" "this" {
  identifier              = var.name
  engine                  = "postgres"
  storage_encrypted       = true
  backup_retention_period = var.days
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/rds/instance/${var.name}/postgresql"
  retention_in_days = 30
}

output "arn" {
  value = aws_db_instance.this.arn
}
