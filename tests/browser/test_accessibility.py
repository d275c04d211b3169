"""WCAG 2.1 AA on every page of the built book (issue 15), in headless Chromium.

Every page of _toc.yml is opened at 1280 px and at 390 px, in the light theme, then switched to the dark one with
the page's own colour-mode button, as a reader does; each time the page is checked to have really rendered in that
theme. In each theme:

- axe-core (pinned in package.json, injected by the test, never part of the site) runs every rule tagged
  wcag2a, wcag2aa, wcag21a or wcag21aa, none disabled: zero violations of any impact;
- the headings never skip a level, and the main content starts with an h1;
- Tab goes through the whole page and every element that takes the focus is on screen and shows the focus (at
  1280 px in the light theme and at 390 px in the dark one: the focus styles do not depend on the theme's
  colours, and each width has its own set of controls).

The checks judge whatever the page holds (widgets, code-cell editors, buttons added later), with no list of
expected controls. Run just this stage with ``make a11y``. Screenshots of every page in the dark theme land in
_build/screenshots/a11y/ (the light ones are test_pages.py's, in _build/screenshots/).
"""

from __future__ import annotations

import sys

import pytest
import yaml
from accessibility import THEMES, audit_accessibility
from browser_checks import DESKTOP, NARROW
from site_paths import BOOK_DIR, ROOT

sys.path.insert(0, str(ROOT / "scripts"))

from build_book import toc_files

pytestmark = pytest.mark.browser

TOC_PAGES = toc_files(yaml.safe_load((BOOK_DIR / "_toc.yml").read_text()))
WIDTHS = {"1280px": DESKTOP, "390px": NARROW}
# Where Tab is pressed through the page: both widths, each in one theme.
FOCUS_RUNS = (("1280px", "light"), ("390px", "dark"))
CHECKS = ("theme", "axe", "headings")


@pytest.fixture(scope="session")
def a11y_audits(chromium, book_site, shot_dir):
    """(page, width) -> {theme: {check: problems}}, computed on first use: one visit per page and width, in the
    light theme first, then switched to the dark one with the page's colour-mode button. Screenshots in the dark
    theme (test_pages.py takes the light ones)."""
    cache: dict[tuple[str, str], dict[str, dict[str, list[str]]]] = {}

    def get(page: str, width: str) -> dict[str, dict[str, list[str]]]:
        if (page, width) not in cache:
            cache[page, width] = audit_accessibility(
                chromium,
                book_site.base,
                f"{page}.html",
                viewport=WIDTHS[width],
                themes=THEMES,
                focus_themes=tuple(theme for w, theme in FOCUS_RUNS if w == width),
                shots={"dark": shot_dir / "a11y" / f"{page}-{width}-dark.png"},
            )
        return cache[page, width]

    return get


@pytest.mark.parametrize("check", CHECKS)
@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page", TOC_PAGES)
def test_accessibility(a11y_audits, page: str, width: str, theme: str, check: str):
    problems = a11y_audits(page, width)[theme][check]
    assert not problems, f"{page}.html at {width}, {theme} theme, check {check!r}:\n" + "\n".join(problems)


@pytest.mark.parametrize(("width", "theme"), FOCUS_RUNS)
@pytest.mark.parametrize("page", TOC_PAGES)
def test_focus_is_visible(a11y_audits, page: str, width: str, theme: str):
    problems = a11y_audits(page, width)[theme]["focus"]
    assert not problems, f"{page}.html at {width}, {theme} theme, focus:\n" + "\n".join(problems)
