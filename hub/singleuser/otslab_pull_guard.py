"""nbgitpuller for a class hub, restricted to the course: a Jupyter server extension.

nbgitpuller 1.3.0 clones whatever repository a link names into whatever folder of the
student's home it names (`targetpath`), hidden folders included. A link sent to a student can so
put a `jupyter_server_config.py` into `~/.jupyter`, and it runs as the student at their next
server start. This extension serves nbgitpuller's pages in its place, but refuses (HTTP 403, with
the reason) a request whose repository is not one the hub's administrator allowed, whose target
folder is not that repository's own folder, or whose folder, branch or page to open is odd
(hidden, absolute, `..`, an option-like branch).

Enable it instead of nbgitpuller's own extension (`jupyter_server_config.d/
otslab_pull_guard.json` beside this file does both: nbgitpuller off, this on); if this module is
missing, the link's pages are missing too, rather than open. Allowed repositories come from the
environment variable OTSLAB_PULL_REPOS (the single-user server's environment, set by the hub):
URLs or paths separated by spaces; each is pulled into the folder named like the repository
(`https://git.example.org/school/turkic-nato.git` -> `turkic-nato`), as the course's links do.
With none set, every pull is refused.
"""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

from tornado import web

ALLOWED_ENV = "OTSLAB_PULL_REPOS"
BRANCH = re.compile(r"^[A-Za-z0-9._][A-Za-z0-9._/-]{0,199}$")


def repo_key(url: str) -> str:
    """A repository URL or path as compared: host in lower case, no trailing `/` or `.git`."""
    url = url.strip()
    if "://" in url:
        parts = urlsplit(url)
        path = parts.path.rstrip("/").removesuffix(".git")
        return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}"
    return url.rstrip("/").removesuffix(".git")


def repo_folder(url: str) -> str:
    """The folder a repository is pulled into: its last path part, without `.git`."""
    path = urlsplit(url).path if "://" in url else url
    return path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git")


def allowed_repos(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The allowed repositories (as compared), each with the folder it goes into."""
    value = (os.environ if environ is None else environ).get(ALLOWED_ENV, "")
    return {repo_key(url): repo_folder(url) for url in value.split()}


def safe_relative(path: str) -> bool:
    """True for a relative path with no hidden, empty, `.` or `..` part and no backslash."""
    if not path or "\\" in path or path.startswith("/") or "://" in path:
        return False
    return all(part and not part.startswith(".") for part in path.split("/"))


def refusal(
    arguments: dict[str, str | None], allowed: dict[str, str], parent: str = ""
) -> str | None:
    """Why a pull request must be refused, or None when it pulls an allowed course.

    arguments holds the request's repo, branch, targetpath and urlpath (None when absent), with
    targetpath already defaulted as nbgitpuller defaults it; parent is NBGITPULLER_PARENTPATH.
    """
    repo = arguments.get("repo") or ""
    if not allowed:
        return f"this hub allows no repository to be pulled ({ALLOWED_ENV} is not set)"
    parts = urlsplit(repo) if "://" in repo else None
    if parts and (parts.username or parts.password or parts.query or parts.fragment):
        return "the repository address carries a user name, password, query or fragment"
    folder = allowed.get(repo_key(repo)) if repo and not repo.startswith("-") else None
    if folder is None:
        return f"the repository {repo!r} is not one this hub's course allows"
    target = arguments.get("targetpath")
    if target != folder:
        return f"the course {repo!r} is pulled only into the folder {folder!r}, not {target!r}"
    if not safe_relative(folder) or (parent and not safe_relative(parent)):
        return f"the folder {os.path.join(parent, folder)!r} is hidden or outside the home folder"
    branch = arguments.get("branch")
    if branch is not None and (not BRANCH.match(branch) or ".." in branch):
        return f"the branch {branch!r} is not a plain branch name"
    urlpath = arguments.get("urlpath")
    if urlpath is not None and not safe_relative(urlpath.split("?", 1)[0]):
        return f"the page to open afterwards, {urlpath!r}, is not a plain path on this server"
    return None


def check(handler: web.RequestHandler, api: bool) -> None:
    """Raise HTTP 403 with the reason when the request must be refused (see refusal)."""
    repo = handler.get_argument("repo", None) or ""
    # Where nbgitpuller would put the clone: the API reads targetpath, the status page
    # targetpath or targetPath, and each has its own default (the API's keeps a trailing
    # slash's empty name, which would be the home folder itself).
    if api:
        target = handler.get_argument("targetpath", repo.split("/")[-1])
    else:  # exactly as nbgitpuller's status page reads them
        default = repo.rstrip("/").split("/")[-1]
        target = handler.get_argument("targetpath", None) or handler.get_argument(
            "targetPath", default
        )
    arguments = {
        "repo": repo,
        "branch": handler.get_argument("branch", None),
        "targetpath": target,
        "urlpath": None
        if api
        else (handler.get_argument("urlpath", None) or handler.get_argument("urlPath", None)),
    }
    reason = refusal(arguments, allowed_repos(), os.getenv("NBGITPULLER_PARENTPATH", ""))
    if reason:
        handler.log.warning("nbgitpuller request refused: %s", reason)
        # The reason goes into the page (its text may hold any character, "%" included); the
        # status line keeps a fixed phrase.
        raise web.HTTPError(403, "%s", reason, reason="Refused by the course's pull guard")


def _load_jupyter_server_extension(serverapp) -> None:  # noqa: ANN001 - a jupyter_server ServerApp
    """Register nbgitpuller's handlers, each checking its request first (see the module doc)."""
    from jupyter_server.utils import url_path_join
    from nbgitpuller._compat import get_base_handler

    get_base_handler(serverapp)  # nbgitpuller's handlers must see jupyter_server's base class
    from nbgitpuller import handlers

    class CourseSyncHandler(handlers.SyncHandler):
        """nbgitpuller's pull API, for the allowed courses only."""

        @web.authenticated
        async def get(self) -> None:
            """Refuse the request, or pull as nbgitpuller does."""
            check(self, api=True)
            await super().get()

    class CourseUIHandler(handlers.UIHandler):
        """nbgitpuller's status page, for the allowed courses only."""

        @web.authenticated
        async def get(self) -> None:
            """Refuse the request, or show the status page as nbgitpuller does."""
            check(self, api=False)
            await super().get()

    web_app = serverapp.web_app
    base = web_app.settings["base_url"]
    pull = url_path_join(base, "git-pull")
    web_app.settings["nbapp"] = serverapp  # nbgitpuller's handlers read the app from here
    web_app.add_handlers(
        ".*",
        [
            (url_path_join(pull, "api"), CourseSyncHandler),
            (pull, CourseUIHandler),
            (url_path_join(base, "git-sync"), handlers.LegacyGitSyncRedirectHandler),
            (
                url_path_join(pull, "static", "(.*)"),
                web.StaticFileHandler,
                {"path": os.path.join(os.path.dirname(handlers.__file__), "static")},
            ),
        ],
    )
    count = len(allowed_repos())
    serverapp.log.info(f"otslab_pull_guard: nbgitpuller allowed for {count} repository(ies)")


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    """Tell jupyter_server that this module is a server extension."""
    return [{"module": "otslab_pull_guard"}]
