# RCP Profiles. `make run` to try it, `make test` to test it (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
INSTALLED := $(VENV)/.installed
NPM_INSTALLED := node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
ADMIN_URL ?= admin/
CHROMIUM := /usr/bin/chromium

.PHONY: install npm-deps setup run serve test browser-deps java-deps lint format bench clean

install: $(INSTALLED)

# Reinstall whenever the dependencies (or these steps) change. pip and setuptools are upgraded
# first: the setuptools `python -m venv` bundles (65.5 on 3.11) has known vulnerabilities
# (tests/test_hardening.py checks the venv's).
$(INSTALLED): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

# The test tools npm installs (package.json): vnu-jar, the W3C Nu HTML validator that
# tests/test_valid_html.py runs with Java, and world-atlas, the Natural Earth boundaries the maps
# are projected from. Reinstalled, exactly as locked, whenever package-lock.json changes.
npm-deps: $(NPM_INSTALLED)

$(NPM_INSTALLED): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js and npm" >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: install
	$(MANAGE) migrate --noinput
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) compile_translations --verbosity 0
	$(MANAGE) load_bundled_profiles
	$(MANAGE) ensure_local_admin --url http://$(HOST):$(PORT)/$(ADMIN_URL)

run: setup
	@echo "Serving RCP Profiles at http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(MANAGE) runserver $(HOST):$(PORT)

# gunicorn, the way production runs it (gunicorn.conf.py: workers, timeouts, logs). With
# DJANGO_ENV=production and the variables of .env.example it is the production server; without,
# it serves the local set-up (`make setup` first for the bundled profiles and an admin).
serve: install
	$(MANAGE) migrate --noinput
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) compile_translations --verbosity 0
	HOST=$(HOST) PORT=$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py

test: install npm-deps
	test -x $(CHROMIUM) || $(MAKE) --no-print-directory browser-deps
	command -v java >/dev/null || $(MAKE) --no-print-directory java-deps
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) compile_translations --verbosity 0
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The browser tests (tests/test_browser.py) drive Debian's chromium: Playwright cannot download
# its own browsers here. Installed as root with apt-get; `make test` runs this when it is missing.
browser-deps:
	@test -x $(CHROMIUM) || DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null \
		|| { apt-get update -q >/dev/null \
		&& DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; }
	@test -x $(CHROMIUM) || { echo "$(CHROMIUM) could not be installed" >&2; exit 1; }

# The HTML validator (tests/test_valid_html.py) runs on Java: Debian's headless runtime, installed
# as root with apt-get; `make test` runs this when `java` is missing. Slim images lack the man
# directory the package's alternatives link into.
java-deps:
	@command -v java >/dev/null || { mkdir -p /usr/share/man/man1 \
		&& { DEBIAN_FRONTEND=noninteractive apt-get install -y -q default-jre-headless >/dev/null \
		|| { apt-get update -q >/dev/null \
		&& DEBIAN_FRONTEND=noninteractive apt-get install -y -q default-jre-headless >/dev/null; }; }; }
	@command -v java >/dev/null || { echo "java could not be installed" >&2; exit 1; }

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) check --fail-level WARNING
	$(MANAGE) makemigrations --check --dry-run

# Benchmarks print times and ratios; they never run in CI and never gate on timing.
bench: install
	$(BIN)/python -m bench.text
	$(BIN)/python -m bench.imports
	$(BIN)/python -m bench.import_export
	$(BIN)/python -m bench.legacy
	$(BIN)/python -m bench.editor
	$(BIN)/python -m bench.pages
	$(BIN)/python -m bench.search
	command -v wrk >/dev/null || apt-get install -y -q wrk >/dev/null \
		|| { apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null; }
	$(BIN)/python -m bench.load

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
