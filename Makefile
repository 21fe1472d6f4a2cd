# Reports are files that depend on their notebook, the package, the corpus and
# the parameters, so `make` rebuilds only what is stale. Every step writes to a
# temporary file and moves it into place: a failed build leaves the previous
# report where it was.
#
#   make reports                      # the five-document corpus -> reports/ (in parallel: -j1 for one job)
#   make reports CORPUS=path/to/dir   # another corpus -> reports/<dir name>/
#   make test                         # the test suite (slow tests included)

SHELL := /bin/bash
.DEFAULT_GOAL := reports
.SECONDARY:

# Independent steps run in parallel unless -j is given: every step writes its own files
# through a temporary name, and the shared caches under .cache/ are computed by one process
# while the others wait (analysis/diskcache.py).
JOBS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); echo $$(( n < 4 ? n : 4 )))
ifeq ($(filter -j% --jobs%,$(MAKEFLAGS)),)
MAKEFLAGS += -j$(JOBS)
endif

# Python 3.11: python3.11 if installed, else python3 (checked by scripts/setup-system.sh).
PYTHON ?= $(shell command -v python3.11 2>/dev/null || echo python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

CORPUS ?= corpus
PARAMS ?= params.yaml
# Shell, not make functions, for the corpus path: make splits paths at spaces.
CORPUS_ABS := $(shell realpath -m -- "$(CORPUS)")
ifeq ($(CORPUS_ABS),$(CURDIR)/corpus)
OUT ?= reports
else
OUT ?= reports/$(shell basename -- "$(CORPUS_ABS)" | tr -c 'A-Za-z0-9._\n-' '_')
endif

NOTEBOOKS ?= $(sort $(wildcard notebooks/*.ipynb))
NAMES := $(notdir $(NOTEBOOKS:.ipynb=))
EXECUTED := $(OUT)/.executed
HTML := $(NAMES:%=$(OUT)/%.html)
PDF := $(NAMES:%=$(OUT)/%.pdf)
DATA := $(OUT)/data/.complete
SRC := $(sort $(shell find analysis -type f \( -name '*.py' -o -name '*.yaml' \)))
TEMPLATE := $(wildcard analysis/templates/report/*)
# The corpus as one prerequisite: a file listing names, sizes and times of its
# files, rewritten only when that listing changes. File names may hold spaces.
# It lives under .cache/, so a build that fails before writing anything leaves
# no empty $(OUT)/ behind. find gets the absolute path (a folder named -x is not
# an option) and its errors are not written into the listing: the analysis
# step reports a missing or unreadable corpus in one line.
CORPUS_STATE := .cache/make/$(shell printf '%s' "$(OUT)" | tr -c 'A-Za-z0-9._-' '_').corpus-state
BUILDING := $(filter-out help clean lab test,$(or $(MAKECMDGOALS),reports))
ifneq ($(BUILDING),)
ifneq ($(shell test -f "$(PARAMS)" && echo yes),yes)
$(error error: parameter file '$(PARAMS)' does not exist: pass PARAMS=path/to/params.yaml)
endif
$(shell mkdir -p .cache/make && find "$(CORPUS_ABS)" -maxdepth 1 -type f -printf '%P %s %T@\n' 2>/dev/null | sort \
  > "$(CORPUS_STATE).new" && { cmp -s "$(CORPUS_STATE).new" "$(CORPUS_STATE)" && rm -f "$(CORPUS_STATE).new" \
  || mv -f "$(CORPUS_STATE).new" "$(CORPUS_STATE)"; })
endif

.PHONY: help reports test lab clean bench

help: ## list the targets
	@echo "Targets:"
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z]+):.*## /  make \1\t/' | expand -t 22
	@echo "Variables: CORPUS=$(CORPUS) PARAMS=$(PARAMS) OUT=$(OUT)"

reports: $(DATA) $(HTML) $(PDF) $(OUT)/index.html ## execute every notebook and render HTML + PDF into $(OUT)/ (default)
	@echo "reports are up to date in $(OUT)/"

$(EXECUTED)/%.ipynb: notebooks/%.ipynb $(SRC) $(CORPUS_STATE) $(PARAMS) $(STAMP)
	@echo "execute  $<"
	@$(PY) -m analysis.build execute $< $@ --corpus "$(CORPUS_ABS)" --params="$(PARAMS)"

# Notebooks that run the redundancy analysis start after the data step, which has by then
# trained the verifier and embedded the sentences into .cache/: meanwhile the other notebooks
# run, instead of waiting on the cache. Order only: a newer data folder rebuilds nothing.
AFTER_DATA := $(shell grep -l -E 'detect_redundancy|summarise' $(NOTEBOOKS) /dev/null 2>/dev/null)
$(patsubst notebooks/%.ipynb,$(EXECUTED)/%.ipynb,$(AFTER_DATA)): | $(DATA)

$(OUT)/%.html: $(EXECUTED)/%.ipynb $(TEMPLATE)
	@echo "html     $@"
	@$(PY) -m analysis.build html $< $@

$(OUT)/%.pdf: $(EXECUTED)/%.ipynb $(TEMPLATE)
	@echo "pdf      $@"
	@$(PY) -m analysis.build pdf $< $@

# The landing page: every report's title, answer and links (after the reports, so
# its links are checked against the files that exist).
$(OUT)/index.html: $(NAMES:%=$(EXECUTED)/%.ipynb) $(HTML) $(PDF) $(DATA)
	@echo "index    $@"
	@$(PY) -m analysis.build index "$(EXECUTED)" "$(OUT)"

$(DATA): $(SRC) $(CORPUS_STATE) $(PARAMS) $(STAMP)
	@echo "data     $(OUT)/data/"
	@$(PY) -m analysis all "$(CORPUS_ABS)" --out "$(OUT)/data" --params="$(PARAMS)" > /dev/null
	@touch $@

$(STAMP): pyproject.toml requirements.lock scripts/setup-system.sh
	@bash scripts/setup-system.sh $(PYTHON)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "setup    installing Python packages into $(VENV) (first run takes a few minutes)"
	@{ $(PY) -m pip install --upgrade pip && $(PY) -m pip install -r requirements.lock && \
	   $(PY) -m pip install --no-deps --no-build-isolation -e . ; } > $(VENV)/install.log 2>&1 || \
	   { tail -n 25 $(VENV)/install.log; echo "error: installing Python packages failed (log: $(VENV)/install.log)" >&2; exit 1; }
	@touch $@

test: $(STAMP) ## run the whole test suite, slow tests included (PYTEST_ARGS="-m 'not slow'" for a quick run)
	@$(PY) -m pytest $(PYTEST_ARGS)

bench: $(STAMP) ## time the analyses on 5-5,000 synthetic documents and the build vs its floor -> reports/bench/
	@$(PY) benchmarks/run.py --out reports/bench --build $(BENCH_ARGS)

lab: $(STAMP) ## open JupyterLab on the project's kernel
	@$(PY) -m jupyter lab notebooks/

clean: ## remove rendered reports and caches (keeps .venv; rm -rf .venv to reinstall)
	rm -rf reports/*/ reports/*.html reports/*.pdf reports/.executed reports/data .cache .pytest_cache
