# The README's two commands: `make book` (set up + build the book) and `make test` (set up + every test).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup book test unit lint clean

setup: $(STAMP)

$(STAMP): requirements.txt requirements-test.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt -r requirements-test.txt
	touch $@

book: setup
	@echo "The book build lands with the pipeline issue; the package is installed in $(VENV)."

lint: setup
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

unit: setup
	$(BIN)/python -m pytest tests

test: lint unit

clean:
	rm -rf _build _vendor
