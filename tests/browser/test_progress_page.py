"""The reader's progress in the page (issue 22), in headless Chromium against the built book on 127.0.0.1.

A check run in the page (Python in the browser) shows its state next to the exercise's title: the named mistake,
then passed; the state survives a reload and a visit to other pages, and shows on the "Your progress" page;
editing the stub after the pass shows "changed since it passed"; the progress exported to a file imports into a
fresh browser profile; clear forgets it; the page is axe clean with the states shown and its controls are
reached with Tab.
"""

from __future__ import annotations

import json

import pytest
from accessibility import check_axe, tab_through
from browser_checks import DESKTOP, check_requests, record

pytestmark = pytest.mark.browser

CHAPTER = "book/01_forward"
LABEL = "forward-ex-stable-sigmoid"
RUN_TIMEOUT_MS = 600_000
# The seed's first bug: the hidden bias b where the output bias c belongs (the checker names it "wrong-bias").
WRONG_BIAS = (
    "def my_forward(X, W, b, V, c):\n    Z = snn.sigmoid(X @ W + b)\n    A = Z @ V + b\n"
    "    E = np.exp(A - A.max(axis=1, keepdims=True))\n    return Z, E / E.sum(axis=1, keepdims=True)\n"
)
STABLE = (
    "def my_sigmoid(A):\n    A = np.asarray(A, dtype=float)\n    e = np.exp(-np.abs(A))\n"
    "    return np.where(A >= 0, 1.0, e) / (1.0 + e)\n"
)
FIND_CELL_JS = """([text, exact]) => scratchnnRunner.state.cells.findIndex(c => c.original !== null
    && !c.el.closest('.solution') && (exact ? c.original === text : c.original.includes(text)))"""


@pytest.fixture(scope="module")
def context(chromium):
    ctx = chromium.new_context(viewport=DESKTOP, accept_downloads=True)
    yield ctx
    ctx.close()


def open_page(context, book_site, page: str, *, runner: bool = True):
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    rec = record(tab, book_site.base)
    response = tab.goto(f"{book_site.base}{page}.html", wait_until="load")
    rec.main_status = response.status if response else None
    if runner:
        tab.wait_for_function("document.documentElement.dataset.runnerReady === 'true'")
    return tab, rec


def badge(tab, label: str = LABEL):
    return tab.locator(f"#{label} .admonition-title .progress-badge")


def set_code(tab, index: int, code: str):
    cell = f"div.runner-cell[data-runner-index='{index}']"
    tab.locator(f"{cell} .runner-code-view, {cell} .CodeMirror").first.click()  # the editor is made on focus
    tab.locator(f"{cell} .CodeMirror textarea").wait_for(state="attached")
    tab.keyboard.press("Control+A")
    tab.keyboard.insert_text(code)


def run_cell(tab, index: int):
    cell = f"div.runner-cell[data-runner-index='{index}']"
    tab.locator(f"{cell} .runner-run").click()
    tab.wait_for_function(
        f"""() => ['done', 'error'].includes(document.querySelector("{cell}").dataset.runnerState)
            && !document.querySelector("{cell} .runner-run").disabled""",
        timeout=RUN_TIMEOUT_MS,
    )


def progress_state(tab, label: str = LABEL) -> str:
    row = tab.locator(f"table.progress-table tr:has(a[href$='#{label}'])")
    return row.locator(".progress-state-cell").inner_text().strip()


def shown_text(locator) -> str:
    """A badge's text, whether or not its section is laid out yet (a chapter's sections are laid out only near the
    screen, and innerText is empty in the others)."""
    return " ".join(locator.text_content().split())


