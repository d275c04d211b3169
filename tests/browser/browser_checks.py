"""Checks of a rendered book page in headless Chromium, shared by the real-page tests and the can-fail tests.

Every ``check_*`` function returns a list of problems (human-readable strings, empty when all is well), so the
same code judges the built book (test_pages.py) and a deliberately broken page (test_checks_can_fail.py).

A page is opened with :func:`open_page`, which records every request, failed request, HTTP error, console
message and uncaught error, and aborts every request that would leave 127.0.0.1 (recorded as external, never
sent). The checks then read that record and the live page.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import re
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

# Every console error/warning and every uncaught exception is a problem. The two that Jupyter Book 1 used to
# produce on every page are fixed at build time (issue 23): the duplicate inline `const THEBE_JS_URL` is removed
# by scripts/site_html.py, the colour mode falls back to "auto" (_config.yml html_context). Keep these empty.
KNOWN_PAGE_ERRORS: frozenset[str] = frozenset()
KNOWN_CONSOLE_MESSAGES: frozenset[tuple[str, str]] = frozenset()
FAILING_CONSOLE_TYPES = frozenset({"error", "warning", "assert"})

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]


# For a profile opened without Playwright's request routing (which turns the HTTP cache off, and with it Chromium's
# code cache): a request to another host fails instead of being aborted by the test.
OTHER_HOSTS_UNRESOLVED = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"


@contextlib.contextmanager
def headless_chromium(executable: Path):
    """Debian's Chromium (`executable`, never a Playwright download), headless, driven by Playwright."""
    if not executable.exists():
        raise FileNotFoundError(
            f"{executable} not found: run scripts/install_browser.sh (or set CHROMIUM to a Chromium binary)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


# The chapters' sections are laid out only near the screen (assets/book.css: content-visibility: auto); what is not
# laid out is not painted, so axe's colour checks, which look at what is painted under each text, and a full-page
# screenshot would see nothing there, or the wrong background. While judged, every section is laid out, as each is
# when a reader scrolls to it (`on`: true; false puts the page back). Style properties set from script: no CSP issue.
LAY_OUT_EVERYTHING_JS = """async (on) => {
    for (const section of document.querySelectorAll('.bd-article section')) {
        section.style.contentVisibility = on ? 'visible' : '';
    }
    void document.documentElement.offsetHeight;  // laid out now: the fonts these sections need start loading
    await document.fonts.ready;  // and have loaded; book.js measures the blocks again once they have
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
}"""


@contextlib.contextmanager
def everything_laid_out(page):
    """Every section of the open page laid out while in the block (see LAY_OUT_EVERYTHING_JS)."""
    page.evaluate(LAY_OUT_EVERYTHING_JS, True)
    try:
        yield
    finally:
        page.evaluate(LAY_OUT_EVERYTHING_JS, False)


DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 390, "height": 844}
TIMEOUT_MS = 30_000


# ------------------------------------------------------------------------------------------------ serving


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A browser that closes a connection early (page closed mid-download) is not a problem of the site.
        pass


class LocalSite:
    """Serve a folder on 127.0.0.1 (a free port) from a background thread; use as a context manager."""

    def __init__(self, directory: Path):
        handler = functools.partial(_QuietHandler, directory=str(directory))
        self.server = _Server(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}/"
        self._thread = threading.Thread(target=self.server.serve_forever, name="book-server", daemon=True)

    def __enter__(self) -> LocalSite:
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=10)


def fetch(url: str) -> tuple[int, bytes]:
    """GET a URL of the local server from Python (not from the page): (status, body)."""
    assert urlsplit(url).hostname == "127.0.0.1", f"refusing to fetch a non-local URL: {url}"
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, b""


# --------------------------------------------------------------------------------------------- recording


