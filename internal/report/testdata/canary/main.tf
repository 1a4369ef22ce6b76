variable "db_password" {
  type      = string
  sensitive = true
  default   = "kaiji-canary-default-7f3a9c"
}

variable "api_token" {
  type = string
}

resource "aws_db_instance" "app" {
  identifier        = "canary-app"
  engine            = "postgres"
  storage_encrypted = false
  password          = "kaiji-canary-password-1b2c3d"
  username          = "app"
}

resource "aws_iam_access_key" "ci" {
  user   = "ci"
  secret = "kaiji-canary-secret-9e8d7c"
}

resource "tls_private_key" "k" {
  private_key_pem = <<-PEM
    -----BEGIN PRIVATE KEY-----
    kaiji-canary-pem-MIIEvQIBADANBgkqhkiG9w0BAQEFAASC
    -----END PRIVATE KEY-----
  PEM
}

output "connection" {
  value     = "postgres://app:kaiji-canary-output-5a6b7c@db"
  sensitive = true
}
