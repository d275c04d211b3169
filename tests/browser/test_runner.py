"""The in-page runner (issue 14): every chapter's code runs in the reader's browser, with Python from this site.

In headless Chromium against the built book on 127.0.0.1 (every request to another host aborted and reported):

- nothing of Python is fetched before the first Run;
- on every notebook page, "Run all cells" runs every runnable cell in the page's shared session, and each cell's
  printed output equals the output the book build executed (same seeds, same numbers, to the digits printed),
  except the cells tagged ``browser-output-differs`` (listed in BROWSER_DIFFERS_TAG's docstring below); a
  cell tagged ``raises-exception`` shows a traceback; no cell the page hides fails; no request leaves the site;
- an edited cell runs the reader's code, keeps it across a reload, and goes back to the book's code on reset;
- an error shows a short traceback and the next cell still runs; "Restart Python" starts a fresh session;
- a write-it-yourself stub, filled in with the book's solution, passes its checker.
"""

from __future__ import annotations

import configparser
import json
import re
import sys
from pathlib import Path

import pytest
import yaml
from browser_checks import CHROMIUM_ARGS, DESKTOP, OTHER_HOSTS_UNRESOLVED, LocalSite, check_requests, record
from site_paths import BOOK_DIR, CHROMIUM, HTML_DIR, ROOT

sys.path.insert(0, str(ROOT / "scripts"))

from build_book import is_notebook, toc_files
from runner_cells import NO_BROWSER_TAG

pytestmark = pytest.mark.browser

# A cell whose printed output legitimately differs in the browser carries this tag. Today: a cell that shows
# NumPy's floating-point warnings (WebAssembly has no floating-point exception flags, so NumPy cannot see an
# overflow and prints no RuntimeWarning there), and cells that print timings.
BROWSER_DIFFERS_TAG = "browser-output-differs"
RUN_TIMEOUT_MS = 600_000
EXECUTED = HTML_DIR.parent / "jupyter_execute"

# The volatile text nbval masks (tests/nbval_sanitize.cfg: addresses, times) is masked here too; and numbers at
# round-off level (|x| < 1e-8 in scientific notation, e.g. a relative error of 6.6e-12, or an exact 0.0e+00 that
# comes out as 1.0e-17 in the other build), whose digits depend on the order of floating-point operations, which
# differs between the browser's NumPy (WebAssembly, no OpenBLAS) and the native one: both must be that small,
# their digits are not compared.
SANITIZE = configparser.ConfigParser()
SANITIZE.read(ROOT / "tests" / "nbval_sanitize.cfg")
ROUND_OFF = re.compile(r"(?<![\d.])(-?\d(\.\d+)?e-(0?9|[1-9]\d)|0(\.0+)?e[+-]00)\b")


def masked(text: str) -> str:
    for section in SANITIZE.sections():
        text = re.sub(SANITIZE[section]["regex"], SANITIZE[section]["replace"], text)
    return ROUND_OFF.sub("ROUND-OFF", text).rstrip()


NOTEBOOK_PAGES = [
    page
    for page in toc_files(yaml.safe_load((BOOK_DIR / "_toc.yml").read_text()))
    if (BOOK_DIR / f"{page}.md").is_file() and is_notebook(BOOK_DIR / f"{page}.md")
]

# The text a cell printed in the page: stdout and the values of last expressions, in order.
PRINTED_JS = """cell => Array.from(cell.querySelectorAll('.runner-output > pre'))
    .filter(pre => pre.classList.contains('runner-stdout') || pre.classList.contains('runner-text'))
    .map(pre => pre.textContent + (pre.classList.contains('runner-text') ? '\\n' : '')).join('')"""


def printed_by_build(cell: dict) -> str:
    """stdout and text/plain results of one executed notebook cell, as the build recorded them."""
    text = ""
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream" and output["name"] == "stdout":
            text += "".join(output["text"])
        # A value with an HTML form (a checker's result, a table) is shown as HTML in both; only text is compared.
        elif output["output_type"] == "execute_result" and set(output["data"]) & {"text/plain", "text/html"} == {
            "text/plain"
        }:
            text += "".join(output["data"]["text/plain"]) + "\n"
    return text


