"""Write files so that nothing is ever half-written, and never over the database.

Every file exodb writes (``-o``, ``export csv``, ``backup``, figures) goes through here:

- The bytes go to a temporary file in the target's own folder, are flushed to disk, and the
  temporary file is renamed over the target only when complete. A kill or a full disk leaves
  the old file (or no file), never a truncated or empty one.
- A target that is the database itself, or its ``-wal``, ``-shm`` or ``-journal`` file (by path,
  through a symlink, or as a hard link to the same inode) is refused: writing CSV there would
  destroy the user's evidence.
- A target that exists and is not a regular file (``/dev/null``, ``/dev/stdout``, a FIFO) is
  written to directly, as a user who names it means; renaming over it would replace the device.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import shutil
import stat
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

# The files SQLite keeps beside a database; each one is part of the database's state.
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


class UnsafeTarget(ValueError):
    """The target would overwrite the database, or cannot be written as asked."""


def database_files(database: Path | None) -> list[Path]:
    """The database file and the companion files SQLite may keep beside it."""
    if database is None:
        return []
    return [Path(f"{database}{suffix}") for suffix in SQLITE_COMPANIONS]


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def refuse_protected(target: Path, protected: Iterable[Path]) -> None:
    """Raise :class:`UnsafeTarget` when ``target`` is (or resolves to) a protected file."""
    target_real = os.path.realpath(target)
    target_id = _identity(target)
    for path in protected:
        same_name = os.path.realpath(path) == target_real
        same_inode = target_id is not None and _identity(path) == target_id
        if same_name or same_inode:
            suffix = next((s for s in SQLITE_COMPANIONS if s and str(path).endswith(s)), "")
            what = f"the database's {suffix} file" if suffix else "the database file"
            raise UnsafeTarget(
                f"refusing to write to {target}: it is {what}; choose another file name"
            )


def _umask() -> int:
    """The process's umask, read without changing it where Linux tells it (os.umask would set
    it for a moment, for every thread)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


def _new_file_mode() -> int:
    return 0o666 & ~_umask()


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (best effort where folders cannot be opened)."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


# A temporary file or folder older than this, under the name exodb gives its own, is left over
# from a killed write (a write takes seconds) and is removed by the next write to that name.
STALE_SECONDS = 600


def remove_stale_temporaries(final: Path) -> None:
    """Delete what killed writes to ``final`` left beside it (``.NAME.XXXXXXXX.tmp`` and their
    SQLite companions), once they are surely abandoned. A folder swap's ``.old`` folder is never
    removed this way: after a failed swap it may hold the only copy of an earlier export."""
    pattern = re.compile(rf"^\.{re.escape(final.name)}\.[a-z0-9_]{{8}}\.tmp(-wal|-shm|-journal)?$")
    try:
        entries = list(os.scandir(final.parent))
    except OSError:
        return
    now = time.time()
    for entry in entries:
        if not pattern.match(entry.name):
            continue
        with contextlib.suppress(OSError):
            if now - entry.stat(follow_symlinks=False).st_mtime < STALE_SECONDS:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)


def _check_target(target: Path, protect: Iterable[Path]) -> tuple[Path, os.stat_result | None]:
    refuse_protected(target, protect)
    final = Path(os.path.realpath(target))
    try:
        return final, os.stat(final)
    except (FileNotFoundError, NotADirectoryError):  # the folder is said in :func:`replacing`
        return final, None


@contextlib.contextmanager
def replacing(
    target: str | os.PathLike[str],
    *,
    protect: Iterable[Path] = (),
    overwrite: bool = True,
    mode: int | None = None,
) -> Iterator[Path]:
    """A temporary path in ``target``'s folder; on success it is flushed and renamed to
    ``target``, on any exception removed (with any SQLite companions), ``target`` untouched.

    With ``overwrite=False`` an existing target is refused, checked again at the moment of the
    rename (a hard link fails if another process created the name meanwhile).
    """
    target = Path(target)
    final, info = _check_target(target, protect)
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise UnsafeTarget(f"cannot write to {target}: it is a folder")
    if info is not None and not stat.S_ISREG(info.st_mode):
        # Renaming over a device or a FIFO would replace it (as root, even /dev/null).
        raise UnsafeTarget(f"cannot write to {target}: it is not a regular file")
    if info is not None and not overwrite:
        raise UnsafeTarget(f"{target} exists; choose another name or pass --force")
    folder = final.parent
    if not folder.is_dir():
        if (file := file_in_the_way(folder)) is not None:
            raise UnsafeTarget(f"cannot write {target}: {file} is a file, not a folder")
        raise UnsafeTarget(f"cannot write {target}: the folder {folder} does not exist")
    remove_stale_temporaries(final)
    try:
        descriptor, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:  # name the file the user gave, not the temporary one
        raise _creation_error(exc, target, folder) from None
    temporary = Path(name)
    try:
        if mode is None and info is not None:
            mode = stat.S_IMODE(info.st_mode)  # a replaced file keeps its permissions
        os.fchmod(descriptor, mode if mode is not None else _new_file_mode())
        os.close(descriptor)
        yield temporary
        _fsync_file(temporary)
        if overwrite:
            os.replace(temporary, final)
        else:
            _publish_new(temporary, final, target)
        fsync_folder(folder)
    except BaseException as exc:
        for leftover in database_files(temporary):
            with contextlib.suppress(OSError):
                os.unlink(leftover)
        if isinstance(exc, OSError) and not exc.filename:  # a write or flush: say which file
            raise OSError(exc.errno, exc.strerror, str(target)) from None
        raise


# A new file cannot be made in a folder: these say the folder is read-only or not ours to write.
_FOLDER_REFUSES = (errno.EACCES, errno.EPERM, errno.EROFS)


