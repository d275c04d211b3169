"""What a reader sees in JupyterLab, read from a Playwright page: each check returns a list of problems (empty: ok).

The notebook's state comes from JupyterLab's own model (``window.jupyterapp``, exposed by the test server), the
rendered prose from the DOM. Used by test_lab.py, and by the negative test on a server without postBuild.
"""

from __future__ import annotations

import html
import re
import statistics
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

# A MyST role or directive left as source in rendered prose: {ref}`x`, ```{exercise}, :::{admonition}, :class: ...
RAW_MYST = [
    (re.compile(r"\{[A-Za-z][\w:.+-]*\}`"), "a raw MyST role"),
    (re.compile(r"```|~~~|:::"), "a raw code or directive fence"),
    (re.compile(r"(?m)^\s*:[a-z][\w-]*:\s"), "a raw directive option"),
]

NOTEBOOK_STATE = """() => {
  const app = window.jupyterapp;
  const widget = app && app.shell.currentWidget;
  if (!widget) return {kind: 'nothing'};
  if (widget.node.querySelector('.jp-FileEditor')) return {kind: 'editor', path: widget.context?.path};
  const model = widget.content && widget.content.model;
  if (!model || !widget.node.classList.contains('jp-NotebookPanel')) return {kind: widget.node.className};
  const cells = [];
  for (let i = 0; i < model.cells.length; i++) {
    const cell = model.cells.get(i);
    const outputs = cell.type === 'code' ? cell.outputs.toJSON() : [];
    cells.push({
      type: cell.type,
      source: cell.sharedModel.getSource(),
      count: cell.type === 'code' ? cell.executionCount : null,
      errors: outputs.filter(o => o.output_type === 'error').map(o => `${o.ename}: ${o.evalue}`),
    });
  }
  const kernel = widget.sessionContext.session && widget.sessionContext.session.kernel;
  // queued or running cells show the prompt [*] (every cell is in the DOM: windowingMode "none")
  const pending = [...widget.node.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
      .filter(p => p.textContent.includes('*')).length;
  return {kind: 'notebook', path: widget.context.path, kernel: kernel ? kernel.name : null,
          status: kernel ? kernel.status : null, pending, cells};
}"""

RENDERED_MARKDOWN = """() => {
  const panel = '.jp-NotebookPanel:not(.lm-mod-hidden)';
  return [...document.querySelectorAll(`${panel} .jp-MarkdownCell`)].map(cell => {
  const area = cell.querySelector('.jp-InputArea');
  const skip = ['jp-InputPrompt', 'jp-InputArea-editor', 'jp-Toolbar'];
  const shown = area ? [...area.children].filter(c => !skip.some(name => c.classList.contains(name))) : [];
  if (!shown.length) return {text: null, myst: false};
  const clone = shown[0].cloneNode(true);
  clone.querySelectorAll('.katex-mathml, annotation, script, style').forEach(n => n.remove());
  const unresolved = [...shown[0].querySelectorAll('[title="Cross Reference Not Found"]')].map(e => e.textContent);
  return {text: clone.textContent, myst: shown[0].classList.contains('myst'), unresolved};
});
}"""


def binder_urlpath(page_html: Path, hub: str) -> str | None:
    """The ``urlpath`` of the Binder launch button of a built page (``lab/tree/book/01_forward.md``), or None."""
    hub = hub.rstrip("/")
    for href in re.findall(r'href="([^"]+)"', page_html.read_text(encoding="utf-8")):
        href = html.unescape(href)
        if href.startswith(f"{hub}/v2/"):
            return parse_qs(urlsplit(href).query)["urlpath"][0]
    return None


def open_in_lab(page, url: str, timeout: float = 90) -> dict:
    """Open `url` in a fresh layout (``reset``) and wait until the main area shows a document; its state."""
    page.goto(f"{url}&reset", wait_until="domcontentloaded")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget", timeout=timeout * 1000)
    deadline = time.monotonic() + timeout
    while True:
        state = page.evaluate(NOTEBOOK_STATE)
        ready = state["kind"] == "notebook" and state["cells"] and state["status"] == "idle"
        if ready or state["kind"] == "editor" or time.monotonic() > deadline:
            return state
        time.sleep(0.5)


