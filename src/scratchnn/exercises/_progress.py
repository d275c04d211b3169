"""Your progress outside the page: the table of every exercise of the book, and moving records between places.

:func:`progress` shows every exercise of the book by chapter with its state: not tried, the mistake the checker
named, or passed. The records are those of :mod:`._recording` (a JSON file in your data directory). A file that
the book's "Your progress" page exported can be merged in with :func:`import_progress`, and
:func:`export_progress` writes a file that page can import: both use the same format.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from . import _recording

STATE_WORDS = {None: "not tried", "passed": "passed", "failed": "mistake"}


@dataclass(frozen=True)
class Progress:
    """The state of every exercise of the book (``rows``: chapter, label, checker, state, diagnosis, time)."""

    rows: tuple[tuple[str, str, str, str, str, str], ...]
    source: str

    @property
    def passed(self) -> tuple[str, ...]:
        return tuple(row[1] for row in self.rows if row[3] == "passed")

    def state(self, label: str) -> str:
        for row in self.rows:
            if row[1] == label:
                return row[3] if not row[4] else f"{row[3]} ({row[4]})"
        raise KeyError(f"progress: no exercise labelled {label!r} in the book")

    def __repr__(self) -> str:
        widths = [max(len(row[i]) for row in self.rows) for i in range(4)] if self.rows else [0] * 4
        lines = [f"Your progress ({self.source}): {len(self.passed)} of {self._checked()} checked exercises passed"]
        for chapter, label, checker, state, diagnosis, time in self.rows:
            status = f"{state}: {diagnosis}" if diagnosis else state
            lines.append(
                f"  {chapter:<{widths[0]}}  {label:<{widths[1]}}  {checker:<{widths[2]}}  {status}"
                + (f"  ({time})" if time else "")
            )
        return "\n".join(lines)

    def _checked(self) -> int:
        return sum(1 for row in self.rows if row[2] != "-")

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{h}</th>" for h in ("chapter", "exercise", "checker", "state", "when"))
        body = []
        for chapter, label, checker, state, diagnosis, time in self.rows:
            status = f"{state}: {diagnosis}" if diagnosis else state
            cells = (chapter, label, checker, status, time)
            body.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
        caption = (
            f"Your progress ({html.escape(self.source)}): {len(self.passed)} of {self._checked()} checked "
            "exercises passed"
        )
        rows = "".join(body)
        return f"<table><caption>{caption}</caption><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _merge(mine: dict, theirs: dict) -> dict:
    """Per exercise, the newer record wins (ISO times compare as strings)."""
    merged = dict(mine["exercises"])
    for label, item in theirs["exercises"].items():
        if not isinstance(item, dict):
            continue
        if label not in merged or str(item.get("time", "")) > str(merged[label].get("time", "")):
            merged[label] = item
    return {**_recording.empty(), "exercises": merged}


def progress(file: str | Path | None = None) -> Progress:
    """The state of every exercise of the book, from your records (or from ``file``, e.g. one the page exported).

    Shows as a table in a notebook. Exercises answered in words have no checker and stay "not tried".
    """
    path = Path(file) if file is not None else _recording.progress_file()
    records = _recording.read(path)["exercises"]
    rows = []
    for page in _recording.catalogue()["pages"]:
        for ex in page["exercises"]:
            item = records.get(ex["label"], {})
            state = STATE_WORDS.get(item.get("state"), "not tried") if ex["checker"] else "answered in words"
            if item.get("changed") and state == "passed":
                state = "changed since it passed"
            rows.append(
                (
                    page["title"],
                    ex["label"],
                    ex["checker"] or "-",
                    state,
                    item.get("diagnosis") or "",
                    str(item.get("time", "")),
                )
            )
    return Progress(tuple(rows), str(path))


def import_progress(file: str | Path) -> Progress:
    """Merge a progress file (for example one exported from the book's page) into your records."""
    theirs = _recording.read(Path(file))
    target = _recording.progress_file()
    _recording.write(target, _merge(_recording.read(target), theirs))
    return progress()


def export_progress(file: str | Path) -> Path:
    """Write your records to ``file``, which the book's "Your progress" page can import."""
    path = Path(file)
    _recording.write(path, _recording.read(_recording.progress_file()))
    return path