def shown_cells(page: str) -> list[dict]:
    """The executed notebook's code cells that the page shows (in the order of the page's cells)."""
    notebook = json.loads((EXECUTED / f"{page}.ipynb").read_text(encoding="utf-8"))
    return [
        cell
        for cell in notebook["cells"]
        if cell["cell_type"] == "code" and "remove-cell" not in cell.get("metadata", {}).get("tags", [])
    ]


@pytest.fixture(scope="module")
def context(chromium):
    """One browser context for the module: later pages reuse the HTTP cache, as a reader's browser does."""
    ctx = chromium.new_context(viewport=DESKTOP)
    yield ctx
    ctx.close()


def open_runner_page(context, book_site, page: str):
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    rec = record(tab, book_site.base)
    response = tab.goto(f"{book_site.base}{page}.html", wait_until="load")
    rec.main_status = response.status if response else None
    tab.wait_for_function("document.documentElement.dataset.runnerReady === 'true'")
    return tab, rec


def python_requests(rec) -> list[str]:
    return [url for url in rec.requests if "/vendor/pyodide/" in url or "/runner/cells/" in url or "worker" in url]


def wait_for_cell(tab, index: int) -> str:
    """Wait until the page's cell `index` has run; its state, "done" or "error"."""
    cell = f"div.runner-cell[data-runner-index='{index}']"
    tab.wait_for_function(
        f"""() => ['done', 'error'].includes(document.querySelector("{cell}").dataset.runnerState)
            && !document.querySelector("{cell} .runner-run").disabled""",
        timeout=RUN_TIMEOUT_MS,
    )
    return tab.get_attribute(cell, "data-runner-state")


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_every_cell_runs_in_the_page_and_prints_what_the_book_printed(context, book_site, page):
    tab, rec = open_runner_page(context, book_site, page)
    try:
        assert not python_requests(rec), f"fetched before any Run: {python_requests(rec)}"
        cells = shown_cells(page)
        dom = tab.locator("div.runner-cell")
        assert dom.count() == len(cells), f"{page}: {dom.count()} cells in the page, {len(cells)} in the notebook"
        if tab.locator(".runner-bar .runner-run").count():
            tab.get_by_role("button", name="Run all cells").click()
            tab.wait_for_function(
                "() => !document.querySelector('.runner-busy') && document.querySelector('[data-runner-state]')",
                timeout=RUN_TIMEOUT_MS,
            )
        problems = []
        if tab.locator(".runner-error-title").count():
            problems.append("a hidden cell failed: " + tab.locator(".runner-error-title + pre").first.inner_text())
        for index, cell in enumerate(cells):
            tags = cell.get("metadata", {}).get("tags", [])
            el = dom.nth(index)
            if NO_BROWSER_TAG in tags:
                if el.get_attribute("data-runner-state"):
                    problems.append(f"cell {index + 1} is tagged {NO_BROWSER_TAG} but ran")
                continue
            state = el.get_attribute("data-runner-state")
            if "raises-exception" in tags:
                if state != "error" or "Traceback" not in el.locator(".runner-error").first.inner_text():
                    problems.append(f"cell {index + 1} (raises-exception) showed no traceback (state {state})")
                continue
            if state != "done":
                error = el.locator(".runner-error")
                detail = error.first.inner_text()[-400:] if error.count() else "it did not run"
                problems.append(f"cell {index + 1}: state {state}: {detail}")
                continue
            if BROWSER_DIFFERS_TAG in tags:
                continue
            got, want = masked(el.evaluate(PRINTED_JS)), masked(printed_by_build(cell))
            if got != want:
                problems.append(f"cell {index + 1} printed\n{got[:600]}\n--- but the book printed ---\n{want[:600]}")
        problems += check_requests(rec)
        assert not problems, f"{page}:\n" + "\n\n".join(problems)
    finally:
        tab.close()


