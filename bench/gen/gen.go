// Package gen writes realistic synthetic estates for kaiji's benchmarks: a
// Terraform tree across AWS, Azure and Google Cloud (a root module with
// variables, locals and provider aliases calling three service modules with
// for_each and count, whose resources use count, for_each, dynamic blocks and
// references), the same resources as a plan (terraform show -json), and
// Kubernetes manifests of many applications. Every resource type is one the
// collectors map (docs/facts.md), apart from a few support resources
// (keys, roles, resource groups) that real code always has.
//
// The estate has exactly the number of Terraform resource instances asked
// for, and as many Kubernetes objects; the output is deterministic.
package gen

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/kaiji-dev/kaiji/internal/claims"
)

// Options size an estate.
type Options struct {
	// Resources is the number of Terraform resource instances (and of
	// Kubernetes objects) to write.
	Resources int
	// NoPlan skips the plan JSON, NoKubernetes the manifests.
	NoPlan, NoKubernetes bool
}

// Layout names what Write produced.
type Layout struct {
	Terraform  string // the tree to scan: the root module live/ and modules/
	Flat       string // the same instances as one large root module (flat.go)
	Plan       string // plan JSON file, or "" with NoPlan
	Kubernetes string // manifests directory, or "" with NoKubernetes
	Claims     string // a disclosure sheet with a claim for every key
	// Instances counts Terraform resource instances by type.
	Instances map[string]int
	// Objects is the number of Kubernetes objects written.
	Objects int
}

// Write generates an estate under dir (created; existing files overwritten).
func Write(dir string, opts Options) (*Layout, error) {
	if opts.Resources < 100 {
		return nil, fmt.Errorf("gen: want at least 100 resources, have %d", opts.Resources)
	}
	e := plan(opts.Resources)
	l := &Layout{Terraform: filepath.Join(dir, "terraform"), Flat: filepath.Join(dir, "terraform-flat"), Instances: e.instances()}
	if err := e.writeHCL(l.Terraform); err != nil {
		return nil, err
	}
	if err := e.writeFlat(l.Flat); err != nil {
		return nil, err
	}
	l.Claims = filepath.Join(dir, "disclosure.yaml")
	if err := writeDisclosure(l.Claims); err != nil {
		return nil, err
	}
	if !opts.NoPlan {
		l.Plan = filepath.Join(dir, "plan", "plan.json")
		if err := e.writePlan(l.Plan); err != nil {
			return nil, err
		}
	}
	if !opts.NoKubernetes {
		l.Kubernetes = filepath.Join(dir, "kubernetes")
		n, err := writeKubernetes(l.Kubernetes, opts.Resources)
		if err != nil {
			return nil, err
		}
		l.Objects = n
	}
	return l, nil
}

// ---- the estate ----

// estate is how many instances of each service module the root calls, the
// size of each (instances of its count resources), and the filler that makes
// the total exact.
type estate struct {
	aws, azure, gcp int // module instances
	size            int // count of the per-size resources in every instance
	filler          int // extra root log groups
}

// plan picks module instances and sizes for n resource instances. Terraform
// reads at most 2,000 module instances per scan, so large estates grow the
// modules rather than their number.
func plan(n int) estate {
	k := min(max(n/40, 3), 1200)
	e := estate{aws: max(k/2, 1), azure: max(k/4, 1), gcp: max(k-k/2-k/4, 1), size: 1}
	for e.size = max(1, (n/k-14)/2); e.size > 1 && e.fixed()+e.perSize()*e.size > n; e.size-- {
	}
	for e.fixed()+e.perSize()*e.size > n && e.aws > 1 {
		e.aws--
	}
	e.filler = n - e.fixed() - e.perSize()*e.size
	return e
}

func (e estate) fixed() int {
	return e.aws*instances(awsFixed) + e.azure*instances(azureFixed) + e.gcp*instances(gcpFixed) + instances(rootFixed)
}

func instances(rs []res) int {
	n := 0
	for _, r := range rs {
		n += r.n
	}
	return n
}

func (e estate) perSize() int {
	return e.aws*len(awsSized) + e.azure*len(azureSized) + e.gcp*len(gcpSized)
}

func (e estate) total() int { return e.fixed() + e.perSize()*e.size + e.filler }

func (e estate) instances() map[string]int {
	out := map[string]int{}
	add := func(rs []res, times int) {
		for _, r := range rs {
			out[r.typ] += times * r.n
		}
	}
	add(awsFixed, e.aws)
	add(azureFixed, e.azure)
	add(gcpFixed, e.gcp)
	add(rootFixed, 1)
	for _, r := range awsSized {
		out[r.typ] += e.aws * e.size
	}
	for _, r := range azureSized {
		out[r.typ] += e.azure * e.size
	}
	for _, r := range gcpSized {
		out[r.typ] += e.gcp * e.size
	}
	out["aws_cloudwatch_log_group"] += e.filler
	return out
}

// res is one resource block of a module: n instances when fixed (for_each
// over a literal set), size instances when in a *Sized list.
type res struct {
	typ, name string
	n         int
}

