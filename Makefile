# archstudio: set-up and everyday commands. `make run` and `make test` set up everything first.
#
#   make run     venv + system libraries, then open the studio on the e-commerce sample
#   make test    venv + system packages + node tools, then ruff, import-linter and pytest
#   make venv    .venv with archstudio installed in editable mode, with its test extras
#   make system  Debian packages (scripts/setup-system.sh; only lists them when not root)
#   make node    mermaid-cli and redocly in node_modules/ (no browser download)
#   make lint    ruff check + import-linter contracts
#   make bench   the benchmarks (bench/run.py)
#   make clean   remove .venv and node_modules

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
VENV_STAMP := $(VENV)/.archstudio-installed
NODE_STAMP := node_modules/.archstudio-installed
SAMPLE := samples/ecommerce-order-management.yaml

# Tools such as redocly and pip must not wait on the network for telemetry or update checks.
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export NPM_CONFIG_UPDATE_NOTIFIER := false
export REDOCLY_TELEMETRY := off
export REDOCLY_SUPPRESS_UPDATE_NOTICE := true
export PUPPETEER_SKIP_DOWNLOAD := 1
export PUPPETEER_SKIP_CHROMIUM_DOWNLOAD := 1

.PHONY: help venv system node run test lint bench clean

help:
	@sed -n 's/^#   //p' Makefile

venv: $(VENV_STAMP)

$(VENV_STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	    echo "make venv: archstudio needs Python >= 3.11; '$(PYTHON)' is missing or older." \
	         "Run 'make system' or pass PYTHON=/path/to/python3.11+."; exit 1; }
	@if [[ ! -x $(VENV)/bin/pip ]]; then \
	    rm -rf $(VENV); \
	    $(PYTHON) -m venv $(VENV) || { echo "make venv: python3 -m venv failed;" \
	        "on Debian/Ubuntu run 'make system' (python3-venv)."; exit 1; }; \
	fi
	$(VENV)/bin/pip install -qq -e '.[test]'
	@touch $@

system:
	@bash scripts/setup-system.sh

node: $(NODE_STAMP)

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "make node: NOT installing node tools: npm missing" \
	    "(run 'make system' as root, or apt-get install nodejs npm)."; exit 0; }; \
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error && touch $@

run: system venv
	$(VENV)/bin/archstudio $(SAMPLE)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

test: system venv node lint
	$(VENV)/bin/pytest

bench: venv
	$(VENV)/bin/python bench/run.py

clean:
	rm -rf $(VENV) node_modules
