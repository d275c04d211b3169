"""The kernel playground: ipywidgets controls that retrain the network in Python and redraw it in place.

It needs a live kernel (Jupyter, Binder). Its controls come from :data:`.settings.CONTROLS`, its runs from
:func:`.training.train_run`, its picture from :class:`.figure.Canvas` and its words from :mod:`.verdict`: the
same code as the page playground's.
"""

from __future__ import annotations

import base64
import html
import math
import os
import time

import ipywidgets as widgets

from ..network import History
from .data import DATASETS, make_data
from .figure import Canvas, alt_text
from .settings import CONTROLS, check_settings
from .training import Run, train_run
from .verdict import verdict_colour

__all__ = ["Playground", "PlaygroundPicture", "alt_text", "picture", "playground", "set_picture"]

# Set to "off" by the book build (scripts/build_book.py): the site has no kernel and ships no widget manager.
WIDGETS_ENV = "SCRATCHNN_WIDGETS"


def _control(name: str, value, layout, style) -> widgets.ValueWidget:
    """The ipywidgets control of the setting `name`, from its entry in :data:`CONTROLS`."""
    label, kind, spec = CONTROLS[name]
    if kind == "choice":
        return widgets.Dropdown(options=list(spec), value=value, description=label, layout=layout, style=style)
    common = {"value": value, "description": label, "continuous_update": False, "layout": layout, "style": style}
    low, high, step = spec
    if kind == "log":
        return widgets.FloatLogSlider(base=10, min=low, max=high, step=step, readout_format=".3g", **common)
    if kind == "int":
        return widgets.IntSlider(min=low, max=high, step=step, **common)
    return widgets.FloatSlider(min=low, max=high, step=step, **common)


class Playground:
    """The live playground: ``controls`` (a dict of ipywidgets), ``image`` (the figure as PNG), ``status`` (HTML).

    Every control has ``continuous_update=False``: training happens when a slider is released. Call
    :meth:`update` to retrain with the current control values (this is what the controls call). Displaying the
    object displays its ``widget``.
    """

    def __init__(self, run_now: bool = True, **settings):
        s = check_settings(settings)
        if s["noise"] is None:
            s["noise"] = DATASETS[s["dataset"]]
        layout = widgets.Layout(width="320px")
        style = {"description_width": "100px"}
        self.controls = {name: _control(name, s[name], layout, style) for name in CONTROLS}
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
        self._canvas = Canvas()
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
            set_picture(self.image, self._canvas.draw(run), alt_text(run, title))
            self.timing = {
                "data": data_done - start,
                "train": train_done - data_done,
                "draw": time.perf_counter() - train_done,
            }
            self.status.value = _status_html(run)
            self.run = run
            return run
        except Exception as exc:  # never a traceback in the learner's face
            self.status.value = f"<b style='color:{verdict_colour('error')}'>Something went wrong: {_escape(exc)}</b>"
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


def _escape(value) -> str:
    return html.escape(str(value))


def _status_html(run: Run) -> str:
    level, message = run.verdict
    colour = verdict_colour(level)
    if run.net is None:
        return f"<b style='color:{colour}'>{_escape(message)}</b>"
    return (
        f"<b>training accuracy {run.train_accuracy:.1%}</b> &middot; <b>held-out accuracy {run.test_accuracy:.1%}</b>"
        f" &middot; final cost {run.history.loss[-1] if run.history.loss else math.nan:.4g}"
        f" &middot; {run.history.epochs} epochs<br><span style='color:{colour}'>{_escape(message)}</span>"
    )


class PlaygroundPicture:
    """What :func:`playground` shows where no widgets can run (the book build): its first picture and verdict.

    ``run`` is the :class:`Run` with the starting settings and ``png`` its picture; it displays as HTML (an
    ``<img>`` with its size and alternative text, and the status line), with no widget state.
    """

    def __init__(self, **settings):
        s = check_settings(settings)
        if s["noise"] is None:
            s["noise"] = DATASETS[s["dataset"]]
        self.settings = s
        self.run = train_run(make_data(s["dataset"], s["noise"], s["seed"]), **s)
        title = f"{s['dataset']}, learning rate {s['lr']:.3g}, {s['layers']} x {s['hidden']} hidden units"
        canvas = Canvas()
        self.png = canvas.draw(self.run)
        self.alt = alt_text(self.run, title)
        self.size = canvas.fig.canvas.get_width_height()

    def _repr_html_(self) -> str:
        source = base64.b64encode(self.png).decode("ascii")
        width, height = self.size
        return (
            '<div class="scratchnn-kernel-playground">'
            "<p><i>A picture of the kernel playground at its starting settings: its controls appear, and retrain"
            " the network, only in Jupyter (Binder via the rocket icon, or your own).</i></p>"
            f'<img src="data:image/png;base64,{source}" width="{width}" height="{height}" '
            f'alt="{html.escape(self.alt)}" loading="lazy" style="max-width:100%;height:auto">'
            f"<p>{_status_html(self.run)}</p></div>"
        )

    def __repr__(self) -> str:
        return f"PlaygroundPicture({self.settings})"


def playground(run_now: bool = True, **settings) -> Playground | PlaygroundPicture:
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
        (the last :class:`Run`) let code and tests drive it. Where the environment variable
        ``SCRATCHNN_WIDGETS`` is ``off`` (the book build: the site has no kernel), a :class:`PlaygroundPicture`
        instead, which creates no widget.
    """
    if os.environ.get(WIDGETS_ENV, "").lower() == "off":
        return PlaygroundPicture(**settings)
    return Playground(run_now=run_now, **settings)
