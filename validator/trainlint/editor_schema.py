"""The copy of the JSON Schema a repository keeps for editors, and the modeline that names it.

Editors (yaml-language-server: VS Code, Neovim, Helix, JetBrains) need the schema as a file or
a URL they can load. A copy inside the repository works offline and for everyone who clones
it: `trainlint init` writes one at `SCHEMA_FILE` (below the repository root) and binds new
configs to it, `trainlint schema --write` brings it in step with the installed trainlint, and
`check` reports a copy that is not (TL030) with the rewrite as its fix.

A copy is trainlint's when its `$id` is the shipped schema's `$id`; anything else at a path a
modeline names is someone else's file and is never judged or written. Reading is bounded: a
file larger than `MAX_BYTES` is nobody's schema copy.
"""

from __future__ import annotations

import functools
import json
import os
import re
from pathlib import Path
from typing import Literal

from . import reads
from .resources import schema, schema_path

# below the repository root; the version in the path, as in the shipped `schema/v1/` and the public URL
SCHEMA_FILE = ".trainlint/v1/config.schema.json"
MAX_BYTES = 1 << 20  # the shipped schema is some 40 kB

State = Literal["current", "stale", "missing", "foreign"]

# yaml-language-server's modeline: a comment line `# yaml-language-server: $schema=<url or path>`
MODELINE = re.compile(r"^#[ \t]*yaml-language-server[ \t]*:[ \t]*\$schema=(\S+)[ \t]*$", re.MULTILINE)


@functools.cache
def shipped_text(version: int = 1) -> str:
    """What `trainlint schema` prints and `schema --write` writes: the installed schema, byte for byte.
    Read once: TL030's fix carries it for every config that names a stale copy (one object, so the
    results a worker sends hold it once)."""
    return schema_path(version).read_text(encoding="utf-8")


def default_path(root: Path) -> Path:
    return root / SCHEMA_FILE


def modeline(text: str) -> re.Match[str] | None:
    """The first yaml-language-server modeline of a config's text (the one the server obeys)."""
    return MODELINE.search(text)


def is_local(reference: str) -> bool:
    """A modeline naming a file (relative to the config's folder), not a URL."""
    return "://" not in reference and not reference.startswith(("urn:", "data:"))


def state(path: Path | str, version: int = 1) -> State:
    """Whether the file at `path` is the installed trainlint's schema (`current`), an older or newer
    trainlint schema (`stale`), absent, or not trainlint's schema at all (`foreign`: unreadable,
    too large, not JSON, another `$id`)."""
    reads.looked_at(reads.FILE, path)  # a check's verdict depends on it: the results cache looks again
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return "missing"
    return _state(os.fspath(path), st.st_ino, st.st_size, st.st_mtime_ns, version)


@functools.lru_cache(maxsize=256)
def _state(path: str, inode: int, size: int, mtime: int, version: int) -> State:
    """Memoised per state of the file: every config of a repository names the same copy."""
    if size > MAX_BYTES or not os.path.isfile(path):
        return "foreign"
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
        if raw == shipped_text(version).encode("utf-8"):
            return "current"
        data = json.loads(raw.decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return "foreign"
    return "stale" if isinstance(data, dict) and data.get("$id") == schema(version)["$id"] else "foreign"


def read_text(path: Path | str) -> str | None:
    """A schema copy's text (None: unreadable, too large, not UTF-8)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(MAX_BYTES + 1)[:MAX_BYTES].decode("utf-8")
    except (OSError, ValueError):
        return None


def write(path: Path, version: int = 1) -> bool:
    """Write the installed schema at `path` (creating its folders); False when it already held it.
    Refuses (ValueError) to replace a file that is not a trainlint schema."""
    found = state(path, version)
    if found == "current":
        return False
    if found == "foreign":
        raise ValueError(f"{path} exists and is not a trainlint schema; not replaced")
    path.parent.mkdir(parents=True, exist_ok=True)
    text = shipped_text(version)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temp, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    os.replace(temp, path)
    return True