def check_notebook_view(state: dict, expected: list[tuple[str, str]]) -> list[str]:
    """A notebook (not the text editor), on a Python kernel, with the chapter's cells.

    `expected` holds (type, first line) of each cell; code cells must match exactly, Markdown cells by type (the
    reading view may rewrite their MyST, see lab/scratchnn_reading_view.py).
    """
    if state["kind"] != "notebook":
        return [f"opened as {state['kind']!r}, not as a notebook (path {state.get('path')})"]
    problems = []
    if state["kernel"] != "python3":
        problems.append(f"kernel {state['kernel']!r}, expected 'python3'")
    shown = [(c["type"], c["source"].strip().split("\n")[0] if c["type"] == "code" else "") for c in state["cells"]]
    wanted = [(kind, first if kind == "code" else "") for kind, first in expected]
    if shown != wanted:
        problems.append(f"{len(shown)} cells shown, the chapter has {len(wanted)} (or their types or code differ)")
    return problems


def run_all(page, timeout: float) -> dict:
    """Run > Run All Cells from the menu bar; wait until every code cell ran, or the kernel stopped on an error."""
    page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Run$")).click()
    label = page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$"))
    page.locator(".lm-Menu-item", has=label).click()
    deadline = time.monotonic() + timeout
    settled_since = None
    while time.monotonic() < deadline:
        state = page.evaluate(NOTEBOOK_STATE)
        code = [cell for cell in state["cells"] if cell["type"] == "code"]
        if not state["pending"] and all(cell["count"] is not None for cell in code):
            return state
        # Run All stops at a failing cell: the cells after it lose their [*] and stay unnumbered.
        settled_since = (settled_since or time.monotonic()) if not state["pending"] else None
        if settled_since and time.monotonic() - settled_since > 5:
            return state
        time.sleep(0.5)
    return page.evaluate(NOTEBOOK_STATE)


