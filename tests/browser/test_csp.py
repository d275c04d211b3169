"""The Content-Security-Policy of every page (issue 21): the site needs nothing that its policy forbids.

Every page of the TOC (and the root index.html) is opened in headless Chromium; each must carry the policy that
scripts/csp.py writes (``object-src 'none'``, no ``'unsafe-inline'`` scripts, no ``'unsafe-eval'`` on any page: the
site ships no widget manager, see scripts/csp.py). On every page
the test then runs the first code cell in the page, moves every slider and presses every toggle button of the
widgets and of the playground; any ``securitypolicyviolation`` event fails it. A page with one forbidden inline
script proves that the test sees violations (test_a_forbidden_script_is_caught).
"""

from __future__ import annotations

import shutil
import sys

import pytest
import yaml
from browser_checks import DESKTOP, LocalSite, open_page
from site_paths import BOOK_DIR, HTML_DIR, ROOT

sys.path.insert(0, str(ROOT / "scripts"))

from build_book import toc_files
from csp import add_policy

pytestmark = pytest.mark.browser

PAGES = ["index", *toc_files(yaml.safe_load((BOOK_DIR / "_toc.yml").read_text()))]
WATCH_JS = """window.cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => window.cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`
    + ` at ${event.sourceFile}:${event.lineNumber}`));"""
POLICY_JS = """() => {
    const meta = document.querySelector('meta[http-equiv="Content-Security-Policy"]');
    return meta ? meta.content : null;
}"""
# Move each slider one step each way (keyboard, as on its focused handle), change each explorer select, press
# each playground button.
USE_WIDGETS_JS = """async () => {
    const pause = () => new Promise((resolve) => setTimeout(resolve, 50));
    let used = 0;
    for (const handle of document.querySelectorAll('input[type=range]')) {
        handle.focus();
        for (const key of ['ArrowRight', 'ArrowLeft']) {
            const keyCode = key === 'ArrowRight' ? 39 : 37;
            handle.dispatchEvent(new KeyboardEvent('keydown', {key, keyCode, bubbles: true}));
            if (handle.type === 'range') { handle.stepUp(); handle.dispatchEvent(new Event('input', {bubbles: true})); }
            await pause();
        }
        used += 1;
    }
    for (const select of document.querySelectorAll('form.scratchnn-explorer select')) {
        select.selectedIndex = (select.selectedIndex + 1) % select.options.length;
        select.dispatchEvent(new Event('change', {bubbles: true}));
        await pause();
        used += 1;
    }
    const buttons = '.playground button:not([disabled])';
    for (const button of document.querySelectorAll(buttons)) {
        button.click();
        await pause();
        used += 1;
    }
    return used;
}"""


@pytest.fixture(scope="module")
def context(chromium):
    ctx = chromium.new_context(viewport=DESKTOP)
    ctx.add_init_script(WATCH_JS)
    yield ctx
    ctx.close()


def check_policy(policy: str | None) -> list[str]:
    if policy is None:
        return ["no Content-Security-Policy <meta> (scripts/csp.py did not run?)"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    problems = []
    if directives.get("object-src") != ["'none'"]:
        problems.append(f"object-src is {directives.get('object-src')}, not 'none'")
    if directives.get("base-uri") != ["'self'"]:
        problems.append(f"base-uri is {directives.get('base-uri')}, not 'self'")
    script = directives.get("script-src", [])
    forbidden = ("'unsafe-eval'", "'unsafe-inline'", "*")
    problems += [f"script-src allows {bad}" for bad in forbidden if bad in script]
    if "'self'" not in directives.get("default-src", []) or len(directives.get("default-src", [])) != 1:
        problems.append(f"default-src is {directives.get('default-src')}, not just 'self'")
    return problems


@pytest.mark.parametrize("page", PAGES)
def test_page_needs_nothing_its_policy_forbids(context, book_site, page):
    tab, _rec, _ = open_page(context, book_site.base, f"{page}.html", settle=page != "index")
    try:
        if page == "index":
            tab.wait_for_url(f"**/{PAGES[1]}.html")
            tab.wait_for_load_state("load")
        problems = check_policy(tab.evaluate(POLICY_JS))
        if tab.locator(".runner-cell .runner-run").count():
            tab.wait_for_function("document.documentElement.dataset.runnerReady === 'true'")
            first = tab.locator(".runner-cell .runner-run").first
            first.click()
            tab.wait_for_function(
                "() => document.querySelector('[data-runner-state]') && !document.querySelector('.runner-busy')",
                timeout=300_000,
            )
            states = tab.eval_on_selector_all("[data-runner-state]", "els => els.map(e => e.dataset.runnerState)")
            if "done" not in states:
                problems.append(f"the first cell did not run: {states}")
            # An editor, created on demand, is part of what must work under the policy.
            tab.evaluate("() => scratchnnRunner.editor(scratchnnRunner.state.cells.find((c) => c.runButton))")
        tab.evaluate(USE_WIDGETS_JS)
        tab.wait_for_timeout(300)
        problems += tab.evaluate("() => window.cspViolations")
        assert not problems, f"{page}.html:\n" + "\n".join(problems)
    finally:
        tab.close()


def test_a_forbidden_script_is_caught(chromium, tmp_path):
    """The same watch sees a violation on a page whose policy does not hash one of its inline scripts."""
    page = (HTML_DIR / "book" / "notation.html").read_text(encoding="utf-8")
    page = add_policy(page).replace("</body>", "<script>window.forbidden = true;</script></body>")
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "notation.html").write_text(page, encoding="utf-8")
    shutil.copytree(HTML_DIR / "_static", tmp_path / "_static")
    context = chromium.new_context(viewport=DESKTOP)
    context.add_init_script(WATCH_JS)
    try:
        with LocalSite(tmp_path) as site:
            tab = context.new_page()
            tab.goto(f"{site.base}book/notation.html", wait_until="load")
            tab.wait_for_timeout(300)
            violations = tab.evaluate("() => window.cspViolations")
            assert tab.evaluate("() => window.forbidden === undefined"), "the forbidden script ran"
            assert any("script-src" in v for v in violations), violations
    finally:
        context.close()
