"""A playground in the spirit of TensorFlow Playground, for the course's own network (chapter `playground`).

Two things live here:

- :func:`playground`: ipywidgets controls (learning rate, hidden units and layers, activation, data set, noise,
  epochs, optimizer, seed) that retrain an :class:`~scratchnn.MLP` in Python on every slider release and redraw
  one figure in place: decision regions with the data on top, and the cost and classification-rate curves.
  It needs a live kernel (Jupyter, Binder).
- :func:`static_playground`: a grid of runs precomputed when the book is built, one small PNG each, switched by
  two sliders entirely in the browser (``jslink`` between a slider's ``index`` and a ``Stack``'s
  ``selected_index``), so it works on the static web page with no kernel.

:func:`training_verdict` is the plain-words judgement of a training run that both of them print, and
:func:`train_run` the one training run both of them draw.
"""

from __future__ import annotations

import base64
import contextlib
import html
import io
import math
import time
import warnings
from dataclasses import dataclass, field

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter, NullLocator
from matplotlib.transforms import offset_copy

from . import datasets
from .network import ACTIVATIONS, MLP, History
from .optim import OPTIMIZERS
from .plotting import CLASS_COLOURS, CLASS_MARKERS

try:
    import ipywidgets as widgets
except ImportError as exc:  # pragma: no cover - exercised only without the optional extra
    raise ImportError("scratchnn.widgets needs ipywidgets: install it with pip install 'scratchnn[widgets]'") from exc

__all__ = [
    "DATASETS",
    "DEFAULTS",
    "Playground",
    "Run",
    "make_data",
    "picture",
    "playground",
    "set_picture",
    "static_playground",
    "train_run",
    "training_verdict",
]

# The playground's data sets and the usual value of their noise. About 300 points each, a quarter of them held
# out: small enough that 1000 epochs of full-batch training stay interactive (the chapters' clouds have 1500).
DATASETS = {
    "gaussian clouds": 1.0,  # standard deviation of each cloud (the chapters' clouds have 1)
    "spirals": 0.2,  # jitter of the angle along each arm, in radians
    "XOR": 0.2,  # standard deviation of the points around each corner
}
N_PER_CLASS = 100
TEST_FRACTION = 0.25


def make_data(dataset: str = "gaussian clouds", noise: float | None = None, seed: int = 0, *, n_per_class=N_PER_CLASS):
    """The playground's data: ``X_train, X_test, y_train, y_test`` for one of :data:`DATASETS`.

    `noise` is the standard deviation of the clouds, the angular jitter of the spirals or the spread of the XOR
    corners (None: the data set's usual value, see :data:`DATASETS`). A quarter of the points, chosen with
    `seed`, are held out.
    """
    if dataset not in DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}; expected one of {', '.join(map(repr, DATASETS))}")
    noise = DATASETS[dataset] if noise is None else noise
    if dataset == "gaussian clouds":
        X, y = datasets.gaussian_clouds(n_per_class, noise=noise, seed=seed)
    elif dataset == "spirals":
        X, y = datasets.spirals(n_per_class, noise=noise, seed=seed)
    else:
        X, y = datasets.xor(2 * n_per_class, noise=noise, seed=seed)
    return datasets.train_test_split(X, y, test_fraction=TEST_FRACTION, seed=seed)


# ----------------------------------------------------------------------------------------------------------------
# Judging a run


