# make       set up (virtual environment, pinned packages, Debian libraries), then build every report
# make test  set up, then run the whole test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
READY := $(VENV)/.ready
# WeasyPrint needs Pango; libharfbuzz-subset0 makes its font subsets byte-reproducible;
# poppler-utils (pdftoppm, pdffonts) renders and inspects the PDFs in tests and the README picture.
DEBIAN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils

.PHONY: all reports setup system-packages test lint picture clean
.DEFAULT_GOAL := all

all: reports

reports: setup
	$(BIN)/snakemake --cores all

setup: system-packages $(READY)

system-packages:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages: $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	  else \
	    echo "Missing Debian packages: $$missing"; \
	    echo "Install them with:  sudo apt-get install $$missing"; exit 1; \
	  fi; \
	fi

$(READY): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed (found $$($(PYTHON) --version)); set PYTHON=python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

test: setup
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check briefing tests
	$(BIN)/ruff format --check briefing tests
	$(BIN)/snakefmt --check Snakefile
	$(BIN)/snakemake --lint

# The picture in the README: the first page of the first report's PDF.
picture: reports
	pdftoppm -r 60 -png -f 1 -l 1 -singlefile reports/$$($(BIN)/python -c 'import yaml; print(yaml.safe_load(open("config.yaml"))["reports"][0]["id"])')/briefing.pdf docs/first-page

clean:
	rm -rf build reports/*/
