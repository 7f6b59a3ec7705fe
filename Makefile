# Signaal — the two commands on a fresh machine are `make briefings` and `make test`.
# Each creates the virtual environment (.venv) and installs what it needs by itself.

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.signaal-installed
QUARTER ?=
ARGS   ?=

.PHONY: help setup briefings quarterly test test-fast lint lab sample clean

help:
	@echo "make briefings   write the briefings for the latest quarter in the data (bundled sample offline)"
	@echo "make test        lint (ruff), types (mypy) and every test"
	@echo "make test-fast   the fast tests (no kernels, no PDFs; under a minute)"
	@echo "make lab         open JupyterLab on notebooks/"
	@echo "make quarterly QUARTER=2026Q3   the whole quarter (all themes)"

$(STAMP): pyproject.toml scripts/check_system.py
	$(PYTHON) scripts/check_system.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python -m ipykernel install --sys-prefix --name signaal --display-name "Signaal (Python 3)" >/dev/null
	$(BIN)/python -c "import matplotlib.pyplot" # build matplotlib's font cache once
	touch $(STAMP)

setup: $(STAMP)

briefings: $(STAMP)
	$(BIN)/signaal run $(if $(QUARTER),--quarter $(QUARTER)) $(ARGS)

quarterly: $(STAMP)
	$(BIN)/signaal run $(if $(QUARTER),--quarter $(QUARTER)) $(ARGS)

test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/python -m pytest $(ARGS)

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not e2e and not slow" $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/mypy

lab: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[test,dev]"
	$(BIN)/jupyter lab notebooks/

sample: $(STAMP)
	$(BIN)/signaal data sample

clean:
	rm -rf $(VENV) .pytest_cache
