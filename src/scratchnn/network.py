r"""A fully connected network with a softmax output: a functional core and the :class:`MLP` around it.

Notation follows the course. Rows are samples. For layers :math:`l = 1..L`, with :math:`Z_0 = X`,

.. math::

    A_l = Z_{l-1} W_l + b_l, \qquad Z_l = \phi(A_l) \ (l < L), \qquad Y = \mathrm{softmax}(A_L),

and the mean cross-entropy :math:`J = -\frac1N \sum_{n,k} t_{nk} \log y_{nk}`. Backpropagation
(chapter `backprop`) runs the recursion

.. math::

    \Delta_L = (Y - T)/N, \quad
    \frac{\partial J}{\partial W_l} = Z_{l-1}^\top \Delta_l, \quad
    \frac{\partial J}{\partial b_l} = \mathbf 1^\top \Delta_l, \quad
    \Delta_{l-1} = (\Delta_l W_l^\top) \odot \phi'(A_{l-1}).

For the one-hidden-layer network of chapters 1-5, :math:`W_1 = W, b_1 = b, W_2 = V, b_2 = c`.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ._checks import as_float_matrix, as_targets, choice, positive_float, positive_int, rng_from
from ._kernel import Kernel
from .activations import log_softmax, relu, sigmoid, softmax
from .optim import OPTIMIZERS

__all__ = [
    "ACTIVATIONS",
    "MLP",
    "DivergenceWarning",
    "History",
    "backward",
    "cross_entropy",
    "forward",
    "init_params",
    "loss_and_grads",
]

# Each hidden activation phi with its derivative written through its own output Z = phi(A), which the forward
# pass has already computed: sigmoid' = Z(1 - Z), tanh' = 1 - Z^2, relu' = [Z > 0].
_HIDDEN: dict[str, tuple[Callable, Callable]] = {
    "sigmoid": (sigmoid, lambda Z: Z * (1.0 - Z)),
    "tanh": (np.tanh, lambda Z: 1.0 - Z * Z),
    "relu": (relu, lambda Z: (Z > 0).astype(np.float64)),
}
ACTIVATIONS = tuple(_HIDDEN)


class DivergenceWarning(RuntimeWarning):
    """Training stopped because the loss stopped being a finite number."""


def _n_layers(params: dict) -> int:
    return len(params) // 2


def check_params(params) -> list[int]:
    """Check that `params` holds W1, b1, ..., WL, bL with matching shapes; return the layer sizes [D, ..., K].

    This is what makes the seed's ``forward(X, W1, b1, W2, b1)`` impossible: each bias must have exactly as
    many entries as its own layer has units, so nothing is broadcast by accident.
    """
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict of arrays keyed 'W1', 'b1', ...; got {type(params).__name__}")
    L = len(params) // 2
    expected = [f"{p}{l}" for l in range(1, L + 1) for p in ("W", "b")]
    if L < 1 or sorted(params) != sorted(expected):
        raise ValueError(f"params must have keys W1, b1, ..., WL, bL for L >= 1 layers; got keys {sorted(params)}")
    sizes: list[int] = []
    for l in range(1, L + 1):
        W, b = params[f"W{l}"], params[f"b{l}"]
        if not isinstance(W, np.ndarray) or W.ndim != 2:
            raise ValueError(f"params['W{l}'] must be a 2-D array; got {_shape_of(W)}")
        if not sizes:
            sizes.append(W.shape[0])
        elif W.shape[0] != sizes[-1]:
            raise ValueError(
                f"params['W{l}'] has shape {W.shape} but layer {l - 1} has {sizes[-1]} units: "
                f"expected shape ({sizes[-1]}, n_{l})"
            )
        if not isinstance(b, np.ndarray) or b.shape != (W.shape[1],):
            raise ValueError(
                f"params['b{l}'] has shape {_shape_of(b)} but params['W{l}'] has shape {W.shape}: "
                f"expected shape ({W.shape[1]},), one bias per unit of layer {l}"
            )
        sizes.append(W.shape[1])
    return sizes


def _first_layer(params: dict) -> str:
    """Where the network's input width comes from, for error messages."""
    return f"params['W1'] has shape {params['W1'].shape}"


def _shape_of(value) -> str:
    return str(value.shape) if isinstance(value, np.ndarray) else f"a {type(value).__name__}"


