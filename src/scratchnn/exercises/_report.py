"""What a checker reports: one table row per output, the diagnoses, and the hints for them.

A checker runs the learner's function (``_run``), compares each output with the reference (``_compare``, one
:class:`Row` each) and collects the diagnoses recognised from the outputs; :class:`CheckResult` shows all of it,
with the hint of each diagnosis from ``_hints``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np

from ..widgets.verdict import PASS_COLOUR, TEXT_ORANGE
from ._hints import CODES, HINTS, wrap

__all__ = ["CODES", "HINTS", "CheckResult", "Row", "make_result"]


@dataclass(frozen=True)
class Row:
    """One output of the learner's function compared with the reference."""

    output: str
    expected_shape: tuple | None
    shape: tuple | None
    error_reference: float | None
    error_numeric: float | None
    verdict: str  # "ok", "wrong" or "not run"
    code: str | None = None  # why it is wrong before its values are compared: wrong-type, -shape or -dtype
    note: str | None = None  # that reason in words

    @property
    def part_cells(self) -> tuple[str, ...]:
        return (self.output, _format_error(self.error_reference), self.verdict)

    @property
    def cells(self) -> tuple[str, ...]:
        shape_ok = "-" if self.shape is None else ("yes" if self.shape == self.expected_shape else f"no, {self.shape}")
        return (
            self.output,
            "-" if self.expected_shape is None else str(self.expected_shape),
            shape_ok,
            _format_error(self.error_reference),
            _format_error(self.error_numeric),
            self.verdict,
        )


HEADER = ("output", "expected shape", "shape ok?", "rel. error vs reference", "vs finite differences", "verdict")
PART_HEADER = ("part", "worst rel. error vs reference", "verdict")


def _format_error(error: float | None) -> str:
    if error is None:
        return "-"
    if not np.isfinite(error):
        return "nan"
    return f"{error:.1e}"


@dataclass
class CheckResult:
    """The verdict of a checker: ``passed``, the diagnosis codes, and a table of every output.

    Attributes
    ----------
    name : str
        The checker that made it, e.g. ``"check_backward"``.
    passed : bool
        True when every output matches the reference and nothing was diagnosed.
    diagnoses : tuple of str
        Codes from :data:`CODES`, each recognised from what the function returned; empty when it passed.
    rows : tuple of Row
        One per output: its shape, relative errors and verdict.
    messages : tuple of str
        Specific findings (an error and the line that raised it, which case failed, ...).

    Printing the result, or leaving it as the last line of a notebook cell, shows the table and one hint per
    diagnosis. ``hint()`` prints the hints one at a time instead.
    """

    name: str
    rows: tuple[Row, ...]
    diagnoses: tuple[str, ...]
    messages: tuple[str, ...] = ()
    hints: tuple[str, ...] | None = None  # the hint ladder; by default one hint per diagnosis
    show_hints: bool = True  # False: the report only says how many hints there are (the bug hunt)
    _shown: int = field(default=0, repr=False, compare=False)

    @property
    def passed(self) -> bool:
        return not self.diagnoses and all(row.verdict == "ok" for row in self.rows)

    def _hint_list(self) -> tuple[str, ...]:
        return self.hints if self.hints is not None else tuple(f"{code}: {HINTS[code]}" for code in self.diagnoses)

    def hint(self) -> None:
        """Print the next hint (the first call the first hint, and so on); state is kept in this result object."""
        hints = self._hint_list()
        if not hints:
            print("No hints: this check passed." if self.passed else "No more hints.")
            return
        if self._shown >= len(hints):
            print(f"No more hints: all {len(hints)} were shown. Print the result to see them all.")
            return
        self._shown += 1
        print(wrap(f"Hint {self._shown} of {len(hints)}: {hints[self._shown - 1]}"))

    def _verdict_line(self) -> str:
        if self.passed:
            return f"{self.name}: passed."
        if not self.show_hints:
            wrong = sum(row.verdict != "ok" for row in self.rows)
            return f"{self.name}: not yet: {wrong} of {len(self.rows)} parts fail."
        return f"{self.name}: not yet. Diagnoses: {', '.join(self.diagnoses) or 'none'}."

    def _footer(self) -> list[str]:
        if self.show_hints:
            return [wrap(f"- {code}: {HINTS[code]}") for code in self.diagnoses]
        n = len(self._hint_list())
        if not n:
            return []
        return [f"{n} hint{'s' if n != 1 else ''} available: call .hint() on this result for one at a time."]

    def _table(self) -> list[tuple[str, ...]]:
        if self.show_hints:
            return [HEADER, *(row.cells for row in self.rows)]
        return [PART_HEADER, *(row.part_cells for row in self.rows)]

    def __str__(self) -> str:
        table = self._table()
        widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
        lines = ["  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip() for line in table]
        lines.insert(1, "  ".join("-" * w for w in widths))
        messages = [wrap(m) for m in self.messages]
        return "\n".join([self._verdict_line(), *lines, *messages, *self._footer()])

    __repr__ = __str__

    def _repr_html_(self) -> str:
        esc = html.escape
        header, *lines = self._table()
        head = "".join(f"<th>{esc(c)}</th>" for c in header)
        body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in line) + "</tr>" for line in lines)
        # Dark shades of the course's green and orange: 4.5:1 or more on white and on the dark theme's output
        # panel (the verdict's first word, "passed" or "not yet", carries the meaning; colour only repeats it).
        colour = PASS_COLOUR if self.passed else TEXT_ORANGE
        footer = [f"{c}: {HINTS[c]}" for c in self.diagnoses] if self.show_hints else self._footer()
        notes = "".join(f"<li>{esc(m)}</li>" for m in [*self.messages, *footer])
        return (
            f'<div class="scratchnn-check"><p style="color:{colour};font-weight:bold">{esc(self._verdict_line())}'
            f"</p><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            + (f"<ul>{notes}</ul>" if notes else "")
            + "</div>"
        )


def make_result(name: str, rows, diagnoses, messages=()) -> CheckResult:
    """A :class:`CheckResult` with the diagnoses deduplicated, in the order of :data:`CODES`; a wrong row with no
    recognised cause adds ``other``."""
    found = set(diagnoses)
    if found - {"exception", "not-implemented", "other"}:
        found.discard("exception")  # a recognised mistake explains the error (its message stays in `messages`)
    if not found - {"changed-input"} and any(row.verdict != "ok" for row in rows):  # wrong values, unexplained
        found.add("other")
    return CheckResult(name, tuple(rows), tuple(c for c in CODES if c in found), tuple(dict.fromkeys(messages)))
