package terraform

import (
	"testing"

	"github.com/kaiji-dev/kaiji/collectors"
)

func TestGoogleMappers(t *testing.T) {
	t.Parallel()
	runMapperCases(t, []mapperCase{
		{
			name: "cloud sql backups and HA",
			src: `provider "google" {
  region = "asia-northeast1"
}
resource "google_sql_database_instance" "db" {
  database_version    = "POSTGRES_15"
  encryption_key_name = "projects/p/locations/l/keyRings/r/cryptoKeys/k"
  settings {
    availability_type = "REGIONAL"
    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = true
      backup_retention_settings {
        retained_backups = 14
      }
    }
    ip_configuration {
      ipv4_enabled = false
      ssl_mode     = "ENCRYPTED_ONLY"
    }
  }
}`,
			id: "google_sql_database_instance.db", kind: collectors.KindDatastore,
			want: map[string]any{"engine": "POSTGRES_15", "kms_key": true, "multi_az": true, "backup.enabled": true,
				"backup.generations": 14, "backup.interval_seconds": 86400, "public": false, "location.region": "asia-northeast1"},
		},
		{
			name: "cloud sql defaults",
			src: `resource "google_sql_database_instance" "db" {
  region = "asia-northeast2"
  settings {
    tier = "db-f1-micro"
  }
}`,
			id: "google_sql_database_instance.db", kind: collectors.KindDatastore,
			want: map[string]any{"backup.enabled": false, "multi_az": false, "public": true, "location.region": "asia-northeast2"},
		},
		{
			name: "cloud sql endpoint TLS",
			src: `resource "google_sql_database_instance" "db" {
  region = "asia-northeast1"
  settings {
    ip_configuration {
      ssl_mode = "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"
      authorized_networks {
        value = "0.0.0.0/0"
      }
    }
  }
}`,
			id: "google_sql_database_instance.db#endpoint", kind: collectors.KindEndpoint,
			want: map[string]any{"tls": true, "client_certificate": true},
		},
		{
			name: "cloud sql authorized network",
			src: `resource "google_sql_database_instance" "db" {
  region = "asia-northeast1"
  settings {
    ip_configuration {
      authorized_networks {
        value = "0.0.0.0/0"
      }
    }
  }
}`,
			id: "google_sql_database_instance.db.authorized_networks[0]", kind: collectors.KindFirewallRule,
			want: map[string]any{"internet_exposed": true},
		},
		{
			name: "bucket with lock",
			src: `resource "google_storage_bucket" "b" {
  name     = "logs"
  location = "ASIA"
  versioning {
    enabled = true
  }
  retention_policy {
    is_locked        = true
    retention_period = 86400
  }
  public_access_prevention = "enforced"
}`,
			id: "google_storage_bucket.b", kind: collectors.KindDatastore,
			want: map[string]any{"versioning": true, "object_lock": true, "public": false, "location.region": "asia", "cross_region_replica": true},
		},
		{
			name: "regional disk with CMEK",
			src: `resource "google_compute_region_disk" "d" {
  region = "asia-northeast1"
  disk_encryption_key {
    kms_key_name = "k"
  }
}`,
			id: "google_compute_region_disk.d", kind: collectors.KindDatastore,
			want: map[string]any{"kms_key": true, "multi_az": true, "location.region": "asia-northeast1"},
		},
		{
			name: "zonal disk region",
			src:  `resource "google_compute_disk" "d" { zone = "asia-northeast1-b" }`,
			id:   "google_compute_disk.d", kind: collectors.KindDatastore,
			want: map[string]any{"location.region": "asia-northeast1", "multi_az": false},
		},
		{
			name: "snapshot schedule daily",
			src: `resource "google_compute_resource_policy" "daily" {
  name   = "daily"
  region = "asia-northeast1"
  snapshot_schedule_policy {
    schedule {
      daily_schedule {
        days_in_cycle = 1
        start_time    = "04:00"
      }
    }
    retention_policy {
      max_retention_days = 7
    }
    snapshot_properties {
      storage_locations = ["asia-northeast2"]
    }
  }
}
resource "google_compute_disk" "d" {
  zone              = "asia-northeast1-a"
  resource_policies = [google_compute_resource_policy.daily.id]
}`,
			id: "google_compute_resource_policy.daily", kind: collectors.KindBackup,
			want: map[string]any{"interval_seconds": 86400, "retention_seconds": 7 * 86400, "generations": 7,
				"copy_destinations": []any{"asia-northeast2"}, "targets": []any{"google_compute_disk.d"}},
		},
		{
			name: "snapshot schedule weekly",
			src: `resource "google_compute_resource_policy" "w" {
  snapshot_schedule_policy {
    schedule {
      weekly_schedule {
        day_of_weeks {
          day        = "MONDAY"
          start_time = "04:00"
        }
        day_of_weeks {
          day        = "THURSDAY"
          start_time = "04:00"
        }
      }
    }
    retention_policy {
      max_retention_days = 28
    }
  }
}`,
			id: "google_compute_resource_policy.w", kind: collectors.KindBackup,
			want: map[string]any{"interval_seconds": 4 * 86400, "generations": 7},
		},
		{
			name: "firewall open ssh",
			src: `resource "google_compute_firewall" "ssh" {
  network = "default"
  allow {
    protocol = "tcp"
    ports    = ["22", "3389"]
  }
  source_ranges = ["0.0.0.0/0"]
}`,
			id: "google_compute_firewall.ssh.allow[0]", kind: collectors.KindFirewallRule,
			want: map[string]any{"direction": "ingress", "action": "allow", "from_port": 22, "to_port": 3389, "internet_exposed": true},
		},
		{
			name: "firewall deny all",
			src: `resource "google_compute_firewall" "deny" {
  deny {
    protocol = "all"
  }
  source_ranges = ["0.0.0.0/0"]
}`,
			id: "google_compute_firewall.deny.deny[0]", kind: collectors.KindFirewallRule,
			want: map[string]any{"action": "deny", "protocol": "all", "internet_exposed": false, "from_port": 0, "to_port": 65535},
		},
		{
			name: "log bucket locked",
			src: `resource "google_logging_project_bucket_config" "b" {
  location       = "asia-northeast1"
  bucket_id      = "audit"
  retention_days = 400
  locked         = true
}`,
			id: "google_logging_project_bucket_config.b", kind: collectors.KindLog,
			want: map[string]any{"retention_seconds": 400 * 86400, "tamper_protection": true, "tamper_mechanism": "bucket_lock"},
		},
		{
			name: "https proxy with policy",
			src: `resource "google_compute_ssl_policy" "modern" {
  name            = "modern"
  min_tls_version = "TLS_1_2"
}
resource "google_compute_target_https_proxy" "p" {
  ssl_certificates = ["c"]
  ssl_policy       = google_compute_ssl_policy.modern.id
}`,
			id: "google_compute_target_https_proxy.p", kind: collectors.KindEndpoint,
			want: map[string]any{"min_tls_version": "1.2", "tls_policy": "modern", "certificate": true},
		},
		{
			name: "https proxy without policy",
			src:  `resource "google_compute_target_https_proxy" "p" { ssl_certificates = ["c"] }`,
			id:   "google_compute_target_https_proxy.p", kind: collectors.KindEndpoint,
			want: map[string]any{"min_tls_version": "1.0"},
		},
		{
			name: "uptime check",
			src: `resource "google_monitoring_uptime_check_config" "u" {
  period = "60s"
}`,
			id: "google_monitoring_uptime_check_config.u", kind: collectors.KindMonitor,
			want: map[string]any{"check": "uptime", "interval_seconds": 60},
		},
		{
			name: "cloud ids",
			src:  `resource "google_cloud_ids_endpoint" "i" { location = "asia-northeast1-a" }`,
			id:   "google_cloud_ids_endpoint.i", kind: collectors.KindDetection,
			want: map[string]any{"service": "cloud_ids", "intrusion_detection": true, "location.region": "asia-northeast1"},
		},
		{
			name: "owner binding",
			src: `resource "google_project_iam_member" "o" {
  role   = "roles/owner"
  member = "user:a@example.com"
}`,
			id: "google_project_iam_member.o", kind: collectors.KindIdentity,
			want: map[string]any{"admin": true, "subject": "user:a@example.com"},
		},
		{
			name: "gke release channel",
			src: `resource "google_container_cluster" "c" {
  location = "asia-northeast1"
  release_channel {
    channel = "STABLE"
  }
}`,
			id: "google_container_cluster.c", kind: collectors.KindPatching,
			want: map[string]any{"auto_update": true, "channel": "STABLE"},
		},
		{
			name: "instance boot disk with CMEK",
			src: `resource "google_compute_instance" "vm" {
  zone = "asia-northeast1-a"
  boot_disk {
    kms_key_self_link = "projects/p/locations/l/keyRings/r/cryptoKeys/k"
  }
}`,
			id: "google_compute_instance.vm.boot_disk", kind: collectors.KindDatastore,
			want: map[string]any{"kms_key": true, "encrypted_at_rest": true, "location.region": "asia-northeast1"},
		},
		{
			name: "security command center",
			src:  `resource "google_scc_notification_config" "n" { config_id = "n" }`,
			id:   "google_scc_notification_config.n", kind: collectors.KindDetection,
			want: map[string]any{"service": "security_command_center", "enabled": true},
		},
		{
			name: "backup dr plan",
			src: `resource "google_backup_dr_backup_plan" "p" {
  location = "asia-northeast1"
  backup_rules {
    rule_id               = "daily"
    backup_retention_days = 30
    standard_schedule {
      recurrence_type = "DAILY"
    }
  }
}`,
			id: `google_backup_dr_backup_plan.p.backup_rules["daily"]`, kind: collectors.KindBackup,
			want: map[string]any{"interval_seconds": 86400, "generations": 30},
		},
	})
}
