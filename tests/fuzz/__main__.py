"""The long fuzzer: `python -m tests.fuzz --minutes 10` from the repository root.

Runs the property of tests/fuzz/strategies.py on fresh random mutations, chunk after
chunk, alternating default and tight limits, until the time is up. Every failure is
shrunk by hypothesis and written to tests/regressions/crash-<hash>.yaml together with
a .txt note of the error; tests/test_fuzz.py replays every file there, so commit them
with the fix. Exit code: 0 nothing found, 1 crashes were written.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import sys
import tempfile
import time
import traceback
from pathlib import Path

from hypothesis import HealthCheck, given, seed, settings

from trainlint.document import Limits
from trainlint.reporters import FORMATS

from .strategies import REGRESSIONS, REPO, TIGHT, exercise, inputs, make_repo


def run_chunk(repo: Path, limits: Limits, examples: int, chunk_seed: int) -> tuple[bytes, BaseException] | None:
    """One hypothesis run; the last failing input it tried is the shrunk one."""
    failures: list[tuple[bytes, BaseException]] = []

    @seed(chunk_seed)
    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(inputs())
    def prop(raw: bytes) -> None:
        try:
            exercise(raw, repo, limits, tuple(FORMATS))
        except Exception as exc:
            failures.append((raw, exc))
            raise

    try:
        prop()
    except Exception:  # noqa: BLE001 - the failure itself was recorded above
        return failures[-1] if failures else None
    return None


def save(raw: bytes, exc: BaseException, folder: Path) -> Path:
    name = "crash-" + hashlib.sha1(raw).hexdigest()[:12]
    path = folder / f"{name}.yaml"
    path.write_bytes(raw)
    frames = traceback.extract_tb(exc.__traceback__)[-3:]
    where = [f"  {os.path.relpath(f.filename, REPO)}:{f.lineno} in {f.name}" for f in frames]
    (folder / f"{name}.txt").write_text(f"{type(exc).__name__}: {exc}\n" + "\n".join(where) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=5.0, help="how long to run (default 5)")
    parser.add_argument("--chunk", type=int, default=500, help="examples per hypothesis run (default 500)")
    parser.add_argument("--seed", type=int, default=None, help="seed of the first chunk (default: random)")
    parser.add_argument("--out", type=Path, default=REGRESSIONS, help="where crashes go (default tests/regressions)")
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    repo = make_repo(Path(tempfile.mkdtemp(prefix="trainlint-fuzz-")) / "repo")
    args.out.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + args.minutes * 60
    chunks, found = 0, []
    while time.monotonic() < deadline:
        limits = TIGHT if chunks % 2 else Limits()
        chunk_seed = rng.randrange(1 << 32)
        failure = run_chunk(repo, limits, args.chunk, chunk_seed)
        chunks += 1
        if failure:
            path = save(*failure, args.out)
            found.append(path)
            print(f"crash ({type(failure[1]).__name__}: {str(failure[1])[:120]}) -> {path}", flush=True)
        print(
            f"{chunks} chunks of {args.chunk} inputs, {len(found)} crashes, "
            f"{max(0.0, deadline - time.monotonic()) / 60:.1f} min left",
            file=sys.stderr,
            flush=True,
        )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