var awsFixed = []res{
	{"aws_kms_key", "data", 1}, {"aws_db_instance", "main", 1}, {"aws_s3_bucket", "data", 2},
	{"aws_s3_bucket_server_side_encryption_configuration", "data", 2}, {"aws_s3_bucket_versioning", "data", 2},
	{"aws_security_group", "web", 1}, {"aws_lb", "web", 1}, {"aws_lb_listener", "https", 1}, {"aws_lb_listener", "http", 1},
	{"aws_cloudwatch_log_group", "app", 3}, {"aws_cloudwatch_metric_alarm", "latency", 1},
	{"aws_backup_vault", "main", 1}, {"aws_backup_plan", "daily", 1}, {"aws_backup_selection", "db", 1},
	{"aws_route53_health_check", "web", 1}, {"aws_iam_role", "app", 1}, {"aws_iam_role_policy_attachment", "app", 1},
	{"aws_autoscaling_group", "web", 1},
}

var awsSized = []res{{"aws_security_group_rule", "partner", 1}, {"aws_ebs_volume", "data", 1}}

var azureFixed = []res{
	{"azurerm_resource_group", "this", 1}, {"azurerm_storage_account", "data", 1}, {"azurerm_mssql_server", "sql", 1},
	{"azurerm_mssql_database", "app", 1}, {"azurerm_network_security_group", "web", 1}, {"azurerm_log_analytics_workspace", "logs", 1},
	{"azurerm_recovery_services_vault", "vault", 1}, {"azurerm_backup_policy_vm", "daily", 1},
	{"azurerm_monitor_metric_alert", "cpu", 1}, {"azurerm_role_assignment", "reader", 1},
}

var azureSized = []res{{"azurerm_network_security_rule", "partner", 1}, {"azurerm_managed_disk", "data", 1}}

var gcpFixed = []res{
	{"google_storage_bucket", "data", 1}, {"google_sql_database_instance", "db", 1}, {"google_compute_resource_policy", "daily", 1},
	{"google_logging_project_bucket_config", "audit", 1}, {"google_monitoring_uptime_check_config", "web", 1},
	{"google_monitoring_alert_policy", "latency", 1}, {"google_project_iam_member", "viewer", 1},
	{"google_compute_ssl_policy", "modern", 1}, {"google_compute_target_https_proxy", "web", 1},
}

var gcpSized = []res{{"google_compute_firewall", "partner", 1}, {"google_compute_disk", "data", 1}}

var rootFixed = []res{
	{"aws_guardduty_detector", "main", 1}, {"aws_cloudtrail", "main", 1}, {"aws_s3_bucket", "trail", 1},
	{"aws_iam_account_password_policy", "strict", 1}, {"aws_ssm_patch_baseline", "linux", 1},
	{"azurerm_security_center_subscription_pricing", "servers", 1}, {"google_cloud_ids_endpoint", "ids", 1},
}

// ---- Terraform configuration ----

func (e estate) writeHCL(dir string) error {
	files := map[string]string{
		"live/versions.tf":                  versionsTF,
		"live/variables.tf":                 variablesTF,
		"live/main.tf":                      fmt.Sprintf(mainTF, e.filler),
		"live/terraform.tfvars":             fmt.Sprintf(tfvars, e.aws, e.azure, e.gcp, e.size),
		"modules/aws-service/versions.tf":   moduleVersions("aws", "hashicorp/aws", "5.70.0"),
		"modules/azure-service/versions.tf": moduleVersions("azurerm", "hashicorp/azurerm", "4.5.0"),
		"modules/gcp-service/versions.tf":   moduleVersions("google", "hashicorp/google", "6.8.0"),
		"modules/aws-service/main.tf":       awsModuleTF,
		"modules/aws-service/variables.tf":  awsModuleVars,
		"modules/azure-service/main.tf":     azureModuleTF,
		"modules/azure-service/vars.tf":     azureModuleVars,
		"modules/gcp-service/main.tf":       gcpModuleTF,
		"modules/gcp-service/vars.tf":       gcpModuleVars,
	}
	for name, body := range files {
		if err := writeFile(filepath.Join(dir, name), body); err != nil {
			return err
		}
	}
	return nil
}

func writeFile(p, body string) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, []byte(body), 0o644)
}

// moduleVersions pins the provider a module uses, as published modules do
// (terrascan otherwise asks the registry for every module's providers).
func moduleVersions(name, source, version string) string {
	return fmt.Sprintf("terraform {\n  required_providers {\n    %s = {\n      source  = %q\n      version = %q\n    }\n  }\n}\n", name, source, version)
}

const versionsTF = `terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.70.0"
    }
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "4.5.0"
    }
    google = {
      source  = "hashicorp/google"
      version = "6.8.0"
    }
  }
}

provider "aws" {
  region = var.region
}

# Backups are copied to Osaka.
provider "aws" {
  alias  = "osaka"
  region = "ap-northeast-3"
}

provider "azurerm" {
  features {}
}

provider "google" {
  project = var.gcp_project
  region  = "asia-northeast1"
}
`

// variablesTF is the root module's variables: the platform's (shared with
// the flat layout) and the number and size of the services it calls.
const variablesTF = platformVariablesTF + `
variable "aws_services" {
  type = number
}

variable "azure_services" {
  type = number
}

variable "gcp_services" {
  type = number
}

variable "size" {
  type        = number
  description = "partner rules and data disks per service"
}
`

// platformVariablesTF is the variables with defaults both layouts declare.
const platformVariablesTF = `variable "region" {
  type    = string
  default = "ap-northeast-1"
}

variable "gcp_project" {
  type    = string
  default = "kaiji-bench"
}

variable "backup_days" {
  type    = number
  default = 14
}

variable "log_retention_days" {
  type    = number
  default = 400
}
`

