"""Replacing a file (trainlint.replace), with real processes on this machine's real file system.

Races: a writer process watches the config's folder with inotify and saves the config once,
right after the N-th thing the fixer does there (open, read, create, rename, delete...),
optionally after a few microseconds more; rounds go through every N, so every moment of a
fix meets a save. The writer saves as editors do: in place (open with O_TRUNC, write),
by renaming its own file over the config, or through a descriptor it opened before the fix
started. However the round ends, the writer's bytes must be there afterwards, and a fix that
did not stand must say so (exit 2, `not fixed: ...`).

Metadata: POSIX ACLs and extended attributes are set through the kernel's own xattr
interface (no `setfacl` needed); other users and groups are numeric ids that a child process,
started as root, switches to (root is needed for that part, and skips without it).
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import signal
import stat
import struct
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pytest

from trainlint import replace as replace_mod
from trainlint.replace import (
    ACL_XATTR,
    KEPT_INFIX,
    TMP_SUFFIX,
    ReplaceError,
    replace_file,
    sweep_stale_temps,
)

UNTAGGED = (
    "schema_version: 1\nbase_model: sdxl\ntraining_type: style\npreset: sdxl/style  # tested\n"
    "classification: sdxl/style\ndataset:\n  images: 24\ntraining:\n  steps: 9000\n"
)
FIXED = UNTAGGED.replace("classification: sdxl/style", "classification: Custom")
ENV = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
LINUX = sys.platform.startswith("linux")
ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
ALICE, BOB, TEAM, OTHER = 4321, 4323, 4322, 4325  # users and groups by number: nothing is added to the system
NOT_FIXED = re.compile(
    r"not fixed: (the file changed on disk while it was being fixed"
    r"|another process has the file open for writing"
    r"|another process saved the file while it was being fixed; its version was put back)"
)


def saved(tag: str) -> str:
    """What the writer saves in round `tag`: still a config that needs the fix."""
    return UNTAGGED + f"# saved by the writer, round {tag}\n"


def leftovers(folder: Path) -> list[str]:
    return sorted(n for n in os.listdir(folder) if n.endswith(TMP_SUFFIX) or KEPT_INFIX in n)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    path = tmp_path / "configs" / "style.yaml"
    path.parent.mkdir()
    path.write_text(UNTAGGED)
    return path


def fix_cli(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "trainlint", "fix", str(path)],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# --- the racing writer ---------------------------------------------------------------------

WRITER = r'''
import ctypes, os, select, struct, sys, time

folder, name, spare = sys.argv[1:4]
target = os.path.join(folder, name)
libc = ctypes.CDLL(None, use_errno=True)
watch = libc.inotify_init1(os.O_NONBLOCK)
if watch < 0 or libc.inotify_add_watch(watch, folder.encode(), 0x3ff) < 0:  # every event up to IN_DELETE
    sys.exit("inotify: " + os.strerror(ctypes.get_errno()))
pending = b""

def line():
    global pending
    while b"\n" not in pending:
        chunk = os.read(0, 4096)
        if not chunk:
            sys.exit(0)
        pending += chunk
    text, pending = pending.split(b"\n", 1)
    return text.decode()

def events(after_create=False):
    """How many events are waiting (with `after_create`: how many followed the temporary file's
    creation, -1 when it was not among them)."""
    try:
        data = os.read(watch, 65536)
    except BlockingIOError:
        return -1 if after_create else 0
    count, offset, created = 0, 0, -1
    while offset < len(data):
        mask, size = struct.unpack_from("iIII", data, offset)[1::2]
        event_name = data[offset + 16:offset + 16 + size].rstrip(b"\0")
        if after_create and created < 0 and mask & 0x100 and event_name.endswith(b".trainlint-tmp"):
            created = count
        count += 1
        offset += 16 + size
    return (count - created - 1 if created >= 0 else -1) if after_create else count

while True:
    command = line()
    if command == "done":
        continue
    trigger, k, style, jitter, tag = command.split()
    k, jitter = int(k), int(jitter)
    data = open(os.path.join(spare, "base"), "rb").read() + ("# saved by the writer, round %s\n" % tag).encode()
    held = os.open(target, os.O_WRONLY) if style == "held" else None
    if style == "rename":
        with open(os.path.join(spare, "new"), "wb") as prepared:
            prepared.write(data)
    while events():
        pass
    print("armed", flush=True)
    # "count": after the k-th event; "create": k events after the temporary file got its name
    seen, done, created = 0, False, trigger == "count"
    while (seen < k or not created) and not done:
        ready = select.select([watch, 0], [], [], 10)[0]
        if watch in ready:
            if created:
                seen += events()
            else:
                seen = events(after_create=True)
                created = seen >= 0
        if 0 in ready or not ready:
            done = True  # the fix is over (or stuck): save now
    end = time.perf_counter() + jitter / 1e6
    while time.perf_counter() < end:
        pass
    if style == "inplace":
        fd = os.open(target, os.O_WRONLY | os.O_TRUNC)
        os.write(fd, data)
        os.close(fd)
    elif style == "rename":
        os.rename(os.path.join(spare, "new"), target)
    else:
        os.ftruncate(held, 0)
        os.pwrite(held, data, 0)
        os.close(held)
    if done:
        line()  # the "done" that ended the wait
    print("wrote", seen, flush=True)
'''


class Writer:
    """The writer process; `round` arms it, runs `fix` and returns what the fix returned."""

    def __init__(self, path: Path, spare: Path) -> None:
        spare.mkdir(exist_ok=True)
        (spare / "base").write_text(UNTAGGED)
        self.path = path
        self.process = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path.parent), path.name, str(spare)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )

    def round(self, k: int, style: str, jitter: int, tag: str, fix, trigger: str = "count"):
        self.path.write_text(UNTAGGED)
        self._send(f"{trigger} {k} {style} {jitter} {tag}")
        assert self._read() == "armed"
        try:
            outcome = fix()
        finally:
            self._send("done")
            reply = self._read()
        assert reply.startswith("wrote"), reply
        return outcome

    def _send(self, text: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()

    def _read(self) -> str:
        assert self.process.stdout is not None
        text = self.process.stdout.readline().strip()
        assert text, f"the writer stopped (exit {self.process.poll()})"
        return text

    def close(self) -> None:
        self.process.kill()
        self.process.wait()


@pytest.fixture
def writer(config: Path):
    if not LINUX:
        pytest.skip("the racing writer times its save with Linux's inotify")
    racer = Writer(config, config.parent.parent / "writer-spare")
    yield racer
    racer.close()


def _check_round(path: Path, tag: str, code: int, out: str, err: str) -> str:
    """The writer's bytes are there, as it saved them or fixed; a fix that did not stand says so."""
    final, mine = path.read_text(), saved(tag)
    fixed_mine = mine.replace("classification: sdxl/style", "classification: Custom")
    assert final in (mine, fixed_mine), f"round {tag}: the writer's save was lost ({code}, {err!r}):\n{final}"
    assert not leftovers(path.parent), leftovers(path.parent)
    if code == 0:
        if final == fixed_mine:
            return "fixed after the save"
        return "fixed, then saved over" if "fixed 1 file" in out else "read half-saved, nothing to fix"
    assert code == 2 and final == mine and "not fixed: " in err, (code, out, err)
    match = NOT_FIXED.search(err)
    return match.group(1) if match else "read half-saved, refused"  # e.g. caught while truncated: no config


