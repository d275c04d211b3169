"""Serve the built book on 127.0.0.1 so that Python runs in its pages (`make serve`).

    python scripts/serve.py [HTML_DIR] [--port 8000]

Browsers do not run WebAssembly or workers from file:// pages; any static web server works. This one also sends
the two headers that make a page cross-origin isolated (COOP/COEP), which lets the runner's Stop button interrupt
Python and keep the page's variables (elsewhere Stop ends Python). Every file of the site is its own, so
``require-corp`` blocks nothing.
"""

from __future__ import annotations

import argparse
import functools
import sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

ISOLATION_HEADERS = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
    "Cross-Origin-Resource-Policy": "same-origin",
}


class IsolatedHandler(SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".mjs": "text/javascript",
    }

    def end_headers(self):
        for name, value in ISOLATION_HEADERS.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format, *args):  # one line per request is noise for a reader
        pass


def make_server(html_dir: Path, port: int) -> ThreadingHTTPServer:
    handler = functools.partial(IsolatedHandler, directory=str(html_dir))
    return ThreadingHTTPServer(("127.0.0.1", port), handler)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html_dir", nargs="?", type=Path, default=Path("_build/html"))
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    if not (args.html_dir / "index.html").is_file():
        print(f"serve.py: no {args.html_dir / 'index.html'}: run `make book` first", file=sys.stderr)
        return 1
    try:
        server = make_server(args.html_dir, args.port)
    except OSError as error:
        print(f"serve.py: cannot listen on 127.0.0.1:{args.port} ({error}); try --port 8001", file=sys.stderr)
        return 1
    print(
        f"Serving {args.html_dir} (cross-origin isolated). Open http://127.0.0.1:{server.server_port}/ ; Ctrl+C stops."
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
