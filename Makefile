# zhifa — `make help` lists the targets.
#   make run    install what is missing, build, start the platform on http://127.0.0.1:8080
#   make test   the whole default test suite (unit, storage on SQLite and PostgreSQL, SQL golden,
#               HTTP functional, browser e2e, kill -9 durability)
SHELL := /bin/bash
.DEFAULT_GOAL := help

PRESET ?= release
BUILD := build/$(PRESET)
BIN := $(BUILD)/zhifa
NODE_DIR = $(shell scripts/deps.sh node-dir)
WITH_NODE = PATH="$(NODE_DIR):$$PATH"
CXX_SOURCES = $(shell git ls-files '*.cc' '*.h' 2>/dev/null)

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

.PHONY: deps
deps: ## Install missing Debian packages, Node.js and the web UI's npm packages
	@scripts/deps.sh apt
	@scripts/deps.sh node
	@scripts/deps.sh web

.PHONY: web
web: deps ## Build the web UI into web/dist (embedded in the binary)
	@$(WITH_NODE) npm --prefix web run build --silent

.PHONY: build
build: web ## Build the zhifa binary and tests (PRESET=release|debug)
	@cmake --preset $(PRESET) >/dev/null
	@cmake --build --preset $(PRESET) -- -j$$(nproc)

.PHONY: run
run: build ## Start the platform on http://127.0.0.1:8080 (data in ./zhifa-data)
	$(BIN) serve

.PHONY: demo
demo: build ## Fill ./zhifa-data with a synthetic city (then `make run`)
	$(BIN) demo

.PHONY: test
test: build ## The whole default test suite (.ci/run calls this)
	@$(WITH_NODE) scripts/test-all.sh $(BUILD)

.PHONY: test-unit
test-unit: build ## Unit, storage and SQL golden tests on SQLite only (fast)
	@ctest --test-dir $(BUILD) --output-on-failure -j2

.PHONY: test-asan
test-asan: ## Unit and storage tests under AddressSanitizer + UBSan (debug preset)
	@$(MAKE) build PRESET=debug
	@ctest --test-dir build/debug --output-on-failure -j2

.PHONY: bench
bench: build ## Benchmarks (see bench/README.md)
	@$(BUILD)/bench/zhifa_bench
	@bench/http.sh $(BIN)

.PHONY: format
format: ## Format C++ sources in place
	@command -v clang-format >/dev/null || scripts/deps.sh apt
	@clang-format -i $(CXX_SOURCES)

.PHONY: format-check
format-check: ## Fail when a C++ source is not clang-formatted
	@command -v clang-format >/dev/null || scripts/deps.sh apt
	@clang-format --dry-run -Werror $(CXX_SOURCES) && echo "format-check: ok"

.PHONY: lint
lint: build ## clang-tidy over the C++ sources (.clang-tidy)
	@scripts/lint.sh $(BUILD)

.PHONY: openapi-check
openapi-check: build ## The OpenAPI document matches the route table
	@$(BIN) routes --check-openapi

.PHONY: clean
clean: ## Remove build outputs (not ./zhifa-data)
	rm -rf build web/dist test-output
