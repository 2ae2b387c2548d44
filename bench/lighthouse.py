"""Lighthouse's mobile audit of one page (the pinned npm devDependency, Debian's Chromium).

Lighthouse runs with its defaults for mobile (Moto G Power emulation, simulated slow 4G, 4× CPU
slowdown) and the performance category only. Nothing here needs the network: the page is on
127.0.0.1, Chromium's background services are off, and error reporting is off.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.project import ROOT

CHROMIUM = "/usr/bin/chromium"
CLI = ROOT / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --no-first-run"
BUNDLE = re.compile(r"/assets/javascripts/bundle\.[^/]*\.js$")  # Material's own script


@dataclass(frozen=True)
class Metric:
    """A row of the phone table: how it is named, shown and which way is better."""

    key: str
    label: str
    unit: str  # "", "ms", "kB", "elements": how the value is printed


METRICS = [
    Metric("performance", "Lighthouse mobile performance", ""),
    Metric("tbt_ms", "total blocking time, mobile", "ms"),
    Metric("cls", "layout shift (CLS), mobile", ""),
    Metric("dom", "DOM elements", "elements"),
    Metric("transfer_kb", "transfer (gzip)", "kB"),
    Metric("bundle_ms", "Material's bundle, main-thread time (mobile)", "ms"),
    Metric("style_layout_ms", "style and layout (mobile)", "ms"),
]


def missing() -> str | None:
    """Why Lighthouse cannot run here, or None: the bench says so instead of failing deep inside."""
    if not CLI.is_file():
        return f"{CLI.relative_to(ROOT)} is missing: run `npm ci` (or `make node`) first"
    if not shutil.which("node"):
        return "node is not on PATH"
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing: apt-get install chromium (or `make system`)"
    return None


def audit(url: str) -> dict[str, float]:
    """One Lighthouse mobile run of ``url``: the figures of ``METRICS``, by key."""
    with tempfile.TemporaryDirectory(prefix="lh-") as tmp:
        report = Path(tmp) / "report.json"
        cmd = ["node", str(CLI), url, "--only-categories=performance", "--output=json", f"--output-path={report}",
               "--quiet", "--no-enable-error-reporting", f"--chrome-flags={CHROME_FLAGS}"]
        proc = subprocess.run(cmd, env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True, timeout=300)
        if proc.returncode != 0 or not report.is_file():
            raise RuntimeError(f"lighthouse failed on {url}:\n{(proc.stderr or proc.stdout)[-3000:]}")
        return figures(json.loads(report.read_text(encoding="utf-8")))


def figures(lhr: dict[str, Any]) -> dict[str, float]:
    """The table's figures from a Lighthouse result (its JSON report)."""
    if lhr.get("runtimeError"):
        raise RuntimeError(f"lighthouse: {lhr['runtimeError']}")
    audits = lhr["audits"]
    bundle = [item for item in audits["bootup-time"]["details"]["items"] if BUNDLE.search(item["url"].split("?")[0])]
    style = [g for g in audits["mainthread-work-breakdown"]["details"]["items"] if g["group"] == "styleLayout"]
    return {
        "performance": round(100 * lhr["categories"]["performance"]["score"]),
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "dom": audits["dom-size"]["numericValue"],
        "transfer_kb": audits["total-byte-weight"]["numericValue"] / 1000,
        "bundle_ms": sum(item["total"] for item in bundle),
        "style_layout_ms": sum(g["duration"] for g in style),
    }


def version() -> str:
    """The Lighthouse version installed (the one package-lock.json pins)."""
    return str(json.loads((CLI.parents[1] / "package.json").read_text(encoding="utf-8"))["version"])
