# Kho — two commands do all set-up on a fresh Debian 12 machine (as root): `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= /usr/bin/python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export OMP_THREAD_LIMIT := 1
export PYTHONDONTWRITEBYTECODE := 1
PG_URL_FILE := $(VENV)/.pg-url

.PHONY: help run test test-sqlite test-postgres lint bench system venv messages clean

help:
	@echo "make run    cài đặt, tạo kho mẫu và chạy máy chủ / install, demo archive, serve on http://127.0.0.1:8000"
	@echo "make test   kiểm thử trên SQLite và PostgreSQL / test suite on SQLite and PostgreSQL"
	@echo "make bench  đo hiệu năng / benchmarks"

system:
	@bash scripts/install-system.sh

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

venv: system $(STAMP) messages

messages: $(STAMP)
	@cd src/kho && DJANGO_SETTINGS_MODULE=kho.config.settings ../../$(BIN)/django-admin compilemessages -v 0

run: venv
	$(BIN)/kho init
	$(BIN)/kho demo
	@bash scripts/run-server.sh

lint: venv
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy
	$(BIN)/python scripts/check_sizes.py

test-sqlite: venv
	env -u KHO_DATABASE_URL $(BIN)/python -m pytest -q -p no:cacheprovider

test-postgres: venv
	@bash scripts/ensure-postgres.sh > $(PG_URL_FILE)
	KHO_DATABASE_URL="$$(cat $(PG_URL_FILE))" $(BIN)/python -m pytest -q -p no:cacheprovider

test: lint test-sqlite test-postgres

bench: venv
	@bash scripts/ensure-postgres.sh > $(PG_URL_FILE)
	KHO_BENCH_PG_URL="$$(cat $(PG_URL_FILE))" $(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
