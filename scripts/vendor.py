"""Copy the pinned browser assets from node_modules/ into the git-ignored _vendor/ folder.

The book is served without any CDN: _config.yml sets ``html_static_path: [_vendor]``, so everything below
``_vendor/vendor/`` lands in ``_build/html/_static/vendor/``. The folder is not ``_static/`` on purpose:
Jupyter Book 1 injects every .js/.css it finds under ``_static/`` into every page.

    _vendor/vendor/mathjax/   MathJax 3 (tex-mml-chtml.js and the components it loads on demand); no page loads it
                              since the maths is rendered at build time, the browser tests' broken page does
    _vendor/vendor/katex/     KaTeX's stylesheet and fonts for the maths rendered at build time (sphinxcontrib-katex
                              with katex_prerender); npm katex must be the version that sphinxcontrib-katex bundles
    _vendor/vendor/icons.css  the theme's few icons as CSS masks instead of its 1.4 MB icon script (scripts/icons.py)
    _vendor/vendor/book.css   the course's own few CSS rules (from assets/book.css), and book.js: blocks of a chapter
                              section measured when the browser lays the section out (see assets/book.js)
    _vendor/vendor/progress/  the reader's progress (assets/progress/: progress.js, progress.css)
    _vendor/vendor/runner/    the in-page code runner (assets/runner/: runner-view.js, runner.js, its worker and the
                              worker's wheels.js, kernel.py, runner.css) and the CodeMirror 5 editor it uses:
                              codemirror.js is lib/codemirror.js and the Python mode in one file, each wrapped so
                              that it ignores any AMD define() and sets window.CodeMirror (a plain <script>: no
                              eval, CSP-clean); codemirror.css
    _vendor/vendor/playground/ the live playground of book/playground.md (assets/playground/), on the runner's API,
                              and explorer.js, which switches the pictures of its explorer of precomputed runs
    _vendor/vendor/pyodide/   Python in the page: Pyodide, numpy/matplotlib wheels checked against the official
                              lock, a scratchnn wheel built from src/ (scripts/pyodide_supply.py)

No ipywidgets HTML manager and no require.js: no page embeds widget state (the explorer is plain HTML and the
kernel playground a picture on the site; scripts/build_book.py fails a page that embeds widget state).

Usage: python scripts/vendor.py [PROJECT_DIR]   (after ``npm ci``)
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from icons import write_icon_css
from pyodide_supply import add_bytecode, vendor_pyodide

HERE = Path(__file__).resolve().parent

MATHJAX_FILES = ["tex-mml-chtml.js"]
# Loaded on demand by tex-mml-chtml.js: TeX extensions, CHTML fonts, the menu and its accessibility tools.
MATHJAX_DIRS = ["input", "output", "ui", "a11y", "sre", "adaptors"]
RUNNER_FILES = ["runner-view.js", "runner.js", "runner-worker.js", "wheels.js", "kernel.py", "runner.css"]
PLAYGROUND_FILES = ["playground.js", "explorer.js", "playground.css"]
# CodeMirror 5: single-file build, no bundler. Destination name -> path in the npm package.
CODEMIRROR_FILES = {
    "codemirror.css": "lib/codemirror.css",
    "LICENSE-codemirror.txt": "LICENSE",
}
# Joined into codemirror.js, in this order; each is a UMD module.
CODEMIRROR_SCRIPTS = ["lib/codemirror.js", "mode/python/python.js"]


def codemirror_bundle(codemirror: Path) -> str:
    """CodeMirror and its Python mode as one classic script that sets window.CodeMirror even beside an AMD loader.

    Each UMD module is wrapped in a function whose ``define``, ``module`` and ``exports`` are undefined, so it takes
    its "browser global" branch; the mode then finds ``CodeMirror`` as a global.
    """
    parts = ["// CodeMirror 5 (MIT, LICENSE-codemirror.txt), joined and wrapped by scripts/vendor.py.\n"]
    for path in CODEMIRROR_SCRIPTS:
        source = (codemirror / path).read_text(encoding="utf-8")
        parts.append(f"(function (define, module, exports) {{\n{source}\n}}).call(window);\n")
    return "".join(parts)


def version_of(package_dir: Path) -> str:
    return json.loads((package_dir / "package.json").read_text())["version"]


def vendor_katex(katex: Path, out: Path) -> str:
    """Copy KaTeX's stylesheet, fonts and licence; the build's renderer must be the same KaTeX version."""
    from sphinxcontrib.katex import katex_version

    if not (katex / "package.json").is_file():
        raise SystemExit(f"vendor.py: {katex} not installed; run `npm ci` first")
    if version_of(katex) != katex_version:
        raise SystemExit(
            f"vendor.py: npm katex is {version_of(katex)} but sphinxcontrib-katex renders with KaTeX {katex_version}: "
            "pin the same version in package.json, or the stylesheet will not match the HTML"
        )
    shutil.copytree(katex / "dist" / "fonts", out / "fonts")
    shutil.copy2(katex / "dist" / "katex.min.css", out / "katex.min.css")
    shutil.copy2(katex / "LICENSE", out / "LICENSE")
    return f"katex {version_of(katex)} (stylesheet and {len(list((out / 'fonts').iterdir()))} font files)"


def vendor(project: Path) -> list[str]:
    """Recreate ``project/_vendor`` from ``project/node_modules``; return one line per package copied."""
    modules = project / "node_modules"
    mathjax = modules / "mathjax"
    codemirror = modules / "codemirror"
    missing = [str(p) for p in (mathjax, codemirror) if not (p / "package.json").is_file()]
    if missing:
        raise SystemExit(f"vendor.py: {', '.join(missing)} not installed; run `npm ci` first")
    if not version_of(mathjax).startswith("3."):
        raise SystemExit(f"vendor.py: need mathjax 3.x (Sphinx's mathjax3_config), found {version_of(mathjax)}")

    out = project / "_vendor" / "vendor"
    if out.exists():
        shutil.rmtree(out)

    mj_out = out / "mathjax"
    mj_out.mkdir(parents=True)
    for name in MATHJAX_FILES:
        shutil.copy2(mathjax / "es5" / name, mj_out / name)
    for name in MATHJAX_DIRS:
        shutil.copytree(mathjax / "es5" / name, mj_out / name)
    shutil.copy2(mathjax / "LICENSE", mj_out / "LICENSE")

    katex_line = vendor_katex(modules / "katex", out / "katex")
    icons_line = write_icon_css(out / "icons.css")

    shutil.copy2(project / "assets" / "book.css", out / "book.css")
    shutil.copy2(project / "assets" / "book.js", out / "book.js")

    r_out = out / "runner"
    r_out.mkdir()
    for name in RUNNER_FILES:
        shutil.copy2(project / "assets" / "runner" / name, r_out / name)
    p_out = out / "playground"
    p_out.mkdir()
    for name in PLAYGROUND_FILES:
        shutil.copy2(project / "assets" / "playground" / name, p_out / name)
    # The reader's progress (issue 22): the state next to each exercise, the progress page. Ours, no dependency.
    shutil.copytree(project / "assets" / "progress", out / "progress")
    if not version_of(codemirror).startswith("5."):
        raise SystemExit(f"vendor.py: need codemirror 5.x (single-file build), found {version_of(codemirror)}")
    for name, path in CODEMIRROR_FILES.items():
        shutil.copy2(codemirror / path, r_out / name)
    (r_out / "codemirror.js").write_text(codemirror_bundle(codemirror), encoding="utf-8")

    lines = [
        f"mathjax {version_of(mathjax)}",
        f"codemirror {version_of(codemirror)}",
        katex_line,
        icons_line,
        *vendor_pyodide(project, out / "pyodide"),
        add_bytecode(project, out / "pyodide"),
    ]
    (out / "VERSIONS.txt").write_text("\n".join(lines) + "\n")
    return lines


def main(argv: list[str]) -> int:
    project = Path(argv[1]).resolve() if len(argv) > 1 else HERE.parent
    for line in vendor(project):
        print(f"vendored {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
