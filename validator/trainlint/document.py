"""A file read into plain data, with where every key and value stood: what every input format
produces and every later stage reads. Also the safety limits that bound the reading.

No `from __future__ import annotations` here: see diagnostics.py on records and start-up.
"""

from typing import Any, NamedTuple

from .diagnostics import ConfigPath, Finding, Span


class Limits(NamedTuple):
    """Safety limits; each has its own rule code when hit (TL091-TL094)."""

    max_file_bytes: int = 1_048_576
    max_nodes: int = 10_000
    max_depth: int = 64  # a configured value above DEEPEST counts as DEEPEST
    max_dataset_files: int = 20_000


# whatever `max-depth` says, data is never nested deeper than this: the readers build it, and later
# stages (schema, rules, suppressions) walk it, recursively, within Python's recursion limit
DEEPEST = 128


class Yaml11Reading(NamedTuple):
    """A plain YAML scalar that YAML 1.1 readers (PyYAML, most trainers) read otherwise than
    YAML 1.2 does: `value` is trainlint's (1.2) reading, `value11` PyYAML's. The YAML reader
    records them; the TL010 rule and the trainer adapters say what each means."""

    span: Span
    path: ConfigPath
    text: str
    value: Any
    value11: Any


class Document:
    """A loaded config: data, positions by config path, and what loading found."""

    __slots__ = ("file", "text", "data", "spans", "findings", "reported", "encoding", "bom", "newline", "yaml11")

    def __init__(self, file: str, text: str = "") -> None:
        self.file, self.text = file, text
        self.data: Any = None
        # path -> (span of the key, span of the value); the root has no key
        self.spans: dict[ConfigPath, tuple[Span | None, Span]] = {}
        self.findings: list[Finding] = []
        # paths whose values the loader already reported, so the schema layer stays quiet there
        self.reported: set[ConfigPath] = set()
        # plain scalars YAML 1.1 reads otherwise (YAML input only)
        self.yaml11: list[Yaml11Reading] = []
        self.encoding, self.bom, self.newline = "utf-8", False, "\n"

    def __repr__(self) -> str:
        return f"Document({self.file!r}, data={self.data!r}, findings={self.findings!r})"

    @property
    def ok(self) -> bool:
        """True when there is data to check (a mapping), even if some values were refused."""
        return isinstance(self.data, dict)
