"""Writing fixes safely: the original survives every failure, nothing is left behind.

Failures are real where the system can produce them: the kernel stops a process
that writes past its file-size limit (SIGXFSZ), or refuses the write (EFBIG) when
that signal is ignored; concurrent runs are real processes. Only the exact moment
"between writing and replacing" is reached by wrapping one os function so that the
process kills itself there.
"""

from __future__ import annotations

import os
import resource
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from trainlint.cli import main
from trainlint.errors import FixError
from trainlint.fixer import TMP_SUFFIX, safe_write, sweep_stale_temps

UNTAGGED = (
    "schema_version: 1\nbase_model: sdxl\ntraining_type: style\npreset: sdxl/style  # tested\n"
    "classification: sdxl/style\ndataset:\n  images: 24\ntraining:\n  steps: 9000\n"
)
FIXED = UNTAGGED.replace("classification: sdxl/style", "classification: Custom")
ENV = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}


@pytest.fixture
def config(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    path = tmp_path / "configs" / "style.yaml"
    path.parent.mkdir()
    path.write_text(UNTAGGED)
    return path


def temps(folder: Path) -> list[Path]:
    return sorted(folder.glob(f".*{TMP_SUFFIX}"))


def fix_in_child(path: Path, preexec=None, code: str = "") -> subprocess.CompletedProcess:
    """`trainlint fix PATH` in a new process, optionally after running `code` in it first."""
    script = f"{code}\nimport sys\nfrom trainlint.cli import main\nsys.exit(main(['fix', {str(path)!r}]))"
    return subprocess.run(
        [sys.executable, "-c", script], env=ENV, preexec_fn=preexec, capture_output=True, text=True, timeout=120
    )


def test_mode_is_kept(config, capsys):
    config.chmod(0o640)
    assert main(["fix", str(config)]) == 0
    assert config.read_text() == FIXED
    assert stat.S_IMODE(config.stat().st_mode) == 0o640


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root can give files away")
def test_owner_and_group_are_kept(config, capsys):
    os.chown(config, 4321, 4322)
    assert main(["fix", str(config)]) == 0
    assert (config.stat().st_uid, config.stat().st_gid) == (4321, 4322)


def test_a_symlink_is_written_through_and_stays_a_link(config, capsys):
    link = config.parent.parent / "link.yaml"
    link.symlink_to(os.path.relpath(config, link.parent))
    assert main(["fix", str(link)]) == 0
    assert link.is_symlink() and os.readlink(link) == os.path.relpath(config, link.parent)
    assert config.read_text() == FIXED


def test_a_read_only_file_is_a_clear_error_and_stays(config, capsys):
    config.chmod(0o444)
    assert main(["fix", str(config)]) == 2
    assert "not fixed: the file is read-only" in capsys.readouterr().err
    assert config.read_text() == UNTAGGED and not temps(config.parent)


def test_a_hard_linked_file_is_not_split_from_its_links(config, capsys):
    os.link(config, config.parent / "twin.yaml")
    assert main(["fix", str(config)]) == 2
    assert "2 hard links" in capsys.readouterr().err
    assert config.read_text() == UNTAGGED == (config.parent / "twin.yaml").read_text()


def test_a_file_changed_since_it_was_read_is_not_overwritten(config):
    config.write_text(UNTAGGED + "# edited meanwhile\n")
    with pytest.raises(FixError, match="changed on disk"):
        safe_write(config, UNTAGGED.encode(), FIXED.encode())
    assert config.read_text() == UNTAGGED + "# edited meanwhile\n" and not temps(config.parent)


def test_a_file_another_run_already_fixed_is_left_as_it_is(config):
    config.write_text(FIXED)
    os.utime(config, ns=(10**18, 10**18))
    assert safe_write(config, UNTAGGED.encode(), FIXED.encode()) is False
    assert config.stat().st_mtime_ns == 10**18


def _file_size_limit(limit: int):
    return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_killed_while_writing_leaves_the_original_and_no_temporary_file(config):
    # the kernel kills a process that writes past its file-size limit (Python ignores that signal
    # unless told otherwise): a real crash in the middle of writing
    restore = "import signal\nsignal.signal(signal.SIGXFSZ, signal.SIG_DFL)"
    result = fix_in_child(config, _file_size_limit(len(FIXED) // 2), code=restore)
    assert result.returncode == -signal.SIGXFSZ, result.stderr
    assert config.read_text() == UNTAGGED
    assert not temps(config.parent)


def test_a_failed_write_is_a_clear_error_and_leaves_nothing(config):
    result = fix_in_child(config, _file_size_limit(len(FIXED) // 2))  # the write fails with EFBIG
    assert result.returncode == 2
    assert "not fixed: cannot write: File too large" in result.stderr
    assert config.read_text() == UNTAGGED and not temps(config.parent)


_DIE = "import os, signal\ndef _die(*a, **k):\n    os.kill(os.getpid(), signal.SIGKILL)\n"


def test_killed_before_the_temporary_file_has_a_name_leaves_nothing(config):
    result = fix_in_child(config, code=_DIE + "os.link = _die")
    assert result.returncode == -signal.SIGKILL
    assert config.read_text() == UNTAGGED and not temps(config.parent)


def test_only_temporary_files_of_finished_processes_are_swept(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".a.yaml.{int(dead.stdout)}.0f0f0f0f{TMP_SUFFIX}"
    live = tmp_path / f".b.yaml.{os.getppid()}.0f0f0f0f{TMP_SUFFIX}"
    other = tmp_path / ".c.yaml.notapid.trainlint-tmp"
    for path in (stale, live, other):
        path.write_text("x")
    assert sweep_stale_temps(tmp_path) == [stale]
    assert live.exists() and other.exists()


def test_concurrent_runs_leave_every_file_fixed_or_unchanged(tmp_path):
    (tmp_path / ".git").mkdir()
    variants = {f"c{i:02}.yaml": UNTAGGED.replace("steps: 9000", f"steps: {9000 + i}") for i in range(24)}
    variants["ok.yaml"] = FIXED
    for name, text in variants.items():
        (tmp_path / name).write_text(text)
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "trainlint", "fix", str(tmp_path)],
            env=ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0, 0], outputs
    for name, text in variants.items():
        expected = text.replace("classification: sdxl/style", "classification: Custom")
        assert (tmp_path / name).read_text() == expected, name
    assert not temps(tmp_path)


def test_a_named_file_that_is_not_a_config_is_one_clear_diagnostic(tmp_path, capsys):
    workflow = tmp_path / ".github" / "workflows" / "ci.yml"
    workflow.parent.mkdir(parents=True)
    text = "name: CI\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n"
    workflow.write_text(text)
    assert main(["check", str(workflow)]) == 1
    out = capsys.readouterr().out
    assert out.count("TL006") == 1 and "not a trainlint config" in out and "TL1" not in out
    assert main(["fix", str(workflow)]) == 2
    assert "not fixed: not a trainlint config" in capsys.readouterr().err
    assert main(["fix", "--only-configs", str(workflow)]) == 0
    assert workflow.read_text() == text


@pytest.mark.parametrize(
    "broken",
    [
        UNTAGGED + "steps: 1\nsteps: 2\n",  # duplicate key: which one would we keep?
        UNTAGGED.replace("images: 24", "images: [24"),  # syntax error
    ],
)
def test_a_config_that_does_not_load_cleanly_is_never_rewritten(config, broken, capsys):
    config.write_text(broken)
    main(["fix", str(config)])
    assert config.read_text() == broken


def test_utf16_configs_are_found_in_folders_and_fixed_in_their_encoding(tmp_path, capsys):
    (tmp_path / ".git").mkdir()
    path = tmp_path / "wide.yaml"
    path.write_bytes(b"\xff\xfe" + UNTAGGED.encode("utf-16-le"))
    assert main(["fix", str(tmp_path)]) == 0
    assert path.read_bytes() == b"\xff\xfe" + FIXED.encode("utf-16-le")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("- schema_version: 1\n- preset: sdxl/style\n", "the document is a list"),
        ("# only a comment\n", "the file holds no YAML document"),
    ],
)
def test_fix_refuses_a_named_file_without_a_config_mapping(tmp_path, text, reason, capsys):
    path = tmp_path / "odd.yaml"
    path.write_text(text)
    assert main(["fix", str(path)]) == 2
    assert f"not fixed: not a trainlint config: {reason}" in capsys.readouterr().err
    assert path.read_text() == text


def _waiting_for_lock(folder: Path, pid: int) -> bool:
    """Whether `pid` is blocked on a flock of `folder` (Linux lists waiters in /proc/locks with `->`)."""
    inode = folder.stat().st_ino
    lines = Path("/proc/locks").read_text().splitlines()
    return any("->" in line and f" {pid} " in line and f":{inode} " in line for line in lines)


@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="needs Linux's /proc/locks to see a waiting lock")
def test_the_compare_and_replace_waits_for_a_run_holding_the_folder(config):
    import fcntl

    folder_fd = os.open(config.parent, os.O_RDONLY)
    fcntl.flock(folder_fd, fcntl.LOCK_EX)  # as a concurrent run does while it replaces a file here
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "trainlint", "fix", str(config)],
            env=ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        while not _waiting_for_lock(config.parent, child.pid):
            assert child.poll() is None, child.communicate()  # it finished without waiting: no lock
            time.sleep(0.01)
        config.write_text(UNTAGGED + "# written by the run holding the lock\n")
    finally:
        os.close(folder_fd)
    _, err = child.communicate(timeout=120)
    assert child.returncode == 2 and "changed on disk" in err
    assert config.read_text() == UNTAGGED + "# written by the run holding the lock\n"
