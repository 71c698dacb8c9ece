# The two commands of README.md: `make run` and `make test`. Everything else here serves them.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
CONSTRAINTS := requirements/constraints.txt

.PHONY: run test install install-dev lint constraints

run: install
	$(BIN)/doudi migrate --noinput -v0
	$(BIN)/doudi demo load
	$(BIN)/doudi collectstatic --noinput -v0
	$(BIN)/doudi serve

test: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DATABASE_URL= $(BIN)/doudi makemigrations --check --dry-run -v0
	$(BIN)/pytest -n 2 -q

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(VENV)/.installed: pyproject.toml $(CONSTRAINTS) scripts/install-system-packages.sh
	scripts/install-system-packages.sh fonts
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -c $(CONSTRAINTS) -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed scripts/install-system-packages.sh
	scripts/install-system-packages.sh
	$(BIN)/pip install -q --disable-pip-version-check -c $(CONSTRAINTS) -e '.[dev]'
	touch $@

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Re-pin every transitive dependency after changing pyproject.toml.
constraints:
	$(BIN)/pip freeze --exclude-editable --exclude doudi > $(CONSTRAINTS)
