# The IR careers assistant. `make run` and `make test` do all set-up on a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3.10
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
UV_VERSION := 0.13.9
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

.DEFAULT_GOAL := help
CHROMIUM ?= /usr/bin/chromium
NGINX ?= /usr/sbin/nginx
.PHONY: help install browser nginx run chat test lint evaluate bench lock clean

help: ## Show the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

install: $(STAMP) ## Create .venv with Python 3.10 and the locked dependencies

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null || { \
	  echo "error: Python 3.10 is needed (Rasa 3.6 supports only Python < 3.11)."; \
	  echo "  With pyenv: 'pyenv install 3.10' (this repo's .python-version selects it)."; \
	  echo "  On Debian/Ubuntu: install python3.10 and python3.10-venv, or set PYTHON=/path/to/python3.10."; \
	  exit 1; }
	@echo "==> Creating $(VENV) and installing the locked dependencies (first time: about a minute)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	@$(BIN)/uv pip sync --compile-bytecode --python $(BIN)/python requirements.lock
	@$(BIN)/uv pip install --python $(BIN)/python --no-deps --no-build-isolation -e .
	@touch $(STAMP)

browser: ## Debian's Chromium for the widget's browser tests (installed when missing)
	@test -x $(CHROMIUM) || { \
	  echo "==> The widget's tests run in a real browser: installing Debian's chromium package with apt (once, about a minute)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

nginx: ## Debian's nginx for the production test (several instances behind it; installed when missing)
	@test -x $(NGINX) || { \
	  echo "==> The production test runs two Rasa instances behind a real nginx (deploy/nginx.conf): installing Debian's nginx package with apt (once)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq nginx >/dev/null; }

run: install ## Set up (database, spaCy pipeline, model) and serve on :5005 (actions :5055)
	@$(BIN)/bot serve

chat: install ## Talk to the assistant in the terminal (RASA_PORT, ACTION_PORT respected)
	@$(BIN)/bot chat

test: install browser nginx lint ## Install, lint, then run every test (trains a model once if needed)
	@$(BIN)/bot nlp build
	@$(BIN)/python -m pytest

lint: install ## ruff (lint and format check) and mypy on bot/, actions/ and bench/
	@echo "==> Lint: ruff and mypy"
	@$(BIN)/ruff check bot actions bench
	@$(BIN)/ruff format --check --quiet bot actions bench
	@$(BIN)/mypy

evaluate: install ## Held-out NLU test: accuracy, macro F1, per-intent table
	@$(BIN)/bot evaluate --report

bench: install ## Benchmarks: our config against the stock `rasa init` config
	@$(BIN)/python -m bench.run

lock: ## Re-resolve requirements.in into requirements.lock (after changing a pin)
	@$(BIN)/uv pip compile requirements.in --python-version 3.10 \
	  --python-platform x86_64-manylinux_2_28 --generate-hashes -o requirements.lock

clean: ## Remove generated files (keeps the database and conversations in var/)
	rm -rf models results .pytest_cache var/spacy
