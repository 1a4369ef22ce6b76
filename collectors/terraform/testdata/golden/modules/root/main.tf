provider "aws" {
  region = "ap-northeast-1"
}

provider "aws" {
  alias  = "osaka"
  region = "ap-northeast-3"
}

locals {
  envs = {
    prod = 14
    stg  = 1
  }
}

module "db" {
  source       = "../modules/db"
  name         = "orders"
  backup_days  = 7
}

module "db_each" {
  source      = "../modules/db"
  for_each    = local.envs
  name        = "app-${each.key}"
  backup_days = each.value
}

module "dr" {
  source      = "../modules/db"
  name        = "orders-dr"
  backup_days = 3
  providers = {
    aws = aws.osaka
  }
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "~> 5.0"
}

module "missing" {
  source = "git::https://example.com/modules/missing.git"
}

module "outside" {
  source = "../../../../outside"
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/orders/${module.db.name}"
  retention_in_days = 90
}

resource "aws_backup_plan" "daily" {
  name = "daily"
  rule {
    rule_name         = "daily"
    target_vault_name = "Default"
    schedule          = "cron(0 17 ? * * *)"
    lifecycle {
      delete_after = 7
    }
  }
}

resource "aws_backup_selection" "dbs" {
  name         = "dbs"
  iam_role_arn = "arn:aws:iam::123456789012:role/backup"
  plan_id      = aws_backup_plan.daily.id
  resources    = [module.db.arn, module.db_each["prod"].arn]
}
