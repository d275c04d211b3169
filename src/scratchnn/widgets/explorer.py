"""The static explorer: a grid of runs precomputed when the book is built, switched in the browser with no kernel.

Each run is drawn to a small PNG; ``jslink`` between the sliders' ``index`` and nested ``Stack`` widgets'
``selected_index`` lets the browser swap the picture from the widget state that the book build embeds.
"""

from __future__ import annotations

import ipywidgets as widgets

from .data import make_data
from .figure import Canvas
from .live import alt_text, picture
from .settings import DEFAULTS
from .training import Run, train_run

__all__ = ["render_run_png", "static_playground"]

# The static explorer


def _label(value: float) -> str:
    return f"{value:g}"


def render_run_png(run: Run, canvas: Canvas, title: str, colours: int | None = 128) -> bytes:
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
    canvas = Canvas(figsize=figsize, dpi=dpi, resolution=60, fontsize=8, compact=True)
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
                images.append(picture(png, alt_text(run, title)))
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
