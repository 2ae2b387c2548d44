"""A new memo from the scaffold: refused until filled in, then accepted by the check and by the
data-driven tests unchanged; and the scaffold's inputs (date, title, slug) can do nothing else."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from edition.diagnostics import Diagnostics
from edition.document_types import load_document_types
from edition.documents import COMMON_NAMES, DOCUMENT_FIELDS
from tests.build_support import check_in_process, throwaway_venv
from tests.conftest import ROOT, content_lines
from tests.subject import NOTE, add_people_and_work

DATE, TITLE = "1985-04-02", "Soviet Acquisition of Japanese Robotics"
MEMO = f"docs/documents/{DATE}-soviet-acquisition-of-japanese-robotics.md"
SOURCE_TEXT = """2 April 1985

Soviet Acquisition of Japanese Robotics

25X1

Robotics technology continues to be sought abroad, despite tighter controls.¹ Taro
Testperson has promised Jiro Otherperson further measures. [redacted]

1. Hanako Author, A Book for the Catalogue (Tokyo: Test Press, 2000), p. 12.
"""
BODY = f"""2 April 1985

# {TITLE}

25X1

Robotics technology continues to be sought abroad, despite tighter controls.[^1] Taro Testperson has promised Jiro Otherperson further measures. [redacted]

{NOTE}
"""
FILLED = {
    "issuing_body": "Central Intelligence Agency, Directorate of Intelligence",
    "document_type": "Intelligence memorandum",
    "classification": "Secret",
    "release": "Sanitized copy approved for release",
}


def scaffold(project: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "edition.scaffold", *args], cwd=project, capture_output=True, text=True, timeout=60,
                          env={**os.environ, **(env or {})})


def fill_in(project: Path) -> None:
    """What CONTRIBUTING.md asks of a contributor: the source in sources/, every FILL IN replaced, the
    text transcribed. The people it names and the work it cites are the tests' own (tests/subject.py),
    registered and entered in the library beside the edition's."""
    add_people_and_work(project)
    (project / "sources" / f"{DATE}-soviet-robotics.txt").write_text(SOURCE_TEXT, encoding="utf-8")
    memo = project / MEMO
    front = memo.read_text(encoding="utf-8").split("\n---\n", 1)[0] + "\n---\n\n"
    for field, value in FILLED.items():
        front = re.sub(rf'^{field}: "FILL IN[^"]*"', f'{field}: "{value}"', front, flags=re.M)
    front = re.sub(r'^source: "FILL IN[^"]*"', f"source: sources/{DATE}-soviet-robotics.txt", front, flags=re.M)
    front = re.sub(r"^pages: null", "pages: 2", front, flags=re.M)
    front = re.sub(r"^transcribed_from: null", "transcribed_from: scan", front, flags=re.M)  # where the text comes from
    memo.write_text(front + BODY, encoding="utf-8")
    fill_bib(project, {"author": "{Central Intelligence Agency}", "institution": "Central Intelligence Agency"})


