"""Replacing a file's bytes safely: the one way `trainlint fix` writes a file.

The promise: afterwards the file holds either its old bytes or the new ones, never a mix;
the new file has the old one's owner, group, mode and extended attributes (its POSIX ACL
among them); and an edit another process saves while the file is being replaced is never
lost, the replacement is undone instead and reported. When the promise cannot be kept, the
file is not replaced and `ReplaceError` says why.

How, on Linux:

1. The new bytes go to a temporary file in the same folder, an anonymous one (O_TMPFILE)
   where the file system has them, so a crash leaves nothing behind. It gets the file's
   owner and group, its extended attributes and its mode, and is flushed to disk. What
   cannot be kept is a refusal: a new group, or a lost ACL, changes who may write the file
   (with an ACL, the group bits of the mode are the ACL's mask, so dropping the ACL hands
   its mask to the group).
2. Runs in the same folder take turns (an advisory lock on the folder).
3. The file is opened read-only and a read lease is taken on it (F_SETLEASE): the kernel
   refuses one while any process has the file open for writing, and breaks it when one
   opens it for writing or truncates it. The bytes read through that descriptor must still
   be the bytes the new ones were made from.
4. The temporary file gets a name and trades places with the file in one step (renameat2
   with RENAME_EXCHANGE), so afterwards the temporary name holds exactly what the file's
   name held at that instant.
5. That must be the file compared in step 3, with its lease unbroken. Otherwise another
   process renamed its own version over the file, or opened the old one for writing, after
   the comparison: a second exchange puts the other version back under the file's name (a
   writer held up by the lease then writes into it), and the file is reported not fixed.
   Only then is the old file deleted and the lease released.

Where the system has no leases (another user's file without CAP_LEASE, a file system
without them, not Linux), step 5 compares the old file's bytes instead, which cannot see a
process that opened the file before and writes only after that comparison. Where it cannot
exchange two names (not Linux, some network and FUSE file systems), the old file is kept
under a second hard link, checked to be the file compared, before a plain atomic rename,
and put back by rename on doubt; a rename by another process in the microseconds between
that check and the rename is then the one race left. Where the system has no extended
attribute calls (not Linux), only owner, group and mode are kept. SECURITY.md lists these.
"""

import contextlib
import errno
import functools
import os
import stat
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Self

from .errors import FixError

TMP_SUFFIX = ".trainlint-tmp"
KEPT_INFIX = ".trainlint-kept-"
ACL_XATTR = "system.posix_acl_access"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2  # linux/fs.h
# renameat2 errors that mean "this system or file system cannot exchange" (EPERM: a seccomp filter that does not know the call)
_NO_EXCHANGE = frozenset({errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EPERM, errno.EXDEV})
_DOUBT = "another process saved the file while it was being fixed"
# how long an open that looked the file's name up just before the swap may take to reach the
# kernel's lease check (or a write already under way to land) before the swap is judged
_GRACE = 0.001


# The file was not replaced, or its replacement was undone: it holds what it held, or what another
# process wrote meanwhile; the message says why (and names any copy kept aside). The fixer's error.
ReplaceError = FixError


