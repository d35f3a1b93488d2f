# Two entry points for a fresh machine with Python 3.11: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test schema

$(BIN)/rapport: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	touch $@

demo: $(BIN)/rapport
	$(BIN)/rapport demo

test: $(BIN)/rapport
	$(BIN)/python -m pytest

schema: $(BIN)/rapport
	$(BIN)/rapport schema export
