"""What a checker reports: the diagnosis codes, the result table, and running the learner's function safely.

A checker calls the learner's function through :func:`call` (which never lets an exception escape: it becomes
a short message naming the learner's own line), compares each output with :func:`compare` (one table row per
output), and collects diagnoses recognised from the outputs. :class:`CheckResult` shows all of it.
"""

from __future__ import annotations

import html
import os
import sysconfig
import textwrap
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..widgets.verdict import PASS_COLOUR, TEXT_ORANGE

# Every diagnosis a checker can give, in the order reports list them, with its plain-words hint.
HINTS: dict[str, str] = {
    "not-implemented": "The function still raises NotImplementedError: replace that line with your code.",
    "exception": "Your function raised an error (see the line above); fix that line first.",
    "wrong-shape": "An output does not have the shape in the table: compare your shapes with the docstring "
    "(rows are samples; W is (D, M), V is (M, K)).",
    "transposed": "An output is the transpose of the right one: swap the order of the matrix product "
    "(for example Z.T @ dA, not dA.T @ Z).",
    "wrong-axis": "The rows of your softmax do not sum to 1, its columns do: sum over axis=1 (each sample's "
    "classes), with keepdims=True.",
    "summed-not-mean": "Your result is exactly N times the reference: you summed over the N samples where the "
    "course uses the mean. Divide by N (dJ/dA = (Y - T) / N).",
    "sign-flipped": "Your result is the reference times -1: check T - Y against Y - T, the sign of log, "
    "and + against - in the update (the course descends the loss J).",
    "missing-sum-over-k": "Your hidden-layer gradient multiplies the error of the layer above element-wise by "
    "Z * (1 - Z), as in (Y - T) * Z * (1 - Z): it drops the sum over the units above (the classes k) and their "
    "weights. Backpropagate through the weights first: ((Y - T) @ V.T) * Z * (1 - Z).",
    "wrong-bias": "The hidden bias b is used where the output bias c belongs (shapes agree only because M == K): "
    "the logits are Z @ V + c.",
    "overflow": "NaN or inf (or an overflow warning) for large inputs: np.exp overflows above about 709. "
    "For the softmax subtract each row's maximum first; for the sigmoid only ever exponentiate -|a|.",
    "log-of-zero": "NaN or inf when a probability is exactly 0: 0 * log(0) is nan. Take the log only of the "
    "probability of the right class, e.g. np.log(Y[T == 1]), or compute the loss from the logits.",
    "stale-weights": "W1 was updated with a gradient computed from the already-updated W2: compute every "
    "gradient first, then update every parameter.",
    "stale-velocity": "The parameters moved by the old velocity: update v = beta * v + g first, then theta with "
    "the new v.",
    "no-bias-correction": "Adam without bias correction: divide m by (1 - beta1**t) and s by (1 - beta2**t) "
    "before the step (t counts from 1).",
    "no-seed": "Two identical calls gave different results: draw the random numbers from "
    "np.random.default_rng(seed) so that every run starts the same.",
    "not-converged": "The cost falls, but the accuracy stays below the target: the steps are too small. "
    "With the mean loss a learning rate between about 0.1 and 3 trains the clouds in a few hundred epochs.",
    "other": "Some output differs from the reference in a way this checker does not recognise: compare your "
    "formula with the chapter's, term by term, on a small example.",
}

CODES = tuple(HINTS)

WIDTH = 100  # printed reports and hints are wrapped to this many characters


def wrap(text: str) -> str:
    """`text` wrapped to WIDTH characters, continuation lines indented, words (and code) never split."""
    return textwrap.fill(text, WIDTH, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False)


NONE_MESSAGE = "Your function returned None: is its `return` line missing?"

TOLERANCE = 1e-7  # relative error below which an output counts as equal to the reference (float64 rounding)


