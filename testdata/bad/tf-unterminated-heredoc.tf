locals {
  doc = <<EOT
never ends
