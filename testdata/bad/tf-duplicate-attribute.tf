resource "aws_s3_bucket" "dup" {
  bucket = "a"
  bucket = "b"
}
