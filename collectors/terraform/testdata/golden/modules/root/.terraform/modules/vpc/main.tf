variable "flow_log_days" {
  default = 365
}

resource "aws_flow_log" "this" {
  log_destination_type = "cloud-watch-logs"
}

resource "aws_cloudwatch_log_group" "flow_log" {
  name              = "/aws/vpc-flow-log/main"
  retention_in_days = var.flow_log_days
}

resource "aws_network_acl" "public" {
  ingress {
    rule_no    = 100
    action     = "allow"
    protocol   = "tcp"
    from_port  = 443
    to_port    = 443
    cidr_block = "0.0.0.0/0"
  }
}
