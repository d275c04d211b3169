"""The Python half of the in-page runner: runs one cell's code in the page's shared namespace (inside Pyodide).

runner-worker.js loads this file once per session and calls ``run_cell(code, name, emit)``; ``emit(kind, data)``
sends each piece of output back to the page as it is produced:

    ("stream", {"name": "stdout" | "stderr", "text": ...})   printed text, exactly as written
    ("text", "...")                                          the value of a last bare expression (its repr)
    ("html", "...")                                          an object with _repr_html_, passed to display()
    ("image", {"png": <base64>, "alt": "..."})                each matplotlib figure, drawn with Agg
    ("error", "...")                                         a short traceback (the cell's frames and the last few)
    ("event", {"kind": ..., "data": ...})                      scratchnn_page.send(kind, data), for the page's scripts

Like a notebook: matplotlib's Agg backend, figures drawn after the cell (and by plt.show()); ``myst_nb.glue``
and ``IPython.display`` have small stand-ins, since the chapters use them and neither package is in the page.

Start-up: matplotlib is imported only when a cell imports it (about 2 s less before a first cell that does not
plot), and the font list that Pyodide 0.27's matplotlib wheel ships (written by a newer matplotlib, so 3.8
rejects it and rebuilds it, about a second, at every start) is marked with the version 3.8 expects: its entries
have the same fields; the docstrings matplotlib generates for its Artist classes are built after the cell that
imported pyplot has shown its output (``after_cell``). A KeyboardInterrupt (the page's Stop) and a MemoryError
are explained in words.
"""

import ast
import base64
import contextlib
import importlib.abc
import importlib.metadata
import importlib.util
import io
import os
import re
import sys
import time
import traceback
import types
from pathlib import Path

os.environ["MPLBACKEND"] = "Agg"  # whenever a cell imports matplotlib
# matplotlib version -> FontManager.__version__ its font cache must carry (matplotlib/font_manager.py).
FONT_LIST_VERSIONS = {"3.8.4": 330}

NAMESPACE = {"__name__": "__main__"}
TRACEBACK_FRAMES = 6
_emit = None


class _Stream(io.TextIOBase):
    def __init__(self, name):
        self.name = name

    def writable(self):
        return True

    def write(self, text):
        if text:
            _emit("stream", {"name": self.name, "text": text})
        return len(text)


def _figure_alt(fig):
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    if fig._suptitle is not None and fig._suptitle.get_text():
        titles.insert(0, fig._suptitle.get_text())
    what = "; ".join(titles) if titles else f"{len(fig.axes)} plot(s)"
    return f"Figure drawn in your browser by this cell: {what}"


def _flush_figures():
    if "matplotlib.pyplot" not in sys.modules:
        return
    plt = sys.modules["matplotlib.pyplot"]
    for number in plt.get_fignums():
        fig = plt.figure(number)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", bbox_inches="tight")
        _emit("image", {"png": base64.b64encode(buffer.getvalue()).decode("ascii"), "alt": _figure_alt(fig)})
        plt.close(fig)


def display(*objects, **_):
    for obj in objects:
        if hasattr(obj, "_repr_html_"):
            _emit("html", obj._repr_html_())
        elif hasattr(obj, "_repr_markdown_"):
            _emit("text", obj._repr_markdown_())
        elif "matplotlib.figure" in sys.modules and isinstance(obj, sys.modules["matplotlib.figure"].Figure):
            obj.canvas.draw()
        else:
            _emit("text", repr(obj))


class HTML:
    def __init__(self, data):
        self.data = data

    def _repr_html_(self):
        return self.data


class Markdown:
    def __init__(self, data):
        self.data = data

    def _repr_markdown_(self):
        return self.data


def glue(name, value, display=True):
    """myst_nb.glue: the name only matters to the book build; here the value is shown if asked."""
    if display:
        globals()["display"](value)


def send(kind, data=None):
    """scratchnn_page.send: hand ``data`` (JSON-like: dicts, lists, str, numbers) to the page's scripts.

    The page receives it as a ``scratchnn:<kind>`` event (runner.js). Code can tell that it runs in the page by
    ``"scratchnn_page" in sys.modules``.
    """
    if not isinstance(kind, str) or not kind:
        raise TypeError(f"send(kind, data): kind must be a non-empty str, got {kind!r}")
    _emit("event", {"kind": kind, "data": data})


def _install_stand_ins():
    page = types.ModuleType("scratchnn_page")
    page.send = send
    sys.modules["scratchnn_page"] = page
    ipython = types.ModuleType("IPython")
    ipython_display = types.ModuleType("IPython.display")
    ipython_display.display, ipython_display.HTML, ipython_display.Markdown = display, HTML, Markdown
    ipython.display = ipython_display
    ipython.get_ipython = lambda: None  # matplotlib asks; None means "a plain Python session"
    myst_nb = types.ModuleType("myst_nb")
    myst_nb.glue = glue
    sys.modules.update({"IPython": ipython, "IPython.display": ipython_display, "myst_nb": myst_nb})
    sys.meta_path[:0] = [
        _AfterImport("matplotlib.pyplot", _draw_on_show),
        _AfterImport("matplotlib.artist", _document_artists_later),
    ]


class _AfterImport(importlib.abc.MetaPathFinder):
    """Call ``then(module)`` right after the module ``name`` is first imported (then this finder leaves)."""

    def __init__(self, name, then):
        self.name, self.then = name, then

    def find_spec(self, name, path=None, target=None):
        if name != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        load = spec.loader.exec_module

        def exec_module(module):
            load(module)
            self.then(module)

        spec.loader.exec_module = exec_module
        return spec


