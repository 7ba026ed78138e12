# Two commands on a new machine: `make report` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.8
SHARED := $(abspath ../shared/corpus)
FAKES := $(SHARED)/fakes/FA-KES-Dataset.csv
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
export PYTHONHASHSEED := 0

.PHONY: help env data model report notebooks test unit nbval matrix smoke browser browser-deps lab bench clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip --version >/dev/null 2>&1 || $(PY) -m ensurepip --upgrade >/dev/null
	$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(VENV)/bin/uv pip sync --quiet --python $(PY) requirements.lock
	$(VENV)/bin/uv pip install --quiet --python $(PY) --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	@touch $@

env: $(VENV)/.installed ## create the pinned environment (.venv) from requirements.lock

lock: ## re-resolve requirements.lock from pyproject.toml (needs the package index)
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements.lock

data: env ## build data/processed from data/raw
	$(PY) -m analysis build

model: env ## train the relation classifier from data/annotations (needs FA-KES in ../shared) and evaluate it
	$(PY) -m analysis model

report: data ## every notebook run on a corpus into reports/<name>/NN_name.html (CORPUS=path for yours; CODE=1 keeps the code)
	$(PY) -m analysis.publish $(if $(CORPUS),--corpus "$(abspath $(CORPUS))") $(if $(CODE),--code)

notebooks: data ## re-execute the notebooks in place (stored outputs come from one fresh run)
	$(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.kernel_name=python3 \
	  --ExecutePreprocessor.timeout=1200 $(NOTEBOOKS)

test: unit nbval matrix smoke browser ## unit tests, nbval, every notebook on generated corpora, a smoke run on FA-KES, browser tests

unit: env ## unit tests only
	$(PY) -m pytest tests -q -m "not notebooks" --ignore=tests/browser

matrix: env ## every notebook on generated corpora (empty, one document, one outlet, undated, no mentions, mixed, ...)
	$(PY) -m pytest tests -q -m notebooks --ignore=tests/browser

nbval: env ## nbval (lax) over every notebook on the seed corpus
	$(PY) -m pytest -q --nbval-lax --nbval-current-env notebooks

smoke: env ## run every notebook on FA-KES (../shared) in smoke mode, as HTML reports in build/smoke/
	@if [ -f "$(FAKES)" ]; then \
	  $(PY) -m analysis.publish --corpus "$(FAKES)" --smoke --out build/smoke && echo "smoke: every notebook ran on FA-KES"; \
	else echo "smoke: skipped, FA-KES not found at $(FAKES) (the shared corpora live beside the project)"; fi

browser-deps: ## Debian's chromium for the browser tests, installed when missing (apt-get; sudo when not root)
	@command -v chromium >/dev/null 2>&1 || { echo "installing Debian's chromium (browser tests)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

browser: env browser-deps ## browser tests in headless Chromium: every HTML report offline, notebook 02 in JupyterLab
	$(PY) -m pytest tests/browser -q

lab: env ## open JupyterLab on the notebooks (CORPUS=path to explore yours)
	$(if $(CORPUS),WORKBOOK_CORPUS="$(abspath $(CORPUS))") $(VENV)/bin/jupyter lab notebooks

bench: env ## benchmarks on FA-KES scaled to 100,000 articles (prints figures)
	@for b in bench/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean: ## remove processed data, reports and caches (never data/raw)
	rm -rf data/processed/* reports build .pytest_cache
	@touch data/processed/.gitkeep
