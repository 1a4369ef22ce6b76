// Package terraform reads Terraform configurations (HCL) and turns the
// resources they declare into facts.
//
// It is best effort, like terraform-config-inspect: every module directory is
// parsed with hashicorp/hcl/v2, its input variables are resolved from
// defaults and variable files, locals are evaluated, and each resource the
// collector knows is mapped to provider-neutral facts. Values that cannot be
// known before apply (references to computed attributes, variables with no
// value) are recorded as unknown, never guessed. Problems with the input are
// returned as diagnostics with file and line; the rest is still read.
package terraform
