resource "aws_cloudwatch_log_group" "app" {
  name              = "/sample/app"
  retention_in_days = 90
}
