# The README's commands. Each sets up .venv (the pinned stack) on first use, so a fresh clone needs only `make`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
export GRADIO_ANALYTICS_ENABLED := False
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install test test-fast check-export nbtest pytest app bench readme clean

# torch first and exactly 2.13.0: a looser spec pulls a multi-GB CUDA build.
$(VENV)/.installed: settings.ini setup.py pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e ".[dev]"
	touch $@

install: $(VENV)/.installed

# The modules must be what the notebooks export: export, and fail if that changed anything under toolkit/.
check-export: install
	@before="$$(git status --porcelain -- toolkit; git diff -- toolkit)"; \
	$(BIN)/nbdev-export; \
	after="$$(git status --porcelain -- toolkit; git diff -- toolkit)"; \
	if [ "$$before" != "$$after" ]; then \
	  echo "nbdev-export changed toolkit/: edit the notebooks in nbs/, not the modules, then export and commit both"; \
	  git status --porcelain -- toolkit; exit 1; fi; echo "nbdev-export: toolkit/ matches nbs/"

# Three workers on a two-core machine: the tests and notebooks wait on servers, subprocesses and browsers part of the
# time (measured 2026-12-07 on 2 cores, the machine otherwise idle: pytest 11:56 against 12:55 in two workers; the
# notebooks 3:52)
nbtest: install
	OMP_NUM_THREADS=1 $(BIN)/nbdev-test --n-workers 3 --timing

# -rs: every skipped test and why (CUDA-only tests on a machine without a GPU)
pytest: install
	$(BIN)/pytest -q -rs -n 3 --dist loadgroup --durations=15

test: check-export nbtest pytest

# The inner loop: the export check and the tests not marked slow (no servers, subprocesses or long training)
test-fast: check-export
	$(BIN)/pytest -q -rs -n 2 --dist loadgroup -m "not slow"

# Reads $AWD_MODELS_DIR and Gradio's $GRADIO_SERVER_NAME / $GRADIO_SERVER_PORT when set (see the README)
app: install
	$(BIN)/awd serve

# README.md is rendered from nbs/index.ipynb (nbdev-readme would need Quarto, which does not install here)
readme:
	python3 scripts/make_readme.py

bench: install
	for b in bench/[!_]*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) build dist *.egg-info
