"""The built site (_build/html) is offline-complete, uses the vendored assets and offers every notebook."""

from __future__ import annotations

import json
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from conftest import EXECUTED, ROOT, notebook_pages

pytestmark = pytest.mark.book

# sphinx-thebe writes `const THEBE_JS_URL = "https://unpkg.com/thebe@..."` into an inline script of every page.
# It is fetched only when a reader starts Thebe, and _config.yml has `launch_buttons.thebe: false`, so no page
# has a button that starts it. Any other address in an inline script fails the test.
INLINE_SCRIPT_ALLOWED = {"https://unpkg.com/thebe@0.8.2/lib/index.js"}
# <link rel=...> values that make the browser fetch the target.
FETCHING_RELS = {"stylesheet", "preload", "modulepreload", "prefetch", "icon", "shortcut", "apple-touch-icon", "font"}
SRC_TAGS = {"script", "img", "iframe", "source", "video", "audio", "embed", "track", "input", "object"}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)['"]""")
INLINE_URL = re.compile(r"""(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s'"`)]*""")


def is_remote(url: str) -> bool:
    """True for a URL that names a host (http://x, https://x, //x); data:, about: and relative URLs are local."""
    parts = urlsplit(url.strip())
    return bool(parts.netloc) or parts.scheme not in ("", "data", "about", "blob")


class ResourceCollector(HTMLParser):
    """Collect every URL that a page makes the browser load, plus the text of inline scripts and styles."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.loads: list[str] = []
        self.inline_scripts: list[str] = []
        self.inline_styles: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag in SRC_TAGS and a.get("src"):
            self.loads.append(a["src"])
        if tag == "object" and a.get("data"):
            self.loads.append(a["data"])
        if tag in ("img", "source") and a.get("srcset"):
            self.loads += [part.split()[0] for part in a["srcset"].split(",") if part.strip()]
        if tag == "video" and a.get("poster"):
            self.loads.append(a["poster"])
        if tag == "link" and set(a.get("rel", "").lower().split()) & FETCHING_RELS and a.get("href"):
            self.loads.append(a["href"])
        if a.get("style"):
            self.loads += [m[0] or m[1] for m in CSS_URL.findall(a["style"])]
        if tag == "script" and not a.get("src") and a.get("type", "text/javascript") in ("text/javascript", "module"):
            self._in = "script"
        elif tag == "style":
            self._in = "style"

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._in = None

    def handle_data(self, data):
        if self._in == "script":
            self.inline_scripts.append(data)
        elif self._in == "style":
            self.inline_styles.append(data)


def remote_loads_in_html(text: str) -> list[str]:
    parser = ResourceCollector()
    parser.feed(text)
    bad = [url for url in parser.loads if is_remote(url)]
    for style in parser.inline_styles:
        bad += [u for m in CSS_URL.findall(style) if is_remote(u := m[0] or m[1])]
    for script in parser.inline_scripts:
        bad += [u for u in INLINE_URL.findall(script) if u not in INLINE_SCRIPT_ALLOWED]
    return bad


def remote_loads_in_css(text: str) -> list[str]:
    return [u for m in CSS_URL.findall(text) if is_remote(u := m[0] or m[1])]


def test_the_checker_sees_remote_loads():
    page = """<html><head>
    <script src="https://cdn.example.org/x.js"></script>
    <link rel="stylesheet" href="//fonts.example.com/css">
    <link rel="preload" as="font" href="http://example.net/a.woff2">
    <link rel="canonical" href="https://example.org/page.html">
    <style>@font-face { src: url("https://example.org/f.woff2") }</style>
    <script>var s = document.createElement("script"); s.src = "https://cdn.example.org/y.js";</script>
    </head><body><img src="https://example.org/i.png"><a href="https://example.org/">a link is fine</a>
    <img src="data:image/png;base64,AAAA"><script src="../_static/local.js"></script></body></html>"""
    assert remote_loads_in_html(page) == [
        "https://cdn.example.org/x.js",
        "//fonts.example.com/css",
        "http://example.net/a.woff2",
        "https://example.org/i.png",
        "https://example.org/f.woff2",
        "https://cdn.example.org/y.js",
    ]
    css = "a{background:url(../img/a.png)} @import 'https://example.org/x.css'; b{src:url('//cdn.x.org/f.ttf')}"
    assert remote_loads_in_css(css) == ["https://example.org/x.css", "//cdn.x.org/f.ttf"]


def test_no_page_loads_anything_from_another_host(html_dir: Path):
    pages = sorted(html_dir.rglob("*.html"))
    assert len(pages) >= 3  # index, search, genindex at least
    bad = {}
    for page in pages:
        if found := remote_loads_in_html(page.read_text(encoding="utf-8")):
            bad[str(page.relative_to(html_dir))] = found
    for sheet in sorted(html_dir.rglob("*.css")):
        if found := remote_loads_in_css(sheet.read_text(encoding="utf-8", errors="replace")):
            bad[str(sheet.relative_to(html_dir))] = found
    assert not bad, f"built files that load from another host: {json.dumps(bad, indent=1)}"


def test_pages_use_the_vendored_katex_and_no_widget_manager(html_dir: Path):
    intro = (html_dir / "book" / "intro.html").read_text(encoding="utf-8")
    # Maths is rendered at build time: the pages' one stylesheet (scripts/site_html.py bundles them) holds KaTeX's,
    # every file it names is in the site, and no page loads a maths script.
    bundles = re.findall(r'<link rel="stylesheet" href="\.\./(_static/bundle-[0-9a-f]{12}\.css)" />', intro)
    assert len(bundles) == 1 and intro.count('rel="stylesheet"') == 1, bundles
    bundle = (html_dir / bundles[0]).read_text(encoding="utf-8")
    assert ".katex{" in bundle and "@import" not in bundle
    urls = {url for url in re.findall(r'url\("([^"]+)"\)', bundle) if not re.match(r"[a-z]+:|#", url)}
    assert any(url.startswith("vendor/katex/fonts/") for url in urls), "the bundle names no KaTeX font"
    assert not sorted(url for url in urls if not (html_dir / "_static" / url.split("?")[0].split("#")[0]).is_file())
    pages = [p for p in html_dir.rglob("*.html") if "_static" not in p.parts]
    maths_script = re.compile(r"<script[^>]*mathjax|window\.MathJax", re.IGNORECASE)
    assert not [str(p) for p in pages if maths_script.search(p.read_text(encoding="utf-8"))]
    vendor = html_dir / "_static" / "vendor"
    css = (vendor / "katex" / "katex.min.css").read_text(encoding="utf-8")
    fonts = set(re.findall(r"url\((fonts/[^)]+)\)", css))
    assert fonts, "no font references in katex.min.css: has KaTeX changed?"
    assert not sorted(f for f in fonts if not (vendor / "katex" / f).is_file())
    assert "katex 0.16." in (vendor / "VERSIONS.txt").read_text()
    # No widget manager: no page embeds ipywidgets state, and none of its files is shipped.
    assert not (vendor / "widgets").exists()
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "widget-state+json" not in text and "embed-amd.js" not in text and "require.js" not in text, page


def test_the_explorer_pictures_are_files_the_page_points_to(html_dir: Path):
    page = (html_dir / "book" / "playground.html").read_text(encoding="utf-8")
    pictures = sorted((html_dir / "_static" / "explorer").glob("*.png"))
    assert len(pictures) == 84
    sources = re.findall(r'"(\.\./_static/explorer/[^"]+\.png)"', page)
    assert len(set(sources)) == 84 and page.count('<img class="ex-picture"') == 1
    assert all((html_dir / "book" / src).resolve().is_file() for src in sources)
    assert 'loading="lazy"' in page


def test_assets_are_not_in_a_folder_named_static():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    sphinx = config["sphinx"]["config"]
    assert sphinx["html_static_path"] == ["_vendor"]
    assert not (ROOT / "_static").exists(), "Jupyter Book injects every .js/.css under _static/ into every page"
    assert sphinx["katex_css_path"].startswith("vendor/")
    assert all(path.startswith("vendor/") for path in sphinx["nb_ipywidgets_js"])


@pytest.mark.parametrize("page", notebook_pages())
def test_every_chapter_is_executed_and_offered_as_ipynb(html_dir: Path, page: str):
    executed = EXECUTED / f"{page}.ipynb"
    assert executed.is_file(), f"the build did not produce {executed}"
    nb = json.loads(executed.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code, f"{page} has no code cell"
    assert all(c["execution_count"] is not None for c in code), f"{executed} has unexecuted cells"
    download = html_dir / "_sources" / f"{page}.ipynb"
    assert download.is_file()
    assert json.loads(download.read_text(encoding="utf-8")) == nb
    html = (html_dir / f"{page}.html").read_text(encoding="utf-8")
    assert f'_sources/{page}.ipynb"' in html, "no .ipynb download button on the page"


@pytest.mark.parametrize("page", notebook_pages())
def test_every_chapter_has_a_binder_button_built_from_the_repository_setting(html_dir: Path, page: str):
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    url = urlsplit(config["repository"]["url"])
    expected = (
        f"{config['launch_buttons']['binderhub_url']}/v2/gh{url.path}/{config['repository']['branch']}"
        f"?urlpath=lab/tree/{page}.md"
    )
    assert expected in (html_dir / f"{page}.html").read_text(encoding="utf-8")


def test_no_notebook_is_committed():
    tracked = subprocess.run(
        ["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert not tracked, f"executed notebooks are generated, never committed: {tracked}"