def test_a_check_in_the_page_is_remembered_everywhere(context, book_site, shot_dir):
    tab, rec = open_page(context, book_site, CHAPTER)
    assert shown_text(badge(tab)) == "Not tried yet"
    assert not tab.locator("#forward-ex-shapes .progress-badge").count(), "a written exercise shows a check state"
    stub = tab.evaluate(FIND_CELL_JS, ["def my_sigmoid(", False])
    check = tab.evaluate(FIND_CELL_JS, ["check_sigmoid(my_sigmoid)", True])
    assert 0 <= stub < check, (stub, check)

    run_cell(tab, check)  # the stub as the book gives it
    assert shown_text(badge(tab)) == "Mistake: not-implemented"

    forward_stub = tab.evaluate(FIND_CELL_JS, ["def my_forward(", False])
    forward_check = tab.evaluate(FIND_CELL_JS, ["check_forward(my_forward)", True])
    set_code(tab, forward_stub, WRONG_BIAS)
    run_cell(tab, forward_stub)
    run_cell(tab, forward_check)
    assert shown_text(badge(tab, "forward-ex-write-forward")) == "Mistake: wrong-bias"

    set_code(tab, stub, STABLE)
    run_cell(tab, stub)  # a cell that already ran is not run again by running a cell below it
    run_cell(tab, check)
    assert shown_text(badge(tab)) == "Passed"
    tab.screenshot(path=str(shot_dir / "progress-chapter-passed.png"), full_page=False)
    assert not check_requests(rec), check_requests(rec)

    tab.reload(wait_until="load")
    tab.wait_for_function("document.documentElement.dataset.runnerReady === 'true'")
    badge(tab).wait_for()
    assert shown_text(badge(tab)) == "Passed", "not remembered after a reload"
    tab.close()

    other, _ = open_page(context, book_site, "book/02_softmax")
    assert shown_text(badge(other, "softmax-ex-write-softmax")) == "Not tried yet"
    other.close()

    page, _ = open_page(context, book_site, "book/progress", runner=False)
    page.locator(".progress-summary").wait_for()
    assert progress_state(page) == "Passed"
    assert progress_state(page, "forward-ex-write-forward") == "Mistake: wrong-bias"
    assert progress_state(page, "softmax-ex-write-softmax") == "Not tried yet"
    assert "1 of" in page.locator(".progress-summary").inner_text()
    page.screenshot(path=str(shot_dir / "progress-page.png"), full_page=True)
    assert not check_axe(page), check_axe(page)
    stops, _ = tab_through(page)
    names = " | ".join(stop.get("name", "") or "" for stop in stops)
    # Export, import (the file input) and clear are reached with Tab.
    assert names.count("button.progress-button") == 2 and "input#progress-import" in names, names
    page.close()

    tab, _ = open_page(context, book_site, CHAPTER)
    badge(tab).wait_for()
    assert shown_text(badge(tab)) == "Passed", "not remembered after visiting other pages"
    set_code(tab, stub, STABLE + "\n# an edit after the pass\n")
    assert shown_text(badge(tab)) == "Changed since it passed"
    run_cell(tab, check)  # runs the edited stub first (this page's session has not run it)
    assert shown_text(badge(tab)) == "Passed", "the next check did not clear 'changed'"
    tab.close()


def test_export_import_into_a_fresh_profile_and_clear(context, chromium, book_site, tmp_path):
    page, _ = open_page(context, book_site, "book/progress", runner=False)
    page.evaluate(
        """label => localStorage.setItem('scratchnn-progress', JSON.stringify({format: 'scratchnn-progress',
            version: 1, exercises: {[label]: {state: 'failed', diagnosis: 'wrong-bias', checker: 'check_forward',
            time: '2026-12-01T10:00:00Z'}}}))""",
        "forward-ex-write-forward",
    )
    page.reload(wait_until="load")
    assert progress_state(page, "forward-ex-write-forward") == "Mistake: wrong-bias"
    with page.expect_download() as download:
        page.get_by_role("button", name="Export my progress to a file").click()
    exported = tmp_path / "scratchnn-progress.json"
    download.value.save_as(exported)
    data = json.loads(exported.read_text())
    assert data["format"] == "scratchnn-progress"
    assert data["exercises"]["forward-ex-write-forward"]["diagnosis"] == "wrong-bias"
    page.close()

    fresh = chromium.new_context(viewport=DESKTOP)
    try:
        other, _ = open_page(fresh, book_site, "book/progress", runner=False)
        other.locator(".progress-summary").wait_for()
        assert progress_state(other, "forward-ex-write-forward") == "Not tried yet"
        other.get_by_label("Import progress from a file:").set_input_files(str(exported))
        other.wait_for_function("() => document.querySelector('.progress-status').textContent.startsWith('Imported')")
        assert progress_state(other, "forward-ex-write-forward") == "Mistake: wrong-bias"

        bad = tmp_path / "other.json"
        bad.write_text("{}")
        other.get_by_label("Import progress from a file:").set_input_files(str(bad))
        other.wait_for_function("() => document.querySelector('.progress-status').textContent.includes('not a')")
        assert progress_state(other, "forward-ex-write-forward") == "Mistake: wrong-bias"

        other.once("dialog", lambda dialog: dialog.accept())
        other.get_by_role("button", name="Clear my progress").click()
        other.wait_for_function("() => document.querySelector('.progress-status').textContent.includes('cleared')")
        assert progress_state(other, "forward-ex-write-forward") == "Not tried yet"
        other.reload(wait_until="load")
        assert progress_state(other, "forward-ex-write-forward") == "Not tried yet"
    finally:
        fresh.close()
