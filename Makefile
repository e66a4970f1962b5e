# Gudang: `make run` starts the app with demo data, `make test` runs every test.
# Needs only python3 (3.11+) and make; everything else is installed into .venv.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
# Quiet installs that still print errors (pip prints warnings and errors even with -q).
PIP    := $(PY) -m pip --disable-pip-version-check --quiet
HOST   ?= 127.0.0.1
PORT   ?= 8000
# Two workers: the suite takes about half the time it takes in one process.
PYTEST_ARGS ?= -n 2

.PHONY: help run test lint typecheck translations messages bench check-deploy chromium clean

help:
	@echo "make run           install, migrate, load demo data, serve on http://$(HOST):$(PORT)/"
	@echo "make test          install test tools and Chromium, run the whole suite"
	@echo "make lint          ruff check + ruff format --check + make typecheck + make translations"
	@echo "make typecheck     mypy (django-stubs) over the apps"
	@echo "make translations  the translation gate: every string of the code in the catalogues, translated, compiled"
	@echo "make messages      update the catalogues (locale/) from the code and compile them"
	@echo "make bench         run bench/run.py"
	@echo "make check-deploy  Django's deployment checks with a production-like environment"

$(PY):
	$(PYTHON) -m venv $(VENV)

# Stamp files: reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PIP) install -e '.[dev]'
	@touch $@ $(VENV)/.installed

# Development: every command of `make run` (migrate, demo data, jobs, worker, server) runs with
# DEBUG=1, which also gives them the development SECRET_KEY (production refuses to start without one).
run: export DEBUG = 1
run: $(VENV)/.installed
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py load_demo
	$(PY) manage.py schedule_jobs
	@echo
	@echo "Gudang runs at http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	@echo "Demo logins:  admin / gudang-admin-2026   staff / gudang-staff-2026   clerk / gudang-clerk-2026   clerk.sby / gudang-clerk-2026"
	@echo
	@# The background worker (expired reservations) runs beside the server and stops with it.
	$(PY) manage.py db_worker --no-startup-delay --interval 5 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# The browser tests drive Debian's Chromium; install it when we can (root), else the e2e
# tests fail with a message saying how.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing Chromium (apt-get) for the browser tests..."; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "WARNING: /usr/bin/chromium is missing; run 'sudo apt-get install -y chromium' or the browser tests fail."; \
		fi; \
	fi

test: $(VENV)/.installed-dev chromium
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MAKE) --no-print-directory typecheck
	$(MAKE) --no-print-directory translations

# The django-stubs plugin loads the settings: a DATABASE_URL that is only parsed (no server is
# started or reached) and a key, both dummies. What to check is in pyproject.toml ([tool.mypy]).
typecheck: $(VENV)/.installed-dev
	DATABASE_URL=postgres://mypy@127.0.0.1:1/mypy SECRET_KEY=mypy-only $(VENV)/bin/mypy

# The translation gate (.ci/check_translations.py, needs GNU gettext): fails while a string of the
# code is missing from a catalogue, untranslated or fuzzy, or a .po is stale or its .mo is.
translations: $(VENV)/.installed
	$(PY) .ci/check_translations.py

# After adding or changing strings: the catalogues from the code (no obsolete entries kept), then
# compiled; translate what is new (empty or fuzzy) and run it again. makemessages reads the apps,
# templates and static/js, not the tests, the benchmark or the vendored JavaScript; it only loads
# the settings, so the database URL is a dummy (never connected to). I18N_IGNORE is the gate's
# IGNORE list; compilemessages walks the whole folder, so '.*' keeps it out of .venv.
I18N_IGNORE := --ignore 'tests/*' --ignore 'bench/*' --ignore 'static/vendor/*'
messages: export DEBUG = 1
messages: export DATABASE_URL = postgres://i18n@127.0.0.1:1/i18n
messages: $(VENV)/.installed
	$(PY) manage.py makemessages -a -d django --no-obsolete $(I18N_IGNORE)
	$(PY) manage.py makemessages -a -d djangojs --no-obsolete $(I18N_IGNORE)
	$(PY) manage.py compilemessages --ignore '.*'

bench: $(VENV)/.installed-dev
	$(PY) bench/run.py

check-deploy: $(VENV)/.installed
	SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	HTTPS=1 DEBUG=0 ALLOWED_HOSTS=gudang.example.com \
	$(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) test-artifacts .pytest_cache .ruff_cache .mypy_cache *.egg-info
