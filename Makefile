# The two commands a newcomer needs: `make serve` and `make test`.
# Both create .venv and install the project on first use.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
INDEX ?= .citeqa/index
SOURCES ?= corpus
PORT ?= 8000

.PHONY: install test serve eval eval-baseline bench clean

install: $(STAMP)

# torch is installed first and pinned: 2.13.0 is the CPU wheel; any other
# requirement pulls several GB of CUDA packages.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest

clean:
	rm -rf .citeqa .pytest_cache .hypothesis eval/reports
