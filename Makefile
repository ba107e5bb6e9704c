# The two commands a newcomer needs: `make run` and `make test`.
# Works with nothing but Python 3.12+ installed; SQLite unless DATABASE_URL says otherwise.

VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Links in emails, canonical links, the sitemap and loaddemo's output point at the server
# `make run` starts, whatever PORT is, unless SITE_URL is set.
SITE_URL ?= http://127.0.0.1:$(PORT)

# The first interpreter that really runs and is 3.12 or newer (a pyenv shim may exist but fail).
PYTHON := $(shell for p in python3.13 python3.12 python3 python; do \
	$$p -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1 && { echo $$p; break; }; \
	done)

.PHONY: run test venv lint demo clean

$(VENV)/.installed: requirements.txt
	@if [ -z "$(PYTHON)" ]; then echo "Python 3.12 or newer is needed (python3.12 / python3.13 / python3 were tried)." >&2; exit 1; fi
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

venv: $(VENV)/.installed

run: venv
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true SITE_URL=$(SITE_URL) $(PY) manage.py loaddemo
	DEBUG=true SITE_URL=$(SITE_URL) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: venv
	$(PY) -m pytest

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

# The public site and the workspace against the framework's floor, on PostgreSQL and SQLite
# (README: Performance). e.g. make bench BENCH_ARGS="--pages 500 --databases sqlite"
.PHONY: bench
bench: venv
	$(PY) -m bench.run $(BENCH_ARGS)

# Dump a scratch PostgreSQL database (demo plus some history), restore it into a fresh one and
# check everything came back: public pages, publications, audit log and its triggers, search
# (docs/operations.md: Backups). PostgreSQL on 127.0.0.1:5432 as postgres; drops its databases.
.PHONY: restore-drill
restore-drill: venv
	$(PY) -m portal.restore_drill

# The renderer fuzzer: bodies built from markdown atoms, each refused or rendered within the
# budget (docs/guide.md: limits on a section's text). The test suite runs a fixed, seeded 1,500 of them.
.PHONY: fuzz
FUZZ_CASES ?= 20000
fuzz: venv
	$(PY) -m bench.fuzz_markdown --cases $(FUZZ_CASES) $(FUZZ_ARGS)

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
