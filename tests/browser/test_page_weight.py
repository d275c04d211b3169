"""What the playground page costs a reader before any Run (issues 20 and 23), in Chromium with an empty cache.

The page is opened in a fresh context, scrolled to the bottom and back (so that every lazily loaded image that the
reader would see on the way is fetched), and every response is counted: the bytes that crossed the network
(Resource Timing ``transferSize``, the page itself included) must stay within 3 MB. The explorer's pictures are
fetched one at a time: only the starting one before the reader touches a control. Without JavaScript the
explorer still shows its starting picture.
"""

from __future__ import annotations

import pytest
from browser_checks import DESKTOP, check_requests, record

pytestmark = pytest.mark.browser

PAGE = "book/playground.html"
BUDGET = 3_000_000
TRANSFERRED_JS = """() => {
    const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
    return entries.map(e => ({url: e.name, bytes: e.transferSize}));
}"""


def visit(context, base: str):
    page = context.new_page()
    rec = record(page, base)
    response = page.goto(base + PAGE, wait_until="load")
    rec.main_status = response.status if response else None
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_timeout(500)
    page.evaluate("() => document.querySelector('form.scratchnn-explorer')?.scrollIntoView()")
    page.wait_for_function(
        "() => { const i = document.querySelector('.ex-picture'); return !i || (i.complete && i.naturalWidth); }"
    )
    page.wait_for_load_state("networkidle")
    return page, rec


def test_first_visit_transfers_at_most_3_mb_and_one_explorer_picture(chromium, book_site):
    context = chromium.new_context(viewport=DESKTOP)
    try:
        page, rec = visit(context, book_site.base)
        entries = page.evaluate(TRANSFERRED_JS)
        total = sum(e["bytes"] for e in entries)
        heaviest = sorted(entries, key=lambda e: -e["bytes"])[:5]
        print(
            f"\n{PAGE}: {len(entries)} responses, {total / 1e6:.2f} MB transferred; heaviest: "
            + ", ".join(f"{e['url'].rsplit('/', 1)[-1]} {e['bytes'] / 1e3:.0f} kB" for e in heaviest)
        )
        assert total <= BUDGET, f"{total / 1e6:.2f} MB transferred (budget 3 MB); heaviest: {heaviest}"
        pictures = [url for url in rec.requests if "/_static/explorer/" in url]
        assert len(pictures) == 1 and pictures[0].endswith("gaussian-clouds-lr1-h3.png"), pictures
        assert not [url for url in rec.requests if "/vendor/pyodide/" in url], "Python fetched before any Run"
        assert not [url for url in rec.requests if "/vendor/widgets/" in url or "embed-amd" in url]
        assert not check_requests(rec)  # nothing from another host, no failed request
    finally:
        context.close()


def test_without_javascript_the_explorer_shows_its_starting_picture(chromium, book_site):
    context = chromium.new_context(viewport=DESKTOP, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(book_site.base + PAGE, wait_until="load")
        img = page.locator("form.scratchnn-explorer img.ex-picture")
        img.scroll_into_view_if_needed()
        page.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=img.element_handle())
        assert "gaussian clouds, learning rate 1, 3 hidden units" in img.get_attribute("alt")
        assert not page.locator("form.scratchnn-explorer fieldset").is_visible()  # controls need JavaScript
    finally:
        context.close()