@pytest.mark.parametrize("style", ["inplace", "rename", "held"])
def test_a_save_racing_trainlint_fix_is_never_lost_and_a_lost_race_is_not_fixed(config, writer, style):
    outcomes = Counter()
    for n in range(26):  # the N-th event in the folder (a fix makes about 22), with 0-60 µs more
        k, jitter, tag = n + 1, (0, 20, 60)[n % 3], f"{style}-{n}"
        result = writer.round(k, style, jitter, tag, lambda: fix_cli(config))
        outcomes[_check_round(config, tag, result.returncode, result.stdout, result.stderr)] += 1
    if style == "held":  # open for writing while the fix compares: refused every time it was not over by then
        assert outcomes["another process has the file open for writing"] > 0, outcomes
    assert sum(outcomes.values()) == 26, outcomes


def _in_process_round(path: Path) -> tuple[int, str, str]:
    try:
        replaced = replace_file(path, UNTAGGED.encode(), FIXED.encode())
    except ReplaceError as exc:
        return 2, "", f"{path.name}: not fixed: {exc}"
    return (0, "fixed 1 file", "") if replaced else (0, "", "")


def _replace_round(path: Path, tag: str, code: int, out: str, err: str) -> str:
    """As `_check_round`, for `replace_file` itself: it replaces only the exact bytes it was given."""
    final, mine = path.read_text(), saved(tag)
    assert final == mine, f"round {tag}: the writer's save was lost ({code}, {err!r}):\n{final}"
    assert not leftovers(path.parent), leftovers(path.parent)
    if code == 0:
        return "fixed, then saved over"
    match = NOT_FIXED.search(err)
    assert match, err
    return match.group(1)