def training_verdict(
    history: History, *, blowup: float = 10.0, rise_tol: float = 0.1, stall_tol: float = 0.05
) -> tuple[str, str]:
    r"""Say in plain words whether training went well: ``(level, message)``.

    With :math:`J_1` the first loss, :math:`J_E` the last and :math:`J_t` the loss at epoch :math:`t`, the levels
    are tried in this order:

    - ``"diverged"``: ``history.diverged``: the loss stopped being a finite number and training stopped;
    - ``"unstable"``: :math:`J_E > J_1` (training ended *worse* than it started) or
      :math:`\max_t J_t > \text{blowup} \cdot J_1` (the loss exploded, even if it came down again);
    - ``"overshoot"``: at some epoch the loss climbed above the lowest value reached so far by more than
      ``rise_tol`` :math:`\cdot J_1`, :math:`\max_t (J_t - \min_{s \le t} J_s) > \text{rise\_tol} \cdot J_1`:
      steps that overshoot the valley, although training recovered;
    - ``"stalled"``: :math:`J_E > (1 - \text{stall\_tol}) J_1`: the loss hardly moved;
    - ``"ok"`` otherwise.

    A sigmoid network cannot blow up the way a ReLU network can (its hidden units stay in (0, 1)), so a
    learning rate that is too high often shows as ``"overshoot"`` or ``"unstable"`` rather than ``"diverged"``.
    """
    loss = np.asarray(history.loss, dtype=float)
    if history.diverged:
        where = f"at epoch {loss.size + 1}" if loss.size else "in the first epoch"
        return "diverged", (
            f"Diverged: the loss stopped being a finite number {where} and training stopped. "
            "The learning rate is far too high."
        )
    if loss.size == 0:
        return "stalled", "Stalled: no training happened (no epoch ran)."
    first, last = loss[0], loss[-1]
    peak = int(np.argmax(loss))
    if last > first or loss[peak] > blowup * first:
        how = (
            f"the loss ended higher than it started ({first:.3g} \N{RIGHTWARDS ARROW} {last:.3g})"
            if last > first
            else f"the loss blew up to {loss[peak]:.3g} at epoch {peak + 1} (from {first:.3g}) before falling "
            f"to {last:.3g}"
        )
        return "unstable", f"Unstable: {how}. The learning rate is too high."
    low = np.minimum.accumulate(loss)
    t = int(np.argmax(loss - low))
    if loss[t] - low[t] > rise_tol * first:
        return "overshoot", (
            f"Overshoot: the loss went up along the way (from {low[t]:.3g} to {loss[t]:.3g} at epoch {t + 1}) "
            f"before coming down to {last:.3g}. The learning rate is close to too high."
        )
    if last > (1.0 - stall_tol) * first:
        return "stalled", (
            f"Stalled: the loss barely moved ({first:.3g} \N{RIGHTWARDS ARROW} {last:.3g}). "
            "Try a larger learning rate or more epochs."
        )
    return "ok", f"Trained: the loss fell from {first:.3g} to {last:.3g}."


# ----------------------------------------------------------------------------------------------------------------
# One run


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


def train_run(data=None, **settings) -> Run:
    """Train one network with the playground's `settings` (keys of ``DEFAULTS``) and judge it.

    `data` is ``(X_train, X_test, y_train, y_test)``; None makes it with :func:`make_data`. Never raises for bad
    settings: a failure comes back as a :class:`Run` whose ``error`` says what went wrong.
    """
    unknown = set(settings) - set(DEFAULTS)
    if unknown:
        raise TypeError(f"unknown playground settings {sorted(unknown)}; expected some of {sorted(DEFAULTS)}")
    s = {**DEFAULTS, **settings}
    start = time.perf_counter()
    try:
        if data is None:
            data = make_data(s["dataset"], s["noise"], s["seed"])
        X_train, X_test, y_train, y_test = data
        K = int(max(y_train.max(), y_test.max())) + 1
        net = MLP([2] + [int(s["hidden"])] * int(s["layers"]) + [K], s["activation"], seed=s["seed"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # divergence is reported by the verdict, not as a warning
            history = net.fit(
                X_train, y_train, epochs=int(s["epochs"]), lr=float(s["lr"]), optimizer=s["optimizer"], seed=s["seed"]
            )
            train_acc, test_acc = net.score(X_train, y_train), net.score(X_test, y_test)
    except Exception as exc:  # the playground shows the message instead of a traceback
        return Run(s, None, History(), math.nan, math.nan, ("error", f"Error: {exc}"), 0.0, str(exc), data or ())
    return Run(s, net, history, train_acc, test_acc, training_verdict(history), time.perf_counter() - start, None, data)


# ----------------------------------------------------------------------------------------------------------------
# Drawing: one figure whose artists are updated, rendered by the Agg canvas straight to PNG bytes.

_SEVERE = {"diverged", "unstable", "error"}
# Colours of text (verdicts, axis labels): the Okabe-Ito hues of the curves, darkened to reach the 4.5:1 contrast of
# WCAG 2.1 AA both on white and on the light grey (#ced6dd) that the book's dark theme puts behind widgets. Every
# verdict starts with its word ("Trained", "Stalled", ...): the colour repeats the meaning, it never carries it alone.
_TEXT_BLUE, _TEXT_ORANGE = "#005A8C", "#8F3E00"
_VERDICT_COLOUR = {"ok": "#00664A", "stalled": _TEXT_BLUE, "overshoot": _TEXT_ORANGE}


def _extent(X: np.ndarray) -> tuple[float, float, float, float]:
    pad = 0.1 * (X.max(axis=0) - X.min(axis=0)) + 0.1
    lo, hi = X.min(axis=0) - pad, X.max(axis=0) + pad
    return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])


