"""Run trainlint's real detection and check over a corpus of real trainer configs, read where it lies.

    python bench/real_configs.py                      # ../shared/real-configs beside the repository
    python bench/real_configs.py PATH [--files]       # another corpus; --files: one line per file too

The corpus is the configs trainers ship (GUI presets, example jobs, README commands), one folder
per trainer, with a SOURCES.md whose tables give each file's `kind`. It is read in place and never
copied: its licenses are not the project's. Each file goes through what a folder search does:
`repository.read_candidate` decides by content which format claims it (or none), the format reads
it and adapts it to trainlint's effective values, and `api.check_file` checks it as `trainlint
check` would. Printed per trainer folder: the files, the formats that claimed them, how many of
the five effective values (steps, steps per image, U-Net and text-encoder learning rates, text
encoder ratio) the adapters determined, and the findings by code; then the files no format
claims, with what SOURCES.md says they are, and any file whose reading raised.
"""

from __future__ import annotations

import argparse
import re
import sys
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from trainlint.api import check_file
from trainlint.inputs.base import VALUE_KEYS, directive_hints
from trainlint.inputs.workspace import FolderWorkspace
from trainlint.repository import read_candidate, repo_root
from trainlint.settings import Settings

REPO = Path(__file__).resolve().parent.parent
DEFAULT = REPO.parent / "shared" / "real-configs"
# a row of a SOURCES.md table: | `file` | source path | kind | ...
ROW = re.compile(r"^\|\s*`(?P<file>[^`]+)`\s*\|[^|]*\|\s*(?P<kind>[^|]*?)\s*\|")


@dataclass
class FileReport:
    """What trainlint made of one file."""

    path: str
    detected: str | None = None  # the format that claimed it, None for no format
    refused: bool = False  # claimed by its bytes, then found not to be the format's own when read
    known: int = 0  # effective values the adapter determined
    codes: Counter[str] = field(default_factory=Counter)
    crash: str | None = None


def kinds(corpus: Path) -> dict[str, str]:
    """File (relative to the corpus) -> its `kind` in SOURCES.md."""
    sources = corpus / "SOURCES.md"
    if not sources.is_file():
        return {}
    out = {}
    for line in sources.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            out[match.group("file")] = match.group("kind")
    return out


def examine(path: Path, corpus: Path, settings: Settings) -> FileReport:
    """One file through detection, reading, adaptation and the check, as a file named on the command line
    (a template such as `config.json.example` is read by the suffix before `.example`)."""
    report = FileReport(path.relative_to(corpus).as_posix())
    try:
        candidate = read_candidate(path, settings, explicit=True)
        if candidate is None or (candidate.trainer is None and not candidate.marked):
            return report
        if candidate.trainer is None:
            report.detected = "trainlint"
        else:
            fmt = candidate.trainer
            report.detected = fmt.name
            doc = fmt.read(candidate.raw, report.path, settings.limits)
            if doc.ok:
                workspace = FolderWorkspace(path.parent, settings.root or repo_root(path.parent), settings.limits)
                adapted = fmt.adapt(doc, workspace, directive_hints(doc.text, doc.spans))  # the seam of inputs/base.py
                if adapted is None:
                    report.refused = True
                else:
                    values = adapted.values
                    report.known = sum(1 for key in VALUE_KEYS if key in values and values[key].value is not None)
        result = check_file(path, report.path, settings, explicit=True)
        report.codes.update(d.code for d in result.diagnostics)
    except Exception as exc:  # noqa: BLE001 - a crash is what this run is looking for: record it, go on
        report.crash = f"{type(exc).__name__}: {exc} ({traceback.extract_tb(exc.__traceback__)[-1].name})"
    return report


def table(rows: list[list[str]]) -> str:
    """A Markdown table; the first row is the header."""
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "|".join("---" for _ in rows[0]) + "|"]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows[1:]])


def codes_text(codes: Counter[str]) -> str:
    return ", ".join(f"{code} x{n}" for code, n in sorted(codes.items())) or "none"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "corpus",
        nargs="?",
        type=Path,
        default=DEFAULT,
        help="the corpus folder (default: ../shared/real-configs beside the repository)",
    )
    parser.add_argument("--files", action="store_true", help="also one line per file")
    args = parser.parse_args(argv)
    corpus = args.corpus.resolve()
    if not corpus.is_dir():
        print(f"no corpus at {corpus}", file=sys.stderr)
        return 2
    kind_of = kinds(corpus)
    settings = Settings()
    folders = sorted(p for p in corpus.iterdir() if p.is_dir() and not p.name.startswith("."))
    reports: dict[str, list[FileReport]] = {}
    for folder in folders:
        files = sorted(p for p in folder.rglob("*") if p.is_file())
        reports[folder.name] = [examine(p, corpus, settings) for p in files]

    rows = [["trainer folder", "files", "detected (as)", "values determined", "findings by code"]]
    total_files = total_known = total_adapted = 0
    every_code: Counter[str] = Counter()
    for name, found in reports.items():
        formats = Counter(r.detected or "none" for r in found)
        adapted = [r for r in found if r.detected not in (None, "trainlint") and not r.refused and not r.crash]
        known = sum(r.known for r in adapted)
        codes: Counter[str] = sum((r.codes for r in found), Counter())
        detected = ", ".join(f"{fmt} {n}" for fmt, n in formats.most_common())
        rows.append(
            [
                name,
                str(len(found)),
                detected,
                f"{known} of {len(VALUE_KEYS) * len(adapted)} ({len(adapted)} files adapted)",
                codes_text(codes),
            ]
        )
        total_files += len(found)
        total_known += known
        total_adapted += len(adapted)
        every_code += codes
    rows.append(
        [
            "**total**",
            str(total_files),
            "",
            f"{total_known} of {len(VALUE_KEYS) * total_adapted} ({total_adapted} files adapted)",
            codes_text(every_code),
        ]
    )
    print(f"corpus: {corpus}\n")
    print(table(rows))

    unclaimed = [r for found in reports.values() for r in found if r.detected is None and not r.crash]
    print(f"\nfiles no format claims ({len(unclaimed)}):\n")
    print(table([["file", "kind (SOURCES.md)"], *([r.path, kind_of.get(r.path, "not listed")] for r in unclaimed)]))
    refused = [r for found in reports.values() for r in found if r.refused]
    if refused:
        print(f"\nfiles claimed by their bytes, then found not to be the format's own ({len(refused)}):\n")
        print(
            table(
                [
                    ["file", "claimed as", "kind (SOURCES.md)"],
                    *([r.path, r.detected or "", kind_of.get(r.path, "not listed")] for r in refused),
                ]
            )
        )
    crashed = [r for found in reports.values() for r in found if r.crash]
    print(f"\nfiles whose reading or check raised: {len(crashed)}")
    for r in crashed:
        print(f"- {r.path}: {r.crash}")
    if args.files:
        print()
        print(
            table(
                [
                    ["file", "detected", "values", "findings"],
                    *(
                        [r.path, r.detected or "none", str(r.known), codes_text(r.codes)]
                        for found in reports.values()
                        for r in found
                    ),
                ]
            )
        )
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
