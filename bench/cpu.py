"""The wall time and the CPU time of a command, every process it starts included.

``/usr/bin/time`` (and ``resource.RUSAGE_CHILDREN``) count a process's CPU only once its parent
waits for it, up a chain of parents that all waited. Chromium's processes outlive that chain: when
Playwright closes the browser, its renderers and helpers are handed to the system's init, which
waits for them, and their CPU is counted nowhere. On the test suite that was about 250 of 780
seconds. This command makes itself the "child subreaper" of what it runs (Linux's
``PR_SET_CHILD_SUBREAPER``): orphaned descendants are handed to it instead, it waits for every one,
and their CPU is in the total.

    python -m bench.cpu -- make test          # the README's test command, measured whole
    python -m bench.cpu -- .venv/bin/python -m pytest -q -n auto tests/test_browser.py

It prints one line to standard error, ``wall … s, CPU … s (user …, system …)``, and exits with
the command's status. Linux only.
"""

from __future__ import annotations

import ctypes
import os
import resource
import sys
import time

PR_SET_CHILD_SUBREAPER = 36


def measure(argv: list[str]) -> tuple[int, float, float, float]:
    """Run ``argv`` to the end of its last descendant: (exit status, wall, user, system) in seconds."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) failed")
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    pid = os.fork()
    if pid == 0:  # the command, in place of this copy of the process
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    status = 127
    while True:  # the command, then every orphan handed over, until none is left
        try:
            child, wait_status = os.wait()
        except ChildProcessError:
            break
        if child == pid:
            status = os.waitstatus_to_exitcode(wait_status)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return status, time.perf_counter() - started, after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--"]:
        args = args[1:]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    status, wall, user, system = measure(args)
    print(f"wall {wall:.1f} s, CPU {user + system:.1f} s (user {user:.1f}, system {system:.1f}): {' '.join(args)}", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
