"""Every diagnosis a checker can give, and its hint: one recommendation about that mistake and no other.

The order of :data:`HINTS` is the order reports list the codes in: first what stops a check (the function
raised, returned the wrong kind of thing), then the mistakes recognised from values.
"""

from __future__ import annotations

import textwrap

__all__ = ["CODES", "HINTS", "WIDTH", "wrap"]

HINTS: dict[str, str] = {
    "not-implemented": "The function still raises NotImplementedError: replace that line with your code.",
    "exception": "Your function raised an error (see the line above); fix that line first.",
    "wrong-type": "An output is not the kind of value the docstring asks for (see the message above): return "
    "exactly the values it lists, in that order, as NumPy arrays or numbers.",
    "wrong-shape": "An output does not have the shape in the table: compare your shapes with the docstring "
    "(rows are samples; W is (D, M), V is (M, K)).",
    "wrong-dtype": "An output holds integers, booleans or complex numbers where real numbers belong: compute "
    "in floating point (start from float arrays, and avoid integer division or comparisons as results).",
    "swapped-outputs": "Your function returns the right values in another order: return them in the order of the "
    "docstring (for the forward pass Z first, then Y).",
    "changed-input": "Your function changed one of its inputs in place (the message above names it), which "
    "this exercise rules out: build new arrays (for example theta - lr * v rather than theta -= lr * v) "
    "and, for a dict, a new dict.",
    "transposed": "An output is the transpose of the right one: swap the order of the matrix product "
    "(for example Z.T @ dA, not dA.T @ Z).",
    "wrong-axis": "The rows of your softmax do not sum to 1, its columns do: sum over axis=1 (each sample's "
    "classes), with keepdims=True.",
    "missing-keepdims": "Your softmax subtracts (or divides by) a row statistic of shape (N,) without keepdims: "
    "broadcasting lines it up with the columns, not the rows (and fails unless N == K). Write "
    "A.max(axis=1, keepdims=True) and E.sum(axis=1, keepdims=True), of shape (N, 1).",
    "global-max": "Your softmax subtracts the largest logit of the whole array: a row whose logits are all far "
    "below it underflows to 0 / 0. Subtract each row's own maximum, A.max(axis=1, keepdims=True).",
    "summed-not-mean": "Your result is exactly N times the reference: you summed over the N samples where the "
    "course uses the mean. Divide by N (dJ/dA = (Y - T) / N).",
    "sign-flipped": "Your result is the reference times -1: check T - Y against Y - T, the sign of log, "
    "and + against - in the update (the course descends the loss J).",
    "missing-sum-over-k": "Your hidden-layer gradient multiplies the error of the layer above element-wise by "
    "Z * (1 - Z), as in (Y - T) * Z * (1 - Z): it drops the sum over the units above (the classes k) and their "
    "weights. Backpropagate through the weights first: ((Y - T) @ V.T) * Z * (1 - Z).",
    "wrong-bias": "The hidden bias b is used where the output bias c belongs (shapes agree only because M == K): "
    "the logits are Z @ V + c.",
    "swapped-bias-gradients": "Your two bias gradients are swapped: db, the hidden bias's gradient, sums the "
    "hidden error Delta_1 over the samples, and dc sums the output error Delta_2 = (Y - T) / N. Return them as "
    "(dW, db, dV, dc).",
    "overflow": "NaN or inf, or np.exp of a number above about 709 (where it overflows), for large inputs. "
    "For the softmax subtract each row's maximum first; for the sigmoid only ever exponentiate -|a|.",
    "log-of-zero": "NaN or inf when a probability is exactly 0: 0 * log(0) is nan. Take the log only of the "
    "probability of the right class, e.g. np.log(Y[T == 1]), or compute the loss from the logits.",
    "stale-weights": "W1 was updated with a gradient computed from the already-updated W2: compute every "
    "gradient first, then update every parameter.",
    "stale-velocity": "The parameters moved by the old velocity: update v = beta * v + g first, then theta with "
    "the new v.",
    "no-bias-correction": "Adam without bias correction: divide m by (1 - beta1**t) and s by (1 - beta2**t) "
    "before the step (t counts from 1).",
    "eps-inside-sqrt": "Your epsilon sits inside the square root, np.sqrt(s_hat + eps): with small gradients "
    "that changes the step a lot. Add it outside, np.sqrt(s_hat) + eps, as in the update formula.",
    "no-seed": "Two identical calls gave different results: draw the random numbers from "
    "np.random.default_rng(seed) so that every run starts the same.",
    "wrong-targets": "The network learned, but it predicts another class than the label, consistently: the "
    "one-hot targets T do not put the 1 in column labels[n]. Build them with np.eye(K)[labels] and compare "
    "a few rows with the labels.",
    "not-converged": "Training runs, but the accuracy stays below the target: when the cost changes only a "
    "little from one print to the next, the steps are too small. With the mean loss a learning rate between "
    "about 0.1 and 3 trains the clouds in a few hundred epochs.",
    "other": "Some output differs from the reference in a way this checker does not recognise: compare your "
    "formula with the chapter's, term by term, on a small example.",
}

CODES = tuple(HINTS)

WIDTH = 100  # printed reports and hints are wrapped to this many characters


def wrap(text: str) -> str:
    """`text` wrapped to WIDTH characters, continuation lines indented, words (and code) never split."""
    return textwrap.fill(text, WIDTH, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False)