def save(page) -> None:
    """File > Save for the current document, and wait until JupyterLab reports it saved (not dirty)."""
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_function("() => !window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=30_000)


def shut_down_kernel(page) -> None:
    """Kernel > Shut Down Kernel for the current notebook (a chapter's kernel is not needed after its check)."""
    page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")


def check_ran_clean(state: dict) -> list[str]:
    """Every code cell has an execution count, and no cell has an error output."""
    problems = []
    for i, cell in enumerate(state["cells"]):
        if cell["type"] != "code":
            continue
        first = cell["source"].strip().split("\n")[0][:60]
        if cell["count"] is None:
            problems.append(f"cell {i} ({first!r}) did not run")
        problems += [f"cell {i} ({first!r}) raised {error[:300]}" for error in cell["errors"]]
    return problems


def check_rendered_prose(page, n_markdown: int) -> list[str]:
    """Every Markdown cell is rendered by jupyterlab-myst, shows no MyST source and no unresolved reference."""
    rendered = page.evaluate(RENDERED_MARKDOWN)
    problems = []
    if len(rendered) != n_markdown:
        problems.append(f"{len(rendered)} Markdown cells in the page, the chapter has {n_markdown}")
    for i, cell in enumerate(rendered):
        if cell["text"] is None:
            problems.append(f"Markdown cell {i} is not rendered")
            continue
        if not cell["myst"]:
            problems.append(f"Markdown cell {i} is not rendered by jupyterlab-myst")
        problems += [f"Markdown cell {i}: reference {label!r} not found" for label in cell["unresolved"]]
        for pattern, what in RAW_MYST:
            match = pattern.search(cell["text"])
            if match:
                context = cell["text"][max(0, match.start() - 40) : match.end() + 40].replace("\n", " ")
                problems.append(f"Markdown cell {i} shows {what}: ...{context}...")
    return problems


# ---- the live playground ------------------------------------------------------------------------------------

MARK_PLAYGROUND = """() => {
  const notebook = window.jupyterapp.shell.currentWidget.content;
  const index = notebook.widgets.findIndex(c => c.model.type === 'code'
      && /\\bplayground\\(\\)/.test(c.model.sharedModel.getSource()) && c.node.querySelector('.widget-slider'));
  if (index < 0) return false;
  const cell = notebook.widgets[index];
  notebook.activeCellIndex = index;
  cell.node.scrollIntoView();
  cell.node.setAttribute('data-test-playground', '');
  const src = () => {
    const img = cell.node.querySelector('.widget-html img');
    return img ? img.getAttribute('src') : null;
  };
  window.__release = null;
  window.__picture = null;
  // release = the pointer let go of a slider (pointerup) or a drop-down changed; picture = a new <img> src
  for (const type of ['pointerup', 'change']) {
    document.addEventListener(type, () => {
      window.__release = performance.now(); window.__picture = null; window.__old = src();
    }, true);
  }
  new MutationObserver(() => {
    if (window.__release !== null && window.__picture === null && src() !== window.__old) {
      window.__picture = performance.now();
    }
  }).observe(cell.node, {subtree: true, childList: true, attributes: true, attributeFilter: ['src']});
  return true;
}"""

PLAYGROUND_VIEW = """() => {
  const node = document.querySelector('[data-test-playground]');
  const img = node.querySelector('.widget-html img');
  const texts = [...node.querySelectorAll('.widget-html')].filter(h => !h.querySelector('img')).map(h => h.textContent);
  return {picture: img ? img.getAttribute('src') : null, verdict: texts.join(' | ')};
}"""


def _wait_for_new_view(page, before: dict, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        view = page.evaluate(PLAYGROUND_VIEW)
        if view["picture"] != before["picture"] and view["verdict"] != before["verdict"]:
            # the picture and the verdict are set one after the other: give the second a moment
            return view
        time.sleep(0.05)
    return page.evaluate(PLAYGROUND_VIEW)


def check_playground(page, timeout: float = 60) -> tuple[list[str], dict[str, float]]:
    """Change every live control of the playground; the picture and the verdict must change after each.

    Sliders are dragged with the mouse and released, drop-downs get their next option. Returns the problems and,
    per control, the time from release (pointerup/change) to the new picture in the page, in milliseconds.
    """
    if not page.evaluate(MARK_PLAYGROUND):
        return ["no live playground (a code cell calling playground() with sliders in its output)"], {}
    root = page.locator("[data-test-playground]")
    problems, latencies = [], {}
    sliders = root.locator(".widget-slider")
    dropdowns = root.locator(".widget-dropdown")
    controls = [("slider", sliders.nth(i)) for i in range(sliders.count())]
    controls += [("dropdown", dropdowns.nth(i)) for i in range(dropdowns.count())]
    if len(controls) < 2:
        problems.append(f"the playground shows {len(controls)} controls")
    for kind, control in controls:
        name = control.locator(".widget-label").first.text_content().strip() or kind
        control.scroll_into_view_if_needed()
        before = page.evaluate(PLAYGROUND_VIEW)
        if kind == "slider":
            readout = control.locator(".widget-readout").first
            start = readout.text_content()
            # drag the handle right and let go; a slider with few steps needs a longer drag to reach the next one
            for distance in (25, 60, 120):
                box = control.locator(".noUi-handle").first.bounding_box()
                x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
                page.mouse.move(x, y)
                page.mouse.down()
                page.mouse.move(x + distance, y, steps=5)
                page.mouse.up()
                if readout.text_content() != start:
                    break
        else:
            select = control.locator("select")
            options = select.locator("option").all_text_contents()
            current = select.input_value()
            values = select.locator("option").evaluate_all("os => os.map(o => o.value)")
            select.select_option(values[(values.index(current) + 1) % len(values)])
            name = f"{name} ({options[(values.index(current) + 1) % len(values)]})"
        after = _wait_for_new_view(page, before, timeout)
        if after["picture"] == before["picture"]:
            problems.append(f"{name}: the picture did not change within {timeout} s")
        if after["verdict"] == before["verdict"]:
            problems.append(f"{name}: the verdict text did not change within {timeout} s")
        if after["picture"] != before["picture"]:
            latencies[name] = page.evaluate("() => window.__picture - window.__release")
    return problems, latencies


def median_ms(latencies: dict[str, float]) -> float:
    return statistics.median(latencies.values()) if latencies else float("nan")
