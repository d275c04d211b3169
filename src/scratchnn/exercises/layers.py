"""Checkers for the forward pass: sigmoid, softmax, cross-entropy and the whole forward pass.

Each runs the learner's function on fixed cases (``np.random.default_rng`` with a fixed seed), compares every
output with the package's own function, and recognises the classic mistakes from what comes back.
"""

from __future__ import annotations

import numpy as np

from ..activations import sigmoid, softmax
from ._compare import as_array, merge_rows, not_run, recognise, row, same, same_or_both_nan, unpack, unpack_message
from ._report import CheckResult, make_result
from ._run import call, case_message, check_callable, error_codes

__all__ = ["check_cross_entropy", "check_forward", "check_sigmoid", "check_softmax"]

LARGE = np.array([[1000.0, 0.0, -1000.0], [-800.0, 5.0, 710.0]])  # exp overflows above about 709.8
# Rows whose maxima are far apart: subtracting the whole array's maximum leaves the last two rows 0 / 0.
FAR_APART = np.array([[1000.0, 999.0, 997.0], [2.0, -1.0, 0.5], [-3.0, 0.0, 1.0]])


def _values_codes(label, got, expected, large, variants) -> list[str]:
    """Codes for a wrong output of the right type, shape and dtype: a variant's nan pattern, overflow, a
    multiple of the reference or a known variant."""
    if not np.isfinite(got).all():
        for array, codes in variants:
            if same_or_both_nan(got, array):
                return codes
        return ["overflow"] if large else ["other"]
    return recognise(got, expected, 1, [(a, c) for a, c in variants if np.isfinite(a).all()])


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
        r = row(label, c.value, expected, name="Your result")
        rows.append(r)
        if r.code:
            codes.append(r.code)
            messages.append(f"On the case {label}: {r.note}")
            continue
        found = []
        if r.verdict != "ok":
            large = bool(np.abs(args[0]).max() > 700)
            with np.errstate(all="ignore"):
                found = _values_codes(label, as_array(c.value), expected, large, variants(*args))
            codes += found
            if "overflow" in found and not c.overflowed:
                messages.append(f"On the case {label}: your output holds nan or inf.")
        if c.overflowed and not {"global-max", "missing-keepdims"} & set(found):
            codes.append("overflow")
            messages.append(f"On the case {label}: {c.overflow_message}")
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
        Diagnoses it can give: ``not-implemented``, ``exception``, ``wrong-type``, ``wrong-shape``,
        ``wrong-dtype``, ``sign-flipped`` (returns :math:`\sigma(-a)`), ``overflow`` (nan/inf for
        :math:`a = \pm 1000`, ``np.exp`` of a number above 709, or ``math.exp`` raising OverflowError),
        ``other``.

    Notes
    -----
    A naive ``1 / (1 + np.exp(-a))`` returns the right values; it is recognised from what ``np.exp`` receives,
    not from NumPy's floating-point flags, so the verdict is the same in the browser (Pyodide has no flags).
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
        ``sign-flipped`` (softmax of -A), ``overflow`` (nan or inf for logits like 1000, or np.exp of a number
        above 709), ``global-max`` (the maximum of the whole array subtracted, not each row's: a case has rows
        1000 apart, where that gives 0 / 0), ``missing-keepdims`` (a row maximum or sum of shape (N,),
        recognised on a square case), ``wrong-type``, ``wrong-dtype``, ``other``.
    """
    check_callable(fn)
    rng = np.random.default_rng(2)
    cases = [
        ("A of shape (5, 3)", (rng.normal(scale=2.0, size=(5, 3)),)),
        ("A of shape (2, 4)", (rng.normal(scale=2.0, size=(2, 4)),)),
        ("logits like 1000", (LARGE,)),
        ("rows 1000 apart", (FAR_APART,)),
    ]

    def variants(A):
        E = np.exp(A - A.max(axis=0))
        G = np.exp(A - A.max())
        found = [(E / E.sum(axis=0), ["wrong-axis"]), (softmax(-A), ["sign-flipped"]),
                 (G / G.sum(axis=1, keepdims=True), ["global-max"])]  # fmt: skip
        if A.shape[0] == A.shape[1]:  # without keepdims, (N,) broadcasts along the rows only when N == K
            F, R = np.exp(A - A.max(axis=1)), np.exp(A - A.max(axis=1, keepdims=True))
            found += [(F / F.sum(axis=1, keepdims=True), ["missing-keepdims"]), (R / R.sum(axis=1),
                      ["missing-keepdims"]), (F / F.sum(axis=1), ["missing-keepdims"])]  # fmt: skip
        return found

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
        r = row(f"J ({label})", c.value, expected, name="J")
        rows.append(r)
        if r.code == "wrong-shape" and got is not None and got.size == len(Y):
            messages.append("J must be one number, the mean over the samples; you returned one value per sample.")
        if r.code:
            codes.append(r.code)
            messages.append(r.note)
            continue
        if r.verdict == "ok":
            continue
        if not np.isfinite(got):
            codes.append("log-of-zero" if label.startswith("some") else "other")
            with np.errstate(all="ignore"):
                logs = np.log(Y)
            if not label.startswith("some") and np.isfinite(logs).all():
                messages.append(f"On the case {label}: J is {got}, though no probability is 0.")
        else:
            codes += recognise(got, expected, len(Y))
    return make_result("check_cross_entropy", rows, codes, messages)


def _forward_cases():
    """``(label, (X, W, b, V, c))``: M != K, M == K (where b fits in c's place), large pre-activations and logits
    (a naive sigmoid or softmax overflows), and rows whose logits are about 1000 apart (a global maximum fails)."""
    rng = np.random.default_rng(4)
    cases = []
    for label, N, D, M, K in [("M=4, K=3", 7, 2, 4, 3), ("M=K=3", 6, 2, 3, 3), ("inputs like 1000", 4, 2, 3, 3),
                              ("rows far apart", 5, 2, 3, 3)]:  # fmt: skip
        W, b = rng.normal(size=(D, M)), rng.normal(size=M)
        V, c = rng.normal(size=(M, K)), rng.normal(size=K)
        X = rng.normal(size=(N, D)) * 2.0
        if label == "inputs like 1000":
            X, c = X * 500.0, c + 1000.0 * np.eye(K)[0]
        elif label == "rows far apart":  # Z = 0 or 1 in the first unit, a weight of 2000 on class 0
            W[:, 0], b[0] = 0.0, 0.0
            X[:, 0] = np.linspace(-1, 1, N)
            W[0, 0], V[0, 0] = 800.0, 2000.0
        cases.append((label, (X, W, b, V, c)))
    return cases


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
        Diagnoses: ``not-implemented``, ``exception``, ``wrong-type`` (not two outputs), ``wrong-shape``,
        ``swapped-outputs`` (``(Y, Z)``), ``wrong-dtype``, ``wrong-bias`` (``b`` added to the logits;
        caught with M == K, where the shapes agree), ``sign-flipped`` (:math:`\sigma(-(XW + b))`),
        ``overflow`` (nan or inf for inputs like 1000, or np.exp of a number above 709), ``global-max`` (the
        softmax subtracts the whole array's maximum), ``other``.
    """
    check_callable(fn)
    per_case, codes, messages = [], [], []
    for label, args in _forward_cases():
        X, W, b, V, c = args
        Z = sigmoid(X @ W + b)
        Y = softmax(Z @ V + c)
        result = call(fn, *(a.copy() for a in args))
        if not result.ok:
            per_case.append([not_run(f"Z [{label}]", Z.shape), not_run(f"Y [{label}]", Y.shape)])
            codes += error_codes(result)
            messages.append(case_message(label, result))
            continue
        outputs = unpack(result.value, 2)
        if outputs is None:
            per_case.append([not_run(f"Z [{label}]", Z.shape), not_run(f"Y [{label}]", Y.shape)])
            code, message = unpack_message(result.value, 2, "Z, Y")
            codes.append(code)
            messages.append(message)
            continue
        rows = [row(f"Z [{label}]", outputs[0], Z), row(f"Y [{label}]", outputs[1], Y)]
        per_case.append(rows)
        got_Z, got_Y = (as_array(o) for o in outputs)
        if result.overflowed:
            codes.append("overflow")
            messages.append(f"On the case {label}: {result.overflow_message}")
        if all(r.verdict == "ok" for r in rows):
            continue
        if same(got_Z, Y) and same(got_Y, Z):
            codes.append("swapped-outputs")
            messages.append("You returned (Y, Z): the course's forward returns (Z, Y).")
            continue
        if any(r.code for r in rows):
            codes += [r.code for r in rows if r.code]
            messages += [f"On the case {label}: {r.note}" for r in rows if r.code]
            continue
        messages.append(f"Wrong on the case {label}.")
        codes += _forward_codes(label, args, got_Z, got_Y, Z, Y)
    return make_result("check_forward", merge_rows(per_case), codes, messages)


def _forward_codes(label, args, got_Z, got_Y, Z, Y) -> list[str]:
    X, W, b, V, c = args
    large = label in ("inputs like 1000", "rows far apart")
    with np.errstate(all="ignore"):
        A = Z @ V + c
        G = np.exp(A - A.max())
        variants_Y = [(G / G.sum(axis=1, keepdims=True), ["global-max"])]
        if W.shape[1] == V.shape[1]:
            variants_Y.append((softmax(Z @ V + b), ["wrong-bias"]))
        codes = []
        if not same(got_Z, Z):
            codes += _values_codes(label, got_Z, Z, large, [(sigmoid(-(X @ W + b)), ["sign-flipped"])])
            if same(got_Y, softmax(got_Z @ V + c)):
                return codes  # Y follows from the learner's Z: nothing else to explain
        if not same(got_Y, Y):
            codes += _values_codes(label, got_Y, Y, large, variants_Y)
    return codes
