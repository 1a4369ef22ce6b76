package terraform

import (
	"testing"

	"github.com/kaiji-dev/kaiji/collectors"
)

func TestAzureMappers(t *testing.T) {
	t.Parallel()
	runMapperCases(t, []mapperCase{
		{
			name: "storage account defaults",
			src: `resource "azurerm_storage_account" "sa" {
  name                     = "kaijisa"
  location                 = "Japan East"
  account_replication_type = "GRS"
}`,
			id: "azurerm_storage_account.sa", kind: collectors.KindDatastore,
			want: map[string]any{"class": "object_storage", "encrypted_at_rest": true, "encryption": "platform_default",
				"cross_region_replica": true, "multi_az": false, "public": true, "location.region": "japaneast", "kms_key": isAbsent},
		},
		{
			name: "storage account endpoint with old TLS",
			src: `resource "azurerm_storage_account" "sa" {
  location        = "japanwest"
  min_tls_version = "TLS1_0"
  https_traffic_only_enabled = false
}`,
			id: "azurerm_storage_account.sa#endpoint", kind: collectors.KindEndpoint,
			want: map[string]any{"min_tls_version": "1.0", "tls": false, "protocol": "http", "location.region": "japanwest"},
		},
		{
			name: "storage account with CMK and ZRS",
			src: `resource "azurerm_storage_account" "sa" {
  location                 = "japaneast"
  account_replication_type = "ZRS"
  customer_managed_key {
    key_vault_key_id = "https://vault/keys/k"
  }
  blob_properties {
    versioning_enabled = true
  }
}`,
			id: "azurerm_storage_account.sa", kind: collectors.KindDatastore,
			want: map[string]any{"kms_key": true, "multi_az": true, "zones": 3, "versioning": true, "cross_region_replica": false},
		},
		{
			name: "storage account firewall",
			src: `resource "azurerm_storage_account" "sa" {
  location = "japaneast"
  network_rules {
    default_action = "Deny"
    ip_rules       = ["203.0.113.0/24"]
  }
}`,
			id: "azurerm_storage_account.sa", kind: collectors.KindDatastore,
			want: map[string]any{"public": false, "ip_restricted": true},
		},
		{
			name: "mssql database retention",
			src: `resource "azurerm_mssql_server" "s" {
  location = "Japan East"
}
resource "azurerm_mssql_database" "db" {
  server_id = azurerm_mssql_server.s.id
  short_term_retention_policy {
    retention_days           = 14
    backup_interval_in_hours = 24
  }
}`,
			id: "azurerm_mssql_database.db", kind: collectors.KindDatastore,
			want: map[string]any{"encrypted_at_rest": true, "backup.retention_seconds": 14 * 86400, "backup.interval_seconds": 86400,
				"backup.generations": 14, "location.region": "japaneast"},
		},
		{
			name: "mssql server TLS",
			src:  `resource "azurerm_mssql_server" "s" { location = "japaneast" }`,
			id:   "azurerm_mssql_server.s", kind: collectors.KindEndpoint,
			want: map[string]any{"min_tls_version": "1.2", "public": true},
		},
		{
			name: "postgres flexible server",
			src: `resource "azurerm_postgresql_flexible_server" "pg" {
  location                     = "japaneast"
  backup_retention_days        = 35
  geo_redundant_backup_enabled = true
  high_availability {
    mode = "ZoneRedundant"
  }
}`,
			id: "azurerm_postgresql_flexible_server.pg", kind: collectors.KindDatastore,
			want: map[string]any{"engine": "postgresql", "backup.generations": 35, "cross_region_replica": true, "multi_az": true},
		},
		{
			name: "backup policy vm daily",
			src: `resource "azurerm_recovery_services_vault" "v" {
  location     = "japaneast"
  immutability = "Locked"
}
resource "azurerm_backup_policy_vm" "p" {
  name                = "daily"
  recovery_vault_name = azurerm_recovery_services_vault.v.name
  backup {
    frequency = "Daily"
    time      = "23:00"
  }
  retention_daily {
    count = 10
  }
}
resource "azurerm_linux_virtual_machine" "vm" {
  location = "japaneast"
}
resource "azurerm_backup_protected_vm" "pv" {
  source_vm_id     = azurerm_linux_virtual_machine.vm.id
  backup_policy_id = azurerm_backup_policy_vm.p.id
}`,
			id: "azurerm_backup_policy_vm.p", kind: collectors.KindBackup,
			want: map[string]any{"schedule": "Daily 23:00", "interval_seconds": 86400, "retention_seconds": 10 * 86400,
				"generations": 10, "immutable": true, "copy_destinations": []any{"azure:paired-region"},
				"targets": []any{"azurerm_linux_virtual_machine.vm"}},
		},
		{
			name: "backup policy hourly",
			src: `resource "azurerm_backup_policy_vm" "p" {
  policy_type = "V2"
  backup {
    frequency     = "Hourly"
    hour_interval = 4
    time          = "00:00"
  }
  retention_daily {
    count = 7
  }
}`,
			id: "azurerm_backup_policy_vm.p", kind: collectors.KindBackup,
			want: map[string]any{"interval_seconds": 4 * 3600, "generations": 42},
		},
		{
			name: "recovery vault default geo",
			src:  `resource "azurerm_recovery_services_vault" "v" { location = "japaneast" }`,
			id:   "azurerm_recovery_services_vault.v", kind: collectors.KindDR,
			want: map[string]any{"cross_region": true, "immutable": false},
		},
		{
			name: "nsg inline rule from internet",
			src: `resource "azurerm_network_security_group" "nsg" {
  location = "japaneast"
  security_rule {
    name                       = "ssh"
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    destination_port_range     = "22"
    source_address_prefix      = "Internet"
  }
}`,
			id: "azurerm_network_security_group.nsg.security_rule[0]", kind: collectors.KindFirewallRule,
			want: map[string]any{"direction": "ingress", "action": "allow", "protocol": "tcp", "from_port": 22, "to_port": 22,
				"internet_exposed": true, "sources": []any{"Internet"}},
		},
		{
			name: "nsg rule resource with ranges",
			src: `resource "azurerm_network_security_group" "nsg" { location = "japaneast" }
resource "azurerm_network_security_rule" "web" {
  network_security_group_name = azurerm_network_security_group.nsg.name
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "*"
  destination_port_ranges     = ["80", "443"]
  source_address_prefixes     = ["10.0.0.0/8"]
}`,
			id: "azurerm_network_security_rule.web", kind: collectors.KindFirewallRule,
			want: map[string]any{"protocol": "all", "from_port": 80, "to_port": 443, "internet_exposed": false,
				"group": "azurerm_network_security_group.nsg", "location.region": "japaneast"},
		},
		{
			name: "log analytics default retention",
			src:  `resource "azurerm_log_analytics_workspace" "l" { location = "japaneast" }`,
			id:   "azurerm_log_analytics_workspace.l", kind: collectors.KindLog,
			want: map[string]any{"retention_seconds": 30 * 86400, "store": "log_analytics"},
		},
		{
			name: "web app",
			src: `resource "azurerm_linux_web_app" "a" {
  location   = "japaneast"
  https_only = true
  site_config {
    minimum_tls_version = "1.1"
  }
}`,
			id: "azurerm_linux_web_app.a", kind: collectors.KindEndpoint,
			want: map[string]any{"redirects_to_tls": true, "min_tls_version": "1.1"},
		},
		{
			name: "defender for servers",
			src: `resource "azurerm_security_center_subscription_pricing" "vm" {
  tier          = "Standard"
  resource_type = "VirtualMachines"
}`,
			id: "azurerm_security_center_subscription_pricing.vm", kind: collectors.KindDetection,
			want: map[string]any{"service": "defender", "enabled": true, "malware_protection": true},
		},
		{
			name: "metric alert",
			src: `resource "azurerm_monitor_metric_alert" "a" {
  frequency = "PT5M"
  action {
    action_group_id = "x"
  }
}`,
			id: "azurerm_monitor_metric_alert.a", kind: collectors.KindMonitor,
			want: map[string]any{"interval_seconds": 300, "notification": true},
		},
		{
			name: "owner role assignment",
			src:  `resource "azurerm_role_assignment" "o" { role_definition_name = "Owner" }`,
			id:   "azurerm_role_assignment.o", kind: collectors.KindIdentity,
			want: map[string]any{"admin": true, "role": "Owner"},
		},
		{
			name: "iot hub",
			src: `resource "azurerm_iothub" "h" {
  location        = "japaneast"
  min_tls_version = "1.2"
}`,
			id: "azurerm_iothub.h", kind: collectors.KindEndpoint,
			want: map[string]any{"protocol": "mqtt", "min_tls_version": "1.2"},
		},
		{
			name: "dps certificate",
			src:  `resource "azurerm_iothub_dps_certificate" "c" { name = "c" }`,
			id:   "azurerm_iothub_dps_certificate.c", kind: collectors.KindDeviceAuth,
			want: map[string]any{"method": "x509", "certificate": true},
		},
		{
			name: "express route",
			src: `resource "azurerm_express_route_circuit" "er" {
  location          = "japaneast"
  bandwidth_in_mbps = 1000
  peering_location  = "Tokyo"
}`,
			id: "azurerm_express_route_circuit.er", kind: kindConnection,
			want: map[string]any{"type": "dedicated", "bandwidth_bps": 1_000_000_000, "remote": "Tokyo"},
		},
		{
			name: "firewall policy IDPS",
			src: `resource "azurerm_firewall_policy" "p" {
  location = "japaneast"
  sku      = "Premium"
  intrusion_detection {
    mode = "Deny"
  }
}`,
			id: "azurerm_firewall_policy.p", kind: collectors.KindDetection,
			want: map[string]any{"intrusion_detection": true, "mode": "deny"},
		},
		{
			name: "application gateway listener",
			src: `resource "azurerm_application_gateway" "g" {
  location = "japaneast"
  ssl_policy {
    policy_type = "Predefined"
    policy_name = "AppGwSslPolicy20150501"
  }
  http_listener {
    name                 = "https"
    protocol             = "Https"
    ssl_certificate_name = "web"
  }
}`,
			id: `azurerm_application_gateway.g.http_listener["https"]`, kind: collectors.KindEndpoint,
			want: map[string]any{"min_tls_version": "1.0", "certificate": true, "tls": true},
		},
		{
			name: "front door domain",
			src:  `resource "azurerm_cdn_frontdoor_custom_domain" "d" { host_name = "x.example.jp" }`,
			id:   "azurerm_cdn_frontdoor_custom_domain.d", kind: collectors.KindEndpoint,
			want: map[string]any{"min_tls_version": "1.2"},
		},
		{
			name: "location unknown from variable",
			src: `variable "loc" {}
resource "azurerm_log_analytics_workspace" "l" { location = var.loc }`,
			id: "azurerm_log_analytics_workspace.l", kind: collectors.KindLog,
			want: map[string]any{"location.region": isUnknown},
		},
	})
}
