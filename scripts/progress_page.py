"""Sphinx extension: the ``{exercise-progress}`` directive of book/progress.md ("Your progress", issue 22).

At build time it reads every exercise of the book from the sources (scripts/exercise_catalogue.py) and writes one
table per chapter: the exercise (a cross-reference to its label, so Sphinx numbers and links it), what checks it,
and an empty state cell. assets/progress/progress.js fills the states from the reader's browser and adds the
export / import / clear controls into the ``progress-controls`` container. A chapter that gains or loses an
exercise changes this page at the next build.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

sys.path.insert(0, str(Path(__file__).resolve().parent))
from exercise_catalogue import catalogue, dumps


def _cell(*children: nodes.Node, classes: list[str] | None = None) -> nodes.entry:
    return nodes.entry("", nodes.paragraph("", "", *children), classes=classes or [])


def _row(*entries: nodes.entry) -> nodes.row:
    return nodes.row("", *entries)


def _ref(target: str, reftype: str, text: str, docname: str) -> addnodes.pending_xref:
    return addnodes.pending_xref(
        "",
        nodes.inline("", text),
        refdomain="std",
        reftype=reftype,
        reftarget=target,
        refexplicit=reftype == "doc",
        refdoc=docname,
        refwarn=True,
    )


class ExerciseProgress(SphinxDirective):
    has_content = False

    def run(self) -> list[nodes.Node]:
        root = Path(self.env.srcdir)
        data = catalogue(root)
        for page in data["pages"]:
            self.env.note_dependency(str(root / f"{page['page']}.md"))
        controls = nodes.container("", classes=["progress-controls"])
        controls += nodes.paragraph(
            "", "Your progress is kept by the page's scripts: with JavaScript off this page lists the exercises only."
        )
        result: list[nodes.Node] = [controls]
        for page in data["pages"]:
            table = nodes.table("", classes=["progress-table"])
            title = nodes.title("", "")
            title += _ref("/" + page["page"], "doc", page["title"], self.env.docname)
            table += title
            group = nodes.tgroup("", cols=3)
            table += group
            for width in (30, 30, 40):
                group += nodes.colspec(colwidth=width)
            head = nodes.thead()
            head += _row(
                _cell(nodes.Text("Exercise")), _cell(nodes.Text("Checked by")), _cell(nodes.Text("Your state"))
            )
            group += head
            body = nodes.tbody()
            for ex in page["exercises"]:
                check = nodes.literal("", f"{ex['checker']}(...)") if ex["checker"] else nodes.Text("answered in words")
                body += _row(
                    _cell(_ref(ex["label"], "ref", ex["label"], self.env.docname)),
                    _cell(check),
                    _cell(
                        nodes.Text("not tried" if ex["checker"] else "-"),
                        classes=["progress-state-cell", "progress-checked" if ex["checker"] else "progress-written"],
                    ),
                )
            group += body
            result.append(table)
        return result


def write_catalogue(app, exception) -> None:
    """The site's copy of the catalogue, read by progress.js on the chapter pages (which exercises have checks)."""
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir) / "_static" / "vendor" / "progress"
    out.mkdir(parents=True, exist_ok=True)
    (out / "catalogue.json").write_text(dumps(catalogue(Path(app.srcdir))), encoding="utf-8")


def setup(app):
    app.add_directive("exercise-progress", ExerciseProgress)
    app.connect("build-finished", write_catalogue)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
