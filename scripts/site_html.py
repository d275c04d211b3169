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

- ``drop_search_scripts``: the search's scripts and index (~30 kB gzipped, render-blocking) are loaded by every
  page, but only search.html uses them (the theme's search box opens search.html; sphinx_highlight.js works
  without them); they are kept on search.html only.
- ``drop_duplicate_viewport``: the theme writes ``<meta name="viewport">`` twice; the first is kept.
- ``defer_head_scripts``: every ``<script src>`` of the head gets ``defer`` (the page's text is shown before they
  run; their order is kept, and each of them, the theme's, Sphinx's and ours, waits for the document anyway);
  documentation_options.js is written inline instead, because the inline scripts after it assign to its
  ``DOCUMENTATION_OPTIONS`` as the page is parsed.
- ``bundle_stylesheets``: the ~17 stylesheets of a page, one render-blocking request each, become one
  ``_static/bundle-<sha256>.css`` (the same files in the same order, ``@import`` resolved and every relative
  ``url()`` rewritten for the bundle's folder); pages with the same list share the bundle.
  The bundle's solid icon font (the theme's Font Awesome, 156 kB, requested by every page at its first paint for the
  admonition and breadcrumb icons) becomes the ~20 glyphs the bundle's own rules draw with it
  (``subset_icon_font``: a few kB, WOFF).

- ``resolve_colour_theme``: the theme's first inline script set ``data-theme="auto"`` on a first visit, a value its
  stylesheet has no colours for, and its deferred script set "light" or "dark" after the first paint: the page was
  drawn twice and moved (inline code gains its border, each line with code grows: 0.15 of Lighthouse's layout
  shift on notation.html at desktop width). The inline script now picks the theme as the deferred one does (the
  reader's choice, else the system's colour scheme).
- ``preload_maths_fonts``: KaTeX's fonts were requested only once the first layout found text in them, and arrived
  after the first paint, so the lines holding maths changed width and height under the reader's eyes (a paragraph
  one line shorter). Each page preloads the KaTeX fonts that the formulas of its opening (the part before its first
  section, always laid out: assets/book.css) draw text in, read from KaTeX's own stylesheet.

- ``leave_tab_stops_to_book_js`` (on the theme's pydata-sphinx-theme.js, not on pages): the theme makes a code
  block or output that scrolls focusable (tabindex 0) and any other not (-1) by measuring every block when the page
  loads and after every change to it, forcing a layout of the whole page (its longest task when a chapter loads on
  a phone), and it cannot measure blocks in sections the browser has not laid out yet (assets/book.css:
  content-visibility). Its measuring statement is removed; assets/book.js measures each block as it is laid out.

``check_maths`` reports KaTeX errors: the build renders with ``throwOnError: false``, so a formula KaTeX cannot
parse would otherwise become red text in the page, silently.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path

import yaml

DESCRIPTION_CHARS = 160
ICON_SCRIPT = re.compile(r'[ \t]*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>\n?')
INLINE_SCRIPT = re.compile(r"[ \t]*<script>(.*?)</script>\n?", re.DOTALL)
IMG = re.compile(r"<img\b[^>]*>")
ARTICLE = re.compile(r'<article class="bd-article">(.*?)</article>', re.DOTALL)
PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)
HEAD = re.compile(r"<head>.*?</head>", re.DOTALL)
SEARCH_SCRIPT = re.compile(
    r'[ \t]*<script src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js|searchindex\.js)"></script>\n?'
)
VIEWPORT = re.compile(r'<meta name="viewport"[^>]*>')
SCRIPT_SRC = re.compile(r'<script\b([^>]*)\bsrc="([^"]+)"([^>]*)></script>')
STYLESHEET = re.compile(r'[ \t]*<link\b[^>]*\brel="stylesheet"[^>]*>\n?')
CSS_IMPORT = re.compile(r'@import\s+(?:url\()?["\']([^"\']+)["\']\)?\s*;')
# url("..."), url('...') (a data: URL may hold parentheses) and url(...) unquoted.
CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^"')\s]+))\s*\)""")
SOURCE_MAP = re.compile(r"/\*[#@] sourceMappingURL=[^*]*\*/")


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


def in_head(html: str, change) -> str:
    """``html`` with ``change(head) -> head`` applied to its ``<head>`` only."""
    head = HEAD.search(html)
    return html[: head.start()] + change(head[0]) + html[head.end() :] if head else html


def drop_search_scripts(html: str) -> str:
    return in_head(html, lambda head: SEARCH_SCRIPT.sub("", head))


def drop_duplicate_viewport(html: str) -> str:
    seen = []

    def keep_first(match: re.Match) -> str:
        seen.append(match)
        return match[0] if len(seen) == 1 else ""

    return in_head(html, lambda head: VIEWPORT.sub(keep_first, head))