@pytest.mark.parametrize("style", ["inplace", "rename"])
def test_a_save_in_the_instant_of_the_swap_is_put_back_and_reported(config, writer, style):
    """The writer saves as the new file gets its name, just before the swap, many times over:
    each time its bytes survive, and at least one save lands in the swap and is reported."""
    outcomes: Counter = Counter()
    for n in range(600):
        k, jitter, tag = n % 2, (0, 5, 10, 20, 40)[n % 5], f"{style}-{n}"
        outcome = writer.round(k, style, jitter, tag, lambda: _in_process_round(config), trigger="create")
        outcomes[_replace_round(config, tag, *outcome)] += 1
        if outcomes["another process saved the file while it was being fixed; its version was put back"] >= 3:
            break
    assert outcomes["another process saved the file while it was being fixed; its version was put back"], outcomes


def test_a_writer_holding_the_file_open_is_refused_before_anything_changes(config):
    held = os.open(config, os.O_WRONLY)
    try:
        result = fix_cli(config)
    finally:
        os.close(held)
    assert result.returncode == 2, result
    assert "not fixed: another process has the file open for writing; not changed" in result.stderr
    assert config.read_text() == UNTAGGED and not leftovers(config.parent)


def test_a_lease_break_does_not_end_the_fixing_process(config):
    """The kernel signals a lease holder when a writer opens the file (SIGIO would end it): an
    open for writing while this process holds the lease leaves it running, and sees the lease broken."""
    fd = os.open(config, os.O_RDONLY)
    try:
        assert replace_mod._take_lease(fd) is True
        child = subprocess.Popen([sys.executable, "-c", f"open({str(config)!r}, 'a').close()"])
        for _ in range(5000):  # the child starts, opens, and waits on the lease
            if not replace_mod._lease_intact(fd):
                break
            time.sleep(0.002)
        assert not replace_mod._lease_intact(fd)
        assert child.poll() is None  # held up until the lease is released
    finally:
        os.close(fd)  # releases the lease: the child's open goes on
    assert child.wait(timeout=60) == 0


# --- metadata: ACLs, extended attributes, owner and group -----------------------------------

ACL_USER_OBJ, ACL_USER, ACL_GROUP_OBJ, ACL_GROUP, ACL_MASK, ACL_OTHER = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20
NO_ID = 0xFFFFFFFF


def acl(*entries: tuple[int, int, int]) -> bytes:
    """A POSIX ACL as the kernel stores it in `system.posix_acl_access` (version 2, then tag, perm, id)."""
    return struct.pack("<I", 2) + b"".join(struct.pack("<HHI", tag, perm, ident) for tag, perm, ident in entries)


# user::rw- user:4321:rw- group::r-- mask::rw- other::---, so the mode is 0660 and the group may only read
GROUP_READS_ONLY = acl(
    (ACL_USER_OBJ, 6, NO_ID),
    (ACL_USER, 6, ALICE),
    (ACL_GROUP_OBJ, 4, NO_ID),
    (ACL_MASK, 6, NO_ID),
    (ACL_OTHER, 0, NO_ID),
)