def editor_set(tab, index: int, code: str):
    """Replace the code of cell `index` the way a reader does: click (the editor appears), select all, type."""
    cell = f"div.runner-cell[data-runner-index='{index}']"
    tab.locator(f"{cell} .runner-code-view, {cell} .CodeMirror").first.click()
    tab.locator(f"{cell} .CodeMirror textarea").wait_for(state="attached")
    tab.keyboard.press("Control+A")
    tab.keyboard.insert_text(code)


def shown_code(tab, index: int) -> str:
    """The code cell `index` shows: its editor's, or (no editor created yet) the book's highlighted code."""
    cell = f"div.runner-cell[data-runner-index='{index}']"
    return tab.locator(f"{cell} .runner-editor, {cell} .runner-code-view").first.inner_text()


def test_edit_error_restart_and_reset(context, book_site):
    page = "book/01_forward"
    tab, rec = open_runner_page(context, book_site, page)
    try:
        first = tab.locator("div.runner-cell[data-runner-index='0']")
        book_output = first.locator(".cell_output")
        assert not book_output.count() or book_output.is_visible(), "the book's output is hidden before any Run"
        tab.evaluate(
            """() => { window.statusTexts = [];
                new MutationObserver(() => statusTexts.push(document.querySelector('.runner-status-text').textContent))
                    .observe(document.querySelector('.runner-status'), {subtree: true, childList: true,
                                                                         characterData: true}); }"""
        )
        code = tab.evaluate("() => scratchnnRunner.state.cells[0].original")
        editor_set(tab, 0, code + "\nprint('reached') or 1 / 0")
        tab.keyboard.press("Shift+Enter")
        assert wait_for_cell(tab, 0) == "error"
        traceback = first.locator(".runner-error").inner_text()
        assert "ZeroDivisionError" in traceback and "<cell 1>" in traceback, traceback
        assert len(traceback.splitlines()) < 12, f"not a short traceback:\n{traceback}"
        assert not book_output.count() or not book_output.is_visible(), "the book's output still shows"
        statuses = tab.evaluate("() => statusTexts")
        assert any(re.fullmatch(r"Loading Python, \d+ of \d+ MB", text) for text in statuses), statuses

        # The next cell still runs (in the same session).
        tab.get_by_role("button", name="Run cell 2", exact=True).click()
        assert wait_for_cell(tab, 1) in ("done", "error")
        assert "Traceback" not in tab.locator("div.runner-cell[data-runner-index='1'] .runner-output").inner_text()

        editor_set(tab, 0, "answer = 6 * 7\nprint(f'the answer is {answer}')")
        tab.get_by_role("button", name="Run cell 1", exact=True).click()
        assert wait_for_cell(tab, 0) == "done"
        assert first.evaluate(PRINTED_JS) == "the answer is 42\n"

        # Restart: a fresh session, so running cell 2 first runs cell 1 again (the edited one).
        tab.get_by_role("button", name="Restart Python").click()
        editor_set(tab, 0, "print(f'defined: {\"answer\" in globals()}')")
        tab.get_by_role("button", name="Run cell 2", exact=True).click()
        wait_for_cell(tab, 1)
        assert first.evaluate(PRINTED_JS) == "defined: False\n"
        assert "earlier cell" in tab.locator("div.runner-cell[data-runner-index='1'] .runner-cell-note").inner_text()

        # The edit survives a reload, until "reset to the book's code".
        tab.reload(wait_until="load")
        tab.wait_for_function("document.documentElement.dataset.runnerReady === 'true'")
        assert "defined:" in shown_code(tab, 0), "the edit did not survive a reload"
        tab.get_by_role("button", name="Reset to the book's code (cell 1)").click()
        tab.reload(wait_until="load")
        tab.wait_for_function("document.documentElement.dataset.runnerReady === 'true'")
        assert "defined:" not in shown_code(tab, 0), "the reset cell does not show the book's code"
        assert not rec.external, f"requests to other hosts: {rec.external}"
    finally:
        tab.close()


STUB = re.compile(r"def (\w+)\(.*raise NotImplementedError", re.S)


