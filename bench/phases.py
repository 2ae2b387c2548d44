"""Where one build of the edition spends its time: phase timers (``--breakdown``) or a profile (``--profile``).

Both build an N-memo synthetic edition in one process (``EDITION_WORKERS=1``): memos processed in
worker processes would be timed out of sight.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from bench.builds import ENV, PYTHON
from bench.generate import generate_edition
from bench.phase_timer import KINDS, PHASES


def _edition(n: int, workdir: Path) -> Path:
    project = workdir / f"edition-{n}"
    if not (project / "mkdocs.yml").exists():
        generate_edition(project, n)
    return project


def breakdown(n: int, workdir: Path) -> list[list[str]]:
    """Time of each phase of one hooks build of an N-memo edition (inclusive times; nested rows indented)."""
    project = _edition(n, workdir)
    proc = subprocess.run([PYTHON, "-m", "bench.phase_timer", "build", "--strict", "-q", "-d", str(project / "site-breakdown")],
                          cwd=project, env={**ENV, "EDITION_WORKERS": "1"}, capture_output=True, text=True, timeout=3600)
    for note in (x for x in proc.stderr.splitlines() if x.startswith("breakdown: ")):
        print(note)  # the phases no longer found: shown, so that the suite's tiny run sees them
    line = next((x for x in proc.stdout.splitlines() if x.startswith("BREAKDOWN ")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"breakdown build failed:\n{proc.stderr[-3000:]}")
    shutil.rmtree(project / "site-breakdown", ignore_errors=True)
    data = json.loads(line[len("BREAKDOWN "):])
    total = data["total mkdocs build"][0]
    order = [row for _, _, label, split in PHASES for row in (label, *(f"{label}: {k}" for k in KINDS if split))]
    return [[label.replace(": memos", ", of it memos").replace(": entity pages", ", of it entity pages").replace(": other pages", ", of it other pages"),
             f"{data[label][0]:.1f}", f"{100 * data[label][0] / total:.0f}%", f"{data[label][0] / n * 1000:.1f}", f"{data[label][1]:,}"]
            for label in order if label in data]


def profile(n: int, workdir: Path) -> Path:
    """A pyinstrument profile of one hooks build of an N-memo edition: printed as text, saved as HTML too."""
    project = _edition(n, workdir)
    session = workdir / f"profile-{n}.pyisession"
    subprocess.run([PYTHON, "-m", "pyinstrument", "-r", "pyisession", "-o", str(session),
                    "-m", "mkdocs", "build", "--strict", "-q", "-d", str(project / "site-profile")],
                   cwd=project, env={**ENV, "EDITION_WORKERS": "1"}, check=True, timeout=3600)  # in one process: the profiler sees no child
    html = session.with_suffix(".html")
    subprocess.run([PYTHON, "-m", "pyinstrument", "--load", str(session), "-r", "html", "-o", str(html)], env=ENV, check=True)
    text = subprocess.run([PYTHON, "-m", "pyinstrument", "--load", str(session), "-r", "text", "--show-all",
                           "-p", "processor_options.filter_threshold=0.01"], env=ENV, check=True, capture_output=True, text=True)
    print(text.stdout)
    print(f"HTML report: {html}")
    return html
