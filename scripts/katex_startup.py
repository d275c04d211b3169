"""Sphinx extension: give KaTeX's build-time renderer time to start on a busy machine.

sphinxcontrib-katex (``katex_prerender``) starts a Node.js server for the formulas and waits at most its
``STARTUP_TIMEOUT`` of 5 s for it. On a loaded 2-core machine Node can take longer; the build then fails in
``write_doc``, and the server started too late is never stopped and keeps the build's output pipe open, so a
caller that captures the output waits for ever (seen in CI: a throwaway test book hung for 600 s).
"""

import sphinxcontrib.katex

STARTUP_SECONDS = 60.0


def setup(app):
    sphinxcontrib.katex.STARTUP_TIMEOUT = STARTUP_SECONDS  # read when the server starts, at the first formula
    return {"parallel_read_safe": True, "parallel_write_safe": True}
