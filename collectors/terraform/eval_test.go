package terraform

import (
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/kaiji-dev/kaiji/collectors"
)

func TestVariablePrecedence(t *testing.T) {
	t.Parallel()
	main := `variable "days" {
  type    = number
  default = 1
}
variable "zones" {
  type    = list(string)
  default = []
}
resource "aws_db_instance" "d" {
  backup_retention_period = var.days
  multi_az                = length(var.zones) > 1
}`
	tests := []struct {
		name      string
		files     map[string]string
		opts      Options
		wantDays  int
		wantMulti bool
	}{
		{"default", nil, Options{}, 1, false},
		{"env", nil, Options{Env: []string{"TF_VAR_days=2", `TF_VAR_zones=["a","c"]`}}, 2, true},
		{"terraform.tfvars over env", map[string]string{"terraform.tfvars": "days = 3"}, Options{Env: []string{"TF_VAR_days=2"}}, 3, false},
		{"auto.tfvars over terraform.tfvars", map[string]string{"terraform.tfvars": "days = 3", "b.auto.tfvars": "days = 4"}, Options{}, 4, false},
		{"json auto tfvars", map[string]string{"a.auto.tfvars.json": `{"days": 5}`}, Options{}, 5, false},
		{"var-file over auto", map[string]string{"b.auto.tfvars": "days = 4"},
			Options{VarFiles: []collectors.File{{Path: "prod.tfvars", Data: []byte("days = 6")}}}, 6, false},
		{"var over var-file", nil,
			Options{VarFiles: []collectors.File{{Path: "prod.tfvars", Data: []byte("days = 6")}}, Vars: map[string]string{"days": "7"}}, 7, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			files := []collectors.File{{Path: "x/main.tf", Data: []byte(main)}}
			for name, data := range tt.files {
				files = append(files, collectors.File{Path: "x/" + name, Data: []byte(data)})
			}
			facts, diags := collect(t, tt.opts, files)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			f := find(t, facts, "aws_db_instance.d", collectors.KindDatastore)
			checkAttrs(t, f, map[string]any{"backup.generations": tt.wantDays, "multi_az": tt.wantMulti})
		})
	}
}

