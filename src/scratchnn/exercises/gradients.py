"""Checkers for backpropagation: the one-hidden-layer backward pass and the any-depth recursion.

Every gradient is compared with the package's ``backward`` and with central differences of the mean
cross-entropy, on a case with M != K and on one with M == K (where some wrong formulas type-check).
"""

from __future__ import annotations

import numpy as np

from ..gradcheck import numerical_gradient
from ..network import _backward, _forward, cross_entropy
from ._compare import NONE_MESSAGE, as_array, merge_rows, not_run, recognise, row, same, unpack, unpack_message
from ._report import make_result
from ._run import call, case_message, check_callable, error_codes

__all__ = ["check_backward", "check_deep_backward"]


def _network(rng, sizes, N):
    """Parameters W1, b1, ..., X (N, D) and one-hot T (N, K) with every class present."""
    params = {}
    for l in range(1, len(sizes)):
        params[f"W{l}"] = rng.normal(size=(sizes[l - 1], sizes[l]))
        params[f"b{l}"] = rng.normal(scale=0.5, size=sizes[l])
    X = rng.normal(scale=1.5, size=(N, sizes[0]))
    labels = np.arange(N) % sizes[-1]
    rng.shuffle(labels)
    return params, X, np.eye(sizes[-1])[labels]


def _reference(params, X, T):
    """Layer inputs [X, Z1, ...], probabilities, the package's gradients and central differences of J."""
    probs, cache = _forward(params, X, "sigmoid")
    grads = _backward(params, cache, T)
    work = {key: value.copy() for key, value in params.items()}

    def J(_):
        return cross_entropy(_forward(work, X, "sigmoid")[1]["logits"], T)

    numeric = {key: numerical_gradient(J, work[key]) for key in work}
    return cache["Z"], probs, grads, numeric


def _deep_variants(Zs, Y, T, Ws):
    """The recursion without the product with W_l^T (the 'missing sum over k'), where the shapes allow it."""
    N = len(T)
    delta = (Y - T) / N
    dWs, dbs = [None] * len(Ws), [None] * len(Ws)
    for l in range(len(Ws), 0, -1):
        dWs[l - 1], dbs[l - 1] = Zs[l - 1].T @ delta, delta.sum(axis=0)
        if l > 1:
            if delta.shape != Zs[l - 1].shape:
                return None
            delta = delta * Zs[l - 1] * (1 - Zs[l - 1])
    return dWs, dbs


def check_backward(fn):
    r"""Check the learner's backward pass of the one-hidden-layer network (chapter `backprop`).

    Parameters
    ----------
    fn : callable
        ``fn(X, Z, Y, T, V) -> (dW, db, dV, dc)``: `X` (N, D) inputs, `Z` (N, M) hidden outputs, `Y` (N, K)
        probabilities, `T` (N, K) one-hot targets, `V` (M, K) output weights. Returns the gradients of the mean
        cross-entropy with the shapes of W (D, M), b (M,), V (M, K) and c (K,):
        :math:`\partial J/\partial V = Z^\top \Delta_2`, :math:`\partial J/\partial c = \mathbf 1^\top \Delta_2`,
        :math:`\partial J/\partial W = X^\top \Delta_1`, :math:`\partial J/\partial b = \mathbf 1^\top \Delta_1` with
        :math:`\Delta_2 = (Y - T)/N` and :math:`\Delta_1 = (\Delta_2 V^\top) \odot Z \odot (1 - Z)`.

    Returns
    -------
    CheckResult
        Diagnoses: ``not-implemented``, ``exception``, ``wrong-shape``, ``transposed``, ``summed-not-mean``,
        ``sign-flipped`` (both for the seed's ``T - Y`` summed), ``missing-sum-over-k`` (the seed's
        :math:`(Y - T) \odot Z \odot (1 - Z)`, on the case M == K where it runs), ``swapped-bias-gradients``
        (db and dc swapped, recognised also when M == K, where the shapes agree), ``wrong-type``,
        ``wrong-dtype``, ``other``.
    """
    check_callable(fn)
    rng = np.random.default_rng(5)
    names = ("dW", "db", "dV", "dc")
    per_case, codes, messages = [], [], []
    for label, sizes, N in [("M=4, K=3", [2, 4, 3], 7), ("M=K=3", [2, 3, 3], 6)]:
        params, X, T = _network(rng, sizes, N)
        (_, Z), Y, grads, numeric = _reference(params, X, T)
        V = params["W2"]
        keys = ("W1", "b1", "W2", "b2")
        expected = [grads[k] for k in keys]
        result = call(fn, X.copy(), Z.copy(), Y.copy(), T.copy(), V.copy())
        outputs = unpack(result.value, 4) if result.ok else None
        if outputs is None:
            per_case.append([not_run(f"{n} [{label}]", e.shape) for n, e in zip(names, expected, strict=True)])
            if result.ok:
                code, message = unpack_message(result.value, 4, "dW, db, dV, dc")
                codes.append(code)
                messages.append(message)
            else:
                codes += error_codes(result)
                messages.append(case_message(label, result))
            continue
        got = [as_array(o) for o in outputs]
        rows = [row(f"{n} [{label}]", o, e, numeric[k]) for n, o, e, k in zip(names, outputs, expected, keys,
                                                                                strict=True)]  # fmt: skip
        per_case.append(rows)
        if all(r.verdict == "ok" for r in rows):
            continue
        wrong_names = ", ".join(r.output.split(" [")[0] for r in rows if r.verdict != "ok")
        messages.append(f"Wrong on the case {label}: {wrong_names}.")
        if same(got[1], expected[3]) and same(got[3], expected[1]):
            codes.append("swapped-bias-gradients")
            continue
        structural = [r for r in rows if r.code]
        codes += [r.code for r in structural]
        messages += [r.note for r in structural]
        D2 = (Y - T) / N
        no_sum = D2 * Z * (1 - Z) if Z.shape == D2.shape else None
        variants = {0: [(X.T @ no_sum, ["missing-sum-over-k"])] if no_sum is not None else [],
                    1: [(no_sum.sum(axis=0), ["missing-sum-over-k"])] if no_sum is not None else []}  # fmt: skip
        for i, (g, e) in enumerate(zip(got, expected, strict=True)):
            if rows[i].verdict != "ok" and not rows[i].code:
                codes += recognise(g, e, N, variants.get(i, ()))
    return make_result("check_backward", merge_rows(per_case), codes, messages)


