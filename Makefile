# Signaal — the two commands on a fresh machine are `make briefings` and `make test`.
# Each creates the virtual environment (.venv) and installs what it needs by itself.

# the interpreter of .venv: the python3 on the PATH, or the system's CPython where that one was
# compiled without --enable-optimizations, as pyenv does by default (about 15% slower; see
# scripts/pick_python.py)
PYTHON ?= $(shell python3 scripts/pick_python.py 2>/dev/null || echo python3)
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.signaal-installed
LAB_STAMP = $(VENV)/.signaal-lab
QUARTER ?=
ARGS   ?=
# make lab: LANG_PACK=nl adds JupyterLab in Dutch; LAB_PORT, LAB_IP and LAB_ARGS go to `jupyter lab`
LANG_PACK ?=
LAB_PORT ?= 8888
LAB_IP   ?= 127.0.0.1
LAB_ARGS ?=
# the git filter that strips notebook outputs on `git add` (.gitattributes: notebooks/*.ipynb);
# relative to the top of the work tree, where git runs filters, so every clone and work tree
# uses its own .venv; cell ids are kept (a renumbering would make every clone look changed)
NBSTRIPOUT = $(BIN)/python -m nbstripout --keep-id
NBSTRIPOUT_EXTRA_KEYS = metadata.papermill cell.metadata.papermill metadata.language_info.version \
	metadata.language_info.codemirror_mode metadata.language_info.file_extension metadata.language_info.mimetype \
	metadata.language_info.nbconvert_exporter metadata.language_info.pygments_lexer
# JupyterLab refuses to start as root (containers) unless told; without a display it opens no browser
LAB_ROOT    = $(if $(filter 0,$(shell id -u)),--allow-root)
LAB_BROWSER = $(if $(DISPLAY)$(WAYLAND_DISPLAY)$(BROWSER),,--no-browser)

.PHONY: help setup git-filters briefings quarterly test test-fast lint lab sample clean

help:
	@echo "make briefings   write the briefings for the latest quarter in the data (bundled sample offline)"
	@echo "make test        lint (ruff), types (mypy) and every test"
	@echo "make test-fast   the fast tests (no kernels, no PDFs; under a minute)"
	@echo "make lab         open JupyterLab on notebooks/ (LANG_PACK=nl: in Dutch; LAB_PORT=8888)"
	@echo "make quarterly QUARTER=2026Q3   the whole quarter (all themes)"

$(STAMP): pyproject.toml scripts/check_system.py
	$(PYTHON) scripts/check_system.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -c "import sys; print('setup: .venv runs Python', sys.version.split()[0], 'of', sys._base_executable)"
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python -m ipykernel install --sys-prefix --name signaal --display-name "Signaal (Python 3)" >/dev/null
	$(BIN)/python -c "import matplotlib.pyplot" # build matplotlib's font cache once
	@$(MAKE) --no-print-directory git-filters
	touch $(STAMP)

setup: $(STAMP)

# nbstripout as the clean filter of notebooks/*.ipynb in this repository's .git/config: what is
# committed has no outputs, execution counts or per-machine metadata, however Lab saved the file
git-filters:
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
	  git config filter.nbstripout.clean '$(NBSTRIPOUT)' && \
	  git config filter.nbstripout.smudge cat && \
	  git config filter.nbstripout.extrakeys '$(NBSTRIPOUT_EXTRA_KEYS)' && \
	  echo "git: notebooks/*.ipynb are committed without outputs (nbstripout filter)"; \
	fi

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

# JupyterLab once (a stamp; again only when pyproject.toml or LANG_PACK changes), then Lab on
# notebooks/, where notebooks/scratch/ (ignored by git, never a theme) holds experiments
$(LAB_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[test,dev]"
	touch $(LAB_STAMP)

$(VENV)/.signaal-lab-lang-%: $(LAB_STAMP)
	$(BIN)/python -m pip install --quiet "jupyterlab-language-pack-$*-$(shell echo $* | tr a-z A-Z)"
	mkdir -p $(VENV)/share/jupyter/lab/settings
	printf '{"@jupyterlab/translation-extension:plugin": {"locale": "%s_%s"}}\n' $* $(shell echo $* | tr a-z A-Z) \
	  > $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $@

lab: $(LAB_STAMP) $(if $(LANG_PACK),$(VENV)/.signaal-lab-lang-$(LANG_PACK))
	@mkdir -p notebooks/scratch
	$(BIN)/jupyter lab --notebook-dir=notebooks --ServerApp.ip=$(LAB_IP) --ServerApp.port=$(LAB_PORT) \
	  $(LAB_ROOT) $(LAB_BROWSER) $(LAB_ARGS)

sample: $(STAMP)
	$(BIN)/signaal data sample

clean:
	rm -rf $(VENV) .pytest_cache