def init_params(layer_sizes, activation: str = "sigmoid", *, seed=0, init="auto") -> dict:
    r"""Random weights and zero biases for a network with the given layer sizes.

    Parameters
    ----------
    layer_sizes : sequence of int, ``[D, H1, ..., K]``, each >= 1, at least two entries.
    activation : {"sigmoid", "tanh", "relu"}
    seed : int or numpy.random.Generator
    init : "auto", "xavier", "he", "standard" or a positive float
        Standard deviation of the normal weights: "xavier" :math:`\sqrt{1/n_{in}}` (sigmoid, tanh), which is
        LeCun's fan-in rule; the option keeps the popular name, but Glorot and Bengio's "Xavier" scheme proper
        is :math:`\sqrt{2/(n_{in} + n_{out})}` and only equals it when :math:`n_{in} = n_{out}`.
        "he" :math:`\sqrt{2/n_{in}}` (ReLU), "standard" 1 (the seed's ``randn``), or the float itself.
        "auto" picks "he" for ReLU and "xavier" (the fan-in form) otherwise (chapter `deeper`).

    Returns
    -------
    dict with ``W_l`` of shape (n_{l-1}, n_l) and ``b_l`` of shape (n_l,), float64.
    """
    sizes = _check_layer_sizes(layer_sizes)
    choice(activation, "activation", ACTIVATIONS)
    rng = rng_from(seed, "seed")
    params = {}
    for l, (n_in, n_out) in enumerate(itertools.pairwise(sizes), start=1):
        params[f"W{l}"] = rng.normal(0.0, _init_std(init, activation, n_in), size=(n_in, n_out))
        params[f"b{l}"] = np.zeros(n_out)
    return params


def _check_layer_sizes(layer_sizes) -> list[int]:
    if isinstance(layer_sizes, (str, bytes)) or not hasattr(layer_sizes, "__len__"):
        raise TypeError(f"layer_sizes must be a list like [D, H1, ..., K]; got {layer_sizes!r}")
    if len(layer_sizes) < 2:
        raise ValueError(f"layer_sizes must list at least the input and output sizes [D, K]; got {list(layer_sizes)}")
    for i, n in enumerate(layer_sizes):
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"layer_sizes[{i}] must be an integer >= 1; got {n!r} in {list(layer_sizes)}")
    return [int(n) for n in layer_sizes]


def _init_std(init, activation: str, n_in: int) -> float:
    if isinstance(init, str):
        choice(init, "init", ("auto", "xavier", "he", "standard"))
        if init == "auto":
            init = "he" if activation == "relu" else "xavier"
        return {"xavier": math.sqrt(1.0 / n_in), "he": math.sqrt(2.0 / n_in), "standard": 1.0}[init]
    return positive_float(init, "init")


def forward(params: dict, X, activation: str = "sigmoid"):
    r"""Forward pass: class probabilities for every row of X.

    Parameters
    ----------
    params : dict
        ``W1, b1, ..., WL, bL`` as made by :func:`init_params`.
    X : array_like of shape (N, D)
    activation : {"sigmoid", "tanh", "relu"}
        Hidden-layer activation phi; the output layer is always softmax.

    Returns
    -------
    probs : ndarray of shape (N, K), rows sum to 1.
    cache : dict
        ``"Z"``: the list ``[X, Z_1, ..., Z_{L-1}]`` of layer inputs; ``"logits"``: :math:`A_L`;
        ``"probs"``; ``"activation"``. Everything :func:`backward` needs; nothing is stored elsewhere.
    """
    sizes = check_params(params)
    X = as_float_matrix(X, "X", n_features=sizes[0], expected_by=_first_layer(params))
    choice(activation, "activation", ACTIVATIONS)
    return _forward(params, X, activation)


def _forward(params: dict, X: np.ndarray, activation: str):
    h = _HIDDEN[activation][0]
    L = _n_layers(params)
    Z = [X]
    for l in range(1, L):
        Z.append(h(Z[-1] @ params[f"W{l}"] + params[f"b{l}"]))
    logits = Z[-1] @ params[f"W{L}"] + params[f"b{L}"]
    probs = softmax(logits)
    return probs, {"Z": Z, "logits": logits, "probs": probs, "activation": activation}


def backward(params: dict, cache: dict, y) -> dict:
    r"""Gradients of the mean cross-entropy with respect to every parameter (backpropagation).

    Parameters
    ----------
    params : dict
        The parameters the forward pass used (read only).
    cache : dict
        From :func:`forward`.
    y : array_like
        Integer labels (N,) or one-hot targets (N, K).

    Returns
    -------
    grads : dict with the same keys and shapes as `params`.
    """
    probs = cache["probs"]
    T = as_targets(y, probs.shape[1], "y", n_samples=probs.shape[0])
    return _backward(params, cache, T)


def _backward(params: dict, cache: dict, T: np.ndarray) -> dict:
    dh = _HIDDEN[cache["activation"]][1]
    Z = cache["Z"]
    L = _n_layers(params)
    delta = (cache["probs"] - T) / T.shape[0]  # dJ/dA_L
    grads = {}
    for l in range(L, 0, -1):
        grads[f"W{l}"] = Z[l - 1].T @ delta
        grads[f"b{l}"] = delta.sum(axis=0)
        if l > 1:
            delta = (delta @ params[f"W{l}"].T) * dh(Z[l - 1])
    return {key: grads[key] for key in params}