def find_exercise() -> tuple[str, int, int, str] | None:
    """(page, stub cell, check cell, solution code) of the first write-it-yourself stub in the book, if any."""
    for page in NOTEBOOK_PAGES:
        cells = shown_cells(page)
        sources = ["".join(cell["source"]) for cell in cells]
        for i, source in enumerate(sources):
            match = STUB.search(source)
            if not match:
                continue
            name = match.group(1)
            checks = [j for j in range(i + 1, len(sources)) if f"({name})" in sources[j] and "check_" in sources[j]]
            solutions = [
                j
                for j in range(i + 1, len(sources))
                if f"def {name}(" in sources[j] and "NotImplementedError" not in sources[j]
            ]
            if checks and solutions:
                return page, i, checks[0], sources[solutions[0]]
    return None


def test_an_exercise_stub_filled_with_the_solution_passes_its_checker(context, book_site):
    found = find_exercise()
    assert found is not None, (
        "no write-it-yourself stub (a function whose body raises NotImplementedError, then a check_ cell and a "
        "solution) found in the book's chapters"
    )
    page, stub, check, solution = found
    tab, _ = open_runner_page(context, book_site, page)
    try:
        check_cell = tab.locator(f"div.runner-cell[data-runner-index='{check}']")
        check_cell.get_by_role("button", name=re.compile("^Run cell")).click()
        wait_for_cell(tab, check)
        before = check_cell.locator(".runner-output").inner_text()
        assert not re.search(r"\bpassed\b", before), f"the unfilled stub passed its checker:\n{before}"
        editor_set(tab, stub, solution)
        tab.get_by_role("button", name=f"Run cell {stub + 1}", exact=True).click()
        wait_for_cell(tab, stub)
        check_cell.get_by_role("button", name=re.compile("^Run cell")).click()
        wait_for_cell(tab, check)
        after = check_cell.locator(".runner-output").inner_text()
        assert re.search(r"\bpassed\b", after), f"the book's solution did not pass in the page:\n{after}"
    finally:
        tab.close()


def test_page_scripts_run_python_and_hear_from_it(context, book_site):
    """The API other page scripts use (the live playground, progress): run() in the page's session; send() events."""
    tab, _ = open_runner_page(context, book_site, "book/01_forward")
    try:
        tab.evaluate(
            """() => { window.heard = [];
                document.addEventListener('scratchnn:probe', (event) => heard.push(event.detail)); }"""
        )
        result = tab.evaluate(
            """async () => {
                const outputs = [];
                const ok = await scratchnnRunner.run(
                    "import scratchnn_page\\nshared = 41\\n"
                    + "scratchnn_page.send('probe', {'n': shared + 1, 'xs': [1, 2]})\\nprint('printed')",
                    "probe", (kind, data) => outputs.push([kind, data]));
                const failed = await scratchnnRunner.run("shared / 0", "probe 2", () => {});
                return {ok, failed, outputs};
            }"""
        )
        assert result["ok"] is True and result["failed"] is False, result
        assert {kind for kind, _ in result["outputs"]} == {"stream"}, result
        assert "".join(data["text"] for _, data in result["outputs"]) == "printed\n", result
        assert tab.evaluate("() => heard") == [{"n": 42, "xs": [1, 2]}]
        # The page's cells share the session: a cell sees what run() defined.
        assert tab.evaluate("() => scratchnnRunner.run('assert shared == 41', 'probe 3')") is True
    finally:
        tab.close()


# Polls the session until `code` runs without error (at most ~10 s); whether it did.
RUNS_SOON_JS = """async (code) => {
    for (let i = 0; i < 50; i += 1) {
        if (await scratchnnRunner.run(code, "probe", () => {})) return true;
        await new Promise((done) => setTimeout(done, 200));
    }
    return false;
}"""
DOCUMENTED = """import inspect
assert "Supported properties are" in (plt.Line2D.set.__doc__ or "")
assert "linewidth" in inspect.signature(plt.Line2D.set).parameters"""


