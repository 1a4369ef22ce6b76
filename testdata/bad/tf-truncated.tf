resource "aws_s3_bucket" "cut" {
  bucket = "cut"
  tags = {
    Name = "cut"
