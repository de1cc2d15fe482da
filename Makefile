# make book: set up and build the website, the PDF and the Word file.  make test: build, then run every test.
.DEFAULT_GOAL := help
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEX_PACKAGES := texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended texlive-xetex latexmk fonts-freefont-otf
DOCX_PACKAGES := pandoc
TEST_PACKAGES := chromium poppler-utils

# $(call debian,packages): install the Debian packages that are missing, or say how.
define debian
@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
if [ -n "$$missing" ]; then \
  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
    echo "[setup] installing from Debian's packages: $$missing"; \
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
  else \
    echo "[setup] missing Debian packages; run:  sudo apt-get install $$missing" >&2; exit 1; \
  fi; \
fi
endef

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

# The stamp holds the folder .venv was made for. A copied (cp -a), moved or renamed book
# folder carries a .venv whose scripts start with the old folder's path and whose editable
# install imports the old folder's casebook/: `make` points it at this folder first, and says so.
$(STAMP): requirements.txt constraints.txt pyproject.toml
	@echo "[setup] creating $(VENV) with the pinned requirements ..."
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	echo "$(CURDIR)" > $@

venv: $(STAMP) ## Create .venv with the pinned requirements (or point a copied one at this folder)
	@owner="$$(cat $(STAMP))"; \
	if [ "$$owner" != "$(CURDIR)" ]; then \
	  echo "[setup] $(VENV) was made for $${owner:-another folder}; pointing it at this folder ($(CURDIR)) ..."; \
	  $(PY) tools/relocate_venv.py $(VENV)/bin && \
	  if [ -n "$$owner" ]; then sed -i "s|$$owner/$(VENV)|$(CURDIR)/$(VENV)|g" $(VENV)/bin/activate*; fi; \
	  $(PY) -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e . && \
	  echo "$(CURDIR)" > $(STAMP) && echo "[setup] $(VENV) now runs this folder's casebook/"; \
	fi

citation: venv ## Write CITATION.cff and .zenodo.json from manuscript.yaml and html_baseurl
	$(PY) -m casebook.edition cff > CITATION.cff
	$(PY) -m casebook.edition zenodo > .zenodo.json

tex: ## Install TeX from Debian's packages if missing
	$(call debian,$(TEX_PACKAGES))

pandoc: ## Install pandoc (for the Word file) from Debian's packages if missing
	$(call debian,$(DOCX_PACKAGES))

test-deps: ## Install Chromium and poppler from Debian's packages if missing
	$(call debian,$(TEST_PACKAGES))

html: venv ## Build the website into _build/html
	$(PY) -m casebook.build html

pdf: venv tex ## Build the PDF into _build/pdf/case-report.pdf
	$(PY) -m casebook.build pdf

docx: venv pandoc ## Build the Word file _build/docx/case-report.docx from the last good website
	$(PY) -m casebook.build docx

book: venv tex pandoc ## Set up, then build the website, the PDF and the Word file
	$(PY) -m casebook.build all

deidentified: venv tex pandoc ## Build the de-identified edition (no calendar dates) into _build/deidentified/_build/
	$(PY) -m casebook.deidentify

jats: book ## Build, then write the manuscript as JATS XML and a MECA zip into _build/jats/
	$(PY) -m casebook.jats

submission: book ## Build; if the journal profile is met, write _build/submission/case-report-submission.zip
	$(PY) -m casebook.submission

test: book test-deps lint ## Build, lint, then run every test
	CASEBOOK_TEST_ALL=1 $(PY) -m pytest  # a test whose prerequisite is missing fails here (tests/conftest.py)

lint: venv ## Check the code with ruff (pinned; rules in pyproject.toml)
	$(PY) -m ruff check casebook tests

bench: venv tex ## Time the author's loop (nothing changed, a sentence, a data value, clean) on a copy: _build/bench.csv
	$(PY) -m casebook.bench

bench-size: venv tex ## Time validation and a build as the tables grow, up to the largest the book supports
	$(PY) -m casebook.bench --size

check: venv lint ## Fast lane: the tests that need no build (unit, property, data validation)
	$(PY) -m pytest -q -n auto -m "not book and not browser and not slow"

clean: ## Remove every build output (keeps .venv)
	rm -rf _build

.PHONY: help venv citation tex pandoc test-deps html pdf docx book jats deidentified submission test lint check bench bench-size clean
