provider "google" {
  project = "shop-prod"
  region  = "asia-northeast1"
}

resource "google_sql_database_instance" "orders" {
  name                = "orders"
  database_version    = "POSTGRES_16"
  region              = "asia-northeast1"
  encryption_key_name = "projects/shop-prod/locations/asia-northeast1/keyRings/db/cryptoKeys/orders"

  settings {
    tier              = "db-custom-2-7680"
    availability_type = "REGIONAL"
    user_labels = {
      service = "shop"
    }
    backup_configuration {
      enabled                        = true
      start_time                     = "18:00"
      point_in_time_recovery_enabled = true
      backup_retention_settings {
        retained_backups = 14
        retention_unit   = "COUNT"
      }
    }
    ip_configuration {
      ipv4_enabled = false
      ssl_mode     = "ENCRYPTED_ONLY"
    }
  }
}
