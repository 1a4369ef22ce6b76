resource "aws_s3_bucket" "s" {
  bucket = "no end
}
