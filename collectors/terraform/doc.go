// Package terraform reads Terraform configurations (.tf, .tf.json), variable
// files and plans (terraform show -json) and turns the resources they
// declare into facts.
//
// It is best effort, like terraform-config-inspect, but evaluates: every
// scanned directory is a module; the directories no other scanned directory
// calls are root modules. A root's input variables are resolved from
// defaults, TF_VAR_*, terraform.tfvars, *.auto.tfvars, --var-file and --var;
// locals, Terraform's built-in functions (go-cty stdlib and go-cty-funcs),
// count, for_each and dynamic blocks are evaluated; local modules are
// evaluated recursively with their inputs and remote ones are read from
// .terraform/modules when terraform init installed them. A plan found beside
// a root module replaces that root's facts with the planned values, keeping
// the configuration's file and line.
//
// Each resource type the collector knows (tables in aws.go, aws_more.go,
// azure.go, azapi.go, google.go, connection.go) is mapped to
// provider-neutral facts; resources that configure others from outside are
// linked afterwards. Values that cannot be known before apply are recorded as
// unknown, never guessed; sensitive values never reach a fact. Problems with
// the input are returned as diagnostics with file and line; the rest is still
// read. docs/terraform.md describes the behaviour in full.
package terraform