def defer_head_scripts(html: str, inline: dict[str, str]) -> str:
    """Defer the head's scripts; write those whose file name is a key of ``inline`` as that text instead."""

    def deferred(match: re.Match) -> str:
        attributes = f"{match[1]} {match[3]}"
        name = match[2].split("?")[0].rsplit("/", 1)[-1]
        if name in inline:
            return f"<script>{inline[name]}</script>"
        if re.search(r"\b(defer|async)\b|\btype=", attributes):
            return match[0]
        return match[0].replace("<script", "<script defer", 1)

    return in_head(html, lambda head: SCRIPT_SRC.sub(deferred, head))


def local_file(url: str) -> bool:
    return not re.match(r"[a-z][a-z0-9+.-]*:|/|#", url, re.IGNORECASE)


def stylesheet_text(path: Path, bundle_dir: Path, html_dir: Path, seen: tuple[Path, ...] = ()) -> str:
    """The text of the stylesheet ``path``, its ``@import``s inlined, its relative URLs made relative to
    ``bundle_dir`` (all three inside ``html_dir``)."""
    if path in seen:
        raise ValueError(f"site_html: {path} imports itself")
    text = SOURCE_MAP.sub("", path.read_text(encoding="utf-8"))
    text = re.sub(r'@charset\s+"[^"]*"\s*;', "", text)

    def rebase(match: re.Match) -> str:
        url = next(group for group in match.groups() if group is not None)
        if not local_file(url):
            return match[0]
        target = posixpath.normpath(posixpath.join(path.parent.relative_to(html_dir).as_posix(), url))
        return f'url("{posixpath.relpath(target, bundle_dir.relative_to(html_dir).as_posix())}")'

    def imported(match: re.Match) -> str:
        if not local_file(match[1]):
            raise ValueError(f"site_html: {path} imports {match[1]}, which cannot be bundled")
        return stylesheet_text((path.parent / match[1]).resolve(), bundle_dir, html_dir, (*seen, path))

    # The imported text is rebased already: only the text between the @imports is rebased here.
    parts, end = [], 0
    for match in CSS_IMPORT.finditer(text):
        parts += [CSS_URL.sub(rebase, text[end : match.start()]), imported(match)]
        end = match.end()
    return "".join([*parts, CSS_URL.sub(rebase, text[end:])])


def bundle_stylesheets(html: str, page: Path, html_dir: Path) -> str:
    """Replace the head's local stylesheets (all of them, or none if one has a ``media``) by one bundle."""
    bundle_dir = html_dir / "_static"

    def change(head: str) -> str:
        links = [link[0] for link in STYLESHEET.finditer(head)]
        hrefs = [re.search(r'\bhref="([^"]+)"', link) for link in links]
        if len(links) < 2 or any("media=" in link for link in links):
            return head
        if not all(href and local_file(href[1]) for href in hrefs):
            return head
        files = [(page.parent / href[1].split("?")[0]).resolve() for href in hrefs]
        text = subset_icon_font("\n".join(stylesheet_text(file, bundle_dir, html_dir) for file in files), bundle_dir)
        name = f"bundle-{hashlib.sha256(text.encode()).hexdigest()[:12]}.css"
        if not (bundle_dir / name).is_file():
            (bundle_dir / name).write_text(text, encoding="utf-8")
        href = posixpath.relpath(f"_static/{name}", page.parent.relative_to(html_dir).as_posix())
        tag = f'    <link rel="stylesheet" href="{href}" />\n'
        replaced = []

        def once(match: re.Match) -> str:
            replaced.append(match)
            return tag if len(replaced) == 1 else ""

        return STYLESHEET.sub(once, head)

    return in_head(html, change)


# The theme's solid icon font in a bundle (paths relative to the bundle), and the rules of Font Awesome's own icon
# classes (``.fa-bars::before``...), which icons.css empties: their ~1,900 glyphs are never drawn by the font.
ICON_FONT = re.compile(r'url\("(?P<folder>[^"]*/)fa-solid-900\.woff2"\) format\("woff2"\)')
CSS_RULE = re.compile(r"([^{}]*)\{([^{}]*)\}")
FONT_AWESOME_CLASS_RULE = re.compile(r"\s*\.fa-[\w-]+::?(?:before|after)\s*")


