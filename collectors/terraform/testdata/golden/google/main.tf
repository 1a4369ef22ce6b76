provider "google" {
  project = "kaiji-demo"
  region  = "asia-northeast1"
}

resource "google_sql_database_instance" "db" {
  database_version = "POSTGRES_15"
  settings {
    tier              = "db-custom-2-7680"
    availability_type = "REGIONAL"
    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = true
      backup_retention_settings {
        retained_backups = 30
      }
    }
    ip_configuration {
      ipv4_enabled = false
      ssl_mode     = "ENCRYPTED_ONLY"
    }
  }
}

resource "google_storage_bucket" "audit" {
  name     = "kaiji-audit"
  location = "ASIA-NORTHEAST1"
  retention_policy {
    is_locked        = true
    retention_period = 34560000
  }
  public_access_prevention = "enforced"
}

resource "google_compute_resource_policy" "daily" {
  name = "daily"
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
  zone              = "asia-northeast1-b"
  resource_policies = [google_compute_resource_policy.daily.id]
}

resource "google_compute_firewall" "ssh" {
  name    = "ssh"
  network = "default"
  allow {
    protocol = "tcp"
    ports    = ["22"]
  }
  source_ranges = ["35.235.240.0/20"]
}

resource "google_logging_project_bucket_config" "audit" {
  project        = "kaiji-demo"
  location       = "asia-northeast1"
  bucket_id      = "audit"
  retention_days = 400
  locked         = true
}

resource "google_compute_ssl_policy" "modern" {
  name            = "modern"
  profile         = "MODERN"
  min_tls_version = "TLS_1_2"
}

resource "google_compute_target_https_proxy" "web" {
  ssl_certificates = ["projects/kaiji-demo/global/sslCertificates/web"]
  ssl_policy       = google_compute_ssl_policy.modern.id
}

resource "google_monitoring_uptime_check_config" "web" {
  display_name = "web"
  period       = "60s"
}

resource "google_cloud_ids_endpoint" "ids" {
  location = "asia-northeast1-a"
  severity = "INFORMATIONAL"
}

resource "google_container_cluster" "gke" {
  location = "asia-northeast1"
  release_channel {
    channel = "REGULAR"
  }
}
