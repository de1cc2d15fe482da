# make book: set up and build the website, the PDF and the Word file.  make test: build, then run every test.
.DEFAULT_GOAL := help
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
# The Python that makes .venv; `make book PYTHON=python3.12` picks another.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-tests
# uv (pinned in tools/uv.txt) installs the packages; it lives in a folder of its own, outside .venv.
UV_DIR := .uv
UV := $(UV_DIR)/bin/uv
export UV_LINK_MODE := copy
# uv lists every package it installs; the author sees how many and how long (the summary lines).
UV_SUMMARY := { grep --line-buffered -v -E '^ [-+~] '; true; }
TEST_PACKAGES := chromium poppler-utils

# Author's targets carry "## ", the maintainer's "#: "; `make help` lists them in that order.
help: ## List the targets
	@echo "For the author:"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'
	@echo "For the maintainer (docs/maintaining.md):"
	@grep -E '^[a-z-]+:.*#: ' $(MAKEFILE_LIST) | awk -F':.*#: ' '{printf "  make %-13s %s\n", $$1, $$2}'

# --- For the author ---------------------------------------------------------------------------------

book: venv ## Set up, then build the website, the two PDFs and the Word file (without TeX: all but the PDFs)
	@$(PYTHON) -m casebook.toolchain --install --optional tex pandoc
	$(PY) -m casebook.build all

html: venv ## Build only the website into _build/html (needs no TeX and no pandoc)
	$(PY) -m casebook.build html

pdf: venv ## Build the two PDFs into _build/pdf/ (needs TeX)
	@$(PYTHON) -m casebook.toolchain --install tex
	$(PY) -m casebook.build pdf

docx: venv ## Build the Word file _build/docx/case-report.docx from the last good website (needs pandoc)
	@$(PYTHON) -m casebook.toolchain --install pandoc
	$(PY) -m casebook.build docx

preview: ## Show the built website at http://localhost:8000 (Ctrl-C stops)
	@test -f _build/html/index.html || { echo "No website built yet: run make book (or make html) first." >&2; exit 1; }
	@echo "Open http://localhost:8000 in a browser; Ctrl-C stops."
	$(PYTHON) -m http.server --bind 127.0.0.1 --directory _build/html 8000

submission: book ## Build; if the journal's limits and statements are met, write _build/submission/case-report-submission.zip
	$(PY) -m casebook.submission

jats: book ## Build, then write the manuscript as JATS XML and a MECA zip into _build/jats/
	$(PY) -m casebook.jats

deidentified: venv ## Build the de-identified edition (no calendar dates) into _build/deidentified/_build/
	@$(PYTHON) -m casebook.toolchain --install tex pandoc
	$(PY) -m casebook.deidentify

clean: ## Remove every build output (keeps .venv)
	rm -rf _build

# --- For the maintainer -----------------------------------------------------------------------------

test: book test-deps test-tools lint #: Build, lint, then run every test
	CASEBOOK_TEST_ALL=1 $(PY) -m pytest  # a test whose prerequisite is missing fails here (tests/conftest.py)

check: test-tools lint #: Fast lane: the tests that need no build (unit, property, data validation)
	$(PY) -m pytest -q -n auto -m "not book and not browser and not slow"

lint: test-tools #: Check the code with ruff (pinned; rules in pyproject.toml)
	$(PY) -m ruff check casebook tests

bench: venv #: Time the author's loop (nothing changed, a sentence, a data value, clean) on a copy: _build/bench.csv
	@$(PYTHON) -m casebook.toolchain --install tex pandoc
	$(PY) -m casebook.bench

bench-size: venv #: Time validation and a build as the tables grow, up to the largest the book supports
	@$(PYTHON) -m casebook.toolchain --install tex pandoc
	$(PY) -m casebook.bench --size

citation: venv #: Write CITATION.cff and .zenodo.json from manuscript.yaml and html_baseurl
	$(PY) -m casebook.edition cff > CITATION.cff
	$(PY) -m casebook.edition zenodo > .zenodo.json

