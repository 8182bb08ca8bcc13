"""Print the course's launch links: a school hub's nbgitpuller link, or the Binder link and badge.

Run by `make hub-link HUB=...` and `make binder-link`. The repository is the course's one setting
for it, as on the website: the environment variable OTSLAB_REPOSITORY if set, else
`repository-code` in CITATION.cff.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "notebooks"))

from otslab.course.links import binder_link, nbgitpuller_link, repository_url  # noqa: E402 - after the path is set

START = "notebooks/00_start_here.ipynb"
CITATION = REPO / "CITATION.cff"


def course_repository(citation: Path = CITATION) -> str:
    """Return the course's repository URL from its setting; raise ValueError when none is set."""
    url = os.environ.get("OTSLAB_REPOSITORY") or repository_url(citation)
    if not url:
        raise ValueError(
            f"no repository set: add `repository-code: https://...` to {citation.name} "
            "(or set OTSLAB_REPOSITORY)"
        )
    return url


def binder_lines(repository: str, branch: str, notebook: str) -> list[str]:
    """The Binder link, and the same link as a Markdown badge for a course page."""
    link = binder_link(repository, branch, notebook)
    return [link, f"[![Binder](https://mybinder.org/badge_logo.svg)]({link})"]


def main(argv: list[str] | None = None, citation: Path = CITATION) -> int:
    """Print the link(s); exit 2 with a readable message when a part is missing or wrong."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "hub", nargs="?", help="the hub's address, e.g. https://hub.your-school.example"
    )
    parser.add_argument("--binder", action="store_true", help="print the Binder link and badge")
    parser.add_argument("--branch", default="main", help="the branch students get (default main)")
    parser.add_argument("--notebook", default=START, help=f"the notebook to open (default {START})")
    args = parser.parse_args(argv)
    if not args.binder and not args.hub:
        parser.exit(2, "hub-link: give the hub's address, e.g. HUB=https://hub.your-school.example\n")
    try:
        repository = course_repository(citation)
        if args.binder:
            print("\n".join(binder_lines(repository, args.branch, args.notebook)))
        else:
            print(nbgitpuller_link(args.hub, repository, args.branch, args.notebook))
    except ValueError as error:
        parser.exit(2, f"{'binder-link' if args.binder else 'hub-link'}: {error}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
