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
import json
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
from fuzz.corpus import CASES, VALID, Case, dataset_ref, preset_ref
from helpers import check_snippet, codes

from trainlint.cache import DEFAULT_DIR
from trainlint.inputs.yaml_reader import load_bytes
from trainlint.text import _UNPRINTABLE, printable

CPU_SECONDS = 2.0
PEAK_BYTES = 200 * 1024 * 1024
ADDRESS_SPACE = 1024 * 1024 * 1024  # a runaway allocation dies here instead of swapping the machine
HANG_GUARD = 60  # wall-clock seconds; only reached if something hangs
SOURCE = re.compile(r"  (\d+| +) \| ")
SUMMARY = re.compile(r"^\d+ problems? \(")


# put on the children's PYTHONPATH: reports the process's own peak memory when it exits
METER = """\
import atexit, os

def _report(path=os.environ.get("HOSTILE_TEST_METER")):
    with open("/proc/self/status") as status, open(path, "w") as out:
        out.write(next(line for line in status if line.startswith("VmHWM:")).split()[1])

if os.environ.get("HOSTILE_TEST_METER") and os.path.exists("/proc/self/status"):
    atexit.register(_report)
    _exit = os._exit  # `trainlint` ends with os._exit, which runs no atexit handler: report first

    def _reporting_exit(code, _exit=_exit):
        _report()
        _exit(code)

    os._exit = _reporting_exit
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
    env = {
        **os.environ,
        "NO_COLOR": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "HOSTILE_TEST_METER": peak_file,
        "PYTHONPATH": os.pathsep.join([str(meter_dir()), *filter(None, [os.environ.get("PYTHONPATH")])]),
    }
    env.pop("TRAINLINT_DEBUG", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "trainlint", *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=out,
        stderr=err,
        env=env,
        preexec_fn=_limit,
    )
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
    temporary file left by the fixer, would appear (not recursive: dataset folders are huge). The
    results cache's own folder is the one thing a check may add (tests/test_cache.py holds it to that)."""
    return {str(folder / name) for folder in folders for name in os.listdir(folder) if name != DEFAULT_DIR}


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
            assert (
                line.startswith((f"{shown}:", "  hint: ", "fixed ", "no problems "))
                or SUMMARY.match(line)
                or SOURCE.match(line)  # the source line under a finding (escaped), and its carets
            ), line
    found = {
        (m["code"], int(m["line"]))
        for m in re.finditer(
            rf"^{re.escape(shown)}:(?P<line>\d+):(?P<col>\d+): (?P<code>TL\d+) ", checked.stdout, re.MULTILINE
        )
    }
    for code in c.codes:
        lines = sorted(line for found_code, line in found if found_code.startswith(code))
        assert lines, f"{c.name}: no {code} in\n{checked.stdout}{checked.stderr}"
    if c.line is not None:
        first = c.codes[0]
        assert c.line in {line for code, line in found if code.startswith(first)}, (
            f"{c.name}: {first} not at line {c.line}\n{checked.stdout}"
        )
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


@pytest.mark.parametrize(
    ("code", "text", "limits"),
    [
        ("TL091", VALID, {"max_file_bytes": 100}),
        ("TL092", VALID, {"max_nodes": 5}),
        ("TL093", VALID + "deep: [[[1]]]\n", {"max_depth": 3}),
        ("TL094", dataset_ref("./data"), {"max_dataset_files": 3}),
    ],
)
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
    assert "no problems in 1 file checked" in checked.stdout
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
                VALID.replace("preset: sdxl/style", f"preset: {ref}").replace("sdxl/style", ref)
            )
        before = {path: path.read_bytes() for path in (repo / "configs").iterdir()}
        for command in ("check", "fix"):
            run = finish(*start([command, "configs"], repo))
            assert run.returncode == 0, run.stdout + run.stderr
            assert run.cpu < CPU_SECONDS, f"{command} used {run.cpu:.2f} s of CPU"
            assert run.peak < PEAK_BYTES, f"{command} peaked at {run.peak / 2**20:.0f} MB"
        assert {path: path.read_bytes() for path in (repo / "configs").iterdir()} == before


# --- one hostile file among good ones: it gets its own finding, the others theirs --------------

