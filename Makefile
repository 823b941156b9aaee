# The README's two commands: `make run` and `make test`.
# Each (re)builds .venv from requirements.lock when it is missing or stale.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-from-lock
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run worker test lint format lock messages bench bench-scale wrk browser axe clean

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $(STAMP)

# PORT goes to the settings too: emailed links default to this port (SITE_URL).
run: export PORT := $(PORT)
run: $(STAMP)
	DEBUG=$${DEBUG:-true} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} $(PY) manage.py createcachetable
	DEBUG=$${DEBUG:-true} exec $(PY) manage.py runserver 127.0.0.1:$(PORT)

worker: $(STAMP)
	@test -n "$$CELERY_BROKER_URL$$REDIS_URL" || { echo "make worker: set CELERY_BROKER_URL or REDIS_URL (without them tasks run in-process)"; exit 2; }
	DEBUG=$${DEBUG:-true} DJANGO_SETTINGS_MODULE=config.settings.local exec $(VENV)/bin/celery -A config worker --beat --loglevel=INFO

# Debian's Chromium (and a CJK font for screenshots) for the browser tests.
browser:
	@dpkg -s chromium fonts-wqy-microhei >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; }

# axe-core for the accessibility tests, from npm (tests/browser/package.json),
# reinstalled when package-lock.json is newer. The touch: `npm install`, which
# re-pins, writes the lock after the files it unpacks.
AXE := tests/browser/node_modules/axe-core/axe.min.js

$(AXE): tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund
	@touch $@

axe: $(AXE)

# The two passes run side by side (each has its own database, Redis db,
# ports and output folder), the services pass in two pytest-xdist workers
# (each again with its own database and Redis db; a file's tests stay on one
# worker): it mostly waits on processes and browsers, and the other
# processes fill the idle cores. The embedded pass's output is shown once it
# ends.
EMBEDDED_LOG := var/test-output/embedded.log
SERVICES_WORKERS ?= 2

test: $(STAMP) browser axe
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@mkdir -p var/test-output
	@TEST_OUTPUT_DIR=var/test-output/embedded $(PY) -m pytest --embedded $(PYTEST_ARGS) >$(EMBEDDED_LOG) 2>&1 & embedded=$$!; \
	$(PY) -m pytest -n $(SERVICES_WORKERS) --dist loadfile $(PYTEST_ARGS); services=$$?; \
	wait $$embedded; embedded_status=$$?; \
	echo "== the embedded pass (pytest --embedded):"; cat $(EMBEDDED_LOG); \
	exit $$(( services || embedded_status ))

lint: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Re-pin requirements.lock after editing pyproject.toml (needs uv: pip install uv).
lock:
	uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements.lock

# Re-extract and compile the translation catalogues (needs GNU gettext).
messages: $(STAMP)
	cd haima && DEBUG=true ../$(PY) ../manage.py makemessages -l zh_Hans -d django --no-obsolete
	cd haima && DEBUG=true ../$(PY) ../manage.py makemessages -l zh_Hans -d djangojs --no-obsolete
	cd haima && DEBUG=true ../$(PY) ../manage.py compilemessages

# The peers of `make bench` (bench/peers) live in a throwaway virtualenv of
# their own, rebuilt when their requirements change; wrk from Debian.
PEERS := var/peers/venv
PEERS_STAMP := $(PEERS)/.installed-from-requirements

$(PEERS_STAMP): bench/peers/requirements.txt
	rm -rf $(PEERS)
	$(PYTHON) -m venv $(PEERS)
	$(PEERS)/bin/python -m pip install --quiet --disable-pip-version-check -r bench/peers/requirements.txt
	@touch $@

wrk:
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

# One table: Haima beside its peers, measured in one run (bench/run.py).
bench: $(STAMP) $(PEERS_STAMP) wrk
	$(PY) bench/run.py

# Scale-out: two gunicorn instances and two Celery workers, 1,000 customers
# (bench/scale_out.py; the suite runs the same driver with 30).
bench-scale: $(STAMP)
	$(PY) bench/scale_out.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache tests/browser/node_modules
