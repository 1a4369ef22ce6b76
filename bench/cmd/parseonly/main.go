// Command parseonly is the scan benchmark's floor: it reads the same files
// kaiji scan reads and parses them with the same parsers (hclparse for .tf
// and .tfvars, encoding/json for plans and exports, the YAML decoder for
// manifests) and does nothing else: no evaluation of expressions, no facts,
// no policies, no report. It prints the number of files and documents.
//
//	go run ./bench/cmd/parseonly estate/terraform
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2/hclparse"
	"go.yaml.in/yaml/v3"
)

func main() {
	files, docs := 0, 0
	p := hclparse.NewParser()
	for _, root := range os.Args[1:] {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			switch {
			case strings.HasSuffix(path, ".tf"), strings.HasSuffix(path, ".tfvars"):
				if _, diags := p.ParseHCL(data, path); diags.HasErrors() {
					return diags
				}
			case strings.HasSuffix(path, ".tf.json"):
				if _, diags := p.ParseJSON(data, path); diags.HasErrors() {
					return diags
				}
			case strings.HasSuffix(path, ".json"):
				var v any
				if err := json.Unmarshal(data, &v); err != nil {
					return fmt.Errorf("%s: %w", path, err)
				}
			case strings.HasSuffix(path, ".yaml"), strings.HasSuffix(path, ".yml"):
				dec := yaml.NewDecoder(bytes.NewReader(data))
				for {
					var n yaml.Node
					if err := dec.Decode(&n); errors.Is(err, io.EOF) {
						break
					} else if err != nil {
						return fmt.Errorf("%s: %w", path, err)
					}
					docs++
				}
			default:
				return nil
			}
			files++
			return nil
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, "parseonly:", err)
			os.Exit(1)
		}
	}
	fmt.Printf("%d files, %d YAML documents\n", files, docs)
}