def icon_codepoints(css: str) -> list[int]:
    """The private-use characters (icons) that the stylesheet's rules write, except Font Awesome's class rules."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    found = set()
    for selectors, body in CSS_RULE.findall(css):
        if all(FONT_AWESOME_CLASS_RULE.fullmatch(selector) for selector in selectors.split(",")):
            continue
        body = re.sub(r"\\([0-9a-fA-F]{4,6})\s?", lambda m: chr(int(m[1], 16)), body)
        found |= {ord(c) for c in body if 0xE000 <= ord(c) <= 0xF8FF}
    return sorted(found)


def subset_icon_font(css: str, bundle_dir: Path) -> str:
    """The bundle ``css`` with the theme's solid icon font replaced by the glyphs the bundle uses (module docstring)."""
    match = ICON_FONT.search(css)
    if not match:
        return css
    from fontTools import subset

    codepoints = icon_codepoints(css)
    folder = (bundle_dir / match["folder"]).resolve()
    name = f"fa-solid-900-{hashlib.sha256(repr(codepoints).encode()).hexdigest()[:12]}.woff"
    if not (folder / name).is_file():
        # From the TrueType copy of the same font (reading WOFF2 would need brotli); all its names (licence) kept.
        options = subset.Options(flavor="woff", name_IDs=["*"], name_languages=["*"], notdef_outline=True)
        with subset.load_font(str(folder / "fa-solid-900.ttf"), options) as font:
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=codepoints)
            subsetter.subset(font)
            subset.save_font(font, str(folder / name), options)
    return ICON_FONT.sub(f'url("{match["folder"]}{name}") format("woff")', css)


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


# The theme's one statement that marks a block focusable or not (pydata-sphinx-theme 0.15/0.16, minified).
THEME_TABINDEX = "e.tabIndex=e.scrollWidth>e.clientWidth||e.scrollHeight>e.clientHeight?0:-1"
# ... replaced by nothing (assets/book.js sets the tab stops), with a note saying so.
THEME_TABINDEX_REMOVED = "void 0/* tab stops: assets/book.js */"


def leave_tab_stops_to_book_js(script: str) -> str:
    """pydata-sphinx-theme.js without its measuring of scrollable blocks (see the module docstring)."""
    if THEME_TABINDEX_REMOVED in script and THEME_TABINDEX not in script:
        return script  # a site built before, whose theme script was not copied again
    if script.count(THEME_TABINDEX) != 1:
        raise ValueError(
            "pydata-sphinx-theme.js: the statement that sets the tabindex of scrollable blocks was not found once "
            "(a new theme version?): update THEME_TABINDEX in scripts/site_html.py"
        )
    return script.replace(THEME_TABINDEX, THEME_TABINDEX_REMOVED)


# The theme's inline script (pydata-sphinx-theme 0.15/0.16) and what it becomes: the theme as its deferred script
# will set it (``data-mode`` light or dark, else the system's scheme; see resolve_colour_theme).
THEME_AUTO = 'document.documentElement.dataset.theme = localStorage.getItem("theme") || "auto";'
THEME_RESOLVED = (
    'document.documentElement.dataset.theme = ["light", "dark"].includes(document.documentElement.dataset.mode) '
    '? document.documentElement.dataset.mode : matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";'
)
THEME_MODE = 'document.documentElement.dataset.mode = localStorage.getItem("mode")'


def resolve_colour_theme(html: str) -> str:
    """The theme's first inline script with the colour theme resolved at once (see the module docstring)."""
    if THEME_MODE not in html or THEME_RESOLVED in html:
        return html  # not a theme page (the redirect at the site's root), or done already
    if html.count(THEME_AUTO) != 1:
        raise ValueError(
            "the theme's inline script that sets data-theme was not found once (a new theme version?): "
            "update THEME_AUTO in scripts/site_html.py"
        )
    return html.replace(THEME_AUTO, THEME_RESOLVED)


KATEX = "vendor/katex"  # under _static/: katex.min.css and fonts/ (scripts/vendor.py)
KATEX_FONTS = f"{KATEX}/fonts"
# The article up to its second <section> (the first one inside the page's own): what is laid out at once.
OPENING = re.compile(r'<article class="bd-article">.*?<section\b.*?(?=<section\b|</article>)', re.DOTALL)


def katex_font_rules(css: str) -> list[tuple[frozenset[str], dict[str, str]]]:
    """KaTeX's rules that set a font property: (classes one element must have, {property: value}), in order."""
    rules = []
    for selectors, body in CSS_RULE.findall(css):
        props = {}
        for name, _, value in (decl.partition(":") for decl in body.split(";")):
            name, value = name.strip(), value.strip()
            if name in ("font-family", "font-style", "font-weight"):
                props[name] = value.split(",")[0].strip()
            elif name == "font":  # .katex{font:normal 1.21em KaTeX_Main,Times New Roman,serif}
                family = re.search(r"KaTeX_\w+", value)
                props.update({"font-style": "normal", "font-weight": "normal"})
                if family:
                    props["font-family"] = family[0]
        for selector in selectors.split(","):
            last = (selector.split() or [""])[-1]
            classes = frozenset(re.findall(r"\.([\w-]+)", last))
            if props and classes and re.fullmatch(r"(?:\.[\w-]+)+", last):
                rules.append((classes, props))
    return rules


