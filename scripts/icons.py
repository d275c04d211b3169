"""The theme's icons as one small stylesheet instead of its 1.4 MB icon script (issue 23).

pydata-sphinx-theme loads ``_static/scripts/fontawesome.js`` on every page; the script swaps each
``<i class="fa-solid fa-bars">`` for an inline SVG. The book uses fewer than twenty icons. This module reads their
outlines from that same script at build time (the theme's own Font Awesome Free 6 copy, icons CC BY 4.0) and writes
``icons.css``: each icon is an ``<i>`` painted in ``currentColor`` through a CSS mask of its SVG, so it follows the
text colour in both themes. The ``<i>`` stays empty and decorative (the buttons and links around the icons carry
the names, as before); ``::before`` is emptied so the theme's webfont rules never download a font.
scripts/site_html.py removes the script tag from every page.

    python scripts/icons.py OUT.css      (scripts/vendor.py calls write_icon_css)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from urllib.parse import quote

# The icons the built pages use (the theme's header, sidebar and buttons): class name -> icon name
# in the solid pack (BRANDS: in the brands pack).
# tests/book/test_site.py fails if a page uses an fa-* icon that is not here.
ICONS = {
    "fa-angle-left": "angle-left",
    "fa-angle-right": "angle-right",
    "fa-arrow-up": "arrow-up",
    "fa-bars": "bars",
    "fa-list": "list",
    "fa-magnifying-glass": "magnifying-glass",
    "fa-outdent": "outdent",
    "fa-code": "code",
    "fa-download": "download",
    "fa-expand": "expand",
    "fa-file": "file",
    "fa-file-pdf": "file-pdf",
    "fa-lightbulb": "lightbulb",
    "fa-rocket": "rocket",
    "fa-circle-half-stroke": "circle-half-stroke",
    "fa-moon": "moon",
    "fa-sun": "sun",
    "fa-xmark": "xmark",
}
BRANDS = {"fa-github": "github"}
MODES = ("auto", "dark", "light")
# Where each pack ends in the script: the call that registers it.
PACK_END = {"brands": 'd("fab",p)', "regular": 'd("far",p)', "solid": 'd("fas",p)'}


def fontawesome_js() -> Path:
    import pydata_sphinx_theme

    theme = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme"
    return theme / "static" / "scripts" / "fontawesome.js"


def pack_text(script: str, pack: str) -> str:
    """The part of the script that defines one pack (brands, regular, solid, in that order in the file)."""
    ends = {name: script.find(marker) for name, marker in PACK_END.items()}
    if min(ends.values()) < 0:
        raise SystemExit(f"icons.py: {fontawesome_js()} changed: a pack registration {PACK_END} was not found")
    order = sorted(ends, key=ends.get)
    start = 0 if order.index(pack) == 0 else ends[order[order.index(pack) - 1]]
    return script[start : ends[pack]]


def outline(text: str, name: str) -> tuple[int, int, str]:
    """(width, height, SVG path) of one icon in a pack's text."""
    key = re.escape(name)
    match = re.search(rf'(?:"{key}"|(?<![\w-]){key}):\[(\d+),(\d+),\[[^\]]*\],"[0-9a-f]+","([^"]+)"\]', text)
    if not match:
        raise SystemExit(f"icons.py: no icon {name!r} in the theme's fontawesome.js")
    return int(match[1]), int(match[2]), match[3]


def icon_rule(css_class: str, width: int, height: int, path: str) -> str:
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}"><path d="{path}"/></svg>'
    url = 'url("data:image/svg+xml,' + quote(svg, safe=" =:/,.-") + '")'
    return f".{css_class}{{width:{width / height:.4f}em;-webkit-mask-image:{url};mask-image:{url}}}"


def icon_css() -> str:
    script = fontawesome_js().read_text(encoding="utf-8")
    solid, brands = pack_text(script, "solid"), pack_text(script, "brands")
    rules = [icon_rule(cls, *outline(solid, name)) for cls, name in ICONS.items()]
    rules += [icon_rule(cls, *outline(brands, name)) for cls, name in BRANDS.items()]
    base = (
        "/* The theme's icons as CSS masks (scripts/icons.py); outlines from Font Awesome Free 6, CC BY 4.0. */\n"
        # :where() keeps the theme's own display rules (the colour-mode button shows one icon at a time) in charge.
        ":where(.fa-solid,.fas,.fa-brands,.fab){display:inline-block;height:1em;vertical-align:-.125em;"
        "background-color:currentColor;-webkit-mask-repeat:no-repeat;mask-repeat:no-repeat;"
        "-webkit-mask-position:center;mask-position:center;-webkit-mask-size:contain;mask-size:contain}\n"
        ".fa-solid::before,.fas::before,.fa-brands::before,.fab::before{content:none}\n"
        # The theme shows the colour-mode button's current icon with display:inline, where a box has no size.
        + ",".join(f"html[data-mode={m}] .theme-switch-button .theme-switch[data-mode={m}]" for m in MODES)
        + "{display:inline-block}\n"
    )
    return base + "\n".join(rules) + "\n"


def write_icon_css(out: Path) -> str:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(icon_css(), encoding="utf-8")
    return f"icons.css: {len(ICONS) + len(BRANDS)} icons from the theme's Font Awesome ({out.stat().st_size} bytes)"


if __name__ == "__main__":
    print(write_icon_css(Path(sys.argv[1])))
