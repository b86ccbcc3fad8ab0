"""The safety contract, input by input, through the real CLI in a child process.

For every hostile input of tests/fuzz/corpus.py, `trainlint check` and `trainlint
fix` must: finish within 2 s of CPU time and 200 MB of memory, report the expected
rule codes at `file:line:col:`, exit with the documented code, print no traceback,
construct no object beyond plain data, run nothing, and leave the file's bytes as
they were. CPU time comes from the kernel's accounting of each child (wait4) and peak memory
from the child's own high-water mark (VmHWM, written at exit by a sitecustomize
module these tests put on its path; the rusage peak would include the pytest process
the child was forked from), never from a wall clock, so a loaded CI machine cannot make
them flaky. An address-space limit and a wall-clock time-out only guard against runaways.
"""

from __future__ import annotations

import functools
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest
from fuzz.corpus import CASES, VALID, Case, dataset_ref
from helpers import check_snippet, codes
from trainlint.inputs.yaml_reader import load_bytes
from trainlint.text import _UNPRINTABLE, printable

CPU_SECONDS = 2.0
PEAK_BYTES = 200 * 1024 * 1024
ADDRESS_SPACE = 1024 * 1024 * 1024  # a runaway allocation dies here instead of swapping the machine
HANG_GUARD = 60  # wall-clock seconds; only reached if something hangs
SUMMARY = re.compile(r"^\d+ problems? \(")


# put on the children's PYTHONPATH: reports the process's own peak memory when it exits
METER = """\
import atexit, os

def _report(path=os.environ.get("HOSTILE_TEST_METER")):
    with open("/proc/self/status") as status, open(path, "w") as out:
        out.write(next(line for line in status if line.startswith("VmHWM:")).split()[1])

if os.environ.get("HOSTILE_TEST_METER") and os.path.exists("/proc/self/status"):
    atexit.register(_report)
"""


@functools.cache
def meter_dir() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="trainlint-meter-"))
    (folder / "sitecustomize.py").write_text(METER)
    return folder


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    cpu: float
    peak: int  # bytes


def _limit() -> None:  # runs in the child before exec
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
    resource.setrlimit(resource.RLIMIT_CPU, (10, 10))


Started = tuple[subprocess.Popen, IO[bytes], IO[bytes], Path]


def start(args: list[str], cwd: Path) -> Started:
    """`python -m trainlint ARGS` in `cwd`, output to temporary files (no pipe to fill up)."""
    out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    fd, peak_file = tempfile.mkstemp(prefix="peak-", dir=meter_dir())
    os.close(fd)
    env = {**os.environ, "NO_COLOR": "1", "PYTHONDONTWRITEBYTECODE": "1", "HOSTILE_TEST_METER": peak_file,
           "PYTHONPATH": os.pathsep.join([str(meter_dir()), *filter(None, [os.environ.get("PYTHONPATH")])])}
    env.pop("TRAINLINT_DEBUG", None)
    proc = subprocess.Popen([sys.executable, "-m", "trainlint", *args], cwd=cwd, stdin=subprocess.DEVNULL,
                            stdout=out, stderr=err, env=env, preexec_fn=_limit)
    return proc, out, err, Path(peak_file)


def finish(proc: subprocess.Popen, out: IO[bytes], err: IO[bytes], peak_file: Path) -> Run:
    """Reap the child ourselves with wait4, which hands back its own CPU time."""
    timer = threading.Timer(HANG_GUARD, proc.kill)
    timer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    with out, err:
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
    reported = peak_file.read_text()
    peak_file.unlink()
    # no report (no /proc, or killed): the rusage peak, an upper bound that includes the parent's
    peak = int(reported) * 1024 if reported else usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    return Run(proc.returncode, stdout, stderr, usage.ru_utime + usage.ru_stime, peak)


def snapshot(path: Path) -> tuple:
    """What must not change: the bytes of a file, or what a symlink or special file is."""
    if path.is_symlink():
        return ("link", os.readlink(path))
    if path.is_file():
        return ("file", path.read_bytes(), os.stat(path).st_mode)
    return ("other", os.lstat(path).st_mode)


