"""The student's work file, my_work/answers.json, and the one writer that every save goes through.

Every answer, self-check choice and signature is saved by `update_work`: under a lock held around
read-change-write (so two notebooks open at once never lose each other's answers), through a
unique temporary file renamed over the work file (so a crash never leaves half a file), after the
saved version is also kept as answers.json.bak. A work file that cannot be read is set aside
(renamed, never deleted), the backup is restored where it can be, and the next output the student
sees says what happened and what was recovered. A save that fails (a read-only folder, a full disk)
raises `WorkSaveError` with one sentence to show beside the verdict.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: msvcrt locks a byte range instead
    fcntl = None  # type: ignore[assignment]
    import msvcrt

WORK_NAME = "answers.json"
"""The work file's name inside the work folder."""

MAX_BYTES = 200_000_000
"""A work file larger than this is not read (no course work comes near it)."""

_NOTICES: list[str] = []
"""Messages about the work file not yet shown to the student (see `take_notices`)."""


class WorkSaveError(OSError):
    """A save that could not be made, with a sentence for the student."""


def work_folder() -> Path:
    """The folder of the student's work: notebooks/my_work (OTSLAB_WORK names another)."""
    folder = os.environ.get("OTSLAB_WORK") or Path(__file__).resolve().parents[2] / "my_work"
    return Path(folder)


def work_file() -> Path:
    """Where the answers are kept: my_work/answers.json."""
    return work_folder() / WORK_NAME


def empty_work() -> dict:
    """A work record with no name and no answers."""
    return {"student": "", "answers": {}}


def parse_work(text: str) -> dict:
    """A work record from the text of a work file; ValueError saying why it is not one."""
    try:
        work = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON ({error.msg}, line {error.lineno})") from None
    except RecursionError:
        raise ValueError("not a work file (JSON nested too deep)") from None
    if not isinstance(work, dict) or not isinstance(work.get("answers"), dict):
        raise ValueError("not a work file (no 'answers' object)")
    student = work.get("student", "")
    if not isinstance(student, str):
        raise ValueError(f"not a work file ('student' is a {type(student).__name__}, not text)")
    work["student"] = student
    for key, entry in list(work["answers"].items()):
        if not isinstance(entry, dict) or "answer" not in entry:
            shown = type(entry).__name__ if not isinstance(entry, dict) else "no 'answer'"
            work["answers"][key] = {"unreadable": f"not an answer record ({shown})"}
    return work


def read_work_file(path: Path) -> dict:
    """The work record in a file; ValueError naming the file and why it cannot be read."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ValueError(f"{path}: too large to be a work file")
        text = path.read_bytes().decode("utf-8")
        return parse_work(text)
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not a work file (not UTF-8 text)") from None
    except IsADirectoryError:
        raise ValueError(f"{path}: a folder, not a work file") from None
    except ValueError as error:
        if str(error).startswith(str(path)):
            raise
        raise ValueError(f"{path}: {error}") from None


def take_notices() -> list[str]:
    """The messages about the work file not yet shown, once each."""
    notices = list(_NOTICES)
    _NOTICES.clear()
    return notices


def _notify(message: str) -> None:
    if message not in _NOTICES:
        _NOTICES.append(message)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold the work folder's lock (one writer at a time, across kernels and processes)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f".{WORK_NAME}.lock", "a+b") as handle:
        if fcntl is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        else:  # pragma: no cover - Windows
            while True:
                try:
                    msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
                    break
                except OSError:
                    time.sleep(0.05)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            else:  # pragma: no cover - Windows
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)


def _write_whole(path: Path, data: bytes) -> None:
    """Write a file whole or not at all: a unique temporary file beside it, synced, renamed."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _dumps(work: dict) -> bytes:
    return json.dumps(work, ensure_ascii=False, indent=1).encode("utf-8")


