"""Every documented benchmark command runs, at a tiny size, so the benchmark code cannot rot.

The commands are read from bench/README.md ("How to run") and run with their sizes made tiny;
nothing here measures speed (the benchmarks print numbers for people to read). The phone table's
JSON is read back: both columns hold numbers and A/B is their ratio, whatever the numbers are.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

TINY = {  # each documented command, and the arguments that make it tiny
    "make bench": ["-m", "bench.run", "--tiny"],  # and each module its recipe runs is a key below (test_make_bench_…)
    "-m bench.run --quick": ["-m", "bench.run", "--tiny"],
    "-m bench.run --tiny": ["-m", "bench.run", "--tiny"],
    "-m bench.run --sizes": ["-m", "bench.run", "--tiny"],  # --tiny is --sizes 3 with tiny micro-benchmarks
    "-m bench.run --breakdown": ["-m", "bench.run", "--breakdown", "3"],
    "-m bench.run --profile": ["-m", "bench.run", "--profile", "3"],
    "-m bench.generate": ["-m", "bench.generate", "{tmp}/ed", "3"],
    "-m bench.offline_bench": ["-m", "bench.offline_bench", "--memos", "2", "--runs", "1"],
    "-m bench.archive": ["-m", "bench.archive", "--sizes", "2", "--builds", "1", "--runs", "1", "--no-serve"],
    "-m bench.search_bench": ["-m", "bench.search_bench", "--copies", "2", "--runs", "1", "--offline"],
    "-m bench.copies": ["-m", "bench.copies", "{tmp}/copies", "2"],
    "-m bench.phone": ["-m", "bench.phone", "--tiny", "--longer", "2", "--json", "{tmp}/phone.json", "--markdown"],
    "-m bench.adversarial": ["-m", "bench.adversarial", "--scale", "0.002", "--runs", "1", "--no-double"],
    "-m bench.cpu": ["-m", "bench.cpu", "--", "true"],  # what it counts: test_the_cpu_of_orphaned_processes_is_counted
}
EXPECT = {  # what each prints when it worked
    "make bench": "Total benchmark time", "-m bench.run --quick": "Total benchmark time", "-m bench.run --tiny": "Total benchmark time", "-m bench.run --sizes": "Total benchmark time",
    "-m bench.run --breakdown": "citeproc-js batch", "-m bench.run --profile": "HTML report:",
    "-m bench.generate": "wrote a synthetic edition of 3 memos", "-m bench.offline_bench": "generated edition",
    "-m bench.archive": "Total:", "-m bench.search_bench": "N=2 offline", "-m bench.copies": "copies",
    "-m bench.phone": "JSON:", "-m bench.adversarial": "| edition's outcome |", "-m bench.cpu": "wall ",
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
    # a Python traceback's first line (the profiler's report may name traceback.TracebackException)
    assert "Traceback (most recent call last)" not in out and EXPECT[command] in out, out[-4000:]
    assert "not timed (renamed or moved)" not in out, out[-2000:]
    if command == "-m bench.phone":
        assert_phone_table(json.loads((tmp_path / "phone.json").read_text(encoding="utf-8")))


def assert_phone_table(result: dict) -> None:
    """Both columns have a number for every row, and A/B is A's median over B's (nothing timed)."""
    rows = [row for page in result["pages"].values() for row in page["rows"]]
    assert {row["metric"] for row in rows} >= {"performance", "tbt_ms", "cls", "dom", "transfer_kb", "bundle_ms",
                                               "style_layout_ms", "load_ms", "task_ms", "style_ms", "layout_ms", "tap_ms", "search_ms"}
    longer = [page for page in result["pages"] if page.rstrip("/").endswith("-x2")]  # --longer 2: the page, its text twice
    assert len(longer) == 1 and {row["metric"] for row in result["pages"][longer[0]]["rows"]} >= {"load_ms", "task_ms"}, list(result["pages"])
    for row in rows:
        assert isinstance(row["a"], int | float) and isinstance(row["b"], int | float), row
        assert row["ratio"] == (row["a"] / row["b"] if row["b"] else None), row


def test_make_bench_runs_only_tested_commands() -> None:
    """Each module the Makefile's `bench` target runs is one that the tiny runs above exercise."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^bench:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert recipe, "the Makefile has no bench target"
    modules = re.findall(r"-m (bench\.\w+)", recipe.group(1))
    tested = {args[1] for args in TINY.values()}
    assert modules and set(modules) <= tested, (modules, tested)


