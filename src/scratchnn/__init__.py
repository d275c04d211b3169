"""scratchnn: the small NumPy neural network built in "Basic Neural Networks from scratch".

Import what the chapters use from here; ``scratchnn.plotting`` (matplotlib), ``scratchnn.widgets``
(ipywidgets) and ``scratchnn.exercises`` (the checkers of the write-it-yourself exercises) load on first use.
"""

from . import datasets
from .activations import log_softmax, relu, relu_grad, sigmoid, sigmoid_grad, softmax, tanh, tanh_grad
from .gradcheck import check_gradients, numerical_gradient, relative_error
from .losses import classification_rate, one_hot, softmax_cross_entropy
from .network import (
    ACTIVATIONS,
    MLP,
    DivergenceWarning,
    History,
    backward,
    cross_entropy,
    forward,
    init_params,
    loss_and_grads,
)
from .optim import OPTIMIZERS, make_optimizer

__version__ = "0.1.0"

__all__ = [
    "ACTIVATIONS",
    "MLP",
    "OPTIMIZERS",
    "DivergenceWarning",
    "History",
    "backward",
    "check_gradients",
    "classification_rate",
    "cross_entropy",
    "datasets",
    "forward",
    "init_params",
    "log_softmax",
    "loss_and_grads",
    "make_optimizer",
    "numerical_gradient",
    "one_hot",
    "relative_error",
    "relu",
    "relu_grad",
    "sigmoid",
    "sigmoid_grad",
    "softmax",
    "softmax_cross_entropy",
    "tanh",
    "tanh_grad",
]


def __getattr__(name):
    if name in ("exercises", "plotting", "widgets"):
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'scratchnn' has no attribute {name!r}")
