"""Measure trainlint against the floor and its peers on the same generated files.

    python bench/run.py                      # 2,000 configs, 3 rounds: a couple of minutes
    python bench/run.py --files 20000 --rounds 1 --no-peers
    python bench/run.py --scale 20000        # also 20,000 configs: linear growth, peak memory
    python bench/run.py --haystack 0         # without the mixed repository of 20,000 files (haystack.py)

Every command runs as a fresh process (start-up counts: that is what a pre-commit hook
pays) with bytecode caches, as after `pip install`, all of them once per round and interleaved, so a machine that slows down for a
while slows every command alike. Reported: the median wall time over the rounds, its
ratio to check-jsonschema and to the floor (bench/floor.py: PyYAML's C loader plus
jsonschema-rs, nothing else), files per second, and the peak memory of the whole
process tree (a worker pool counts in full, shared pages once), sampled in a separate run so sampling
never slows a timed one. The targets of the performance issue are checked at the end.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import Corpus, generate  # noqa: E402

BIN = Path(sys.executable).parent
# as after `pip install`, every tool runs from bytecode caches (an environment may switch them off)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


@dataclass
class Command:
    name: str
    argv: list[str]
    cwd: Path
    files: int
    times: list[float] = field(default_factory=list)
    peak_mb: float | None = None
    fresh: Path | None = None  # a folder removed before every run, outside the time taken (a cache to fill)

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def _tool(name: str) -> str:
    path = BIN / name
    return str(path) if path.exists() else shutil.which(name) or name


def _rel(corpus: Corpus) -> list[str]:
    return [str(p.relative_to(corpus.root)) for p in corpus.files]


def commands(corpus: Corpus, peers: bool, label: str = "") -> list[Command]:
    """Every command on the whole corpus; `label` tells two corpus sizes apart."""
    n, root, files = len(corpus.files), corpus.root, _rel(corpus)
    schema = str(corpus.schema.relative_to(root))
    tl = [_tool("trainlint")]
    cold = ["check", "configs", "--exit-zero", "--no-cache"]
    warm = ["check", "configs", "--exit-zero", "--cache-dir", str(root.with_name(root.name + "-cache"))]
    filling = root.with_name(root.name + "-cache-filled")
    first = ["check", "configs", "--exit-zero", "--cache-dir", str(filling)]
    out = [
        Command(f"trainlint check{label}", [*tl, *cold], root, n),
        Command(f"trainlint check (first run, fills the cache){label}", [*tl, *first], root, n, fresh=filling),
        Command(f"trainlint check --jobs 1{label}", [*tl, *cold, "--jobs", "1"], root, n),
        Command(f"trainlint check (warm cache){label}", [*tl, *warm], root, n),
        Command(f"floor{label}", [sys.executable, str(HERE / "floor.py"), schema, *files], root, n),
        Command(
            f"floor --jobs {_cores()}{label}",
            [sys.executable, str(HERE / "floor.py"), "--jobs", str(_cores()), schema, *files],
            root,
            n,
        ),
    ]
    if peers:
        out += [
            Command(f"check-jsonschema{label}", [_tool("check-jsonschema"), "--schemafile", schema, *files], root, n),
            Command(f"yamllint{label}", [_tool("yamllint"), "-f", "parsable", *files], root, n),
        ]
    return out


def fix_commands(corpus: Corpus) -> list[Command]:
    """`fix` and `check` on a copy that `fix` has already been through: no file needs a change."""
    fixed = corpus.root.with_name(corpus.root.name + "-fixed")
    if fixed.exists():
        shutil.rmtree(fixed)
    shutil.copytree(corpus.root, fixed)
    subprocess.run([_tool("trainlint"), "fix", "configs"], cwd=fixed, capture_output=True, check=False, env=ENV)
    settle(fixed)
    tl, n = _tool("trainlint"), len(corpus.files)
    return [
        Command("trainlint fix (nothing to fix)", [tl, "fix", "configs"], fixed, n),
        Command("trainlint check (same files)", [tl, "check", "configs", "--exit-zero", "--no-cache"], fixed, n),
    ]


def settle(root: Path) -> None:
    """Give every file an old modification time, as in a repository nobody touched for a while: the
    results cache does not trust what changed within the last two seconds."""
    when = time.time() - 3600
    for folder, dirs, files in os.walk(root):
        for name in (*dirs, *files):
            os.utime(os.path.join(folder, name), (when, when), follow_symlinks=False)


def single_commands(corpus: Corpus, peers: bool) -> list[Command]:
    """One config: what a pre-commit hook on one changed file pays (a valid one, then a broken one)."""
    from trainlint import schema_layer
    from trainlint.inputs.yaml_reader import load_bytes

    def verdict(path: Path) -> bool | None:
        doc = load_bytes(path.read_bytes(), path.name)
        return schema_layer.passes(doc.data, 1) if doc.ok and not doc.findings else None

    valid = next(p for p in corpus.files if verdict(p) is True)
    broken = next(p for p in corpus.files if verdict(p) is False)
    schema, root = str(corpus.schema.relative_to(corpus.root)), corpus.root
    out = [
        Command("python -c pass", [sys.executable, "-c", "pass"], root, 1),
        Command("trainlint --version", [_tool("trainlint"), "--version"], root, 1),
    ]
    for label, path in (("1 file", valid), ("1 broken file", broken)):
        one = str(path.relative_to(root))
        out += [
            Command(f"trainlint check ({label})", [_tool("trainlint"), "check", one, "--no-cache"], root, 1),
            Command(f"floor ({label})", [sys.executable, str(HERE / "floor.py"), schema, one], root, 1),
        ]
        if peers:
            out += [
                Command(
                    f"check-jsonschema ({label})", [_tool("check-jsonschema"), "--schemafile", schema, one], root, 1
                ),
                Command(f"yamllint ({label})", [_tool("yamllint"), "-f", "parsable", one], root, 1),
            ]
    return out


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def time_once(cmd: Command) -> float:
    if cmd.fresh is not None:
        shutil.rmtree(cmd.fresh, ignore_errors=True)
    start = time.perf_counter()
    subprocess.run(cmd.argv, cwd=cmd.cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=ENV)
    return time.perf_counter() - start


def _tree_memory_kb(root: int) -> int:
    """Memory of a process and all its descendants, from /proc.

    Proportional set size (PSS) where the kernel reports it: pages a forked worker
    shares with its parent count once in the sum, not once per process as RSS would.
    """
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                    parents[int(entry)] = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    return sum(_memory_kb(pid) for pid in tree)


def _memory_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except (OSError, IndexError, ValueError):
        return 0


def peak_memory(cmd: Command) -> float:
    """Peak memory of the whole process tree in MB, sampled every few milliseconds (Linux only)."""
    if not Path("/proc/self/statm").exists():
        return float("nan")
    if cmd.fresh is not None:
        shutil.rmtree(cmd.fresh, ignore_errors=True)
    proc = subprocess.Popen(cmd.argv, cwd=cmd.cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    peak = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            break
        peak = max(peak, _tree_memory_kb(proc.pid))
        time.sleep(0.005)
    # too short to sample: the high-water mark of the process (it includes the forked parent's pages
    # held until exec, so it overstates a tiny process)
    return (peak or usage.ru_maxrss) / 1024


def measure(cmds: list[Command], rounds: int, memory: bool) -> None:
    for cmd in cmds:  # warm the page cache and the interpreters' bytecode caches
        time_once(cmd)
    for r in range(rounds):
        for cmd in cmds:
            cmd.times.append(time_once(cmd))
        print(f"  round {r + 1}/{rounds} done", file=sys.stderr)
    if memory:
        for cmd in cmds:
            cmd.peak_mb = peak_memory(cmd)


def machine() -> str:
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            model = next(line.split(":", 1)[1].strip() for line in handle if line.startswith("model name"))
    except (OSError, StopIteration):
        model = platform.processor() or model
    return f"{_cores()} cores ({model}), Python {platform.python_version()}, {platform.system()} {platform.release()}"


def versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for name in ("trainlint", "PyYAML", "jsonschema", "jsonschema-rs", "check-jsonschema", "yamllint"):
        try:
            out.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            pass
    return ", ".join(out)


def table(cmds: list[Command], by_name: dict[str, Command]) -> str:
    cj, floor = by_name.get("check-jsonschema"), by_name.get("floor")
    rows = [
        "| command | files | median | vs check-jsonschema | vs floor | files/s | peak memory |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for cmd in cmds:
        vs_cj = f"{cmd.median / cj.median:.2f}x" if cj and cmd.files == cj.files else ""
        vs_floor = f"{cmd.median / floor.median:.2f}x" if floor and cmd.files == floor.files else ""
        rate = f"{cmd.files / cmd.median:,.0f}" if cmd.files > 1 else ""
        peak = f"{cmd.peak_mb:.0f} MB" if cmd.peak_mb is not None else ""
        rows.append(
            f"| {cmd.name} | {cmd.files:,} | {cmd.median * 1000:,.0f} ms | {vs_cj} | {vs_floor} | {rate} | {peak} |"
        )
    return "\n".join(rows)


def targets(by_name: dict[str, Command], scale: int | None) -> list[tuple[str, bool, str]]:
    """The issue's targets that this run measured: (target, met, figures)."""
    out = []

    def add(text: str, value: float, limit: float, unit: str = "x") -> None:
        shown = f"{value * 1000:.0f} ms" if unit == "ms" else f"{value:.2f}x"
        bound = f"{limit * 1000:.0f} ms" if unit == "ms" else f"{limit:g}x"
        out.append((text, value <= limit, f"{shown} (limit {bound})"))

    g = by_name.get
    if g("trainlint check (1 file)") and g("check-jsonschema (1 file)"):
        add(
            "one config vs check-jsonschema",
            g("trainlint check (1 file)").median / g("check-jsonschema (1 file)").median,
            1 / 3,
        )
    if g("trainlint check") and g("check-jsonschema"):
        add("all configs vs check-jsonschema", g("trainlint check").median / g("check-jsonschema").median, 1 / 6)
    floor_jobs = g(f"floor --jobs {_cores()}")
    if g("trainlint check") and floor_jobs:
        add(
            f"all configs vs the floor, both on {_cores()} processes",
            g("trainlint check").median / floor_jobs.median,
            1.3,
        )
    if g("trainlint check --jobs 1") and g("floor"):
        add(
            "all configs vs the floor, both in one process",
            g("trainlint check --jobs 1").median / g("floor").median,
            1.3,
        )
    if g("trainlint check (warm cache)") and g("floor"):
        add(
            "unchanged configs, warm cache, vs the floor",
            g("trainlint check (warm cache)").median / g("floor").median,
            0.25,
        )
    if g("trainlint fix (nothing to fix)") and g("trainlint check (same files)"):
        add(
            "fix with nothing to fix vs check",
            g("trainlint fix (nothing to fix)").median / g("trainlint check (same files)").median,
            1.2,
        )
    if g("trainlint --version"):
        add("trainlint --version", g("trainlint --version").median, 0.060, "ms")
        if g("python -c pass"):
            out.append(
                ("", True, f"(the interpreter alone, `python -c pass`: {g('python -c pass').median * 1000:.0f} ms)")
            )
    if scale and g(f"trainlint check ({scale:,})") and g("trainlint check"):
        big, small = g(f"trainlint check ({scale:,})"), g("trainlint check")
        add(
            f"{scale:,} configs vs {small.files:,} (linear: {scale / small.files:g}x)",
            big.median / small.median,
            1.05 * scale / small.files,
        )
        if big.peak_mb is not None:
            out.append(
                (f"peak memory for {scale:,} configs", big.peak_mb < 150, f"{big.peak_mb:.0f} MB (limit 150 MB)")
            )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=2000, help="configs in the corpus (default 2,000)")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds; the median is reported (default 3)")
    parser.add_argument("--scale", type=int, metavar="N", help="also run trainlint and the floor on N configs")
    parser.add_argument("--no-peers", action="store_true", help="skip check-jsonschema and yamllint")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory runs")
    parser.add_argument(
        "--haystack",
        type=int,
        default=20_000,
        metavar="N",
        help="also a repository of N files, a tenth of them configs (bench/haystack.py; default 20,000; 0: skip)",
    )
    parser.add_argument("--dir", type=Path, help="where to write the corpora (default: a temporary folder)")
    args = parser.parse_args(argv)

    base = args.dir or Path(tempfile.mkdtemp(prefix="trainlint-bench-"))
    print(f"machine: {machine()}\nversions: {versions()}", flush=True)
    corpus = generate(base / f"corpus-{args.files}", args.files)
    settle(corpus.root)
    print(f"corpus: {args.files:,} configs of ~55 lines in {corpus.root}", flush=True)
    cmds = single_commands(corpus, not args.no_peers) + commands(corpus, not args.no_peers) + fix_commands(corpus)
    if args.scale:
        big = generate(base / f"corpus-{args.scale}", args.scale)
        settle(big.root)
        cmds += commands(big, peers=False, label=f" ({args.scale:,})")
    if args.haystack:
        import haystack

        root, configs = haystack.build(base / "haystack", args.haystack)
        cmds += [c for c in haystack.commands(root, configs, args.haystack) if c.name not in {c.name for c in cmds}]
    measure(cmds, args.rounds, memory=not args.no_memory)
    by_name = {c.name: c for c in cmds}
    print(f"\nmedians of {args.rounds} interleaved rounds\n")
    print(table(cmds, by_name))
    print()
    failed = 0
    import haystack

    found = haystack.target(by_name)
    for text, met, figures in targets(by_name, args.scale) + ([found] if found else []):
        failed += not met
        print(f"{'met ' if met else 'MISS'}  {text}: {figures}" if text else f"      {figures}")
    if not args.dir:
        shutil.rmtree(base, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
