"""Links that open the course for a student: a JupyterHub's nbgitpuller link, and Binder's."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from urllib.parse import quote, urlencode, urlsplit

PLACEHOLDER = re.compile(r"[<>{}\"'`\\^|]|[\x00-\x1f\x7f]")
"""Characters no part of a link may hold: placeholders' brackets, quotes (they would end an HTML
attribute the link is written into), backslashes and control characters."""
SPACE = re.compile(r"\s")
BINDERHUB = "https://mybinder.org"


def _check(value: str, what: str, spaces: bool = False) -> str:
    """Return value, or raise ValueError when it is empty or looks like a template placeholder."""
    if not value or PLACEHOLDER.search(value) or (not spaces and SPACE.search(value)):
        raise ValueError(
            f"{what} {value!r} is empty or holds a placeholder, bracket, quote or space"
        )
    return value


def repo_folder(repo_url: str) -> str:
    """Return the folder a clone of repo_url lands in: its last path part, without `.git`."""
    url = _check(repo_url, "repository URL")
    path = urlsplit(url).path if "://" in url else url
    name = path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git")
    if name in {"", ".", ".."} or ":" in name:
        raise ValueError(f"repository URL {repo_url!r} names no folder")
    return name


def nbgitpuller_link(
    hub_url: str, repo_url: str, branch: str, notebook: str, target_path: str | None = None
) -> str:
    """Return the hub link that clones or updates repo_url and opens notebook in JupyterLab.

    The clone goes to target_path in the student's home (default: the repository's name),
    and notebook is a path inside the repository, e.g. "notebooks/00_start_here.ipynb".
    """
    hub = urlsplit(_check(hub_url, "hub URL"))
    if hub.scheme not in {"http", "https"} or not hub.hostname or hub.query or hub.fragment:
        raise ValueError(f"hub URL {hub_url!r} is not an http(s) address like https://hub.example")
    if hub.username is not None or hub.password is not None:
        raise ValueError(f"hub URL {hub_url!r} holds a user name or password")
    target = _check(target_path, "target path") if target_path else repo_folder(repo_url)
    parts = PurePosixPath(_check(notebook, "notebook", spaces=True)).parts
    if PurePosixPath(notebook).is_absolute() or ".." in parts or ".." in target.split("/"):
        raise ValueError(f"notebook {notebook!r} must be a path inside the repository")
    query = urlencode(
        {
            "repo": _check(repo_url, "repository URL"),
            "urlpath": "lab/tree/" + quote(f"{target}/{PurePosixPath(*parts)}"),
            "branch": _check(branch, "branch"),
            "targetPath": target,
        },
        quote_via=quote,
        safe="/:",
    )
    return f"{hub_url.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def binder_link(repo_url: str, ref: str, notebook: str, binderhub: str = BINDERHUB) -> str:
    """Return the Binder link that builds repo_url at ref and opens notebook in JupyterLab."""
    url = urlsplit(_check(repo_url, "repository URL"))
    if url.scheme != "https" or not url.netloc or url.query or url.fragment:
        raise ValueError(f"repository URL {repo_url!r} is not an https address of a repository")
    if PurePosixPath(notebook).is_absolute() or ".." in PurePosixPath(notebook).parts:
        raise ValueError(f"notebook {notebook!r} must be a path inside the repository")
    owner_repo = url.path.strip("/").removesuffix(".git")
    if url.netloc == "github.com" and owner_repo.count("/") == 1:
        spec = f"gh/{quote(owner_repo, safe='/')}/{quote(_check(ref, 'ref'), safe='')}"
    else:
        spec = f"git/{quote(repo_url, safe='')}/{quote(_check(ref, 'ref'), safe='')}"
    path = _check(notebook, "notebook", spaces=True)
    return f"{binderhub}/v2/{spec}?urlpath=" + quote(f"lab/tree/{path}")


def notebook_page_link(page: str, notebook: str) -> str:
    """Return the link to the website's hub page (page, e.g. "hub.html") for one notebook."""
    return f"{page}?notebook=" + quote(_check(notebook, "notebook"), safe="/")


def repository_url(citation: Path) -> str | None:
    """Return the `repository-code` URL in a CITATION.cff file, or None when it names none."""
    for line in citation.read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "repository-code":
            return _check(value.strip().strip("'\""), f"{citation.name}: repository-code")
    return None
