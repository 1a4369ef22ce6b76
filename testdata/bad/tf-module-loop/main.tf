module "self" {
  source = "./"
}

resource "aws_s3_bucket" "loop" {
  bucket = "loop"
}
