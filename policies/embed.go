// Package policies embeds kaiji's built-in Rego policy library and loads it,
// with its data, as one OPA bundle.
//
// Layout and data paths: a module under policies/<dir>/ declares a package
// under kaiji.<dir>; a data file policies/data/<name>.yaml (or .json) is
// mounted at data.kaiji.data.<name>. User policy directories and data files
// follow the same rule (see docs/policies.md).
package policies

import "embed"

// FS holds all modules, tests and data; tests are filtered out at load time
// unless asked for.
//
//go:embed lib claims controls admission data main.rego main_test.rego
var FS embed.FS
