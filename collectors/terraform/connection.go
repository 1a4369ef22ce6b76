package terraform

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/kaiji-dev/kaiji/collectors"
)

// kindConnection is the connection kind of docs/facts.md: a line between
// the service and the outside (VPN, dedicated line).
const kindConnection collectors.Kind = "connection"

func init() {
	awsMappers["aws_dx_connection"] = mapConnection("dedicated", "bandwidth", "location")
	awsMappers["aws_vpn_connection"] = mapConnection("vpn", "", "customer_gateway_id")
	azureMappers["azurerm_express_route_circuit"] = mapConnection("dedicated", "bandwidth_in_mbps", "peering_location")
	azureMappers["azurerm_virtual_network_gateway_connection"] = mapAzureGatewayConnection
	googleMappers["google_compute_interconnect_attachment"] = mapConnection("dedicated", "bandwidth", "interconnect")
	googleMappers["google_compute_vpn_tunnel"] = mapConnection("vpn", "", "peer_ip")
}

// mapConnection builds a mapper for a line of the given type, reading its
// bandwidth and remote end from the named attributes.
func mapConnection(typ, bandwidthAttr, remoteAttr string) mapper {
	return func(m *module, r *resource) []*collectors.Fact {
		b := r.body
		f := newFact(r, kindConnection, "")
		set(f, "type", typ)
		if bandwidthAttr != "" {
			v := b.get(bandwidthAttr)
			switch {
			case v.known:
				if bps, ok := bandwidthBPS(v.v, bandwidthAttr); ok {
					set(f, "bandwidth_bps", bps)
					f.SetLine("bandwidth_bps", v.line)
				}
			case v.present:
				f.SetUnknown("bandwidth_bps")
			}
		}
		if s, ok := str(b, remoteAttr); ok {
			set(f, "remote", s)
		} else if a := b.attr(remoteAttr); a != nil {
			if refs := a.refs(); len(refs) > 0 {
				set(f, "remote", m.prefix+refs[0])
			}
		}
		if strings.HasPrefix(r.typ, "azurerm_") {
			azLocation(m, r, f)
		} else if strings.HasPrefix(r.typ, "google_") {
			gLocation(m, r, f)
		} else {
			location(m, r, f)
		}
		return []*collectors.Fact{f}
	}
}

func mapAzureGatewayConnection(m *module, r *resource) []*collectors.Fact {
	t, _ := str(r.body, "type")
	typ := "vpn"
	if t == "ExpressRoute" {
		typ = "dedicated"
	}
	return mapConnection(typ, "", "local_network_gateway_id")(m, r)
}

var bandwidthRe = regexp.MustCompile(`(?i)^(?:BPS_)?(\d+)\s*([MG])(?:bps)?$`)

// bandwidthBPS reads "1Gbps", "50Mbps", "BPS_10G" or a number of Mbps.
func bandwidthBPS(v any, attr string) (int64, bool) {
	if n, ok := asInt(v); ok && strings.HasSuffix(attr, "_in_mbps") {
		return n * 1_000_000, true
	}
	s, ok := asString(v)
	if !ok {
		return 0, false
	}
	mm := bandwidthRe.FindStringSubmatch(strings.TrimSpace(s))
	if mm == nil {
		return 0, false
	}
	n, err := strconv.ParseInt(mm[1], 10, 64)
	if err != nil {
		return 0, false
	}
	if strings.EqualFold(mm[2], "G") {
		return n * 1_000_000_000, true
	}
	return n * 1_000_000, true
}
