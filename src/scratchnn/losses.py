r"""Cross-entropy with a softmax output, and the helpers it needs.

Mean cross-entropy over N samples, :math:`J = -\frac1N \sum_n \sum_k t_{nk} \log y_{nk}`, with
:math:`\partial J / \partial a_{nk} = (y_{nk} - t_{nk}) / N` (chapter `softmax`).
"""

from __future__ import annotations

import numpy as np

from ._checks import as_float_matrix, as_labels, as_targets
from .activations import log_softmax, softmax

__all__ = ["classification_rate", "one_hot", "softmax_cross_entropy"]


def one_hot(y, K):
    """One-hot encode integer labels.

    Parameters
    ----------
    y : array_like of int, shape (N,)
        Class labels in [0, K).
    K : int
        Number of classes.

    Returns
    -------
    T : ndarray of shape (N, K), float64, with ``T[n, y[n]] = 1`` and zeros elsewhere.
    """
    if isinstance(K, bool) or not isinstance(K, (int, np.integer)) or K < 1:
        raise ValueError(f"K must be an integer >= 1 (the number of classes); got {K!r}")
    return as_targets(as_labels(y, "y", n_classes=int(K)), int(K), "y")


def classification_rate(y, p):
    """Fraction of positions where the labels `y` and predictions `p` agree (both integer arrays of shape (N,))."""
    y = as_labels(y, "y")
    p = as_labels(p, "p", n_samples=y.shape[0])
    return float(np.mean(y == p))


def softmax_cross_entropy(logits, y):
    r"""Mean softmax cross-entropy and its gradient with respect to the logits.

    Parameters
    ----------
    logits : array_like of shape (N, K)
        Pre-softmax scores :math:`a`, one row per sample.
    y : array_like
        Integer labels of shape (N,) in [0, K), or one-hot targets of shape (N, K) whose rows sum to 1.

    Returns
    -------
    loss : float
        :math:`J = -\frac1N \sum_n \sum_k t_{nk} \log \mathrm{softmax}(a_n)_k`, computed with
        :func:`log_softmax`, so never ``log(0)``.
    dlogits : ndarray of shape (N, K)
        :math:`\partial J / \partial a = (\mathrm{softmax}(a) - T) / N`.
    """
    A = as_float_matrix(logits, "logits")
    N, K = A.shape
    T = as_targets(y, K, "y", n_samples=N)
    loss = -float(np.sum(T * log_softmax(A))) / N + 0.0  # + 0.0 turns -0.0 into 0.0
    return loss, (softmax(A) - T) / N
