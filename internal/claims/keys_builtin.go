package claims

// keys is the claim vocabulary the built-in policies understand; each key
// is evaluated by a package under policies/claims that lists it in its keys,
// or is listed in policies/data/not_checkable.yaml. Item numbers follow
// ../catalog: iot-asp-saas (seed 000) and asp-saas (seed 002); an item the
// asp-saas edition lacks has no number there.
var keys = []KeyInfo{
	// Service quality.
	{Key: "backup.interval", Type: TypeDuration, Items: items(53, 54), En: "user data is backed up at least this often"},
	{Key: "backup.generations", Type: TypeCount, Items: items(53, 54), En: "at least this many backup generations are kept"},
	{Key: "service.redundancy", Type: TypeBool, Items: items(54, 55), En: "the service runs redundantly (several copies or zones)"},
	{Key: "dr.enabled", Type: TypeBool, Items: items(54, 55), En: "data has a copy in another region for disaster recovery"},
	{Key: "performance.autoscaling", Type: TypeBool, Items: map[string][]int{EditionIoT: {50, 68}, EditionASPSaaS: {49}}, En: "capacity follows load automatically (autoscaling)"},

	// Security.
	{Key: "monitoring.liveness", Type: TypeBool, Items: items(59, 60), En: "the service is monitored for liveness"},
	{Key: "monitoring.liveness_interval", Type: TypeDuration, Items: items(59, 60), En: "liveness is checked at least this often"},
	{Key: "time_sync.enabled", Type: TypeBool, Items: items(60, 61), En: "server clocks are synchronised with time servers"},
	{Key: "antivirus.enabled", Type: TypeBool, Items: items(61, 62), En: "anti-virus / anti-malware protection is in place"},
	{Key: "admin.restricted", Type: TypeBool, Items: items(62, 63), En: "administrator rights are restricted (MFA or source address)"},
	{Key: "password.min_length", Type: TypeCount, Items: items(63, 64), En: "passwords have at least this many characters"},
	{Key: "password.max_age", Type: TypeDuration, Items: items(63, 64), En: "passwords are changed at least this often"},
	{Key: "auth.mfa", Type: TypeBool, Items: map[string][]int{EditionIoT: {63, 74}, EditionASPSaaS: {64, 74}}, En: "sign-in requires multi-factor authentication"},
	{Key: "auth.ip_restriction", Type: TypeBool, Items: items(74, 74), En: "sign-in is limited to allowed source addresses"},
	{Key: "log.retention", Type: TypeDuration, Items: items(64, 65), En: "logs are kept at least this long"},
	{Key: "log.user_activity", Type: TypeBool, Items: items(64, 65), En: "user-activity (access, audit) logs are collected"},
	{Key: "log.system", Type: TypeBool, Items: items(64, 65), En: "system and security logs are collected"},
	{Key: "log.tamper_protection", Type: TypeBool, Items: items(64, 65), En: "logs are protected against tampering"},
	{Key: "patch.auto_update", Type: TypeBool, Items: items(65, 66), En: "security patches are applied automatically"},
	{Key: "patch.within", Type: TypeDuration, Items: items(65, 66), En: "patches are applied within this time of release"},
	{Key: "encryption.at_rest", Type: TypeBool, Items: items(66, 67), En: "databases and storage are encrypted at rest"},

	// Network.
	{Key: "network.line", Type: TypeText, Items: items(69, 69), En: "the center-side lines used (インターネット, VPN, 専用線)"},
	{Key: "firewall.enabled", Type: TypeBool, Items: items(71, 71), En: "a firewall restricts access from the internet"},
	{Key: "ids.enabled", Type: TypeBool, Items: items(72, 72), En: "intrusion detection is in place"},
	{Key: "iot.device_certificate", Type: TypeBool, Items: map[string][]int{EditionIoT: {75}}, En: "IoT devices authenticate with certificates"},
	{Key: "network.server_certificate", Type: TypeBool, Items: items(76, 75), En: "servers prove their identity with certificates (anti-spoofing)"},
	{Key: "network.tls_min_version", Type: TypeTLS, Items: items(77, 76), En: "external connections use at least this TLS version"},

	// Housing.
	{Key: "location.data", Type: TypeLocation, Items: items(97, 82), En: "data is stored in this country / region block"},

	// Not checkable: policies/data/not_checkable.yaml gives the reasons;
	// any value is accepted as written.
	{Key: "company.profile", Type: TypeText, Items: items(2, 2), En: "company facts (name, founding, offices, officers)"},
	{Key: "company.finance", Type: TypeText, Items: items(9, 9), En: "financial figures"},
	{Key: "company.employees", Type: TypeText, Items: items(8, 8), En: "number of employees"},
	{Key: "company.customers", Type: TypeText, Items: items(57, 58), En: "number of customers"},
	{Key: "company.awards", Type: TypeText, Items: items(55, 56), En: "awards"},
	{Key: "security.organization", Type: TypeText, Items: items(22, 22), En: "security organisation"},
	{Key: "security.training", Type: TypeText, Items: items(25, 25), En: "staff security training"},
	{Key: "security.nda", Type: TypeText, Items: items(24, 24), En: "confidentiality agreements"},
	{Key: "policy.documents", Type: TypeText, Items: items(29, 29), En: "security rules and policies are written down"},
	{Key: "certification.audit", Type: TypeText, Items: items(51, 50), En: "certifications and audits"},
	{Key: "contract.fees", Type: TypeText, Items: items(46, 45), En: "fees"},
	{Key: "contract.sla", Type: TypeText, Items: items(56, 57), En: "service level agreement"},
	{Key: "contract.cancellation", Type: TypeText, Items: items(48, 47), En: "cancellation terms"},
	{Key: "notice.service_change", Type: TypeText, Items: items(43, 42), En: "notice given before a service change or termination"},
	{Key: "notice.maintenance", Type: TypeText, Items: items(113, 98), En: "notice given before maintenance stops"},
	{Key: "notice.incident_time", Type: TypeText, Items: items(114, 99), En: "users are told of failures within this time"},
	{Key: "support.contact", Type: TypeText, Items: items(110, 95), En: "support contact"},
	{Key: "support.hours", Type: TypeText, Items: items(111, 96), En: "support hours"},
	{Key: "facility.building", Type: TypeText, Items: items(96, 81), En: "data-centre building type"},
	{Key: "facility.seismic", Type: TypeText, Items: items(98, 83), En: "seismic design of the data-centre building"},
	{Key: "facility.ups", Type: TypeText, Items: items(99, 84), En: "uninterruptible power supply"},
	{Key: "facility.power_feed", Type: TypeText, Items: items(100, 85), En: "redundant power feeds"},
	{Key: "facility.generator", Type: TypeText, Items: items(101, 86), En: "emergency generator"},
	{Key: "facility.fire_suppression", Type: TypeText, Items: items(102, 87), En: "fire suppression in the server room"},
	{Key: "facility.fire_detection", Type: TypeText, Items: items(103, 88), En: "fire detection and alarm"},
	{Key: "facility.lightning", Type: TypeText, Items: map[string][]int{EditionIoT: {104, 105}, EditionASPSaaS: {89, 90}}, En: "lightning protection"},
	{Key: "facility.air_conditioning", Type: TypeText, Items: items(106, 91), En: "air conditioning"},
	{Key: "facility.entry_control", Type: TypeText, Items: items(107, 92), En: "entry and exit control"},
	{Key: "facility.media_storage", Type: TypeText, Items: items(108, 93), En: "storage of media"},
}

func items(iot, asp int) map[string][]int {
	return map[string][]int{EditionIoT: {iot}, EditionASPSaaS: {asp}}
}
