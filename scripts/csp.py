"""Give every built page a Content-Security-Policy: a ``<meta http-equiv>`` first in its ``<head>`` (any static host).

    python scripts/csp.py [HTML_DIR]        (scripts/build_book.py calls csp_pages() after the build)

The policy, per page (the hashes come from that page's own built HTML, so they follow any later change of it):

    default-src 'self'                      nothing from another host, ever
    script-src 'self' 'wasm-unsafe-eval' 'unsafe-hashes' 'sha256-…'
                                            the site's own script files; each inline <script> of the page by the
                                            sha256 of its text; the inline event handlers of the page (the theme's
                                            ``onclick="window.print()"`` buttons) by theirs ('unsafe-hashes' allows
                                            exactly those handler texts, nothing else); WebAssembly compilation for
                                            Python (Pyodide). No 'unsafe-inline' and no 'unsafe-eval' on any
                                            page (the site ships no ipywidgets manager, whose Ajv needed eval).
    style-src 'self' 'unsafe-inline'        the theme and MathJax set style attributes and
                                            insert <style> elements at run time (styles cannot run code)
    img-src 'self' data: blob:              figures drawn in the page are data: PNGs
    font-src 'self' data:                   MathJax embeds some fonts as data: URLs
    worker-src 'self' blob:; connect-src 'self' blob: data:
                                            the runner's worker and what it fetches (Pyodide, wheels, cells);
                                            blob: and data: let a page read back pictures drawn in it
    object-src 'none'; base-uri 'self'; form-action 'self'; frame-src 'self'

Data blocks (``<script type="application/json">`` and the like, e.g. the explorer's table of pictures) are not
scripts and need no hash. ``frame-ancestors`` is ignored in a <meta> policy, so it is not written.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
import sys
from pathlib import Path

MARKER = 'http-equiv="Content-Security-Policy"'
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.I)
HANDLER = re.compile(r"""\son[a-z]+\s*=\s*("([^"]*)"|'([^']*)')""", re.I)
CHARSET = re.compile(r"\s*<meta charset=[^>]*>", re.I)
HEAD = re.compile(r"<head\b[^>]*>", re.I)
JS_TYPES = {"", "text/javascript", "application/javascript", "module", "text/ecmascript", "application/ecmascript"}
FIXED = {
    "default-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "worker-src": ["'self'", "blob:"],
    "connect-src": ["'self'", "blob:", "data:"],
    "frame-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}


def digest(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def inline_hashes(page: str) -> tuple[list[str], list[str]]:
    """(hashes of the inline scripts, hashes of the inline event handlers) of one HTML page, sorted, unique."""
    scripts = set()
    for match in SCRIPT.finditer(page):
        attrs, body = match.group(1), match.group(2)
        if re.search(r"\bsrc\s*=", attrs, re.I) or not body:
            continue
        kind = TYPE.search(attrs)
        if (kind.group(1).lower() if kind else "") in JS_TYPES:
            scripts.add(digest(body))
    handlers = {
        digest(html.unescape(m.group(2) if m.group(2) is not None else m.group(3))) for m in HANDLER.finditer(page)
    }
    return sorted(scripts), sorted(handlers)


def policy(page: str) -> str:
    scripts, handlers = inline_hashes(page)
    script_src = ["'self'", "'wasm-unsafe-eval'", *scripts]
    if handlers:
        script_src += ["'unsafe-hashes'", *handlers]
    directives = {"script-src": script_src, **FIXED}
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def add_policy(page: str) -> str:
    """The page with its policy first in <head>, after ``<meta charset>`` if there is one (an older policy of this
    script is replaced). The charset must come within the first 1024 bytes, and a policy with many hashes is long."""
    page = re.sub(r"<meta http-equiv=\"Content-Security-Policy\"[^>]*>\n?", "", page)
    head = HEAD.search(page)
    if head is None:
        raise ValueError("no <head> element")
    charset = CHARSET.match(page, head.end())
    at = charset.end() if charset else head.end()
    meta = f'<meta http-equiv="Content-Security-Policy" content="{html.escape(policy(page))}">'
    return page[:at] + "\n" + meta + page[at:]


def csp_pages(html_dir: Path) -> int:
    """Add the policy to every .html file under ``html_dir``; return how many."""
    count = 0
    for path in sorted(html_dir.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        if HEAD.search(text) is None:
            continue  # a fragment, not a page
        path.write_text(add_policy(text), encoding="utf-8")
        count += 1
    return count


def main(argv: list[str]) -> int:
    html_dir = Path(argv[1] if len(argv) > 1 else "_build/html")
    print(f"Content-Security-Policy added to {csp_pages(html_dir)} pages in {html_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
