"""Input validation shared by the package: every error names the argument, the bad value and what was expected.

Introduced in chapter `bughunt` (the package's clear errors).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def _describe(value) -> str:
    """A short description of a value for an error message."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    return f"{value!r} (type {type(value).__name__})"


def as_float_matrix(X, name: str = "X", *, n_features: int | None = None, expected_by: str | None = None) -> np.ndarray:
    """Return `X` as a finite, non-empty float64 array of shape (N, D), or raise with a clear message.

    `expected_by` says where `n_features` comes from (e.g. "params['W1'] has shape (3, 4)") for the message.
    """
    if isinstance(X, (str, bytes)) or X is None:
        raise TypeError(f"{name} must be a 2-D array of numbers; got {_describe(X)}")
    if np.iscomplexobj(X):
        raise TypeError(
            f"{name} must hold real numbers; got complex values ({_describe(np.asarray(X))}). "
            f"Pass {name}.real if the imaginary parts are meant to be dropped."
        )
    try:
        arr = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a 2-D array of numbers; got {_describe(X)}") from exc
    if arr.ndim != 2:
        raise ValueError(
            f"{name} must be 2-D with shape (N, D): one row per sample; got ndim={arr.ndim}, shape {arr.shape}"
        )
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} must not be empty; got shape {arr.shape}")
    if n_features is not None and arr.shape[1] != n_features:
        source = f"{expected_by}, so the network expects" if expected_by else "the network expects"
        raise ValueError(
            f"{name} has {arr.shape[1]} features (shape {arr.shape}) but {source} D={n_features} features per row"
        )
    if not np.isfinite(arr).all():
        bad = np.argwhere(~np.isfinite(arr))[0]
        raise ValueError(
            f"{name} must contain only finite numbers; found {arr[tuple(bad)]} at index {tuple(bad.tolist())}"
        )
    return arr


def as_targets(y, n_classes: int, name: str = "y", *, n_samples: int | None = None) -> np.ndarray:
    """Return the one-hot target matrix T of shape (N, K) for integer labels (N,) or one-hot rows (N, K)."""
    if isinstance(y, (str, bytes)) or y is None:
        raise TypeError(f"{name} must be integer labels of shape (N,) or one-hot rows (N, K); got {_describe(y)}")
    arr = np.asarray(y)
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty; got shape {arr.shape}")
    if n_samples is not None and arr.ndim in (1, 2) and arr.shape[0] != n_samples:
        raise ValueError(
            f"{name} has {arr.shape[0]} rows (shape {arr.shape}) but X has N={n_samples}: "
            "one label per row of X is expected"
        )
    if arr.ndim == 1:
        labels = as_labels(arr, name, n_classes=n_classes)
        T = np.zeros((labels.shape[0], n_classes))
        T[np.arange(labels.shape[0]), labels] = 1.0
        return T
    if arr.ndim == 2:
        if arr.shape[1] != n_classes:
            raise ValueError(
                f"{name} looks one-hot with {arr.shape[1]} columns (shape {arr.shape}) "
                f"but there are K={n_classes} classes"
            )
        if not np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.complexfloating):
            raise TypeError(f"one-hot {name} must hold real numbers; got dtype {arr.dtype}")
        T = arr.astype(np.float64)
        if not np.isfinite(T).all() or (T < 0).any() or (T > 1).any():
            raise ValueError(f"one-hot {name} must hold values in [0, 1]; got values from {T.min()} to {T.max()}")
        sums = T.sum(axis=1)
        bad = np.flatnonzero(np.abs(sums - 1.0) > 1e-8)
        if bad.size:
            raise ValueError(
                f"each row of one-hot {name} must sum to 1; row {bad[0]} sums to {sums[bad[0]]} "
                f"({bad.size} bad rows in all)"
            )
        return T
    raise ValueError(
        f"{name} must be integer labels of shape (N,) or one-hot rows (N, K); got ndim={arr.ndim}, shape {arr.shape}"
    )


def as_labels(y, name: str = "y", *, n_classes: int | None = None, n_samples: int | None = None) -> np.ndarray:
    """Return `y` as a 1-D array of class labels in [0, n_classes), or raise with a clear message.

    The labels are np.intp, the platform's index integer (int64; int32 in the browser's WebAssembly Python), the
    type np.bincount and indexing accept everywhere."""
    arr = np.asarray(y)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D integer labels of shape (N,); got ndim={arr.ndim}, shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty; got shape {arr.shape}")
    if n_samples is not None and arr.shape[0] != n_samples:
        raise ValueError(
            f"{name} has {arr.shape[0]} labels (shape {arr.shape}) but X has N={n_samples} rows: "
            "one label per row of X is expected"
        )
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(
            f"{name} must hold integer class labels; got dtype {arr.dtype} (first value {arr.flat[0]!r}). "
            "Convert with y.astype(int) if the values are whole numbers."
        )
    if n_classes is not None:
        bad = np.flatnonzero((arr < 0) | (arr >= n_classes))
        if bad.size:
            raise ValueError(
                f"{name} labels must be integers in [0, {n_classes}) for K={n_classes} classes; "
                f"got {arr[bad[0]]} at index {bad[0]}"
            )
    return arr.astype(np.intp, copy=False)


def positive_int(value, name: str) -> int:
    """Return `value` as an int >= 1, or raise with a clear message."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer >= 1; got {_describe(value)}")
    if value < 1:
        raise ValueError(f"{name} must be an integer >= 1; got {value}")
    return int(value)


def positive_float(value, name: str) -> float:
    """Return `value` as a finite float > 0, or raise with a clear message."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a finite number > 0; got {_describe(value)}")
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0; got {value}")
    return value


def choice(value, name: str, valid: Sequence[str]) -> str:
    """Return `value` if it is one of `valid`, or raise naming the valid options."""
    if not isinstance(value, str) or value not in valid:
        options = ", ".join(repr(v) for v in valid)
        raise ValueError(f"unknown {name} {value!r}; expected one of {options}")
    return value


def rng_from(seed, name: str = "seed") -> np.random.Generator:
    """Return ``np.random.default_rng(seed)`` for an int >= 0, None or a NumPy generator; else raise naming `name`."""
    valid = (np.random.Generator, np.random.BitGenerator, np.random.SeedSequence)
    if seed is None or isinstance(seed, valid):
        return np.random.default_rng(seed)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"{name} must be an integer >= 0 or a numpy.random.Generator; got {_describe(seed)}")
    if seed < 0:
        raise ValueError(f"{name} must be an integer >= 0; got {seed}")
    return np.random.default_rng(int(seed))
