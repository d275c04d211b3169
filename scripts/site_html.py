"""Post-build passes over the built pages for speed and a clean console (issue 23); build_book.py calls them.

Each pass is a function ``(html: str, ...) -> str`` on one page's text, independent of the others:

- ``drop_icon_script``: the theme's 1.4 MB ``fontawesome.js`` is not loaded; scripts/icons.py's stylesheet draws
  the few icons the pages use.
- ``drop_duplicate_inline_scripts``: sphinx-thebe and sphinx-book-theme both add the same inline thebe
  configuration (``const THEBE_JS_URL = ...``), and the second one throws "Identifier 'THEBE_JS_URL' has already
  been declared"; an inline script identical to an earlier one on the page is removed (nothing is added).
- ``add_meta_description``: ``<meta name="description">`` from the page's front matter ``description``, else
  from the first paragraph of its text.
- ``add_image_sizes``: ``width``/``height`` on every ``<img>`` of the book's own PNG/JPEG/SVG files, so the layout
  does not shift while images load (assets/book.css keeps ``height: auto`` where the theme narrows an image);
  every picture after the first loads lazily (``loading="lazy"``).

``check_maths`` reports KaTeX errors: the build renders with ``throwOnError: false``, so a formula KaTeX cannot
parse would otherwise become red text in the page, silently.
"""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

import yaml

DESCRIPTION_CHARS = 160
ICON_SCRIPT = re.compile(r'[ \t]*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>\n?')
INLINE_SCRIPT = re.compile(r"[ \t]*<script>(.*?)</script>\n?", re.DOTALL)
IMG = re.compile(r"<img\b[^>]*>")
ARTICLE = re.compile(r'<article class="bd-article">(.*?)</article>', re.DOTALL)
PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)


def drop_icon_script(html: str) -> str:
    return ICON_SCRIPT.sub("", html)


def drop_duplicate_inline_scripts(html: str) -> str:
    seen: set[str] = set()

    def keep_first(match: re.Match) -> str:
        body = match[1].strip()
        if body in seen:
            return ""
        seen.add(body)
        return match[0]

    return INLINE_SCRIPT.sub(keep_first, html)


def front_matter(source: Path) -> dict:
    if not source.is_file():
        return {}
    text = source.read_text(encoding="utf-8")
    if not text.startswith("---"):
        return {}
    return yaml.safe_load(text.split("---", 2)[1]) or {}


def plain_text(fragment: str) -> str:
    text = re.sub(r'<span class="katex-html".*?</span></span></span>', "", fragment, flags=re.DOTALL)
    text = re.sub(r"<annotation[^>]*>.*?</annotation>", "", text, flags=re.DOTALL)
    text = re.sub(r"<[^>]+>", "", text)
    return re.sub(r"\s+", " ", html_lib.unescape(text)).strip()


def first_paragraph(html: str) -> str:
    article = ARTICLE.search(html)
    for match in PARAGRAPH.finditer(article[1] if article else html):
        text = plain_text(match[1])
        if len(text) >= 40:
            return text
    return ""


def shorten(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def add_meta_description(html: str, source: Path) -> str:
    if '<meta name="description"' in html:
        return html
    description = str(front_matter(source).get("description") or "").strip() or first_paragraph(html)
    if not description:
        return html
    tag = f'<meta name="description" content="{html_lib.escape(shorten(description))}" />'
    return html.replace('<meta charset="utf-8" />', f'<meta charset="utf-8" />\n    {tag}', 1)


def image_size(path: Path) -> tuple[int, int] | None:
    if path.suffix.lower() == ".svg":
        head = path.read_text(encoding="utf-8", errors="replace")[:4000]
        svg = re.search(r"<svg\b[^>]*>", head)
        if not svg:
            return None
        width, height = (re.search(rf'\b{a}="([\d.]+)(?:px|pt)?"', svg[0]) for a in ("width", "height"))
        if width and height:
            scale = 4 / 3 if 'pt"' in svg[0] else 1
            return round(float(width[1]) * scale), round(float(height[1]) * scale)
        box = re.search(r'viewBox="[\d.\-]+[ ,]+[\d.\-]+[ ,]+([\d.]+)[ ,]+([\d.]+)"', svg[0])
        return (round(float(box[1])), round(float(box[2]))) if box else None
    from PIL import Image

    with Image.open(path) as image:
        return image.size


def add_image_sizes(html: str, page: Path) -> str:
    seen = []

    def sized(match: re.Match) -> str:
        tag = match[0]
        src = re.search(r'\bsrc="([^"]+)"', tag)
        # Only the book's own pictures: the theme's icons (_static/) are sized by its stylesheet.
        if re.search(r"\b(width|height)=", tag) or not src or ":" in src[1] or "_static/" in src[1]:
            return tag
        file = (page.parent / src[1].split("?")[0]).resolve()
        size = image_size(file) if file.is_file() else None
        if not size:
            return tag
        # The first picture may be on the first screen (the largest paint): load it at once, the others lazily.
        lazy = ' loading="lazy"' if seen else ""
        seen.append(file)
        return tag.replace("<img ", f'<img width="{size[0]}" height="{size[1]}"{lazy} ', 1)

    return IMG.sub(sized, html)


def check_maths(html: str, page: str) -> list[str]:
    problems = []
    for tag in re.findall(r"<span\b[^>]*\bkatex-error\b[^>]*>", html):
        title = re.search(r'title="([^"]*)"', tag)
        problems.append(f"{page}: KaTeX could not render the maths: {html_lib.unescape(title[1]) if title else tag}")
    return problems


def improve_site(html_dir: Path, book_dir: Path) -> list[str]:
    """Run every pass over every page of the built site; return the problems found (empty: all well)."""
    problems = []
    for page in sorted(html_dir.rglob("*.html")):
        if "_static" in page.relative_to(html_dir).parts:
            continue
        rel = page.relative_to(html_dir)
        html = page.read_text(encoding="utf-8")
        html = drop_icon_script(html)
        html = drop_duplicate_inline_scripts(html)
        html = add_meta_description(html, book_dir / rel.with_suffix(".md"))
        html = add_image_sizes(html, page)
        problems += check_maths(html, str(rel))
        page.write_text(html, encoding="utf-8")
    return problems
