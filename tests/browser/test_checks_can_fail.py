"""The browser checks can fail: a tiny broken page, served and audited exactly like a book page, is reported.

The broken page has math that MathJax cannot parse (``\\frac{``), an image that does not exist, an external
script (which must be reported and never sent), an image without alt text, an equation reference to nothing, a
labelled equation without a number, a console error, a hidden block that no click opens and a box wider than a
phone. A clean page built the same way passes every check, so the problems come from the breakage, not from the
set-up. MathJax is the vendored one that the book uses.
"""

from __future__ import annotations

import base64
import re

import pytest
from browser_checks import CHECKS, LocalSite, audit_page, check_requests, open_page
from site_paths import HTML_DIR, ROOT

pytestmark = pytest.mark.browser

EXTERNAL = "https://example.invalid/x.js"
# A 1x1 PNG.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
# What Sphinx 7 writes into every book page (used if the built book is not there to copy it from).
SPHINX_MATHJAX_CONFIG = '{"options": {"processHtmlClass": "tex2jax_process|mathjax_process|math|output_area"}}'

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{icon}
<script>window.MathJax = {mathjax_config}</script>
<script defer src="mathjax/tex-mml-chtml.js"></script>
{head}
</head><body>
<h1>A test page</h1>
<p>Inline math <span class="math notranslate nohighlight">\\(x^2 + 1\\)</span>.</p>
<div class="math notranslate nohighlight" id="equation-good">
<span class="eqno">(1)<a class="headerlink" href="#equation-good">#</a></span>\\[y = \\frac{{a}}{{b}}\\]</div>
<p>See <a class="reference internal" href="#equation-good">(1)</a>.</p>
<details class="hide"><summary>Show code</summary><div class="cell_input"><pre>print(1)</pre></div></details>
<img src="pixel.png" alt="one pixel">
{body}
</body></html>
"""

BROKEN_HEAD = f'<script src="{EXTERNAL}"></script>'
BROKEN_BODY = """
<div class="math notranslate nohighlight" id="equation-broken">
<span class="eqno">(2)<a class="headerlink" href="#equation-broken">#</a></span>\\[z = \\frac{\\]</div>
<p>A parse error: <span class="math notranslate nohighlight">\\(w = \\frac{a}\\)</span>.</p>
<div class="math notranslate nohighlight" id="equation-unnumbered">\\[u = v\\]</div>
<p>See <a class="reference internal" href="#equation-nowhere">(7)</a>.</p>
<img src="missing.png" alt="a picture that is not there">
<img src="pixel.png">
<details class="hide"><summary>Show output</summary><div style="display: none">never shown</div></details>
<div style="width: 1000px">a box wider than a phone</div>
<script>console.error("something broke");</script>
"""


def vendored_mathjax():
    for folder in (HTML_DIR / "_static" / "vendor" / "mathjax", ROOT / "_vendor" / "vendor" / "mathjax"):
        if (folder / "tex-mml-chtml.js").is_file():
            return folder
    return None


@pytest.fixture(scope="module")
def served_pages(tmp_path_factory):
    """A folder with a clean page (good.html) and a broken one (bad.html), served on 127.0.0.1."""
    mathjax = vendored_mathjax()
    if mathjax is None:
        pytest.skip("no vendored MathJax: run `make book` (or `make vendor`) first")
    config = SPHINX_MATHJAX_CONFIG
    intro = HTML_DIR / "book" / "intro.html"
    if intro.is_file() and (m := re.search(r"<script>window\.MathJax = (.*?)</script>", intro.read_text())):
        config = m.group(1)
    site = tmp_path_factory.mktemp("pages")
    (site / "mathjax").symlink_to(mathjax, target_is_directory=True)
    (site / "pixel.png").write_bytes(PIXEL)
    icon = '<link rel="icon" href="pixel.png">'
    (site / "good.html").write_text(PAGE.format(icon=icon, mathjax_config=config, head="", body=""))
    (site / "bad.html").write_text(PAGE.format(icon="", mathjax_config=config, head=BROKEN_HEAD, body=BROKEN_BODY))
    with LocalSite(site) as served:
        yield served


@pytest.fixture(scope="module")
def audits(chromium, served_pages):
    return {name: audit_page(chromium, served_pages.base, f"{name}.html") for name in ("good", "bad")}


def test_a_clean_page_passes_every_check(audits):
    problems = {check: found for check, found in audits["good"].problems.items() if found}
    assert not problems


def reported(audits, check: str, *patterns: str) -> list[str]:
    """The problems of bad.html for `check`, after asserting that each regex pattern matches one of them."""
    found = audits["bad"].problems[check]
    for pattern in patterns:
        assert any(re.search(pattern, p) for p in found), f"{check}: nothing matches {pattern!r} in {found}"
    return found


def test_broken_math_is_reported(audits):
    reported(
        audits,
        "math",
        # `\frac{` swallows the closing delimiter: MathJax finds no math there and leaves the TeX as it is.
        r"math element not typeset: '\(2\)#\\\[z = \\frac\{\\\]'",
        r"raw TeX left in a math element: .*z = \\frac\{",
        r"5 math expressions in the HTML source, but 4 typeset",
        # A delimited expression that does not parse: MathJax shows an error box.
        r"MathJax error \(mjx-merror\): Missing argument for \\frac in w = \\frac\{a\}$",
        r"equation reference '\(7\)' -> #equation-nowhere: no such element",
        r"labelled equation #equation-unnumbered shows no equation number",
    )


def test_missing_image_and_missing_alt_text_are_reported(audits):
    reported(audits, "images", r"image did not load: missing\.png", r"image without alt text: pixel\.png")
    reported(audits, "http", r"HTTP 404: .*/missing\.png$")


def test_external_script_is_reported_and_never_sent(audits, chromium, served_pages):
    reported(audits, "http", rf"request to another host \(blocked, never sent\): {re.escape(EXTERNAL)}")
    context = chromium.new_context()
    try:
        _, rec, _ = open_page(context, served_pages.base, "bad.html")
    finally:
        context.close()
    assert rec.external == [EXTERNAL]
    # The route aborted it inside the browser: it failed as blocked, it got no response at all.
    assert [url for url, why in rec.failed if why.startswith("net::ERR_BLOCKED_BY_CLIENT")] == [EXTERNAL]
    assert not any(EXTERNAL in url for _, url in rec.http_errors)
    assert any("request to another host" in p for p in check_requests(rec))


def test_console_error_toggle_overflow_and_favicon_are_reported(audits):
    reported(audits, "console", r"console error: 'something broke'")
    reported(audits, "toggles", r"Show output.*clicking did not reveal the content")
    reported(audits, "narrow", r"the page scrolls sideways", r"too wide: div \(width 1000 px")
    reported(audits, "favicon", r"names no favicon.*HTTP 404")


def test_every_check_has_a_failing_example(audits):
    # launch (needs a Jupyter Book page and _config.yml), widgets and explorer (need embedded widget state) are
    # exercised on the real book only; every other check must be seen failing here.
    silent = {check for check in CHECKS if not audits["bad"].problems[check]}
    assert silent == {"launch", "widgets", "explorer"}