def listing(*folders: Path) -> set[str]:
    """Names in the working folder and beside the config: where a command run by a tag, or a
    temporary file left by the fixer, would appear (not recursive: dataset folders are huge)."""
    return {str(folder / name) for folder in folders for name in os.listdir(folder)}


@pytest.fixture
def base(request: pytest.FixtureRequest, tmp_path: Path):
    """Where a case builds its repository: big cases go to memory (100,000 files on disk take long)."""
    c: Case = request.getfixturevalue("c")
    if not (c.big and os.path.isdir("/dev/shm")):
        yield tmp_path
        return
    with tempfile.TemporaryDirectory(dir="/dev/shm", prefix="trainlint-hostile-") as folder:
        yield Path(folder)


def built(c: Case, base: Path) -> tuple[Path, Path, str]:
    repo = base / "repo"
    config = c.build(repo)
    return repo, config, str(config.relative_to(repo))


def assert_contract(c: Case, run: Run, display: str, command: str) -> None:
    where = f"{c.name}: trainlint {command}"
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, f"{where}\n{run.stderr}"
    assert run.cpu < CPU_SECONDS, f"{where} used {run.cpu:.2f} s of CPU"
    assert 1 << 20 < run.peak < PEAK_BYTES, f"{where} peaked at {run.peak / 2**20:.0f} MB"
    expected = (c.exit,) if command == "check" else (0, 2) if c.fix_exit is None else (c.fix_exit,)
    assert run.returncode in expected, f"{where} exited {run.returncode}\n{run.stdout}\n{run.stderr}"


@pytest.mark.parametrize("c", CASES, ids=[c.name for c in CASES])
def test_hostile_input(c: Case, base: Path) -> None:
    repo, config, display = built(c, base)
    before, files_before = snapshot(config), listing(repo, config.parent)
    # check and fix side by side: two cores, half the wall time
    check = start(["check", display], repo)
    fix = start(["fix", display], repo)
    checked, fixed = finish(*check), finish(*fix)

    assert_contract(c, checked, display, "check")
    assert_contract(c, fixed, display, "fix")
    assert snapshot(config) == before, f"{c.name}: the file changed"
    assert listing(repo, config.parent) == files_before, f"{c.name}: files appeared or vanished"

    shown = printable(display)
    for run in (checked, fixed):  # every line is ours: nothing from the input starts a line or escapes
        assert not _UNPRINTABLE.search(run.stdout.replace("\n", "") + run.stderr.replace("\n", "")), run
        for line in run.stdout.splitlines():
            assert line.startswith((f"{shown}:", "  hint: ", "fixed ", "no problems ")) or SUMMARY.match(line), line
    found = {(m["code"], int(m["line"])) for m in re.finditer(
        rf"^{re.escape(shown)}:(?P<line>\d+):(?P<col>\d+): (?P<code>TL\d+) ", checked.stdout, re.MULTILINE)}
    for code in c.codes:
        lines = sorted(line for found_code, line in found if found_code.startswith(code))
        assert lines, f"{c.name}: no {code} in\n{checked.stdout}{checked.stderr}"
    if c.line is not None:
        first = c.codes[0]
        assert c.line in {line for code, line in found if code.startswith(first)}, \
            f"{c.name}: {first} not at line {c.line}\n{checked.stdout}"
    assert c.says in checked.stdout, f"{c.name}: {c.says!r} not in\n{checked.stdout}"
    if c.exit == 2:  # unreadable: one line naming the file, on stderr
        assert re.search(rf"{re.escape(shown)}: cannot read: \S", checked.stderr), checked.stderr
    if fixed.returncode == 2:  # refused: one line naming the file and the reason
        assert re.search(rf"^{re.escape(shown)}: not fixed: \S", fixed.stderr, re.MULTILINE), fixed.stderr
    else:
        assert "fixed 0 files" in fixed.stdout, fixed.stdout


PLAIN = (dict, list, str, int, float, bool, type(None))


