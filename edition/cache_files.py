"""What the build keeps between runs (``.cache/``): plain data, signed with a key the repository never holds.

A pull request can commit anything, a forced ``.cache/`` included, and an attacker can compute
any checksum of the bytes they commit. So a kept file is trusted only if it carries an HMAC made
with this machine's own key (a random file in the user's cache folder, outside every checkout),
and only in a checkout that tracks no ``.cache/`` at all: a tracked one is ignored whole, and
``make check`` reports it. The files hold JSON, read back field by field by their owners; no
kept file is ever code (no pickle).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAGIC = b"edition-cache 1\n"
# Folders that only the machine that builds may write: committed, they would be trusted code or data.
MACHINE_FOLDERS = (".cache", ".venv", "node_modules", "site")
KEY_BYTES = 32


def key_file() -> Path:
    """Where this machine's key lives: the user's cache folder, never a checkout."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "us-japan-edition" / "cache-key"


_KEY: dict[str, bytes] = {}


def machine_key() -> bytes:
    """The key, made once per machine (atomically: builds running side by side agree on it)."""
    path = key_file()
    cached = _KEY.get(str(path))
    if cached is not None:
        return cached
    try:
        key = path.read_bytes()
    except OSError:
        key = b""
    if len(key) != KEY_BYTES:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_bytes(os.urandom(KEY_BYTES))
        os.chmod(tmp, 0o600)
        try:
            os.link(tmp, path)  # fails if another build made it first: then theirs is the key
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
        key = path.read_bytes()
    _KEY[str(path)] = key
    return key


def tracked_machine_folders(root: Path) -> list[str]:
    """The machine-only folders (``.cache/``, ``.venv/``, ``node_modules/``, ``site/``) that git tracks
    in ``root``: none in a healthy checkout; outside a git checkout, none can be."""
    try:
        proc = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--", *MACHINE_FOLDERS],
                              capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return []
    if proc.returncode != 0:
        return []
    names = [n for n in proc.stdout.decode("utf-8", "replace").split("\0") if n]
    return sorted({n.split("/", 1)[0] for n in names})


def sign(name: str, payload: bytes) -> bytes:
    """``payload`` as a kept file named ``name`` (its place under ``.cache/``): signed with this
    machine's key, so the same bytes under another name, or from another machine, do not verify."""
    return MAGIC + _mac(name, payload) + b"\n" + payload


def verify(name: str, data: bytes) -> bytes | None:
    """The payload of a file ``sign`` made for ``name`` on this machine, else ``None``."""
    if not data.startswith(MAGIC):
        return None
    mac, _, payload = data[len(MAGIC):].partition(b"\n")
    return payload if hmac.compare_digest(mac, _mac(name, payload)) else None


def _mac(name: str, payload: bytes) -> bytes:
    return hmac.new(machine_key(), name.encode() + b"\0" + payload, hashlib.sha256).hexdigest().encode()


@dataclass
class KeptFiles:
    """The signed files under one checkout's ``.cache/``; reads of a damaged, foreign or unsigned
    file give ``None`` (a miss), and nothing is read or written when the checkout tracks ``.cache/``."""

    directory: Path
    usable: bool = True

    @classmethod
    def open(cls, root: Path) -> KeptFiles:
        return cls(root / ".cache", ".cache" not in tracked_machine_folders(root))

    def read(self, name: str) -> bytes | None:
        """The payload stored under ``name`` (a path under ``.cache/``) if this machine signed it."""
        if not self.usable:
            return None
        try:
            data = (self.directory / name).read_bytes()
        except OSError:
            return None
        return verify(name, data)

    def write(self, name: str, payload: bytes) -> None:
        if not self.usable:
            return
        path = self.directory / name
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            tmp.write_bytes(sign(name, payload))
            tmp.replace(path)  # atomic: a reader sees the old file or the new one, never half
        except OSError:
            pass  # a cache that cannot be written only costs time

    def read_json(self, name: str) -> Any:
        payload = self.read(name)
        if payload is None:
            return None
        try:
            return json.loads(payload)
        except (ValueError, RecursionError):
            return None

    def write_json(self, name: str, value: Any) -> None:
        self.write(name, json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))

    def remove(self, name: str) -> None:
        if self.usable:
            (self.directory / name).unlink(missing_ok=True)
