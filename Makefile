# Two entry points for a fresh machine with Python 3.11: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test schema chromium

$(BIN)/rapport: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	touch $@

demo: $(BIN)/rapport
	$(BIN)/rapport demo

test: $(BIN)/rapport chromium
	$(BIN)/python -m pytest

# The browser tests drive Debian's headless Chromium; install it when it is missing (needs root or sudo).
chromium:
	@command -v chromium >/dev/null || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

schema: $(BIN)/rapport
	$(BIN)/rapport schema export
