# kaiji — build, test and lint.
GO ?= go
BIN ?= bin/kaiji
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/kaiji-dev/kaiji/internal/version.Version=$(VERSION)
FUZZTIME ?= 30s

.PHONY: build test lint demo golden fuzz rego

build: ## build bin/kaiji
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/kaiji

test: ## the whole suite, installing what it needs (same as .ci/run)
	./scripts/test.sh

lint: ## gofmt and go vet
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) vet ./...

demo: ## the main job on the built-in demo
	$(GO) run ./cmd/kaiji scan --claims testdata/demo/disclosure.yaml testdata/demo/infra

rego: ## the Rego tests only
	$(GO) test ./policies/ -run TestRego -v

golden: ## rewrite golden files after an intended change
	$(GO) test ./... -update

fuzz: ## run every fuzz target for FUZZTIME
	./scripts/fuzz.sh $(FUZZTIME)