@dataclass(frozen=True)
class Row:
    """One output of the learner's function compared with the reference."""

    output: str
    expected_shape: tuple | None
    shape: tuple | None
    error_reference: float | None
    error_numeric: float | None
    verdict: str  # "ok", "wrong" or "not run"

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
    if not found and any(row.verdict != "ok" for row in rows):
        found.add("other")
    return CheckResult(name, tuple(rows), tuple(c for c in CODES if c in found), tuple(dict.fromkeys(messages)))


# ---- running the learner's function -------------------------------------------------------------------------

_LIBRARY_DIRS = tuple(
    os.path.normcase(os.path.abspath(d))
    for d in (
        os.path.dirname(np.__file__),
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))),  # the scratchnn package
        sysconfig.get_paths()["stdlib"],
    )
)


def _is_library(filename: str) -> bool:
    path = os.path.normcase(os.path.abspath(filename))
    return path.startswith(_LIBRARY_DIRS)


@dataclass
class Call:
    """The outcome of one call of the learner's function."""

    value: object = None
    error: BaseException | None = None
    message: str = ""
    fp_events: frozenset = frozenset()  # NumPy floating-point events: "overflow", "invalid", "divide by zero"

    @property
    def ok(self) -> bool:
        return self.error is None


def learner_line(exc: BaseException) -> str:
    """``"in `fn`, line 7: dH = (Y - T) * Z"`` for the deepest frame of the traceback that is the learner's code."""
    frames = traceback.extract_tb(exc.__traceback__)[1:]  # the first frame is `call` itself
    own = [f for f in frames if not _is_library(f.filename)] or frames
    if not own:
        return ""

    def where(frame) -> str:
        code = f": {frame.line.strip()}" if frame.line else ""
        return f"`{frame.name}`, line {frame.lineno}{code}"

    text = f"in {where(own[-1])}"
    if len(own) > 1:
        text += f"; called from {where(own[-2])}"
    return text


def call(fn: Callable, *args, **kwargs) -> Call:
    """Call ``fn(*args, **kwargs)``: record its value, NumPy's floating-point events and any exception, quietly."""
    events: set[str] = set()

    def record(kind, _flag):
        events.add(kind)

    try:
        with warnings.catch_warnings(), np.errstate(all="call", under="ignore", call=record):
            warnings.simplefilter("ignore")
            value = fn(*args, **kwargs)
    except NotImplementedError as exc:
        return Call(error=exc, message="Not implemented yet: your function raised NotImplementedError.")
    except Exception as exc:
        first = (str(exc).splitlines() or [""])[0][:300]
        where = learner_line(exc)
        message = f"Your function raised {type(exc).__name__}: {first}" + (f" ({where})" if where else "")
        return Call(error=exc, message=message, fp_events=frozenset(events))
    return Call(value=value, fp_events=frozenset(events))


def error_codes(c: Call) -> list[str]:
    """The diagnosis for a call that raised: ``not-implemented`` or ``exception``."""
    if c.ok:
        return []
    return ["not-implemented"] if isinstance(c.error, NotImplementedError) else ["exception"]


# ---- comparing outputs ----------------------------------------------------------------------------------------


def as_array(value) -> np.ndarray | None:
    """The learner's output as a float64 array, or None when it is not an array of real numbers."""
    try:
        arr = np.asarray(value)
        if arr.dtype == object or np.iscomplexobj(arr) or not np.issubdtype(arr.dtype, np.number):
            return None
        return arr.astype(np.float64)
    except (TypeError, ValueError):
        return None


def rel_error(a: np.ndarray | None, b: np.ndarray) -> float | None:
    """Relative error ||a - b|| / (||a|| + ||b||), nan if `a` is not finite, None if the shapes differ."""
    if a is None or a.shape != b.shape:
        return None
    if not np.isfinite(a).all():
        return float("nan")
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)


def same(a: np.ndarray | None, b: np.ndarray) -> bool:
    """True when `a` equals `b` up to float64 rounding."""
    err = rel_error(a, b)
    return err is not None and err < TOLERANCE


