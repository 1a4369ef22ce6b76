variable "name" {}

resource "aws_cloudwatch_log_group" "db" {
  name              = "/rds/${var.name}/postgresql"
  retention_in_days = 30
}