def assert_plain(value: object, depth: int = 0) -> None:
    """Only the types JSON has: no object a tag could have asked for."""
    assert isinstance(value, PLAIN), type(value)
    assert depth < 100
    if isinstance(value, dict):
        for key, item in value.items():
            assert type(key) is str or isinstance(key, str)
            assert_plain(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            assert_plain(item, depth + 1)


TEXTS = [c for c in CASES if c.text is not None]


@pytest.mark.parametrize("c", TEXTS, ids=[c.name for c in TEXTS])
def test_loader_builds_plain_data(c: Case) -> None:
    doc = load_bytes(c.text, "config.yaml")
    assert_plain(doc.data)
    assert all(f.code.startswith("TL0") for f in doc.findings)


@pytest.mark.parametrize(("code", "text", "limits"), [
    ("TL091", VALID, {"max_file_bytes": 100}),
    ("TL092", VALID, {"max_nodes": 5}),
    ("TL093", VALID + "deep: [[[1]]]\n", {"max_depth": 3}),
    ("TL094", dataset_ref("./data"), {"max_dataset_files": 3}),
])
def test_each_limit_is_a_setting_with_its_own_code(code: str, text: str, limits: dict, tmp_path: Path) -> None:
    """An ordinary config hits a lowered limit: the limit comes from the settings, not from the code."""
    files = {f"data/{i}.png": "" for i in range(5)}
    assert code not in codes(check_snippet(tmp_path / "default", text, files))
    assert code in codes(check_snippet(tmp_path / "lowered", text, files, **limits))


def test_folder_search_neither_reads_nor_fixes_through_symlinks_out(tmp_path: Path) -> None:
    """A pull request may add `configs/x.yaml -> /somewhere/else.yaml`: searching the
    repository must not read it (its content would end up in CI logs) nor rewrite it."""
    outside = tmp_path / "outside.yaml"
    outside.write_text(VALID.replace("classification: sdxl/style\n", ""))  # fixable: the tag is missing
    before = outside.read_bytes()
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "configs").mkdir()
    os.symlink(outside, repo / "configs" / "linked.yaml")
    os.symlink("/dev/zero", repo / "configs" / "zero.yaml")
    (repo / "configs" / "own.yaml").write_text(VALID)
    checked = finish(*start(["check", "."], repo))
    fixed = finish(*start(["fix", "."], repo))
    assert (checked.returncode, fixed.returncode) == (0, 0), checked.stdout + checked.stderr + fixed.stderr
    assert "no problems in 1 file" in checked.stdout
    assert "fixed 0 files" in fixed.stdout
    assert outside.read_bytes() == before


def test_many_configs_with_long_chains_of_big_presets_stay_within_the_budget() -> None:
    """Nine configs, each extending a chain of 32 preset files of half a megabyte: every file is read,
    but what is kept of them is bounded by bytes (the preset cache held whole documents, some 300 MB)."""
    if not os.path.isdir("/dev/shm"):
        pytest.skip("needs a memory file system for 150 MB of presets")
    with tempfile.TemporaryDirectory(dir="/dev/shm", prefix="trainlint-hostile-") as folder:
        repo = Path(folder) / "repo"
        (repo / ".git").mkdir(parents=True)
        (repo / "configs").mkdir()
        description = "x" * 500_000
        for c in range(9):
            chain = repo / "presets" / f"chain{c}"
            chain.mkdir(parents=True)
            for i in range(32):
                parent = f"./p{i + 1}.yaml" if i < 31 else "sdxl/style"
                (chain / f"p{i}.yaml").write_text(f"extends: {parent}\ndescription: {description}\n")
            ref = f"../presets/chain{c}/p0.yaml"
            (repo / "configs" / f"c{c}.yaml").write_text(
                VALID.replace("preset: sdxl/style", f"preset: {ref}").replace("sdxl/style", ref))
        before = {path: path.read_bytes() for path in (repo / "configs").iterdir()}
        for command in ("check", "fix"):
            run = finish(*start([command, "configs"], repo))
            assert run.returncode == 0, run.stdout + run.stderr
            assert run.cpu < CPU_SECONDS, f"{command} used {run.cpu:.2f} s of CPU"
            assert run.peak < PEAK_BYTES, f"{command} peaked at {run.peak / 2**20:.0f} MB"
        assert {path: path.read_bytes() for path in (repo / "configs").iterdir()} == before
