variable "region" {}
variable "retention" {}