def set_or_skip(path: Path, name: str, value: bytes) -> None:
    """Set an extended attribute, or skip: the file system here cannot hold it."""
    if not hasattr(os, "setxattr"):
        pytest.skip("this system has no extended attribute calls; trainlint keeps only owner, group and mode")
    try:
        os.setxattr(path, name, value)
    except OSError as exc:
        if exc.errno in (errno.ENOTSUP, errno.EOPNOTSUPP):
            pytest.skip(f"the file system of {path.parent} cannot hold {name}: {exc.strerror}")
        raise


def test_a_posix_acl_is_kept_and_the_group_gains_no_write(config):
    set_or_skip(config, ACL_XATTR, GROUP_READS_ONLY)
    mode = stat.S_IMODE(config.stat().st_mode)
    assert mode == 0o660  # the group bits show the mask, not what the group may do
    result = fix_cli(config)
    assert result.returncode == 0, result.stderr
    assert config.read_text() == FIXED
    assert os.getxattr(config, ACL_XATTR) == GROUP_READS_ONLY
    assert stat.S_IMODE(config.stat().st_mode) == mode
    if shutil.which("getfacl"):  # the same, in the words of the acl tools
        text = subprocess.run(["getfacl", "-cn", str(config)], capture_output=True, text=True, check=False).stdout
        assert "group::r--" in text and "user:4321:rw-" in text and "mask::rw-" in text


def test_extended_attributes_are_kept(config):
    set_or_skip(config, "user.origin", b"exported by the training UI")
    names = ["user.origin"]
    if ROOT:
        os.setxattr(config, "trusted.review", b"approved")
        names.append("trusted.review")
    assert fix_cli(config).returncode == 0
    assert config.read_text() == FIXED
    assert {n: os.getxattr(config, n) for n in names} == {
        "user.origin": b"exported by the training UI",
        **({"trusted.review": b"approved"} if ROOT else {}),
    }


def test_a_default_acl_of_the_folder_is_not_given_to_a_file_without_one(config):
    config.chmod(0o640)
    set_or_skip(
        config.parent,
        "system.posix_acl_default",
        acl(
            (ACL_USER_OBJ, 7, NO_ID),
            (ACL_USER, 7, ALICE),
            (ACL_GROUP_OBJ, 5, NO_ID),
            (ACL_MASK, 7, NO_ID),
            (ACL_OTHER, 5, NO_ID),
        ),
    )
    assert ACL_XATTR not in os.listxattr(config)  # made before the folder had its default ACL
    assert fix_cli(config).returncode == 0
    assert config.read_text() == FIXED
    assert ACL_XATTR not in os.listxattr(config)
    assert stat.S_IMODE(config.stat().st_mode) == 0o640


# --- other users ----------------------------------------------------------------------------

needs_root = pytest.mark.skipif(not ROOT or not LINUX, reason="acting as other users needs root (Linux)")

AS_USER = r"""
import os, sys
uid, gid, groups, path = int(sys.argv[1]), int(sys.argv[2]), [int(g) for g in sys.argv[3].split(",") if g], sys.argv[4]
# the interpreter lives where other users may not look: everything the fix uses is loaded first, as root
import ctypes, fcntl, grp, pwd, signal
from trainlint.cli import main
from trainlint import replace
warm = sys.argv[5]
main(["fix", "--diff", warm])
os.setgroups(groups)
os.setgid(gid)
os.setuid(uid)
sys.exit(main(["fix", path]))
"""


