package ghaction

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

// Action is the part of action.yml the runner needs.
type Action struct {
	Name   string `json:"name"`
	Inputs map[string]struct {
		Default  string `json:"default"`
		Required bool   `json:"required"`
	} `json:"inputs"`
	Runs struct {
		Using string `json:"using"`
		Steps []Step `json:"steps"`
	} `json:"runs"`
}

// Step is one composite-action step.
type Step struct {
	Name  string            `json:"name"`
	ID    string            `json:"id"`
	Uses  string            `json:"uses"`
	Run   string            `json:"run"`
	Shell string            `json:"shell"`
	Env   map[string]string `json:"env"`
	With  map[string]string `json:"with"`
}

// Load reads action.yml.
func Load(path string) (*Action, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var a Action
	if err := yaml.Unmarshal(data, &a); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &a, nil
}

// Env is a simulated runner: the GitHub context and environment variables.
type Env struct {
	ActionPath string            // github.action_path
	Inputs     map[string]string // action inputs; missing ones take their defaults
	Vars       map[string]string // GITHUB_*, RUNNER_TEMP …
}

var exprRe = regexp.MustCompile(`\$\{\{\s*([a-z_.-]+)\s*\}\}`)

// expand evaluates the ${{ … }} expressions the action uses.
func (a *Action) expand(s string, env Env) (string, error) {
	var err error
	out := exprRe.ReplaceAllStringFunc(s, func(m string) string {
		name := exprRe.FindStringSubmatch(m)[1]
		switch {
		case name == "github.action_path":
			return env.ActionPath
		case strings.HasPrefix(name, "inputs."):
			in := strings.TrimPrefix(name, "inputs.")
			if v, ok := env.Inputs[in]; ok {
				return v
			}
			def, ok := a.Inputs[in]
			if !ok {
				err = fmt.Errorf("expression %s names an undeclared input", m)
			}
			return def.Default
		case strings.HasPrefix(name, "runner.temp"):
			return env.Vars["RUNNER_TEMP"]
		}
		err = fmt.Errorf("expression %s is not supported by the local runner", m)
		return ""
	})
	return out, err
}

// Result is what running the action's steps produced.
type Result struct {
	ExitCode int
	Stdout   string // the log: annotations appear here
	Stderr   string
	Skipped  []string // uses: steps, which need GitHub's runner
}

// Run executes the action's run: steps in order, like the runner does, and
// stops at the first failing step.
func (a *Action) Run(env Env) (*Result, error) {
	res := &Result{}
	var stdout, stderr bytes.Buffer
	for _, s := range a.Runs.Steps {
		if s.Uses != "" {
			res.Skipped = append(res.Skipped, s.Uses)
			continue
		}
		script, err := a.expand(s.Run, env)
		if err != nil {
			return nil, err
		}
		cmd := exec.Command("bash", "-c", script)
		cmd.Dir = env.Vars["GITHUB_WORKSPACE"]
		cmd.Env = os.Environ()
		for _, k := range sortedKeys(env.Vars) {
			cmd.Env = append(cmd.Env, k+"="+env.Vars[k])
		}
		for _, k := range sortedKeys(s.Env) {
			v, err := a.expand(s.Env[k], env)
			if err != nil {
				return nil, err
			}
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err = cmd.Run()
		res.Stdout, res.Stderr = stdout.String(), stderr.String()
		if ee, ok := err.(*exec.ExitError); ok {
			res.ExitCode = ee.ExitCode()
			return res, nil
		}
		if err != nil {
			return nil, fmt.Errorf("step %q: %w", s.Name, err)
		}
	}
	return res, nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