# uv, the installer, first: Python's own venv and pip fetch it (pinned in tools/uv.txt).
$(UV): tools/uv.txt
	@$(PYTHON) -m casebook.toolchain python --as=$(PYTHON)
	@echo "[setup] 1/3 uv, the installer that makes .venv (pinned in tools/uv.txt), into $(UV_DIR)/: about 10 s ..."
	@rm -rf $(UV_DIR) && $(PYTHON) -m venv $(UV_DIR) && $(UV_DIR)/bin/python -m pip install -q --disable-pip-version-check -r tools/uv.txt
	@touch $@

# The stamp holds the folder .venv was made for. A copied (cp -a), moved or renamed book
# folder carries a .venv whose scripts start with the old folder's path and whose editable
# install imports the old folder's casebook/: `make` points it at this folder first, and says so.
$(STAMP): requirements.txt constraints.txt pyproject.toml tools/excludes.txt | $(UV)
	@$(PYTHON) -m casebook.toolchain python --as=$(PYTHON)
	@echo "[setup] 2/3 $(VENV)/ with the packages that build the book (requirements.txt, pinned): about 20 s, 400 MB ..."
	@test -x $(PY) || $(UV) venv --quiet --python $(PYTHON) $(VENV)
	@$(UV) pip install --python $(PY) -r requirements.txt --excludes tools/excludes.txt 2>&1 | $(UV_SUMMARY)
	@echo "[setup] 3/3 this folder's casebook/ into $(VENV)/ (a few seconds) ..."
	@$(UV) pip install --quiet --python $(PY) --no-deps -e .
	@$(PY) tools/relocate_venv.py $(VENV)/bin >/dev/null  # a copied .venv being brought up to date: its scripts start here
	@echo "$(CURDIR)" > $@
	@echo "[setup] $(VENV)/ is ready"

venv: $(STAMP) | $(UV) #: Create .venv with the pinned requirements (or point a copied one at this folder)
	@owner="$$(cat $(STAMP))"; \
	if [ "$$owner" != "$(CURDIR)" ]; then \
	  echo "[setup] $(VENV) was made for $${owner:-another folder}; pointing it at this folder ($(CURDIR)) ..."; \
	  $(PY) tools/relocate_venv.py $(VENV)/bin && \
	  if [ -n "$$owner" ]; then sed -i "s|$$owner/$(VENV)|$(CURDIR)/$(VENV)|g" $(VENV)/bin/activate*; fi; \
	  $(UV) pip install --quiet --python $(PY) --no-deps -e . && \
	  echo "$(CURDIR)" > $(STAMP) && echo "[setup] $(VENV) now runs this folder's casebook/"; \
	fi

# The test and lint tools join .venv only for the maintainer's targets.
$(TEST_STAMP): tests/requirements.txt constraints.txt $(STAMP)
	@echo "[setup] the test and lint tools into $(VENV)/ (tests/requirements.txt, pinned): about 15 s, 250 MB ..."
	@$(UV) pip install --python $(PY) -r tests/requirements.txt --excludes tools/excludes.txt 2>&1 | $(UV_SUMMARY)
	@touch $@

test-tools: venv $(TEST_STAMP) #: Add the test and lint tools (tests/requirements.txt) to .venv

tex: #: Check for TeX (latexmk, xelatex, the LaTeX files); on Debian as root install it, elsewhere say how
	@$(PYTHON) -m casebook.toolchain --install tex

pandoc: #: Check for pandoc; on Debian as root install it, elsewhere say how
	@$(PYTHON) -m casebook.toolchain --install pandoc

test-deps: #: Install Chromium and poppler from Debian's packages if missing (the browser and PDF tests)
	@if ! command -v chromium >/dev/null || ! command -v pdftoppm >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "[setup] installing Chromium and poppler from Debian's packages (about a minute): $(TEST_PACKAGES)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(TEST_PACKAGES) | { grep -E '^(Get|Setting up)'; true; }; \
	  else \
	    echo "[setup] the browser and PDF tests need chromium and pdftoppm on the PATH; run:  sudo apt-get install $(TEST_PACKAGES)" >&2; exit 1; \
	  fi; \
	fi

.PHONY: help book html pdf docx preview jats submission deidentified clean test check lint bench bench-size citation venv test-tools tex pandoc test-deps
