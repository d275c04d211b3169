"""Comparing the learner's outputs with the reference, in a fixed order: type, then shape, then dtype, then values.

Each step has its own diagnosis and message (``wrong-type``, ``wrong-shape``, ``wrong-dtype``); only an
output that passes the first three is compared by value, by its relative error ||a - b|| / (||a|| + ||b||).
"""

from __future__ import annotations

import numpy as np

from ._report import Row

__all__ = [
    "NONE_MESSAGE",
    "as_array",
    "merge_rows",
    "not_run",
    "recognise",
    "rel_error",
    "row",
    "same",
    "same_or_both_nan",
    "unpack",
    "unpack_message",
]

NONE_MESSAGE = "Your function returned None: is its `return` line missing?"

TOLERANCE = 1e-7  # relative error below which a float64 output counts as equal to the reference
TOLERANCE_32 = 1e-5  # the same for an output computed in float32 (about 7 significant digits)


def as_array(value) -> np.ndarray | None:
    """The learner's output as an array of real numbers (float32 stays float32), or None when it is not one."""
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        return None
    if arr.dtype.kind not in "biuf" or arr.dtype == np.float16:
        return None
    return arr if arr.dtype in (np.float32, np.float64) else arr.astype(np.float64)


def _tolerance(a: np.ndarray) -> float:
    return TOLERANCE_32 if a.dtype == np.float32 else TOLERANCE


def rel_error(a: np.ndarray | None, b: np.ndarray) -> float | None:
    """Relative error ||a - b|| / (||a|| + ||b||), nan if `a` is not finite, None if the shapes differ."""
    if a is None or a.shape != b.shape:
        return None
    a = a.astype(np.float64)
    if not np.isfinite(a).all():
        return float("nan")
    with np.errstate(all="ignore"):
        scale = np.linalg.norm(a) + np.linalg.norm(b)
        return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)


def same(a: np.ndarray | None, b: np.ndarray) -> bool:
    """True when `a` equals `b` up to the rounding of `a`'s precision."""
    err = rel_error(a, b)
    return err is not None and a is not None and err < _tolerance(a)


def same_or_both_nan(a: np.ndarray | None, b: np.ndarray) -> bool:
    """True when `a` and `b` are not finite in the same places and equal elsewhere (a variant's nan pattern)."""
    if a is None or a.shape != b.shape:
        return False
    bad_a, bad_b = ~np.isfinite(a), ~np.isfinite(b)
    if not bad_a.any() or not np.array_equal(bad_a, bad_b):
        return False
    return same(a[~bad_a], b[~bad_b])


def _raw(value) -> np.ndarray | None:
    """``np.asarray(value)``, or None for None, a dict, a string or what NumPy cannot make an array of."""
    if value is None or isinstance(value, (dict, str, bytes)):
        return None
    try:
        return np.asarray(value)
    except (TypeError, ValueError):
        return None


def _describe(value) -> str:
    kind = type(value).__name__
    if isinstance(value, (tuple, list)):
        kind += f" of length {len(value)}"
    return f"a {kind}"


def row(output: str, value, expected: np.ndarray, numeric: np.ndarray | None = None, name: str = "") -> Row:
    """Compare one output with its reference (and with finite differences, for gradients): type, shape, dtype,
    then values. The row's ``code`` and ``note`` say which of the first three failed, if one did; the note calls
    the output `name` (by default the row's label without its case)."""
    arr = as_array(value)
    name = name or output.split(" [")[0]
    code, note = None, None
    raw = _raw(value)
    if value is None:
        code, note = "wrong-type", NONE_MESSAGE
    elif raw is None or raw.dtype.kind not in "biufc":
        code, note = "wrong-type", f"{name} is {_describe(value)}, not an array of numbers."
    elif raw.shape != expected.shape and arr is not None and _is_transpose(arr, expected):
        code, note = "transposed", f"{name} has shape {raw.shape}, the transpose of the expected {expected.shape}."
    elif raw.shape != expected.shape:
        code, note = "wrong-shape", f"{name} has shape {raw.shape}; expected {expected.shape}."
    elif arr is None or raw.dtype.kind in "biuc":
        code = "wrong-dtype"
        note = f"{name} has dtype {raw.dtype}; expected floating-point numbers (float64, or float32)."
    shape = None if raw is None or raw.dtype.kind not in "biufc" else raw.shape
    err = rel_error(arr, expected) if code != "wrong-type" else None
    err_num = None if numeric is None or code == "wrong-type" else rel_error(arr, numeric)
    ok = code is None and same(arr, expected) and (numeric is None or (err_num is not None and err_num < 1e-5))
    return Row(output, expected.shape, shape, err, err_num, "ok" if ok else "wrong", code, note)


def _is_transpose(arr: np.ndarray, expected: np.ndarray) -> bool:
    return arr.ndim == 2 and arr.T.shape == expected.shape and (same(arr.T, expected) or same(arr.T, -expected))


def not_run(output: str, expected_shape: tuple) -> Row:
    return Row(output, expected_shape, None, None, None, "not run")


def merge_rows(rows_per_case: list[list[Row]]) -> list[Row]:
    """One row per output over several cases: the worst error, and 'ok' only if every case was ok."""
    merged = []
    for same_output in zip(*rows_per_case, strict=True):
        ran = [r for r in same_output if r.verdict != "not run"]
        if not ran:
            first = same_output[0]
            merged.append(Row(first.output.split(" [")[0], first.expected_shape, None, None, None, "not run"))
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


def unpack(value, n: int) -> tuple | None:
    """The learner's `n` outputs from any sequence of length `n` (tuple, list, ...), or None."""
    if isinstance(value, (str, bytes, dict, np.ndarray)) or value is None:
        return None
    try:
        items = tuple(value)
    except TypeError:
        return None
    return items if len(items) == n else None


def unpack_message(value, n: int, names: str) -> tuple[str, str]:
    """The code and message for a return value that is not `n` outputs."""
    if value is None:
        return "wrong-type", NONE_MESSAGE
    if isinstance(value, (tuple, list)):
        return "wrong-shape", f"Your function must return {n} outputs ({names}); it returned {_describe(value)}."
    return "wrong-type", f"Your function must return {n} outputs ({names}); it returned {_describe(value)}."
