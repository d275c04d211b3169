r"""Activation functions and their derivatives with respect to the pre-activation.

Each function sits next to its derivative, written from the formula in the course:

- sigmoid :math:`\sigma(a) = 1/(1+e^{-a})`, :math:`\sigma'(a) = \sigma(a)(1-\sigma(a))` (chapter `forward`);
- tanh, :math:`\tanh'(a) = 1-\tanh^2 a`, and ReLU :math:`\max(a, 0)`, derivative 1 for a > 0 else 0
  (chapter `deeper`);
- softmax :math:`y_k = e^{a_k}/\sum_j e^{a_j}` row by row, and its logarithm (chapter `softmax`).

All of them are stable for any finite input: no overflow, no warning, no NaN.
"""

from __future__ import annotations

import numpy as np

__all__ = ["log_softmax", "relu", "relu_grad", "sigmoid", "sigmoid_grad", "softmax", "tanh", "tanh_grad"]


def sigmoid(a):
    r"""Logistic sigmoid :math:`\sigma(a) = 1 / (1 + e^{-a})`, element-wise and overflow-free.

    Parameters
    ----------
    a : array_like of any shape

    Returns
    -------
    ndarray of the same shape, values in [0, 1].

    Notes
    -----
    ``exp(-a)`` overflows for a < -709. Writing :math:`\sigma(a) = e^{a}/(1+e^{a})` for negative a means the
    only exponential ever taken is :math:`e^{-|a|} \le 1`. Introduced in chapter `forward`.
    """
    a = np.asarray(a, dtype=np.float64)
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0, e) / (1.0 + e)


def sigmoid_grad(a):
    r""":math:`\sigma'(a) = \sigma(a)\,(1 - \sigma(a))`, the derivative of :func:`sigmoid` at the pre-activation a."""
    sig = sigmoid(a)
    return sig * (1.0 - sig)


def tanh(a):
    r"""Hyperbolic tangent, element-wise; values in [-1, 1]. Introduced in chapter `deeper`."""
    return np.tanh(np.asarray(a, dtype=np.float64))


def tanh_grad(a):
    r""":math:`\tanh'(a) = 1 - \tanh^2(a)`, the derivative of :func:`tanh` at the pre-activation a."""
    t = np.tanh(np.asarray(a, dtype=np.float64))
    return 1.0 - t * t


def relu(a):
    r"""Rectified linear unit :math:`\max(a, 0)`, element-wise. Introduced in chapter `deeper`."""
    return np.maximum(np.asarray(a, dtype=np.float64), 0.0)


def relu_grad(a):
    r"""Derivative of :func:`relu`: 1 where a > 0, else 0 (the kink at 0 is given slope 0)."""
    return (np.asarray(a, dtype=np.float64) > 0).astype(np.float64)


def softmax(a):
    r"""Softmax along the last axis: :math:`y_k = e^{S_k} / \sum_j e^{S_j}` with :math:`S_k = a_k - \max_j a_j`.

    Parameters
    ----------
    a : array_like of shape (N, K) (or (K,))
        Logits, one row per sample.

    Returns
    -------
    ndarray of the same shape; each row is positive and sums to 1.

    Notes
    -----
    Subtracting the row maximum changes nothing mathematically (it cancels between numerator and denominator)
    but keeps every exponent <= 0, so ``exp`` cannot overflow. Introduced in chapter `softmax`.
    """
    a = np.asarray(a, dtype=np.float64)
    e = np.exp(a - a.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def log_softmax(a):
    r"""Logarithm of :func:`softmax`, computed as :math:`S_k - \log\sum_j e^{S_j}`, :math:`S_k = a_k - \max_j a_j`.

    Never takes ``log(0)``: for logits ``[1000, 0]`` it returns ``[0, -1000]`` where ``log(softmax(a))`` gives
    ``-inf``. Introduced in chapter `softmax`.
    """
    a = np.asarray(a, dtype=np.float64)
    shifted = a - a.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
