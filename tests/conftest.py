"""Shared paths and helpers for the test suite."""

import os
import tempfile
from pathlib import Path

import pytest

# Answers and weights that tests save (tasks, quiz, commit-then-reveal) go to a scratch folder,
# never to a student's notebooks/my_work; kernels the tests start inherit it.
os.environ.setdefault("OTSLAB_WORK", tempfile.mkdtemp(prefix="otslab-work-"))

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
SHARED = REPO.parent / "shared"


def require_or_skip(condition: bool, reason: str) -> None:
    """Skip when `condition` is false, but fail instead when running in CI (env CI set)."""
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


def notebook_paths() -> list[Path]:
    """Return the course notebooks (notebooks/*.ipynb), sorted by name."""
    return sorted(NOTEBOOKS.glob("*.ipynb"))
