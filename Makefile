# teacher-id. `make run` and `make test` work on a machine with only Node.js, npm and apt:
# Bun comes from the npm registry into .tools/ when it is not on PATH.
SHELL := /bin/bash
.DEFAULT_GOAL := help

BUN_VERSION := 1.4.4
BUN := $(shell command -v bun 2>/dev/null || echo $(CURDIR)/.tools/node_modules/.bin/bun)
BINARY := dist/teacher-id
# bunfig.toml's [test] timeout is not honoured by Bun 1.4.4: give integration and browser tests room here.
TEST_FLAGS := --timeout 60000
SOURCES := $(shell find src db templates -type f 2>/dev/null) package.json bun.lock

.PHONY: help run test check-imports test-unit test-integration test-browser build bun deps browser poppler clean bench soak typecheck db-generate routes-doc

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(CURDIR)/.tools/node_modules/.bin/bun:
	@echo "Installing Bun $(BUN_VERSION) from the npm registry into .tools/"
	@mkdir -p .tools && { [ -f .tools/package.json ] || echo "{\"private\":true}" > .tools/package.json; }
	@cd .tools && npm install --no-audit --no-fund --loglevel=error bun@$(BUN_VERSION)

bun: $(BUN) ## Install Bun when missing

node_modules/.installed: package.json bun.lock | $(BUN)
	$(BUN) install --frozen-lockfile
	@touch $@

deps: node_modules/.installed ## Install dependencies from the lockfile

browser: ## Install Debian's Chromium for the browser tests when missing
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing chromium from Debian's packages"; \
	  $(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq && \
	  $(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

poppler: ## Install Debian's poppler-utils (pdftoppm, pdfinfo) for the certificate tests when missing
	@command -v pdftoppm >/dev/null 2>&1 || { \
	  echo "Installing poppler-utils from Debian's packages"; \
	  $(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq && \
	  $(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; }

$(BINARY): node_modules/.installed $(SOURCES)
	@mkdir -p dist
	$(BUN) build src/main.ts --compile --bytecode --format=esm --minify-syntax --minify-identifiers \
	  --no-compile-autoload-dotenv --no-compile-autoload-bunfig --outfile $(BINARY)

build: $(BINARY) ## Build the single executable dist/teacher-id

run: $(BINARY) ## Install what is missing, build, and start all three services
	$(BINARY) serve

test: node_modules/.installed browser poppler $(BINARY) ## Install what is missing and run every test
	$(BUN) x tsc --noEmit -p .
	$(MAKE) --no-print-directory check-imports
	$(BUN) scripts/run-tests.ts

check-imports: node_modules/.installed ## Fail on folders that import each other and on broken import rules (docs/ARCHITECTURE.md)
	$(BUN) scripts/check-imports.ts

test-unit: node_modules/.installed ## Only the fast unit tests
	$(BUN) test $(TEST_FLAGS) test/unit

test-browser: node_modules/.installed browser poppler $(BINARY) ## Only the browser tests (Chromium); screenshots in test-artifacts/screenshots
	$(BUN) test $(TEST_FLAGS) test/browser

typecheck: node_modules/.installed ## Type-check with TypeScript
	$(BUN) x tsc --noEmit -p .

# The benchmark's reference for POST /token (DESIGN): panva's oidc-provider on Node.js, from npm.
bench/oidc-provider/node_modules/.installed: bench/oidc-provider/package.json bench/oidc-provider/package-lock.json
	cd bench/oidc-provider && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

bench: node_modules/.installed $(BINARY) bench/oidc-provider/node_modules/.installed ## Run the benchmarks (see README "Benchmarks")
	$(BUN) run bench/run.ts

# The fault tests `make soak` runs with every count x10 (SOAK_SCALE=10); each writes its row of README
# "Reliability" through reportReliability() (test/helpers/reliability.ts). Add yours here.
SOAK_TESTS := test/integration/crash-safety.test.ts test/integration/outages.test.ts test/integration/records-invite-campaign.test.ts
SOAK_MINUTES ?= 30

soak: node_modules/.installed $(BINARY) ## Fault tests x10 and a SOAK_MINUTES (30) mixed load; writes soak/results.json and README "Reliability"
	SOAK_MINUTES=$(SOAK_MINUTES) $(BUN) soak/run.ts $(SOAK_TESTS)

db-generate: node_modules/.installed ## After changing a src/<service>/db/schema.ts: write its migration
	for s in identity records access; do $(BUN) x drizzle-kit generate --config drizzle.$$s.config.ts; done
	$(BUN) scripts/embed-migrations.ts

routes-doc: node_modules/.installed ## Regenerate docs/ROUTES.md (every route and its methods) from the apps' own route lists
	$(BUN) scripts/routes-table.ts > docs/ROUTES.md.tmp && mv docs/ROUTES.md.tmp docs/ROUTES.md

clean: ## Remove build output (not data/)
	rm -rf dist
