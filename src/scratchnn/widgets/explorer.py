"""The static explorer: a grid of runs precomputed when the book is built, switched in the browser with no kernel.

Each run is drawn to a small PNG file. The explorer itself is plain HTML: a labelled form (a select for the data
set, two range inputs for the learning rate and the hidden units) and one ``<img>``. The site's
``assets/playground/explorer.js`` swaps the image's source and alternative text when a control changes, so the
browser fetches only the picture on show; without JavaScript the starting picture is shown and the controls stay
hidden. No ipywidgets and no widget manager are involved.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .data import make_data
from .figure import Canvas, alt_text
from .settings import DEFAULTS
from .training import Run, train_run

__all__ = ["EXPLORER_DIR_ENV", "Explorer", "render_run_png", "static_playground"]

# Set by the book build (scripts/build_book.py) to the folder it copies to the site's _static/explorer/.
EXPLORER_DIR_ENV = "SCRATCHNN_EXPLORER_DIR"


def _label(value: float) -> str:
    return f"{value:g}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def render_run_png(run: Run, canvas: Canvas, title: str, colours: int | None = 128) -> bytes:
    """PNG bytes of `run` drawn on `canvas`, palette-quantised to `colours` colours (None: full colour)."""
    return canvas.draw(run, title=title, colours=colours)


@dataclass
class Explorer:
    """The precomputed runs of :func:`static_playground` and their pictures; displays itself as an HTML form.

    ``runs`` and ``pngs`` map ``(dataset, lr, hidden)`` to the :class:`Run` and its PNG bytes, ``alts`` to the
    picture's alternative text. ``url`` is the folder (relative to the page) the pictures are served from:
    :meth:`save` writes them there under :meth:`filename`. With ``url=None`` (e.g. in Jupyter, where no site serves
    the files) the starting picture is embedded in the HTML instead and the controls are left out.
    """

    datasets: list[str]
    lrs: list[float]
    hidden: list[int]
    start: tuple[str, float, int]
    size: tuple[int, int]
    url: str | None = None
    runs: dict = field(default_factory=dict)
    pngs: dict = field(default_factory=dict)
    alts: dict = field(default_factory=dict)

    @staticmethod
    def filename(key: tuple[str, float, int]) -> str:
        name, lr, m = key
        return f"{_slug(name)}-lr{_label(lr)}-h{m}.png"

    def save(self, folder) -> list[Path]:
        """Write every picture into `folder` (created if needed); return the paths written."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for key, png in self.pngs.items():
            path = folder / self.filename(key)
            path.write_bytes(png)
            written.append(path)
        return written

    def _src(self, key) -> str:
        if self.url is None:
            return "data:image/png;base64," + base64.b64encode(self.pngs[key]).decode("ascii")
        return self.url + self.filename(key)

    def _range(self, name: str, label: str, values: list, start) -> str:
        labels = [_label(v) for v in values]
        index = values.index(start)
        return (
            f'<div class="ex-control"><label for="ex-{name}">{label}</label>'
            f'<input type="range" id="ex-{name}" name="{name}" min="0" max="{len(values) - 1}" step="1" '
            f'value="{index}" aria-valuetext="{labels[index]}" data-labels="{html.escape(json.dumps(labels))}">'
            f'<output for="ex-{name}">{labels[index]}</output></div>'
        )

    def _repr_html_(self) -> str:
        width, height = self.size
        name, lr, m = self.start
        img = (
            f'<img class="ex-picture" src="{html.escape(self._src(self.start))}" width="{width}" height="{height}" '
            f'alt="{html.escape(self.alts[self.start])}" loading="lazy" decoding="async">'
        )
        if self.url is None:
            return f'<div class="scratchnn-explorer">{img}</div>'
        options = "".join(
            f'<option value="{i}"{" selected" if d == name else ""}>{html.escape(d)}</option>'
            for i, d in enumerate(self.datasets)
        )
        table = {
            f"{self.datasets.index(d)}-{self.lrs.index(r)}-{self.hidden.index(h)}": [
                self._src((d, r, h)),
                self.alts[d, r, h],
            ]
            for d, r, h in self.pngs
        }
        # A data block, not a script: a strict Content-Security-Policy lets it be (explorer.js reads it).
        data = json.dumps(table, separators=(",", ":")).replace("</", "<\\/")
        return (
            '<form class="scratchnn-explorer" aria-label="Explorer of precomputed runs">'
            '<fieldset class="ex-controls" hidden><legend>Precomputed run to show</legend>'
            f'<div class="ex-control"><label for="ex-dataset">data set</label>'
            f'<select id="ex-dataset" name="dataset">{options}</select></div>'
            f"{self._range('lr', 'learning rate', self.lrs, lr)}"
            f"{self._range('hidden', 'hidden units', self.hidden, m)}"
            "</fieldset>"
            f"{img}"
            '<p class="ex-announce" aria-live="polite"></p>'
            f'<script type="application/json" class="ex-pictures">{data}</script>'
            "</form>"
        )


def static_playground(
    lrs=(0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0),
    hidden=(1, 2, 3, 4, 8, 16),
    *,
    datasets=("gaussian clouds", "spirals"),
    start=(1.0, 3),
    url: str | None = None,
    site_url: str = "../_static/explorer/",
    figsize=(7.0, 3.2),
    dpi=80,
    colours: int | None = 128,
    **settings,
) -> Explorer:
    """Precompute a grid of runs and return an :class:`Explorer` that shows them as HTML, with no kernel.

    Every (data set, learning rate, hidden size) of `datasets` x `lrs` x `hidden` is trained once (the other
    settings as in :func:`train_run`, e.g. ``epochs``, ``activation``) and drawn to a small PNG, palette-quantised
    to `colours` colours. Every picture draws the cost on the same log scale (0.01 to 10, wider only for a run
    that leaves it), so that neighbours compare at a glance.

    `url` is the folder, relative to the page, from which a site serves the pictures once :meth:`Explorer.save`
    has written them. With None (in Jupyter) the starting picture is embedded and there are no controls, except
    during the book build: there the environment variable ``SCRATCHNN_EXPLORER_DIR`` names a folder, the pictures
    are saved into it and `url` becomes `site_url`, where the build serves that folder.
    """
    lrs, hidden, names = [float(v) for v in lrs], [int(v) for v in hidden], list(datasets)
    if start[0] not in lrs or start[1] not in hidden:
        raise ValueError(f"start {start} must be a (learning rate, hidden size) pair of the grid {lrs} x {hidden}")
    s = {**DEFAULTS, **settings}
    canvas = Canvas(figsize=figsize, dpi=dpi, resolution=60, fontsize=8, compact=True)
    size = (round(figsize[0] * dpi), round(figsize[1] * dpi))
    explorer = Explorer(names, lrs, hidden, (names[0], float(start[0]), int(start[1])), size, url)
    for name in names:
        data = make_data(name, s["noise"], s["seed"])
        for m in hidden:
            for lr in lrs:
                run = train_run(data, **{**s, "dataset": name, "lr": lr, "hidden": m})
                title = f"{name}, learning rate {_label(lr)}, {m} hidden unit{'s' if m > 1 else ''}"
                key = (name, lr, m)
                explorer.runs[key] = run
                explorer.pngs[key] = render_run_png(run, canvas, title, colours)
                explorer.alts[key] = alt_text(run, title)
    if url is None and os.environ.get(EXPLORER_DIR_ENV):
        explorer.save(os.environ[EXPLORER_DIR_ENV])
        explorer.url = site_url
    return explorer