@pytest.fixture
def shared(tmp_path: Path):
    """A folder other users can reach (pytest's own temporary folders are root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="trainlint-shared-"))
    try:
        folder.chmod(0o755)
        (folder / ".git").mkdir()
        configs = folder / "configs"
        configs.mkdir()
        os.chown(configs, ALICE, TEAM)
        configs.chmod(0o2775)  # the team's folder: members may create files in it
        (folder / "warm.yaml").write_text(UNTAGGED)
        yield configs
    finally:
        shutil.rmtree(folder)


def fix_as(uid: int, gid: int, groups: list[int], path: Path) -> subprocess.CompletedProcess:
    warm = path.parent.parent / "warm.yaml"
    return subprocess.run(
        [sys.executable, "-c", AS_USER, str(uid), str(gid), ",".join(map(str, groups)), str(path), str(warm)],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def team_file(folder: Path, uid: int = ALICE, gid: int = TEAM, mode: int = 0o664) -> Path:
    path = folder / "style.yaml"
    path.write_text(UNTAGGED)
    os.chown(path, uid, gid)
    path.chmod(mode)
    return path


def ownership(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)


@needs_root
def test_the_owner_fixing_a_file_of_a_group_they_are_in_keeps_the_group(shared):
    path = team_file(shared)
    result = fix_as(ALICE, ALICE, [ALICE, TEAM], path)
    assert result.returncode == 0, result.stderr
    assert path.read_text() == FIXED and ownership(path) == (ALICE, TEAM, 0o664)


@needs_root
def test_the_owner_cannot_keep_a_group_they_are_not_in_so_the_file_is_not_replaced(shared):
    path = team_file(shared, gid=OTHER)
    result = fix_as(ALICE, ALICE, [ALICE, TEAM], path)
    assert result.returncode == 2
    assert (
        f"not fixed: the file's group is {OTHER}, and user {ALICE} cannot give a new file that group "
        f"(not a member of it); not changed" in result.stderr
    )
    assert path.read_text() == UNTAGGED and ownership(path) == (ALICE, OTHER, 0o664)
    assert not leftovers(shared)


@needs_root
def test_a_group_member_fixing_another_users_file_is_refused_rather_than_taking_it_over(shared):
    # before: the new file was BOB's, in BOB's group: the team lost the file and ALICE her ownership
    path = team_file(shared)
    result = fix_as(BOB, BOB, [BOB, TEAM], path)
    assert result.returncode == 2
    assert (
        f"not fixed: the file belongs to user {ALICE}, and a new file written by user {BOB} cannot be given "
        f"to them (only they or root can fix it); not changed" in result.stderr
    )
    assert path.read_text() == UNTAGGED and ownership(path) == (ALICE, TEAM, 0o664)
    assert not leftovers(shared)


@needs_root
def test_an_attribute_the_fixer_may_not_set_refuses_the_replacement_and_says_which(shared):
    path = team_file(shared, uid=ALICE, gid=ALICE, mode=0o644)
    capability = struct.pack("<IIIII", 0x02000000, 1 << 10, 0, 0, 0)  # cap_net_bind_service, a file capability
    os.setxattr(path, "security.capability", capability)
    result = fix_as(ALICE, ALICE, [ALICE], path)
    assert result.returncode == 2
    assert (
        "not fixed: a new file cannot keep the file's extended attribute security.capability: "
        "Operation not permitted; not changed" in result.stderr
    )
    assert path.read_text() == UNTAGGED and os.getxattr(path, "security.capability") == capability
    assert not leftovers(shared)


@needs_root
@pytest.mark.skipif(not shutil.which("setpriv"), reason="needs util-linux's setpriv to run without CAP_LEASE")
def test_without_leases_another_users_file_is_still_fixed_with_its_owner_acl_and_mode(shared):
    """Root in a container usually lacks CAP_LEASE: no lease on another user's file, the bytes are compared instead."""
    path = team_file(shared, mode=0o660)
    os.setxattr(path, ACL_XATTR, GROUP_READS_ONLY)
    script = "import sys\nfrom trainlint.cli import main\nsys.exit(main(['fix', sys.argv[1]]))"
    result = subprocess.run(
        ["setpriv", "--bounding-set", "-lease", "--inh-caps", "-lease", sys.executable, "-c", script, str(path)],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert path.read_text() == FIXED and ownership(path) == (ALICE, TEAM, 0o660)
    assert os.getxattr(path, ACL_XATTR) == GROUP_READS_ONLY
    check = "import fcntl, os, sys\nfd = os.open(sys.argv[1], os.O_RDONLY)\nfcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_RDLCK)"
    denied = subprocess.run(
        ["setpriv", "--bounding-set", "-lease", "--inh-caps", "-lease", sys.executable, "-c", check, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Permission denied" in denied.stderr or "Operation not permitted" in denied.stderr, denied  # no lease indeed


# --- where the system offers less: no anonymous files, no exchange --------------------------


@pytest.fixture
def no_exchange(monkeypatch):
    """As on a system or file system without renameat2's RENAME_EXCHANGE (not Linux, NFS, ...)."""
    monkeypatch.setattr(replace_mod, "_renameat2", lambda: None)


@pytest.fixture
def no_anonymous_files(monkeypatch):
    """As on a system or file system without O_TMPFILE (not Linux, some network and FUSE mounts)."""
    monkeypatch.setattr(replace_mod, "_open_anonymous", lambda folder: None)


def test_without_an_exchange_a_fix_keeps_acl_and_mode_and_leaves_nothing(config, no_exchange, no_anonymous_files):
    set_or_skip(config, ACL_XATTR, GROUP_READS_ONLY)
    assert replace_file(config, UNTAGGED.encode(), FIXED.encode()) is True
    assert config.read_text() == FIXED and os.getxattr(config, ACL_XATTR) == GROUP_READS_ONLY
    assert not leftovers(config.parent)


@pytest.mark.parametrize("style", ["inplace", "held"])
def test_without_an_exchange_an_in_place_save_is_still_never_lost(config, writer, no_exchange, style):
    """The old file stays linked under a second name until the lease shows nobody opened it to write."""
    for n in range(30):
        k, jitter, tag = n + 1, (0, 20)[n % 2], f"{style}-{n}"
        outcome = writer.round(k, style, jitter, tag, lambda: _in_process_round(config))
        _replace_round(config, tag, *outcome)


def test_without_anonymous_files_a_failed_replace_leaves_nothing(config, no_anonymous_files, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(replace_mod._Folder, "exchange", refuse)
    with pytest.raises(ReplaceError, match="cannot write: Permission denied"):
        replace_file(config, UNTAGGED.encode(), FIXED.encode())
    assert config.read_text() == UNTAGGED and not leftovers(config.parent)


# --- crashes --------------------------------------------------------------------------------

_DIE_AT = (
    "import os, signal, sys\nfrom trainlint import replace\ndef _die(*a, **k):\n"
    "    os.kill(os.getpid(), signal.SIGKILL)\n"
)


def fix_dying_at(path: Path, patch: str) -> subprocess.CompletedProcess:
    script = f"{_DIE_AT}{patch}\nfrom trainlint.cli import main\nsys.exit(main(['fix', {str(path)!r}]))"
    return subprocess.run(
        [sys.executable, "-c", script], env=ENV, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize(
    "moment, holds",
    [
        ("replace._Folder.exchange = _die", UNTAGGED),  # named, about to swap: the old file is whole
        ("replace._Folder.unlink = _die", FIXED),  # swapped, the old file not yet deleted: the new one is in place
    ],
)
def test_killed_around_the_swap_the_file_is_whole_and_the_next_run_cleans_up(config, moment, holds):
    result = fix_dying_at(config, moment)
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert config.read_text() == holds
    assert len(leftovers(config.parent)) == 1  # the one file a killed run can leave
    other = config.parent / "other.yaml"
    other.write_text(UNTAGGED)
    assert fix_cli(config.parent).returncode == 0  # the next run that writes in the folder sweeps it
    assert config.read_text() == FIXED == other.read_text() and not leftovers(config.parent)


def test_a_kept_version_is_never_swept(tmp_path):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=False
    )
    stale = tmp_path / f".a.yaml.{int(dead.stdout)}.0f0f0f0f{TMP_SUFFIX}"
    kept = tmp_path / f"a.yaml{KEPT_INFIX}0f0f0f0f"
    for path in (stale, kept):
        path.write_text("x")
    assert sweep_stale_temps(tmp_path) == [stale]
    assert kept.exists()
