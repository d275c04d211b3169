"""Checkers for the forward pass: sigmoid, softmax, cross-entropy and the whole forward pass.

Each runs the learner's function on fixed cases (``np.random.default_rng`` with a fixed seed), compares every
output with the package's own function, and recognises the classic mistakes from what comes back.
"""

from __future__ import annotations

import numpy as np

from ..activations import sigmoid, softmax
from ._report import (
    NONE_MESSAGE,
    CheckResult,
    as_array,
    call,
    check_callable,
    error_codes,
    make_result,
    merge_rows,
    not_run,
    recognise,
    row,
    same,
    unpack,
    unpack_message,
)

__all__ = ["check_cross_entropy", "check_forward", "check_sigmoid", "check_softmax"]

LARGE = np.array([[1000.0, 0.0, -1000.0], [-800.0, 5.0, 710.0]])  # exp overflows above about 709.8


def _single(name: str, fn, cases, reference, variants) -> CheckResult:
    """A one-output checker: `cases` are ``(label, args)``; `variants(args)` lists ``(array, codes)``."""
    rows, codes, messages = [], [], []
    for label, args in cases:
        expected = reference(*args)
        c = call(fn, *(a.copy() for a in args))
        if not c.ok:
            rows.append(not_run(label, expected.shape))
            codes += error_codes(c)
            messages.append(c.message)
            continue
        got = as_array(c.value)
        r = row(label, got, expected)
        rows.append(r)
        if c.value is None:
            codes.append("wrong-shape")
            messages.append(NONE_MESSAGE)
            continue
        if "overflow" in c.fp_events:
            codes.append("overflow")
        if r.verdict != "ok":
            if got is not None and got.shape == expected.shape and not np.isfinite(got).all():
                codes.append("overflow")
            else:
                codes += recognise(got, expected, 1, variants(*args))
    return make_result(name, rows, codes, messages)


def check_sigmoid(fn) -> CheckResult:
    r"""Check the learner's sigmoid :math:`\sigma(a) = 1/(1 + e^{-a})` (chapter `forward`).

    Parameters
    ----------
    fn : callable
        ``fn(A) -> ndarray``: the sigmoid of every entry of `A`, an array of any shape, returned in that shape.

    Returns
    -------
    CheckResult
        Diagnoses it can give: ``not-implemented``, ``exception``, ``wrong-shape``, ``sign-flipped`` (returns
        :math:`\sigma(-a)`), ``overflow`` (nan/inf or an overflow for :math:`a = \pm 1000`), ``other``.

    Notes
    -----
    A naive ``1 / (1 + np.exp(-a))`` returns the right values and is recognised only by NumPy's overflow report.
    NumPy in the browser (Pyodide, WebAssembly) reports no floating-point events, so there it passes.
    """
    check_callable(fn)
    rng = np.random.default_rng(1)
    cases = [
        ("A of shape (4, 3)", (rng.normal(scale=3.0, size=(4, 3)),)),
        ("A of shape (5,)", (rng.normal(scale=3.0, size=5),)),
        ("a = -1000 ... 1000", (np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0]),)),
    ]
    return _single("check_sigmoid", fn, cases, sigmoid, lambda A: [(sigmoid(-A), ["sign-flipped"])])


def check_softmax(fn) -> CheckResult:
    r"""Check the learner's softmax, row by row: :math:`y_{nk} = e^{a_{nk}} / \sum_j e^{a_{nj}}` (chapter `softmax`).

    Parameters
    ----------
    fn : callable
        ``fn(A) -> Y`` with `A` of shape (N, K) (one row of logits per sample) and `Y` of the same shape,
        each row positive and summing to 1.

    Returns
    -------
    CheckResult
        Diagnoses: ``not-implemented``, ``exception``, ``wrong-shape``, ``wrong-axis`` (columns sum to 1),
        ``sign-flipped`` (softmax of -A), ``overflow`` (nan for logits like 1000), ``other``.
    """
    check_callable(fn)
    rng = np.random.default_rng(2)
    cases = [
        ("A of shape (5, 3)", (rng.normal(scale=2.0, size=(5, 3)),)),
        ("A of shape (2, 4)", (rng.normal(scale=2.0, size=(2, 4)),)),
        ("logits like 1000", (LARGE,)),
    ]

    def variants(A):
        E = np.exp(A - A.max(axis=0))
        return [(E / E.sum(axis=0), ["wrong-axis"]), (softmax(-A), ["sign-flipped"])]

    return _single("check_softmax", fn, cases, softmax, variants)


def _clouds_like(rng, N, K):
    """Probabilities Y (N, K) and one-hot targets T (N, K), every class present."""
    Y = softmax(rng.normal(scale=1.5, size=(N, K)))
    labels = np.arange(N) % K
    rng.shuffle(labels)
    return Y, np.eye(K)[labels]


def _mean_ce(Y, T):
    picked = Y[T == 1]
    return float(-np.mean(np.log(picked)))


