"""The project's own promises: pinned installs, CI running the README's command, a valid workflow."""

from __future__ import annotations

import json
import re

import yaml

from tests.conftest import ROOT


def readme_commands() -> list[str]:
    blocks = re.findall(r"```\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def test_ci_runs_the_readme_test_command_exactly() -> None:
    commands = readme_commands()
    assert commands[:2] == ["make serve", "make test"]
    ci = [line.strip() for line in (ROOT / ".ci/run").read_text().splitlines() if line.strip() and not line.startswith("#")]
    assert "make test" in ci


def pins(name: str) -> dict[str, str]:
    """``package: version`` of a compiled requirements file (requirements/build.txt or test.txt)."""
    text = (ROOT / "requirements" / name).read_text()
    return {m[0].lower(): m[1] for m in re.findall(r"^([A-Za-z0-9_.\-]+)==([\w.]+)", text, re.M)}


def test_python_and_node_dependencies_are_pinned_with_hashes() -> None:
    for name in ("build.txt", "test.txt"):
        text = (ROOT / "requirements" / name).read_text()
        requirements = re.split(r"\n(?=[A-Za-z])", "\n".join(line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")))
        assert requirements, name
        for req in requirements:
            assert re.match(r"[A-Za-z0-9_.\-]+==[\w.]+ \\", req) and "--hash=sha256:" in req, (name, req[:80])
        source = (ROOT / "requirements" / name.replace(".txt", ".in")).read_text()
        for line in source.splitlines():
            if line.strip() and not line.startswith(("#", "-")):
                package, version = line.split("==")
                assert pins(name).get(package.lower()) == version.strip(), (name, line)
    assert not set(pins("build.txt")) & {"pytest", "playwright", "ruff", "hypothesis"}, "test tools in the build requirements"
    assert {"nh3", "mkdocs", "mkdocs-material"} <= set(pins("build.txt"))
    assert {"hypothesis", "jsonschema", "pip-tools"} <= set(pins("test.txt"))
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes" in makefile and "requirements/build.txt" in makefile and "requirements/test.txt" in makefile
    deps = json.loads((ROOT / "package.json").read_text())["dependencies"]
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", v) for v in deps.values()), deps
    lock = json.loads((ROOT / "package-lock.json").read_text())
    for name, version in deps.items():  # each pinned in the lock with the hash npm ci checks
        locked = lock["packages"][f"node_modules/{name}"]
        assert locked["version"] == version and locked["integrity"].startswith("sha512-"), name


def test_mkdocs_is_below_2() -> None:
    assert int(pins("build.txt")["mkdocs"].split(".")[0]) < 2


def test_workflow_uses_pinned_actions_and_readme_commands() -> None:
    workflow = yaml.safe_load((ROOT / ".github/workflows/edition.yml").read_text())
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    uses = [s["uses"] for s in steps if "uses" in s]
    assert uses and all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", u) for u in uses), uses
    runs = [s["run"] for s in steps if "run" in s]
    assert "bash .ci/run" in runs and "make check" in runs and "make offline" in runs and "make build" in runs
    assert workflow[True]["pull_request"] is None and workflow[True]["push"]["branches"] == ["main"]  # YAML reads 'on' as True
    site, deploy = workflow["jobs"]["site"], workflow["jobs"]["deploy"]
    assert site["needs"] == "test" and "refs/heads/main" in site["if"] and deploy["needs"] == "site"
    assert workflow["permissions"] == {"contents": "read"}
    for name, job in workflow["jobs"].items():  # a job that may write runs nothing from the repository
        if any(level == "write" for level in job.get("permissions", {}).values()):
            assert [s["uses"].split("@")[0] for s in job["steps"]] == ["actions/deploy-pages"], name
        else:
            assert "permissions" not in job, name
    for name, job in workflow["jobs"].items():
        assert 0 < job["timeout-minutes"] <= 60, name
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, name


def test_vendored_shim_matches_the_pinned_package() -> None:
    vendored = (ROOT / "docs/assets/vendor/iframe-worker/shim.js").read_bytes()
    assert (ROOT / "docs/assets/vendor/iframe-worker/LICENSE").exists()
    package = ROOT / "node_modules/iframe-worker/shim/index.js"
    assert package.exists(), "run `make node` (part of `make test`) to install the pinned npm packages"
    assert package.read_bytes() == vendored
    config = (ROOT / "mkdocs.yml").read_text()
    assert "assets/vendor/iframe-worker/shim.js" in config