def test_matplotlib_documents_its_artists_after_the_cell_that_imports_pyplot(context, book_site):
    """The kernel builds matplotlib's Artist ``set()`` docstrings after the cell that imported pyplot (start-up
    speed, kernel.py): help() has them in the next cells, and so has an Artist subclass defined later."""
    tab, _ = open_runner_page(context, book_site, "book/01_forward")
    try:
        assert tab.evaluate("() => scratchnnRunner.run('import matplotlib.pyplot as plt', 'probe')") is True
        assert tab.evaluate(RUNS_SOON_JS, DOCUMENTED), "Line2D.set has no docstring or signature after the cell"
        assert tab.evaluate("() => scratchnnRunner.run('class Mine(plt.Line2D):\\n    pass', 'probe')") is True
        assert tab.evaluate(RUNS_SOON_JS, "assert 'Supported properties are' in (Mine.set.__doc__ or '')")
    finally:
        tab.close()


FONT_LIST_READ = """import io, logging
log = logging.getLogger("matplotlib.font_manager")
log.setLevel(logging.DEBUG)
log.addHandler(logging.StreamHandler(heard := io.StringIO()))
import matplotlib.font_manager
assert "Using fontManager instance from" in heard.getvalue(), heard.getvalue()"""


def test_matplotlib_reads_the_font_list_its_wheel_ships(context, book_site):
    """kernel.py marks the wheel's font list with the version matplotlib 3.8 expects; without that, matplotlib
    rebuilds it (about a second) at every start."""
    tab, _ = open_runner_page(context, book_site, "book/01_forward")
    try:
        outputs = tab.evaluate(
            """async (code) => {
                const outputs = [];
                const ok = await scratchnnRunner.run(code, "probe", (kind, data) => outputs.push([kind, data]));
                return {ok, outputs};
            }""",
            FONT_LIST_READ,
        )
        assert outputs["ok"] is True, outputs
    finally:
        tab.close()


STARTED_FROM_JS = """async () => {
    const started = scratchnnRunner.python().then(async () => {
        const ok = await scratchnnRunner.run("import numpy as np, scratchnn\\nassert np.ones(3).sum() == 3", "probe");
        let printed = "";
        await scratchnnRunner.run("import random\\nprint(random.random())", "probe 2", (kind, data) => {
            printed += data.text || "";
        });
        return [scratchnnRunner.state.loadFrom, scratchnnRunner.state.loadInstaller, ok, printed];
    });
    const late = new Promise((done) => setTimeout(() => done(["not started in 60 s", null, false]), 60000));
    return Promise.race([started, late]);
}"""
SAVED_JS = "async () => (await (await caches.open('scratchnn-python-snapshot')).keys()).map((r) => r.url)"
# One byte of the saved entry whose name starts with `prefix` changed, its saved sha256 kept.
DAMAGE_JS = """async (prefix) => {
    const cache = await caches.open('scratchnn-python-snapshot');
    const [key] = (await cache.keys()).filter((r) => r.url.split('/').pop().startsWith(prefix));
    const found = await cache.match(key);
    const bytes = new Uint8Array(await found.arrayBuffer());
    bytes[bytes.length >> 1] ^= 0xff;
    await cache.put(key, new Response(bytes, { headers: found.headers }));
}"""


def saved_kinds(tab) -> list[str]:
    return sorted(url.rsplit("/", 1)[1].split("-")[0] for url in tab.evaluate(SAVED_JS))


def test_a_returning_reader_restores_python_and_its_packages_and_damaged_copies_are_replaced(chromium, book_site):
    """The first start saves the interpreter's memory and the installed files in Cache Storage; the next page
    restores both; a copy whose bytes changed is deleted, that part starts the usual way and is saved again. Each
    session's random numbers are its own."""
    ctx = chromium.new_context(viewport=DESKTOP)
    try:
        starts, draws = [], []
        for damaged in (None, None, "snapshot", "files", None):
            tab, _ = open_runner_page(ctx, book_site, "book/01_forward")
            if damaged:
                # Pyodide would restore a damaged snapshot (or wait forever); damaged files would be installed.
                tab.evaluate(DAMAGE_JS, damaged)
            *started, drawn = tab.evaluate(STARTED_FROM_JS)
            starts.append(started)
            draws.append(drawn)
            # The files are saved just after Python is ready: wait for them, as a reader reading the page would.
            for _ in range(100):
                if len(tab.evaluate(SAVED_JS)) >= 2:
                    break
                tab.wait_for_timeout(200)
            assert saved_kinds(tab) == ["files", "snapshot"], "one copy of each, whatever happened"
            tab.close()
        assert starts == [
            ["start, snapshot saved", "wheels.js", True],
            ["snapshot", "saved files", True],
            ["start, snapshot saved", "saved files", True],
            ["snapshot", "wheels.js", True],
            ["snapshot", "saved files", True],
        ]
        # random's generator is seeded anew in every session, restored or not (it is imported before the snapshot).
        assert len(set(draws)) == len(draws), draws
    finally:
        ctx.close()


