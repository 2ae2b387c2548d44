"""Helpers that keep the suite's builds few: what many tests read is built once per run and shared
between the xdist workers under a file lock.

Builds are the suite's largest cost: a strict build of the real edition takes seconds of CPU, and
before this every xdist worker built the same site, generated edition and offline bundles again.
"""

from __future__ import annotations

import fcntl
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

# ---------------------------------------------------------------------------------------------
# Built once per run, shared between xdist workers


class SharedBuilds:
    """Builds made once per test run, in a folder every xdist worker of the run can read.

    Under xdist each worker has its own base temporary folder (``…/pytest-N/popen-gw0``); their
    parent belongs to this run only, so a build there is shared by the workers and never by another
    run. The first worker that asks for a build makes it while holding ``<name>.lock`` (``fcntl.flock``,
    released by the kernel even if the worker dies); the others wait on the lock and reuse the
    folder. A build that fails leaves its message in ``<name>.failed``, so every test that uses it, in
    every worker, fails with the build's output instead of building again or waiting.
    """

    def __init__(self, config: pytest.Config, tmp_path_factory: pytest.TempPathFactory) -> None:
        base = tmp_path_factory.getbasetemp()
        # ``workerinput`` is set on xdist workers only (the environment variable is inherited by a
        # pytest that a test starts, which must not share this run's builds)
        self.root = base.parent if hasattr(config, "workerinput") else base

    def get(self, name: str, build: Callable[[Path], object], *, lock: str | None = None) -> Path:
        """The folder ``root/name``, filled by ``build(folder)`` unless an earlier call (in any worker)
        did. Builds that write into the same project (its ``.cache``) must not run side by side:
        give them the same ``lock`` (the project's name)."""
        folder = self.root / name
        done, failed = self.root / f"{name}.done", self.root / f"{name}.failed"
        if done.exists():
            return folder
        with open(self.root / f"{lock or name}.lock", "w") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)  # blocks until the worker building it has finished
            try:
                if failed.exists():
                    pytest.fail(failed.read_text(encoding="utf-8"), pytrace=False)
                if not done.exists():
                    shutil.rmtree(folder, ignore_errors=True)  # a build cut short by a dead worker
                    folder.mkdir(parents=True)
                    try:
                        build(folder)
                    except (Exception, pytest.fail.Exception) as exc:
                        failed.write_text(f"the shared build {name!r} failed:\n{exc}", encoding="utf-8")
                        raise
                    done.touch()
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)
        return folder