FIXABLE = VALID.replace("classification: sdxl/style\n", "")  # fixable: the classification tag is missing
CUSTOM = VALID.replace("classification: sdxl/style", "classification: Custom")  # TL205 at line 5


def run_in(repo: Path, *args: str) -> Run:
    """The real CLI in `repo`, held to the contract: no traceback, CPU and memory within the promise."""
    run = finish(*start(list(args), repo))
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr
    assert run.cpu < CPU_SECONDS, f"trainlint {' '.join(args)} used {run.cpu:.2f} s of CPU"
    assert run.peak < PEAK_BYTES, f"trainlint {' '.join(args)} peaked at {run.peak / 2**20:.0f} MB"
    return run


def new_repo(path: Path, good: str = CUSTOM) -> Path:
    """A repository holding one config with one known finding (TL205 at good.yaml:5)."""
    (path / ".git").mkdir(parents=True)
    (path / "good.yaml").write_text(good)
    return path


def test_a_folder_symlinked_out_of_the_repository_is_neither_searched_nor_fixed(tmp_path: Path) -> None:
    """`configs -> /elsewhere` in a pull request: `check configs`, globs and `**` stay in the repository,
    and `fix` rewrites nothing out there; a link to `/` must not make a run walk the machine."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "theirs.yaml").write_text(FIXABLE)
    before = (outside / "theirs.yaml").read_bytes()
    repo = new_repo(tmp_path / "repo")
    os.symlink(outside, repo / "configs")
    os.symlink("/", repo / "machine")
    (repo / "inside").mkdir()
    (repo / "inside" / "own.yaml").write_text(CUSTOM)
    os.symlink(repo / "inside", repo / "linked-inside")  # a symlink that stays in the repository is fine
    for args in (
        ["configs"],
        ["configs/*.yaml"],
        ["**/*.yaml"],
        ["configs/**"],
        ["machine/tmp"],
        ["."],
        ["linked-inside"],
    ):
        checked = run_in(repo, "check", *args, "good.yaml")
        assert "theirs.yaml" not in checked.stdout and checked.returncode == 1, (args, checked.stdout)
        assert "good.yaml:5:" in checked.stdout, (args, checked.stdout)
    assert "linked-inside/own.yaml:5:" in run_in(repo, "check", "linked-inside").stdout
    for args in (["configs"], ["**/*.yaml"], ["."]):
        run_in(repo, "fix", *args)
        assert (outside / "theirs.yaml").read_bytes() == before, args
    (repo / "inside" / "own.yaml").write_text(CUSTOM)  # `fix .` fixed it
    assert "fixed 1 file" in run_in(repo, "fix", "linked-inside").stdout  # the one inside is fixed


def test_dataset_entries_symlinked_out_tell_nothing_about_the_machine(tmp_path: Path) -> None:
    """A dataset entry `data/a.png -> /somewhere/x.png` must not be counted or listed according to
    whether /somewhere/x.png exists: the two runs below differ only in that, and must read the same."""
    outputs = []
    for exists in (True, False):
        base = tmp_path / str(exists)
        (base / "secret").mkdir(parents=True)
        if exists:
            (base / "secret" / "x.png").write_bytes(b"")
        repo = new_repo(base / "repo", VALID.replace("  images: 24", "  path: ./data\n  images: 2"))
        (repo / "data").mkdir()
        (repo / "data" / "own.png").write_bytes(b"")
        os.symlink(base / "secret" / "x.png", repo / "data" / "probe.png")
        outputs.append(run_in(repo, "check", "--format", "json", "good.yaml").stdout)
    assert outputs[0] == outputs[1]
    assert "probe.png" not in outputs[0]


def test_a_trainer_workspace_counts_no_image_out_of_the_repository(tmp_path: Path) -> None:
    from trainlint.document import Limits
    from trainlint.inputs.workspace import FolderWorkspace

    counts = []
    for exists in (True, False):
        base = tmp_path / str(exists)
        (base / "secret").mkdir(parents=True)
        if exists:
            (base / "secret" / "x.png").write_bytes(b"")
        repo = new_repo(base / "repo")
        (repo / "img").mkdir()
        (repo / "img" / "own.png").write_bytes(b"")
        os.symlink(base / "secret" / "x.png", repo / "img" / "probe.png")
        counts.append(FolderWorkspace(repo, repo, Limits()).count_images("img"))
    assert counts == [1, 1]


def hostile_folder_entries(repo: Path) -> dict[str, str]:
    """Files a folder search meets that cannot be read, each with what its finding says."""
    os.symlink(repo / "loop-b.yaml", repo / "loop-a.yaml")
    os.symlink(repo / "loop-a.yaml", repo / "loop-b.yaml")
    os.symlink(repo / "nowhere.yaml", repo / "dangling.yaml")
    os.mkfifo(repo / "pipe.yaml")
    return {
        "loop-a.yaml": "symlink loop",
        "loop-b.yaml": "symlink loop",
        "dangling.yaml": "dangling symlink",
        "pipe.yaml": "named pipe",
    }


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_unreadable_files_found_by_a_search_get_a_finding_each_and_the_run_goes_on(tmp_path: Path, jobs: str) -> None:
    repo = new_repo(tmp_path / "repo")
    expected = hostile_folder_entries(repo)
    for i in range(100 if jobs == "2" else 0):  # enough files for worker processes
        (repo / f"more{i:03}.yaml").write_text(VALID)
    run = run_in(repo, "check", "--jobs", jobs, "--format", "json", ".")
    assert run.returncode == 1, run.stderr
    found = {(d["file"], d["code"]): d for d in json.loads(run.stdout)["diagnostics"]}
    assert ("good.yaml", "TL205") in found
    for name, says in expected.items():
        assert says in found[(name, "TL090")]["message"], found[(name, "TL090")]
    fixed = run_in(repo, "fix", "--jobs", jobs, ".")
    assert "fixed 1 file, 4 not fixed" in fixed.stdout and fixed.returncode == 2, fixed.stdout + fixed.stderr
    for name in expected:
        assert re.search(rf"^{name}: not fixed: cannot read: ", fixed.stderr, re.MULTILINE), fixed.stderr


NOT_UTF8 = b"caf\xe9-\xff.yaml"  # Latin-1 bytes: no UTF-8 decoder reads them


@pytest.mark.parametrize("fmt", ["text", "concise", "json", "sarif", "github", "junit"])
def test_a_file_name_that_is_not_utf8_is_reported_in_every_format(tmp_path: Path, fmt: str) -> None:
    repo = new_repo(tmp_path / "repo")
    with open(os.fsencode(repo) + b"/" + NOT_UTF8, "w") as handle:
        handle.write(CUSTOM)
    shown = {"json": json.dumps("caf\\xe9-\\xff.yaml")[1:-1], "sarif": "caf%5Cxe9-%5Cxff.yaml"}.get(
        fmt, "caf\\xe9-\\xff.yaml"
    )
    printed = run_in(repo, "check", "--format", fmt, ".")
    assert printed.returncode == 1 and shown in printed.stdout and "good.yaml" in printed.stdout, printed.stderr
    written = run_in(repo, "check", "--format", fmt, "--output", "report.out", ".")
    assert written.returncode == 1, written.stderr
    report = (repo / "report.out").read_text(encoding="utf-8")
    assert report == printed.stdout
    if fmt in ("json", "sarif"):
        json.loads(report)
    elif fmt == "junit":
        import xml.etree.ElementTree as ET

        ET.fromstring(report)


def test_a_report_file_is_written_whole_or_not_at_all(tmp_path: Path) -> None:
    """A run that cannot finish its report leaves the old report as it was, not an empty one."""
    repo = new_repo(tmp_path / "repo")
    (repo / "report.json").write_text("old report\n")
    (repo / "bad.toml").write_text("[thresholds.TL303]\nlisted = 'x'\n")
    run = run_in(repo, "check", "--config", "bad.toml", "--format", "json", "--output", "report.json", ".")
    assert run.returncode == 2
    assert (repo / "report.json").read_text() == "old report\n"
    assert sorted(os.listdir(repo)) == [".git", "bad.toml", "good.yaml", "report.json"]  # no temporary file left
    run = run_in(repo, "check", "--format", "json", "--output", "report.json", ".")
    assert json.loads((repo / "report.json").read_text())["files"] == 1


@pytest.mark.parametrize(
    ("preset", "says"),
    [
        (
            'extends: sdxl/style\nversion: "\u00b2"\n',
            "`version` must be a whole number, not '\u00b2'",
        ),  # isdigit() yes, int() no
        ('extends: sdxl/style\nversion: "\u0661"\n', "`version` is a string, not a whole number"),  # Arabic-Indic one
        ("extends: sdxl/style@\u00b2\n", "`extends` cannot be 'sdxl/style@\u00b2'"),
        ("extends: sdxl/style@" + "9" * 5000 + "\n", "`extends` cannot be 'sdxl/style@999"),
    ],
)
def test_a_preset_file_with_unicode_digits_gets_its_finding(tmp_path: Path, preset: str, says: str | None) -> None:
    repo = new_repo(tmp_path / "repo")
    (repo / "p.yaml").write_text(preset)
    (repo / "c.yaml").write_text(preset_ref("./p.yaml"))
    run = run_in(repo, "check", "--format", "json", ".")
    found = {(d["file"], d["code"]): d["message"] for d in json.loads(run.stdout)["diagnostics"]}
    assert ("good.yaml", "TL205") in found, run.stderr
    assert says in found[("c.yaml", "TL206")]  # the config names the preset file's first problem
    assert says in found.get(("p.yaml", "TL102"), "") + found.get(("p.yaml", "TL104"), "")  # and the file has it


def test_a_preset_file_name_longer_than_the_system_allows(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    (repo / "c.yaml").write_text(preset_ref("./" + "p" * 300 + ".yaml"))
    run = run_in(repo, "check", "--format", "json", ".")
    found = {(d["file"], d["code"], d["line"]) for d in json.loads(run.stdout)["diagnostics"]}
    assert {("c.yaml", "TL201", 4), ("good.yaml", "TL205", 5)} <= found, run.stderr


@pytest.mark.parametrize("nesting", ["{a: " * 900 + "1" + "}" * 900, "[" * 990 + "]" * 990])
def test_max_depth_raised_beyond_what_python_can_walk(tmp_path: Path, nesting: str) -> None:
    repo = new_repo(tmp_path / "repo")
    (repo / "trainlint.toml").write_text("max-depth = 100000\n")
    (repo / "deep.yaml").write_text(VALID + "deep: " + nesting + "\n")
    run = run_in(repo, "check", "--format", "json", ".")
    found = {(d["file"], d["code"], d["line"]): d["message"] for d in json.loads(run.stdout)["diagnostics"]}
    assert "nesting deeper than 128 levels" in found[("deep.yaml", "TL093", 8)]
    assert ("good.yaml", "TL205", 5) in found


def test_a_deeply_nested_pyproject_toml(tmp_path: Path) -> None:
    """Another tool's pyproject.toml, however nested, is not trainlint's to parse; one that holds the
    trainlint table and cannot be read is a configuration error naming it, not a crash."""
    repo = new_repo(tmp_path / "repo")
    (repo / "sub").mkdir()
    (repo / "sub" / "c.yaml").write_text(CUSTOM)
    (repo / "sub" / "pyproject.toml").write_text("[project]\nx = " + "[" * 5000 + "]" * 5000 + "\n")
    run = run_in(repo, "check", ".")
    assert run.returncode == 1 and "sub/c.yaml:5:" in run.stdout and "good.yaml:5:" in run.stdout, run.stderr
    (repo / "sub" / "pyproject.toml").write_text("[tool.trainlint]\nx = " + "[" * 5000 + "]" * 5000 + "\n")
    run = run_in(repo, "check", ".")
    assert run.returncode == 2 and "sub/pyproject.toml: not valid TOML: nested too deeply" in run.stderr


def test_a_float_where_a_whole_number_threshold_belongs(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo", VALID.replace("  images: 24", "  path: ./data"))
    (repo / "data").mkdir()
    for i in range(4):
        (repo / "data" / f"{i}.png").write_bytes(b"")
    (repo / "trainlint.toml").write_text("[thresholds.TL303]\nlisted = 2.0\n")
    run = run_in(repo, "check", ".")
    assert "4 of 4 images have no caption: 0.png, 1.png and 2 more" in run.stdout, run.stdout + run.stderr
    (repo / "trainlint.toml").write_text("[thresholds.TL303]\nlisted = 2.5\n")
    run = run_in(repo, "check", ".")
    assert run.returncode == 2
    assert "trainlint.toml:2: `thresholds.TL303.listed` must be a whole number like 3, not 2.5" in run.stderr


def test_a_path_longer_than_path_max_is_reported_not_skipped(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    names = [f"{level:02}" + "d" * 248 for level in range(18)]
    fd = os.open(repo, os.O_RDONLY | os.O_DIRECTORY)
    try:  # made through folder descriptors: no path this long can be named to the system
        for name in names:
            os.mkdir(name, dir_fd=fd)
            below = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = below
        config = os.open("deep.yaml", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(config, CUSTOM.encode())
        os.close(config)
    finally:
        os.close(fd)
    run = run_in(repo, "check", "--format", "json", ".")
    found = [(d["file"], d["code"], d["message"]) for d in json.loads(run.stdout)["diagnostics"]]
    assert ("good.yaml", "TL205") in {(f, c) for f, c, _ in found}
    [(where, code, message)] = [d for d in found if d[0] != "good.yaml"]
    assert code == "TL090" and "longer than the system allows" in message and len(where) > 4096
    # the folder the system refused, named whole: the path down to it, folder by folder
    parts = where.split("/")
    assert parts[parts.index(names[0]) :] == names[: len(parts) - parts.index(names[0])]


@pytest.mark.parametrize(
    "script",
    [
        "accelerate launch --num_processes \u00b2 train_network.py --pretrained_model_name_or_path m.safetensors\n",
        "accelerate launch --num_processes " + "9" * 5000 + " train_dreambooth_lora.py --instance_data_dir d\n",
    ],
)
def test_unicode_digits_in_a_training_script(tmp_path: Path, script: str) -> None:
    repo = new_repo(tmp_path / "repo")
    (repo / "train.sh").write_text("#!/bin/sh\n" + script)
    run = run_in(repo, "check", ".", "train.sh")
    assert run.returncode in (0, 1) and "good.yaml:5:" in run.stdout, run.stderr


def test_globs_with_many_double_stars_cost_no_backtracking(tmp_path: Path) -> None:
    """Every glob setting of a configuration, written to backtrack (`**/a*/**/a*/...`), against configs
    deep in folders whose names almost match: the run stays within the promise."""
    repo = new_repo(tmp_path / "repo")
    stars = "/".join(["**", "a*"] * 12) + "/z.yaml"
    (repo / "trainlint.toml").write_text(
        f'include = ["{stars}", "**"]\nexclude = ["{stars}"]\n'
        f'[per-file-ignores]\n"{stars}" = ["TL103"]\n'
        f'[per-file-training-type]\n"{stars}" = "style"\n'
        f'[per-file-preset]\n"{stars}" = "sdxl/style"\n'
        f'[per-file-input-format]\n"{stars}" = "trainlint"\n'
    )
    deep = repo.joinpath(*["a" + "b" * 6] * 40)
    deep.mkdir(parents=True)
    for i in range(20):
        (deep / f"c{i}.yaml").write_text(CUSTOM)
    run = run_in(repo, "check", "--jobs", "1", ".")
    assert run.returncode == 1 and run.stdout.count(": TL205 ") == 21, run.stdout[-500:] + run.stderr


def test_fix_sweeps_a_folder_for_stale_temporary_files_once_per_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder of many configs is listed once for stale temporary files, not once per fixed file;
    the stale file of a killed run is still removed."""
    from trainlint import replace
    from trainlint.api import fix_paths

    repo = new_repo(tmp_path / "repo", FIXABLE)
    for i in range(50):
        (repo / f"c{i:02}.yaml").write_text(FIXABLE)
    stale = repo / f".c00.yaml.{2**22 + 12345}.1{replace.TMP_SUFFIX}"  # a pid above Linux's limit: dead
    stale.write_bytes(b"left by a killed run")
    listed: list[str] = []
    real_listdir = os.listdir

    def listdir(path: str | Path = ".") -> list[str]:
        listed.append(str(path))
        return real_listdir(path)

    monkeypatch.setattr(os, "listdir", listdir)
    monkeypatch.chdir(repo)
    reports = fix_paths(["."], jobs=1)
    assert sum(report.changed for report in reports) == 51
    assert listed.count(str(repo.resolve())) == 1, listed[:5]
    assert not stale.exists()
