locals {
  big = [for i in range(100000000) : i]
}

resource "aws_s3_bucket" "r" {
  bucket = length(local.big)
}
