resource "aws_s3_bucket" "u" {
  bucket = "ÿşÃ("
}
