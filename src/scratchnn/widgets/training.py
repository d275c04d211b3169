"""Training for the playgrounds: one whole run (:func:`train_run`) and training epoch by epoch (:class:`Trainer`).

:func:`train_run` is what the kernel playground and the static explorer draw: ``MLP.fit``, judged by the verdict.
:class:`Trainer` is what the page playground animates: the same network and data, trained a few epochs at a
time with a training step that the reader can replace by their own.
"""

from __future__ import annotations

import inspect
import math
import time
import warnings
from dataclasses import dataclass, field

import numpy as np

from ..network import MLP, History, backward, cross_entropy, forward
from ..optim import make_optimizer
from .data import make_data, n_classes
from .settings import DEFAULTS, check_settings
from .verdict import training_verdict

__all__ = ["Run", "StepError", "Trainer", "course_step", "train_run"]


@dataclass
class Run:
    """One training run of the playground and what it shows."""

    settings: dict
    net: MLP | None
    history: History
    train_accuracy: float
    test_accuracy: float
    verdict: tuple[str, str]
    seconds: float
    error: str | None = None
    data: tuple = field(default=(), repr=False)


def train_run(data=None, **settings) -> Run:
    """Train one network with the playground's `settings` (keys of ``DEFAULTS``) and judge it.

    `data` is ``(X_train, X_test, y_train, y_test)``; None makes it with :func:`make_data`. Raises ``TypeError``
    for an unknown setting; any other failure comes back as a :class:`Run` whose ``error`` says what went wrong.
    """
    unknown = set(settings) - set(DEFAULTS)
    if unknown:
        raise TypeError(f"unknown playground settings {sorted(unknown)}; expected some of {sorted(DEFAULTS)}")
    start = time.perf_counter()
    s = {**DEFAULTS, **settings}
    try:
        s = check_settings(settings)
        if data is None:
            data = make_data(s["dataset"], s["noise"], s["seed"])
        X_train, X_test, y_train, y_test = data
        K = int(max(y_train.max(), y_test.max())) + 1
        net = MLP([2] + [s["hidden"]] * s["layers"] + [K], s["activation"], seed=s["seed"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # divergence is reported by the verdict, not as a warning
            history = net.fit(
                X_train, y_train, epochs=s["epochs"], lr=s["lr"], optimizer=s["optimizer"], seed=s["seed"]
            )
            train_acc, test_acc = net.score(X_train, y_train), net.score(X_test, y_test)
    except Exception as exc:  # the playground shows the message instead of a traceback
        return Run(s, None, History(), math.nan, math.nan, ("error", f"Error: {exc}"), 0.0, str(exc), data or ())
    return Run(s, net, history, train_acc, test_acc, training_verdict(history), time.perf_counter() - start, None, data)


def course_step(params: dict, X: np.ndarray, T: np.ndarray, lr: float, activation: str = "sigmoid") -> dict:
    """The course's step of gradient descent on the mean cross-entropy: a new dict of parameters."""
    _, cache = forward(params, X, activation)
    grads = backward(params, cache, T)
    return {key: params[key] - lr * grads[key] for key in params}


class StepError(Exception):
    """The reader's training step failed or returned something that is not a set of parameters."""


class Trainer:
    """A network trained a few epochs at a time, for the page playground's animation.

    ``Trainer(settings, data, step)``: `settings` as checked by :func:`check_settings`, `data` the playground's
    ``(X_train, X_test, y_train, y_test)``, `step` a training step ``step(params, X, T, lr[, activation])`` that
    returns the new parameters (None: :func:`course_step`). With ``optimizer="sgd"`` the step trains the network;
    momentum and Adam use the package's optimizers. ``history.loss`` holds the training cost at the start of each
    epoch, as ``MLP.fit`` records it, and ``test_loss`` the held-out cost at the end of :meth:`advance`.
    """

    def __init__(self, settings: dict, data, step=None):
        self.settings = s = settings
        self.data = data
        y_train = data[2]
        self.K = n_classes(s["dataset"])
        self.net = MLP([2] + [s["hidden"]] * s["layers"] + [self.K], s["activation"], seed=s["seed"])
        self.T = np.eye(self.K)[y_train] if len(y_train) else np.zeros((0, self.K))
        self.history = History()
        self.test_loss = math.nan
        self.step = step or course_step
        self._pass_activation = "activation" in inspect.signature(self.step).parameters
        self._update = None if s["optimizer"] == "sgd" else make_optimizer(s["optimizer"], self.net.params, s["lr"])

    @property
    def epoch(self) -> int:
        return len(self.history.loss)

    @property
    def done(self) -> bool:
        return self.epoch >= self.settings["epochs"] or self.history.diverged or not len(self.data[0])

    def advance(self, epochs: int) -> None:
        """Train up to `epochs` more epochs (fewer at the end or on divergence). Raises :class:`StepError`."""
        X, _, y, _ = self.data
        s, net = self.settings, self.net
        for _ in range(min(epochs, s["epochs"] - self.epoch)):
            if not len(X):
                break
            with np.errstate(all="ignore"):
                probs, cache = forward(net.params, X, s["activation"])
                loss = cross_entropy(cache["logits"], self.T)
            if not math.isfinite(loss):
                self.history.diverged = True
                break
            self.history.loss.append(loss)
            self.history.accuracy.append(float(np.mean(np.argmax(probs, axis=1) == y)))
            if self._update is not None:
                with np.errstate(all="ignore"):
                    self._update(backward(net.params, cache, self.T))
            else:
                self._take_step(X)
        self.test_loss = self.cost(*self.data[1::2])

    def check_step(self) -> None:
        """Try the step once on a copy of the parameters (nothing changes): :class:`StepError` if it fails."""
        if self._update is None and len(self.data[0]):
            self._take_step(self.data[0], apply=False)

    def _take_step(self, X: np.ndarray, apply: bool = True) -> None:
        s, params = self.settings, self.net.params
        kwargs = {"activation": s["activation"]} if self._pass_activation else {}
        try:
            with np.errstate(all="ignore"):
                new = self.step({k: v.copy() for k, v in params.items()}, X, self.T.copy(), s["lr"], **kwargs)
        except Exception as exc:
            raise StepError(f"{type(exc).__name__}: {exc}") from exc
        expected = ", ".join(f"{k} {v.shape}" for k, v in params.items())
        if not isinstance(new, dict) or set(new) != set(params):
            got = sorted(new) if isinstance(new, dict) else type(new).__name__
            raise StepError(f"the step returned {got}; expected a dict of the parameters {expected}")
        for key, value in new.items():
            value = np.asarray(value, dtype=float)
            if value.shape != params[key].shape:
                raise StepError(f"the step returned {key} of shape {value.shape}; expected {params[key].shape}")
        if apply:
            for key, value in new.items():
                params[key][...] = value

    def cost(self, X: np.ndarray, y: np.ndarray) -> float:
        """Mean cross-entropy of the network on (X, y); NaN for no points."""
        if not len(X):
            return math.nan
        with np.errstate(all="ignore"):
            _, cache = forward(self.net.params, X, self.settings["activation"])
            return cross_entropy(cache["logits"], np.eye(self.K)[y])

    def accuracy(self, X: np.ndarray, y: np.ndarray) -> float:
        return float(np.mean(self.net.predict(X) == y)) if len(X) else math.nan
