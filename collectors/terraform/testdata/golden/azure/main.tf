provider "azurerm" {
  features {}
}

variable "location" {
  default = "Japan East"
}

resource "azurerm_storage_account" "data" {
  name                     = "kaijidata"
  location                 = var.location
  account_replication_type = "RAGRS"
  min_tls_version          = "TLS1_2"
  blob_properties {
    versioning_enabled = true
  }
}

resource "azurerm_mssql_server" "sql" {
  location            = var.location
  minimum_tls_version = "1.2"
}

resource "azurerm_mssql_database" "app" {
  server_id = azurerm_mssql_server.sql.id
  short_term_retention_policy {
    retention_days = 14
  }
}

resource "azurerm_recovery_services_vault" "vault" {
  location     = "Japan West"
  immutability = "Locked"
}

resource "azurerm_backup_policy_vm" "daily" {
  name                = "daily"
  recovery_vault_name = azurerm_recovery_services_vault.vault.name
  backup {
    frequency = "Daily"
    time      = "23:00"
  }
  retention_daily {
    count = 14
  }
}

resource "azurerm_linux_virtual_machine" "app" {
  location = var.location
}

resource "azurerm_backup_protected_vm" "app" {
  source_vm_id     = azurerm_linux_virtual_machine.app.id
  backup_policy_id = azurerm_backup_policy_vm.daily.id
}

resource "azurerm_network_security_group" "web" {
  location = var.location
  security_rule {
    name                   = "https"
    direction              = "Inbound"
    access                 = "Allow"
    protocol               = "Tcp"
    destination_port_range = "443"
    source_address_prefix  = "Internet"
  }
}

resource "azurerm_network_security_rule" "rdp" {
  network_security_group_name = azurerm_network_security_group.web.name
  direction                   = "Inbound"
  access                      = "Deny"
  protocol                    = "*"
  destination_port_range      = "3389"
  source_address_prefix       = "*"
}

resource "azurerm_log_analytics_workspace" "logs" {
  location          = var.location
  retention_in_days = 365
}

resource "azurerm_security_center_subscription_pricing" "servers" {
  tier          = "Standard"
  resource_type = "VirtualMachines"
}

resource "azurerm_role_assignment" "owner" {
  role_definition_name = "Owner"
  principal_id         = "00000000-0000-0000-0000-000000000000"
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000"
}

resource "azurerm_iothub" "hub" {
  location        = var.location
  min_tls_version = "1.2"
}
