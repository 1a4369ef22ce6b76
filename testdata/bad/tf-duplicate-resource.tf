resource "aws_s3_bucket" "twice" {
  bucket = "a"
}

resource "aws_s3_bucket" "twice" {
  bucket = "b"
}
