"""The accessibility checks can fail: a small page full of known barriers, served and audited exactly like a book
page (accessibility.audit_accessibility), is reported barrier by barrier, each with what a maintainer needs (rule,
impact, where, a piece of the HTML). A clean page built the same way passes every check, so the reports come from
the barriers and not from the set-up.
"""

from __future__ import annotations

import re

import pytest
from accessibility import audit_accessibility
from browser_checks import DESKTOP, LocalSite

pytestmark = pytest.mark.browser

PIXEL = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><rect width="1" height="1"/></svg>'

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>A test page</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
{head}
<style>
  body {{ background: #ffffff; color: #222222; }}
  html[data-theme="dark"] body {{ background: #121212; color: #ced6dd; }}
  a, button {{ color: inherit; background: transparent; border: 1px solid currentColor; }}
  :focus-visible {{ outline: 3px solid #c132af; }}
</style>
</head><body>
<main>
<h1>A test page</h1>
<p>Some text with <a href="#end">a link</a>.</p>
<h2>A section</h2>
<img src="pixel.svg" alt="one pixel">
<button type="button">Press me</button>
<button type="button" class="theme-switch-button"{switch}>Colour mode</button>
{body}
<p id="end">The end.</p>
</main>
</body></html>
"""
# The clean page takes the theme from localStorage and its colour-mode button switches it, as the book's theme
# does; the broken page ignores both.
THEME_SCRIPT = '<script>document.documentElement.dataset.theme = localStorage.getItem("theme") || "light";</script>'
SWITCH = (
    " onclick=\"const t = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';"
    " localStorage.setItem('theme', t); document.documentElement.dataset.theme = t;\""
)
BROKEN_BODY = """
<h4>A heading two levels down</h4>
<img src="pixel.svg">
<p style="color: #999999">Grey text that is hard to read</p>
<div role="slider" tabindex="0" aria-valuemin="0" aria-valuemax="10" aria-valuenow="3" style="height: 1em"></div>
<button type="button" aria-label="Go">Search the book</button>
<a href="#end" style="outline: none" class="ringless">A link that hides its focus</a>
<div role="list"><a href="#end">not a list item</a></div>
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    site = tmp_path_factory.mktemp("a11y-pages")
    (site / "pixel.svg").write_text(PIXEL)
    (site / "good.html").write_text(PAGE.format(head=THEME_SCRIPT, switch=SWITCH, body=""))
    (site / "bad.html").write_text(PAGE.format(head="", switch="", body=BROKEN_BODY))
    with LocalSite(site) as s:
        yield s


@pytest.fixture(scope="module")
def audits(chromium, served):
    return {
        name: audit_accessibility(chromium, served.base, f"{name}.html", viewport=DESKTOP) for name in ("good", "bad")
    }


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_a_clean_page_passes_every_check(audits, theme):
    problems = {check: found for check, found in audits["good"][theme].items() if found}
    assert not problems


def found(audits, check: str, *patterns: str, theme: str = "light") -> None:
    lines = audits["bad"][theme][check]
    for pattern in patterns:
        assert any(re.search(pattern, line) for line in lines), f"{check}: nothing matches {pattern!r} in {lines}"


def test_axe_reports_each_barrier_with_rule_impact_place_and_html(audits):
    found(
        audits,
        "axe",
        r"^image-alt \(critical\): .*\[1 element\(s\)\]$",
        r'^    at .+: <img src="pixel\.svg">',
        r"^color-contrast \(serious\): ",
        r'<p style="color: #999999">Grey text .* insufficient color contrast of 2\.\d+',
        r"^aria-input-field-name \(serious\): ",
        r'^    at .+: <div role="slider"',
        r"^label-content-name-mismatch \(serious\): ",
        r'<button type="button" aria-label="Go">Search the book</button>',
        r"^aria-required-children \(critical\): ",
    )


def test_dark_theme_that_did_not_render_is_reported(audits):
    found(
        audits, "theme", r"3 clicks on the colour-mode button did not switch the page to the dark theme", theme="dark"
    )
    found(audits, "theme", r"asked for the dark theme, but <html data-theme> is ''", theme="dark")
    found(audits, "theme", r"the page does not look dark: background rgb\(255, 255, 255\)", theme="dark")


def test_skipped_heading_level_is_reported(audits):
    found(audits, "headings", r"heading level skipped: h2 'A section' is followed by h4 'A heading two levels down'")


def test_invisible_focus_is_reported(audits):
    found(audits, "focus", r"Tab stop \d+, a\.ringless 'A link that hides its focus': no visible focus indicator")
    # The other stops show the page's focus ring: only the ringless link is reported.
    assert len(audits["bad"]["light"]["focus"]) == 1