@dataclass
class PageRecord:
    """Everything a page did on the network and in the console while it was open."""

    base: str
    requests: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    http_errors: list[tuple[int, str]] = field(default_factory=list)
    console: list[tuple[str, str, str]] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    main_status: int | None = None
    source_html: str = ""

    def is_local(self, url: str) -> bool:
        parts, base = urlsplit(url), urlsplit(self.base)
        if parts.scheme in ("data", "blob"):
            return True
        return parts.scheme == base.scheme and parts.netloc == base.netloc


def record(page, base: str) -> PageRecord:
    """Start recording `page` (before navigating). Requests that leave 127.0.0.1 are aborted and listed."""
    rec = PageRecord(base)

    def route(r):
        if rec.is_local(r.request.url):
            r.continue_()
        else:
            rec.external.append(r.request.url)
            r.abort("blockedbyclient")

    def on_console(msg):
        loc = msg.location or {}
        rec.console.append((msg.type, msg.text, str(loc.get("url", ""))))

    page.context.route("**/*", route)
    page.on("request", lambda r: rec.requests.append(r.url))
    page.on("requestfailed", lambda r: rec.failed.append((r.url, r.failure or "")))
    page.on("response", lambda r: rec.http_errors.append((r.status, r.url)) if r.status >= 400 else None)
    page.on("console", on_console)
    page.on("pageerror", lambda err: rec.page_errors.append(str(getattr(err, "message", err))))
    return rec


def open_page(context, base: str, path: str, *, settle: bool = True) -> tuple[object, PageRecord, list[str]]:
    """Open `base + path` in a new tab of `context` (one recorded page per context), recording it; with `settle`
    (not for a page that redirects at once), wait until the page's scripts have run (DOMContentLoaded, load).

    Returns (page, record, problems met while waiting)."""
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    rec = record(page, base)
    response = page.goto(base + path, wait_until="load")
    rec.main_status = response.status if response else None
    try:
        rec.source_html = response.text() if response and response.ok else ""
    except Exception:  # the page navigated on (a redirect page): its body is gone, and it has no math to count
        rec.source_html = ""
    if not settle:
        return page, rec, []
    return page, rec, []


# ------------------------------------------------------------------------------------------------ checks


def check_requests(rec: PageRecord) -> list[str]:
    """HTTP 200 for the page itself; no failed request, no HTTP error, no request to another host."""
    problems = []
    if rec.main_status != 200:
        problems.append(f"the page itself answered HTTP {rec.main_status}")
    for url in rec.external:
        problems.append(f"request to another host (blocked, never sent): {url}")
    for url in rec.requests:
        if not rec.is_local(url) and url not in rec.external:
            problems.append(f"request to another host that was not intercepted: {url}")
    for url, why in rec.failed:
        if url not in rec.external:
            problems.append(f"request failed ({why}): {url}")
    for status, url in rec.http_errors:
        problems.append(f"HTTP {status}: {url}")
    return problems


def check_favicon(page, rec: PageRecord) -> list[str]:
    """The page names a favicon that loads. Without <link rel="icon"> a browser asks for /favicon.ico at the root
    of the host (for GitHub Pages: the root of the user's site, not of the book), and the book has none there.
    (Checked directly: while requests are intercepted, Chromium does not fetch the favicon by itself.)"""
    icons = page.eval_on_selector_all('link[rel~="icon"]', "ls => ls.map(l => l.href)")
    if not icons:
        status, _ = fetch(rec.base + "favicon.ico")
        if status == 200:
            return []
        return [
            'the page names no favicon (<link rel="icon">), so browsers request /favicon.ico, which the site '
            f"does not have (HTTP {status}); set a favicon in _config.yml (html: favicon: <file>)"
        ]
    problems = []
    for url in icons:
        if not rec.is_local(url):
            problems.append(f"favicon from another host: {url}")
        elif not url.startswith("data:") and (status := fetch(url)[0]) != 200:
            problems.append(f"favicon {url}: HTTP {status}")
    return problems


