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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=20_000, help="files in the repository (default 20,000)")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds; the median is reported (default 3)")
    parser.add_argument("--dir", type=Path, help="where to write the repository (default: a temporary folder)")
    args = parser.parse_args(argv)
    from trainlint.inputs import SEARCHED_SUFFIXES

    base = args.dir or Path(tempfile.mkdtemp(prefix="trainlint-haystack-"))
    configs = max(1, args.files // 10)
    corpus = generate(base / "repo", configs)
    others = generate_other(corpus.root / "other", args.files - configs)
    (corpus.root / ".git").mkdir(exist_ok=True)
    settle(corpus.root)
    print(f"repository: {configs:,} configs and {len(others):,} other files in {corpus.root}", flush=True)
    tl = _tool("trainlint")
    cmds = [
        Command(
            "trainlint check configs", [tl, "check", "configs", "--exit-zero", "--no-cache", "-q"], corpus.root, configs
        ),
        Command("trainlint check .", [tl, "check", ".", "--exit-zero", "--no-cache", "-q"], corpus.root, args.files),
        Command(
            "heads (first 4 KiB of every file)",
            [sys.executable, "-c", HEADS, ".", ",".join(SEARCHED_SUFFIXES)],
            corpus.root,
            args.files,
        ),
        Command("python -c pass", [sys.executable, "-c", "pass"], corpus.root, 1),
    ]
    check = subprocess.run(cmds[1].argv, cwd=corpus.root, capture_output=True, text=True)
    if check.returncode not in (0, 1):
        print(check.stderr, file=sys.stderr)
        return 2
    measure(cmds, args.rounds, memory=False)
    by_name = {c.name: c for c in cmds}
    print(f"\nmedians of {args.rounds} interleaved rounds\n")
    print(table(cmds, by_name))
    alone, whole = by_name["trainlint check configs"].median, by_name["trainlint check ."].median
    heads, start = by_name["heads (first 4 KiB of every file)"].median, by_name["python -c pass"].median
    allowed = alone + heads - start
    met = whole <= allowed
    print(
        f"\n{'met ' if met else 'MISS'}  the whole repository vs the configs alone plus every file's first bytes: "
        f"{whole * 1000:,.0f} ms (limit {allowed * 1000:,.0f} ms = {alone * 1000:,.0f} + {heads * 1000:,.0f} "
        f"- {start * 1000:,.0f} start-up)"
    )
    if not args.dir:
        shutil.rmtree(base, ignore_errors=True)
    return 0 if met else 1


if __name__ == "__main__":
    os.environ.pop("TRAINLINT_NO_CACHE", None)
    sys.exit(main())
