package terraform

import (
	"strings"

	"github.com/kaiji-dev/kaiji/collectors"
)

// Mappers for services that are often fronting or watching a workload:
// Azure Firewall, Application Gateway, Front Door, activity log alerts and
// Google Security Command Center.

func init() {
	azureMappers["azurerm_firewall_policy"] = mapAzureFirewallPolicy
	azureMappers["azurerm_application_gateway"] = mapAzureAppGateway
	azureMappers["azurerm_cdn_frontdoor_custom_domain"] = mapAzureFrontDoorDomain
	azureMappers["azurerm_monitor_activity_log_alert"] = mapAzureActivityLogAlert
	for _, typ := range []string{"google_scc_notification_config", "google_scc_v2_organization_notification_config",
		"google_scc_organization_custom_module", "google_scc_project_custom_module",
		"google_scc_management_organization_security_health_analytics_custom_module",
		"google_scc_management_project_security_health_analytics_custom_module"} {
		googleMappers[typ] = mapGoogleSCC
	}
}

func mapAzureFirewallPolicy(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindDetection, "")
	set(f, "service", "azure_firewall")
	set(f, "enabled", true)
	set(f, "managed", true)
	ids := b.child("intrusion_detection")
	mode, ok := str(ids, "mode")
	switch {
	case ids == nil:
		set(f, "intrusion_detection", false) // IDPS needs the Premium SKU and an intrusion_detection block
	case ok:
		set(f, "intrusion_detection", mode != "Off")
		set(f, "mode", map[string]string{"Alert": "alert", "Deny": "deny", "Off": "off"}[mode])
		f.SetLine("intrusion_detection", ids.get("mode").line)
	default:
		f.SetUnknown("intrusion_detection")
	}
	azLocation(m, r, f)
	return []*collectors.Fact{f}
}

// appGatewayTLS maps Application Gateway predefined SSL policies to their minimum TLS version.
var appGatewayTLS = map[string]string{
	"AppGwSslPolicy20150501": "1.0", "AppGwSslPolicy20170401": "1.1", "AppGwSslPolicy20170401S": "1.2",
	"AppGwSslPolicy20220101": "1.2", "AppGwSslPolicy20220101S": "1.2",
}

func mapAzureAppGateway(m *module, r *resource) []*collectors.Fact {
	b := r.body
	var out []*collectors.Fact
	sp := b.child("ssl_policy")
	for _, l := range b.children("http_listener") {
		name, _ := str(l, "name")
		f := blockFact(r, l, collectors.KindEndpoint, r.addr+".http_listener["+quote(name)+"]")
		proto, ok := str(l, "protocol")
		if !ok {
			f.SetUnknown("protocol")
		} else {
			set(f, "protocol", strings.ToLower(proto))
			set(f, "tls", strings.EqualFold(proto, "Https"))
		}
		if f.Attrs["tls"] == true {
			present(f, "certificate", l, "ssl_certificate_name")
			switch {
			case sp == nil:
				set(f, "min_tls_version", "1.2") // AppGwSslPolicy20220101 is the default since 2023
			case sp.get("min_protocol_version").known:
				v, _ := str(sp, "min_protocol_version")
				if t, ok := tlsVersion(strings.TrimPrefix(v, "TLSv")); ok {
					set(f, "min_tls_version", t)
				}
			case sp.get("policy_name").known:
				p, _ := str(sp, "policy_name")
				set(f, "tls_policy", p)
				if t := appGatewayTLS[p]; t != "" {
					set(f, "min_tls_version", t)
				} else {
					f.SetUnknown("min_tls_version")
				}
			default:
				f.SetUnknown("min_tls_version")
			}
		}
		f.SetUnknown("public")
		azLocation(m, r, f)
		out = append(out, f)
	}
	return out
}

func quote(s string) string { return `"` + s + `"` }

func mapAzureFrontDoorDomain(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindEndpoint, "")
	set(f, "protocol", "https")
	set(f, "tls", true)
	set(f, "public", true)
	set(f, "certificate", true)
	minTLS(f, b.child("tls"), "minimum_tls_version", "1.2")
	set(f, "location.provider", "azure")
	set(f, "location.region", "global")
	return []*collectors.Fact{f}
}

func mapAzureActivityLogAlert(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindMonitor, "")
	set(f, "check", "health_check")
	if c := b.child("criteria"); c != nil {
		read(f, "target", c, "category", toString, absentOmit, nil)
	}
	set(f, "notification", len(b.children("action")) > 0)
	read(f, "enabled", b, "enabled", toBool, absentDefault, true)
	regionOf(m, r, f, azureRegion, "location")
	return []*collectors.Fact{f}
}

func mapGoogleSCC(m *module, r *resource) []*collectors.Fact {
	f := newFact(r, collectors.KindDetection, "")
	set(f, "service", "security_command_center")
	set(f, "enabled", true)
	set(f, "managed", true)
	set(f, "vulnerability_scanning", true) // Security Health Analytics runs with SCC
	set(f, "location.provider", "gcp")
	set(f, "location.region", "global")
	return []*collectors.Fact{f}
}

func init() {
	azureMappers["azurerm_linux_virtual_machine"] = mapAzureVMDisk
	azureMappers["azurerm_windows_virtual_machine"] = mapAzureVMDisk
	googleMappers["google_compute_instance"] = mapGoogleInstanceDisk
}

// mapAzureVMDisk reads a virtual machine's OS disk: encrypted at rest by the
// platform, with a customer key through a disk encryption set.
func mapAzureVMDisk(m *module, r *resource) []*collectors.Fact {
	od := r.body.child("os_disk")
	if od == nil {
		return nil
	}
	f := blockFact(r, od, collectors.KindDatastore, r.addr+".os_disk")
	set(f, "class", "block_storage")
	set(f, "encrypted_at_rest", true)
	set(f, "encryption", "platform_default")
	present(f, "kms_key", od, "disk_encryption_set_id", "secure_vm_disk_encryption_set_id")
	if zone, ok := str(r.body, "zone"); ok && zone != "" {
		set(f, "zones", 1)
	}
	set(f, "multi_az", false)
	azLocation(m, r, f)
	return []*collectors.Fact{f}
}

// mapGoogleInstanceDisk reads a Compute Engine instance's boot disk.
func mapGoogleInstanceDisk(m *module, r *resource) []*collectors.Fact {
	bd := r.body.child("boot_disk")
	if bd == nil {
		return nil
	}
	f := blockFact(r, bd, collectors.KindDatastore, r.addr+".boot_disk")
	set(f, "class", "block_storage")
	set(f, "encrypted_at_rest", true)
	set(f, "encryption", "platform_default")
	present(f, "kms_key", bd, "kms_key_self_link", "disk_encryption_key_raw", "disk_encryption_key_rsa")
	set(f, "multi_az", false)
	regionOf(m, r, f, zoneRegion, "zone")
	return []*collectors.Fact{f}
}