func TestEvaluation(t *testing.T) {
	t.Parallel()
	runMapperCases(t, []mapperCase{
		{
			name: "locals and functions",
			src: `locals {
  env    = "prod"
  days   = local.env == "prod" ? 35 : 1
  subnet = cidrsubnet("10.0.0.0/16", 8, 2)
  name   = format("%s-%s", local.env, substr(sha256("x"), 0, 4))
}
resource "aws_security_group_rule" "r" {
  type        = "ingress"
  protocol    = "tcp"
  from_port   = 443
  to_port     = 443
  cidr_blocks = [local.subnet]
}
resource "aws_db_instance" "d" {
  backup_retention_period = local.days
  identifier              = local.name
}`,
			id: "aws_security_group_rule.r", kind: collectors.KindFirewallRule,
			want: map[string]any{"sources": []any{"10.0.2.0/24"}, "internet_exposed": false},
		},
		{
			name: "cidrsubnets from go-cty-funcs",
			src: `resource "aws_security_group_rule" "r" {
  type        = "ingress"
  protocol    = "tcp"
  from_port   = 5432
  to_port     = 5432
  cidr_blocks = [cidrsubnets("10.0.0.0/16", 8, 8)[1]]
}`,
			id: "aws_security_group_rule.r", kind: collectors.KindFirewallRule,
			want: map[string]any{"sources": []any{"10.0.1.0/24"}},
		},
		{
			name: "conditional on locals",
			src: `locals {
  env  = "prod"
  days = local.env == "prod" ? 35 : 1
}
resource "aws_db_instance" "d" { backup_retention_period = local.days }`,
			id: "aws_db_instance.d", kind: collectors.KindDatastore,
			want: map[string]any{"backup.generations": 35},
		},
		{
			name: "locals chain out of order",
			src: `locals {
  c = local.b * 2
  b = local.a + 1
  a = 3
}
resource "aws_db_instance" "d" { backup_retention_period = local.c }`,
			id: "aws_db_instance.d", kind: collectors.KindDatastore,
			want: map[string]any{"backup.generations": 8},
		},
		{
			name: "locals cycle is unknown",
			src: `locals {
  a = local.b
  b = local.a
}
resource "aws_db_instance" "d" { backup_retention_period = local.a }`,
			id: "aws_db_instance.d", kind: collectors.KindDatastore,
			want: map[string]any{"backup.generations": isUnknown},
		},
		{
			name: "unsupported function is unknown",
			src:  `resource "aws_db_instance" "d" { backup_retention_period = length(timestamp()) }`,
			id:   "aws_db_instance.d", kind: collectors.KindDatastore,
			want: map[string]any{"backup.generations": isUnknown},
		},
		{
			name: "file outside the working directory is unknown",
			src:  `resource "aws_cloudwatch_log_group" "l" { name = file("/etc/hostname") }`,
			id:   "aws_cloudwatch_log_group.l", kind: collectors.KindLog,
			want: map[string]any{"category": isUnknown, "name": isAbsent},
		},
		{
			name: "sensitive variable is unknown",
			src: `variable "days" {
  default   = 7
  sensitive = true
}
resource "aws_db_instance" "d" { backup_retention_period = var.days }`,
			id: "aws_db_instance.d", kind: collectors.KindDatastore,
			want: map[string]any{"backup.generations": isUnknown},
		},
		{
			name: "variable without value is unknown",
			src: `variable "days" { type = number }
resource "aws_db_instance" "d" { backup_retention_period = var.days }`,
			id: "aws_db_instance.d", kind: collectors.KindDatastore,
			want: map[string]any{"backup.generations": isUnknown},
		},
		{
			name: "optional object attribute defaults",
			src: `variable "db" {
  type = object({
    days = optional(number, 9)
  })
  default = {}
}
resource "aws_db_instance" "d" { backup_retention_period = var.db.days }`,
			id: "aws_db_instance.d", kind: collectors.KindDatastore,
			want: map[string]any{"backup.generations": 9},
		},
		{
			name: "for_each address",
			src: `resource "aws_s3_bucket" "logs" {
  for_each = toset(["audit", "access"])
  bucket   = "logs-${each.key}"
}`,
			id: `aws_s3_bucket.logs["audit"]`, kind: collectors.KindDatastore,
			want: map[string]any{"name": "logs-audit"},
		},
		{
			name: "count address",
			src: `resource "aws_cloudwatch_log_group" "l" {
  count             = 2
  name              = "/app/${count.index}"
  retention_in_days = 30
}`,
			id: "aws_cloudwatch_log_group.l[1]", kind: collectors.KindLog,
			want: map[string]any{"name": "/app/1", "retention_seconds": 30 * 86400},
		},
		{
			name: "reference to a configured attribute",
			src: `resource "aws_cloudwatch_log_group" "a" {
  name              = "/audit/trail"
  retention_in_days = 400
}
resource "aws_cloudwatch_log_group" "b" {
  name              = "${aws_cloudwatch_log_group.a.name}-copy"
  retention_in_days = aws_cloudwatch_log_group.a.retention_in_days
}`,
			id: "aws_cloudwatch_log_group.b", kind: collectors.KindLog,
			want: map[string]any{"name": "/audit/trail-copy", "retention_seconds": 400 * 86400},
		},
		{
			name: "for_each bucket linked to its encryption",
			src: `resource "aws_s3_bucket" "b" {
  for_each = { audit = "a", app = "b" }
  bucket   = each.value
}
resource "aws_s3_bucket_server_side_encryption_configuration" "audit" {
  bucket = aws_s3_bucket.b["audit"].id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}`,
			id: `aws_s3_bucket.b["audit"]`, kind: collectors.KindDatastore,
			want: map[string]any{"encryption": "aws:kms"},
		},
	})
}

func TestDynamicBlocks(t *testing.T) {
	t.Parallel()
	src := `variable "ports" {
  default = [22, 443]
}
variable "unknown_ports" {}
resource "aws_security_group" "web" {
  dynamic "ingress" {
    for_each = var.ports
    content {
      protocol    = "tcp"
      from_port   = ingress.value
      to_port     = ingress.value
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
  dynamic "egress" {
    for_each = var.unknown_ports
    iterator = p
    content {
      protocol  = "tcp"
      from_port = p.value
      to_port   = p.value
    }
  }
}`
	facts, diags := collectHCL(t, src)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	checkAttrs(t, find(t, facts, "aws_security_group.web.ingress[0]", ""), map[string]any{"from_port": 22})
	checkAttrs(t, find(t, facts, "aws_security_group.web.ingress[1]", ""), map[string]any{"from_port": 443, "internet_exposed": true})
	eg := find(t, facts, "aws_security_group.web.egress[0]", "")
	checkAttrs(t, eg, map[string]any{"dynamic": true, "from_port": isUnknown})
}