def fill_bib(project: Path, values: dict[str, str | None]) -> None:
    """The stub entry's FILL IN fields replaced by ``values`` (None: the line removed, as its text says to do)."""
    bib = project / "bib/references.bib"

    def fill(m: re.Match[str]) -> str:
        value = values[m.group(2)]
        return "" if value is None else f"{m.group(1)}{{{value}}}{m.group(3)}"

    bib.write_text(re.sub(r"^(\s*(\w+)\s*=\s*)\{+FILL IN[^}]*\}+(,?\n)", fill, bib.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")


def test_scaffolded_memo_is_refused_until_filled_in(project: Path) -> None:
    proc = scaffold(project, "--date", DATE, "--title", TITLE)
    assert proc.returncode == 0 and "created" in proc.stdout, proc.stderr
    memo = (project / MEMO).read_text()
    memorandum = load_document_types(project, Diagnostics(), COMMON_NAMES).get("memorandum")
    for field in (*(f.name for f in DOCUMENT_FIELDS if f.required), *(f.name for f in memorandum.fields if f.required), "source", "editor_note"):
        assert re.search(rf"^{field}:", memo, re.M), f"the scaffold does not write '{field}'"
    result = check_in_process(project)
    assert result.returncode == 1
    fill_lines = [line for line in result.stdout.splitlines() if "template text" in line]
    texts = {f.name for f in memorandum.fields if f.required and f.kind == "str"}
    assert texts and {re.search(r"field '(\w+)'", line).group(1) for line in fill_lines} >= {*texts, "release", "source", "author", "institution"}
    assert f"{MEMO}:" in result.stdout and "still the scaffold's placeholder" in result.stdout
    assert "undefined acronym" not in result.stdout and "cited by no note" not in result.stdout, result.stdout


def test_a_third_memo_filled_in_as_contributing_says_passes_check_and_tests(project: Path) -> None:
    """The general case: a new memo with a note, a redaction and registered names passes `make check`
    and the data-driven tests of the suite, run unchanged on the copy (real edition only)."""
    assert scaffold(project, "--date", DATE, "--title", TITLE).returncode == 0
    fill_in(project)
    result = check_in_process(project)
    assert result.returncode == 0 and "No problems found" in result.stdout, result.stdout + result.stderr
    assert content_lines(result.stdout) == [], result.stdout
    for folder in ("tests", "bench"):  # the suite's fixtures copy projects with bench/project.py
        shutil.copytree(ROOT / folder, project / folder, ignore=shutil.ignore_patterns("__pycache__", "out"))
    tests = ["tests/test_build.py", "tests/test_fidelity.py", "tests/test_links.py", "tests/test_registries.py", "tests/test_bibliography.py"]
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "real and not offline", *tests],
                         cwd=project, capture_output=True, text=True, timeout=900, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert re.search(r"\d+ passed", run.stdout) and "failed" not in run.stdout, run.stdout[-2000:]
    # and the memo was really taken into account: the deleted sentence of the new memo is caught
    memo = project / MEMO
    memo.write_text(memo.read_text().replace(" Taro Testperson has promised Jiro Otherperson further measures.", ""))
    result = check_in_process(project)
    assert result.returncode == 1 and f"{MEMO}:" in result.stdout and "'promised'" in result.stdout, result.stdout


def test_scaffold_refuses_an_impossible_date(project: Path) -> None:
    proc = scaffold(project, "--date", "1985-02-30", "--title", "X")
    assert proc.returncode == 2 and "not a real date" in proc.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["--slug", "a/../../../x"], "must be lowercase letters and digits joined by '-'"),
    (["--slug", "',}@misc{'"], "must be lowercase letters and digits joined by '-'"),
    (["--slug", "x" * 5000], "characters long; at most"),
    (["--title", "a\nb"], "line break"),
    (["--title", "y" * 5000], "characters long; at most"),
    (["--date", "1985-4-2; id"], "not a real date"),
])
def test_scaffold_refuses_bad_input_without_a_traceback(project: Path, args: list[str], message: str) -> None:
    base = {"--date": DATE, "--title": TITLE}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    before = sorted(p.relative_to(project).as_posix() for p in project.rglob("*"))
    bib = (project / "bib/references.bib").read_text()
    proc = scaffold(project, *[x for kv in base.items() for x in kv])
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert sorted(p.relative_to(project).as_posix() for p in project.rglob("*")) == before
    assert (project / "bib/references.bib").read_text() == bib


def test_a_title_cannot_inject_bibtex_or_yaml(project: Path) -> None:
    title = "Robotics',}@misc{evil, title={x}} \"quoted\": # not a comment"
    proc = scaffold(project, "--date", DATE, "--title", title, "--slug", "robotics")
    assert proc.returncode == 0, proc.stderr
    import bibtexparser
    import yaml

    entries = bibtexparser.parse_string((project / "bib/references.bib").read_text()).entries
    assert "evil" not in {e.key for e in entries}
    memo = (project / f"docs/documents/{DATE}-robotics.md").read_text()
    assert yaml.safe_load(memo.split("---")[1])["title"] == title


