"""Configs as a tenth of a repository: the other files must cost no more than reading their first bytes.

    python bench/haystack.py                  # 20,000 files, 2,000 of them configs, 3 rounds
    python bench/haystack.py --files 5000 --rounds 1

A generated repository holds bench/corpus.py's configs (a tenth of the files) and, beside them,
files of the same suffixes that no format claims (bench/mixed.py's package.json, workflows,
compose files, manifests, pyproject.toml, .env files, build scripts). Measured in the same
interleaved rounds, each a fresh process (bench/run.py's measurement), with the results cache off:

- `trainlint check configs`: the configs alone;
- `trainlint check .`: the whole repository;
- `heads`: a script that walks the repository and reads the first 4 KiB of every file of a suffix
  trainlint searches, and nothing else: what telling configs apart by content cannot go below.

Target: the whole repository costs no more than the configs alone plus reading every file's
first bytes (the interpreter's start-up counted once).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import generate  # noqa: E402
from mixed import generate_other  # noqa: E402
from run import Command, _tool, measure, settle, table  # noqa: E402

HEADS = """
import os, sys
suffixes = tuple(sys.argv[2].split(","))
for folder, dirs, files in os.walk(sys.argv[1]):
    dirs[:] = [d for d in dirs if not d.startswith(".")]
    for name in files:
        if name.endswith(suffixes):
            with open(os.path.join(folder, name), "rb") as handle:
                handle.read(4096)
"""


def build(base: Path, files: int) -> tuple[Path, int]:
    """The repository under `base`: a tenth of `files` configs, the rest other files; (its root, configs)."""
    configs = max(1, files // 10)
    corpus = generate(base / "repo", configs)
    others = generate_other(corpus.root / "other", files - configs)
    (corpus.root / ".git").mkdir(exist_ok=True)
    settle(corpus.root)
    print(f"repository: {configs:,} configs and {len(others):,} other files in {corpus.root}", flush=True)
    return corpus.root, configs


def commands(root: Path, configs: int, files: int) -> list[Command]:
    from trainlint.inputs import SEARCHED_SUFFIXES

    tl = _tool("trainlint")
    return [
        Command(
            "haystack: trainlint check configs",
            [tl, "check", "configs", "--exit-zero", "--no-cache", "-q"],
            root,
            configs,
        ),
        Command("haystack: trainlint check .", [tl, "check", ".", "--exit-zero", "--no-cache", "-q"], root, files),
        Command(
            "haystack: heads (first 4 KiB of every file)",
            [sys.executable, "-c", HEADS, ".", ",".join(SEARCHED_SUFFIXES)],
            root,
            files,
        ),
        Command("python -c pass", [sys.executable, "-c", "pass"], root, 1),
    ]


def target(by_name: dict[str, Command]) -> tuple[str, bool, str] | None:
    """Goal 3, when this run measured it: (target, met, figures)."""
    names = (
        "haystack: trainlint check configs",
        "haystack: trainlint check .",
        "haystack: heads (first 4 KiB of every file)",
    )
    if not all(name in by_name for name in (*names, "python -c pass")):
        return None
    alone, whole, heads = (by_name[name].median for name in names)
    start = by_name["python -c pass"].median
    allowed = alone + heads - start
    return (
        f"a repository of {by_name[names[1]].files:,} files vs its configs alone plus every file's first bytes",
        whole <= allowed,
        f"{whole * 1000:,.0f} ms (limit {allowed * 1000:,.0f} ms = {alone * 1000:,.0f} + {heads * 1000:,.0f} "
        f"- {start * 1000:,.0f} start-up)",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=20_000, help="files in the repository (default 20,000)")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds; the median is reported (default 3)")
    parser.add_argument("--dir", type=Path, help="where to write the repository (default: a temporary folder)")
    args = parser.parse_args(argv)

    base = args.dir or Path(tempfile.mkdtemp(prefix="trainlint-haystack-"))
    root, configs = build(base, args.files)
    cmds = commands(root, configs, args.files)
    check = subprocess.run(cmds[1].argv, cwd=root, capture_output=True, text=True)
    if check.returncode not in (0, 1):
        print(check.stderr, file=sys.stderr)
        return 2
    measure(cmds, args.rounds, memory=False)
    by_name = {c.name: c for c in cmds}
    print(f"\nmedians of {args.rounds} interleaved rounds\n")
    print(table(cmds, by_name))
    found = target(by_name)
    assert found is not None
    text, met, figures = found
    print(f"\n{'met ' if met else 'MISS'}  {text}: {figures}")
    if not args.dir:
        shutil.rmtree(base, ignore_errors=True)
    return 0 if met else 1


if __name__ == "__main__":
    os.environ.pop("TRAINLINT_NO_CACHE", None)
    sys.exit(main())