def row(output: str, got, expected: np.ndarray, numeric: np.ndarray | None = None) -> Row:
    """Compare one output with its reference (and with finite differences, for gradients)."""
    arr = as_array(got)
    err = rel_error(arr, expected)
    err_num = None if numeric is None else rel_error(arr, numeric)
    ok = err is not None and err < TOLERANCE and (numeric is None or (err_num is not None and err_num < 1e-5))
    return Row(output, expected.shape, None if arr is None else arr.shape, err, err_num, "ok" if ok else "wrong")


def not_run(output: str, expected_shape: tuple) -> Row:
    return Row(output, expected_shape, None, None, None, "not run")


def merge_rows(rows_per_case: list[list[Row]]) -> list[Row]:
    """One row per output over several cases: the worst error, and 'ok' only if every case was ok."""
    merged = []
    for same_output in zip(*rows_per_case, strict=True):
        ran = [r for r in same_output if r.verdict != "not run"]
        if not ran:
            merged.append(same_output[0])
            continue
        bad_shape = next((r for r in ran if r.shape != r.expected_shape), ran[0])
        merged.append(
            Row(
                same_output[0].output.split(" [")[0],
                bad_shape.expected_shape,
                bad_shape.shape,
                _worst(r.error_reference for r in ran),
                _worst(r.error_numeric for r in ran),
                _merged_verdict([r.verdict for r in same_output]),
            )
        )
    return merged


def _merged_verdict(verdicts: list[str]) -> str:
    if "wrong" in verdicts:
        return "wrong"
    n_ok = verdicts.count("ok")
    return "ok" if n_ok == len(verdicts) else f"ok on {n_ok} of {len(verdicts)} cases"


def _worst(errors) -> float | None:
    errors = [e for e in errors if e is not None]
    if not errors:
        return None
    return float("nan") if any(not np.isfinite(e) for e in errors) else max(errors)


def scale_codes(got: np.ndarray | None, expected: np.ndarray, n: int) -> list[str] | None:
    """Codes for an output that is the reference times -1, N or -N (None if it is no such multiple)."""
    for factor, codes in ((1.0, []), (-1.0, ["sign-flipped"]), (n, ["summed-not-mean"])):
        if same(got, factor * expected):
            return codes
    if same(got, -n * expected):
        return ["summed-not-mean", "sign-flipped"]
    return None


def recognise(got: np.ndarray | None, expected: np.ndarray, n: int, variants=()) -> list[str]:
    """Codes explaining `got`: a multiple of the reference, its transpose, or a known-wrong variant (each
    ``(array, codes)``, also tried with the factors -1, N, -N); an empty list if it matches or nothing fits."""
    if got is None:
        return []
    found = scale_codes(got, expected, n)
    if found is not None:
        return found
    if got.ndim == 2 and got.shape == expected.T.shape and scale_codes(got.T, expected, n) is not None:
        return ["transposed", *scale_codes(got.T, expected, n)]
    for array, codes in variants:
        extra = scale_codes(got, array, n)
        if extra is not None:
            return [*codes, *extra]
    if got.shape != expected.shape:
        return ["wrong-shape"]
    return []


def check_callable(fn, name: str = "fn") -> None:
    """Raise a TypeError naming the argument when the learner passes something that cannot be called."""
    if not callable(fn):
        raise TypeError(f"{name} must be your function (a callable), e.g. check(my_function); got {fn!r}")


def unpack(value, n: int, names: str) -> tuple | None:
    """The learner's tuple of `n` outputs, or None if it returned something else."""
    if isinstance(value, (tuple, list)) and len(value) == n:
        return tuple(value)
    return None


def unpack_message(value, n: int, names: str) -> str:
    if value is None:
        return NONE_MESSAGE
    kind = type(value).__name__
    if isinstance(value, (tuple, list)):
        kind += f" of length {len(value)}"
    return f"Your function must return {n} outputs ({names}); it returned a {kind}."
