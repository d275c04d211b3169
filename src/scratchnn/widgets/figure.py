"""The kernel playground's figure: decision regions and training curves, redrawn in place, as PNG bytes.

Used by the live ipywidgets playground (:mod:`.live`) and the static explorer (:mod:`.explorer`).
"""

from __future__ import annotations

import contextlib
import io
import math
import textwrap
import warnings

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter, NullLocator
from matplotlib.transforms import offset_copy

from .data import extent as _extent
from .drawing import CLASS_COLOURS, CLASS_MARKERS, region_image
from .training import Run
from .verdict import SEVERE, TEXT_BLUE, TEXT_ORANGE, verdict_colour

__all__ = ["Canvas", "alt_text"]


def alt_text(run: Run, title: str) -> str:
    """The alternative text of a picture drawn by :class:`Canvas`: what it shows, for which run, and the verdict."""
    return f"Decision regions with the data on top, and the cost and accuracy curves: {title}. {run.verdict[1]}"


class Canvas:
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
            self.ax_loss.set_ylabel("cost $J$ (log scale)", color=TEXT_BLUE, labelpad=1)
            self.ax_acc.set_ylabel("classification rate", color=TEXT_ORANGE, labelpad=2)
            self.ax_loss.tick_params(axis="y", colors=TEXT_BLUE, which="both")
            self.ax_acc.tick_params(axis="y", colors=TEXT_ORANGE)
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
                color=TEXT_ORANGE,
                bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": TEXT_ORANGE, "alpha": 0.9},
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
        self.verdict.set_color(verdict_colour(level))
        self.alarm.set_visible(level in SEVERE)
        self.alarm.set_text(level.upper())
        return extent, max(int(run.settings.get("epochs", 1)), 2), first, last


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width))


@contextlib.contextmanager
def _quiet(fontsize):
    """This module's font size, and no warnings: huge losses (up to 1e308) must not print anything while drawn."""
    with mpl.rc_context({"font.size": fontsize}), warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield
