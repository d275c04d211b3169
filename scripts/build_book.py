"""Build the book strictly: the one build command behind `make book` (and the bad-input tests).

    python scripts/build_book.py [BOOK_DIR]

1. Every page in BOOK_DIR/book/ must be listed in BOOK_DIR/_toc.yml. With ``only_build_toc_files: true``
   Jupyter Book would otherwise skip a forgotten page without a word.
2. ``jupyter-book build BOOK_DIR --all -W -n --keep-going`` into a clean _build/html and _build/jupyter_execute:
   every chapter is executed (``execute_notebooks: force``, cell timeout in _config.yml); any warning, failing
   cell or broken cross-reference fails the build, and --keep-going reports all of them, each with its page.
3. Every notebook page of the TOC must have produced its executed notebook in _build/jupyter_execute/.
   The build runs with SCRATCHNN_WIDGETS=off (the kernel playground shows a picture: no page embeds widget state,
   the site ships no widget manager) and SCRATCHNN_EXPLORER_DIR=_build/explorer, where the playground page writes
   its explorer's pictures; they are copied to _build/html/_static/explorer/ (the explorer's <img> loads them).
4. The code of every executed notebook goes into the site for the in-page runner (scripts/runner_cells.py).
5. Speed and a clean console (scripts/site_html.py): no icon script, no duplicate inline script, the search's
   scripts on search.html only, deferred head scripts, one bundled stylesheet, a meta description and image sizes
   on every page; a formula KaTeX could not render fails the build.
6. Every page gets its Content-Security-Policy, hashes computed from the built HTML (scripts/csp.py): keep it last.

Exits non-zero if any step fails. The vendored assets (_vendor/, see scripts/vendor.py) must exist first.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml
from csp import csp_pages
from runner_cells import write_cells
from site_html import improve_site

PAGE_SUFFIXES = (".md", ".ipynb")
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def pages_with_widget_state(html_dir: Path) -> list[str]:
    """The built pages that embed ipywidgets state (they would need the widget manager, which the site lacks)."""
    return sorted(
        str(page.relative_to(html_dir))
        for page in html_dir.rglob("*.html")
        if "_static" not in page.parts and WIDGET_STATE in page.read_text(encoding="utf-8")
    )


def toc_files(toc: dict) -> list[str]:
    """All pages named in a jb-book/jb-article ``_toc.yml``, without suffix, root first."""
    found = [str(toc["root"])]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                found.append(str(node["file"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in toc.items() if k != "root"})
    return [str(Path(f).with_suffix("")) if f.endswith(PAGE_SUFFIXES) else f for f in found]


def is_notebook(page: Path) -> bool:
    """A MyST Markdown notebook: an .md whose front matter has a ``kernelspec`` (jupytext header)."""
    text = page.read_text(encoding="utf-8")
    if not text.startswith("---"):
        return False
    front = yaml.safe_load(text.split("---", 2)[1]) or {}
    return "kernelspec" in front


def check_toc(book_dir: Path) -> list[str]:
    """Return one error message per page in book/ missing from _toc.yml or listed there but missing."""
    toc = yaml.safe_load((book_dir / "_toc.yml").read_text())
    listed = toc_files(toc)
    errors = []
    for name in listed:
        if not any((book_dir / f"{name}{suffix}").is_file() for suffix in PAGE_SUFFIXES):
            errors.append(f"_toc.yml: lists {name}, but there is no {name}.md or {name}.ipynb")
    pages = sorted(
        p
        for suffix in PAGE_SUFFIXES
        for p in (book_dir / "book").rglob(f"*{suffix}")
        if ".ipynb_checkpoints" not in p.parts
    )
    for page in pages:
        rel = page.relative_to(book_dir)
        if str(rel.with_suffix("")) not in listed:
            errors.append(f"{rel}: page is not in _toc.yml (add it to _toc.yml, or move it out of book/)")
    return errors


def main(argv: list[str]) -> int:
    book_dir = Path(argv[1] if len(argv) > 1 else ".").resolve()
    start = time.perf_counter()

    errors = check_toc(book_dir)
    for error in errors:
        print(f"ERROR: {error}", file=sys.stderr)
    if errors:
        print("Book build FAILED: fix the table of contents first.", file=sys.stderr)
        return 1

    # Start from nothing: a notebook or page left over from a renamed chapter must not survive (nbval would
    # run it). _build/ holds nothing else that is worth keeping between builds (execution is forced anyway).
    for stale in ("html", "jupyter_execute", ".doctrees", "explorer"):
        shutil.rmtree(book_dir / "_build" / stale, ignore_errors=True)
    pictures = book_dir / "_build" / "explorer"
    env = {**os.environ, "SCRATCHNN_WIDGETS": "off", "SCRATCHNN_EXPLORER_DIR": str(pictures)}

    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    cmd = [str(jupyter_book), "build", str(book_dir), "--all", "-W", "-n", "--keep-going"]
    print("$", " ".join(cmd), flush=True)
    returncode = subprocess.run(cmd, check=False, env=env).returncode
    if returncode != 0:
        print(
            f"Book build FAILED (exit {returncode}): see the WARNING/ERROR lines above; each names its page "
            "(a failing cell: its traceback is printed above).",
            file=sys.stderr,
        )
        return returncode

    executed = book_dir / "_build" / "jupyter_execute"
    toc = yaml.safe_load((book_dir / "_toc.yml").read_text())
    missing = [
        name
        for name in toc_files(toc)
        if (book_dir / f"{name}.md").is_file()
        and is_notebook(book_dir / f"{name}.md")
        and not (executed / f"{name}.ipynb").is_file()
    ]
    if missing:
        print(f"Book build FAILED: no executed notebook for {', '.join(missing)} in {executed}", file=sys.stderr)
        return 1

    html_dir = book_dir / "_build" / "html"
    embedded = pages_with_widget_state(html_dir)
    if embedded:
        print(
            f"Book build FAILED: {', '.join(embedded)} embed ipywidgets state, but the site ships no widget manager: "
            "show widgets only in Jupyter (see scratchnn.widgets.live.playground)",
            file=sys.stderr,
        )
        return 1
    if pictures.is_dir():
        shutil.copytree(pictures, html_dir / "_static" / "explorer")
        print(f"Explorer: {len(list(pictures.iterdir()))} pictures copied to {html_dir / '_static' / 'explorer'}/")

    written = write_cells(book_dir, executed, book_dir / "_build" / "html")
    print(f"In-page runner: the code of {len(written)} pages written to _build/html/_static/vendor/runner/cells/")

    problems = improve_site(book_dir / "_build" / "html", book_dir)
    for problem in problems:
        print(f"ERROR: {problem}", file=sys.stderr)
    if problems:
        print("Book build FAILED: fix the maths above (KaTeX renders it at build time).", file=sys.stderr)
        return 1
    print(f"Content-Security-Policy added to {csp_pages(book_dir / '_build' / 'html')} pages")

    index = book_dir / "_build" / "html" / "index.html"
    print(f"\nBook built in {time.perf_counter() - start:.0f} s: {index}")
    print("Serve it with `make serve` and open the address it prints (Python in the page needs http://, not a file).")
    print(f"Executed notebooks: {executed}/")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