const tfvars = `aws_services   = %d
azure_services = %d
gcp_services   = %d
size           = %d
`

const mainTF = `locals {
  env = "prod"
  aws_services = {
    for i in range(var.aws_services) : format("svc%%04d", i) => {
      tier        = i %% 3 == 0 ? "critical" : "standard"
      backup_days = i %% 3 == 0 ? 35 : var.backup_days
    }
  }
  gcp_services = toset([for i in range(var.gcp_services) : format("gsv%%04d", i)])
  common_tags = {
    env   = local.env
    owner = "platform"
  }
}

module "aws_service" {
  source   = "../modules/aws-service"
  for_each = local.aws_services

  name               = each.key
  tier               = each.value.tier
  size               = var.size
  backup_days        = each.value.backup_days
  log_retention_days = var.log_retention_days
  tags               = merge(local.common_tags, { service = each.key })
}

module "azure_service" {
  source = "../modules/azure-service"
  count  = var.azure_services

  name     = format("az%%04d", count.index)
  location = count.index %% 2 == 0 ? "Japan East" : "Japan West"
  size     = var.size
}

module "gcp_service" {
  source   = "../modules/gcp-service"
  for_each = local.gcp_services

  name    = each.key
  project = var.gcp_project
  size    = var.size
}

resource "aws_guardduty_detector" "main" {
  enable = true
}

resource "aws_s3_bucket" "trail" {
  bucket = "kaiji-bench-trail"
  tags   = local.common_tags
}

resource "aws_cloudtrail" "main" {
  name                       = "main"
  s3_bucket_name             = aws_s3_bucket.trail.id
  is_multi_region_trail      = true
  enable_log_file_validation = true
}

resource "aws_iam_account_password_policy" "strict" {
  minimum_password_length        = 14
  require_symbols                = true
  max_password_age               = 90
  password_reuse_prevention      = 24
  allow_users_to_change_password = true
}

resource "aws_ssm_patch_baseline" "linux" {
  name             = "linux"
  operating_system = "AMAZON_LINUX_2023"
  approval_rule {
    approve_after_days = 7
    patch_filter {
      key    = "CLASSIFICATION"
      values = ["Security"]
    }
  }
}

resource "azurerm_security_center_subscription_pricing" "servers" {
  tier          = "Standard"
  resource_type = "VirtualMachines"
}

resource "google_cloud_ids_endpoint" "ids" {
  name     = "ids"
  location = "asia-northeast1-a"
  network  = "default"
  severity = "INFORMATIONAL"
}

# Extra log groups of the platform team, so the estate has the exact size asked for.
resource "aws_cloudwatch_log_group" "platform" {
  count             = %d
  name              = "/platform/${count.index}"
  retention_in_days = var.log_retention_days
  tags              = local.common_tags
}
`

const awsModuleVars = `variable "name" {
  type = string
}

variable "tier" {
  type    = string
  default = "standard"
}

variable "size" {
  type = number
}

variable "backup_days" {
  type = number
}

variable "log_retention_days" {
  type = number
}

variable "tags" {
  type    = map(string)
  default = {}
}

variable "partner_cidrs" {
  type    = list(string)
  default = ["203.0.113.0/24", "198.51.100.0/24"]
}
`

