"""The Python half of the playground that trains in the web page (book/playground.md, assets/playground/).

It runs in the page's Python (Pyodide, started by the in-page runner) and talks to the page's script,
``assets/playground/playground.js``, through ``scratchnn_page.send("playground", frame)``. The script calls
:func:`reset` when a setting changes, :func:`advance` for each frame while training plays, and
:func:`add_point` / :func:`clear_points` / :func:`restore_points` for the reader's own points. Each call sends
one frame: a dict of plain numbers, lists and strings (see :meth:`PageSession.frame`); the decision regions
travel as the base64 of an RGBA array (:func:`.drawing.region_rgba`) that the script paints on a canvas.

The same data, settings, training, verdict and region drawing as the kernel playground (:mod:`.live`).
"""

from __future__ import annotations

import base64
import math
import time

import numpy as np

from .data import extent, make_data, n_classes
from .drawing import CLASS_COLOURS, region_rgba
from .settings import check_settings
from .training import StepError, Trainer
from .verdict import training_verdict, verdict_colour

__all__ = ["PageSession", "add_point", "advance", "clear_points", "reset", "restore_points", "session"]

RESOLUTION = 100  # pixels of the region picture per side, before the browser scales it to the canvas
FRAME_SECONDS = 0.03  # training time aimed at per frame: a picture every ~50 ms with drawing and messages


class PageSession:
    """One page's playground: the settings, the data (generated and the reader's points) and the training."""

    def __init__(self, send=None):
        self._send = send
        self.settings = check_settings({})
        self.added = np.empty((0, 3))  # the reader's points: x, y, class
        self.cleared = False
        self.data = None
        self.trainer = None
        self.view = (0.0, 1.0, 0.0, 1.0)
        self.chunk = 10
        self.step = None
        self.last_error = ""

    def send(self, frame: dict) -> dict:
        if self._send is None:
            import scratchnn_page  # only in the web page (assets/runner/kernel.py)

            self._send = scratchnn_page.send
        self._send("playground", frame)
        return frame

    def _data(self):
        s = self.settings
        X_train, X_test, y_train, y_test = make_data(s["dataset"], s["noise"], s["seed"])
        self.view = extent(np.vstack([X_train, X_test]))
        if self.cleared:
            X_train, y_train = np.empty((0, 2)), np.empty(0, dtype=int)
        if len(self.added):
            X_train = np.vstack([X_train, self.added[:, :2]])
            y_train = np.concatenate([y_train, self.added[:, 2].astype(int)])
        return X_train, X_test, y_train, y_test

    def reset(self, settings: dict | None = None, step=None) -> dict:
        """Start training again with `settings` (None: the current ones) and the training step `step`."""
        if settings is not None:
            new = check_settings(settings)
            if (new["dataset"], new["noise"], new["seed"]) != tuple(
                self.settings[k] for k in ("dataset", "noise", "seed")
            ):
                if new["dataset"] != self.settings["dataset"]:
                    self.added, self.cleared = np.empty((0, 3)), False
            self.settings = new
        self.step = step
        self.data = self._data()
        self.trainer = Trainer(self.settings, self.data, step)
        self.last_error = ""
        return self.advance(reset=True)

    def add_point(self, x: float, y: float, k: int) -> dict:
        """Add a training point of class `k` at (x, y) and train again from the start."""
        K = n_classes(self.settings["dataset"])
        if not (isinstance(k, int) and 0 <= k < K) or not (math.isfinite(x) and math.isfinite(y)):
            raise ValueError(f"add_point(x, y, k): k must be a class 0..{K - 1} and x, y finite, got {(x, y, k)!r}")
        self.added = np.vstack([self.added, [[x, y, k]]])
        return self.reset(step=self.step)

    def clear_points(self) -> dict:
        """Remove every training point (generated and added): the reader then places their own."""
        self.added, self.cleared = np.empty((0, 3)), True
        return self.reset(step=self.step)

    def restore_points(self) -> dict:
        """Back to the data set's own points, without the reader's."""
        self.added, self.cleared = np.empty((0, 3)), False
        return self.reset(step=self.step)

    def advance(self, epochs: int | None = None, *, reset: bool = False) -> dict:
        """Train `epochs` more epochs (None: as many as fit in a frame) and send the frame."""
        if self.trainer is None:  # a new Python session (the reader restarted it): start again
            return self.reset(step=self.step)
        t = self.trainer
        start = time.perf_counter()
        before = t.epoch
        error = ""
        if reset:
            try:
                t.check_step()
            except StepError as exc:
                error = str(exc)
        else:
            try:
                t.advance(epochs if epochs is not None else self.chunk)
            except StepError as exc:
                error = str(exc)
            if epochs is None and t.epoch > before:  # aim at FRAME_SECONDS of training per frame
                per_epoch = (time.perf_counter() - start) / (t.epoch - before)
                self.chunk = int(min(500, max(1, FRAME_SECONDS / max(per_epoch, 1e-6))))
        if reset:
            t.test_loss = t.cost(*t.data[1::2])
        return self.send(self.frame(t.history.loss[before:], error, reset))

    def frame(self, new_loss, error: str, reset: bool) -> dict:
        """What the page draws: regions, costs, accuracies, the verdict when done, the error if the step failed."""
        t, s = self.trainer, self.settings
        X_train, X_test, y_train, y_test = self.data
        K = n_classes(s["dataset"])
        frame = {
            "reset": reset,
            "epoch": t.epoch,
            "epochs": s["epochs"],
            "loss": [float(v) for v in new_loss],
            "test_loss": float(t.test_loss),
            "train_accuracy": t.accuracy(X_train, y_train),
            "test_accuracy": t.accuracy(X_test, y_test),
            "done": bool(t.done or error),
            "error": error,
            "n_train": len(X_train),
        }
        if not error:
            rgba = region_rgba(t.net, self.view, RESOLUTION)
            frame["rgba"] = base64.b64encode(rgba.tobytes()).decode("ascii")
            frame["resolution"] = RESOLUTION
        if reset:
            frame["extent"] = list(self.view)
            frame["points"] = [[float(a), float(b), int(k)] for (a, b), k in zip(X_train, y_train, strict=True)]
            frame["colours"] = CLASS_COLOURS[:K]
            frame["classes"] = K
        if not len(X_train):
            frame["verdict"] = ["stalled", "No training points: click on the picture to add some.", "black"]
        elif frame["done"] and not error:
            level, message = training_verdict(t.history)
            frame["verdict"] = [level, message, verdict_colour(level)]
        return frame


session = PageSession()


def reset(settings: dict | None = None, step=None) -> dict:
    """:meth:`PageSession.reset` of the page's one session."""
    return session.reset(settings, step)


def advance(epochs: int | None = None) -> dict:
    return session.advance(epochs)


def add_point(x: float, y: float, k: int) -> dict:
    return session.add_point(float(x), float(y), int(k))


def clear_points() -> dict:
    return session.clear_points()


def restore_points() -> dict:
    return session.restore_points()
