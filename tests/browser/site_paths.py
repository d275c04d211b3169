"""Where the browser tests find the book, the built site and Chromium (environment variables, all optional).

    BOOK_DIR        the project whose _toc.yml, _config.yml and book/ describe the site (default: this repository)
    BOOK_HTML_DIR   the built site (default: $BOOK_DIR/_build/html)
    CHROMIUM        the browser binary (default: /usr/bin/chromium; `scripts/install_browser.sh` installs it)

Screenshots go next to the site, to ``_build/screenshots/`` (git-ignored with _build/).
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BOOK_DIR = Path(os.environ.get("BOOK_DIR", ROOT)).resolve()
HTML_DIR = Path(os.environ.get("BOOK_HTML_DIR", BOOK_DIR / "_build" / "html")).resolve()
SHOT_DIR = HTML_DIR.parent / "screenshots"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
