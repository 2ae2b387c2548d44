"""A static site served on 127.0.0.1 the way a static host serves it: gzip and keep-alive.

The phone benchmark's transfer figure is what a reader downloads; Python's plain
``http.server`` sends every file uncompressed over a new connection per request, which would
triple the bytes of text files and weigh the page's many small files unevenly. Compressed bodies
are kept per file (and its modification time), so repeated runs do not measure gzip itself.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import socketserver
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# what static hosts compress: text, scripts, styles, JSON, SVG (Pagefind's index files and its
# WebAssembly are compressed already)
_COMPRESSIBLE = ("text/", "application/javascript", "application/json", "application/xml", "image/svg+xml")


class _Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a browser talks to a real host
    # headers and body leave in two writes; with Nagle's algorithm on, the body waits for the
    # client's delayed acknowledgement of the headers: 40 ms on every response of a kept-alive
    # connection, which no real host adds (it serialised the page's render-blocking files)
    disable_nagle_algorithm = True

    def __init__(self, *args: object, cache: dict[tuple[str, int], bytes] | None, **kwargs: object) -> None:
        self._cache = cache  # None: nothing compressed
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def log_message(self, format: str, *args: object) -> None:  # the benchmark's output stays readable
        pass

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?", 1)[0].endswith("/"):
            path = path / "index.html"
        kind = self.guess_type(str(path))
        accepted = "gzip" in self.headers.get("Accept-Encoding", "")
        if self._cache is None or not (accepted and path.is_file() and kind.startswith(_COMPRESSIBLE)):
            super().do_GET()
            return
        key = (str(path), path.stat().st_mtime_ns)
        if key not in self._cache:
            self._cache[key] = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        body = self._cache[key]
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A browser that closes a kept-alive connection is not an error of the server: socketserver
        would print its traceback into the benchmark's output (the suite's tiny runs read that output)."""
        if isinstance(sys.exc_info()[1], ConnectionError):  # reset, aborted, broken pipe
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


@contextmanager
def serve(directory: Path, compress: bool = True) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 at a free port; yields the base URL (ending in ``/``).

    ``compress=False`` serves every file as it is (what ``tests/browser_support.serve_directory``
    does, which could use this server instead).
    """
    handler = functools.partial(_Handler, directory=str(directory), cache={} if compress else None)
    with _Server(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, name=f"bench-http-{directory.name}", daemon=True).start()
        try:
            yield "http://{}:{}/".format(*server.server_address[:2])
        finally:
            server.shutdown()  # serve_forever returns; leaving the with block closes the socket