def check_console(rec: PageRecord) -> list[str]:
    """No console error/warning and no uncaught exception except the known Jupyter Book 1 messages."""
    problems = []
    for kind, text, where in rec.console:
        if kind in FAILING_CONSOLE_TYPES and (kind, text) not in KNOWN_CONSOLE_MESSAGES:
            problems.append(f"console {kind}: {text!r} (from {where or 'the page'})")
    for text in rec.page_errors:
        if text not in KNOWN_PAGE_ERRORS:
            problems.append(f"uncaught exception: {text!r}")
    return problems


# Opening delimiters of TeX math, after skipping escaped backslashes: in `a \\[4pt] b` (a line break with extra
# space) the `\\` is consumed first, so its `[` opens nothing.
_DELIMITERS = re.compile(r"\\\\|\\\(|\\\[")


class _MathCounter(HTMLParser):
    """Count the math expressions in the HTML that Sphinx wrote: in every element with class ``math``, each
    ``\\(...\\)`` and ``\\[...\\]`` (an environment such as ``\\begin{align}`` without delimiters counts once)."""

    VOID = frozenset({"br", "img", "input", "meta", "link", "hr", "wbr", "source", "col", "area", "base", "embed"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []  # per open element: is it a math element?
        self.texts: list[str] = []  # text of each outermost math element
        self._depth = 0  # how many math elements are open

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        is_math = "math" in (dict(attrs).get("class") or "").split()
        if is_math and self._depth == 0:
            self.texts.append("")
        self._depth += is_math
        self.stack.append(is_math)

    def handle_endtag(self, tag):
        if tag in self.VOID or not self.stack:
            return
        self._depth -= self.stack.pop()

    def handle_data(self, data):
        if self._depth:
            self.texts[-1] += data

    def expressions(self) -> int:
        n = 0
        for text in self.texts:
            k = sum(token != "\\\\" for token in _DELIMITERS.findall(text))
            n += k if k else int("\\begin{" in text)
        return n


def count_source_math(html: str) -> tuple[int, int]:
    """(math elements, TeX-delimited expressions) in a page's HTML source."""
    parser = _MathCounter()
    parser.feed(html)
    parser.close()
    return len(parser.texts), parser.expressions()


MATH_STATE_JS = """async () => {
    await document.fonts.ready;
    const math = [...document.querySelectorAll('.math')].filter(e => !e.parentElement.closest('.math'));
    const inMath = math.reduce((n, e) => n + e.querySelectorAll('.katex').length, 0);
    const untypeset = math.filter(e => !e.querySelector('.katex .katex-html'))
        .map(e => e.textContent.trim().slice(0, 80));
    const noMathml = math.filter(e => e.querySelector('.katex') && !e.querySelector('.katex-mathml math'))
        .map(e => e.textContent.trim().slice(0, 80));
    const leftover = math.filter(e => /\\\\[(\\[]|\\$/.test(
            [...e.childNodes].filter(n => n.nodeType === Node.TEXT_NODE).map(n => n.textContent).join('')))
        .map(e => e.textContent.trim().slice(0, 80));
    // KaTeX (rendering with throwOnError: false) writes a red span holding the TeX and the message in its title.
    const errors = [...document.querySelectorAll('.katex-error')].map(e =>
        (e.getAttribute('title') || 'error') + ' in ' + e.textContent.trim().slice(0, 80));
    const fonts = [...document.fonts].filter(f => f.family.replace(/"/g, '').startsWith('KaTeX_'));
    const numbered = [...document.querySelectorAll('div.math[id^="equation-"]')].map(e => {
        const no = e.querySelector('.eqno');
        const box = no ? no.getBoundingClientRect() : null;
        return {id: e.id, eqno: no ? no.textContent.replace('#', '').trim() : null,
                visible: !!(box && box.width > 0 && box.height > 0)};
    });
    return {elements: math.length, inMath, untypeset, noMathml, leftover, errors, numbered,
            fontsLoaded: fonts.filter(f => f.status === 'loaded').length,
            script: !!window.MathJax || !!document.querySelector('script[src*="mathjax" i], script[src*="katex" i]')};
}"""

EQ_REFS_JS = """async () => {
    const out = [], docs = {};
    const links = [...document.querySelectorAll('a[href*="#equation-"]')]
        .filter(a => !a.classList.contains('headerlink'));
    for (const a of links) {
        const url = new URL(a.href, location.href);
        const id = decodeURIComponent(url.hash.slice(1));
        const page = url.origin + url.pathname;
        let doc = document;
        if (page !== location.origin + location.pathname) {
            if (!(page in docs)) {
                const r = await fetch(page);
                docs[page] = r.ok ? new DOMParser().parseFromString(await r.text(), 'text/html') : null;
            }
            doc = docs[page];
        }
        const target = doc ? doc.getElementById(id) : null;
        const no = target ? target.querySelector('.eqno') : null;
        out.push({href: a.getAttribute('href'), text: a.textContent.trim(), found: !!target,
                  isMath: !!(target && target.matches('.math')),
                  eqno: no ? no.textContent.replace('#', '').trim() : null});
    }
    return out;
}"""


def check_math(page, rec: PageRecord) -> list[str]:
    """The maths arrives rendered (KaTeX at build time, issue 23): every math element of the HTML source holds
    KaTeX's HTML and its MathML (for screen readers), no raw TeX and no KaTeX error is left, KaTeX's fonts load from
    the site, and no maths script runs in the page; every labelled equation shows its number; every equation
    reference resolves to that equation (on this page or another one) and shows its number."""
    n_elements, _ = count_source_math(rec.source_html)
    with everything_laid_out(page):  # an equation number is shown once its section is laid out
        state = page.evaluate(MATH_STATE_JS)
    problems = []
    if state["script"]:
        problems.append("a maths script runs in the page (the maths should arrive rendered by the build)")
    if state["elements"] != n_elements:
        problems.append(f"{n_elements} math elements in the HTML source, {state['elements']} in the page")
    problems += [f"math element not rendered: '{t}'" for t in state["untypeset"]]
    problems += [f"rendered maths without MathML for screen readers: '{t}'" for t in state["noMathml"]]
    problems += [f"raw TeX left in a math element: '{t}'" for t in state["leftover"]]
    problems += [f"KaTeX error: {t}" for t in state["errors"]]
    if state["inMath"] and not state["fontsLoaded"]:
        problems.append(f"{state['inMath']} rendered formulas, but none of KaTeX's fonts loaded (katex.min.css?)")
    for eq in state["numbered"]:
        if not (eq["eqno"] and re.fullmatch(r"\(\d+(\.\d+)*\)", eq["eqno"])):
            problems.append(f"labelled equation #{eq['id']} shows no equation number (found {eq['eqno']!r})")
        elif not eq["visible"]:
            problems.append(f"the number {eq['eqno']} of equation #{eq['id']} is not visible")
    for ref in page.evaluate(EQ_REFS_JS):
        if not ref["found"]:
            problems.append(f"equation reference {ref['text']!r} -> {ref['href']}: no such element")
        elif not ref["isMath"]:
            problems.append(f"equation reference {ref['text']!r} -> {ref['href']}: target is not an equation")
        elif ref["eqno"] and ref["text"] != ref["eqno"]:
            problems.append(f"equation reference {ref['text']!r} -> {ref['href']}: the equation is {ref['eqno']}")
    return problems


IMAGES_JS = """async () => {
    const imgs = [...document.images];
    imgs.forEach(i => { if (i.loading === 'lazy') i.loading = 'eager'; });
    await Promise.all(imgs.map(i => i.complete ? null : new Promise(done => {
        i.addEventListener('load', done); i.addEventListener('error', done); setTimeout(done, 15000);
    })));
    return imgs.map(i => ({src: i.getAttribute('src') || '', url: i.currentSrc || i.src, alt: i.getAttribute('alt'),
                           complete: i.complete, width: i.naturalWidth,
                           where: (i.closest('[id]') || {}).id || ''}));
}"""


def _short(url: str) -> str:
    return url if len(url) <= 100 else url[:60] + "..." + url[-30:]


def check_images(page) -> list[str]:
    """Every <img> has loaded (naturalWidth > 0) and has non-empty alt text."""
    problems = []
    for img in page.evaluate(IMAGES_JS):
        where = f" (in #{img['where']})" if img["where"] else ""
        name = _short(img["src"] or img["url"])
        if not img["complete"] or img["width"] == 0:
            problems.append(f"image did not load: {name}{where}")
        if not (img["alt"] or "").strip():
            problems.append(f"image without alt text: {name}{where}")
    return problems


# In the HTML source: an admonition with class dropdown (a solution), or a <details> (a hidden cell part).
_SOURCE_DROPDOWN = re.compile(r"""<div class="(?=[^"]*\badmonition\b)(?=[^"]*\bdropdown\b)[^"]*"|<details\b""")


def check_toggles(page, rec: PageRecord | None = None) -> list[str]:
    """Every solution dropdown (sphinx-exercise / sphinx-togglebutton) and hidden cell part (myst-nb <details>)
    starts closed and shows its content after one click. With `rec`, as many of them as the HTML source has must
    be found (so that the check cannot pass by finding none)."""
    problems = []
    dropdowns = page.locator(".admonition.dropdown, .toggle-hidden")
    details = page.locator("details")
    if rec is not None and rec.source_html:
        in_source = len(_SOURCE_DROPDOWN.findall(rec.source_html))
        if dropdowns.count() + details.count() < in_source:
            problems.append(
                f"{in_source} dropdowns/hidden parts in the HTML source, {dropdowns.count() + details.count()} found"
            )
    for i in range(dropdowns.count()):
        box = dropdowns.nth(i)
        ident = box.get_attribute("id") or f"dropdown {i + 1}"
        content = box.locator(":scope > :not(.admonition-title):not(button)")
        if content.count() == 0:
            problems.append(f"{ident}: dropdown has no content")
            continue
        if content.first.is_visible():
            problems.append(f"{ident}: the hidden content is visible before the click")
            continue
        clicker = box.locator(":scope > .admonition-title")
        if clicker.count() == 0 and box.get_attribute("id"):  # a .toggle element: its button sits before it
            clicker = page.locator(f'button.toggle-button[data-target="{box.get_attribute("id")}"]')
        if clicker.count() == 0:
            problems.append(f"{ident}: no title or toggle button to click")
            continue
        try:
            clicker.first.click(timeout=5000)
            content.first.wait_for(state="visible", timeout=5000)
        except Exception as err:
            problems.append(f"{ident}: clicking did not reveal the content ({str(err).splitlines()[0]})")
    for i in range(details.count()):
        d = details.nth(i)
        summary = d.locator(":scope > summary")
        label = f"hidden cell part {i + 1} ({(summary.text_content() or '').strip()[:40]!r})"
        if d.evaluate("d => d.open"):
            continue  # open on purpose: nothing to expand
        body = d.locator(":scope > :not(summary)")
        if summary.count() == 0 or body.count() == 0:
            problems.append(f"{label}: no summary or no content")
            continue
        try:
            summary.click(timeout=5000)
            body.first.wait_for(state="visible", timeout=5000)
        except Exception as err:
            problems.append(f"{label}: clicking did not reveal the content ({str(err).splitlines()[0]})")
    return problems


def expected_binder_url(config: dict, source_path: str) -> str:
    """The Binder URL that Jupyter Book 1 builds from _config.yml for a page source (``book/01_forward.md``)."""
    repo = urlsplit(config["repository"]["url"]).path.strip("/")
    branch = config["repository"].get("branch", "main")
    hub = config["launch_buttons"]["binderhub_url"].rstrip("/")
    book_path = (config["repository"].get("path_to_book") or "").strip("/")
    path = f"{book_path}/{source_path}" if book_path else source_path
    interface = config["launch_buttons"].get("notebook_interface", "classic")
    urlpath = f"lab/tree/{path}" if interface == "jupyterlab" else f"tree/{path}"
    return f"{hub}/v2/gh/{repo}/{branch}?urlpath={urlpath}"


def check_launch_links(page, rec: PageRecord, config: dict, source_path: str | None) -> list[str]:
    """A notebook page (source_path given): the Binder button points at the configured repository, branch and the
    page's source; the .ipynb download link returns a notebook (nbformat 4 with cells), fetched locally."""
    if source_path is None:
        return []
    problems = []
    hub = config["launch_buttons"]["binderhub_url"].rstrip("/")
    binder = page.eval_on_selector_all(f'a[href^="{hub}/"]', "as => as.map(a => a.href)")
    expected = expected_binder_url(config, source_path)
    if not binder:
        problems.append(f"no Binder launch button (expected a link to {expected})")
    problems += [f"Binder button points at {url}, expected {expected}" for url in binder if url != expected]
    downloads = page.eval_on_selector_all('a[href$=".ipynb"]', "as => as.map(a => a.href)")
    if not downloads:
        problems.append("no .ipynb download link")
    for url in downloads:
        if not rec.is_local(url):
            problems.append(f".ipynb download link leaves the site: {url}")
            continue
        stem = Path(source_path).with_suffix("").as_posix()
        if not unquote(urlsplit(url).path).endswith(f"/_sources/{stem}.ipynb"):
            problems.append(f".ipynb download link {url} does not name this page's notebook {stem}.ipynb")
        status, body = fetch(url)
        if status != 200:
            problems.append(f".ipynb download {url}: HTTP {status}")
            continue
        try:
            nb = json.loads(body)
        except ValueError as err:
            problems.append(f".ipynb download {url} is not JSON: {err}")
            continue
        if not isinstance(nb, dict) or nb.get("nbformat") != 4 or not nb.get("cells"):
            fmt = nb.get("nbformat") if isinstance(nb, dict) else type(nb).__name__
            problems.append(f".ipynb download {url} is not an nbformat 4 notebook with cells (nbformat={fmt})")
    return problems


WIDGETS_JS = r"""() => ({
    state: document.querySelectorAll('script[type="application/vnd.jupyter.widget-state+json"]').length,
    views: document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length,
    manager: [...document.scripts].filter(s => /(embed-amd|require)\.js/.test(s.src)).map(s => s.src),
})"""


def check_widgets(page) -> list[str]:
    """No page embeds ipywidgets state or views, or loads a widget manager: the site ships none (issue 23); the
    explorer is plain HTML and the kernel playground a picture."""
    state = page.evaluate(WIDGETS_JS)
    problems = []
    if state["state"] or state["views"]:
        problems.append(
            f"the page embeds ipywidgets state ({state['state']} blocks, {state['views']} widget views), which "
            "nothing on the site can render"
        )
    problems += [f"the page loads a widget manager script {src}" for src in state["manager"]]
    return problems


# The pictures displayed in an element, each identified by the SHA-256 of its bytes (and only once loaded).
VISIBLE_PICTURES_JS = """async a => {
    const shown = [...a.querySelectorAll('img')]
        .filter(i => i.checkVisibility() && i.getBoundingClientRect().width > 0 && i.complete && i.naturalWidth > 0);
    const hex = buf => [...new Uint8Array(buf)].map(b => b.toString(16).padStart(2, '0')).join('');
    return Promise.all(shown.map(async i => {
        const url = i.currentSrc || i.src;
        const r = await fetch(url);
        return hex(await crypto.subtle.digest('SHA-256', await r.arrayBuffer())).slice(0, 16) + ' ' + i.alt;
    }));
}"""


def _pictures(area) -> list[str]:
    return area.evaluate(VISIBLE_PICTURES_JS)


def _wait_for_pictures(page, area, pictures: list[str], *, same: bool) -> bool:
    """Wait (up to 15 s: a picture is fetched on demand, and the test machine may be busy) until the displayed
    pictures (bytes and alt text) differ from `pictures` (same=False) or equal them (same=True)."""
    try:
        page.wait_for_function(
            f"""async ([a, old, same]) => {{ const now = await ({VISIBLE_PICTURES_JS})(a);
                return now.length > 0 && (JSON.stringify(now) === JSON.stringify(old)) === same; }}""",
            arg=[area.element_handle(), pictures, same],
            timeout=15000,
        )
    except Exception:
        return False
    return True


def check_control_changes_picture(page, area, control, label: str, shots: tuple[Path, Path] | None) -> list[str]:
    """Focus the control (a range input or a select), press ArrowRight/ArrowDown (the other way at the end): its
    value, the picture's bytes and its alt text change; the opposite key brings the first picture back.
    Screenshots of `area` before/after."""
    area.scroll_into_view_if_needed()
    try:  # the picture is loaded lazily, and may still be on its way after the previous control's check
        page.wait_for_function(
            f"async a => (await ({VISIBLE_PICTURES_JS})(a)).length > 0", arg=area.element_handle(), timeout=15000
        )
    except Exception:
        pass
    before_pic, before_val = _pictures(area), control.input_value()
    if not before_pic:
        return [f"{label}: no picture is displayed"]
    if shots:
        area.screenshot(path=str(shots[0]))
    control.focus()
    keys = ("ArrowRight", "ArrowLeft") if control.evaluate("e => e.type === 'range'") else ("ArrowDown", "ArrowUp")
    page.keyboard.press(keys[0])
    if control.input_value() == before_val:  # at the end: move the other way instead
        keys = keys[::-1]
        page.keyboard.press(keys[0])
    after_val = control.input_value()
    if after_val == before_val:
        return [f"{label}: the arrow keys do not change it (value stays {before_val!r})"]
    if not _wait_for_pictures(page, area, before_pic, same=False):
        return [f"{label}: changed from {before_val!r} to {after_val!r}, but the picture or its alt text did not"]
    if shots:
        area.screenshot(path=str(shots[1]))
    page.keyboard.press(keys[1])
    if not _wait_for_pictures(page, area, before_pic, same=True):
        return [f"{label}: changing back to {before_val!r} did not bring the first picture back"]
    return []


def check_explorers(page, shot_dir: Path | None, name: str) -> tuple[int, list[str]]:
    """Every explorer of precomputed pictures (``form.scratchnn-explorer``, switched by explorer.js with no Python):
    its controls are shown, and changing each with the keyboard changes the picture and its alt text.
    Returns (number of controls tried, problems)."""
    problems, tried = [], 0
    forms = page.locator("form.scratchnn-explorer")
    for k in range(forms.count()):
        area = forms.nth(k)
        label = f"explorer {k + 1}"
        try:
            page.wait_for_function("f => f.dataset.ready === 'true'", arg=area.element_handle(), timeout=5000)
        except Exception:
            problems.append(f"{label}: explorer.js did not set it up (its controls stay hidden)")
            continue
        area.scroll_into_view_if_needed()
        controls = area.locator("select, input[type=range]")
        if controls.count() < 2:
            problems.append(f"{label}: {controls.count()} controls, expected a data set and two sliders")
        for i in range(controls.count()):
            control = controls.nth(i)
            control_id = control.get_attribute("id") or str(i)
            what = area.locator(f'label[for="{control_id}"]').first.text_content() or control_id
            shots = None
            if i == 0 and shot_dir is not None:
                shots = (
                    shot_dir / f"{name}-explorer{k + 1}-before.png",
                    shot_dir / f"{name}-explorer{k + 1}-after.png",
                )
            problems += check_control_changes_picture(page, area, control, f"{label}, {what.strip()!r}", shots)
            tried += 1
    return tried, problems


OVERFLOW_JS = """() => {
    const limit = window.innerWidth + 1;
    // Not the cause: an element inside a box that clips or scrolls sideways, or in a fixed-position layer
    // (an off-canvas drawer such as the theme's sidebars, which does not widen the page).
    const contained = e => {
        if (getComputedStyle(e).position === 'fixed') return true;
        for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
            const s = getComputedStyle(p);
            if (s.overflowX !== 'visible' || s.position === 'fixed') return true;
        }
        return false;
    };
    const wide = [...document.body.querySelectorAll('*')].filter(e => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && r.right > limit && !contained(e);
    });
    const outer = wide.filter(e => !wide.includes(e.parentElement));
    const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
        + [...e.classList].slice(0, 3).map(c => '.' + c).join('');
    const path = e => {
        const parts = [];
        for (let p = e; p && p !== document.body && parts.length < 4; p = p.parentElement) parts.unshift(name(p));
        return parts.join(' > ');
    };
    return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
            culprits: outer.slice(0, 8).map(e => ({path: path(e), right: Math.round(e.getBoundingClientRect().right),
                                                   width: Math.round(e.getBoundingClientRect().width)}))};
}"""


def check_no_horizontal_scroll(page) -> list[str]:
    """The page body does not scroll sideways (code cells and tables may scroll inside their own boxes)."""
    state = page.evaluate(OVERFLOW_JS)
    if state["scrollWidth"] <= state["innerWidth"] + 1:
        return []
    problems = [f"the page scrolls sideways: {state['scrollWidth']} px wide in a {state['innerWidth']} px window"]
    problems += [
        f"  too wide: {c['path']} (width {c['width']} px, right edge at {c['right']} px)" for c in state["culprits"]
    ]
    return problems


# ------------------------------------------------------------------------------------------------- audit

CHECKS = ("http", "favicon", "console", "math", "images", "toggles", "launch", "widgets", "explorer", "narrow")


@dataclass
class Audit:
    """The problems found on one page, per check (see CHECKS), and how many linked widget controls were tried."""

    problems: dict[str, list[str]] = field(default_factory=lambda: {name: [] for name in CHECKS})
    controls_tried: int = 0


def audit_page(
    browser,
    base: str,
    path: str,
    *,
    config: dict | None = None,
    source_path: str | None = None,
    shot: Path | None = None,
) -> Audit:
    """Run every check on the page `base + path`; return its :class:`Audit`.

    Desktop (1280 px): load, maths, images, launch links (for a notebook page, `source_path` is its source,
    e.g. ``book/01_forward.md``), widgets, a full-page screenshot to `shot`, then the clicks (dropdowns, hidden
    cells, explorers), then the console and the network record of all of it. Narrow (390 px): a second visit,
    no sideways scrolling, a screenshot to ``<shot>-narrow.png``; its console and network problems count too."""
    audit = Audit()
    results = audit.problems
    if shot is not None:
        shot.parent.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=DESKTOP)
    try:
        page, rec, waiting = open_page(context, base, path)
        for problem in waiting:
            results["widgets" if "widget" in problem else "math"].append(problem)
        results["math"] += check_math(page, rec)
        results["images"] += check_images(page)
        if config is not None:
            results["launch"] += check_launch_links(page, rec, config, source_path)
        results["widgets"] += check_widgets(page)
        if shot is not None:
            with everything_laid_out(page):
                page.screenshot(path=str(shot), full_page=True)
        results["toggles"] += check_toggles(page, rec)
        tried, problems = check_explorers(page, shot.parent if shot else None, shot.stem if shot else "page")
        results["explorer"] += problems
        audit.controls_tried = tried
        results["http"] += check_requests(rec)
        results["favicon"] += check_favicon(page, rec)
        results["console"] += check_console(rec)
    finally:
        context.close()

    context = browser.new_context(viewport=NARROW)
    try:
        page, rec, waiting = open_page(context, base, path)
        results["narrow"] += [f"at 390 px: {p}" for p in waiting]
        results["narrow"] += check_no_horizontal_scroll(page)
        if shot is not None:
            with everything_laid_out(page):
                page.screenshot(path=str(shot.with_name(f"{shot.stem}-narrow.png")), full_page=True)
        results["http"] += [f"at 390 px: {p}" for p in check_requests(rec)]
        results["console"] += [f"at 390 px: {p}" for p in check_console(rec)]
    finally:
        context.close()
    return audit
