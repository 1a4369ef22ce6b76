variable "region" {
  type = string
}
variable "db_password_override" {
  type      = string
  sensitive = true
}
variable "db_conn" {
  type      = string
  sensitive = true
}