def _backup(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def _summary(work: dict) -> str:
    answers = work["answers"]
    times = sorted(str(e.get("at", "")) for e in answers.values() if isinstance(e, dict))
    last = f", the last saved at {times[-1]}" if times and times[-1] else ""
    return f"{len(answers)} answer(s){last}"


def _set_aside(path: Path, reason: str) -> dict:
    """Rename an unreadable work file, restore the backup if it can be read, and say so."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"answers.broken-{stamp}.json")
    number = 1
    while aside.exists():
        number += 1
        aside = path.with_name(f"answers.broken-{stamp}-{number}.json")
    os.replace(path, aside)
    told = f"Your work file {path} could not be read ({reason}). It is kept as {aside.name}"
    try:
        restored = read_work_file(_backup(path))
    except (ValueError, OSError):
        _notify(
            f"{told}; there was no readable backup, so your work starts again from here. "
            "Ask your teacher to look at the kept file: the answers may be recoverable."
        )
        return empty_work()
    _write_whole(path, _dumps(restored))
    _notify(
        f"{told}. Your work as last saved was restored from {_backup(path).name}: "
        f"{_summary(restored)}. If an answer is missing, check or write it again."
    )
    return restored


def _read_or_recover(path: Path) -> dict:
    """The work in path (held under the lock): empty when absent, recovered when unreadable."""
    if not path.exists() and not path.is_symlink():
        return empty_work()
    if path.is_dir():
        raise WorkSaveError(
            f"{path} is a folder, not your work file: rename that folder, then run the cell again"
        )
    try:
        return read_work_file(path)
    except ValueError as error:
        return _set_aside(path, str(error).removeprefix(f"{path}: "))


def _explain(error: OSError, path: Path) -> str:
    """One sentence for a failed save or read."""
    if isinstance(error, WorkSaveError):
        return str(error)
    if isinstance(error, PermissionError):
        return (
            f"the folder {path.parent} cannot be written to (permission denied); ask for a "
            "writable folder, or set OTSLAB_WORK to one"
        )
    if isinstance(error, FileExistsError | NotADirectoryError):
        return f"{path.parent} is a file, not a folder: rename it, then run the cell again"
    return f"{error.strerror or error} ({path})"


def load_work() -> dict:
    """The student's saved work (empty when nothing is saved; never raises on a bad file)."""
    path = work_file()
    try:
        with _locked(path.parent):
            return _read_or_recover(path)
    except OSError as error:
        if not path.is_file():  # nothing saved yet in a folder that cannot be written: say nothing
            return empty_work()
        try:  # a folder that cannot be locked (read-only): read without the lock
            return read_work_file(path)
        except (ValueError, OSError):
            _notify(f"Your saved work could not be read: {_explain(error, path)}.")
            return empty_work()


def update_work(change: Callable[[dict], None]) -> dict:
    """Read, change and save the work under the lock (the one writer); WorkSaveError if it fails."""
    path = work_file()
    try:
        with _locked(path.parent):
            work = _read_or_recover(path)
            change(work)
            data = _dumps(work)
            _write_whole(path, data)
            _write_whole(_backup(path), data)
            return work
    except OSError as error:
        raise WorkSaveError(f"Could not save: {_explain(error, path)}.") from error


def save_file(path: Path, data: bytes) -> None:
    """Write another file of the work folder the same way: under the lock, whole, with a backup."""
    path = Path(path)
    with _locked(path.parent):
        _write_whole(path, data)
        _write_whole(_backup(path), data)


def record(key: str, entry: dict, attempt: bool = False) -> None:
    """Save one answer (task or self-check) with the time, at once (counting checks if asked)."""
    stamped = {**entry, "at": datetime.now(UTC).isoformat(timespec="seconds")}

    def change(work: dict) -> None:
        if attempt:
            before = work["answers"].get(key, {}).get("attempts", 0)
            stamped["attempts"] = (before if isinstance(before, int) else 0) + 1
        work["answers"][key] = stamped

    update_work(change)
