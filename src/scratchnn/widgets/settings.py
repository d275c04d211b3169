"""The playground's settings: their starting values and ranges, shared by the kernel and the page playground.

Both playgrounds build their controls from :data:`CONTROLS`, and every setting that comes from a reader (a
control, a keyword argument, the page's JavaScript) is checked once, here, by :func:`check_settings`.
"""

from __future__ import annotations

import math

from ..network import ACTIVATIONS
from ..optim import OPTIMIZERS
from .data import DATASETS

__all__ = ["CONTROLS", "DEFAULTS", "check_settings"]

DEFAULTS = {
    "lr": 1.0,
    "hidden": 3,
    "layers": 1,
    "activation": "sigmoid",
    "dataset": "gaussian clouds",
    "noise": None,
    "epochs": 1000,
    "optimizer": "sgd",
    "seed": 0,
}

# name -> (label, kind, range or options). Kinds: "log" (a float slider in powers of ten: min, max, step of the
# exponent), "int" (min, max, step), "float" (min, max, step), "choice" (the options).
CONTROLS = {
    "dataset": ("data set", "choice", tuple(DATASETS)),
    "noise": ("noise", "float", (0.0, 2.0, 0.05)),
    "lr": ("learning rate", "log", (-4.0, 1.0, 0.1)),
    "epochs": ("epochs", "int", (100, 5000, 100)),
    "optimizer": ("optimizer", "choice", OPTIMIZERS),
    "activation": ("activation", "choice", ACTIVATIONS),
    "hidden": ("hidden units", "int", (1, 32, 1)),
    "layers": ("hidden layers", "int", (1, 3, 1)),
    "seed": ("seed", "int", (0, 20, 1)),
}


def check_settings(settings: dict) -> dict:
    """All the settings, `settings` over :data:`DEFAULTS`, each checked and converted: a dict of trusted values.

    Raises ``TypeError`` for an unknown name and ``ValueError`` naming the setting, its value and what was
    expected for a bad value. ``noise=None`` stays None (the data set's usual noise).
    """
    unknown = set(settings) - set(DEFAULTS)
    if unknown:
        raise TypeError(f"unknown playground settings {sorted(unknown)}; expected some of {sorted(DEFAULTS)}")
    s = {**DEFAULTS, **settings}
    for name, value in s.items():
        label, kind, spec = CONTROLS[name]
        if name == "noise" and value is None:
            continue
        if kind == "choice":
            if value not in spec:
                raise ValueError(f"{name} (the {label}) must be one of {', '.join(map(repr, spec))}, got {value!r}")
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{name} (the {label}) must be a number, got {value!r}") from None
        least = 0 if name == "seed" else 1  # the sliders' ranges are suggestions; code may go beyond them
        if kind == "int" and (not math.isfinite(number) or number != int(number) or number < least):
            raise ValueError(f"{name} (the {label}) must be a whole number >= {least}, got {value!r}")
        if kind != "int" and not (math.isfinite(number) and number >= 0):
            raise ValueError(f"{name} (the {label}) must be a finite number >= 0, got {value!r}")
        if name == "lr" and number <= 0:
            raise ValueError(f"lr (the learning rate) must be > 0, got {value!r}")
        s[name] = int(number) if kind == "int" else number
    return s
