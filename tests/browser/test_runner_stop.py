"""Runaway cells, crashes and pages opened from a file (issue 21), in headless Chromium against the built book.

- ``while True: pass`` is stopped within 2 s of Stop, both where Python can be interrupted (a cross-origin
  isolated page, as `make serve` serves it: the variables stay) and where it cannot (the plain test server: the
  worker is ended and the page says the variables are gone); then the cell below runs without running the loop
  again, and the page names the cell it skipped;
- a huge allocation is reported in words, Python answers the next Run, and the reader's edit is still there;
- the elapsed time shows while a cell runs;
- a page opened from file:// says what to do instead of failing to fetch.
"""

from __future__ import annotations

import sys
import threading
import time

import pytest
from browser_checks import DESKTOP, KNOWN_PAGE_ERRORS
from site_paths import HTML_DIR, ROOT

sys.path.insert(0, str(ROOT / "scripts"))

from serve import make_server

pytestmark = pytest.mark.browser

PAGE = "book/01_forward"
LOOP = "stopped_here = False\nwhile True:\n    pass\nstopped_here = True"


@pytest.fixture(scope="module")
def isolated_site():
    """The built book as `make serve` serves it (COOP/COEP: cross-origin isolated), on a free port."""
    server = make_server(HTML_DIR, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


def open_tab(chromium, base: str):
    context = chromium.new_context(viewport=DESKTOP)
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    errors = []
    tab.on("pageerror", lambda error: str(error) in KNOWN_PAGE_ERRORS or errors.append(str(error)))
    tab.goto(f"{base}{PAGE}.html", wait_until="load")
    tab.wait_for_function("document.documentElement.dataset.runnerReady === 'true'")
    return context, tab, errors


def cell(tab, index: int):
    return tab.locator(f"div.runner-cell[data-runner-index='{index}']")


def set_code(tab, index: int, code: str):
    """Type code into cell `index` as a reader does: click its code (the editor appears), select all, type."""
    cell(tab, index).locator(".runner-code-view, .CodeMirror").first.click()
    tab.locator(f"div.runner-cell[data-runner-index='{index}'] .CodeMirror textarea").wait_for(state="attached")
    tab.keyboard.press("Control+A")
    tab.keyboard.insert_text(code)


def wait_state(tab, index: int, states=("done", "error", "stopped"), timeout=120_000) -> str:
    selector = f"div.runner-cell[data-runner-index='{index}']"
    tab.wait_for_function(
        f"""() => {list(states)}.includes(document.querySelector("{selector}").dataset.runnerState)
            && !document.querySelector("{selector} .runner-run").disabled""",
        timeout=timeout,
    )
    return cell(tab, index).get_attribute("data-runner-state")


def stop_runaway(tab) -> float:
    """Run the loop in cell 3 (its Run first runs the cells above); press Stop after a second; seconds to stop."""
    set_code(tab, 2, LOOP)
    cell(tab, 2).get_by_role("button", name="Run cell 3", exact=True).click()
    tab.wait_for_function(
        "() => scratchnnRunner.state.current && scratchnnRunner.state.current.bookIndex >= 0"
        " && document.querySelector(\"[data-runner-index='2']\").dataset.runnerState === 'running'",
        timeout=120_000,
    )
    time.sleep(1.5)
    assert cell(tab, 2).locator(".runner-elapsed").inner_text().endswith(" s"), "no elapsed time while running"
    stop = cell(tab, 2).get_by_role("button", name="Stop cell 3", exact=True)
    assert stop.is_visible()
    start = time.perf_counter()
    stop.click()
    state = wait_state(tab, 2, timeout=10_000)
    seconds = time.perf_counter() - start
    assert state == "stopped", state
    return seconds


@pytest.mark.parametrize("isolated", [True, False], ids=["interrupt", "end-worker"])
def test_stop_ends_a_runaway_cell_and_the_next_cell_skips_it(chromium, book_site, isolated_site, isolated):
    base = isolated_site if isolated else book_site.base
    context, tab, errors = open_tab(chromium, base)
    try:
        assert tab.evaluate("() => self.crossOriginIsolated") is isolated
        seconds = stop_runaway(tab)
        assert seconds <= 2.0, f"Stop took {seconds:.1f} s"
        said = cell(tab, 2).locator(".runner-output").inner_text()
        if isolated:
            assert "variables are kept" in said, said
            assert tab.evaluate("() => scratchnnRunner.run('assert stopped_here is False', 'probe')") is True
        else:
            assert "variables are gone" in said, said
        # The cell below runs; the loop is not run again on its way, and the page says so.
        start = time.perf_counter()
        cell(tab, 3).get_by_role("button", name="Run cell 4", exact=True).click()
        assert wait_state(tab, 3, timeout=60_000) in ("done", "error")
        assert time.perf_counter() - start < 30
        note = cell(tab, 3).locator(".runner-cell-note").inner_text()
        if not isolated:  # a fresh session: cell 3 would have been run again
            assert "Skipped cell 3: you stopped it" in note, note
        assert cell(tab, 2).get_attribute("data-runner-state") == "stopped"
        # The edit is still there.
        assert "while True" in tab.evaluate("() => scratchnnRunner.editor(scratchnnRunner.state.cells[2]).getValue()")
        assert not errors, errors
    finally:
        context.close()


def test_a_huge_allocation_is_reported_and_python_comes_back(chromium, book_site):
    # 8 GB asked for, 1 GB at a time: Python in the page can have 4 GB at most (WebAssembly), so one fails.
    context, tab, errors = open_tab(chromium, book_site.base)
    try:
        set_code(
            tab,
            0,
            "import numpy as np\nhuge = [np.empty(10**9, dtype=np.uint8) for _ in range(8)]",
        )
        cell(tab, 0).get_by_role("button", name="Run cell 1", exact=True).click()
        assert wait_state(tab, 0) == "error"
        said = cell(tab, 0).locator(".runner-output").inner_text()
        assert "ran out of memory" in said, said
        # Python answers the next Run, and the edit is still there.
        set_code(tab, 0, "print('back', 6 * 7)")
        cell(tab, 0).get_by_role("button", name="Run cell 1", exact=True).click()
        assert wait_state(tab, 0) == "done"
        assert "back 42" in cell(tab, 0).locator(".runner-output").inner_text()
        assert not errors, errors
    finally:
        context.close()


def test_a_page_opened_from_a_file_says_to_serve_the_book(chromium):
    context = chromium.new_context(viewport=DESKTOP)
    try:
        tab = context.new_page()
        tab.goto((HTML_DIR / f"{PAGE}.html").as_uri(), wait_until="load")
        tab.wait_for_function("document.documentElement.dataset.runnerReady === 'true'", timeout=30_000)
        assert "make serve" in tab.locator(".runner-status-text").inner_text()
        cell(tab, 0).get_by_role("button", name="Run cell 1", exact=True).click()
        said = cell(tab, 0).locator(".runner-output").inner_text()
        assert "make serve" in said and "Failed to fetch" not in said, said
    finally:
        context.close()
