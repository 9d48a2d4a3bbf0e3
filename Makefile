# The two commands: `make run` and `make test`. Everything else here serves them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The suite runs on this many processes (pytest-xdist); TEST_WORKERS=0 runs it in one.
TEST_WORKERS ?= 2

.PHONY: run test bench coverage install install-dev npm lint format migrate demo messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --silent

install: $(VENV)/.installed node_modules/.package-lock.json
install-dev: $(VENV)/.installed-dev node_modules/.package-lock.json

migrate: install
	$(BIN)/python manage.py migrate --no-input

demo: migrate
	$(BIN)/python manage.py load_demo

# Web server and worker side by side; Ctrl-C stops both.
run: demo
	@$(BIN)/python manage.py run_dev --host $(HOST) --port $(PORT)

test: install-dev
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# The bench (docs/bench.md): builds a realistic data set in its own PostgreSQL database (created if missing) and
# times every list, board, search, report, record page, export and API page against its raw SQL, for each role.
# BENCH_ARGS passes flags: --claims 200000 --partners 100000 --entries 1000000 --repeat 30 --only claims --rebuild
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/trato_bench
bench: install-dev
	DEBUG=0 DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python manage.py bench $(BENCH_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/mypy trato

# The suite under coverage (settings in pyproject.toml), with what the tests' worker processes and manage.py
# commands run; the report is printed and written to htmlcov/index.html, also when a test failed (the target
# still fails then).
coverage: install-dev
	rm -f .coverage .coverage.*
	status=0; $(BIN)/coverage run -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS) || status=$$?; \
	$(BIN)/coverage combine --quiet && $(BIN)/coverage html --quiet && $(BIN)/coverage report && exit $$status

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Translations: needs GNU gettext (apt-get install gettext). The compiled .mo files are committed,
# so running Trato does not need gettext.
messages: install-dev
	$(BIN)/python manage.py makemessages -l es -l en --no-obsolete --ignore 'node_modules/*' --ignore '.venv/*' --ignore 'var/*'
	$(BIN)/python manage.py compilemessages --ignore '.venv/*' --ignore 'node_modules/*'

clean:
	rm -rf $(VENV) node_modules var
