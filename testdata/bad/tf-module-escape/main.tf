module "etc" {
  source = "../../../etc"
}

module "abs" {
  source = "/etc"
}