def check_cross_entropy(fn) -> CheckResult:
    r"""Check the learner's mean cross-entropy :math:`J = -\frac1N \sum_{n,k} t_{nk} \log y_{nk}` (chapter `softmax`).

    Parameters
    ----------
    fn : callable
        ``fn(Y, T) -> J``: `Y` (N, K) probabilities (rows sum to 1), `T` (N, K) one-hot targets, `J` a float.

    Returns
    -------
    CheckResult
        Diagnoses: ``not-implemented``, ``exception``, ``wrong-shape`` (not a single number),
        ``summed-not-mean`` (N times J), ``sign-flipped`` (-J: the log-likelihood), both for the seed's
        ``sum(T * log(Y))``, ``log-of-zero`` (nan/inf when a probability of a wrong class is exactly 0),
        ``other``.
    """
    check_callable(fn)
    rng = np.random.default_rng(3)
    Y1, T1 = _clouds_like(rng, 8, 3)
    Y2, T2 = _clouds_like(rng, 5, 4)
    Y0 = np.array([[1.0, 0.0, 0.0], [0.0, 0.7, 0.3], [0.2, 0.0, 0.8], [0.1, 0.6, 0.3]])  # exact zeros, not on T
    T0 = np.eye(3)[[0, 1, 2, 1]]
    rows, codes, messages = [], [], []
    for label, Y, T in [("N=8, K=3", Y1, T1), ("N=5, K=4", Y2, T2), ("some y exactly 0", Y0, T0)]:
        expected = np.array(_mean_ce(Y, T))
        c = call(fn, Y.copy(), T.copy())
        if not c.ok:
            rows.append(not_run(f"J ({label})", ()))
            codes += error_codes(c)
            messages.append(c.message)
            continue
        got = as_array(c.value)
        r = row(f"J ({label})", got, expected)
        rows.append(r)
        if c.value is None:
            codes.append("wrong-shape")
            messages.append(NONE_MESSAGE)
            continue
        if r.verdict == "ok":
            continue
        if got is not None and got.shape == () and not np.isfinite(got):
            codes.append("log-of-zero" if "divide by zero" in c.fp_events or label.startswith("some") else "other")
        elif got is not None and got.shape != () and got.size == len(Y):
            codes.append("wrong-shape")
            messages.append("J must be one number, the mean over the samples; you returned one value per sample.")
        else:
            codes += recognise(got, expected, len(Y)) or []
    return make_result("check_cross_entropy", rows, codes, messages)


def check_forward(fn) -> CheckResult:
    r"""Check the learner's forward pass :math:`Z = \sigma(XW + b)`, :math:`Y = \mathrm{softmax}(ZV + c)` (`forward`).

    Parameters
    ----------
    fn : callable
        ``fn(X, W, b, V, c) -> (Z, Y)`` with `X` (N, D), `W` (D, M), `b` (M,), `V` (M, K), `c` (K,);
        returns the hidden outputs `Z` (N, M) and the probabilities `Y` (N, K).

    Returns
    -------
    CheckResult
        Diagnoses: ``not-implemented``, ``exception``, ``wrong-shape`` (e.g. ``(Y, Z)`` returned in the other
        order), ``wrong-bias`` (``b`` added to the logits; caught with M == K, where the shapes agree),
        ``sign-flipped`` (:math:`\sigma(-(XW + b))`), ``overflow`` (nan for logits like 1000), ``other``.
    """
    check_callable(fn)
    rng = np.random.default_rng(4)
    cases = []
    for label, N, D, M, K, shift in [("M=4, K=3", 7, 2, 4, 3, 0.0), ("M=K=3", 6, 2, 3, 3, 0.0),
                                     ("logits like 1000", 4, 2, 3, 3, 1000.0)]:  # fmt: skip
        W, b = rng.normal(size=(D, M)), rng.normal(size=M)
        V, c = rng.normal(size=(M, K)), rng.normal(size=K) + shift * np.eye(K)[0]
        X = rng.normal(size=(N, D)) * (2.0 if not shift else 500.0)  # the large case: pre-activations near +-1000
        cases.append((label, (X, W, b, V, c)))
    per_case, codes, messages = [], [], []
    for label, args in cases:
        X, W, b, V, c = args
        Z = sigmoid(X @ W + b)
        Y = softmax(Z @ V + c)
        result = call(fn, *(a.copy() for a in args))
        if not result.ok:
            per_case.append([not_run(f"Z [{label}]", Z.shape), not_run(f"Y [{label}]", Y.shape)])
            codes += error_codes(result)
            messages.append(f"On the case {label}: {result.message}")
            continue
        outputs = unpack(result.value, 2, "Z, Y")
        if outputs is None:
            per_case.append([not_run(f"Z [{label}]", Z.shape), not_run(f"Y [{label}]", Y.shape)])
            codes.append("wrong-shape")
            messages.append(unpack_message(result.value, 2, "Z, Y"))
            continue
        got_Z, got_Y = (as_array(o) for o in outputs)
        rows = [row(f"Z [{label}]", got_Z, Z), row(f"Y [{label}]", got_Y, Y)]
        per_case.append(rows)
        if "overflow" in result.fp_events:
            codes.append("overflow")
        if all(r.verdict == "ok" for r in rows):
            continue
        messages.append(f"Wrong on the case {label}.")
        if same(got_Z, Y) and same(got_Y, Z):
            codes.append("wrong-shape")
            messages.append("You returned (Y, Z): the course's forward returns (Z, Y).")
            continue
        if got_Y is not None and got_Y.shape == Y.shape and not np.isfinite(got_Y).all():
            codes.append("overflow")
        if W.shape[1] == V.shape[1] and same(got_Y, softmax(Z @ V + b)):
            codes.append("wrong-bias")
        codes += recognise(got_Z, Z, 1, [(sigmoid(-(X @ W + b)), ["sign-flipped"])])
        if same(got_Z, Z) and not same(got_Y, Y) and "wrong-bias" not in codes and "overflow" not in codes:
            codes += recognise(got_Y, Y, 1)
    return make_result("check_forward", merge_rows(per_case), codes, messages)
