"""The post-build passes of scripts/site_html.py and the icon stylesheet of scripts/icons.py (issue 23)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import icons  # noqa: E402
import site_html  # noqa: E402

THEBE = '    <script>const THEBE_JS_URL = "x"; const thebe_selector = ".cell"</script>\n'
HEAD = '<head>\n    <meta charset="utf-8" />\n<title>t</title>\n'


def test_a_repeated_inline_script_is_removed_and_the_first_kept():
    page = HEAD + THEBE + "    <script>let a = 1;</script>\n" + THEBE + "</head>"
    out = site_html.drop_duplicate_inline_scripts(page)
    assert out.count("THEBE_JS_URL") == 1
    assert "let a = 1;" in out
    assert out.index("THEBE_JS_URL") < out.index("let a = 1;")


def test_the_icon_script_is_removed():
    page = HEAD + '  <script defer src="../_static/scripts/fontawesome.js?digest=55c2"></script>\n<p>x</p>'
    out = site_html.drop_icon_script(page)
    assert "fontawesome" not in out and "<p>x</p>" in out


def test_head_scripts_are_deferred_in_order_and_the_options_inlined():
    page = (
        HEAD
        + '    <script src="../_static/documentation_options.js?v=9e"></script>\n'
        + '    <script src="../_static/doctools.js?v=9a"></script>\n'
        + "    <script>DOCUMENTATION_OPTIONS.pagename = 'book/x';</script>\n"
        + '    <script data-sd-tabs-storage-prefix="t-" src="../_static/design-tabs.js"></script>\n'
        + '    <script async="async" src="../_static/sphinx-thebe.js"></script>\n'
        + '    <script type="module" src="m.js"></script>\n'
        + '</head>\n<body><script src="body.js"></script></body>'
    )
    out = site_html.defer_head_scripts(page, {"documentation_options.js": "const DOCUMENTATION_OPTIONS = {};"})
    assert "<script>const DOCUMENTATION_OPTIONS = {};</script>" in out
    assert out.index("const DOCUMENTATION_OPTIONS") < out.index("DOCUMENTATION_OPTIONS.pagename")
    assert '<script defer src="../_static/doctools.js?v=9a">' in out
    assert '<script defer data-sd-tabs-storage-prefix="t-" src="../_static/design-tabs.js">' in out
    assert '<script async="async" src="../_static/sphinx-thebe.js">' in out, "async stays async"
    assert '<script type="module" src="m.js">' in out, "modules are deferred already"
    assert '<body><script src="body.js"></script>' in out, "only the head is changed"


def test_search_scripts_and_a_second_viewport_are_dropped():
    search = '    <script src="../_static/searchtools.js"></script>\n    <script src="../searchindex.js"></script>\n'
    viewport = '<meta name="viewport" content="width=device-width, initial-scale=1" />'
    page = HEAD + viewport + "\n" + search + viewport + '<script src="../_static/doctools.js"></script></head>'
    out = site_html.drop_duplicate_viewport(site_html.drop_search_scripts(page))
    assert "searchtools" not in out and "searchindex" not in out and "doctools.js" in out
    assert out.count('name="viewport"') == 1


def test_stylesheets_become_one_bundle_with_imports_and_urls_rebased(tmp_path: Path):
    site = tmp_path / "html"
    styles = site / "_static" / "styles"
    styles.mkdir(parents=True)
    (site / "_static" / "basic.css").write_text('@charset "UTF-8";\n.basic { background: url(file.png); }\n')
    (styles / "theme.css").write_text('@import "../basic.css";\n.theme { color: red; }\n')
    (styles / "icons.css").write_text(
        "@font-face { src: url(../vendor/fa/fa.woff2) format('woff2'), url('../fonts/k.woff'); }\n"
        '.i { background: url("data:image/svg+xml;charset=utf8,%3Csvg (x)%3E"); mask: url(#m); }\n'
        ".j { background: url(https://example.org/a.png); }\n/*# sourceMappingURL=icons.css.map */\n"
    )
    (site / "book").mkdir()
    page = site / "book" / "p.html"
    links = (
        '  <link href="../_static/styles/theme.css?digest=1" rel="stylesheet" />\n'
        '    <link rel="stylesheet" type="text/css" href="../_static/styles/icons.css?v=2" />\n'
    )
    html = HEAD + links + '    <link rel="icon" href="../_static/favicon.svg"/>\n</head><body></body>'
    out = site_html.bundle_stylesheets(html, page, site)
    [bundle] = (site / "_static").glob("bundle-*.css")
    assert out.count('rel="stylesheet"') == 1
    assert f'<link rel="stylesheet" href="../_static/{bundle.name}" />' in out
    assert '<link rel="icon"' in out
    text = bundle.read_text()
    assert text.index(".basic") < text.index(".theme") < text.index(".i {"), "the files' order is kept"
    assert 'url("file.png")' in text and "@import" not in text and "@charset" not in text
    assert 'url("vendor/fa/fa.woff2")' in text and 'url("fonts/k.woff")' in text
    assert 'url("data:image/svg+xml;charset=utf8,%3Csvg (x)%3E")' in text and "url(#m)" in text
    assert "url(https://example.org/a.png)" in text and "sourceMappingURL" not in text
    assert site_html.bundle_stylesheets(html, page, site) == out, "the same list, the same bundle"


def test_stylesheets_with_a_media_query_are_left_alone(tmp_path: Path):
    (tmp_path / "a.css").write_text(".a {}")
    html = HEAD + '<link rel="stylesheet" href="a.css" />\n<link rel="stylesheet" href="a.css" media="print" /></head>'
    assert site_html.bundle_stylesheets(html, tmp_path / "p.html", tmp_path) == html


def test_the_description_comes_from_the_front_matter(tmp_path: Path):
    source = tmp_path / "page.md"
    source.write_text('---\ndescription: "Derive it & check it."\n---\n# Title\n')
    out = site_html.add_meta_description(HEAD + '<article class="bd-article"><p>Other text.</p></article>', source)
    assert '<meta name="description" content="Derive it &amp; check it." />' in out


def test_the_description_falls_back_to_the_first_real_paragraph(tmp_path: Path):
    body = (
        '<article class="bd-article"><p>Short.</p><p>A network learns by <em>descending</em> the cost '
        + "<span>word</span> " * 60
        + "</p></article>"
    )
    out = site_html.add_meta_description(HEAD + body, tmp_path / "missing.md")
    content = out.split('name="description" content="')[1].split('"')[0]
    assert content.startswith("A network learns by descending the cost word")
    assert len(content) <= site_html.DESCRIPTION_CHARS and content.endswith("…")


def test_images_get_their_intrinsic_size(tmp_path: Path):
    from PIL import Image

    Image.new("RGB", (40, 30)).save(tmp_path / "a.png")
    (tmp_path / "b.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 60"></svg>')
    page = tmp_path / "page.html"
    html = (
        '<img alt="a" src="a.png" /><img alt="b" src="b.svg"><img alt="c" src="data:x"><img src="a.png" width="9">'
        '<img alt="d" src="_static/a.png">'
    )
    out = site_html.add_image_sizes(html, page)
    assert '<img width="40" height="30" alt="a" src="a.png" />' in out
    assert '<img width="120" height="60" loading="lazy" alt="b" src="b.svg">' in out
    assert '<img alt="c" src="data:x">' in out and '<img src="a.png" width="9">' in out
    assert '<img alt="d" src="_static/a.png">' in out


def test_maths_katex_could_not_render_is_reported():
    bad = '<span class="katex-error" title="ParseError: Expected &#x27;}&#x27;" style="color:#cc0000">\\frac{</span>'
    assert site_html.check_maths(bad, "book/x.html") == [
        "book/x.html: KaTeX could not render the maths: ParseError: Expected '}'"
    ]
    assert site_html.check_maths('<span class="katex">ok</span>', "book/x.html") == []


def test_the_icon_stylesheet_draws_every_icon():
    pytest.importorskip("pydata_sphinx_theme")
    css = icons.icon_css()
    for css_class in [*icons.ICONS, *icons.BRANDS]:
        assert f".{css_class}{{width:" in css, css_class
    assert css.count("mask-image:url(") == 2 * (len(icons.ICONS) + len(icons.BRANDS))
    # The webfont glyphs of the theme's stylesheet are switched off, so no icon font is downloaded.
    assert ".fa-solid::before" in css and "content:none" in css


def test_an_unknown_icon_fails_loudly():
    script = icons.fontawesome_js().read_text(encoding="utf-8") if icons.fontawesome_js().is_file() else ""
    if not script:
        pytest.skip("pydata-sphinx-theme not installed")
    with pytest.raises(SystemExit, match="no icon 'no-such-icon'"):
        icons.outline(icons.pack_text(script, "solid"), "no-such-icon")


def test_the_theme_leaves_the_tab_stops_of_scrollable_blocks_to_book_js():
    theme = "I(){const e=()=>{q.forEach(e=>{" + site_html.THEME_TABINDEX + "})}}"
    patched = site_html.leave_tab_stops_to_book_js(theme)
    assert patched == "I(){const e=()=>{q.forEach(e=>{" + site_html.THEME_TABINDEX_REMOVED + "})}}"
    assert site_html.leave_tab_stops_to_book_js(patched) == patched  # built twice: unchanged
    with pytest.raises(ValueError, match="update THEME_TABINDEX"):
        site_html.leave_tab_stops_to_book_js("a theme written differently")


def test_the_icons_a_stylesheet_draws_are_found_but_not_font_awesomes_own_classes():
    css = (
        '/* "\\f000" in a comment */ :root{--pst-icon-bell:"\\f0f3";--x:"\uf105"}\n'
        '.onthispage:after{content:"\\f107"}\n'
        '.fa-bars:before{content:"\\f0c9"}.fa-xmark::before,.fa-close::before{content:"\\f00d"}\n'
        '.fa-mixed:before,.admonition-title:after{content:"\\f303"}\n'
    )
    assert site_html.icon_codepoints(css) == [0xF0F3, 0xF105, 0xF107, 0xF303]


def test_the_solid_icon_font_keeps_only_the_glyphs_the_bundle_draws(tmp_path):
    from fontTools.ttLib import TTFont

    theme_fonts = icons.fontawesome_js().parents[1] / "vendor" / "fontawesome"
    ttf = next(theme_fonts.rglob("fa-solid-900.ttf"), None) if theme_fonts.is_dir() else None
    if ttf is None:
        pytest.skip("pydata-sphinx-theme not installed")
    fonts = tmp_path / "_static" / "vendor" / "fontawesome" / "webfonts"
    fonts.mkdir(parents=True)
    (fonts / "fa-solid-900.ttf").write_bytes(ttf.read_bytes())
    face = '@font-face{src:url("vendor/fontawesome/webfonts/fa-solid-900.woff2") format("woff2")}'
    css = face + ':root{--a:"\\f303";--b:"\\f05a";--brand:"\\f09b"}'
    out = site_html.subset_icon_font(css, tmp_path / "_static")
    [name] = [path.name for path in fonts.glob("fa-solid-900-*.woff")]
    assert f'url("vendor/fontawesome/webfonts/{name}") format("woff")' in out and "woff2" not in out
    with TTFont(fonts / name) as subset, TTFont(fonts / "fa-solid-900.ttf") as full:
        wanted = {0xF303, 0xF05A, 0xF09B} & set(full.getBestCmap())  # the brands icon is not in the solid font
        assert set(subset.getBestCmap()) == wanted and {0xF303, 0xF05A} <= wanted
        assert subset.flavor == "woff" and (fonts / name).stat().st_size < 5_000
    assert site_html.subset_icon_font("p{color:red}", tmp_path / "_static") == "p{color:red}"  # no icon font


THEME_SCRIPT = (
    '<head>\n  <script data-cfasync="false">\n    document.documentElement.dataset.mode = localStorage.getItem("mode")'
    ' || "auto";\n    document.documentElement.dataset.theme = localStorage.getItem("theme") || "auto";\n  </script>'
)


def test_the_colour_theme_is_chosen_before_the_first_paint():
    html = site_html.resolve_colour_theme(THEME_SCRIPT + "</head>")
    assert '|| "auto";\n  </script>' not in html and site_html.THEME_RESOLVED in html
    assert site_html.resolve_colour_theme(html) == html
    assert site_html.resolve_colour_theme("<head></head>") == "<head></head>"  # the root's redirect page
    with pytest.raises(ValueError, match="THEME_AUTO"):
        site_html.resolve_colour_theme(THEME_SCRIPT.replace('|| "auto";\n  </script>', "</script>") + "</head>")


# KaTeX's rules as its stylesheet writes them, and an inline formula: $\mathbf 1 b_n$ with its hidden MathML.
KATEX_CSS = (
    ".katex{font:normal 1.21em KaTeX_Main,Times New Roman,serif;line-height:1.2}.katex .mathnormal{font-family:"
    "KaTeX_Math;font-style:italic}.katex .mathbf{font-family:KaTeX_Main;font-weight:700}.katex .op-symbol.small-op"
    "{font-family:KaTeX_Size1}.katex .op-symbol:before{font-family:KaTeX_AMS}.katex-display>.katex{display:block}"
)
FORMULA = (
    '<span class="katex"><span class="katex-mathml"><math><mi mathvariant="script">L</mi></math></span>'
    '<span class="katex-html" aria-hidden="true"><span class="base"><span class="strut"></span>'
    '<span class="mord mathbf">1</span><span class="mord"><span class="mord mathnormal">b</span>'
    '<span class="vlist-s">\u200b</span></span></span></span></span>'
)


def test_the_fonts_of_the_opening_formulas_are_preloaded_and_no_other(tmp_path: Path):
    rules = site_html.katex_font_rules(KATEX_CSS)
    assert (frozenset({"op-symbol", "small-op"}), {"font-family": "KaTeX_Size1"}) in rules
    assert all("KaTeX_AMS" not in props.values() for _, props in rules)  # a pseudo-element's rule
    fonts = tmp_path / "_static" / site_html.KATEX_FONTS
    fonts.mkdir(parents=True)
    for face in ("KaTeX_Main-Bold", "KaTeX_Math-Italic", "KaTeX_Main-Regular", "KaTeX_Size1-Regular"):
        (fonts / f"{face}.woff2").write_bytes(b"")
    page = tmp_path / "book" / "a.html"
    sized_op = '<span class="mop op-symbol small-op">\u2211</span>'
    html = (
        '<head>\n    <link rel="stylesheet" href="../_static/bundle.css" />\n</head><article class="bd-article">'
        f"<section><p>{FORMULA}</p><section><h2>Later</h2><p>{sized_op}</p></section></section></article>"
    )
    out = site_html.preload_maths_fonts(html, page, tmp_path, rules)
    preloads = [line.strip() for line in out.splitlines() if 'rel="preload"' in line]
    # Main-Bold (the bold 1) and Math-Italic (b); not Main-Regular (only a zero-width space is drawn in it),
    # nor Size1 (in a later section, laid out when near the screen), nor the MathML's fonts.
    assert preloads == [
        f'<link rel="preload" href="../_static/{site_html.KATEX_FONTS}/KaTeX_{face}.woff2" as="font" '
        'type="font/woff2" crossorigin />'
        for face in ("Main-Bold", "Math-Italic")
    ]
    assert out.index("bundle.css") < out.index('rel="preload"')
    assert site_html.preload_maths_fonts(out, page, tmp_path, rules) == out
    no_maths = html.replace(FORMULA, "x")
    assert site_html.preload_maths_fonts(no_maths, page, tmp_path, rules) == no_maths
    (fonts / "KaTeX_Math-Italic.woff2").unlink()
    with pytest.raises(ValueError, match="KaTeX_Math-Italic"):
        site_html.preload_maths_fonts(html, page, tmp_path, rules)
