resource "aws_s3_bucket" "crlf" {
  bucket = "crlf"
}
