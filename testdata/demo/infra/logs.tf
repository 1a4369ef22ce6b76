resource "aws_cloudwatch_log_group" "app" {
  name              = "/reports/app"
  retention_in_days = 90
}

resource "aws_cloudwatch_log_group" "audit" {
  name              = "/reports/audit"
  retention_in_days = 400
}