def test_make_new_memo_hands_values_over_without_a_shell(project: Path, tmp_path: Path) -> None:
    """`make new-memo TITLE='a`id`'` must not run `id`: the recipe passes the values through the environment."""
    shutil.copy2(ROOT / "Makefile", project / "Makefile")
    shutil.copytree(ROOT / "requirements", project / "requirements")
    env = throwaway_venv(project, tmp_path)
    marker = tmp_path / "ran"
    title = f"a`touch {marker}`$(touch {marker}) \"q\" 'q' $HOME"
    proc = subprocess.run(["make", "-s", "new-memo", f"DATE={DATE}", f"TITLE={title}", "SLUG=robotics"],
                          cwd=project, capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not marker.exists(), "the title was run by the shell"
    import yaml

    memo = (project / f"docs/documents/{DATE}-robotics.md").read_text()
    assert yaml.safe_load(memo.split("---")[1])["title"] == title
    proc = subprocess.run(["make", "-s", "new-memo", f"DATE={DATE}", "TITLE=x", "SLUG=a/../../../x"],
                          cwd=project, capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode != 0 and "SLUG" in proc.stderr and "Traceback" not in proc.stderr
    assert not list(project.parent.rglob("x.md"))
    proc = subprocess.run(["make", "-s", "new-memo", "TYPE=clipping", f"DATE={DATE}", "TITLE=x", "SLUG=clip"],
                          cwd=project, capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode != 0 and "TYPE 'clipping' is not a document type" in proc.stderr, proc.stderr  # TYPE reaches the scaffold
    proc = subprocess.run(["make", "-s", "new-memo", "TYPE=article", f"DATE={DATE}", "TITLE=x", "SLUG=clip"],
                          cwd=project, capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr
    assert (project / f"docs/documents/{DATE}-clip.md").read_text().startswith("---\ntype: article\n")


def test_make_reuses_a_venv_whose_requirements_are_unchanged(project: Path, tmp_path: Path) -> None:
    shutil.copy2(ROOT / "Makefile", project / "Makefile")
    shutil.copytree(ROOT / "requirements", project / "requirements")
    env = throwaway_venv(project, tmp_path)
    dry = subprocess.run(["make", "-n", "setup", "setup-test"], cwd=project, capture_output=True, text=True, env=env, check=True).stdout
    assert "pip install" not in dry and "-m venv" not in dry, dry
    with (project / "requirements/build.txt").open("a") as f:
        f.write("\n# changed\n")
    dry = subprocess.run(["make", "-n", "setup"], cwd=project, capture_output=True, text=True, env=env, check=True).stdout
    assert "--require-hashes -r requirements/build.txt" in dry and "-m venv" not in dry, dry


def test_slug_and_key_are_made_of_real_words() -> None:
    import datetime as dt

    from edition.scaffold import citation_key, slugify

    assert slugify("Technology Leakage from Japan!") == "technology-leakage-from-japan"
    assert slugify("U.S.-Japan: the FSX") == "us-japan-the-fsx"
    assert slugify("u.s. effort on Japan's exports") == "us-effort-on-japans-exports"
    assert citation_key("U.S. Effort to Curb Technology Sales", dt.date(1982, 1, 5)) == "us1982effortcurb"
    assert citation_key("The Soviet Acquisition of Japanese Robotics", dt.date(1985, 4, 2)) == "soviet1985acquisitionjapanese"


# the tests' own article: its words name nothing the edition's glossary or register must know
ARTICLE_DATE, ARTICLE_TITLE = "1982-01-05", "American Effort to Curb Technology Sales to Moscow Gains in Japan"
ARTICLE_SOURCE = """Chicago Tribune, 5 January 1982

American Effort to Curb Technology Sales to Moscow Gains in Japan

By John Burgess

Tokyo, Jan. 4 -- Japanese officials said today that Tokyo would tighten its controls on
exports of advanced technology to the Soviet Union, in line with allied rules and with American
requests.

The Foreign Ministry and the trade ministry will review licenses for machine tools, officials said.
"""
ARTICLE_FIELDS = {"periodical": "Chicago Tribune", "page": "9", "byline": "By John Burgess", "dateline": "Tokyo, Jan. 4"}


def test_a_newspaper_article_from_the_scaffold_passes_the_check_and_shows_an_articles_card(project: Path, tmp_path: Path) -> None:
    """Issue 22: `make new-memo TYPE=article …` (the scaffold as the Makefile runs it), filled in as
    CONTRIBUTING.md says; the check then reports nothing, and the page's card shows the article's
    fields with the article's labels and none of a memorandum's."""
    from lxml import html

    from edition.render import COMMON_LABELS
    from tests.conftest import run_build

    env = {**os.environ, "EDITION_TYPE": "article", "EDITION_DATE": ARTICLE_DATE, "EDITION_TITLE": ARTICLE_TITLE, "EDITION_SLUG": ""}
    made = scaffold(project, "--from-environment", env=env)
    assert made.returncode == 0, made.stderr
    memo = next((project / "docs" / "documents").glob(f"{ARTICLE_DATE}-*.md"))
    types = load_document_types(project, Diagnostics(), COMMON_NAMES)
    article, memorandum = types.get("article"), types.get("memorandum")
    key = re.search(r"^bibkey: (\S+)", memo.read_text(encoding="utf-8"), re.M).group(1)
    assert re.search(rf"^@{article.bibtex}\{{{key},", (project / "bib/references.bib").read_text(encoding="utf-8"), re.M), "the stub is not an @article"
    # What CONTRIBUTING.md asks: the source as received in sources/, every FILL IN replaced, the text transcribed.
    source = f"sources/{memo.stem}.txt"
    (project / source).write_text(ARTICLE_SOURCE, encoding="utf-8")
    front = memo.read_text(encoding="utf-8").split("\n---\n", 1)[0]
    for field, value in {**ARTICLE_FIELDS, "authors": ["John Burgess"], "release": None, "source": source, "transcribed_from": "ocr"}.items():
        front, n = re.subn(rf"^{field}: .*$", lambda _m, f=field, v=value: f"{f}: {json.dumps(v)}", front, flags=re.M)
        assert n == 1, field
    parts = ARTICLE_SOURCE.split("\n\n")  # dateline, headline, byline, paragraphs: each line of a paragraph re-joined
    body = f"{parts[0]}\n\n# {ARTICLE_TITLE}\n\n" + "\n\n".join(" ".join(part.split()) for part in parts[2:]) + "\n"
    memo.write_text(front + "\n---\n\n" + body, encoding="utf-8")
    fill_bib(project, {"author": "Burgess, John", "journaltitle": "Chicago Tribune", "pages": "9"})
    result = check_in_process(project)
    assert result.returncode == 0 and "No problems found" in result.stdout, result.stdout + result.stderr
    assert content_lines(result.stdout) == [], result.stdout
    build = run_build(project, tmp_path / "site")
    assert build.ok, build.output
    page = html.parse(str(tmp_path / "site" / "documents" / memo.stem / "index.html")).getroot()
    card = page.find_class("memo-card")[0]
    rows = {" ".join(dt.text_content().split()): " ".join(dt.getnext().text_content().split()) for dt in card.iter("dt")}
    for field, value in ARTICLE_FIELDS.items():
        assert rows.get(article.field(field).label) == value, (field, rows)
    assert rows.get("Document type") == article.name, rows
    assert ARTICLE_FIELDS["periodical"] in card.find("summary").text_content()
    only_memorandum = {f.label for f in memorandum.fields} - {f.label for f in article.fields} - set(COMMON_LABELS)
    assert only_memorandum and not only_memorandum & set(rows), (only_memorandum & set(rows), rows)