const awsModuleTF = `locals {
  buckets = toset(["uploads", "exports"])
  streams = toset(["app", "audit", "access"])
}

resource "aws_kms_key" "data" {
  description         = "${var.name} data"
  enable_key_rotation = true
}

resource "aws_db_instance" "main" {
  identifier                  = "${var.name}-db"
  engine                      = "postgres"
  instance_class              = var.tier == "critical" ? "db.r6g.xlarge" : "db.t4g.medium"
  allocated_storage           = 100
  storage_encrypted           = true
  kms_key_id                  = aws_kms_key.data.arn
  multi_az                    = var.tier == "critical"
  backup_retention_period     = var.backup_days
  publicly_accessible         = false
  username                    = "app"
  manage_master_user_password = true
  tags                        = var.tags
}

resource "aws_s3_bucket" "data" {
  for_each = local.buckets
  bucket   = "${var.name}-${each.key}"
  tags     = var.tags
}

resource "aws_s3_bucket_server_side_encryption_configuration" "data" {
  for_each = local.buckets
  bucket   = aws_s3_bucket.data[each.key].id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.data.arn
    }
  }
}

resource "aws_s3_bucket_versioning" "data" {
  for_each = local.buckets
  bucket   = aws_s3_bucket.data[each.key].id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_security_group" "web" {
  name = "${var.name}-web"
  dynamic "ingress" {
    for_each = [80, 443]
    content {
      protocol    = "tcp"
      from_port   = ingress.value
      to_port     = ingress.value
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
  tags = var.tags
}

resource "aws_security_group_rule" "partner" {
  count             = var.size
  type              = "ingress"
  security_group_id = aws_security_group.web.id
  protocol          = "tcp"
  from_port         = 8443
  to_port           = 8443
  cidr_blocks       = [var.partner_cidrs[count.index % length(var.partner_cidrs)]]
  description       = "partner ${count.index}"
}

resource "aws_ebs_volume" "data" {
  count             = var.size
  availability_zone = element(["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"], count.index)
  size              = 50
  encrypted         = true
  kms_key_id        = aws_kms_key.data.arn
  tags              = merge(var.tags, { backup = "daily" })
}

resource "aws_lb" "web" {
  name               = "${var.name}-web"
  load_balancer_type = "application"
  internal           = false
  security_groups    = [aws_security_group.web.id]
  subnets            = ["subnet-0a", "subnet-0c"]
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.web.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = "arn:aws:acm:ap-northeast-1:123456789012:certificate/${var.name}"
  default_action {
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:targetgroup/${var.name}/x"
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type = "redirect"
    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}

resource "aws_cloudwatch_log_group" "app" {
  for_each          = local.streams
  name              = "/${var.name}/${each.key}"
  retention_in_days = each.key == "audit" ? 3653 : var.log_retention_days
  kms_key_id        = aws_kms_key.data.arn
  tags              = var.tags
}

resource "aws_cloudwatch_metric_alarm" "latency" {
  alarm_name          = "${var.name}-latency"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "TargetResponseTime"
  comparison_operator = "GreaterThanThreshold"
  threshold           = 1
  evaluation_periods  = 3
  period              = 60
  alarm_actions       = ["arn:aws:sns:ap-northeast-1:123456789012:ops"]
}

resource "aws_backup_vault" "main" {
  name        = "${var.name}-vault"
  kms_key_arn = aws_kms_key.data.arn
}

resource "aws_backup_plan" "daily" {
  name = "${var.name}-daily"
  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.main.name
    schedule          = "cron(0 17 ? * * *)"
    lifecycle {
      delete_after = var.backup_days
    }
  }
}

resource "aws_backup_selection" "db" {
  name         = "${var.name}-db"
  iam_role_arn = aws_iam_role.app.arn
  plan_id      = aws_backup_plan.daily.id
  resources    = [aws_db_instance.main.arn]
}

resource "aws_route53_health_check" "web" {
  fqdn              = "${var.name}.example.jp"
  type              = "HTTPS"
  port              = 443
  request_interval  = 30
  failure_threshold = 3
}

resource "aws_iam_role" "app" {
  name = "${var.name}-app"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy_attachment" "app" {
  role       = aws_iam_role.app.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}

resource "aws_autoscaling_group" "web" {
  name               = "${var.name}-web"
  availability_zones = ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"]
  min_size           = var.tier == "critical" ? 3 : 2
  max_size           = 12
}
`

const azureModuleVars = `variable "name" {
  type = string
}

variable "location" {
  type    = string
  default = "Japan East"
}

variable "size" {
  type = number
}
`

const azureModuleTF = `resource "azurerm_resource_group" "this" {
  name     = "rg-${var.name}"
  location = var.location
}

resource "azurerm_storage_account" "data" {
  name                            = "st${var.name}"
  resource_group_name             = azurerm_resource_group.this.name
  location                        = var.location
  account_tier                    = "Standard"
  account_replication_type        = "ZRS"
  min_tls_version                 = "TLS1_2"
  allow_nested_items_to_be_public = false
  blob_properties {
    versioning_enabled = true
  }
}

resource "azurerm_mssql_server" "sql" {
  name                = "sql-${var.name}"
  resource_group_name = azurerm_resource_group.this.name
  location            = var.location
  version             = "12.0"
  minimum_tls_version = "1.2"
}

resource "azurerm_mssql_database" "app" {
  name      = "app"
  server_id = azurerm_mssql_server.sql.id
  short_term_retention_policy {
    retention_days = 14
  }
}

resource "azurerm_network_security_group" "web" {
  name                = "nsg-${var.name}"
  location            = var.location
  resource_group_name = azurerm_resource_group.this.name
  security_rule {
    name                       = "https"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "443"
    source_address_prefix      = "Internet"
    destination_address_prefix = "*"
  }
}

resource "azurerm_network_security_rule" "partner" {
  count                       = var.size
  name                        = "partner-${count.index}"
  priority                    = 200 + count.index
  resource_group_name         = azurerm_resource_group.this.name
  network_security_group_name = azurerm_network_security_group.web.name
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "8443"
  source_address_prefix       = "203.0.113.0/24"
  destination_address_prefix  = "*"
}

resource "azurerm_managed_disk" "data" {
  count                = var.size
  name                 = "disk-${var.name}-${count.index}"
  location             = var.location
  resource_group_name  = azurerm_resource_group.this.name
  storage_account_type = "Premium_ZRS"
  create_option        = "Empty"
  disk_size_gb         = 64
}

resource "azurerm_log_analytics_workspace" "logs" {
  name                = "log-${var.name}"
  location            = var.location
  resource_group_name = azurerm_resource_group.this.name
  retention_in_days   = 365
}

resource "azurerm_recovery_services_vault" "vault" {
  name                = "rsv-${var.name}"
  location            = "Japan West"
  resource_group_name = azurerm_resource_group.this.name
  sku                 = "Standard"
  immutability        = "Locked"
}

resource "azurerm_backup_policy_vm" "daily" {
  name                = "daily"
  resource_group_name = azurerm_resource_group.this.name
  recovery_vault_name = azurerm_recovery_services_vault.vault.name
  backup {
    frequency = "Daily"
    time      = "23:00"
  }
  retention_daily {
    count = 14
  }
}

resource "azurerm_monitor_metric_alert" "cpu" {
  name                = "cpu-${var.name}"
  resource_group_name = azurerm_resource_group.this.name
  scopes              = [azurerm_mssql_database.app.id]
  frequency           = "PT1M"
  criteria {
    metric_namespace = "Microsoft.Sql/servers/databases"
    metric_name      = "cpu_percent"
    aggregation      = "Average"
    operator         = "GreaterThan"
    threshold        = 80
  }
  action {
    action_group_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ops/providers/microsoft.insights/actionGroups/ops"
  }
}

resource "azurerm_role_assignment" "reader" {
  scope                = azurerm_resource_group.this.id
  role_definition_name = "Reader"
  principal_id         = "00000000-0000-0000-0000-000000000001"
}
`

