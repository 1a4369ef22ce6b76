resource "aws_s3_bucket" "bom" {
  bucket = "bom"
}
