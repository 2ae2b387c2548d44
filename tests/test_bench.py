"""Every documented benchmark command runs, at a tiny size, so the benchmark code cannot rot.

The commands are read from bench/README.md ("How to run") and run with their sizes made tiny;
nothing here measures speed (the benchmarks print numbers for people to read).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

TINY = {  # each documented command, and the arguments that make it tiny
    "make bench": ["-m", "bench.run", "--tiny"],
    "-m bench.run --quick": ["-m", "bench.run", "--tiny"],
    "-m bench.run --tiny": ["-m", "bench.run", "--tiny"],
    "-m bench.run --sizes": ["-m", "bench.run", "--tiny"],  # --tiny is --sizes 3 with tiny micro-benchmarks
    "-m bench.run --breakdown": ["-m", "bench.run", "--breakdown", "3"],
    "-m bench.run --profile": ["-m", "bench.run", "--profile", "3"],
    "-m bench.generate": ["-m", "bench.generate", "{tmp}/ed", "3"],
    "-m bench.offline_bench": ["-m", "bench.offline_bench", "--memos", "2", "--runs", "1"],
}
EXPECT = {  # what each prints when it worked
    "make bench": "Total benchmark time", "-m bench.run --quick": "Total benchmark time", "-m bench.run --tiny": "Total benchmark time", "-m bench.run --sizes": "Total benchmark time",
    "-m bench.run --breakdown": "citeproc-js batch", "-m bench.run --profile": "HTML report:",
    "-m bench.generate": "wrote a synthetic edition of 3 memos", "-m bench.offline_bench": "generated edition",
}


def documented() -> list[str]:
    """The benchmark commands bench/README.md and bench/offline_bench.py document, as keys of TINY."""
    readme = (ROOT / "bench/README.md").read_text(encoding="utf-8")
    how_to_run = readme.split("## How to run", 1)[1].split("\n## ", 1)[0]
    blocks = "\n".join(re.findall(r"```\w*\n(.*?)```", how_to_run, re.S))
    usage = (ROOT / "bench/offline_bench.py").read_text(encoding="utf-8").split('"""')[1]
    found = set()
    for line in re.findall(r"^\s*(make bench.*|\S*python -m bench\.\S+.*)$", blocks + "\n" + usage, re.M):
        key = next((k for k in sorted(TINY, key=len, reverse=True) if k in line), None)
        assert key, f"a documented benchmark command is not run by the tests: {line!r}"
        found.add(key)
    return sorted(found)


def test_every_documented_command_is_covered() -> None:
    assert set(documented()) == set(TINY)


# Commands that become the same tiny run are run once (the first of them names the test).
RUNS = {tuple(args): command for command, args in reversed(sorted(TINY.items()))}


@pytest.mark.parametrize("command", sorted(RUNS.values()))
def test_documented_bench_command_runs_at_a_tiny_size(command: str, tmp_path: Path) -> None:
    args = [a.replace("{tmp}", str(tmp_path)) for a in TINY[command]]
    # the bench's temporary files in a short folder of their own: Chromium refuses a profile whose
    # socket path passes 107 bytes, which a worker's tmp_path (…/popen-gw0/test_…/) can reach
    with tempfile.TemporaryDirectory(prefix="b") as short:
        proc = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=900,
                              env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "TMPDIR": short})
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    assert "Traceback" not in out and EXPECT[command] in out, out[-4000:]
    assert "not timed (renamed or moved)" not in out, out[-2000:]
