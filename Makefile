# make       set up (virtual environment, pinned packages, Debian libraries), then build every report
# make test  set up (plus the browser and checkers the tests use), then run the whole test suite
# make help  every target, one line each (from the `## ` comment on its line)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
READY := $(VENV)/.ready
TEST_READY := $(VENV)/.test-ready
NODE_READY := node_modules/.ready
REPORTS = $(shell $(BIN)/python -c 'import yaml; print(" ".join(r["id"] for r in yaml.safe_load(open("config.yaml"))["reports"]))')
# WeasyPrint needs Pango; libharfbuzz-subset0 makes its font subsets byte-reproducible;
# poppler-utils (pdftoppm, pdffonts) renders and inspects the PDFs.
DEBIAN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils
# The tests also drive Debian's chromium and check PDFs with qpdf; the Nu HTML Checker (vnu.jar)
# needs a Java runtime (11 or newer), and npm installs it and axe-core: Java and npm are added
# only when their command is missing, so ones installed some other way are used as they are.
# SLURM (controller, node daemon, munge, client commands) runs a one-node cluster for
# tests/test_slurm.py.
TEST_DEBIAN_PACKAGES := chromium qpdf slurmctld slurmd munge slurm-client $(if $(shell command -v java),,default-jre-headless) $(if $(shell command -v npm),,npm)
# The build prints one progress line and a table of what it made (the logger plugin
# snakemake_logger_plugin_briefing); V=1 prints Snakemake's own output live instead.
LOGGER := $(if $(V),,--logger briefing)

# Installs the Debian packages named in $(1) that are missing (as root), or says how to.
define debian_packages
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages: $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	  else \
	    echo "Missing Debian packages: $$missing"; \
	    echo "Install them with:  sudo apt-get install $$missing"; exit 1; \
	  fi; \
	fi
endef

.PHONY: help preview bench all docs reports build setup test-setup system-packages test-packages test lint picture screenshots verify sign build-report clean
.DEFAULT_GOAL := all

all: reports ## set up, then build every report (the default)

reports: setup build ## the same as all

help: ## list the targets, one line each
	@awk -F ':.*## ' '/^[a-z][a-z-]*:.*## / { printf "  %-16s %s\n", $$1, $$2 }' $(firstword $(MAKEFILE_LIST))

# One build at a time per checkout: flock queues a second `make` until the first is done, and is
# released by the kernel even when a build is killed, so the stale Snakemake lock a killed run
# leaves can be cleared safely before building (rerun-incomplete redoes its unfinished jobs).
# What the unlock prints is dropped (the profile it reads): whatever would stop it (a setting)
# stops the build too, which says so. The build exits with Snakemake's status; the cores and the
# rest come from profiles/default.
build: ## build what changed, with a progress line and a table of the reports (V=1: Snakemake's own output)
	@flock .build.lock sh -c '$(BIN)/snakemake --unlock --quiet all >/dev/null 2>&1; exec $(BIN)/python -m snakemake_logger_plugin_briefing $(LOGGER)'

setup: system-packages $(READY) ## make the virtual environment in .venv (pinned packages) and check the Debian libraries

test-setup: setup test-packages $(NODE_READY) $(TEST_READY) ## setup, plus the browser, checkers and packages the tests use

system-packages: ## install (as root) or name the Debian libraries WeasyPrint needs
	$(call debian_packages,$(DEBIAN_PACKAGES))

test-packages: ## install (as root) or name the Debian packages the tests use
	$(call debian_packages,$(TEST_DEBIAN_PACKAGES))

$(READY): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed (found $$($(PYTHON) --version)); set PYTHON=python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

$(TEST_READY): requirements-test.lock $(READY)
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.lock -r requirements-test.lock
	touch $@

# axe-core and vnu-jar at the exact versions of package-lock.json; npm ci starts from an empty
# node_modules/. No install scripts: vnu-jar's would download a Java runtime.
$(NODE_READY): package-lock.json | test-packages
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

test: test-setup ## set up, then run the whole test suite
	$(BIN)/pytest

lint: $(TEST_READY) ## ruff, snakefmt and snakemake --lint
	$(BIN)/ruff check briefing snakemake_logger_plugin_briefing tests benchmarks
	$(BIN)/ruff format --check briefing snakemake_logger_plugin_briefing tests benchmarks
	$(BIN)/snakefmt --check Snakefile rules
	$(BIN)/snakemake --lint

# The live preview: watches data/, the narrative, templates/ and config.yaml, rebuilds on each save.
REPORT ?= $(firstword $(REPORTS))
preview: setup ## serve one report's HTML at http://127.0.0.1:8000/, rebuilt as you save (REPORT=<id>; default the first)
	$(BIN)/python -m briefing preview $(REPORT)

# Rebuild every report's briefing.pdf from the data it carries and compare the bytes.
verify: reports ## rebuild every briefing.pdf from the data it carries and compare the bytes
	@status=0; for report in $(REPORTS); do $(BIN)/python -m briefing verify reports/$$report/briefing.pdf || status=1; done; exit $$status

# Sign every briefing.pdf as reports/<id>/briefing.signed.pdf, the copy to distribute, with the
# key and certificate in the files named by BRIEFING_SIGNING_KEY and BRIEFING_SIGNING_CERT
# (optional: BRIEFING_SIGNING_KEY_PASSPHRASE_FILE, BRIEFING_SIGNING_CHAIN). briefing.pdf stays as built.
sign: reports ## sign every briefing.pdf as briefing.signed.pdf (key and certificate: BRIEFING_SIGNING_KEY, BRIEFING_SIGNING_CERT)
	@for report in $(REPORTS); do $(BIN)/python -m briefing sign reports/$$report/briefing.pdf --out reports/$$report/briefing.signed.pdf || exit 1; done

# The README's data-model tables, written from schemas/datapackage.yaml (a test fails when they are stale).
docs: setup ## write the README's data-model tables from schemas/datapackage.yaml
	$(BIN)/python -m briefing docs

# Snakemake's own provenance report: every figure, HTML and PDF with its caption and lineage.
build-report: reports ## Snakemake's provenance report, as reports/build-report.html
	$(BIN)/snakemake --report reports/build-report.html

# The picture in the README: the first page of the first report's PDF.
picture: reports ## the README's picture of the first page
	pdftoppm -r 60 -png -f 1 -l 1 -singlefile reports/$(firstword $(REPORTS))/briefing.pdf docs/first-page

# Full-page pictures of every briefing.html as a desktop (1280 px) and a phone (390 px) shows it.
screenshots: test-setup reports ## full-page pictures of every briefing.html, desktop and phone
	$(BIN)/python tests/screenshots.py --out docs/screenshots

# Speed and memory against the targets (README "Scaling"): a table here, the figures in
# build/bench/bench.json. About ten minutes on an idle machine; synthetic data is kept in build/bench/ for reruns.
bench: setup ## speed and memory against the README's targets (about ten minutes)
	$(BIN)/python benchmarks/bench.py

clean: ## remove build/ and the reports' folders
	rm -rf build reports/*/
