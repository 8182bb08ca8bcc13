"""A per-user cache of data packages that passed every check, keyed by a hash of their content."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

import platformdirs

from otslab.data.common import DESCRIPTOR, last_year, write_atomically

CACHE_DIR = Path(platformdirs.user_cache_dir("otslab")) / "validated"
"""This user's markers of data packages that passed every check, named by a content hash."""


def package_files(data_dir: Path) -> list[Path]:
    """Every file of the package: everything under data/ (subfolders too) and every named path."""
    descriptor = json.loads((data_dir / DESCRIPTOR).read_bytes().decode("utf-8-sig"))
    named = [data_dir / res["path"] for res in descriptor["resources"]]
    return sorted({p for p in [*data_dir.rglob("*"), *named] if p.is_file()})


def fingerprint(data_dir: Path, seed_dir: Path | None) -> str:
    """A hash of everything validation reads: the package's files, the seeds, the checks, and
    the year (the range of allowed years moves with it)."""
    digest = hashlib.sha256(f"{last_year()}\0".encode())
    checks = sorted(Path(__file__).parent.glob("*.py"))  # every module of the data layer
    texts = sorted(Path(seed_dir).glob("*")) if seed_dir else []
    for path in [
        *package_files(data_dir),
        *texts,
        *checks,
    ]:
        digest.update(str(path).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes() if path.is_file() else b"").digest())
    return digest.hexdigest()


def _own_private_dir(path: Path) -> bool:
    """Whether path is a directory of this user's that nobody else can write."""
    try:
        info = path.lstat()
    except OSError:
        return False
    return (
        stat.S_ISDIR(info.st_mode)
        and info.st_uid == os.getuid()
        and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    )


def passed_before(key: str, cache_dir: Path | None = None) -> bool:
    """Whether this user's cache holds a sound marker saying the package with this key passed.

    A missing, corrupt, foreign (another user's, or in a folder others can write) or stale
    marker means no: validate again.
    """
    cache_dir = cache_dir or CACHE_DIR
    marker = cache_dir / f"{key}.json"
    if not _own_private_dir(cache_dir):
        return False
    try:
        info = marker.lstat()
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
            return False
        return json.loads(marker.read_text(encoding="utf-8")) == {"passed": key}
    except (OSError, ValueError):
        return False


def remember_passed(key: str, cache_dir: Path | None = None) -> None:
    """Record in this user's cache that the package with this key passed; skip if impossible."""
    cache_dir = cache_dir or CACHE_DIR
    try:
        cache_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        if _own_private_dir(cache_dir):
            write_atomically(cache_dir / f"{key}.json", json.dumps({"passed": key}).encode())
    except OSError:
        pass  # a cache we cannot write only means validating again next time
