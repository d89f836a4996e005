# Uplift — the two quick-start commands are `make run` and `make test`.
# Both install what is missing (Debian packages with apt-get, Python packages into .venv).

SWIFT        ?= swift
DATA         ?= ./data
PROJECT      ?= demo
DEMO_EVENTS  ?= 1000000
DEMO_USERS   ?= 20000
DEMO_DAYS    ?= 60
HOST         ?= 127.0.0.1
PORT         ?= 8080
VENV         := .venv
PY           := $(VENV)/bin/python
APT_PACKAGES := zlib1g-dev pkg-config
SUDO         := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test build release deps venv clean bench postgres

## Build in release mode, generate a demo data set, import it into $(DATA), print a summary, then
## serve the ingestion API on $(HOST):$(PORT) with a write key for the demo project (Ctrl-C stops it).
run: deps release
	./.build/release/uplift generate --events $(DEMO_EVENTS) --users $(DEMO_USERS) --days $(DEMO_DAYS) --seed 42 \
	  | ./.build/release/uplift import --data $(DATA) --project $(PROJECT) -
	./.build/release/uplift stats --data $(DATA) --project $(PROJECT)
	./.build/release/uplift verify --data $(DATA)
	@[ -s $(DATA)/$(PROJECT).write-key ] || { umask 077; ./.build/release/uplift key create --data $(DATA) --project $(PROJECT) --kind write --json \
	  | sed -n 's/.*"key":"\(upw_[A-Za-z0-9]*\)".*/\1/p' > $(DATA)/$(PROJECT).write-key; }
	@echo "write key of $(PROJECT) (in $(DATA)/$(PROJECT).write-key): $$(cat $(DATA)/$(PROJECT).write-key)"
	@echo "try: curl -u \"$$(cat $(DATA)/$(PROJECT).write-key):\" http://$(HOST):$(PORT)/v1/track -d '{\"userId\":\"u1\",\"event\":\"Signed Up\"}'"
	./.build/release/uplift serve --data $(DATA) --host $(HOST) --port $(PORT)

## Install what is missing, build, run the whole suite (Swift tests, then the interop tests, then the
## integration tests against a running `uplift serve`) against a throwaway PostgreSQL cluster
## (Tests/postgres.sh: temp dir, free port, removed after, also on failure).
## Two pytest runs: each folder has its own conftest.py, and one run would let one shadow the other.
test: deps venv postgres
	$(SWIFT) build --build-tests
	Tests/postgres.sh run sh -c 'UPLIFT_PYTHON=$(abspath $(PY)) $(SWIFT) test --skip-build && \
	  UPLIFT_BIN=$(abspath .build/debug/uplift) $(PY) -m pytest -q Tests/interop && \
	  UPLIFT_BIN=$(abspath .build/debug/uplift) $(PY) -m pytest -q Tests/integration'

## PostgreSQL server binaries for the catalog tests (Debian's postgresql package), when missing.
postgres:
	@Tests/postgres.sh install

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

## Debian packages the build needs (zlib headers for the CZlib system-library target).
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

## A Python virtual environment with the independent readers the tests compare against and the official
## PostHog and Segment SDKs; it is refreshed whenever the requirements file changes.
venv: $(VENV)/.ready
$(VENV)/.ready: Tests/interop/requirements.txt
	@command -v python3 >/dev/null 2>&1 && python3 -m venv --help >/dev/null 2>&1 || \
	  { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq python3 python3-venv; }
	python3 -m venv $(VENV) || { $(SUDO) apt-get install -y -qq python3-venv && python3 -m venv $(VENV); }
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r Tests/interop/requirements.txt
	touch $@

## Benchmarks (see loadtests/README.md); not part of the tests.
bench: deps venv release
	$(PY) loadtests/import_bench.py

clean:
	rm -rf .build $(VENV)
