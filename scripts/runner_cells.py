"""The code of every chapter, for the in-page runner: one JSON file per notebook page, written after the build.

    _build/html/_static/vendor/runner/cells/<page>.json   (e.g. .../cells/book/04_training.json)

The page shows only some of its code cells (a cell tagged ``remove-cell`` is not in the HTML), but the reader's
Python session must run all of them, in the book's order, to reach the same state (the same random draws, the
same names). So the runner fetches this file on the first Run and takes the code from it; each entry says
whether the cell is on the page (``shown``, in the order of the page's ``div.cell`` elements) and whether it
can run in a browser at all (tag ``no-browser``: the page then says so on that cell and skips it).

Data files the chapters read (``DATA_FILES``, relative to the project) travel in the same JSON when a cell
names them; the runner writes them into the browser's Python file system, at the same place relative to the
chapter's folder as in the project.
"""

from __future__ import annotations

import json
from pathlib import Path

NO_BROWSER_TAG = "no-browser"
DATA_FILES = ["benchmarks/results.json"]


def page_cells(notebook: dict, project: Path) -> dict:
    """``{"cells": [...], "files": {...}}`` for one executed notebook (nbformat 4, as a dict)."""
    cells = []
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        tags = cell.get("metadata", {}).get("tags", [])
        cells.append(
            {
                "source": source,
                "shown": "remove-cell" not in tags,
                "browser": NO_BROWSER_TAG not in tags,
                "tags": tags,
            }
        )
    files = {
        name: (project / name).read_text(encoding="utf-8")
        for name in DATA_FILES
        if any(name in cell["source"] for cell in cells)
    }
    return {"cells": cells, "files": files}


def write_cells(project: Path, executed: Path, html: Path) -> list[Path]:
    """Write one JSON per executed notebook of ``executed`` into the built site; return the files written."""
    out_dir = html / "_static" / "vendor" / "runner" / "cells"
    written = []
    for notebook_path in sorted(executed.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in notebook_path.parts:
            continue
        notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
        target = out_dir / notebook_path.relative_to(executed).with_suffix(".json")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(page_cells(notebook, project), ensure_ascii=False), encoding="utf-8")
        written.append(target)
    return written
