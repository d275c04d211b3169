"""Running the learner's function safely: its value, or its error named by the learner's own line.

:func:`call` never lets an exception escape. It runs the function with NumPy's floating-point errors ignored,
as in the browser (Pyodide raises no floating-point flags), so that no verdict depends on them; an overflow is
recognised instead from values and from the inputs ``np.exp`` receives (:class:`ExpWatch`).
"""

from __future__ import annotations

import os
import sysconfig
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["Call", "call", "case_message", "check_callable", "error_codes", "learner_line"]

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
    exp_max: float | None = None  # the largest number np.exp received above its overflow limit, if any

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def overflowed(self) -> bool:
        """True when np.exp received a number it cannot represent the exponential of, or math.exp overflowed."""
        return self.exp_max is not None or isinstance(self.error, OverflowError)

    @property
    def overflow_message(self) -> str:
        if self.exp_max is None:
            return ""
        return f"np.exp received {self.exp_max:.4g}; it overflows to inf above about 709.8 (88.7 for float32)."


class ExpWatch:
    """While active, ``np.exp`` notes the largest input above its overflow limit, then computes as usual.

    The check reads the inputs, not NumPy's floating-point flags, so it gives the same answer in the browser.
    """

    def __init__(self) -> None:
        self.worst: float | None = None
        self._exp = np.exp

    def _watched(self, x, *args, **kwargs):
        try:
            arr = np.asarray(x)
            if arr.size and arr.dtype.kind in "fiu":
                kind = arr.dtype if arr.dtype.kind == "f" else np.dtype(np.float64)
                big = arr[arr > np.log(np.finfo(kind).max)]
                if big.size:
                    top = float(big.max())
                    self.worst = top if self.worst is None else max(self.worst, top)
        except Exception:  # whatever the input is, np.exp itself decides what happens to it
            pass
        return self._exp(x, *args, **kwargs)

    def __enter__(self) -> ExpWatch:
        np.exp = self._watched
        return self

    def __exit__(self, *exc) -> None:
        np.exp = self._exp


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
    """Call ``fn(*args, **kwargs)`` quietly: its value or its exception, and what np.exp received."""
    watch = ExpWatch()
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"), watch:
            warnings.simplefilter("ignore")
            value = fn(*args, **kwargs)
    except NotImplementedError as exc:
        return Call(error=exc, message="Not implemented yet: your function raised NotImplementedError.")
    except Exception as exc:
        first = (str(exc).splitlines() or [""])[0][:300]
        where = learner_line(exc)
        message = f"Your function raised {type(exc).__name__}: {first}" + (f" ({where})" if where else "")
        return Call(error=exc, message=message, exp_max=watch.worst)
    return Call(value=value, exp_max=watch.worst)


def case_message(label: str, c: Call) -> str:
    """The message of a call that raised, prefixed with its case (not for a stub: that says the same on every
    case)."""
    return c.message if isinstance(c.error, NotImplementedError) else f"On the case {label}: {c.message}"


def error_codes(c: Call) -> list[str]:
    """The diagnosis for a call that raised: ``not-implemented``, ``overflow`` (math.exp) or ``exception``."""
    if c.ok:
        return []
    if isinstance(c.error, NotImplementedError):
        return ["not-implemented"]
    return ["overflow"] if isinstance(c.error, OverflowError) else ["exception"]


def check_callable(fn, name: str = "fn") -> None:
    """Raise a TypeError naming the argument when the learner passes something that cannot be called."""
    if not callable(fn):
        raise TypeError(f"{name} must be your function (a callable), e.g. check(my_function); got {fn!r}")