const gcpModuleVars = `variable "name" {
  type = string
}

variable "project" {
  type = string
}

variable "size" {
  type = number
}
`

const gcpModuleTF = `resource "google_storage_bucket" "data" {
  name                        = "${var.project}-${var.name}"
  location                    = "ASIA-NORTHEAST1"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  versioning {
    enabled = true
  }
}

resource "google_sql_database_instance" "db" {
  name             = "${var.name}-db"
  database_version = "POSTGRES_15"
  region           = "asia-northeast1"
  settings {
    tier              = "db-custom-2-7680"
    availability_type = "REGIONAL"
    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = true
      start_time                     = "18:00"
      backup_retention_settings {
        retained_backups = 14
      }
    }
    ip_configuration {
      ipv4_enabled = false
      ssl_mode     = "ENCRYPTED_ONLY"
    }
  }
}

resource "google_compute_resource_policy" "daily" {
  name   = "${var.name}-daily"
  region = "asia-northeast1"
  snapshot_schedule_policy {
    schedule {
      daily_schedule {
        days_in_cycle = 1
        start_time    = "18:00"
      }
    }
    retention_policy {
      max_retention_days = 14
    }
    snapshot_properties {
      storage_locations = ["asia-northeast2"]
    }
  }
}

resource "google_compute_disk" "data" {
  count             = var.size
  name              = "${var.name}-data-${count.index}"
  zone              = element(["asia-northeast1-a", "asia-northeast1-b", "asia-northeast1-c"], count.index)
  size              = 50
  resource_policies = [google_compute_resource_policy.daily.id]
}

resource "google_compute_firewall" "partner" {
  count   = var.size
  name    = "${var.name}-partner-${count.index}"
  network = "default"
  allow {
    protocol = "tcp"
    ports    = ["8443"]
  }
  source_ranges = ["203.0.113.0/24"]
}

resource "google_logging_project_bucket_config" "audit" {
  project        = var.project
  location       = "asia-northeast1"
  bucket_id      = "${var.name}-audit"
  retention_days = 400
  locked         = true
}

resource "google_monitoring_uptime_check_config" "web" {
  display_name = "${var.name}-web"
  timeout      = "10s"
  period       = "60s"
  http_check {
    path    = "/healthz"
    port    = 443
    use_ssl = true
  }
}

resource "google_monitoring_alert_policy" "latency" {
  display_name = "${var.name} latency"
  combiner     = "OR"
  conditions {
    display_name = "latency"
    condition_threshold {
      filter          = "metric.type=\"loadbalancing.googleapis.com/https/total_latencies\""
      comparison      = "COMPARISON_GT"
      threshold_value = 1000
      duration        = "60s"
    }
  }
  notification_channels = ["projects/${var.project}/notificationChannels/ops"]
}

resource "google_project_iam_member" "viewer" {
  project = var.project
  role    = "roles/viewer"
  member  = "group:${var.name}@example.jp"
}

resource "google_compute_ssl_policy" "modern" {
  name            = "${var.name}-modern"
  profile         = "MODERN"
  min_tls_version = "TLS_1_2"
}

resource "google_compute_target_https_proxy" "web" {
  name             = "${var.name}-web"
  url_map          = "projects/${var.project}/global/urlMaps/${var.name}"
  ssl_certificates = ["projects/${var.project}/global/sslCertificates/${var.name}"]
  ssl_policy       = google_compute_ssl_policy.modern.id
}
`

// ---- the plan ----

