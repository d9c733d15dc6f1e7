# tuiphone developer entry points. `make run` and `make test` are the README's two commands.
SHELL := /bin/bash
# The first interpreter that really runs and is 3.11 or 3.12 (pyenv shims may exist but fail).
PYTHON ?= $(shell for p in python3.12 python3.11 python3; do \
	  $$p -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] < (3, 13))' 2>/dev/null \
	  && { command -v $$p; break; }; done)
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: run setup setup-test lab test bench soak check clean

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "tuiphone needs Python 3.11 or 3.12 (python3.11/python3.12 on PATH)"; exit 1; }
	@$(PYTHON) -c 'import sys; assert (3, 11) <= sys.version_info[:2] < (3, 13), "tuiphone needs Python 3.11 or 3.12 (the pjsua2 wheel exists up to 3.12)"'
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); bash .ci/install-venv-support && $(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test,dev]'
	@touch $@ $(VENV)/.installed

setup: $(VENV)/.installed

setup-test: $(VENV)/.installed-test

## Set up (first time only) and start tuiphone. Extra arguments: make run ARGS='--config x.toml'
run: setup
	$(BIN)/tuiphone $(ARGS)

## The SIP lab used by the tests: Kamailio, baresip, SIPp (apt; uses sudo when not root)
lab:
	bash .ci/install-lab

## Install the lab and test extras, then run the whole suite
test: lab setup-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Benchmarks: one JSON object per line on stdout (also saved in bench-results/)
bench: lab setup-test
	$(BIN)/python bench/run_all.py

## Soak (not in CI): one registered engine, a call and a MESSAGE every 2 s, 50 BLF lamps.
## SOAK_MINUTES=10 by default; prints soak_rss_growth_mb, soak_cpu_pct, fd/thread growth
SOAK_MINUTES ?= 10
soak: lab setup-test
	SOAK_MINUTES=$(SOAK_MINUTES) $(BIN)/python bench/soak.py

check: setup-test
	$(BIN)/ruff check tuiphone tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache bench-results
