"""Long chapters on a phone (issue 23): sections laid out only near the screen, wide formulas and code reachable.

assets/book.css lets the browser skip the layout of a chapter's sections until they come near the screen
(content-visibility) and makes a formula wider than the column scroll sideways; assets/book.js (the theme's own
measuring removed by scripts/site_html.py) makes every block that scrolls a Tab stop, and no other. Opened in
Chromium at 390 px, the width of a phone.
"""

from __future__ import annotations

import pytest
from accessibility import run_axe
from browser_checks import NARROW, open_page

pytestmark = pytest.mark.browser

PAGE = "book/03_backprop.html"
FORMULA = "#equation-backprop-delta1 > .katex-display"  # (3.12), wider than a phone's column

# For every block that may scroll (code, outputs, tables, formulas): shown (not in a closed <details>), its section
# laid out, it scrolls, its tabindex.
BLOCKS_JS = """() => [...document.querySelectorAll(`.bd-article :is(pre, .nboutput > .output_area,
        .cell_output > .output, .jp-RenderedHTMLCommon, .pst-scrollable-table-container,
        div.math > .katex-display)`)].map((e) => ({
    kind: e.tagName, shown: e.checkVisibility(),
    laidOut: e.checkVisibility({contentVisibilityAuto: true}),
    scrolls: e.scrollWidth > e.clientWidth
        || (e.scrollHeight > e.clientHeight && getComputedStyle(e).overflowY !== 'hidden'),
    tabIndex: e.tabIndex,
}))"""


@pytest.fixture()
def phone_page(chromium, book_site):
    context = chromium.new_context(viewport=NARROW)
    try:
        page, _, waiting = open_page(context, book_site.base, PAGE)
        assert not waiting, waiting
        yield page
    finally:
        context.close()


def test_a_wide_formula_shows_its_start_and_scrolls_with_the_keyboard(phone_page):
    page = phone_page
    page.locator(FORMULA).scroll_into_view_if_needed()
    page.wait_for_timeout(500)  # laid out and measured (book.js) in the next frame
    box = page.evaluate(
        """(selector) => {
            const formula = document.querySelector(selector);
            const first = formula.querySelector('.katex-html > .base').getBoundingClientRect();
            return {left: formula.getBoundingClientRect().left, firstLeft: first.left,
                    scrolls: formula.scrollWidth > formula.clientWidth, tabIndex: formula.tabIndex};
        }""",
        FORMULA,
    )
    assert box["firstLeft"] >= box["left"] - 1, f"the formula's start is cut off: {box}"
    assert box["scrolls"] and box["tabIndex"] == 0, f"a formula that scrolls must be a Tab stop: {box}"
    page.focus(FORMULA)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(400)  # the browser scrolls smoothly
    assert page.evaluate("(s) => document.querySelector(s).scrollLeft", FORMULA) > 0, "arrow keys did not scroll it"


def test_blocks_in_sections_laid_out_later_are_tab_stops_exactly_when_they_scroll(phone_page):
    page = phone_page
    page.wait_for_timeout(500)  # the first sections laid out and measured
    at_load = page.evaluate(BLOCKS_JS)
    later = [block for block in at_load if block["shown"] and not block["laidOut"]]
    assert later, "no section of the long chapter waited to be laid out (assets/book.css: content-visibility)"
    unreachable = [block for block in later if block["tabIndex"] != 0]
    assert not unreachable, f"blocks not laid out yet must stay reachable with Tab: {unreachable[:5]}"
    # The reader scrolls down the whole page: every section is laid out on the way, and measured.
    seen, wrong, y = set(), [], 0
    while y < page.evaluate("() => document.documentElement.scrollHeight"):  # it changes as sections are laid out
        page.evaluate("(y) => window.scrollTo(0, y)", y)
        y += NARROW["height"] // 2
        page.wait_for_timeout(100)
        for i, block in enumerate(page.evaluate(BLOCKS_JS)):
            if block["laidOut"]:
                seen.add(i)
                if (block["tabIndex"] == 0) != block["scrolls"]:
                    wrong.append((i, y, block))
    assert not wrong, f"laid out blocks whose Tab stop does not match whether they scroll: {wrong[:5]}"
    assert {i for i, block in enumerate(at_load) if block["shown"]} <= seen, "some shown blocks were never laid out"