def check_deep_backward(fn):
    r"""Check the learner's backward pass for any number of sigmoid hidden layers (chapter `deeper`).

    Parameters
    ----------
    fn : callable
        ``fn(Zs, Y, T, Ws) -> (dWs, dbs)``. `Zs` is the list ``[X, Z_1, ..., Z_{L-1}]`` of layer inputs
        (:math:`Z_0 = X` of shape (N, D), then the sigmoid outputs of the hidden layers, (N, n_l)), `Y` (N, K) the
        softmax output, `T` (N, K) one-hot targets, `Ws` the list ``[W_1, ..., W_L]`` with :math:`W_l` of shape
        (n_{l-1}, n_l). Returns two lists: ``dWs[l-1]`` of the shape of :math:`W_l` and ``dbs[l-1]`` of shape
        (n_l,), the gradients of the mean cross-entropy by the recursion :math:`\Delta_L = (Y - T)/N`,
        :math:`\partial J/\partial W_l = Z_{l-1}^\top \Delta_l`, :math:`\partial J/\partial b_l = \mathbf 1^\top
        \Delta_l`, :math:`\Delta_{l-1} = (\Delta_l W_l^\top) \odot Z_{l-1} \odot (1 - Z_{l-1})`.

    Returns
    -------
    CheckResult
        Diagnoses: ``not-implemented``, ``exception``, ``wrong-shape``, ``transposed``, ``summed-not-mean``,
        ``sign-flipped``, ``missing-sum-over-k`` (the recursion without the product with :math:`W_l^\top`, on a
        case where every layer has the same width), ``wrong-type``, ``wrong-dtype``, ``other``.
    """
    check_callable(fn)
    rng = np.random.default_rng(6)
    per_case, codes, messages = [], [], []
    cases = [("sizes 2-4-5-3", [2, 4, 5, 3], 7), ("sizes 3-3-3-3", [3, 3, 3, 3], 6)]
    for label, sizes, N in cases:
        params, X, T = _network(rng, sizes, N)
        Zs, Y, grads, numeric = _reference(params, X, T)
        L = len(sizes) - 1
        Ws = [params[f"W{l}"] for l in range(1, L + 1)]
        keys = [f"{p}{l}" for p in ("W", "b") for l in range(1, L + 1)]
        names = [f"d{k}" for k in keys]
        result = call(fn, [Z.copy() for Z in Zs], Y.copy(), T.copy(), [W.copy() for W in Ws])
        outputs = unpack(result.value, 2) if result.ok else None
        lists = None if outputs is None else [unpack(o, L) for o in outputs]
        if lists is not None and all(part is not None for part in lists):
            flat_outputs = [*lists[0], *lists[1]]
            got = [as_array(g) for g in flat_outputs]
        else:
            per_case.append([not_run(f"{n} [{label}]", grads[k].shape) for n, k in zip(names, keys, strict=True)])
            if result.ok:
                codes.append("wrong-shape" if isinstance(result.value, (list, tuple)) else "wrong-type")
                messages.append(
                    NONE_MESSAGE
                    if result.value is None
                    else f"Your function must return two lists of {L} arrays each (dWs, dbs), for {L} layers."
                )
            else:
                codes += error_codes(result)
                messages.append(case_message(label, result))
            continue
        rows = [row(f"{n} [{label}]", o, grads[k], numeric[k]) for n, o, k in zip(names, flat_outputs, keys,
                                                                                    strict=True)]  # fmt: skip
        per_case.append(rows)
        if all(r.verdict == "ok" for r in rows):
            continue
        messages.append(f"Wrong on the case {label}.")
        codes += [r.code for r in rows if r.code]
        messages += [r.note for r in rows if r.code]
        wrong = _deep_variants(Zs, Y, T, Ws)
        for i, (g, k) in enumerate(zip(got, keys, strict=True)):
            if rows[i].verdict != "ok" and not rows[i].code:
                variant = [] if wrong is None else [((wrong[0] + wrong[1])[i], ["missing-sum-over-k"])]
                codes += recognise(g, grads[k], N, variant)
    return make_result("check_deep_backward", merge_rows(per_case), codes, messages)