func TestTFJSON(t *testing.T) {
	t.Parallel()
	src := `{
  "variable": {"days": {"default": 14, "type": "number"}},
  "provider": {"aws": {"region": "ap-northeast-1"}},
  "resource": {
    "aws_db_instance": {
      "app": {
        "storage_encrypted": true,
        "backup_retention_period": "${var.days}"
      }
    },
    "aws_security_group": {
      "web": {
        "ingress": [{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"]}]
      }
    }
  }
}`
	facts, diags := collect(t, Options{}, []collectors.File{{Path: "j/main.tf.json", Data: []byte(src)}})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	db := find(t, facts, "aws_db_instance.app", collectors.KindDatastore)
	checkAttrs(t, db, map[string]any{"encrypted_at_rest": true, "backup.generations": 14, "location.region": "ap-northeast-1"})
	if db.Source.File != "j/main.tf.json" || db.Source.Line != 6 {
		t.Errorf("source = %+v, want j/main.tf.json:6 (the resource type key)", db.Source)
	}
	checkAttrs(t, find(t, facts, "aws_security_group.web.ingress[0]", ""), map[string]any{"from_port": 443, "internet_exposed": true})
}

func TestDiagnostics(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"syntax error", map[string]string{"main.tf": "resource \"aws_s3_bucket\" {"}, "error"},
		{"module outside scan", map[string]string{"main.tf": `module "x" { source = "../../elsewhere" }`}, "outside the scanned paths"},
		{"remote module not downloaded", map[string]string{"main.tf": `module "vpc" { source = "terraform-aws-modules/vpc/aws" }`}, `module "vpc" (terraform-aws-modules/vpc/aws) not downloaded; run terraform init`},
		{"unknown count", map[string]string{"main.tf": `resource "aws_s3_bucket" "b" { count = var.n }`}, "count is not known statically"},
		{"undeclared tfvars", map[string]string{"main.tf": "", "terraform.tfvars": "x = 1"}, `undeclared variable "x"`},
		{"other tfvars not loaded", map[string]string{"main.tf": "", "prod.tfvars": "x = 1"}, "pass it with --var-file"},
		{"bad plan", map[string]string{"plan.json": `{"format_version":"1.2","terraform_version":"1.9.0",`}, "cannot read Terraform plan JSON"},
		{"override file", map[string]string{"main.tf": "", "x_override.tf": ""}, "override files are not merged"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var files []collectors.File
			for name, data := range tt.files {
				files = append(files, collectors.File{Path: "d/" + name, Data: []byte(data)})
			}
			_, diags := collect(t, Options{}, files)
			var all []string
			for _, d := range diags {
				all = append(all, d.String())
				if strings.Contains(d.String(), tt.want) && d.File != "" {
					return
				}
			}
			t.Fatalf("no diagnostic with %q among %q", tt.want, all)
		})
	}
}

// TestStateJSON reads terraform show -json of a state (values instead of planned_values).
func TestStateJSON(t *testing.T) {
	t.Parallel()
	src := `{"format_version":"1.0","terraform_version":"1.9.5","values":{"root_module":{"resources":[
{"address":"aws_cloudwatch_log_group.audit","mode":"managed","type":"aws_cloudwatch_log_group","name":"audit",
 "values":{"name":"/audit/trail","retention_in_days":400,"kms_key_id":""},"sensitive_values":{}}]}}}`
	facts, diags := collect(t, Options{}, []collectors.File{{Path: "s/state.json", Data: []byte(src)}})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	checkAttrs(t, find(t, facts, "aws_cloudwatch_log_group.audit", collectors.KindLog), map[string]any{
		"category": "audit", "retention_seconds": 400 * 86400})
}

// TestWorkBudget checks that nested repetitions stop at the evaluation
// budget with a warning instead of running for minutes.
func TestWorkBudget(t *testing.T) {
	t.Parallel()
	src := `resource "aws_security_group" "s" {
  count = 1000
  dynamic "ingress" {
    for_each = range(1000)
    content {
      from_port = ingress.value
      to_port   = ingress.value
      protocol  = "tcp"
    }
  }
}`
	start := time.Now()
	_, diags := collect(t, Options{workLimit: 20_000}, []collectors.File{{Path: "w/main.tf", Data: []byte(src)}})
	if d := time.Since(start); d > 60*time.Second {
		t.Errorf("took %v", d)
	}
	t.Logf("took %v", time.Since(start))
	if !budgetWarned(diags) {
		t.Errorf("no budget warning among %v", diags)
	}
}

// budgetWarned is true when diags hold the evaluation budget's warning.
func budgetWarned(diags collectors.Diagnostics) bool {
	for _, d := range diags {
		if strings.Contains(d.Message, "further count, for_each and dynamic repetitions are read as unknown") {
			return true
		}
	}
	return false
}

