"""The chapters' reading view in JupyterLab: the MyST that only the book build understands, made readable.

jupyterlab-myst renders the chapters' prose (maths, admonitions, exercises, references within the chapter). A few
constructs only mean something to the book build (myst-nb, sphinx-exercise, Sphinx's cross-document references);
this contents manager rewrites them in Markdown cells when a notebook is opened, and puts the original source back
when it is saved, so a chapter on disk never changes unless the reader edits it (a save with no cell changed,
such as JupyterLab's autosave after a run, leaves the .md file untouched):

- ``{glue:text}`name:fmt``` (a number computed by a code cell at build time) -> a placeholder ``⟨name⟩`` whose
  tooltip says where the value comes from; ```` ```{glue:md} name ```` -> a sentence saying the same;
- ``{cite:t}`key``` / ``{cite:p}`key``` -> "Rumelhart et al. (1986)" / "(Rumelhart et al., 1986)" from the
  chapter folder's references.bib, linked to the references page;
- ``{numref}`name``` (or ``{ref}``) to a figure that a code cell of the chapter draws (``mystnb: figure: name:``)
  -> "the figure below" / "the figure above" (JupyterLab does not number figures that code cells draw);
- ``{ref}`label``` to a section of another chapter -> a link to that chapter's file, with the section's title
  (JupyterLab opens it as a notebook too); ``{eq}``, ``{numref}`` or ``{ref}`` to an equation, figure or
  exercise of another chapter -> a link naming it and its chapter; references within the chapter are left to
  jupyterlab-myst;
- ```` ```{solution-start} ```` loses ``:class: dropdown``: the solution's code cells are open in a notebook, so
  its prose is open too; ```` ```{solution-end} ```` -> a short closing line (jupyterlab-myst would draw an empty
  box);
- ```` ```{raw} html ```` (styling for the web page) -> a MyST comment, which shows nothing.

Binder and ``make lab`` use it through postBuild (``ServerApp.contents_manager_class``). It derives from Jupytext's
contents manager, which turns a chapter's .md into a notebook.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
from jupytext.async_contentsmanager import build_async_jupytext_contents_manager_class
from pybtex.database import parse_file

ORIGINAL = "scratchnn_reading_view"  # cell metadata: the source the cell has on disk

GLUE_ROLE = re.compile(r"\{glue(?::text|:any)?\}`([^`:]+)(?::[^`]*)?`")
GLUE_BLOCK = re.compile(r"```\{glue(?::md|:any)?\}[ \t]+(\S+)[ \t]*\n(?::[^\n]*\n)*```")
CITE_ROLE = re.compile(r"\{cite:([pt])\}`([^`]+)`")
REF_ROLE = re.compile(r"\{ref\}`([^`<]+?)`")
FIGURE_ROLE = re.compile(r"\{(?:numref|ref)\}`([^`<]+?)`")
SOLUTION_DROPDOWN = re.compile(r"(```\{solution-start\}[^\n]*\n(?::[^\n]*\n)*?):class: dropdown\n")
SOLUTION_END = re.compile(r"```\{solution-end\}[ \t]*\n(?::[^\n]*\n)*```")
RAW_HTML = re.compile(r"```\{raw\}[ \t]+html[ \t]*\n.*?\n```[ \t]*\n?", re.S)
TARGET = re.compile(r"^\(([\w-]+)\)=[ \t]*\n+#+[ \t]+(.+)$", re.M)
ANY_ROLE = re.compile(r"\{(eq|numref|ref)\}`([^`<]+?)`")
TITLE = re.compile(r"^# (.+)$", re.M)
EQUATION = re.compile(r"\$\$[ \t]*\(([\w-]+)\)")
DIRECTIVE_LABEL = re.compile(r"^```\{(\w[\w-]*)\}[^\n]*\n(?::[^\n]*\n)*?:label:[ \t]*([\w-]+)", re.M)
FIGURE_NAME = re.compile(r"^  figure:\n(?:    .*\n|      .*\n)*?    name:[ \t]*([\w-]+)", re.M)


def link(page: Path, here: Path) -> str:
    """The path of `page` relative to the folder `here` of the notebook being read (a Markdown link target)."""
    return os.path.relpath(page, here).replace(os.sep, "/")


def section_titles(folder: Path, here: Path | None = None) -> dict[str, tuple[str, str]]:
    """``(label)=`` targets that sit just above a heading, in the .md files of `folder`: label -> (file, title)."""
    found = {}
    for page in sorted(folder.glob("*.md")):
        for label, title in TARGET.findall(page.read_text(encoding="utf-8")):
            found[label] = (link(page, here or folder), title.strip())
    return found


def other_targets(folder: Path, here: Path | None = None) -> dict[str, tuple[str, str, str]]:
    """Equations, exercises and code-cell figures of the .md files of `folder`: label -> (file, chapter, kind)."""
    found = {}
    for page in sorted(folder.glob("*.md")):
        text = page.read_text(encoding="utf-8")
        title = TITLE.search(text)
        chapter = title.group(1).strip() if title else page.stem
        labels = [(label, "equation") for label in EQUATION.findall(text)]
        labels += [(label, "equation" if kind == "math" else kind) for kind, label in DIRECTIVE_LABEL.findall(text)]
        labels += [(label, "figure") for label in FIGURE_NAME.findall(text)]
        for label, kind in labels:
            found[label] = (link(page, here or folder), chapter, kind)
    return found


def authors_and_years(folder: Path, here: Path | None = None) -> dict[str, tuple[str, str, str]]:
    """BibTeX key -> ("Rumelhart et al.", "1986") for the entries of `folder`/references.bib (if there is one)."""
    bib = folder / "references.bib"
    if not bib.is_file():
        return {}
    found = {}
    for key, entry in parse_file(str(bib)).entries.items():
        last = [" ".join(person.last_names) for person in entry.persons.get("author", [])]
        names = last[0] if len(last) == 1 else " and ".join(last) if len(last) == 2 else f"{last[0]} et al."
        found[key] = (names, entry.fields.get("year", "n.d."), link(folder / "references.md", here or folder))
    return found


def figure_cells(cells: list[dict]) -> dict[str, int]:
    """Figure name -> index of the code cell that draws it (``mystnb: figure: name:`` in the cell's metadata)."""
    found = {}
    for index, cell in enumerate(cells):
        figure = cell.get("metadata", {}).get("mystnb", {}).get("figure", {})
        if cell["cell_type"] == "code" and isinstance(figure, dict) and figure.get("name"):
            found[figure["name"]] = index
    return found


def reading_view(
    source: str,
    here: str,
    sections: dict[str, tuple[str, str]],
    works: dict[str, tuple[str, str]] | None = None,
    figures: dict[str, int] | None = None,
    position: int = 0,
    targets: dict[str, tuple[str, str, str]] | None = None,
) -> str:
    """The Markdown cell `source` (cell number `position`) of the file named `here`, as the reader sees it.

    `sections` comes from :func:`section_titles`, `works` from :func:`authors_and_years`, `figures` from
    :func:`figure_cells`, `targets` from :func:`other_targets`; a role they do not resolve is left to
    jupyterlab-myst.
    """

    def elsewhere(match: re.Match) -> str:
        target = (targets or {}).get(match.group(2).strip())
        if target is None or target[0] == here or match.group(2).strip() in sections:
            return match.group(0)
        file, chapter, kind = target
        return f"[the {kind} `{match.group(2).strip()}` of *{chapter}*]({file})"

    def figure(match: re.Match) -> str:
        index = (figures or {}).get(match.group(1).strip())
        if index is None:
            return match.group(0)
        before = source[: match.start()].rstrip()
        start = not before or before[-1] in ".!?" or source[: match.start()].endswith("\n\n")
        return ("The" if start else "the") + (" figure below" if index > position else " figure above")

    def ref(match: re.Match) -> str:
        label = match.group(1).strip()
        target = sections.get(label)
        if target is None or target[0] == here:
            return match.group(0)  # in this chapter (or unknown): jupyterlab-myst resolves or flags it
        return f"[{target[1]}]({target[0]})"

    source = GLUE_BLOCK.sub(
        lambda m: f"*(On the book's web page, the text computed by the code above (`{m.group(1)}`) appears here.)*",
        source,
    )
    source = GLUE_ROLE.sub(
        lambda m: f"{{abbr}}`⟨{m.group(1)}⟩ (computed by a code cell of this chapter and shown on the book's page)`",
        source,
    )

    def cite(match: re.Match) -> str:
        keys = [key.strip() for key in match.group(2).split(",")]
        if works is None or not all(key in works for key in keys):
            return match.group(0)
        if match.group(1) == "t":
            text = "; ".join(f"{works[key][0]} ({works[key][1]})" for key in keys)
        else:
            text = "(" + "; ".join(f"{works[key][0]}, {works[key][1]}" for key in keys) + ")"
        return f"[{text}]({works[keys[0]][2]})"

    source = FIGURE_ROLE.sub(figure, source)
    source = ANY_ROLE.sub(elsewhere, source)
    source = CITE_ROLE.sub(cite, source)
    source = REF_ROLE.sub(ref, source)
    source = SOLUTION_DROPDOWN.sub(r"\1", source)
    source = SOLUTION_END.sub("*End of the solution.*", source)
    return RAW_HTML.sub("% (styling for the book's web page)\n", source)


def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else source


BaseManager = build_async_jupytext_contents_manager_class(AsyncLargeFileManager)


class ReadingViewContentsManager(BaseManager):
    """Jupytext's contents manager, with the reading view applied on open and undone on save."""

    def _book(self, path: str):
        """Sections, works and targets for the notebook at `path`: its own folder's chapters, or for a notebook
        outside the chapters (a downloaded .ipynb) the repository's book/ folder, linked relative to it."""
        here = Path(self.root_dir) / Path(path.strip("/")).parent
        folder = here if any(here.glob("*.md")) or not (Path(self.root_dir) / "book").is_dir() else None
        folder = folder or Path(self.root_dir) / "book"
        return section_titles(folder, here), authors_and_years(folder, here), other_targets(folder, here)

    async def get(self, path, content=True, type=None, format=None, **kwargs):
        model = await super().get(path, content=content, type=type, format=format, **kwargs)
        if model.get("type") == "notebook" and model.get("content"):
            sections, works, targets = self._book(path)
            figures = figure_cells(model["content"]["cells"])
            for position, cell in enumerate(model["content"]["cells"]):
                if cell["cell_type"] != "markdown":
                    continue
                original = _text(cell["source"])
                shown = reading_view(original, Path(path).name, sections, works, figures, position, targets)
                if shown != original:
                    cell["source"] = shown
                    cell["metadata"][ORIGINAL] = original
        return model

    async def save(self, model, path=""):
        if model.get("type") == "notebook" and model.get("content"):
            sections, works, targets = self._book(path)
            figures = figure_cells(model["content"]["cells"])
            for position, cell in enumerate(model["content"]["cells"]):
                original = cell.get("metadata", {}).pop(ORIGINAL, None)
                unchanged = original is not None and _text(cell["source"]) == reading_view(
                    original, Path(path).name, sections, works, figures, position, targets
                )
                if unchanged:
                    cell["source"] = original  # unchanged by the reader: keep the chapter's own source
            if Path(path).suffix == ".md" and await self._same_cells_on_disk(model["content"], path):
                # Nothing the reader can see changed (autosave after a run, kernel metadata): leave the chapter's
                # file alone instead of letting Jupytext rewrite it in its own formatting.
                return await super().get(path, content=False)
        return await super().save(model, path)

    async def _same_cells_on_disk(self, notebook, path) -> bool:
        if not await self.file_exists(path):
            return False
        disk = (await super().get(path, content=True, type="notebook"))["content"]

        def cells(nb):
            return [(c["cell_type"], _text(c["source"])) for c in nb["cells"]]

        return cells(disk) == cells(notebook)
