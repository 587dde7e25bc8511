# The two commands of the README's "Set up": `make demo` and `make test`.
# Everything builds through scripts/tools.sh into bin/ (git-ignored).

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
GO ?= go
BIN ?= $(CURDIR)/bin
export BIN

# Benchmarks: one package at a time (-p 1) so they do not skew each other.
# BENCH selects benchmarks by name, BENCHTIME bounds each one; the engine
# benchmarks take seconds per iteration, so Go stops them after one or two.
BENCH ?= .
BENCHTIME ?= 1s
BENCHPKGS ?= ./...

.PHONY: all tools build test lint demo bench catalog docs clean

all: lint test

## tools: build the pinned Pulumi CLI, the YAML host and cmd/* into bin/
tools:
	scripts/tools.sh

## build: same as tools
build: tools

## test: build the tools, then every test with the race detector
# cmd/action's end-to-end tests take 8-10 minutes on 2 cores, at go test's
# default 10-minute bound; CI's budget is 60 minutes, so the bound is 25.
test: tools
	$(GO) test -race -shuffle=on -count=1 -timeout 25m ./...

## lint: gofmt must change nothing; go vet must find nothing
lint:
	@files=$$(find . -name '*.go' -not -path './.git/*' -not -path './bin/*' -not -path './dist/*' -not -path './.cache/*'); \
	bad=$$(gofmt -l $$files); \
	if [ -n "$$bad" ]; then echo "gofmt: run gofmt -w on:"; echo "$$bad"; gofmt -d $$bad; exit 1; fi
	$(GO) vet ./...

## demo: build, then run the main job locally (emulator, file state, no accounts)
demo: tools
	$(BIN)/action --demo

## bench: the project's benchmarks (Go benchmarks, then scripts/bench-*.sh)
bench: tools
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchtime $(BENCHTIME) -benchmem -count=1 -p 1 -timeout 30m $(BENCHPKGS)
	for s in scripts/bench-*.sh; do if [ -f "$$s" ]; then echo "== $$s"; bash "$$s"; fi; done

## catalog: regenerate internal/catalog/catalog.json from twilio-oai (npm)
catalog:
	scripts/gen-catalog.sh

## docs: rewrite the README's generated parts (inputs/outputs tables, example workflows)
docs:
	$(GO) run ./internal/docs/gen

## clean: remove built binaries
clean:
	rm -rf bin dist
