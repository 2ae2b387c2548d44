"""A new memo from the scaffold: refused until filled in, then built like the others."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import run_build


def test_scaffolded_memo_is_refused_until_filled_then_builds(project: Path, tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "edition.scaffold", "--date", "1985-04-02", "--title", "Soviet Acquisition of Japanese Robotics"],
                          cwd=project, capture_output=True, text=True, check=True)
    memo = project / "docs/documents/1985-04-02-soviet-acquisition-of-japanese-robotics.md"
    assert memo.exists() and "created" in proc.stdout
    check = subprocess.run([sys.executable, "-m", "edition.check"], cwd=project, capture_output=True, text=True)
    assert check.returncode == 1
    fill_lines = [line for line in check.stdout.splitlines() if "template text" in line]
    assert {re.search(r"field '(\w+)'", line).group(1) for line in fill_lines} >= {"issuing_body", "document_type", "classification", "release", "author", "institution", "type"}
    # a contributor fills in the metadata and writes the text
    text = memo.read_text()
    text = re.sub(r'"FILL IN[^"]*"', '"Central Intelligence Agency"', text)
    memo.write_text(text.replace("Transcribe the document here, following CONTRIBUTING.md: every word of the source, in order.",
                                 "Moscow continues to seek robotics technology in Japan."))
    bib = project / "bib/references.bib"
    bib.write_text(re.sub(r"\{?FILL IN[^}]*\}?", "Central Intelligence Agency", bib.read_text()))
    result = run_build(project, tmp_path / "site")
    assert result.ok, result.output
    home = (tmp_path / "site/index.html").read_text()
    assert "Soviet Acquisition of Japanese Robotics" in home
    assert (tmp_path / "site/documents/1985-04-02-soviet-acquisition-of-japanese-robotics/index.html").exists()


def test_scaffold_refuses_an_impossible_date(project: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "edition.scaffold", "--date", "1985-02-30", "--title", "X"], cwd=project, capture_output=True, text=True)
    assert proc.returncode == 2 and "not a real date" in proc.stderr


def test_slug_and_key() -> None:
    from edition.scaffold import slugify

    assert slugify("Technology Leakage from Japan!") == "technology-leakage-from-japan"
    assert slugify("U.S.-Japan: the FSX") == "u-s-japan-the-fsx"
