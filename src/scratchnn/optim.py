r"""Update rules for gradient descent: plain SGD, momentum and Adam (chapter `optimizers`).

Each rule is a function ``make_<name>(params, lr, ...) -> step`` whose ``step(grads)`` updates the arrays
of ``params`` in place. The state a rule keeps (velocities, moment estimates) lives in the closure, so a new
call to ``make_optimizer`` starts from scratch: nothing to flush between runs.

- SGD: :math:`\theta \leftarrow \theta - \eta g`
- momentum: :math:`v \leftarrow \beta v + g,\ \theta \leftarrow \theta - \eta v`
- Adam: :math:`\bar g \leftarrow \beta_1 \bar g + (1-\beta_1) g,\ s \leftarrow \beta_2 s + (1-\beta_2) g^2,\
  \theta \leftarrow \theta - \eta\, \hat g / (\sqrt{\hat s} + \epsilon)` with bias-corrected
  :math:`\hat g = \bar g / (1-\beta_1^\tau)`, :math:`\hat s = s / (1-\beta_2^\tau)` after :math:`\tau` steps
  (the code calls :math:`\bar g` and :math:`\tau` ``m`` and ``t``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._checks import choice, positive_float

__all__ = ["OPTIMIZERS", "make_optimizer"]

OPTIMIZERS = ("sgd", "momentum", "adam")

Step = Callable[[dict], None]


def make_sgd(params: dict, lr: float) -> Step:
    def step(grads: dict) -> None:
        for key, p in params.items():
            p -= lr * grads[key]

    return step


def make_momentum(params: dict, lr: float, beta: float = 0.9) -> Step:
    velocity = {key: np.zeros_like(p) for key, p in params.items()}

    def step(grads: dict) -> None:
        for key, p in params.items():
            v = velocity[key]
            v *= beta
            v += grads[key]
            p -= lr * v

    return step


def make_adam(params: dict, lr: float, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8) -> Step:
    m = {key: np.zeros_like(p) for key, p in params.items()}
    s = {key: np.zeros_like(p) for key, p in params.items()}
    t = 0

    def step(grads: dict) -> None:
        nonlocal t
        t += 1
        correction1 = 1.0 - beta1**t
        correction2 = 1.0 - beta2**t
        for key, p in params.items():
            g = grads[key]
            m[key] *= beta1
            m[key] += (1.0 - beta1) * g
            s[key] *= beta2
            s[key] += (1.0 - beta2) * (g * g)
            p -= lr * (m[key] / correction1) / (np.sqrt(s[key] / correction2) + eps)

    return step


_MAKERS = {"sgd": make_sgd, "momentum": make_momentum, "adam": make_adam}


def make_optimizer(name: str, params: dict, lr: float, **hyper) -> Step:
    """Return ``step(grads)`` that applies the update rule `name` to `params` in place.

    Parameters
    ----------
    name : {"sgd", "momentum", "adam"}
    params : dict of ndarray
        Updated in place by each call of ``step``.
    lr : float
        Learning rate, finite and > 0.
    **hyper
        ``beta`` for momentum; ``beta1``, ``beta2``, ``eps`` for Adam.
    """
    choice(name, "optimizer", OPTIMIZERS)
    lr = positive_float(lr, "lr")
    return _MAKERS[name](params, lr, **hyper)