def test_a_formula_that_widens_when_its_fonts_arrive_becomes_a_tab_stop(chromium, book_site):
    """KaTeX's fonts for big symbols (Size1, Size2: the sums and brackets of display formulas) arrive after the
    formulas were first laid out, as on a slow network: a formula that fitted the column with the fallback symbols
    and no longer fits with KaTeX's own must become a Tab stop, though its box, as wide as the column, kept its
    size. (softmax-j fits exactly without them; seen in CI, where axe found it scrolling and not a Tab stop.)"""
    context = chromium.new_context(viewport=NARROW)
    held = []

    def hold(route):  # answered only when released below
        held.append(route)

    try:
        page = context.new_page()
        page.route("**/KaTeX_Size*", hold)
        page.goto(book_site.base + "book/02_softmax.html", wait_until="domcontentloaded")  # load waits for the fonts
        page.evaluate("() => document.querySelectorAll('.bd-article section').forEach((s) => "
                      "s.style.contentVisibility = 'visible')")  # fmt: skip
        page.wait_for_timeout(500)  # laid out in the fallback font and measured
        before = page.evaluate(BLOCKS_JS)
        assert held, "no KaTeX_Size font was requested"
        for route in held:
            route.continue_()
        page.unroute("**/KaTeX_Size*", hold)
        page.evaluate("() => document.fonts.ready")
        page.wait_for_timeout(500)  # laid out again in KaTeX's fonts and measured
        after = page.evaluate(BLOCKS_JS)
    finally:
        context.close()
    widened = [i for i, (b, a) in enumerate(zip(before, after, strict=True)) if a["scrolls"] and not b["scrolls"]]
    assert widened, "no formula of 02_softmax widens past a phone's column when its fonts arrive: pick another page"
    wrong = [
        (i, block) for i, block in enumerate(after) if block["shown"] and (block["tabIndex"] == 0) != block["scrolls"]
    ]
    assert not wrong, f"blocks whose Tab stop does not match whether they scroll once the fonts arrived: {wrong[:5]}"


def test_axe_as_lighthouse_runs_it_sees_no_content_of_a_skipped_section_over_another(chromium, book_site):
    """Lighthouse runs axe on the page as loaded, sections skipped. axe reads the layout of their content, which is
    laid out where it is, taller than the section's estimated height: on 02_softmax at a phone's width, text of
    one section lay over a Run button of another and failed colour contrast (1.95:1), which no reader sees. A
    skipped section clips its content (assets/book.js, book.css: .skipped); once laid out it is not clipped."""
    context = chromium.new_context(viewport={"width": 412, "height": 823}, device_scale_factor=1.75, is_mobile=True)
    try:
        page, _, waiting = open_page(context, book_site.base, "book/02_softmax.html")
        assert not waiting, waiting
        page.wait_for_timeout(500)
        assert page.evaluate("() => document.querySelectorAll('.bd-article section.skipped').length") > 3
        violations = run_axe(page, lay_out_everything=False)
        assert not violations, violations
        # The reader scrolls to the end: every section on the way is laid out and no longer clipped.
        page.keyboard.press("End")
        for _ in range(60):
            page.mouse.wheel(0, -600)
            page.wait_for_timeout(50)
        sections = page.evaluate("""() => [...document.querySelectorAll('.bd-article section section')].map((s) =>
            ({id: s.id, skipped: s.classList.contains('skipped'),
              laidOut: (s.firstElementChild || s).checkVisibility({contentVisibilityAuto: true})}))""")
        wrong = [s for s in sections if s["skipped"] == s["laidOut"]]
        assert not wrong, f"sections whose .skipped does not say whether they are laid out: {wrong[:5]}"
    finally:
        context.close()