def _draw_on_show(pyplot):
    """plt.show() draws the figures into the cell's output."""
    pyplot.show = lambda *args, **kwargs: _flush_figures()


_ARTISTS_WITHOUT_DOCS = []  # matplotlib.artist's own classmethod first, then the classes it has not documented


def _document_artists_later(artist):
    """Build the ``set()`` docstrings of matplotlib's Artist classes after the cell, not while pyplot is imported.

    matplotlib writes a list of every settable property into ``set.__doc__`` of each Artist subclass as it is
    defined: about 0.15 s of the first ``import matplotlib.pyplot`` here. Until ``after_cell()`` these classes
    are only marked as having a generated ``set()`` (which their subclasses check).
    """
    name = "_update_set_signature_and_docstring"

    def later(cls):
        cls.set._autogenerated_signature = True
        _ARTISTS_WITHOUT_DOCS.append(cls)

    _ARTISTS_WITHOUT_DOCS.append(artist.Artist.__dict__[name])
    setattr(artist.Artist, name, classmethod(later))


def after_cell(seconds=0.005):
    """Work put off until the cell's output is shown (the Artist docstrings of ``_document_artists_later``), for
    about ``seconds``, so that a cell run meanwhile waits no longer; True while some is left."""
    deadline = time.perf_counter() + seconds
    while len(_ARTISTS_WITHOUT_DOCS) > 1 and time.perf_counter() < deadline:
        build, cls = _ARTISTS_WITHOUT_DOCS[0], _ARTISTS_WITHOUT_DOCS.pop(1)
        build.__get__(None, cls)()  # matplotlib's classmethod, for this class
    if len(_ARTISTS_WITHOUT_DOCS) == 1:
        sys.modules["matplotlib.artist"].Artist._update_set_signature_and_docstring = _ARTISTS_WITHOUT_DOCS.pop()
    return bool(_ARTISTS_WITHOUT_DOCS)


def _fix_font_list():
    """Mark the wheel's matplotlib font list with the version this matplotlib expects (see the docstring)."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or spec.origin is None:
        return
    # Its metadata looked up where it is installed only: importlib.metadata.version() would also read the directory
    # of the standard library's zip (~0.1 s here).
    folder = str(Path(spec.origin).parent.parent)
    found = next(iter(importlib.metadata.distributions(name="matplotlib", path=[folder])), None)
    expected = FONT_LIST_VERSIONS.get(found.version) if found else None
    if expected is None:
        return
    path = Path(spec.origin).parent / "fontlist.json"
    if not path.is_file():
        return
    text = path.read_text(encoding="utf-8")
    fixed = re.sub(r'"_version": \d+', f'"_version": {expected}', text, count=1)
    if fixed != text:
        path.write_text(fixed, encoding="utf-8")


# IPython line magics the chapters use; they change only how a notebook shows things, so here they do nothing.
HARMLESS_MAGICS = {"xmode", "matplotlib", "config"}
MAGIC = re.compile(r"^(\s*)%(\w+)")


def _without_magics(code):
    lines = []
    for line in code.split("\n"):
        match = MAGIC.match(line)
        if match and match.group(2) in HARMLESS_MAGICS:
            line = f"{match.group(1)}pass  # {line.strip()} (an IPython magic: nothing to do here)"
        elif match:
            raise SyntaxError(f"IPython magic %{match.group(2)} does not work in the page's Python")
        lines.append(line)
    return "\n".join(lines)


def _short_traceback(exc):
    frames = traceback.extract_tb(exc.__traceback__)
    # Drop this file's own frames (run_cell): the reader's cell is the first frame that matters.
    first = next((i for i, frame in enumerate(frames) if frame.filename.startswith("<cell")), len(frames))
    kept = frames[first:]
    cut = len(kept) - TRACEBACK_FRAMES
    lines = ["Traceback (most recent call last):\n"]
    if cut > 0:
        lines.append(f"  ... {cut} more frame(s) ...\n")
        kept = kept[cut:]
    lines += traceback.format_list(kept)
    lines += traceback.format_exception_only(type(exc), exc)
    return "".join(lines)


def run_cell(code, name, emit):
    """Run ``code`` as the cell ``name`` (e.g. "cell 3"); return True when it raised no exception."""
    global _emit
    _emit = emit
    filename = f"<{name}>"
    stdout, stderr = _Stream("stdout"), _Stream("stderr")
    ok = True
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            tree = ast.parse(_without_magics(code), filename)
            last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            exec(compile(tree, filename, "exec"), NAMESPACE)
            if last is not None:
                value = eval(compile(ast.Expression(last.value), filename, "eval"), NAMESPACE)
                if value is not None:
                    display(value)
        except BaseException as exc:  # the reader's code: any error is shown, the session goes on
            ok = False
            if isinstance(exc, KeyboardInterrupt):
                emit("notice", "Stopped: you pressed Stop. The page's variables are kept.")
            elif isinstance(exc, MemoryError):
                emit("notice", f"Python ran out of memory in this cell ({exc or 'MemoryError'}); nothing else is lost.")
            emit("error", _short_traceback(exc))
        try:
            _flush_figures()
        except Exception as exc:
            ok = False
            emit("error", _short_traceback(exc))
    return ok


def start(files):
    """Once per session: the stand-ins, matplotlib's font list, the chapter's data files."""
    _fix_font_list()
    _install_stand_ins()
    os.makedirs("/home/pyodide/book", exist_ok=True)
    for path, text in files.items():
        target = os.path.join("/home/pyodide", path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(text)
    os.chdir("/home/pyodide/book")
