"""What a pull request may commit never runs as code or passes as the machine's own data: a
.venv/, node_modules/ or .cache/ that came with the repository, signed or stamped as it may be.

The Makefile's targets are checked with `make -n` (what make would run, nothing run), the build
with real strict builds of a project copy made a git repository with the folders committed.
"""

from __future__ import annotations

import os
import pickle
import re
import shutil
import subprocess
from pathlib import Path

from edition.cache_files import MAGIC
from tests.conftest import ROOT, copy_project, run_build


def _make_project(tmp_path: Path) -> Path:
    project = copy_project(tmp_path / "project")
    for name in ("Makefile", "package.json", "package-lock.json"):
        shutil.copy2(ROOT / name, project / name)
    shutil.copytree(ROOT / "requirements", project / "requirements")
    return project


def _dry(project: Path, *targets: str, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(["make", "-n", *targets], cwd=project, capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def test_a_committed_venv_is_made_again_before_anything_in_it_runs(tmp_path: Path) -> None:
    """A .venv/ with stamps named as the Makefile once named them, and a python that would run
    the author's code: make removes it and makes the environment again first."""
    project = _make_project(tmp_path)
    venv = project / ".venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
    ran = tmp_path / "ran"
    (venv / "bin" / "python").write_text(f"#!/bin/sh\ntouch {ran}\n")
    (venv / "bin" / "python").chmod(0o755)
    (venv / "bin" / "mkdocs").write_text(f"#!/bin/sh\ntouch {ran}\n")
    (venv / "bin" / "mkdocs").chmod(0o755)
    stamps = _dry(project, "print-stamps").split()  # the dry run prints the echo command itself
    for guess in (".edition-build-0123456789abcdef", ".edition-test-0123456789abcdef"):
        (venv / guess).touch()
    dry = _dry(project, "build")
    assert "was not made on this machine" in dry and "rm -rf" in dry and "-m venv .venv" in dry, dry
    assert dry.index("-m venv .venv") < dry.index("mkdocs build"), dry
    assert not ran.exists(), "make ran the committed environment"
    assert any(".edition-made-" in s for s in stamps)


def test_committed_compiled_code_stops_every_target_before_python_runs(tmp_path: Path) -> None:
    """An extension module shadowing a source file, and a bytecode file in __pycache__/, committed:
    Python would run either instead of the source a reviewer read. Every target that runs Python
    refuses first, naming the files; without them the same check passes."""
    project = _make_project(tmp_path)
    shadow = "edition/memo.cpython-311-x86_64-linux-gnu.so"
    bytecode = "edition/__pycache__/dates.cpython-311.pyc"
    for name in (shadow, bytecode):
        (project / name).parent.mkdir(exist_ok=True)
        (project / name).write_bytes(b"\x7fELF not really")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(project)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-f", "Makefile", shadow, bytecode], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "x"], check=True)
    guard = subprocess.run(["make", "-s", "source-only"], cwd=project, capture_output=True, text=True, timeout=60)
    assert guard.returncode != 0 and "compiled code is tracked by git" in guard.stdout, guard.stdout + guard.stderr
    assert shadow in guard.stdout and bytecode in guard.stdout, guard.stdout
    for target in ("serve", "build", "check", "test", "offline", "bench", "new-memo", "lint"):
        dry = _dry(project, target)  # the guard's command comes before any other
        commands = [line for line in dry.splitlines() if line.strip() and not re.match(r"make(\[\d+\])?: ", line)]  # not a nested make's "Entering directory"
        assert commands and commands[0].startswith("tracked=$(git ls-files"), f"make {target}: {dry[:300]}"
    subprocess.run([*git, "rm", "-q", "--cached", shadow, bytecode], check=True)
    clean = subprocess.run(["make", "-s", "source-only"], cwd=project, capture_output=True, text=True, timeout=60)
    assert clean.returncode == 0, clean.stdout + clean.stderr


def test_a_committed_node_modules_is_replaced_by_npm_ci(tmp_path: Path) -> None:
    project = _make_project(tmp_path)
    (project / "node_modules").unlink()  # the copy's link to the shared packages
    (project / "node_modules" / "citeproc").mkdir(parents=True)
    (project / "node_modules" / ".package-lock.json").write_text("{}")  # what `npm ci` leaves, committed
    assert "npm ci" in _dry(project, "node")


def test_a_tracked_cache_is_ignored_and_refused(tmp_path: Path) -> None:
    """A committed .cache/ with a pickle that would write a file and a memo entry signed with a key
    anyone could guess: the build uses none of it, runs none of it, and says why."""
    project = copy_project(tmp_path / "project")
    written = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            return (os.system, (f"touch {written}",))

    cache = project / ".cache"
    (cache / "memos" / "ab").mkdir(parents=True)
    (cache / "results.pickle").write_bytes(pickle.dumps(Payload()))
    (cache / "memos" / "ab" / f"{'ab' * 32}.json").write_bytes(MAGIC + b"0" * 64 + b"\n{}")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(project)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-f", ".cache", "docs"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "x"], check=True)
    result = run_build(project, tmp_path / "site")
    assert not result.ok
    assert ".cache/: .cache/ is tracked by git" in result.output, result.output[-2000:]
    assert "memo cache ignored" in result.output or "The edition has" in result.output
    assert not written.exists(), "a committed pickle ran"
    # the theme's compiled templates (code, like a pickle) are kept outside the checkout, never in it
    assert not [p for p in project.rglob("__jinja2_*")], "compiled templates were written into the checkout"


def test_a_site_url_that_is_not_an_address_stops_the_build(tmp_path: Path) -> None:
    """SITE_URL reaches every canonical link and citation: `">` in it is refused, not written."""
    project = copy_project(tmp_path / "project")
    result = run_build(project, tmp_path / "site", env={"SITE_URL": 'https://example.org/ed/"><script>window.__pwned=1</script>'})
    assert not result.ok
    assert "is not an absolute http(s) address" in result.output, result.output[-2000:]
    assert not any("__pwned" in p.read_text(errors="replace") for p in (tmp_path / "site").rglob("*.html"))


def test_a_template_cache_folder_not_the_users_own_is_passed_over(project: Path, tmp_path: Path) -> None:
    """Compiled templates are kept in Jinja's per-user folder under the temporary directory, which
    Jinja refuses when it is not this user's own directory (here a file stands in its place, as
    another user's folder or a link would): the build compiles its templates itself and goes on."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    squatted = temp / f"_jinja2-cache-{os.getuid()}"
    squatted.write_text("not a folder")
    result = run_build(project, tmp_path / "site", env={"TMPDIR": str(temp)})
    assert result.ok, result.output[-3000:]
    assert squatted.read_text() == "not a folder"
