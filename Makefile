# make       set up (virtual environment, pinned packages, Debian libraries), then build every report
# make test  set up (plus the browser and checkers the tests use), then run the whole test suite
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
TEST_DEBIAN_PACKAGES := chromium qpdf $(if $(shell command -v java),,default-jre-headless) $(if $(shell command -v npm),,npm)

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

.PHONY: bench all docs reports build setup test-setup system-packages test-packages test lint picture screenshots verify sign build-report clean
.DEFAULT_GOAL := all

all: reports

reports: setup build

# One build at a time per checkout: flock queues a second `make` until the first is done, and is
# released by the kernel even when a build is killed, so the stale Snakemake lock a killed run
# leaves can be cleared safely before building (rerun-incomplete redoes its unfinished jobs).
build:
	flock .build.lock sh -c '$(BIN)/snakemake --unlock --quiet all && $(BIN)/snakemake --cores all'

setup: system-packages $(READY)

test-setup: setup test-packages $(NODE_READY) $(TEST_READY)

system-packages:
	$(call debian_packages,$(DEBIAN_PACKAGES))

test-packages:
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

test: test-setup
	$(BIN)/pytest

lint: $(TEST_READY)
	$(BIN)/ruff check briefing tests benchmarks
	$(BIN)/ruff format --check briefing tests benchmarks
	$(BIN)/snakefmt --check Snakefile rules
	$(BIN)/snakemake --lint

# Rebuild every report's briefing.pdf from the data it carries and compare the bytes.
verify: reports
	@status=0; for report in $(REPORTS); do $(BIN)/python -m briefing verify reports/$$report/briefing.pdf || status=1; done; exit $$status

# Sign every briefing.pdf as reports/<id>/briefing.signed.pdf, the copy to distribute, with the
# key and certificate in the files named by BRIEFING_SIGNING_KEY and BRIEFING_SIGNING_CERT
# (optional: BRIEFING_SIGNING_KEY_PASSPHRASE_FILE, BRIEFING_SIGNING_CHAIN). briefing.pdf stays as built.
sign: reports
	@for report in $(REPORTS); do $(BIN)/python -m briefing sign reports/$$report/briefing.pdf --out reports/$$report/briefing.signed.pdf || exit 1; done

# The README's data-model tables, written from schemas/datapackage.yaml (a test fails when they are stale).
docs: setup
	$(BIN)/python -m briefing docs

# Snakemake's own provenance report: every figure, HTML and PDF with its caption and lineage.
build-report: reports
	$(BIN)/snakemake --report reports/build-report.html

# The picture in the README: the first page of the first report's PDF.
picture: reports
	pdftoppm -r 60 -png -f 1 -l 1 -singlefile reports/$(firstword $(REPORTS))/briefing.pdf docs/first-page

# Full-page pictures of every briefing.html as a desktop (1280 px) and a phone (390 px) shows it.
screenshots: test-setup reports
	$(BIN)/python tests/screenshots.py --out docs/screenshots

# Speed and memory against the targets (README "Scaling"): a table here, the figures in
# build/bench/bench.json. About 10 minutes; synthetic data is kept in build/bench/ for reruns.
bench: setup
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf build reports/*/
