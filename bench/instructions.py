"""Instructions, not seconds: trainlint and the floor counted by valgrind on the same corpus.

    python bench/instructions.py              # 2,000 configs: a few minutes (valgrind is slow)
    python bench/instructions.py --files 500

Wall times on a shared or virtual machine move by a third from minute to minute (docs/benchmarks.md);
the instructions a command executes do not. This script runs each command once under valgrind's
callgrind tool (following forked children), sums the instructions of the whole process tree and
prints them beside the floor's (bench/floor.py, in one process): a change that makes trainlint
cheaper shows here to the percent, whatever else the machine is doing. Instructions are not time
(libyaml's C loop does more per cycle than the interpreter's), so the speed goals are still judged
by bench/run.py; this is the compass for the work between two of its runs.

Commands: `trainlint check --no-cache --jobs 1` (one process, every file checked), the same filling an
empty results cache (a first run), the same with the cache warm (every result served from it),
`trainlint --version` and `python -c pass`.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import generate  # noqa: E402
from run import ENV, _tool, settle  # noqa: E402

_COLLECTED = re.compile(r"Collected : (\d+)")


def instructions(argv: list[str], cwd: Path, scratch: Path) -> int:
    """The instructions `argv` and every process it forks execute (valgrind's callgrind)."""
    log = scratch / "callgrind.log"
    subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--trace-children=yes",
            f"--callgrind-out-file={scratch / 'callgrind.%p'}",
            f"--log-file={log}",
            *argv,
        ],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=ENV,
        check=False,
    )
    total = sum(int(m.group(1)) for m in _COLLECTED.finditer(log.read_text(encoding="utf-8", errors="replace")))
    for path in scratch.glob("callgrind.*"):
        path.unlink()
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=2000, help="configs in the corpus (default 2,000)")
    parser.add_argument("--dir", type=Path, help="where to write the corpus (default: a temporary folder)")
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("valgrind is not installed: nothing to count with", file=sys.stderr)
        return 2
    base = args.dir or Path(tempfile.mkdtemp(prefix="trainlint-instructions-"))
    corpus = generate(base / f"corpus-{args.files}", args.files)
    settle(corpus.root)
    scratch = base / "scratch"
    scratch.mkdir(exist_ok=True)
    tl, root = _tool("trainlint"), corpus.root
    files = [str(p.relative_to(root)) for p in corpus.files]
    cache = ["--cache-dir", str(base / "cache")]
    check = [tl, "check", "configs", "--exit-zero", "--jobs", "1"]
    from trainlint.cache import DOUBT_NS

    time.sleep(DOUBT_NS / 1e9 + 0.1)  # the files' change times settle, or the cache would hash them again
    subprocess.run([*check, *cache], cwd=root, capture_output=True, check=False, env=ENV)  # fill the cache
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "trainlint --version": [tl, "--version"],
        "floor (one process)": [sys.executable, str(HERE / "floor.py"), str(corpus.schema.relative_to(root)), *files],
        "trainlint check --no-cache --jobs 1": [*check, "--no-cache"],
        "trainlint check --jobs 1, first run (fills the cache)": [*check, "--cache-dir", str(base / "filled")],
        "trainlint check (warm cache)": [*check, *cache],
    }
    print(f"corpus: {args.files:,} configs in {root}", flush=True)
    counted = {name: instructions(command, root, scratch) for name, command in commands.items()}
    floor = counted["floor (one process)"]
    print("\n| command | instructions | vs floor | per config |\n|---|---:|---:|---:|")
    for name, count in counted.items():
        many = name.startswith(("floor", "trainlint check"))
        ratio = f"{count / floor:.2f}x" if many else ""
        each = f"{count / args.files / 1000:,.0f} k" if many else ""
        print(f"| {name} | {count / 1e6:,.0f} M | {ratio} | {each} |")
    if not args.dir:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    os.environ.pop("TRAINLINT_NO_CACHE", None)
    sys.exit(main())
