resource "aws_s3_bucket" "many" {
  count  = 100000000
  bucket = "many-${count.index}"
}