// TestLastPassAnyCores: the last resource pass runs module instances, and
// the resource blocks of a large module in parts, concurrently on several
// cores, and a module of many resources is mapped in parts; the facts and
// diagnostics are those of one core reading each module whole, within the
// evaluation budget and when a pass meets it.
func TestLastPassAnyCores(t *testing.T) {
	root := `module "m" {
  source = "./m"
  count  = 4
  n      = 30
}
`
	mod := `variable "n" {}
variable "unknown" {
  default = null
}
resource "aws_security_group" "s" {
  count = var.n
  name  = "sg-${count.index}"
  dynamic "ingress" {
    for_each = range(60)
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}
resource "aws_s3_bucket" "b" {
  count  = var.unknown
  bucket = "b"
}
`
	// One flat module: more blocks than one part evaluates and more
	// resources than one part maps, referring to each other across parts.
	var flat strings.Builder
	for i := range 2 * expandChunk {
		fmt.Fprintf(&flat, `
resource "aws_lb" "lb%[1]d" {
  count    = 2
  name     = "lb-%[1]d-${count.index}"
  internal = %[2]v
}

resource "aws_lb_listener" "l%[1]d" {
  load_balancer_arn = aws_lb.lb%[3]d[0].arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
}

resource "aws_s3_bucket" "b%[1]d" {
  count  = var.unknown == null ? 2 : 1
  bucket = "b-%[1]d"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "b%[1]d" {
  bucket = aws_s3_bucket.b%[1]d[0].id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}
`, i, i%3 == 0, (i+expandChunk)%(2*expandChunk))
	}
	flat.WriteString("variable \"unknown\" {\n  default = null\n}\n")
	for _, tc := range []struct {
		name  string
		files []collectors.File
		limit int
	}{
		{"instances", []collectors.File{{Path: "w/main.tf", Data: []byte(root)}, {Path: "w/m/main.tf", Data: []byte(mod)}}, 0},
		{"instances over budget", []collectors.File{{Path: "w/main.tf", Data: []byte(root)}, {Path: "w/m/main.tf", Data: []byte(mod)}}, 20_000},
		{"flat", []collectors.File{{Path: "flat/main.tf", Data: []byte(flat.String())}}, 0},
	} {
		limit := tc.limit
		collectOn := func(procs int) ([]collectors.Fact, collectors.Diagnostics) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			return collect(t, Options{workLimit: limit}, tc.files)
		}
		// The reference: one core, every module in one part.
		chunks := [2]int{expandChunk, mapChunk}
		expandChunk, mapChunk = 1<<30, 1<<30
		oneFacts, oneDiags := collectOn(1)
		expandChunk, mapChunk = chunks[0], chunks[1]
		for range 3 {
			facts, diags := collectOn(2)
			if !reflect.DeepEqual(facts, oneFacts) {
				t.Fatalf("%s: facts on two cores differ from one core's", tc.name)
			}
			if !reflect.DeepEqual(diags, oneDiags) {
				t.Fatalf("%s: diagnostics on two cores\n%v\none core's\n%v", tc.name, diags, oneDiags)
			}
		}
		if tc.name == "flat" {
			if len(oneFacts) <= mapChunk || len(oneDiags) > 0 {
				t.Errorf("flat: %d facts, diagnostics %v", len(oneFacts), oneDiags)
			}
			listener := find(t, oneFacts, "aws_lb_listener.l0", collectors.KindEndpoint)
			if listener.Attrs["load_balancer"] != fmt.Sprintf("aws_lb.lb%d[0]", expandChunk) {
				t.Errorf("flat: listener l0 links to %v", listener.Attrs["load_balancer"])
			}
			continue
		}
		if warned := budgetWarned(oneDiags); warned != (limit > 0) {
			t.Errorf("%s: budget warning %v; diagnostics %v", tc.name, warned, oneDiags)
		}
		if len(oneFacts) < 4 {
			t.Errorf("%s: %d facts", tc.name, len(oneFacts))
		}
	}
}

// TestLocals: each local sees the locals it names, evaluated first; a cycle
// and what depends on it stay unknown; a local that reads the local object
// other than by name sees every local; a missing local is unknown.
func TestLocals(t *testing.T) {
	t.Parallel()
	src := `locals {
  a = 1
  b = local.a + 1
  c = "${local.b}-${local.a}"
  x = local.y
  y = local.x
  z = local.x
  w = local["a"]
  m = local.nope
}`
	cfg, diags, _ := parseConfig("x", []collectors.File{{Path: "x/main.tf", Data: []byte(src)}}, collectors.DefaultMaxDepth)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	got := evalLocals(cfg, &hcl.EvalContext{Variables: map[string]cty.Value{}}).AsValueMap()
	want := map[string]cty.Value{
		"a": cty.NumberIntVal(1), "b": cty.NumberIntVal(2), "c": cty.StringVal("2-1"),
		"x": cty.DynamicVal, "y": cty.DynamicVal, "z": cty.DynamicVal,
		"w": cty.NumberIntVal(1), "m": cty.DynamicVal,
	}
	for name, w := range want {
		g, ok := got[name]
		if !ok {
			t.Errorf("local.%s missing", name)
			continue
		}
		if !g.RawEquals(w) {
			t.Errorf("local.%s = %#v, want %#v", name, g, w)
		}
	}
}
