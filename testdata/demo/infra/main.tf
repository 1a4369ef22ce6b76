terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = var.region
}

# Backups are copied to Osaka for disaster recovery.
provider "aws" {
  alias  = "osaka"
  region = "ap-northeast-3"
}

variable "region" {
  type    = string
  default = "ap-northeast-1"
}

variable "db_backup_days" {
  type    = number
  default = 7
}

# Chosen per environment at deploy time: no default, so it is unknown here.
variable "tls_policy" {
  type = string
}