def replace_file(path: Path, expected: bytes, new: bytes) -> bool:
    """Replace the file at `path` (through symlinks) with `new`, which was made from `expected`.

    Returns True when replaced, False when the file already holds `new` (another run made the
    same change first, which is not an error). Raises ReplaceError, leaving the file as it is,
    for a file that is not regular, is read-only, has several hard links (replacing it would
    separate them), no longer holds `expected`, is open for writing elsewhere, or whose owner,
    group, mode or extended attributes a new file cannot have; and, having undone the
    replacement, when another process saved the file while it was being replaced.
    """
    try:
        target = path.resolve(strict=True)
        st = os.stat(target)
    except (OSError, RuntimeError) as exc:
        raise ReplaceError(f"cannot write: {getattr(exc, 'strerror', None) or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise ReplaceError("not a regular file; not changed")
    if not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(target, os.W_OK):
        raise ReplaceError("the file is read-only; not changed")
    if st.st_nlink > 1:
        raise ReplaceError(f"the file has {st.st_nlink} hard links and replacing it would separate them; not changed")
    if (
        target.parent not in _SWEPT
    ):  # once per folder and process: a folder of 2,000 configs is listed once, not 2,000 times
        _SWEPT.add(target.parent)
        sweep_stale_temps(target.parent)
    try:
        attributes = read_xattrs(str(target))
        with _Folder(target.parent) as folder, _TempFile(folder, target.name) as temp:
            temp.write(new)
            temp.take_metadata(st, attributes)
            with folder.locked():
                replaced = _compare_and_swap(folder, target.name, temp, st, expected, new)
            if replaced:
                folder.fsync()
    except OSError as exc:
        raise ReplaceError(f"cannot write: {exc.strerror or exc}") from None
    return replaced


def _compare_and_swap(
    folder: "_Folder", name: str, temp: "_TempFile", st: os.stat_result, expected: bytes, new: bytes
) -> bool:
    """Steps 3 to 5 of the module's description; the caller holds the folder's lock."""
    old_fd = folder.open(name, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    try:  # closing old_fd releases the lease: a writer it held up goes on only after this block
        leased = _take_lease(old_fd)
        old = os.fstat(old_fd)
        current = _read_all(old_fd)
        if current == new:
            return False
        if current != expected or _identity(old) != _identity(st) or old.st_ctime_ns != st.st_ctime_ns:
            raise ReplaceError("the file changed on disk while it was being fixed; not overwritten")

        def intact() -> bool:  # nothing has written to the old file since the comparison
            return (not leased or _lease_intact(old_fd)) and _read_all(old_fd) == expected

        temp_name = temp.link()
        if folder.exchange(temp_name, name):
            _check_exchange(folder, name, temp, _identity(old), intact)
        else:
            _replace_keeping_old(folder, name, temp, _identity(old), intact, lambda: _read_all(old_fd))
        return True
    finally:
        os.close(old_fd)


def _check_exchange(
    folder: "_Folder", name: str, temp: "_TempFile", old: tuple[int, int], intact: Callable[[], bool]
) -> None:
    """After the exchange the temporary name holds what the file's name held: delete it if that
    is the compared file, untouched since; else exchange back and report."""
    assert temp.named is not None
    time.sleep(_GRACE)
    if _holds(lambda: folder.identity(temp.named or "") == old and intact()):
        folder.unlink(temp.named)
        temp.named = None
        return
    # the other version back under the file's name, ours back under the temporary one
    if _holds(lambda: folder.exchange(temp.named or "", name) and folder.identity(temp.named or "") == temp.identity):
        raise ReplaceError(f"{_DOUBT}; its version was put back and the fix was not written")
    kept = _set_aside(folder, temp, name)
    raise ReplaceError(
        f"{_DOUBT}, and the fix could not be undone cleanly; the file holds the latest version "
        f"and the one before it is kept as {kept}"
    )


def _replace_keeping_old(
    folder: "_Folder",
    name: str,
    temp: "_TempFile",
    old: tuple[int, int],
    intact: Callable[[], bool],
    old_bytes: Callable[[], bytes],
) -> None:
    """Without an exchange: keep the compared file under a second link, check that it is the
    compared one, rename the new file over it, and rename the old one back on doubt."""
    assert temp.named is not None
    backup: str | None = None
    with contextlib.suppress(OSError):  # no hard links here: only the old file's bytes can be kept then
        folder.link(name, candidate := _temp_name(name))
        backup = candidate
    try:
        if backup is not None and folder.identity(backup) != old:
            raise ReplaceError("the file changed on disk while it was being fixed; not overwritten")
        folder.replace(temp.named, name)
    except BaseException:  # nothing was replaced: the second link goes
        if backup is not None:
            folder.unlink(backup)
        raise
    temp.named = None  # from here the new file is in place and the old one lives on only as `backup`
    time.sleep(_GRACE)
    if _holds(intact):
        if backup is not None:
            folder.unlink(backup)
        return
    if backup is not None and _holds(lambda: folder.identity(name) == temp.identity):
        folder.replace(backup, name)
        raise ReplaceError(f"{_DOUBT}; its version was put back and the fix was not written")
    kept = folder.keep_aside(backup, name) if backup is not None else folder.copy_aside(old_bytes(), name)
    raise ReplaceError(f"{_DOUBT}; its version could not be put back and is kept as {kept}")


def _holds(check: Callable[[], bool]) -> bool:
    """`check()`, with an error counted as doubt."""
    try:
        return check()
    except OSError:
        return False


def _set_aside(folder: "_Folder", temp: "_TempFile", name: str) -> str:
    """Move what the temporary name holds (not ours: another version) out of the sweep's way."""
    assert temp.named is not None
    left, temp.named = temp.named, None  # never deleted on the way out
    try:
        return folder.keep_aside(left, name)
    except OSError:
        return left


def _identity(st: os.stat_result) -> tuple[int, int]:
    return st.st_dev, st.st_ino


def _temp_name(name: str) -> str:
    return f".{name}.{os.getpid()}.{os.urandom(4).hex()}{TMP_SUFFIX}"


def _kept_name(name: str) -> str:
    return f"{name}{KEPT_INFIX}{os.urandom(4).hex()}"


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _read_all(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


# --- the folder and the temporary file ----------------------------------------------------


class _Folder:
    """The target's folder, opened once for the *at() calls: readable where possible (the lock
    needs that), else as a path only (Linux), else not at all (full paths are used)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None
        for flags in (os.O_RDONLY, getattr(os, "O_PATH", None)):
            if flags is not None and self.fd is None:
                with contextlib.suppress(OSError):
                    self.fd = os.open(path, flags | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            os.close(self.fd)

    def at(self, name: str) -> str:
        """`name` as the *at() calls take it with `dir_fd=self.fd`."""
        return name if self.fd is not None else str(self.path / name)

    def open(self, name: str, flags: int, mode: int = 0o600) -> int:
        return os.open(self.at(name), flags | getattr(os, "O_CLOEXEC", 0), mode, dir_fd=self.fd)

    def identity(self, name: str) -> tuple[int, int]:
        return _identity(os.stat(self.at(name), dir_fd=self.fd, follow_symlinks=False))

    def unlink(self, name: str) -> None:
        os.unlink(self.at(name), dir_fd=self.fd)

    def link(self, name: str, new_name: str) -> None:
        os.link(self.at(name), self.at(new_name), src_dir_fd=self.fd, dst_dir_fd=self.fd, follow_symlinks=False)

    def replace(self, name: str, over: str) -> None:
        os.replace(self.at(name), self.at(over), src_dir_fd=self.fd, dst_dir_fd=self.fd)

    def exchange(self, a: str, b: str) -> bool:
        """Swap what the names `a` and `b` point at, atomically (renameat2 with RENAME_EXCHANGE);
        False, having changed nothing, where the system or the file system cannot."""
        renameat2 = _renameat2()
        if renameat2 is None:
            return False
        import ctypes

        at = _AT_FDCWD if self.fd is None else self.fd
        if renameat2(at, os.fsencode(self.at(a)), at, os.fsencode(self.at(b)), _RENAME_EXCHANGE) == 0:
            return True
        err = ctypes.get_errno()
        if err in _NO_EXCHANGE:
            return False
        raise OSError(err, os.strerror(err))

    def keep_aside(self, temp_name: str, name: str) -> str:
        """Rename `temp_name` (which the sweep would delete) to a visible name beside `name`."""
        kept = _kept_name(name)
        os.rename(self.at(temp_name), self.at(kept), src_dir_fd=self.fd, dst_dir_fd=self.fd)
        return kept

    def copy_aside(self, data: bytes, name: str) -> str:
        kept = _kept_name(name)
        fd = self.open(kept, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)
        return kept

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Serialise the compare-and-replace of concurrent trainlint runs in this folder (advisory,
        POSIX). Without it (Windows; a folder this user may write but not read) the comparison
        and the checks after the swap still guard the file."""
        fd = self.fd
        try:
            import fcntl

            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
        except (ImportError, OSError):  # no flock, or the folder is open as a path only
            fd = None
        try:
            yield
        finally:
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_UN)

    def fsync(self) -> None:
        """Make the rename itself durable; not every system can fsync a folder."""
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.fsync(self.fd)


class _TempFile:
    """The new file beside the target: anonymous until `link` where the system allows it (a
    crash then leaves nothing behind), else a dot file named after the target and this
    process, which the next run sweeps if this one is killed. Whatever still has a name on
    leaving (`named`) is removed."""

    def __init__(self, folder: _Folder, name: str) -> None:
        self.folder, self.name = folder, name
        self.named: str | None = None
        fd = _open_anonymous(folder)
        if fd is None:
            self.named = _temp_name(name)
            fd = folder.open(self.named, os.O_RDWR | os.O_CREAT | os.O_EXCL)
        self.fd = fd
        self.identity = _identity(os.fstat(fd))

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        """Close, and delete the temporary name if it is still ours; a name that holds another
        file after a failure midway (the old file, swapped out) is moved aside, never deleted."""
        self.close()
        if self.named is not None:
            with contextlib.suppress(FileNotFoundError):
                if self.folder.identity(self.named) == self.identity:
                    self.folder.unlink(self.named)
                else:
                    self.folder.keep_aside(self.named, self.name)

    def write(self, data: bytes) -> None:
        _write_all(self.fd, data)

    def take_metadata(self, st: os.stat_result, attributes: dict[str, bytes] | None) -> None:
        """Owner, group, extended attributes (ACL included) and mode of `st`, or ReplaceError; then fsync."""
        copy_metadata(self.fd, st, attributes)
        os.fsync(self.fd)

    def link(self) -> str:
        """Give the file its temporary name, if it has none yet, and close it; returns the name.

        Closed before it takes the file's place: a file this process still had open for
        writing would refuse the next run its lease."""
        if self.named is None:
            name = _temp_name(self.name)
            # a dir_fd makes this linkat(AT_SYMLINK_FOLLOW): plain link() would not follow /proc's link
            os.link(f"/proc/self/fd/{self.fd}", name, dst_dir_fd=self.folder.fd, follow_symlinks=True)
            self.named = name
        self.close()
        return self.named

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def _open_anonymous(folder: _Folder) -> int | None:
    """An O_TMPFILE file in the folder (Linux), or None where there is none to be had."""
    if not hasattr(os, "O_TMPFILE") or folder.fd is None or not os.path.isdir("/proc/self/fd"):
        return None
    try:
        return os.open(folder.path, os.O_TMPFILE | os.O_RDWR | getattr(os, "O_CLOEXEC", 0), 0o600)
    except OSError:  # the file system has no anonymous files (some network and FUSE mounts)
        return None


# --- owner, group, mode, extended attributes ----------------------------------------------


def read_xattrs(target: str | int) -> dict[str, bytes] | None:
    """The file's extended attributes by name, the POSIX ACL (`system.posix_acl_access`) among
    them; None where the system has no calls to list them, {} on a file system without them."""
    if not hasattr(os, "listxattr"):
        return None
    try:
        names = os.listxattr(target)
    except OSError as exc:
        if exc.errno in (errno.ENOTSUP, errno.EOPNOTSUPP):
            return {}
        raise
    values = {}
    for name in names:
        try:
            values[name] = os.getxattr(target, name)
        except OSError as exc:
            if exc.errno != errno.ENODATA:  # removed since it was listed
                raise ReplaceError(f"cannot read the file's {_describe(name)}: {exc.strerror}; not changed") from None
    return values


def copy_metadata(fd: int, st: os.stat_result, attributes: dict[str, bytes] | None) -> None:
    """Give the open file `fd` the owner, group and mode of `st` and exactly the extended
    attributes `attributes`, checking the result; ReplaceError where the system refuses any.

    Order matters: chown may clear set-id bits and an ACL rewrites the mode's permission
    bits, so the mode comes last (for an ACL'd file its group bits are the ACL's mask, the
    same value the ACL carries)."""
    own = os.fstat(fd)
    if (own.st_uid, own.st_gid) != (st.st_uid, st.st_gid):
        try:
            os.fchown(fd, st.st_uid, st.st_gid)
        except PermissionError:
            if own.st_uid != st.st_uid:
                raise ReplaceError(
                    f"the file belongs to {_user(st.st_uid)}, and a new file written by {_user(own.st_uid)} "
                    f"cannot be given to them (only they or root can fix it); not changed"
                ) from None
            raise ReplaceError(
                f"the file's group is {_group(st.st_gid)}, and {_user(own.st_uid)} cannot give a new file "
                f"that group (not a member of it); not changed"
            ) from None
    if attributes is not None:
        present = read_xattrs(fd) or {}
        for name in present.keys() - attributes.keys():  # e.g. an ACL inherited from the folder's default ACL
            try:
                os.removexattr(fd, name)
            except OSError as exc:
                raise ReplaceError(
                    f"a new file here gets the {_describe(name)} the file does not have, and it cannot "
                    f"be removed: {exc.strerror}; not changed"
                ) from None
        for name, value in attributes.items():
            if present.get(name) != value:
                try:
                    os.setxattr(fd, name, value)
                except OSError as exc:
                    raise ReplaceError(
                        f"a new file cannot keep the file's {_describe(name)}: {exc.strerror}; not changed"
                    ) from None
    os.fchmod(fd, stat.S_IMODE(st.st_mode))
    made = os.fstat(fd)
    if (made.st_uid, made.st_gid, stat.S_IMODE(made.st_mode)) != (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)):
        raise ReplaceError(
            f"a new file cannot have the file's mode {stat.S_IMODE(st.st_mode):o} "
            f"(it got {stat.S_IMODE(made.st_mode):o}); not changed"
        )
    if attributes is not None and (read_xattrs(fd) or {}) != attributes:
        raise ReplaceError("the file system changed the extended attributes of the new file; not changed")


def _describe(name: str) -> str:
    return f"ACL ({name})" if name == ACL_XATTR else f"extended attribute {name}"


def _user(uid: int) -> str:
    try:
        import pwd

        return f"user {pwd.getpwuid(uid).pw_name} ({uid})"
    except (ImportError, KeyError):
        return f"user {uid}"


def _group(gid: int) -> str:
    try:
        import grp

        return f"{grp.getgrgid(gid).gr_name} ({gid})"
    except (ImportError, KeyError):
        return str(gid)


# --- lease, exchange -------------------------------------------------------------------


def _take_lease(fd: int) -> bool:
    """A read lease on `fd` (opened read-only): True, or False where the system gives none (not
    Linux; a file system without leases; another user's file without CAP_LEASE; an application
    that handles SIGURG itself). ReplaceError when a process has the file open for writing.

    A lease break is signalled to the holder, SIGIO by default, which would end the process:
    F_SETSIG makes it SIGURG, which is ignored unless handled, and the break is seen by asking
    (F_GETLEASE) rather than by a handler, so no process-wide signal state changes."""
    try:
        import fcntl
        import signal
    except ImportError:
        return False
    if not hasattr(fcntl, "F_SETLEASE") or signal.getsignal(signal.SIGURG) not in (signal.SIG_DFL, signal.SIG_IGN):
        return False
    try:
        fcntl.fcntl(fd, fcntl.F_SETSIG, signal.SIGURG)
        fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_RDLCK)
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EBUSY):
            raise ReplaceError("another process has the file open for writing; not changed") from None
        return False
    return True