def region_image(net: MLP, extent, resolution: int = 80) -> np.ndarray:
    """RGB image (resolution, resolution, 3) of the class `net` predicts over `extent`, paler where it is unsure.

    Row 0 is the bottom of the plane (draw with ``origin="lower"``).
    """
    x0, x1, y0, y1 = extent
    g0, g1 = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    with np.errstate(all="ignore"):
        probs = net.predict_proba(np.column_stack([g0.ravel(), g1.ravel()]))
    K = probs.shape[1]
    colours = np.array([[int(c[i : i + 2], 16) / 255 for i in (1, 3, 5)] for c in CLASS_COLOURS[:K]])
    top = probs.max(axis=1)
    strength = 0.15 + 0.4 * np.clip((top - 1 / K) / (1 - 1 / K), 0, 1)  # confidence: 1/K -> pale, 1 -> full
    rgb = 1 - strength[:, None] * (1 - colours[np.argmax(probs, axis=1)])
    return rgb.reshape(resolution, resolution, 3)


class _Canvas:
    """A two-panel figure (decision regions | training curves) redrawn in place; :meth:`draw` returns PNG bytes.

    Text is what costs most time in a matplotlib draw, so the axes, ticks and labels are drawn once and kept as
    a background bitmap. A draw restores that bitmap and paints only the artists that change (the regions, the
    points, the curves and the three lines of text), then encodes the pixels. The background is redrawn only when
    the layout changes: another data set (extent of the map), another number of epochs, or a cost outside the
    decades of the log axis, which starts as `loss_limits` and widens to whole decades when a run needs it.
    """

    def __init__(self, figsize=(9.0, 3.6), dpi=80, resolution=80, fontsize=9, compact=False, loss_limits=(0.01, 10)):
        self.resolution = resolution
        self.loss_limits = loss_limits
        self.compact = compact
        self.fontsize = fontsize
        self.fig = Figure(figsize=figsize, dpi=dpi)
        self.canvas = FigureCanvasAgg(self.fig)
        self._layout = None
        self._background = None
        with _quiet(fontsize):
            self.ax_map, self.ax_loss = self.fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.3]})
            self.ax_acc = self.ax_loss.twinx()
            self.image = self.ax_map.imshow(np.ones((2, 2, 3)), origin="lower", interpolation="nearest", aspect="auto")
            self.points = [
                self.ax_map.scatter([], [], s=9 if compact else 14, color=c, marker=m, edgecolors="k", linewidths=0.3)
                for c, m in zip(CLASS_COLOURS[:3], CLASS_MARKERS[:3], strict=True)
            ]
            self.ax_map.set_xticks([])
            self.ax_map.set_yticks([])
            if not compact:
                self.ax_map.set_xlabel("$x_1$", labelpad=2)
                self.ax_map.set_ylabel("$x_2$", labelpad=2)
            self.ax_map.set_title("decision regions, training data", fontsize=fontsize)
            (self.loss_line,) = self.ax_loss.plot([], [], color="#0072B2")
            (self.acc_line,) = self.ax_acc.plot([], [], color="#D55E00")
            self.ax_loss.set_yscale("log")
            self.ax_loss.yaxis.set_minor_locator(NullLocator())
            self.ax_loss.yaxis.set_minor_formatter(NullFormatter())
            self.ax_loss.set_title("training curves", fontsize=fontsize)
            self.ax_loss.set_xlabel("epoch", labelpad=1)
            self.ax_loss.set_ylabel("cost $J$ (log scale)", color=_TEXT_BLUE, labelpad=1)
            self.ax_acc.set_ylabel("classification rate", color=_TEXT_ORANGE, labelpad=2)
            self.ax_loss.tick_params(axis="y", colors=_TEXT_BLUE, which="both")
            self.ax_acc.tick_params(axis="y", colors=_TEXT_ORANGE)
            self.ax_acc.set_ylim(0, 1.02)
            self.ax_acc.set_yticks([0, 0.5, 1])
            self.headline = self.fig.text(0.01, 0.985, "", va="top", ha="left", fontsize=fontsize + 1)
            below = offset_copy(self.fig.transFigure, fig=self.fig, y=-1.6 * (fontsize + 1), units="points")
            self.verdict = self.fig.text(0.01, 0.985, "", va="top", ha="left", fontsize=fontsize, transform=below)
            self.alarm = self.ax_map.text(
                0.5,
                0.5,
                "",
                transform=self.ax_map.transAxes,
                ha="center",
                va="center",
                fontsize=fontsize + 5,
                fontweight="bold",
                color=_TEXT_ORANGE,
                bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": _TEXT_ORANGE, "alpha": 0.9},
                visible=False,
            )
            if compact:
                self.fig.subplots_adjust(left=0.02, right=0.9, bottom=0.13, top=0.75, wspace=0.3)
            else:
                self.fig.subplots_adjust(left=0.04, right=0.93, bottom=0.13, top=0.76, wspace=0.28)
        # Painted on every draw, in this order, over the background; left out of the background itself.
        self.dynamic = [
            self.image,
            *self.points,
            self.alarm,
            self.loss_line,
            self.acc_line,
            self.headline,
            self.verdict,
        ]
        for artist in self.dynamic:
            artist.set_animated(True)

    def draw(self, run: Run, title: str | None = None, colours: int | None = None) -> bytes:
        """PNG bytes of `run`, optionally palette-quantised to `colours` colours."""
        from PIL import Image as PILImage

        with _quiet(self.fontsize):
            layout = self._update(run, title)
            if layout != self._layout:  # new limits or ticks: draw the background again
                self._set_layout(*layout)
                self.canvas.draw()  # everything except the animated artists
                self._background = self.canvas.copy_from_bbox(self.fig.bbox)
                self._layout = layout
            else:
                self.canvas.restore_region(self._background)
            for artist in self.dynamic:
                self.fig.draw_artist(artist)
            picture = PILImage.frombuffer("RGBA", self.canvas.get_width_height(), self.canvas.buffer_rgba())
            picture = picture.convert("RGB")
            if colours is not None:
                picture = picture.quantize(colours, method=PILImage.Quantize.MEDIANCUT)
            out = io.BytesIO()
            picture.save(out, format="PNG", compress_level=3 if colours is None else 9)  # fast live, small static
        return out.getvalue()

    def _set_layout(self, extent, n_epochs, first, last) -> None:
        self.image.set_extent(extent)
        self.ax_map.set_xlim(extent[:2])
        self.ax_map.set_ylim(extent[2:])
        self.ax_loss.set_xlim(1, n_epochs)
        # At most 7 decade ticks, chosen here: matplotlib's own locator can put one at infinity for huge costs.
        step = next(d for d in (1, 2, 5, 10, 20, 25, 50, 100) if (last - first) / d <= 6)
        self.ax_loss.set_yticks(10.0 ** np.arange(step * (first // step), last + 1, step))
        self.ax_loss.set_ylim(10.0**first, 10.0**last)

    def _update(self, run: Run, title: str | None) -> tuple:
        """Give the artists the data of `run`; return the layout it needs: (extent, epochs, first, last decade)."""
        level, message = run.verdict
        if run.data:
            X_train, _, y_train, _ = run.data
            extent = _extent(X_train)
            for k, points in enumerate(self.points):
                points.set_offsets(X_train[y_train == k] if k <= y_train.max() else np.empty((0, 2)))
        else:
            extent = (0.0, 1.0, 0.0, 1.0)
            for points in self.points:
                points.set_offsets(np.empty((0, 2)))
        if run.net is not None:
            self.image.set_data(region_image(run.net, extent, self.resolution))
        else:
            self.image.set_data(np.ones((2, 2, 3)))

        loss = np.asarray(run.history.loss, dtype=float)
        epochs = np.arange(1, loss.size + 1)
        self.loss_line.set_data(epochs, loss)
        self.acc_line.set_data(epochs, run.history.accuracy)
        lo, hi = self.loss_limits
        if loss.size:
            lo, hi = min(lo, max(loss.min(), 1e-6)), max(hi, min(loss.max(), 1e200))
        first, last = math.floor(math.log10(lo)), math.ceil(math.log10(hi))

        if run.net is not None:
            accuracy = f"training accuracy {run.train_accuracy:.1%}, held-out accuracy {run.test_accuracy:.1%}"
        else:
            accuracy = "no network was trained"
        self.headline.set_text(f"{title}: {accuracy}" if title else accuracy)
        self.verdict.set_text(_wrap(message, 125 if not self.compact else 100))
        self.verdict.set_color(_TEXT_ORANGE if level in _SEVERE else _VERDICT_COLOUR.get(level, "black"))
        self.alarm.set_visible(level in _SEVERE)
        self.alarm.set_text(level.upper())
        return extent, max(int(run.settings.get("epochs", 1)), 2), first, last


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


@contextlib.contextmanager
def _quiet(fontsize):
    """This module's font size, and no warnings: huge losses (up to 1e308) must not print anything while drawn."""
    with mpl.rc_context({"font.size": fontsize}), warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield


# ----------------------------------------------------------------------------------------------------------------
# The live playground


class Playground:
    """The live playground: ``controls`` (a dict of ipywidgets), ``image`` (the figure as PNG), ``status`` (HTML).

    Every control has ``continuous_update=False``: training happens when a slider is released. Call
    :meth:`update` to retrain with the current control values (this is what the controls call). Displaying the
    object displays its ``widget``.
    """

    def __init__(self, run_now: bool = True, **settings):
        s = {**DEFAULTS, **settings}
        if s["noise"] is None:
            s["noise"] = DATASETS[s["dataset"]]
        layout = widgets.Layout(width="320px")
        style = {"description_width": "100px"}
        common = {"continuous_update": False, "layout": layout, "style": style}
        self.controls = {
            "lr": widgets.FloatLogSlider(
                value=s["lr"],
                base=10,
                min=-4,
                max=1,
                step=0.1,
                description="learning rate",
                readout_format=".3g",
                **common,
            ),
            "hidden": widgets.IntSlider(value=s["hidden"], min=1, max=32, description="hidden units", **common),
            "layers": widgets.IntSlider(value=s["layers"], min=1, max=3, description="hidden layers", **common),
            "activation": widgets.Dropdown(
                options=list(ACTIVATIONS), value=s["activation"], description="activation", layout=layout, style=style
            ),
            "dataset": widgets.Dropdown(
                options=list(DATASETS), value=s["dataset"], description="data set", layout=layout, style=style
            ),
            "noise": widgets.FloatSlider(value=s["noise"], min=0.0, max=2.0, step=0.05, description="noise", **common),
            "epochs": widgets.IntSlider(value=s["epochs"], min=100, max=5000, step=100, description="epochs", **common),
            "optimizer": widgets.Dropdown(
                options=list(OPTIMIZERS), value=s["optimizer"], description="optimizer", layout=layout, style=style
            ),
            "seed": widgets.IntSlider(value=s["seed"], min=0, max=20, description="seed", **common),
        }
        self.status = widgets.HTML(
            value="<i>Not trained yet: the controls retrain the network in Python and need a live kernel.</i>"
        )
        self.image = picture()
        note = widgets.HTML(
            "<small>These controls run Python: they respond only with a live kernel (Jupyter, or Binder via the "
            "rocket icon). Training starts when you release a slider.</small>"
        )
        self.widget = widgets.VBox(
            [
                widgets.HBox(
                    [
                        widgets.VBox([self.controls[k] for k in ("dataset", "noise", "lr", "epochs", "optimizer")]),
                        widgets.VBox([self.controls[k] for k in ("activation", "hidden", "layers", "seed")]),
                    ]
                ),
                note,
                self.image,
                self.status,
            ]
        )
        self._canvas = _Canvas()
        self._data_key = None
        self._data = None
        self._busy = False
        self.run: Run | None = None
        self.timing = {"data": 0.0, "train": 0.0, "draw": 0.0}
        self.controls["dataset"].observe(self._on_dataset, names="value")
        for name, control in self.controls.items():
            if name != "dataset":
                control.observe(self._on_change, names="value")
        if run_now:
            self.update()

    @property
    def settings(self) -> dict:
        """The current value of every control."""
        return {name: control.value for name, control in self.controls.items()}

    def _on_dataset(self, change) -> None:
        # A new data set starts from its usual noise; one retraining for both changes.
        self._busy = True
        try:
            self.controls["noise"].value = DATASETS[change["new"]]
        finally:
            self._busy = False
        self.update()

    def _on_change(self, change) -> None:
        if not self._busy:
            self.update()

    def update(self) -> Run:
        """Retrain with the current control values and redraw the figure in place. Never raises."""
        try:
            s = self.settings
            start = time.perf_counter()
            key = (s["dataset"], s["noise"], s["seed"])
            if key != self._data_key:
                self._data, self._data_key = make_data(*key), key
            data_done = time.perf_counter()
            run = train_run(self._data, **s)
            train_done = time.perf_counter()
            title = f"{s['dataset']}, learning rate {s['lr']:.3g}, {s['layers']} x {s['hidden']} hidden units"
            set_picture(self.image, self._canvas.draw(run), _alt_text(run, title))
            self.timing = {
                "data": data_done - start,
                "train": train_done - data_done,
                "draw": time.perf_counter() - train_done,
            }
            self.status.value = _status_html(run)
            self.run = run
            return run
        except Exception as exc:  # never a traceback in the learner's face
            self.status.value = f"<b style='color:{_TEXT_ORANGE}'>Something went wrong: {_escape(exc)}</b>"
            self.run = Run(self.settings, None, History(), math.nan, math.nan, ("error", str(exc)), 0.0, str(exc))
            return self.run

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        return f"Playground({self.settings})"


def picture(png: bytes = b"", alt: str = "") -> widgets.HTML:
    """A PNG shown as an ``<img>`` with alt text, in an ``HTML`` widget (ipywidgets' ``Image`` has no alt).

    The raw bytes stay available as the widget's ``png`` attribute; :func:`set_picture` replaces them.
    """
    widget = widgets.HTML(layout=widgets.Layout(max_width="100%"))
    set_picture(widget, png, alt)
    return widget


def set_picture(widget: widgets.HTML, png: bytes, alt: str) -> None:
    """Show `png` (PNG bytes) with the alternative text `alt` in a widget made by :func:`picture`."""
    widget.png = png
    source = base64.b64encode(png).decode("ascii")
    widget.value = (
        f'<img src="data:image/png;base64,{source}" alt="{html.escape(alt)}" style="max-width:100%">' if png else ""
    )


def _alt_text(run: Run, title: str) -> str:
    return f"Decision regions with the data on top, and the cost and accuracy curves: {title}. {run.verdict[1]}"


def _escape(value) -> str:
    return html.escape(str(value))


def _status_html(run: Run) -> str:
    level, message = run.verdict
    colour = _TEXT_ORANGE if level in _SEVERE else _VERDICT_COLOUR.get(level, "black")
    if run.net is None:
        return f"<b style='color:{colour}'>{_escape(message)}</b>"
    return (
        f"<b>training accuracy {run.train_accuracy:.1%}</b> &middot; <b>held-out accuracy {run.test_accuracy:.1%}</b>"
        f" &middot; final cost {run.history.loss[-1] if run.history.loss else math.nan:.4g}"
        f" &middot; {run.history.epochs} epochs<br><span style='color:{colour}'>{_escape(message)}</span>"
    )


def playground(run_now: bool = True, **settings) -> Playground:
    """The live playground (needs a kernel): controls that retrain the network and redraw it in place.

    Parameters
    ----------
    run_now : bool
        Train once with the starting settings so that the figure shows straight away.
    **settings
        Starting values: ``lr`` (1.0), ``hidden`` (3), ``layers`` (1), ``activation`` ("sigmoid"), ``dataset``
        ("gaussian clouds", "spirals" or "XOR"), ``noise`` (None: the data set's usual value), ``epochs``
        (1000), ``optimizer`` ("sgd"), ``seed`` (0).

    Returns
    -------
    Playground
        Display it (end a cell with it). ``.controls``, ``.update()``, ``.status``, ``.image`` and ``.run``
        (the last :class:`Run`) let code and tests drive it.
    """
    return Playground(run_now=run_now, **settings)


# ----------------------------------------------------------------------------------------------------------------
# The static explorer


def _label(value: float) -> str:
    return f"{value:g}"


def render_run_png(run: Run, canvas: _Canvas, title: str, colours: int | None = 128) -> bytes:
    """PNG bytes of `run` drawn on `canvas`, palette-quantised to `colours` colours (None: full colour)."""
    return canvas.draw(run, title=title, colours=colours)


def static_playground(
    lrs=(0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0),
    hidden=(1, 2, 3, 4, 8, 16),
    *,
    datasets=("gaussian clouds", "spirals"),
    start=(1.0, 3),
    figsize=(7.0, 3.2),
    dpi=80,
    colours: int | None = 128,
    **settings,
) -> widgets.VBox:
    """Precompute a grid of runs and return widgets that switch between them in the browser, with no kernel.

    Every (data set, learning rate, hidden size) of `datasets` x `lrs` x `hidden` is trained once (the other
    settings as in :func:`train_run`, e.g. ``epochs``, ``activation``) and drawn to a small PNG ``Image``,
    palette-quantised to `colours` colours. Every picture draws the cost on the same log scale (0.01 to 10,
    wider only for a run that leaves it), so that neighbours compare at a glance.

    The images sit in nested ``Stack`` widgets: for each data set and hidden size one stack of images indexed by
    the learning rate, inside a stack indexed by the hidden size, inside a stack indexed by the data set. The
    learning-rate and hidden-units ``SelectionSlider`` and the data-set ``ToggleButtons`` are ``jslink``-ed to
    the stacks' ``selected_index``: the browser swaps the picture by itself, from the widget state that the book
    build embeds in the page.

    Returns
    -------
    ipywidgets.VBox
        With extra attributes: ``runs``, the dict ``{(dataset, lr, hidden): Run}``; ``lr_slider``,
        ``hidden_slider``, ``dataset_buttons``; ``stack`` (the outermost ``Stack``) and ``links``.
    """
    lrs, hidden, names = [float(v) for v in lrs], [int(v) for v in hidden], list(datasets)
    if start[0] not in lrs or start[1] not in hidden:
        raise ValueError(f"start {start} must be a (learning rate, hidden size) pair of the grid {lrs} x {hidden}")
    s = {**DEFAULTS, **settings}
    canvas = _Canvas(figsize=figsize, dpi=dpi, resolution=60, fontsize=8, compact=True)
    runs, lr_stacks, hidden_stacks = {}, [], []
    for name in names:
        data = make_data(name, s["noise"], s["seed"])
        per_hidden = []
        for m in hidden:
            images = []
            for lr in lrs:
                run = train_run(data, **{**s, "dataset": name, "lr": lr, "hidden": m})
                runs[name, lr, m] = run
                title = f"{name}, learning rate {_label(lr)}, {m} hidden unit{'s' if m > 1 else ''}"
                png = render_run_png(run, canvas, title, colours)
                images.append(picture(png, _alt_text(run, title)))
            per_hidden.append(widgets.Stack(images, selected_index=lrs.index(start[0])))
        lr_stacks += per_hidden
        hidden_stacks.append(widgets.Stack(per_hidden, selected_index=hidden.index(start[1])))
    outer = widgets.Stack(hidden_stacks, selected_index=0)
    style, layout = {"description_width": "110px"}, widgets.Layout(width="100%", max_width="440px")
    lr_slider = widgets.SelectionSlider(
        options=[_label(v) for v in lrs],
        value=_label(start[0]),
        description="learning rate",
        style=style,
        layout=layout,
    )
    hidden_slider = widgets.SelectionSlider(
        options=[str(m) for m in hidden], value=str(start[1]), description="hidden units", style=style, layout=layout
    )
    # The label is the buttons' own description, so that the book's widgets-setup.js can name the group by it;
    # ipywidgets' inline-row class puts it beside the buttons, right-aligned like the sliders' labels.
    dataset_buttons = widgets.ToggleButtons(options=names, value=names[0], description="data set", style=style)
    dataset_buttons.add_class("widget-inline-hbox")
    links = [widgets.jslink((lr_slider, "index"), (stack, "selected_index")) for stack in lr_stacks]
    links += [widgets.jslink((hidden_slider, "index"), (stack, "selected_index")) for stack in hidden_stacks]
    links.append(widgets.jslink((dataset_buttons, "index"), (outer, "selected_index")))
    controls = [dataset_buttons, lr_slider, hidden_slider] if len(names) > 1 else [lr_slider, hidden_slider]
    box = widgets.VBox([*controls, outer])
    box.runs, box.stack, box.links = runs, outer, links
    box.lr_slider, box.hidden_slider, box.dataset_buttons = lr_slider, hidden_slider, dataset_buttons
    return box
