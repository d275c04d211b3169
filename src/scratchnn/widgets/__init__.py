"""Playgrounds in the spirit of TensorFlow Playground, for the course's own network (chapter `playground`).

One job per module:

- :mod:`.data`: the playground's data sets; :mod:`.settings`: its settings, their ranges and their check;
- :mod:`.training`: one whole run (:func:`train_run`) and training a few epochs at a time (:class:`.Trainer`);
- :mod:`.verdict`: how a run went, in plain words, and the colours of those words;
- :mod:`.drawing`: the decision regions as pixels; :mod:`.figure`: the kernel playground's matplotlib figure;
- :mod:`.live`: the ipywidgets playground (needs a kernel); :mod:`.explorer`: the precomputed static explorer;
- :mod:`.page`: the Python half of the playground that trains in the web page (in Pyodide, with no kernel).

The first group needs only numpy (and matplotlib); :func:`playground` needs
ipywidgets, imported when first asked for, so that the page's Python (which has no ipywidgets) can use the rest.
"""

from __future__ import annotations

import importlib

from .data import DATASETS, make_data
from .settings import CONTROLS, DEFAULTS, check_settings
from .training import Run, Trainer, train_run
from .verdict import training_verdict

__all__ = [
    "CONTROLS",
    "DATASETS",
    "DEFAULTS",
    "Explorer",
    "Playground",
    "PlaygroundPicture",
    "Run",
    "Trainer",
    "check_settings",
    "make_data",
    "picture",
    "playground",
    "set_picture",
    "static_playground",
    "train_run",
    "training_verdict",
]

_NEEDS_IPYWIDGETS = {
    "Playground": "live",
    "picture": "live",
    "playground": "live",
    "set_picture": "live",
    "PlaygroundPicture": "live",
}


# Imported when first asked for too (they draw with matplotlib), but need no ipywidgets.
_LAZY = {"Explorer": "explorer", "static_playground": "explorer"}


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    if name in _NEEDS_IPYWIDGETS:
        try:
            module = importlib.import_module(f".{_NEEDS_IPYWIDGETS[name]}", __name__)
        except ImportError as exc:  # pragma: no cover - exercised only without the optional extra
            raise ImportError(
                f"scratchnn.widgets.{name} needs ipywidgets: install it with pip install 'scratchnn[widgets]'"
            ) from exc
        return getattr(module, name)
    raise AttributeError(f"module 'scratchnn.widgets' has no attribute {name!r}")
