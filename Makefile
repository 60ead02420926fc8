# The two commands a newcomer needs: `make serve` and `make test`.
# Both create .venv and install the project on first use.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
INDEX ?= .citeqa/index
SOURCES ?= corpus
PORT ?= 8000

.PHONY: install test serve eval eval-baseline bench clean browser-deps answerability-model

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

# Builds (or incrementally refreshes) the index of $(SOURCES), then serves
# the page and the API on 127.0.0.1:$(PORT).
serve: $(STAMP)
	$(BIN)/citeqa ingest $(SOURCES) --index $(INDEX)
	$(BIN)/citeqa serve --host 127.0.0.1 --port $(PORT) --index $(INDEX)

# The eval set's test split against the index of the bundled corpus plus the
# primary texts, gated on eval/baseline.json.
eval: $(STAMP)
	$(BIN)/citeqa eval --split test --baseline eval/baseline.json

# Explicitly accept the current figures as the new baseline.
eval-baseline: $(STAMP)
	$(BIN)/citeqa eval --split test --update-baseline eval/baseline.json

bench: $(STAMP)
	$(BIN)/python -m benchmarks.ingest_bench
	$(BIN)/python -m benchmarks.ask_bench

# Retrain the answerability cross-encoder (answers/training/README.md); on demand, not in CI.
answerability-model: $(STAMP)
	$(BIN)/pip install --quiet -e ".[train]"
	$(BIN)/citeqa ingest corpus ../shared/corpus/primary --index .citeqa/eval-index
	$(BIN)/python -m answers.training.dump_pools --index .citeqa/eval-index
	$(BIN)/python answers/training/build_answerability_data.py
	$(BIN)/python answers/training/train_answerability.py

# Debian's Chromium for the browser tests (needs root; CI runs this first).
browser-deps:
	test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver)

clean:
	rm -rf .citeqa .pytest_cache .hypothesis eval/reports
