"""pytest plugin for `make nbval` (``-p scripts.nbval_glue``): nbval ignores myst-nb glue records.

``glue(name, value, display=False)`` emits a display_data output whose MIME keys start with
``application/papermill.record/``. The book build moves those records out of the executed notebook into its
glue store, so the notebook in _build/jupyter_execute has no such output, but re-running the cell produces one.
Without this plugin every ``# NBVAL_CHECK_OUTPUT`` cell that glues a value fails with "Unexpected output fields".
The glued values themselves are shown in the prose and guarded by the chapters' assertion cells.
"""

from __future__ import annotations

GLUE_PREFIX = "application/papermill.record/"


class SkipWithGlue(tuple):
    """nbval's tuple of output keys not to compare, which also contains every glue record key."""

    def __contains__(self, key) -> bool:
        return (isinstance(key, str) and key.startswith(GLUE_PREFIX)) or tuple.__contains__(self, key)


def pytest_collection_modifyitems(items):
    for item in items:
        notebook = item.parent
        skip = getattr(notebook, "skip_compare", None)
        if skip is not None and not isinstance(skip, SkipWithGlue):
            notebook.skip_compare = SkipWithGlue(skip)