def _creation_error(exc: OSError, target: Path, folder: Path) -> Exception:
    """What a failed creation of ``target``'s temporary file means, naming the folder when the
    folder is the obstacle (the disk being full is reported as such elsewhere)."""
    if exc.errno in _FOLDER_REFUSES:
        return UnsafeTarget(
            f"cannot write {target}: the folder {folder} is not writable ({exc.strerror})"
        )
    return OSError(exc.errno, exc.strerror, str(target))


def file_in_the_way(path: Path) -> Path | None:
    """The nearest of ``path`` and its parents that is a file, not a folder (so nothing can be
    made under it); None if there is none."""
    for candidate in (path, *path.parents):
        if candidate.exists():
            return None if candidate.is_dir() else candidate
    return None


def _fsync_file(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def atomic_output(
    target: str | os.PathLike[str], *, protect: Iterable[Path] = (), overwrite: bool = True
) -> Iterator[BinaryIO]:
    """A binary file to write ``target``'s new content into; it replaces ``target`` on success
    (see :func:`replacing`). An existing device or pipe is written to directly."""
    target = Path(target)
    refuse_protected(target, protect)
    if is_stream(target):
        # /dev/null, /dev/stdout, a pipe: written as the user asked, through the name given
        # (its resolved form can be /proc/PID/fd/pipe:[N], or the file a shell redirected
        # stdout to, which renaming over would destroy). Appending keeps what is there.
        with open(target, "ab") as handle:
            yield handle
        return
    with (
        replacing(target, protect=protect, overwrite=overwrite) as temporary,
        open(temporary, "wb") as handle,
    ):
        yield handle


# Names that stand for an open file of this process, not a file of their own.
_STREAM_PREFIXES = ("/dev/stdout", "/dev/stderr", "/dev/fd/", "/proc/self/fd/")


def is_stream(target: Path) -> bool:
    """True for a target that is written to, never replaced: an existing device or pipe, or a
    name for one of this process's open files (/dev/stdout, /dev/fd/N)."""
    if str(target).startswith(_STREAM_PREFIXES) or str(target) == "/dev/stdout":
        return True
    try:
        mode = os.stat(target).st_mode  # the kernel follows /proc's links correctly
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _publish_new(temporary: Path, final: Path, target: Path) -> None:
    """Rename ``temporary`` to ``final`` only if ``final`` does not exist, atomically where the
    file system has hard links."""
    try:
        os.link(temporary, final)
    except FileExistsError:
        raise UnsafeTarget(f"{target} exists; choose another name or pass --force") from None
    except OSError:  # no hard links here (some network or FAT file systems)
        if final.exists():
            raise UnsafeTarget(f"{target} exists; choose another name or pass --force") from None
        os.replace(temporary, final)
        return
    os.unlink(temporary)


def write_text(target: str | os.PathLike[str], text: str, *, protect: Iterable[Path] = ()) -> None:
    """Write ``text`` as UTF-8 to ``target``, atomically (see :func:`atomic_output`)."""
    with atomic_output(target, protect=protect) as handle:
        handle.write(text.encode("utf-8"))


_RENAME_EXCHANGE = 2  # linux/fs.h


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2 RENAME_EXCHANGE); False where the
    system or file system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(
        at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), _RENAME_EXCHANGE
    )
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EXDEV):
        return False
    raise OSError(code, os.strerror(code), str(second))


@contextlib.contextmanager
def replacing_folder(target: str | os.PathLike[str]) -> Iterator[Path]:
    """A new folder beside ``target`` to fill; on success it takes ``target``'s place whole.

    The old folder and the new one are swapped in one atomic step where Linux allows it, so a
    reader, a kill or a full disk sees the old set of files or the new one, never a mix; else
    the old folder is moved aside, the new one moved in, the old one removed. On any exception
    the new folder is removed and ``target`` is untouched.
    """
    final = Path(os.path.realpath(target))
    remove_stale_temporaries(final)
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent))
    except OSError as exc:  # name the folder the user gave, not the temporary one
        raise _creation_error(exc, Path(target), final.parent) from None
    try:
        _copy_folder_permissions(final, staging)
        yield staging
        fsync_folder(staging)
        if not final.exists():
            os.rename(staging, final)
        elif _exchange(staging, final):
            shutil.rmtree(staging)  # now the old content
        else:
            aside = Path(
                tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".old", dir=final.parent)
            )
            os.rmdir(aside)
            os.rename(final, aside)
            try:
                os.rename(staging, final)
            except OSError:
                os.rename(aside, final)  # the earlier folder back under its name
                raise
            shutil.rmtree(aside)
        fsync_folder(final.parent)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _copy_folder_permissions(final: Path, staging: Path) -> None:
    """The new folder gets the replaced one's mode and group (mkdtemp makes it 0700), or the
    umask's mode for a new one."""
    try:
        info = os.stat(final)
    except FileNotFoundError:
        os.chmod(staging, 0o777 & ~_umask())
        return
    os.chmod(staging, stat.S_IMODE(info.st_mode))
    with contextlib.suppress(OSError):
        os.chown(staging, -1, info.st_gid)


def can_replace_folder(target: Path) -> bool:
    """Whether :func:`replacing_folder` can swap ``target``: not a mount point, and its parent
    (where the new folder is built) writable and on the same file system."""
    final = Path(os.path.realpath(target))
    parent = final.parent
    if not os.access(parent, os.W_OK | os.X_OK):
        return False
    if final.exists():
        if os.path.ismount(final):
            return False
        return os.stat(final).st_dev == os.stat(parent).st_dev
    return True