def test_the_browser_keeps_the_interpreter_compiled_for_the_next_start(chromium, book_site, tmp_path):
    """pyodide.asm.wasm reaches WebAssembly as the response fetched, so Chromium keeps its compiled code (the code
    cache of a profile on disk): a returning reader's interpreter runs optimised code from the start (warm first
    output ~1.4 s instead of ~2.1 s, benchmarks/pyodide_latency.py). Fails when the worker gives WebAssembly a
    Response made in script (as it did to count the bytes)."""
    profile = tmp_path / "profile"
    ctx = chromium.browser_type.launch_persistent_context(
        str(profile),
        executable_path=str(CHROMIUM),
        args=[*CHROMIUM_ARGS, OTHER_HOSTS_UNRESOLVED],
        headless=True,
        viewport=DESKTOP,
    )
    try:
        tab = ctx.new_page()  # not recorded: request routing would turn the HTTP cache off
        tab.set_default_timeout(60_000)
        tab.goto(f"{book_site.base}book/01_forward.html", wait_until="load")
        tab.wait_for_function("document.documentElement.dataset.runnerReady === 'true'")
        assert tab.evaluate(STARTED_FROM_JS)[2] is True
        kept, code_cache = 0, profile / "Default" / "Code Cache" / "wasm"
        for _ in range(150):  # written once enough of the module is optimised: within seconds of the first start
            kept = sum(f.stat().st_size for f in code_cache.rglob("*") if f.is_file())
            if kept > 1_000_000:
                break
            tab.wait_for_timeout(200)
        assert kept > 1_000_000, f"Chromium kept {kept} bytes of compiled WebAssembly for this site (expected MBs)"
    finally:
        ctx.close()


def site_with_file_changed(html_dir: Path, rel: str, data: bytes, into: Path) -> Path:
    """A copy of the site in `into` (symbolic links, but the folders on the way to `rel`) where `rel` holds `data`."""
    source, copy = html_dir, into
    for part in Path(rel).parts:
        copy.mkdir(exist_ok=True)
        for entry in source.iterdir():
            if entry.name != part:
                (copy / entry.name).symlink_to(entry)
        source, copy = source / part, copy / part
    copy.write_bytes(data)
    return into


def test_a_wheel_whose_bytes_are_not_the_locked_ones_is_refused(chromium, tmp_path):
    """wheels.js installs a wheel only if its sha256 is the lock's, as Pyodide's loadPackage does (the site is
    served with one wheel changed: the browser's routing cannot reach a worker's requests)."""
    [six] = (HTML_DIR / "_static" / "vendor" / "pyodide").glob("six-*.whl")
    site_dir = site_with_file_changed(HTML_DIR, str(six.relative_to(HTML_DIR)), b"PK not the wheel", tmp_path / "site")
    ctx = chromium.new_context(viewport=DESKTOP)
    try:
        with LocalSite(site_dir) as site:
            tab, _ = open_runner_page(ctx, site, "book/01_forward")
            status = tab.evaluate(
                """() => scratchnnRunner.python().then(() => 'started', () =>
                    document.querySelector('.runner-status-text').textContent)"""
            )
        assert "Python could not be loaded" in status, status
        assert re.search(r"six-[^ ]+\.whl has sha256 [0-9a-f]{64}, the lock says [0-9a-f]{64}", status), status
    finally:
        ctx.close()