def cross_entropy(logits: np.ndarray, T: np.ndarray) -> float:
    r"""Mean cross-entropy :math:`-\frac1N\sum t \log \mathrm{softmax}(a)` from logits and one-hot targets."""
    return -float(np.sum(T * log_softmax(logits))) / T.shape[0] + 0.0  # + 0.0 turns -0.0 into 0.0


def _loss(params: dict, X, y, activation: str):
    """Forward pass and mean cross-entropy on (X, y): ``(loss, cache, T)``, everything a backward pass needs."""
    probs, cache = forward(params, X, activation)
    T = as_targets(y, probs.shape[1], "y", n_samples=probs.shape[0])
    return cross_entropy(cache["logits"], T), cache, T


def loss_and_grads(params: dict, X, y, activation: str = "sigmoid"):
    """Mean cross-entropy of the network on (X, y) and its gradients; `params` are not changed."""
    loss, cache, T = _loss(params, X, y, activation)
    return loss, _backward(params, cache, T)


def _accuracy(probs: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of rows whose most probable class is the label."""
    return float(np.mean(np.argmax(probs, axis=1) == labels))


@dataclass
class History:
    """What happened during :meth:`MLP.fit`.

    ``loss`` and ``accuracy`` hold one float per completed epoch, measured on the training set: for full-batch
    training, on the parameters that epoch's step started from; for mini-batches, averaged over the epoch's
    batches. ``val_loss`` and ``val_accuracy`` are filled when ``fit`` gets ``validation`` data (measured after
    the epoch's last step). ``diverged`` is True when training stopped on a non-finite loss.
    """

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    diverged: bool = False

    @property
    def epochs(self) -> int:
        """Number of epochs completed."""
        return len(self.loss)

    def __repr__(self) -> str:
        last = f", final loss {self.loss[-1]:.4g}, accuracy {self.accuracy[-1]:.4g}" if self.loss else ""
        return f"History(epochs={self.epochs}{last}, diverged={self.diverged})"


class MLP:
    """A multilayer perceptron with hidden activation `activation` and a softmax output.

    Parameters
    ----------
    layer_sizes : list of int
        ``[D, H1, ..., K]``: D input features, hidden layer sizes, K classes. ``[D, K]`` is softmax regression.
    activation : {"sigmoid", "tanh", "relu"}
    seed : int
        Seed of the weight initialisation (see :func:`init_params`).
    init : str or float
        Weight scale, see :func:`init_params`.

    Attributes
    ----------
    params : dict
        ``W1, b1, ..., WL, bL``; ``W_l`` has shape (n_{l-1}, n_l), ``b_l`` (n_l,).
    """

    def __init__(self, layer_sizes, activation: str = "sigmoid", *, seed=0, init="auto"):
        self.params = init_params(layer_sizes, activation, seed=seed, init=init)
        self.layer_sizes = [int(n) for n in layer_sizes]
        self.activation = activation

    def __repr__(self) -> str:
        return f"MLP({self.layer_sizes}, activation={self.activation!r})"

    def forward(self, X) -> np.ndarray:
        """Class probabilities of shape (N, K) for X of shape (N, D)."""
        return forward(self.params, X, self.activation)[0]

    predict_proba = forward

    def predict(self, X) -> np.ndarray:
        """Most probable class for each row of X, shape (N,), int."""
        return np.argmax(self.forward(X), axis=1)

    def score(self, X, y) -> float:
        """Classification rate on (X, y): the fraction of rows whose predicted class is the label."""
        probs = self.forward(X)
        T = as_targets(y, probs.shape[1], "y", n_samples=probs.shape[0])
        return _accuracy(probs, np.argmax(T, axis=1))

    def loss(self, X, y) -> float:
        """Mean cross-entropy on (X, y) (a forward pass only)."""
        return _loss(self.params, X, y, self.activation)[0]

    def loss_and_grads(self, X, y):
        """Mean cross-entropy on (X, y) and a dict of gradients keyed like ``params``; ``params`` is unchanged."""
        return loss_and_grads(self.params, X, y, self.activation)

    def fit(
        self,
        X,
        y,
        *,
        epochs: int = 1000,
        lr: float = 1.0,
        batch_size: int | None = None,
        optimizer: str = "sgd",
        seed=0,
        callback: Callable | None = None,
        progress: bool = False,
        validation=None,
    ) -> History:
        """Train by gradient descent on the mean cross-entropy.

        Parameters
        ----------
        X : array_like of shape (N, D)
        y : integer labels (N,) or one-hot targets (N, K)
        epochs : int >= 1
            Passes over the training set.
        lr : float > 0
            Learning rate.
        batch_size : int >= 1 or None
            None for full-batch gradient descent, else shuffled mini-batches of this size (the last may be
            smaller).
        optimizer : {"sgd", "momentum", "adam"}
        seed : int
            Seed of the mini-batch shuffling.
        callback : callable, optional
            Called as ``callback(epoch, history)`` after every epoch (epochs count from 1); returning True stops
            training (early stopping).
        progress : bool
            Show a tqdm progress bar (a widget in notebooks).
        validation : tuple (X_val, y_val), optional
            Held-out data measured after every epoch into ``history.val_loss`` and ``history.val_accuracy``.

        Returns
        -------
        History

        Warns
        -----
        DivergenceWarning
            When the loss becomes non-finite: training stops, ``params`` go back to the last values whose loss
            was finite, and ``history.diverged`` is True.
        """
        params = self.params
        sizes = check_params(params)
        X = as_float_matrix(X, "X", n_features=sizes[0], expected_by=_first_layer(params))
        T = as_targets(y, sizes[-1], "y", n_samples=X.shape[0])
        epochs = positive_int(epochs, "epochs")
        lr = positive_float(lr, "lr")
        if batch_size is not None:
            batch_size = min(positive_int(batch_size, "batch_size"), X.shape[0])
        choice(optimizer, "optimizer", OPTIMIZERS)
        if callback is not None and not callable(callback):
            raise TypeError(f"callback must be callable as callback(epoch, history); got {callback!r}")
        if validation is not None:
            X_val, y_val = _unpack_validation(validation)
            X_val = as_float_matrix(X_val, "validation X", n_features=sizes[0], expected_by=_first_layer(params))
            T_val = as_targets(y_val, sizes[-1], "validation y", n_samples=X_val.shape[0])
            validation = X_val, T_val, np.argmax(T_val, axis=1)

        rng = rng_from(seed, "seed")
        labels = np.argmax(T, axis=1)
        # The fast kernel trains a flat private copy of the parameters (same maths as `forward`/`backward`, see
        # `_kernel.py`); `params` is written back whenever someone may look at it, and at the end.
        kernel = Kernel(params, self.activation, X, T, labels, optimizer, lr, batch_size)
        history = History()
        epoch_iter = range(1, epochs + 1)
        if progress:
            from tqdm.auto import tqdm

            epoch_iter = tqdm(epoch_iter, desc="epochs")

        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            try:
                self._train(kernel, history, epoch_iter, batch_size, rng, lr, validation, callback)
            except BaseException:  # e.g. KeyboardInterrupt: keep what was trained so far, as in-place updates would
                kernel.copy_out(params)
                raise
        return history

    def _train(self, kernel, history, epoch_iter, batch_size, rng, lr, validation, callback):
        """The epoch loop of :meth:`fit`; fills `history`, leaves the trained (or restored) values in ``params``."""
        params = self.params
        for epoch in epoch_iter:
            if batch_size is None:
                loss, accuracy = kernel.full_batch_epoch()
            else:
                loss, accuracy = kernel.epoch_of_batches(rng)
            if not math.isfinite(loss):
                kernel.restore_backup()
                kernel.copy_out(params)
                self._diverge(history, epoch, lr)
                return
            history.loss.append(loss)
            history.accuracy.append(accuracy)
            if validation is not None or callback is not None:
                kernel.copy_out(params)
            if validation is not None:
                X_val, T_val, labels_val = validation
                probs, cache = _forward(params, X_val, self.activation)
                history.val_loss.append(cross_entropy(cache["logits"], T_val))
                history.val_accuracy.append(_accuracy(probs, labels_val))
            if callback is not None:
                stop = callback(epoch, history)
                kernel.copy_in(params)  # the callback may have changed the parameters
                if stop:
                    break
        if kernel.all_finite():
            kernel.copy_out(params)
        else:  # the very last step blew up
            kernel.restore_backup()
            kernel.copy_out(params)
            self._diverge(history, history.epochs, lr)

    def _diverge(self, history: History, epoch: int, lr: float) -> None:
        history.diverged = True
        warnings.warn(
            f"training diverged at epoch {epoch} with lr={lr:g}: the loss is no longer finite. "
            "Parameters were restored to their last finite values; try a smaller learning rate.",
            DivergenceWarning,
            stacklevel=4,  # _diverge <- _train <- fit <- the caller
        )


def _unpack_validation(validation):
    if not isinstance(validation, (tuple, list)) or len(validation) != 2:
        raise TypeError(f"validation must be a pair (X_val, y_val); got {type(validation).__name__}")
    return validation
