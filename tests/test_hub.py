"""The hub path: nbgitpuller links, and a real JupyterHub on 127.0.0.1 that a student uses."""

from urllib.parse import parse_qs, urlsplit

import pytest

from otslab.links import nbgitpuller_link, repo_folder

START = "notebooks/00_start_here.ipynb"


def query_of(link: str) -> dict[str, str]:
    """Return the single-valued query parameters of a link."""
    query = parse_qs(urlsplit(link).query, strict_parsing=True)
    assert all(len(values) == 1 for values in query.values()), query
    return {key: values[0] for key, values in query.items()}


def test_link_clones_into_the_repository_folder_and_opens_the_notebook() -> None:
    link = nbgitpuller_link(
        "https://hub.example.edu/", "https://git.example.org/teach/turkic-nato.git", "main", START
    )
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc) == ("https", "hub.example.edu")
    assert parts.path == "/hub/user-redirect/git-pull"
    assert query_of(link) == {
        "repo": "https://git.example.org/teach/turkic-nato.git",
        "branch": "main",
        "targetPath": "turkic-nato",
        "urlpath": "lab/tree/turkic-nato/notebooks/00_start_here.ipynb",
    }


def test_link_keeps_a_hub_base_path_and_escapes_the_query() -> None:
    link = nbgitpuller_link(
        "https://school.example/jupyter",
        "https://git.example.org/a/course?x=1&y=2",
        "spring-2027",
        "notebooks/my notes.ipynb",
        target_path="course",
    )
    assert link.startswith("https://school.example/jupyter/hub/user-redirect/git-pull?")
    assert " " not in link
    query = query_of(link)
    assert query["repo"] == "https://git.example.org/a/course?x=1&y=2"
    assert query["branch"] == "spring-2027"
    assert query["urlpath"] == "lab/tree/course/notebooks/my%20notes.ipynb"


@pytest.mark.parametrize(
    ("url", "folder"),
    [
        ("https://git.example.org/a/course", "course"),
        ("https://git.example.org/a/course.git/", "course"),
        ("/tmp/upstream/course.git", "course"),
    ],
)
def test_repo_folder(url: str, folder: str) -> None:
    assert repo_folder(url) == folder


@pytest.mark.parametrize(
    ("hub", "repo", "branch", "notebook", "message"),
    [
        ("https://<your-hub>", "https://git.example.org/a/b", "main", START, "hub URL"),
        ("hub.example.edu", "https://git.example.org/a/b", "main", START, "not an http"),
        ("https://hub.example", "https://github.com/<owner>/<repo>", "main", START, "placeholder"),
        ("https://hub.example", "", "main", START, "repository URL"),
        ("https://hub.example", "https://git.example.org/a/b", "", START, "branch"),
        ("https://hub.example", "https://git.example.org/a/b", "my branch", START, "space"),
        ("https://hub.example", "https://git.example.org/a/b", "main", "../etc/x.ipynb", "inside"),
        ("https://hub.example", "https://git.example.org/a/b", "main", "/x.ipynb", "inside"),
        ("https://hub.example", "https://git.example.org/", "main", START, "names no folder"),
    ],
)
def test_link_refuses_placeholders_and_bad_parts(
    hub: str, repo: str, branch: str, notebook: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        nbgitpuller_link(hub, repo, branch, notebook)