def test_plain_material_config_keeps_only_material(tmp_path: Path) -> None:
    """The B side of every comparison: no hooks, no third-party or edition plugin; the look only on request."""
    from bench.variants import plain_material_config

    (tmp_path / "docs" / "documents").mkdir(parents=True)
    (tmp_path / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    for name in ("index", "1985-01-02-b", "1983-04-05-a", "notes", "1999-01-01-x.md\nhooks:\n  - evil"):  # a file name is data
        (tmp_path / "docs" / "documents" / f"{name}.md").write_text("# X\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\ntheme:\n  name: material\n  custom_dir: overrides\n  features:\n    - content.tooltips   # note:\n"
        "extra_css:\n  - assets/edition.css\nplugins:\n  - search\n  - edition:\n      cache: true\n  - offline:\n"
        "      enabled: !ENV [EDITION_OFFLINE, false]\nhooks:\n  - hooks/edition_hooks.py\n"
        "nav:\n  - Home: index.md\n  - Documents:\n      - documents/index.md\n  - Register:\n      - People: entities/person.md\nextra:\n  polyfills:\n    - shim.js\n  generator: false\n",
        encoding="utf-8")
    builds = plain_material_config(tmp_path).read_text(encoding="utf-8")
    for gone in ("hooks", "edition:", "cache: true", "Register", "person.md"):
        assert gone not in builds
    assert "      - documents/index.md\n      - documents/1983-04-05-a.md\n      - documents/1985-01-02-b.md\n" in builds  # by hand, in date order
    assert "notes.md" not in builds and "evil" not in builds, builds  # only names of the documents' form
    for kept in ("custom_dir: overrides", "content.tooltips   # note:", "edition.css", "- search", "!ENV [EDITION_OFFLINE, false]", "shim.js", "- Home: index.md"):
        assert kept in builds
    phone = plain_material_config(tmp_path, edition_look=False, name="bare.yml").read_text(encoding="utf-8")
    for gone in ("custom_dir", "extra_css", "edition.css", "polyfills", "shim.js", "hooks"):
        assert gone not in phone
    assert "generator: false" in phone and "- offline:" in phone


def test_the_bench_server_takes_a_reset_connection_quietly(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """A browser may reset a kept-alive connection; the bench's server must not print a traceback
    for it (the tiny runs above fail on one), and must go on serving."""
    import socket
    import struct
    import time
    import urllib.request

    from bench.static_server import serve

    (tmp_path / "index.html").write_text("<p>x</p>", encoding="utf-8")
    with serve(tmp_path) as base:
        host, port = base.split("/")[2].split(":")
        sock = socket.create_connection((host, int(port)))
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /ind")  # a second request cut short…
        sock.recv(4096)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()  # …then reset (RST), as Chromium does to a connection it gives up
        time.sleep(0.3)
        assert urllib.request.urlopen(base).read() == b"<p>x</p>"
    err = capfd.readouterr().err
    assert "Traceback" not in err, err


def test_the_cpu_of_orphaned_processes_is_counted() -> None:
    """A process that outlives its parent (as Chromium's do when Playwright closes the browser):
    waiting for the parent alone, as /usr/bin/time does, misses its CPU; bench.cpu counts it."""
    import resource

    burn = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.5: pass"
    parent = [sys.executable, "-c", f"import subprocess, sys; subprocess.Popen([sys.executable, '-c', {burn!r}])"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(parent, check=True, timeout=60)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime) < 0.5  # the orphan's CPU is not there
    proc = subprocess.run([sys.executable, "-m", "bench.cpu", "--", *parent], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    found = re.search(r"CPU ([0-9.]+) s \(user ([0-9.]+), system ([0-9.]+)\)", proc.stderr)
    assert found and float(found[1]) >= 0.5, proc.stderr


def test_the_benchmarks_defaults_are_read_from_the_edition(tmp_path: Path) -> None:
    """No benchmark names a document or a person of the edition: a renamed memo or another edition
    must not break them. The page with the most notes and the one with the fewest are measured, and
    the query is the one-word alias of the person it names whom the most documents name, then the
    one it names most often (never a suffix such as "Jr."), else the longest word of its title.
    The documents and register are a copy's own."""
    from bench.phone import default_pages, default_query
    from bench.project import by_apparatus, copy_project, query_for, richest_memo
    from tests.conftest import documents_of

    project = copy_project(tmp_path / "project")
    docs = project / "docs" / "documents"
    model = documents_of(project)[0]  # any document's front matter, under the test's own names and titles
    front, _, _ = (docs.parent / model.path).read_text(encoding="utf-8").partition("\n---\n")
    for path in docs.rglob("*.md"):
        if path.name != "index.md":
            path.unlink()
    date = model.date.isoformat()

    def memo(slug: str, title: str, body: str) -> str:
        lines = [f'title: "{title}"' if line.startswith("title:") else line for line in front.splitlines()]
        (docs / f"{date}-{slug}.md").write_text("\n".join(lines) + "\n---\n\n" + body, encoding="utf-8")
        return f"docs/documents/{date}-{slug}.md"

    noted = memo("noted", "Noted", "Doe met Smith. Doe again.[^1][^2]\n\n[^1]: One.\n[^2]: Two.\n")
    bare = memo("bare", "Bare", "Roe alone, and Mr. Roe, and Roe, and Roe once more that long day.\n")  # more words, no note
    one = memo("one", "A Memorandum on 1985 Talks", "Words.[^a]\n\n[^a]: A note.\n")
    (project / "data" / "entities.yml").write_text(
        "- {id: jane-doe, name: Jane Doe Jr., type: person, aliases: [Doe, Ms. Doe], description: x}\n"
        "- {id: richard-roe, name: Richard Roe, type: person, aliases: [Roe, Mr. Roe], description: x}\n"
        "- {id: doe-inc, name: Doe Incorporated, type: organisation, description: x}\n", encoding="utf-8")
    assert richest_memo(project) == noted
    assert by_apparatus(project)[-1] == bare
    assert default_pages(project) == [noted.removeprefix("docs/").removesuffix(".md") + "/", bare.removeprefix("docs/").removesuffix(".md") + "/"]
    assert query_for(noted, project) == "Doe"  # the alias, not "Jr."
    assert default_query(bare.removeprefix("docs/").removesuffix(".md") + "/", project) == "Roe"
    assert query_for(one, project) == "Memorandum"  # nobody named: the title's longest word
    (project / noted).write_text((project / noted).read_text(encoding="utf-8").replace("Doe met Smith.", "Doe met Roe."), encoding="utf-8")
    assert query_for(noted, project) == "Roe"  # named in more documents than Doe, though less often in this one
    (project / bare).unlink()
    (project / one).unlink()
    assert default_pages(project) == [noted.removeprefix("docs/").removesuffix(".md") + "/"]  # one memo: nothing set beside it
    (project / noted).write_text((project / noted).read_text(encoding="utf-8").replace('title: "Noted"', 'title: "1985"'), encoding="utf-8")
    (project / "data" / "entities.yml").write_text("[]\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="--query"):
        query_for(noted, project)  # nobody named, no title word
