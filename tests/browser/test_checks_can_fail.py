"""The browser checks can fail: a tiny broken page, served and audited exactly like a book page, is reported.

The broken page has maths that KaTeX could not parse (``\\frac{``), maths left as raw TeX, a maths script in
the page, rendered maths without KaTeX's stylesheet, an image that does not exist, an external script (which must
be reported and never sent), an image without alt text, an equation reference to nothing, a labelled equation
without a number, a console error, a hidden block that no click opens and a box wider than a phone. A clean page
built the same way passes every check, so the problems come from the breakage, not from the set-up. The maths is
rendered by the npm KaTeX and styled by the stylesheet and fonts that the book vendors, as in the book's build.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess

import pytest
from browser_checks import CHECKS, LocalSite, audit_page, check_requests, open_page
from site_paths import HTML_DIR, ROOT

pytestmark = pytest.mark.browser

EXTERNAL = "https://example.invalid/x.js"
# A 1x1 PNG.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
KATEX = ROOT / "node_modules" / "katex"
# Rendered by KaTeX under Node, as sphinxcontrib-katex does at build time: {name: (TeX, display mode)}.
FORMULAS = {"inline": ("x^2 + 1", False), "good": ("y = \\frac{a}{b}", True), "bad": ("w = \\frac{a}", False)}

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{icon}
{head}
</head><body>
<h1>A test page</h1>
<p>Inline math <span class="math notranslate nohighlight">{inline}</span>.</p>
<div class="math notranslate nohighlight" id="equation-good">
<span class="eqno">(1)<a class="headerlink" href="#equation-good">#</a></span>{good}</div>
<p>See <a class="reference internal" href="#equation-good">(1)</a>.</p>
<details class="hide"><summary>Show code</summary><div class="cell_input"><pre>print(1)</pre></div></details>
<img src="pixel.png" alt="one pixel">
{body}
</body></html>
"""

GOOD_HEAD = '<link rel="stylesheet" href="katex/katex.min.css">'
BROKEN_HEAD = f'<script src="{EXTERNAL}"></script>\n<script src="maths.js"></script>'
BROKEN_BODY = """
<div class="math notranslate nohighlight" id="equation-broken">
<span class="eqno">(2)<a class="headerlink" href="#equation-broken">#</a></span>\\[z = \\frac{{\\]</div>
<p>A parse error: <span class="math notranslate nohighlight">{bad}</span>.</p>
<div class="math notranslate nohighlight" id="equation-unnumbered">{inline}</div>
<p>See <a class="reference internal" href="#equation-nowhere">(7)</a>.</p>
<img src="missing.png" alt="a picture that is not there">
<img src="pixel.png">
<details class="hide"><summary>Show output</summary><div style="display: none">never shown</div></details>
<div style="width: 1000px">a box wider than a phone</div>
<script>console.error("something broke");</script>
"""


def vendored_katex_css():
    for folder in (HTML_DIR / "_static" / "vendor" / "katex", ROOT / "_vendor" / "vendor" / "katex"):
        if (folder / "katex.min.css").is_file():
            return folder
    return None


def render_with_katex() -> dict[str, str]:
    """Each formula of FORMULAS as KaTeX HTML + MathML, rendered by the npm KaTeX under Node."""
    script = (
        f"const katex = require({json.dumps(str(KATEX))}); const f = JSON.parse(process.argv[1]); const out = {{}};"
        "for (const [k, [tex, display]] of Object.entries(f))"
        " out[k] = katex.renderToString(tex, {displayMode: display, throwOnError: false});"
        "process.stdout.write(JSON.stringify(out));"
    )
    done = subprocess.run(["node", "-e", script, json.dumps(FORMULAS)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def served_pages(tmp_path_factory):
    """A folder with a clean page (good.html) and a broken one (bad.html), served on 127.0.0.1."""
    css = vendored_katex_css()
    if css is None or not (KATEX / "package.json").is_file():
        pytest.skip("no vendored KaTeX: run `make book` (or `make vendor`) first")
    maths = render_with_katex()
    site = tmp_path_factory.mktemp("pages")
    (site / "katex").symlink_to(css, target_is_directory=True)
    (site / "pixel.png").write_bytes(PIXEL)
    (site / "maths.js").write_text("window.MathJax = {};\n")
    icon = '<link rel="icon" href="pixel.png">'
    good = PAGE.format(icon=icon, head=GOOD_HEAD, body="", **maths)
    bad = PAGE.format(icon="", head=BROKEN_HEAD, body=BROKEN_BODY.format(**maths), **maths)
    (site / "good.html").write_text(good)
    (site / "bad.html").write_text(bad)
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
        r"a maths script runs in the page",
        r"math element not rendered: '\(2\)#\\\[z = \\frac\{\\\]'",
        r"raw TeX left in a math element: .*z = \\frac\{",
        # KaTeX (throwOnError: false) keeps a formula it cannot parse as red TeX with the message as its title.
        r"KaTeX error: ParseError: KaTeX parse error: .* in w = \\frac\{a\}",
        r"rendered formulas, but none of KaTeX's fonts loaded",
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
    # launch (needs a Jupyter Book page and _config.yml), widgets (a page embedding ipywidgets state) and explorer
    # (needs the explorer's form) are exercised on the real book only; every other check must be seen failing here.
    silent = {check for check in CHECKS if not audits["bad"].problems[check]}
    assert silent == {"launch", "widgets", "explorer"}
