r"""Numerical gradient checking with central differences (chapter `backprop`).

.. math::

    \frac{\partial f}{\partial x_i} \approx \frac{f(x + h e_i) - f(x - h e_i)}{2h},

whose error shrinks like :math:`h^2`, against :math:`h` for the one-sided difference.
"""

from __future__ import annotations

import numpy as np

__all__ = ["check_gradients", "numerical_gradient", "relative_error"]


def numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient of the scalar function ``f(x)`` at the array `x`.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``. It may read `x` through a closure (e.g. a network's parameter array) instead of its
        argument: each entry of `x` is nudged in place.
    x : ndarray of float64
        Point of evaluation. Every entry is restored afterwards, even if `f` raises.
    h : float
        Step size.

    Returns
    -------
    ndarray of the shape of `x`.
    """
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError(
            "x must be a float64 ndarray (it is perturbed in place); got "
            + (f"dtype {x.dtype}" if isinstance(x, np.ndarray) else type(x).__name__)
        )
    if not (isinstance(h, (int, float)) and np.isfinite(h) and h > 0):
        raise ValueError(f"h must be a finite step > 0; got {h!r}")
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        try:
            x[idx] = old + h
            f_plus = float(f(x))
            x[idx] = old - h
            f_minus = float(f(x))
        finally:
            x[idx] = old
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(a, b):
    r"""Relative error :math:`\lVert a - b\rVert / (\lVert a\rVert + \lVert b\rVert)` of two arrays (0 if both are 0).

    Scale-free: about 1e-10 for a correct float64 gradient against central differences, about 1 for a wrong one.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape; got {a.shape} and {b.shape}")
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)


def check_gradients(net, X, y, h=1e-5) -> dict[str, float]:
    """Compare ``net.loss_and_grads`` with central differences of ``net.loss`` for every parameter.

    `net` is an :class:`~scratchnn.MLP` (anything with ``params``, ``loss(X, y)`` and ``loss_and_grads(X, y)``).

    Returns
    -------
    dict mapping each parameter name (``"W1"``, ``"b1"``, ...) to the relative error of its gradient.
    """
    _, grads = net.loss_and_grads(X, y)
    errors = {}
    for key, p in net.params.items():
        numeric = numerical_gradient(lambda _: net.loss(X, y), p, h)
        errors[key] = relative_error(grads[key], numeric)
    return errors
