"""Print the course's nbgitpuller link for a school's hub (run by `make hub-link HUB=...`).

The repository is the course's one setting for it, as on the website: the environment variable
OTSLAB_REPOSITORY if set, else `repository-code` in CITATION.cff.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "notebooks"))

from otslab.links import nbgitpuller_link, repository_url  # noqa: E402 - after the path is set

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


def main(argv: list[str] | None = None, citation: Path = CITATION) -> int:
    """Print the link; exit 2 with a readable message when a part is missing or wrong."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("hub", help="the hub's address, e.g. https://hub.your-school.example")
    parser.add_argument("--branch", default="main", help="the branch students get (default main)")
    parser.add_argument("--notebook", default=START, help=f"the notebook to open (default {START})")
    args = parser.parse_args(argv)
    try:
        print(nbgitpuller_link(args.hub, course_repository(citation), args.branch, args.notebook))
    except ValueError as error:
        parser.exit(2, f"hub-link: {error}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
