package claims

// keys is the claim vocabulary the built-in policies understand; each key
// is evaluated by a package under policies/claims that lists it in its keys. Item
// numbers follow ../catalog: iot-asp-saas (seed 000) and asp-saas (seed 002).
var keys = []KeyInfo{
	{Key: "backup.interval", Type: TypeDuration, Items: items(53, 54), En: "user data is backed up at least this often"},
	{Key: "backup.generations", Type: TypeCount, Items: items(53, 54), En: "at least this many backup generations are kept"},
	{Key: "encryption.at_rest", Type: TypeBool, Items: items(66, 67), En: "databases and storage are encrypted at rest"},
	{Key: "log.retention", Type: TypeDuration, Items: items(64, 65), En: "logs are kept at least this long"},
	{Key: "firewall.enabled", Type: TypeBool, Items: items(71, 71), En: "a firewall restricts access from the internet"},
	{Key: "network.tls_min_version", Type: TypeTLS, Items: items(77, 76), En: "external connections use at least this TLS version"},
	{Key: "location.data", Type: TypeLocation, Items: items(97, 82), En: "data is stored in this country / region block"},
}

func items(iot, asp int) map[string][]int {
	return map[string][]int{EditionIoT: {iot}, EditionASPSaaS: {asp}}
}