def _lease_intact(fd: int) -> bool:
    """The lease is held and no process has asked to break it (by opening the file for writing)."""
    import fcntl

    return bool(fcntl.fcntl(fd, fcntl.F_GETLEASE) == fcntl.F_RDLCK)


@functools.cache
def _renameat2() -> Callable[[int, bytes, int, bytes, int], int] | None:
    """libc's renameat2 (glibc 2.28 and later), looked up once; None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


# --- temporary files left behind ----------------------------------------------------------

# folders swept by this process: a run's own temporary files never outlive a write, so sweeping a folder
# again later in the same run finds only what a run killed meanwhile left, which the next run sweeps
_SWEPT: set[Path] = set()


def new_run() -> None:
    """Forget which folders were swept: a long-lived caller (an editor, the Python API) starts a new run."""
    _SWEPT.clear()


def sweep_stale_temps(folder: Path) -> list[Path]:
    """Remove temporary files that runs killed mid-write left here (their process is gone).

    A killed run leaves at most one: its new file waiting to be swapped in, or, swapped, the
    old file (the new one is in place then). A version kept aside after a lost race has a
    visible name without the temporary suffix and is never swept."""
    removed: list[Path] = []
    try:
        names = [n for n in os.listdir(folder) if n.startswith(".") and n.endswith(TMP_SUFFIX)]
    except OSError:
        return removed
    for name in names:
        try:
            pid = int(name[: -len(TMP_SUFFIX)].rsplit(".", 2)[-2])
        except (ValueError, IndexError):
            continue
        if pid != os.getpid() and not _alive(pid):
            with contextlib.suppress(OSError):
                os.unlink(folder / name)
                removed.append(folder / name)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, but belongs to someone else
        return True
    return True