class _FontUse(HTMLParser):
    """The KaTeX font faces that the visible text of some HTML is drawn in (not the hidden MathML)."""

    VOID = ("img", "br", "hr", "input", "meta", "link", "wbr")  # no end tag: never on the stack

    def __init__(self, rules):
        super().__init__()
        self.rules, self.stack, self.faces = rules, [], set()

    def handle_starttag(self, tag, attrs):
        classes = set((dict(attrs).get("class") or "").split())
        props = dict(self.stack[-1][1]) if self.stack else {}
        for needed, rule in self.rules:
            if needed <= classes:
                props.update(rule)
        hidden = (bool(self.stack) and self.stack[-1][0]) or "katex-mathml" in classes
        if tag not in self.VOID:
            self.stack.append((hidden, props))

    def handle_endtag(self, tag):
        if self.stack and tag not in self.VOID:
            self.stack.pop()

    def handle_data(self, data):
        if not self.stack or self.stack[-1][0] or not data.strip("\n\t \u200b"):  # KaTeX's zero-width spaces
            return
        props = self.stack[-1][1]
        family = props.get("font-family", "")
        if not family.startswith("KaTeX_"):
            return
        bold = "Bold" if props.get("font-weight") in ("bold", "700") else ""
        italic = "Italic" if props.get("font-style") == "italic" else ""
        self.faces.add(f"{family}-{bold + italic or 'Regular'}")


def preload_maths_fonts(html: str, page: Path, html_dir: Path, rules) -> str:
    """``<link rel="preload">`` for the KaTeX fonts of the page's opening (see the module docstring)."""
    opening = OPENING.search(html)
    if not opening or 'class="katex"' not in opening[0] or f"{KATEX_FONTS}/KaTeX_" in html.split("</head>")[0]:
        return html
    finder = _FontUse(rules)
    finder.feed(opening[0])
    fonts = html_dir / "_static" / KATEX_FONTS
    missing = [face for face in sorted(finder.faces) if not (fonts / f"{face}.woff2").is_file()]
    if missing:
        raise ValueError(f"{page}: KaTeX font files not found in {fonts}: {missing}")
    folder = posixpath.relpath(f"_static/{KATEX_FONTS}", page.parent.relative_to(html_dir).as_posix())
    links = "".join(
        f'    <link rel="preload" href="{folder}/{face}.woff2" as="font" type="font/woff2" crossorigin />\n'
        for face in sorted(finder.faces)
    )
    return in_head(html, lambda head: STYLESHEET.sub(lambda m: m[0] + links, head, count=1))


def check_maths(html: str, page: str) -> list[str]:
    problems = []
    for tag in re.findall(r"<span\b[^>]*\bkatex-error\b[^>]*>", html):
        title = re.search(r'title="([^"]*)"', tag)
        problems.append(f"{page}: KaTeX could not render the maths: {html_lib.unescape(title[1]) if title else tag}")
    return problems


def improve_site(html_dir: Path, book_dir: Path) -> list[str]:
    """Run every pass over every page of the built site; return the problems found (empty: all well)."""
    problems = []
    theme_script = html_dir / "_static" / "scripts" / "pydata-sphinx-theme.js"
    theme_script.write_text(leave_tab_stops_to_book_js(theme_script.read_text(encoding="utf-8")), encoding="utf-8")
    options = html_dir / "_static" / "documentation_options.js"
    inline = {options.name: options.read_text(encoding="utf-8")}
    katex_css = html_dir / "_static" / KATEX / "katex.min.css"
    rules = katex_font_rules(katex_css.read_text(encoding="utf-8")) if katex_css.is_file() else []
    for page in sorted(html_dir.rglob("*.html")):
        if "_static" in page.relative_to(html_dir).parts:
            continue
        rel = page.relative_to(html_dir)
        html = page.read_text(encoding="utf-8")
        html = drop_icon_script(html)
        html = drop_duplicate_inline_scripts(html)
        if rel.as_posix() != "search.html":
            html = drop_search_scripts(html)
        html = drop_duplicate_viewport(html)
        html = defer_head_scripts(html, inline)
        html = bundle_stylesheets(html, page, html_dir)
        html = resolve_colour_theme(html)
        if rules:
            html = preload_maths_fonts(html, page, html_dir, rules)
        html = add_meta_description(html, book_dir / rel.with_suffix(".md"))
        html = add_image_sizes(html, page)
        problems += check_maths(html, str(rel))
        page.write_text(html, encoding="utf-8")
    return problems
