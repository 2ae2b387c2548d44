"""Helpers that keep the suite's builds few: what many tests read is built once per run and shared
between the xdist workers under a file lock, and `make check` runs in the test's own process where
a subprocess would prove nothing more.

Both exist because builds are the suite's largest cost: a strict build of the real edition takes
seconds of CPU, and before these helpers every xdist worker built the same site, generated edition
and offline bundles again, and every catalogue case paid a Python start-up and a second build.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import logging
import os
import shutil
import subprocess
import sys
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# What a build reads from the environment (mkdocs.yml's !ENV values, the plugin's date, Pagefind's
# settings): a value left in the developer's shell must not change an in-process check, as it could
# not change the check's subprocess the tests ran before (it got a clean environment).
BUILD_ENVIRONMENT = ("SITE_URL", "EDITION_VERSION", "EDITION_CACHE", "EDITION_WORKERS", "EDITION_OFFLINE", "SOURCE_DATE_EPOCH")


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


# ---------------------------------------------------------------------------------------------
# `make check` in this process


@dataclass(frozen=True)
class CheckRun:
    """What ``python -m edition_plugin.check`` printed and returned, and what its strict build did."""

    returncode: int
    stdout: str
    stderr: str
    build_failed: bool  # the strict build stopped (what makes `mkdocs build --strict` exit non-zero)
    build_log: str  # every record the build logged, as MkDocs' command line prints them
    site_written: bool  # the build wrote the site's index.html anyway

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@dataclass
class _BuildWatch:
    failed: BaseException | None = None
    site_written: bool = False
    log: list[str] = field(default_factory=list)


class _LogRecorder(logging.Handler):
    def __init__(self, watch: _BuildWatch) -> None:
        super().__init__(logging.INFO)
        self.watch = watch
        self.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))  # MkDocs' own layout

    def emit(self, record: logging.LogRecord) -> None:
        self.watch.log.append(self.format(record))  # with a traceback, if the record carries one


@contextlib.contextmanager
def _watched_build(watch: _BuildWatch) -> Iterator[None]:
    """Wrap MkDocs' ``build`` (``edition_plugin.check`` imports it when it runs) to see whether the
    strict build stopped and whether it wrote a site before stopping."""
    import mkdocs.commands.build as mkdocs_build

    real = mkdocs_build.build

    def build(config, *args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return real(config, *args, **kwargs)
        except BaseException as exc:
            watch.failed = exc
            watch.log.append(f"ERROR   -  {exc}")  # what `mkdocs build` prints when it stops
            raise
        finally:
            watch.site_written = (Path(config.site_dir) / "index.html").exists()

    mkdocs_build.build = build
    try:
        yield
    finally:
        mkdocs_build.build = real


def check_in_process(project: Path, env: dict[str, str] | None = None) -> CheckRun:
    """``python -m edition_plugin.check`` on ``project``, run in this process: the same ``main()``, the
    same strict build, one build instead of a Python start-up and a second build per case.

    The process is left as it was: working directory, environment (the plugin sets
    ``SOURCE_DATE_EPOCH``), ``sys.path``, MkDocs' logger. ``env`` is what the command's environment
    would add (``SITE_URL``…). The strict build is the one the check runs, watched (``build_failed``,
    ``build_log``, ``site_written``).
    """
    from edition_plugin import check

    watch = _BuildWatch()
    recorder = _LogRecorder(watch)
    mkdocs_logger = logging.getLogger("mkdocs")
    saved_env, saved_path, saved_cwd = dict(os.environ), list(sys.path), os.getcwd()
    saved_propagate, saved_level = mkdocs_logger.propagate, mkdocs_logger.level
    out, err = io.StringIO(), io.StringIO()
    for name in BUILD_ENVIRONMENT:
        os.environ.pop(name, None)
    for name in [k for k in os.environ if k.upper().startswith("PAGEFIND_")]:
        os.environ.pop(name)
    os.environ.update({"NO_MKDOCS_2_WARNING": "1", **(env or {})})
    os.chdir(project)
    mkdocs_logger.addHandler(recorder)
    try:
        with _watched_build(watch), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                returncode = check.main([])
            except SystemExit as exc:  # argparse, or a sys.exit on the way
                returncode = exc.code if isinstance(exc.code, int) else 1
            except Exception:  # a crash: what the command line would print before exiting 1
                traceback.print_exc()
                returncode = 1
    finally:
        mkdocs_logger.removeHandler(recorder)
        mkdocs_logger.propagate = saved_propagate
        mkdocs_logger.setLevel(saved_level)
        os.chdir(saved_cwd)
        sys.path[:] = saved_path
        os.environ.clear()
        os.environ.update(saved_env)
    return CheckRun(returncode, out.getvalue(), err.getvalue(), watch.failed is not None, "\n".join(watch.log), watch.site_written)


# ---------------------------------------------------------------------------------------------
# `make` on a copy of the project


def throwaway_venv(project: Path, tmp_path: Path) -> dict[str, str]:
    """An environment for ``make`` in ``project`` whose VENV's python runs this one, its requirement
    stamps in place: make reuses it and installs nothing (the shared environment is never touched)."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    (venv / "bin" / "python").chmod(0o755)
    # not the MAKEFLAGS of a `make test VENV=…` running this test: its VENV would override this one in the nested make
    env = {**{k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}, "VENV": str(venv)}
    stamps = subprocess.run(["make", "-s", "print-stamps"], cwd=project, capture_output=True, text=True, env=env, check=True).stdout.split()
    assert stamps and all(s.startswith(str(venv)) for s in stamps), stamps
    for stamp in stamps:
        Path(stamp).touch()
    return env
