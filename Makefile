# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
STUDENTS ?= 2000

.PHONY: run test venv deps-browser deps-axe migrate demo worker lint format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

# Browser tests drive Debian's Chromium; Playwright never downloads a browser.
deps-browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver fonts-noto-cjk; \
	  else \
	    echo "Browser tests need Debian's chromium: sudo apt-get install chromium chromium-driver fonts-noto-cjk" >&2; exit 1; \
	  fi; \
	fi

# axe-core (npm) for the accessibility checks of the browser tests.
deps-axe:
	@if [ ! -f node_modules/axe-core/axe.min.js ]; then npm ci --no-audit --no-fund || npm install --no-audit --no-fund; fi

migrate: venv
	DEBUG=1 $(BIN)/python manage.py migrate --noinput

demo: migrate
	DEBUG=1 $(BIN)/python manage.py seed_demo --if-empty --students $(STUDENTS)

# Web server, Celery worker and beat together; Ctrl-C stops all three.
run: demo
	@echo "Portal: http://$(HOST):$(PORT)/   staff: registrar / demo12345   secretaries: sec-01 ... / demo12345   students: 学号 / demo12345"
	@trap 'kill 0' INT TERM EXIT; \
	DEBUG=1 $(BIN)/celery -A registrar worker --beat --loglevel=info --concurrency=2 & \
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

worker: venv
	DEBUG=1 $(BIN)/celery -A registrar worker --beat --loglevel=info --concurrency=2

test: venv deps-browser deps-axe
	DEBUG=1 SELFCHECK_VAR_DIR=$${SELFCHECK_VAR_DIR:-$(CURDIR)/var/test} $(BIN)/pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: venv
	DEBUG=1 $(BIN)/python -m bench.import_roster
	DEBUG=1 $(BIN)/python -m bench.dashboards
	DEBUG=1 $(BIN)/python -m bench.bulletins

clean:
	rm -rf $(VENV) var
