"""Editors on demand (issue 23) with the keyboard alone: a code cell's editor is created when the reader reaches it.

Before any interaction the page holds no CodeMirror editor: each cell shows the book's highlighted code. A reader
pressing Tab from the top of book/01_forward.html reaches the first cell's code, named like the editor it stands
for; at that moment its editor is created and has the focus; typed text goes into it, Shift+Enter runs the cell,
Tab moves on to the cell's Run button and Shift+Tab comes back into the editor. Only keys are pressed.
"""

from __future__ import annotations

import pytest
from browser_checks import DESKTOP

pytestmark = pytest.mark.browser

PAGE = "book/01_forward"
MAX_TABS = 200
FOCUS_JS = """() => { const e = document.activeElement; const cell = e.closest('.runner-cell');
    return {cell: cell ? Number(cell.dataset.runnerIndex) : null, editor: !!e.closest('.CodeMirror'),
            label: e.getAttribute('aria-label') || '', text: e.textContent.slice(0, 40)}; }"""


def test_tab_reaches_a_cell_and_its_editor_is_created_then(chromium, book_site):
    context = chromium.new_context(viewport=DESKTOP)
    try:
        tab = context.new_page()
        tab.goto(f"{book_site.base}{PAGE}.html", wait_until="load")
        tab.wait_for_function("document.documentElement.dataset.runnerReady === 'true'")
        assert tab.locator(".CodeMirror").count() == 0, "editors were created before the reader asked"
        assert tab.locator(".runner-code-view").count() > 0
        for _ in range(MAX_TABS):
            tab.keyboard.press("Tab")
            focus = tab.evaluate(FOCUS_JS)
            if focus["cell"] == 0 and focus["editor"]:
                break
        else:
            pytest.fail(f"{MAX_TABS} presses of Tab never reached the first cell's code")
        assert focus["label"].startswith("Code of cell 1 (Python)"), focus
        assert tab.locator(".CodeMirror").count() == 1, "only the reached cell gets an editor"
        tab.keyboard.press("Control+End")
        tab.keyboard.press("Enter")
        tab.keyboard.type("print('typed', 40 + 2)")
        tab.keyboard.press("Shift+Enter")
        cell = "div.runner-cell[data-runner-index='0']"
        tab.wait_for_function(
            f"""() => ['done', 'error'].includes(document.querySelector("{cell}").dataset.runnerState)
                && !document.querySelector("{cell} .runner-run").disabled""",
            timeout=300_000,
        )
        assert "typed 42" in tab.locator(f"{cell} .runner-output").inner_text()
        tab.keyboard.press("Tab")
        assert tab.evaluate("() => document.activeElement.getAttribute('aria-label')") == "Run cell 1"
        tab.keyboard.press("Shift+Tab")
        assert tab.evaluate(FOCUS_JS)["editor"], "Shift+Tab from Run does not go back into the editor"
    finally:
        context.close()