// writePlan writes the estate's resources as terraform show -json would: the
// planned values of every instance, by module instance, and the change of
// every instance (a create: its values again, its id unknown until
// applied), which makes a real plan about twice the size of its planned
// values.
func (e estate) writePlan(p string) error {
	type resource struct {
		Address      string         `json:"address"`
		Mode         string         `json:"mode"`
		Type         string         `json:"type"`
		Name         string         `json:"name"`
		Index        any            `json:"index,omitempty"`
		ProviderName string         `json:"provider_name"`
		Values       map[string]any `json:"values"`
	}
	type mod struct {
		Address      string     `json:"address,omitempty"`
		Resources    []resource `json:"resources"`
		ChildModules []*mod     `json:"child_modules,omitempty"`
	}
	providerOf := func(typ string) string {
		switch {
		case strings.HasPrefix(typ, "azurerm_"):
			return "registry.terraform.io/hashicorp/azurerm"
		case strings.HasPrefix(typ, "google_"):
			return "registry.terraform.io/hashicorp/google"
		}
		return "registry.terraform.io/hashicorp/aws"
	}
	inst := func(prefix, typ, name string, index any, values map[string]any) resource {
		addr := prefix + typ + "." + name
		switch ix := index.(type) {
		case int:
			addr += fmt.Sprintf("[%d]", ix)
		case string:
			addr += fmt.Sprintf("[%q]", ix)
		}
		return resource{Address: addr, Mode: "managed", Type: typ, Name: name, Index: index, ProviderName: providerOf(typ), Values: values}
	}
	root := &mod{}
	for i := 0; i < e.aws; i++ {
		svc := fmt.Sprintf("svc%04d", i)
		prefix := fmt.Sprintf("module.aws_service[%q].", svc)
		m := &mod{Address: strings.TrimSuffix(prefix, ".")}
		critical := i%3 == 0
		days := 14
		if critical {
			days = 35
		}
		add := func(typ, name string, index any, v map[string]any) {
			m.Resources = append(m.Resources, inst(prefix, typ, name, index, v))
		}
		add("aws_kms_key", "data", nil, map[string]any{"description": svc + " data", "enable_key_rotation": true})
		add("aws_db_instance", "main", nil, map[string]any{"identifier": svc + "-db", "engine": "postgres", "storage_encrypted": true,
			"multi_az": critical, "backup_retention_period": days, "publicly_accessible": false, "kms_key_id": "arn:aws:kms:ap-northeast-1:123456789012:key/" + svc})
		for _, b := range []string{"exports", "uploads"} {
			add("aws_s3_bucket", "data", b, map[string]any{"bucket": svc + "-" + b})
			add("aws_s3_bucket_server_side_encryption_configuration", "data", b, map[string]any{"bucket": svc + "-" + b,
				"rule": []any{map[string]any{"apply_server_side_encryption_by_default": []any{map[string]any{"sse_algorithm": "aws:kms"}}}}})
			add("aws_s3_bucket_versioning", "data", b, map[string]any{"bucket": svc + "-" + b,
				"versioning_configuration": []any{map[string]any{"status": "Enabled"}}})
		}
		add("aws_security_group", "web", nil, map[string]any{"name": svc + "-web", "ingress": []any{
			map[string]any{"protocol": "tcp", "from_port": 80, "to_port": 80, "cidr_blocks": []any{"0.0.0.0/0"}},
			map[string]any{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": []any{"0.0.0.0/0"}},
		}, "egress": []any{map[string]any{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": []any{"0.0.0.0/0"}}}})
		for j := 0; j < e.size; j++ {
			add("aws_security_group_rule", "partner", j, map[string]any{"type": "ingress", "protocol": "tcp", "from_port": 8443, "to_port": 8443,
				"cidr_blocks": []any{[]string{"203.0.113.0/24", "198.51.100.0/24"}[j%2]}})
			add("aws_ebs_volume", "data", j, map[string]any{"availability_zone": []string{"ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"}[j%3], "size": 50, "encrypted": true})
		}
		add("aws_lb", "web", nil, map[string]any{"name": svc + "-web", "load_balancer_type": "application", "internal": false})
		add("aws_lb_listener", "https", nil, map[string]any{"port": 443, "protocol": "HTTPS", "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
			"certificate_arn": "arn:aws:acm:ap-northeast-1:123456789012:certificate/" + svc})
		add("aws_lb_listener", "http", nil, map[string]any{"port": 80, "protocol": "HTTP", "default_action": []any{map[string]any{"type": "redirect",
			"redirect": []any{map[string]any{"port": "443", "protocol": "HTTPS", "status_code": "HTTP_301"}}}}})
		for _, s := range []string{"access", "app", "audit"} {
			days := 400
			if s == "audit" {
				days = 3653
			}
			add("aws_cloudwatch_log_group", "app", s, map[string]any{"name": "/" + svc + "/" + s, "retention_in_days": days})
		}
		add("aws_cloudwatch_metric_alarm", "latency", nil, map[string]any{"namespace": "AWS/ApplicationELB", "metric_name": "TargetResponseTime", "period": 60,
			"alarm_actions": []any{"arn:aws:sns:ap-northeast-1:123456789012:ops"}})
		add("aws_backup_vault", "main", nil, map[string]any{"name": svc + "-vault"})
		add("aws_backup_plan", "daily", nil, map[string]any{"name": svc + "-daily", "rule": []any{map[string]any{"rule_name": "daily",
			"target_vault_name": svc + "-vault", "schedule": "cron(0 17 ? * * *)", "lifecycle": []any{map[string]any{"delete_after": days}}}}})
		add("aws_backup_selection", "db", nil, map[string]any{"name": svc + "-db", "resources": []any{"arn:aws:rds:ap-northeast-1:123456789012:db:" + svc + "-db"}})
		add("aws_route53_health_check", "web", nil, map[string]any{"fqdn": svc + ".example.jp", "type": "HTTPS", "request_interval": 30})
		add("aws_iam_role", "app", nil, map[string]any{"name": svc + "-app"})
		add("aws_iam_role_policy_attachment", "app", nil, map[string]any{"role": svc + "-app", "policy_arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"})
		add("aws_autoscaling_group", "web", nil, map[string]any{"availability_zones": []any{"ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"}, "min_size": 2, "max_size": 12})
		root.ChildModules = append(root.ChildModules, m)
	}
	for i := 0; i < e.azure; i++ {
		name := fmt.Sprintf("az%04d", i)
		prefix := fmt.Sprintf("module.azure_service[%d].", i)
		m := &mod{Address: strings.TrimSuffix(prefix, ".")}
		loc := "Japan East"
		if i%2 == 1 {
			loc = "Japan West"
		}
		add := func(typ, n string, index any, v map[string]any) {
			m.Resources = append(m.Resources, inst(prefix, typ, n, index, v))
		}
		add("azurerm_resource_group", "this", nil, map[string]any{"name": "rg-" + name, "location": loc})
		add("azurerm_storage_account", "data", nil, map[string]any{"name": "st" + name, "location": loc, "account_replication_type": "ZRS", "min_tls_version": "TLS1_2"})
		add("azurerm_mssql_server", "sql", nil, map[string]any{"name": "sql-" + name, "location": loc, "minimum_tls_version": "1.2"})
		add("azurerm_mssql_database", "app", nil, map[string]any{"name": "app", "short_term_retention_policy": []any{map[string]any{"retention_days": 14}}})
		add("azurerm_network_security_group", "web", nil, map[string]any{"name": "nsg-" + name, "location": loc, "security_rule": []any{map[string]any{
			"name": "https", "direction": "Inbound", "access": "Allow", "protocol": "Tcp", "destination_port_range": "443", "source_address_prefix": "Internet"}}})
		for j := 0; j < e.size; j++ {
			add("azurerm_network_security_rule", "partner", j, map[string]any{"name": fmt.Sprintf("partner-%d", j), "direction": "Inbound", "access": "Allow",
				"protocol": "Tcp", "destination_port_range": "8443", "source_address_prefix": "203.0.113.0/24", "network_security_group_name": "nsg-" + name})
			add("azurerm_managed_disk", "data", j, map[string]any{"name": fmt.Sprintf("disk-%s-%d", name, j), "location": loc, "storage_account_type": "Premium_ZRS"})
		}
		add("azurerm_log_analytics_workspace", "logs", nil, map[string]any{"name": "log-" + name, "location": loc, "retention_in_days": 365})
		add("azurerm_recovery_services_vault", "vault", nil, map[string]any{"name": "rsv-" + name, "location": "Japan West", "immutability": "Locked"})
		add("azurerm_backup_policy_vm", "daily", nil, map[string]any{"name": "daily", "recovery_vault_name": "rsv-" + name,
			"backup": []any{map[string]any{"frequency": "Daily", "time": "23:00"}}, "retention_daily": []any{map[string]any{"count": 14}}})
		add("azurerm_monitor_metric_alert", "cpu", nil, map[string]any{"name": "cpu-" + name, "frequency": "PT1M"})
		add("azurerm_role_assignment", "reader", nil, map[string]any{"role_definition_name": "Reader", "principal_id": "00000000-0000-0000-0000-000000000001"})
		root.ChildModules = append(root.ChildModules, m)
	}
	for i := 0; i < e.gcp; i++ {
		name := fmt.Sprintf("gsv%04d", i)
		prefix := fmt.Sprintf("module.gcp_service[%q].", name)
		m := &mod{Address: strings.TrimSuffix(prefix, ".")}
		add := func(typ, n string, index any, v map[string]any) {
			m.Resources = append(m.Resources, inst(prefix, typ, n, index, v))
		}
		add("google_storage_bucket", "data", nil, map[string]any{"name": "kaiji-bench-" + name, "location": "ASIA-NORTHEAST1", "public_access_prevention": "enforced"})
		add("google_sql_database_instance", "db", nil, map[string]any{"name": name + "-db", "database_version": "POSTGRES_15", "region": "asia-northeast1",
			"settings": []any{map[string]any{"availability_type": "REGIONAL", "backup_configuration": []any{map[string]any{"enabled": true,
				"point_in_time_recovery_enabled": true, "backup_retention_settings": []any{map[string]any{"retained_backups": 14}}}},
				"ip_configuration": []any{map[string]any{"ipv4_enabled": false, "ssl_mode": "ENCRYPTED_ONLY"}}}}})
		add("google_compute_resource_policy", "daily", nil, map[string]any{"name": name + "-daily", "snapshot_schedule_policy": []any{map[string]any{
			"schedule":         []any{map[string]any{"daily_schedule": []any{map[string]any{"days_in_cycle": 1, "start_time": "18:00"}}}},
			"retention_policy": []any{map[string]any{"max_retention_days": 14}}}}})
		for j := 0; j < e.size; j++ {
			add("google_compute_disk", "data", j, map[string]any{"name": fmt.Sprintf("%s-data-%d", name, j),
				"zone": []string{"asia-northeast1-a", "asia-northeast1-b", "asia-northeast1-c"}[j%3], "size": 50})
			add("google_compute_firewall", "partner", j, map[string]any{"name": fmt.Sprintf("%s-partner-%d", name, j), "network": "default",
				"allow": []any{map[string]any{"protocol": "tcp", "ports": []any{"8443"}}}, "source_ranges": []any{"203.0.113.0/24"}, "direction": "INGRESS"})
		}
		add("google_logging_project_bucket_config", "audit", nil, map[string]any{"location": "asia-northeast1", "bucket_id": name + "-audit", "retention_days": 400, "locked": true})
		add("google_monitoring_uptime_check_config", "web", nil, map[string]any{"display_name": name + "-web", "period": "60s"})
		add("google_monitoring_alert_policy", "latency", nil, map[string]any{"display_name": name + " latency", "notification_channels": []any{"projects/kaiji-bench/notificationChannels/ops"}})
		add("google_project_iam_member", "viewer", nil, map[string]any{"role": "roles/viewer", "member": "group:" + name + "@example.jp"})
		add("google_compute_ssl_policy", "modern", nil, map[string]any{"name": name + "-modern", "profile": "MODERN", "min_tls_version": "TLS_1_2"})
		add("google_compute_target_https_proxy", "web", nil, map[string]any{"name": name + "-web", "ssl_certificates": []any{"projects/kaiji-bench/global/sslCertificates/" + name}})
		root.ChildModules = append(root.ChildModules, m)
	}
	add := func(typ, name string, index any, v map[string]any) {
		root.Resources = append(root.Resources, inst("", typ, name, index, v))
	}
	add("aws_guardduty_detector", "main", nil, map[string]any{"enable": true})
	add("aws_s3_bucket", "trail", nil, map[string]any{"bucket": "kaiji-bench-trail"})
	add("aws_cloudtrail", "main", nil, map[string]any{"name": "main", "s3_bucket_name": "kaiji-bench-trail", "is_multi_region_trail": true, "enable_log_file_validation": true})
	add("aws_iam_account_password_policy", "strict", nil, map[string]any{"minimum_password_length": 14, "max_password_age": 90})
	add("aws_ssm_patch_baseline", "linux", nil, map[string]any{"name": "linux", "approval_rule": []any{map[string]any{"approve_after_days": 7}}})
	add("azurerm_security_center_subscription_pricing", "servers", nil, map[string]any{"tier": "Standard", "resource_type": "VirtualMachines"})
	add("google_cloud_ids_endpoint", "ids", nil, map[string]any{"name": "ids", "location": "asia-northeast1-a", "severity": "INFORMATIONAL"})
	for j := 0; j < e.filler; j++ {
		add("aws_cloudwatch_log_group", "platform", j, map[string]any{"name": fmt.Sprintf("/platform/%d", j), "retention_in_days": 400})
	}
	type change struct {
		Address       string `json:"address"`
		ModuleAddress string `json:"module_address,omitempty"`
		Mode          string `json:"mode"`
		Type          string `json:"type"`
		Name          string `json:"name"`
		Index         any    `json:"index,omitempty"`
		ProviderName  string `json:"provider_name"`
		Change        struct {
			Actions         []string       `json:"actions"`
			Before          any            `json:"before"`
			After           map[string]any `json:"after"`
			AfterUnknown    map[string]any `json:"after_unknown"`
			BeforeSensitive bool           `json:"before_sensitive"`
			AfterSensitive  map[string]any `json:"after_sensitive"`
		} `json:"change"`
	}
	var changes []change
	var addChanges func(m *mod)
	addChanges = func(m *mod) {
		for _, r := range m.Resources {
			c := change{Address: r.Address, ModuleAddress: m.Address, Mode: r.Mode, Type: r.Type, Name: r.Name, Index: r.Index, ProviderName: r.ProviderName}
			c.Change.Actions = []string{"create"}
			c.Change.After = r.Values
			c.Change.AfterUnknown = map[string]any{"id": true}
			c.Change.AfterSensitive = map[string]any{}
			changes = append(changes, c)
		}
		for _, c := range m.ChildModules {
			addChanges(c)
		}
	}
	addChanges(root)
	// Terraform writes format_version first; the collector recognises a plan by its first bytes.
	doc := struct {
		FormatVersion    string         `json:"format_version"`
		TerraformVersion string         `json:"terraform_version"`
		PlannedValues    map[string]any `json:"planned_values"`
		ResourceChanges  []change       `json:"resource_changes"`
		Configuration    map[string]any `json:"configuration"`
	}{
		FormatVersion:    "1.2",
		TerraformVersion: "1.9.8",
		PlannedValues:    map[string]any{"root_module": root},
		ResourceChanges:  changes,
		Configuration: map[string]any{"provider_config": map[string]any{
			"aws":     map[string]any{"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws", "expressions": map[string]any{"region": map[string]any{"constant_value": "ap-northeast-1"}}},
			"azurerm": map[string]any{"name": "azurerm", "full_name": "registry.terraform.io/hashicorp/azurerm"},
			"google":  map[string]any{"name": "google", "full_name": "registry.terraform.io/hashicorp/google", "expressions": map[string]any{"region": map[string]any{"constant_value": "asia-northeast1"}}},
		}},
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.Create(p)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	enc.SetIndent("", " ")
	if err := enc.Encode(doc); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// ---- the disclosure sheet ----

// writeDisclosure writes a sheet with one claim for every key kaiji knows,
// as a service that fills in the whole sheet would publish it.
func writeDisclosure(p string) error {
	var sb strings.Builder
	sb.WriteString("# A disclosure sheet with a claim for every key (bench/gen).\napiVersion: kaiji/v1\nkind: Disclosure\nservice: ベンチマーク (synthetic)\nedition: asp-saas\npattern: 2\nclaims:\n")
	values := map[claims.ValueType]string{
		claims.TypeDuration: `"1d"`, claims.TypeCount: "2", claims.TypeBool: "true",
		claims.TypeTLS: `"1.2"`, claims.TypeLocation: "東日本", claims.TypeText: "インターネット",
	}
	for _, k := range claims.Keys() {
		item := 1
		if items := k.Items[claims.EditionASPSaaS]; len(items) > 0 {
			item = items[0]
		}
		v := values[k.Type]
		if k.Type == claims.TypeDuration && strings.Contains(k.Key, "retention") {
			v = `"1y"`
		}
		fmt.Fprintf(&sb, "  - item: %d\n    key: %s\n    value: %s\n", item, k.Key, v)
	}
	return writeFile(p, sb.String())
}
