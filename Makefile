# One entry point for people and CI. `make run` and `make test` set up what they need.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
export PATH := $(BIN):$(PATH)
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: help setup run test test-quick test-matrix test-docker lint test-python test-js test-ui check-package bench clean

help:
	@echo "make run    - set up, then start JupyterLab with the extension on SQLite"
	@echo "make test   - set up, then lint and run every test (SQLite + PostgreSQL, jest, browser, Python 3.11-3.13)"
	@echo "make test-quick - lint and the unit tests (jest, pytest on SQLite without browser, hub, nginx, Docker)"
	@echo "make bench  - run the benchmarks beside their baselines and print one table"

$(VENV)/.installed: pyproject.toml package.json yarn.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# The deprecated `jupyter labextension develop` left a copy of install.json that the
	# wheel already maps.
	rm -f devinterview_jupyter/labextension/install.json
	$(BIN)/python -m pip install --quiet -e ".[test,dev]"
	touch $@

node_modules/.installed: package.json yarn.lock $(VENV)/.installed
	jlpm install --immutable
	touch $@

setup: $(VENV)/.installed node_modules/.installed
	jlpm build
	jupyter devinterview candidate-site build --output devinterview_jupyter/candidate_site
	jupyter-builder develop --overwrite .
	jupyter server extension enable --sys-prefix devinterview_jupyter

run: setup
	jupyter lab $(ALLOW_ROOT)

lint: setup
	ruff format --check devinterview_jupyter tests bench
	ruff check devinterview_jupyter tests bench
	mypy
	jlpm lint:check
	jlpm check:types

test-js: setup
	jlpm test

ui-tests/node_modules/.installed: ui-tests/package.json ui-tests/yarn.lock
	cd ui-tests && jlpm install --immutable
	touch $@

test-ui: setup ui-tests/node_modules/.installed
	cd ui-tests && CI=1 jlpm playwright test

check-package: setup
	bash scripts/check_package.sh

tests/hub/node_modules/.installed: tests/hub/package.json tests/hub/yarn.lock
	cd tests/hub && jlpm install --immutable
	touch $@

test-python: setup tests/hub/node_modules/.installed
	python -m pytest

# Only the Docker recipe (docs/deploy): builds the image, runs the compose stack (~10 min;
# `make test-python` runs it too).
test-docker: setup
	python -m pytest -m docker tests/test_docker.py

# The Python suite on SQLite under Python 3.12 and 3.13 too (.venv-3.X each); CI=true
# fails when one is not installed. TEST_MATRIX_PYTHONS="3.13" narrows it.
test-matrix: setup
	bash scripts/test_matrix.sh

test: lint test-js test-ui check-package test-python test-matrix

# While working: lint, jest, and pytest on SQLite without the deployment tests (JupyterHub,
# nginx, Docker; see the markers in pyproject.toml); no browser tests.
test-quick: lint test-js
	DEVINTERVIEW_TEST_DATABASES=sqlite python -m pytest -m "not hub and not nginx and not docker"

# Benchmarks (not part of `make test`): needs PostgreSQL and `wrk` (apt-get install wrk).
bench: setup ui-tests/node_modules/.installed
	python -m pip install --quiet -e ".[bench]"
	cd bench/node && jlpm install --immutable
	python -m bench $(BENCH_ARGS)

clean:
	jlpm clean:all || true
	rm -rf $(VENV) .venv-3.* node_modules ui-tests/node_modules dist
