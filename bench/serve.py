"""``mkdocs serve`` after editing one memo: how long a contributor waits for the page to rebuild."""

from __future__ import annotations

import contextlib
import os
import queue
import re
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

from bench.builds import ENV, PYTHON
from bench.tables import table


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_rebuild(project: Path, memo: Path, timeout: float = 900) -> dict[str, float | str]:
    """Start ``mkdocs serve``, wait for the first build, edit one memo, time the rebuild from its log."""
    port = _free_port()
    cmd = [PYTHON, "-m", "mkdocs", "serve", "--strict", "-a", f"127.0.0.1:{port}", "-f", str(project / "mkdocs.yml")]
    # a session of its own: stopping it stops its background Pagefind run too (terminating only the
    # server left the indexer running on, an orphan that skewed the next measurements)
    proc = subprocess.Popen(cmd, cwd=project, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    lines: queue.Queue[tuple[float, str]] = queue.Queue()
    log: list[str] = []  # the whole serve log, for the error message

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            log.append(line.rstrip())
            lines.put((time.perf_counter(), line.rstrip()))

    threading.Thread(target=pump, daemon=True).start()

    def wait_for(pattern: str, limit: float) -> tuple[float, str] | None:
        end = time.perf_counter() + limit
        while time.perf_counter() < end:
            try:
                stamp, line = lines.get(timeout=0.5)
            except queue.Empty:
                if proc.poll() is not None and lines.empty():
                    return None
                continue
            if re.search(pattern, line):
                return stamp, line
        return None

    original = memo.read_text(encoding="utf-8")
    result: dict[str, float | str] = {}
    start = time.perf_counter()
    try:
        first = wait_for(r"Documentation built in", timeout)
        served = wait_for(r"Serving on", 60) if first else None
        if not served:
            return {"error": "mkdocs serve did not finish its first build"}
        result["first_build"] = float(re.search(r"built in ([\d.]+)", first[1]).group(1))  # type: ignore[union-attr,index]
        result["first_wall"] = first[0] - start
        time.sleep(1.0)  # let the file watcher settle before the edit
        edited = original.replace("\n# ", "\nThe editors added this sentence to time a rebuild.\n\n# ", 1)
        t0 = time.perf_counter()
        memo.write_text(edited, encoding="utf-8")
        detected = wait_for(r"Detected file changes", 60)
        # The rebuild ends with livereload's "Reloading browsers" (each carries the time of day), or
        # with an error (the server serves on: stop at it instead of waiting out the timeout). Not
        # with "Documentation built in …": MkDocs' command line drops a build message it has logged
        # before (utils.DuplicateFilter), so a rebuild as fast as the first build, to the hundredth
        # of a second, logs none, and waiting for it hung the bench until its timeout.
        built: tuple[float, str] | None = None
        end = None
        while detected:
            end = wait_for(r"Documentation built in|Reloading browsers|ERROR|Aborted", timeout)
            if not end or "Documentation built in" not in end[1]:
                break
            built = end
        if not end or "Reloading browsers" not in end[1]:
            tail = " | ".join(line for line in log[-12:] if line.strip())
            return {**result, "error": f"no rebuild seen in the serve log: {tail}"}
        # not logged again: the rebuild took what the first build took, to the hundredth
        result["rebuild"] = float(re.search(r"built in ([\d.]+)", built[1]).group(1)) if built else result["first_build"]  # type: ignore[union-attr]
        result["edit_to_built"] = (built or end)[0] - t0
        result["edit_to_reload"] = end[0] - t0
        return result
    finally:
        _stop_group(proc)  # first: restoring the memo would start a rebuild
        memo.write_text(original, encoding="utf-8")


def _stop_group(proc: subprocess.Popen) -> None:
    """SIGTERM to the server and everything it started (its group), SIGKILL if it does not stop."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=15)
    with contextlib.suppress(ProcessLookupError):  # whatever of the group outlived the SIGTERM
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=15)


def serve_table(project: Path, n: int) -> str:
    """The serve rebuild of the first memo of ``project`` (N memos), as a printed table or its error."""
    memo = sorted((project / "docs" / "documents").glob("1*.md"))[0]
    r = serve_rebuild(project, memo)
    if "error" in r:
        return f"\nmkdocs serve, N={n}: {r['error']}"
    return table(f"mkdocs serve, N={n}: rebuild after editing one memo", ["first build s", "rebuild s (log)", "edit → built s", "edit → reload s"],
                 [[f"{r['first_build']:.1f}", f"{r['rebuild']:.1f}", f"{r['edit_to_built']:.1f}", f"{r['edit_to_reload']:.1f}"]],
                 "rebuild s: what mkdocs logs ('Documentation built in'; the first build's figure when it is the same, which MkDocs does not log twice); edit → built: from saving the file to that line.")
