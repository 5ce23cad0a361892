# Verity — see README.md. Every target installs what it needs first.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VERITY := bin/verity
STACK := bash infra/stack/stack.sh

.PHONY: help install ui up down status clean test test-unit schemas-check typecheck lint format gen-types demo demo-stop bench bench-quick soak mutation

help:
	@echo "make demo           install, start everything (stack + every Verity service), drive demo traffic, print where to look"
	@echo "make up             start Kafka, the schema registry and Postgres; apply topics, schemas, migrations"
	@echo "make down           stop them and the demo's services (no process left)"
	@echo "make status         what runs, where it listens, where its logs are"
	@echo "make test           install, then unit + integration tests (starts and stops the stack if needed)"
	@echo "make bench          every QUALITY.md benchmark with its baselines (full sizes); load-tests/results/bench.{json,md} + charts, a row in HISTORY.md"
	@echo "make bench-quick    the same at small sizes (~8 min on 2 cores; ratios indicative only)"
	@echo "make soak           RSS of every service under steady traffic for BENCH_SOAK_MINUTES (10)"
	@echo "make mutation       StrykerJS over the pure core (long; incremental): load-tests/results/mutation.{json,md} + HTML"
	@echo "make schemas-check  every schema is BACKWARD_TRANSITIVE-compatible with its committed history"
	@echo "make lint           eslint, the dependency rule (.dependency-cruiser.cjs) and the formatter check"
	@echo "make format         prettier over the whole tree"
	@echo "make ui             build the dashboard (.data/ui; the query service also builds it at start when missing)"
	@echo "make typecheck gen-types clean"

# npm ci when node_modules is missing or older than the lock file.
node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: node_modules/.installed

# The dashboard's bundle (.data/ui, fingerprinted; rebuilt only when its sources changed). The query
# service also builds it at start when missing.
ui: install
	@npm run --silent build:ui

up: install
	@start=$$(date +%s); \
	$(STACK) up && \
	$(VERITY) setup && \
	echo && $(STACK) status && \
	echo "make up: ready in $$(( $$(date +%s) - start ))s"

down:
	@bash infra/stack/verity.sh stop
	@$(STACK) down

status:
	@$(STACK) status
	@bash infra/stack/verity.sh status

# The main job: the stack, every Verity service in the background (infra/stack/verity.sh), then demo
# traffic through all of them with a live summary (DEMO_SECONDS, DEMO_RATE). `make down` stops it all.
demo: up ui
	@bash infra/stack/verity.sh start
	$(VERITY) demo

demo-stop:
	@bash infra/stack/verity.sh stop

clean: down
	rm -rf .data

test: install ui
	npm test

test-unit: install
	npm run test:unit

schemas-check: install
	$(VERITY) schemas check

typecheck: install
	npx tsc --noEmit
	npx tsc --noEmit -p services/run/query/ui

lint: install
	npx eslint .
	npm run --silent lint:deps
	npm run --silent format:check

format: install
	npm run --silent format

gen-types: install
	npm run gen:types

bench: install
	BENCH_PROFILE=$${BENCH_PROFILE:-full} npx tsx load-tests/bench/run.ts

bench-quick: install
	BENCH_PROFILE=quick npx tsx load-tests/bench/run.ts

soak: install
	npx tsx load-tests/bench/soak.ts

# Mutation testing of services/lib/core (stryker.config.json; issue 19). Incremental: a rerun after a small
# change tests only the mutants it touches (load-tests/results/mutation/stryker-incremental.json, local).
# MUTATE=<globs, comma-separated> narrows the run (e.g. to one module); the default is stryker.config.json's.
mutation: install
	VERITY_TEST_STACK=none npx stryker run $(if $(MUTATE),--mutate "$(MUTATE)")
	MUTATE="$(MUTATE)" npx tsx load-tests/mutation/summary.ts
