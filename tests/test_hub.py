"""The hub path: nbgitpuller links, and a real JupyterHub on 127.0.0.1 that a student uses."""

import html
import http.cookiejar
import json
import os
import re
import runpy
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urlencode, urlsplit

import hub_link
import nbformat
import pytest
import yaml
from hub_local import Hub, api, free_hub_port, local_hub, make_upstream, missing_parts
from jupyterhub.auth import DummyAuthenticator
from jupyterhub.spawner import SimpleLocalProcessSpawner
from playwright.sync_api import Browser, Page, expect
from tornado.httputil import HTTPHeaders
from traitlets.config import Config

from conftest import REPO, notebook_paths, require
from jupyterlab import (
    ARTIFACTS,
    PANEL,
    STDERR_OUTPUTS,
    assert_quiet,
    code_cell_count,
    run_all_cells,
)
from otslab.course.links import binder_link, nbgitpuller_link, repo_folder

START = "notebooks/00_start_here.ipynb"
BRANCH = "main"


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


# --- A real hub: a student follows the link, works, and follows it again after an update ---

STUDENT = "student1"
TARGET = "turkic-nato"  # the folder the course is pulled into: the repository's name
TEACHER_NOTE = "Teacher's update for this class: read the glossary before notebook 01."
STUDENT_NOTE = "# my note: compare the 2025 and 2026 summits"
LINK_TIMEOUT_MS = 120_000


@dataclass(frozen=True)
class Course:
    """The upstream repository a teacher publishes (a bare clone in tmp) and the running hub."""

    upstream: Path
    hub: Hub

    def link(self) -> str:
        """The course's nbgitpuller link on this hub."""
        return nbgitpuller_link(self.hub.url, str(self.upstream), BRANCH, START)

    def clone(self) -> Path:
        """The student's copy of the course in their home on the hub."""
        return self.hub.homes / STUDENT / TARGET


def git(*args: str, cwd: Path) -> str:
    """Run git in cwd; return its output."""
    command = ["git", "-c", "user.name=Teacher", "-c", "user.email=teacher@example.org", *args]
    return subprocess.run(command, cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Course]:
    """The course's hub on 127.0.0.1, with the repository's committed HEAD as upstream."""
    require(not missing_parts(), "; ".join(missing_parts()))
    require((REPO / ".git").exists(), f"{REPO} is not a git checkout")
    tmp = tmp_path_factory.mktemp("hub")
    upstream = make_upstream(tmp / "upstream" / "turkic-nato.git", BRANCH)
    with local_hub(tmp / "hub", pull_repos=[str(upstream)]) as hub:
        yield Course(upstream=upstream, hub=hub)


def follow_link(page: Page, course: Course) -> float:
    """Follow the course link as the student (log in if asked); return seconds until usable."""
    started = time.monotonic()
    page.goto(course.link())
    if "/hub/login" in page.url:
        page.fill("#username_input", STUDENT)
        page.fill("#password_input", course.hub.password)
        page.click("#login_submit")
    lab = f"{course.hub.url}/user/{STUDENT}/lab/tree/{TARGET}/{START}"
    page.wait_for_url(lab, timeout=LINK_TIMEOUT_MS)
    kernel_idle = page.locator(f'{PANEL} .jp-Notebook-ExecutionIndicator[data-status="idle"]')
    expect(kernel_idle).to_be_visible(timeout=LINK_TIMEOUT_MS)
    return time.monotonic() - started


def save(page: Page) -> None:
    """Save the notebook on show with the keyboard, and wait until it is saved."""
    page.keyboard.press("Control+s")  # JupyterLab binds it on the whole page
    expect(page.locator(".lm-TabBar-tab.jp-mod-current.jp-mod-dirty")).to_have_count(0)


def run_notebook(page: Page, course: Course, notebook: Path) -> None:
    """Open a notebook of the student's copy, Run All, check it shows no error, and save it."""
    if not page.url.endswith(notebook.name):
        page.goto(f"{course.hub.url}/user/{STUDENT}/lab/tree/{TARGET}/notebooks/{notebook.name}")
    cells = code_cell_count(notebook)
    # A long notebook takes a while to render on a busy machine; wait for all its cells first.
    expect(page.locator(f"{PANEL} .jp-CodeCell")).to_have_count(cells, timeout=LINK_TIMEOUT_MS)
    run_all_cells(page, cells)
    errors = page.locator(f"{PANEL} {STDERR_OUTPUTS}").all_inner_texts()
    assert not errors, f"{notebook.name} shows errors or warnings on the hub:\n" + "\n".join(errors)
    save(page)


def open_start_notebook(page: Page, course: Course) -> None:
    """Open the start notebook and wait until its tab is the current one and its kernel idle."""
    page.goto(f"{course.hub.url}/user/{STUDENT}/lab/tree/{TARGET}/{START}")
    # The workspace restores the tabs of the last visit; wait for ours, not the last one shown.
    current = page.locator(".lm-DockPanel .lm-TabBar-tab.jp-mod-current")
    expect(current).to_contain_text(Path(START).name, timeout=LINK_TIMEOUT_MS)
    kernel_idle = page.locator(f'{PANEL} .jp-Notebook-ExecutionIndicator[data-status="idle"]')
    expect(kernel_idle).to_be_visible(timeout=LINK_TIMEOUT_MS)


def edit_first_code_cell(page: Page, course: Course) -> None:
    """Type a note at the top of the start notebook's first code cell, as a student would."""
    # The notebook reopens where the student left it (after Run All: at the bottom), and
    # JupyterLab draws only the cells in view: go back to the top first, as a student scrolls.
    page.locator(f"{PANEL} .jp-WindowedPanel-outer").evaluate("panel => panel.scrollTo(0, 0)")
    editor = page.locator(f"{PANEL} .jp-CodeCell .cm-content").first
    expect(editor).to_be_visible()
    editor.click()
    expect(editor).to_be_focused()  # on a loaded machine, typing can start before the click lands
    page.keyboard.press("Control+Home")
    page.keyboard.type(STUDENT_NOTE + "\n")
    expect(editor).to_contain_text(STUDENT_NOTE)
    page.keyboard.press("Escape")
    expect(page.locator(".lm-TabBar-tab.jp-mod-current.jp-mod-dirty")).to_have_count(1)
    save(page)
    saved = course.clone() / START
    deadline = time.monotonic() + 30
    while STUDENT_NOTE not in saved.read_text(encoding="utf-8") and time.monotonic() < deadline:
        time.sleep(0.5)  # the server writes the file just after the tab stops looking dirty


def publish_update(course: Course, workdir: Path) -> str:
    """The teacher edits the start notebook's last cell, adds a file, pushes; return the commit."""
    work = workdir / "teacher"
    git("clone", "--quiet", str(course.upstream), str(work), cwd=workdir)
    path = work / START
    nb = nbformat.read(path, as_version=4)
    nb.cells[-1].source += f"\n\n{TEACHER_NOTE}"
    nbformat.write(nb, path)
    (work / "notebooks" / "CLASS_NOTES.md").write_text(f"# Class notes\n\n{TEACHER_NOTE}\n")
    git("add", "-A", cwd=work)
    git("commit", "--quiet", "-m", "Teacher's update for this class", cwd=work)
    git("push", "--quiet", "origin", BRANCH, cwd=work)
    return git("rev-parse", "HEAD", cwd=work).strip()


@pytest.mark.hub
@pytest.mark.browser
@pytest.mark.slow
def test_student_follows_the_link_runs_everything_and_keeps_work_across_an_update(
    browser: Browser,
    course: Course,
    tmp_path: Path,
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    try:
        seconds = follow_link(page, course)
        assert_quiet(page)
        assert (course.clone() / START).is_file(), "the link did not clone the course"
        # The student's copy is the committed course, which the working tree may be ahead of.
        notebooks = sorted((course.clone() / "notebooks").glob("*.ipynb"))
        assert [nb.name for nb in notebooks] == [nb.name for nb in notebook_paths()]
        for notebook in notebooks:
            run_notebook(page, course, notebook)
        open_start_notebook(page, course)
        edit_first_code_cell(page, course)
        saved = (course.clone() / START).read_text(encoding="utf-8")
        assert STUDENT_NOTE in saved, "the student's edit was not saved to their home"

        update = publish_update(course, tmp_path)
        follow_link(page, course)
        assert_quiet(page)
        page.screenshot(path=ARTIFACTS / "hub-after-update.png")
        clone = course.clone()
        after = (clone / START).read_text(encoding="utf-8")
        assert STUDENT_NOTE in after, "following the link again lost the student's edit"
        assert TEACHER_NOTE in after, "the teacher's change to the start notebook did not arrive"
        assert (clone / "notebooks" / "CLASS_NOTES.md").is_file(), "the new file did not arrive"
        git("merge-base", "--is-ancestor", update, "HEAD", cwd=clone)  # fails if not merged
        expect(page.locator(f"{PANEL} .jp-CodeCell .cm-content").first).to_contain_text(
            STUDENT_NOTE
        )
        expect(page.locator(PANEL)).to_contain_text(TEACHER_NOTE)
        assert not page_errors, f"errors in the page: {page_errors}"
        print(f"link to a usable notebook: {seconds:.1f} s (first login, server start, clone)")
    except Exception:
        page.screenshot(path=ARTIFACTS / "hub-failure.png")
        log = course.hub.log.read_text(encoding="utf-8").splitlines()
        print("\n".join(log[-80:]))
        raise
    finally:
        page.close()


# --- The same hub against a second student, a stranger and a foreign repository ---------------

SECRET = "alice's draft memo: not for bob"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Report a redirect as the answer instead of following it."""

    def redirect_request(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        """Follow no redirect."""
        return None


def fetch(
    url: str,
    token: str | None = None,
    opener: urllib.request.OpenerDirector | None = None,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, str]:
    """GET (or POST data to) url; return the status and body, whatever the status."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    if token:
        request.add_header("Authorization", f"token {token}")
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=120) as answer:
            return answer.status, answer.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def log_in(
    hub: Hub, name: str, password: str, headers: dict[str, str] | None = None
) -> urllib.request.OpenerDirector | None:
    """Log in through the hub's login form; return a browser-like opener, or None if refused."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    status, page = fetch(f"{hub.url}/hub/login", opener=opener)
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page)
    assert status == 200 and xsrf, f"no login form ({status})"
    form = {"username": name, "password": password, "_xsrf": xsrf[1]}
    status, _ = fetch(
        f"{hub.url}/hub/login", opener=opener, data=urlencode(form).encode(), headers=headers
    )
    logged_in = any(cookie.name == "jupyterhub-hub-login" for cookie in jar)
    assert logged_in == (status == 302), (status, [cookie.name for cookie in jar])
    if not logged_in:
        return None
    browser_like = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    return browser_like


def start_server(hub: Hub, name: str) -> str:
    """Create a student, start their server, wait until it is ready; return a token of theirs."""
    try:
        api(hub, "POST", f"users/{name}")
    except urllib.error.HTTPError as error:
        assert error.code == 409, error  # 409: the student exists (logged in before)
    api(hub, "POST", f"users/{name}/server")
    deadline = time.monotonic() + LINK_TIMEOUT_MS / 1000
    while not api(hub, "GET", f"users/{name}")["servers"].get("", {}).get("ready"):
        assert time.monotonic() < deadline, f"{name}'s server did not start"
        time.sleep(0.5)
    return api(hub, "POST", f"users/{name}/tokens", {"note": "test"})["token"]


@pytest.fixture(scope="module")
def students(course: Course) -> dict[str, str]:
    """Two students with running servers, alice with a file in her home: their tokens."""
    tokens = {name: start_server(course.hub, name) for name in ("alice", "bob")}
    (course.hub.homes / "alice" / "memo.txt").write_text(SECRET, encoding="utf-8")
    return tokens


@pytest.mark.hub
def test_the_local_hub_takes_no_login_without_the_password_or_through_a_proxy(
    course: Course,
) -> None:
    hub = course.hub
    assert log_in(hub, "mallory", "") is None, "logged in without a password"
    assert log_in(hub, "mallory", "any password") is None, "logged in with a wrong password"
    assert log_in(hub, "alice", hub.password[:-1]) is None
    through_a_proxy = [
        {"X-Forwarded-For": "203.0.113.5"},
        {"X-Real-IP": "203.0.113.5"},
        {"Forwarded": "for=203.0.113.5;proto=https"},
        {"Host": "hub.school.example"},
    ]
    for headers in through_a_proxy:
        assert log_in(hub, "alice", hub.password, headers) is None, f"logged in with {headers}"
    assert log_in(hub, "alice", hub.password) is not None, "the right password was refused"
    status, _ = fetch(f"{hub.url}/hub/api/users")
    assert status == 403, "the user list answered without a token"


@pytest.mark.hub
def test_a_second_student_cannot_reach_the_first_students_server_or_files(
    course: Course, students: dict[str, str]
) -> None:
    hub, alice, bob = course.hub, students["alice"], students["bob"]
    memo = "api/contents/memo.txt"
    status, body = fetch(f"{hub.url}/user/alice/{memo}", alice)
    assert status == 200 and SECRET in body, "alice cannot read her own file: the test is wrong"
    attempts = [
        (f"{hub.url}/user/alice/{memo}", bob),
        (f"{hub.url}/user/alice/files/memo.txt", bob),
        (f"{hub.url}/user/alice/lab", bob),
        (f"{hub.url}/user/bob/api/contents/../alice/memo.txt", bob),
        (f"{hub.url}/user/bob/api/contents/%2E%2E/alice/memo.txt", bob),
        (f"{hub.url}/user/bob/files/..%2Falice%2Fmemo.txt", bob),
        (f"{hub.url}/user/alice/{memo}", None),
    ]
    for url, token in attempts:
        status, body = fetch(url, token)
        assert status in {302, 400, 403, 404}, f"{url}: {status}"
        assert SECRET not in body, f"{url} showed alice's file"
    as_bob = log_in(hub, "bob", hub.password)
    assert as_bob is not None
    status, body = fetch(f"{hub.url}/user/alice/{memo}", opener=as_bob)
    assert status == 403 and SECRET not in body, f"bob's session reached alice's server: {status}"


COURSE_URL = "https://git.example.org/your-school/turkic-nato"


@pytest.mark.parametrize(
    ("request_", "reason"),
    [
        ({"repo": COURSE_URL + ".git", "targetpath": "turkic-nato", "branch": "main"}, None),
        (
            {
                "repo": "HTTPS://Git.Example.org/your-school/turkic-nato/",
                "targetpath": "turkic-nato",
            },
            None,
        ),
        ({"repo": "https://evil.example/x.git", "targetpath": "turkic-nato"}, "not one"),
        ({"repo": COURSE_URL + "-fork", "targetpath": "turkic-nato"}, "not one"),
        ({"repo": "https://user:pw@git.example.org/your-school/turkic-nato"}, "user name"),
        ({"repo": COURSE_URL + "?x=1", "targetpath": "turkic-nato"}, "query"),
        ({"repo": COURSE_URL, "targetpath": ".jupyter"}, "only into the folder"),
        ({"repo": COURSE_URL, "targetpath": "turkic-nato/../.jupyter"}, "only into the folder"),
        ({"repo": COURSE_URL, "targetpath": ""}, "only into the folder"),
        ({"repo": COURSE_URL, "targetpath": "turkic-nato", "branch": "-u x"}, "branch"),
        ({"repo": COURSE_URL, "targetpath": "turkic-nato", "branch": "a/../b"}, "branch"),
        ({"repo": COURSE_URL, "targetpath": "turkic-nato", "urlpath": "//evil.example"}, "page"),
        ({"repo": COURSE_URL, "targetpath": "turkic-nato", "urlpath": "lab/tree/../x"}, "page"),
        ({"repo": "", "targetpath": "turkic-nato"}, "not one"),
    ],
)
def test_the_pull_guard_allows_only_the_course_into_its_folder(
    request_: dict[str, str], reason: str | None
) -> None:
    sys.path.insert(0, str(HUB_DIR / "singleuser"))
    try:
        import otslab_pull_guard as guard
    finally:
        sys.path.remove(str(HUB_DIR / "singleuser"))
    allowed = guard.allowed_repos({"OTSLAB_PULL_REPOS": f"{COURSE_URL} /srv/other.git"})
    assert allowed == {COURSE_URL: "turkic-nato", "/srv/other": "other"}
    found = guard.refusal(request_, allowed)
    assert (found is None) if reason is None else (reason in (found or "")), found
    assert "not set" in guard.refusal(request_, {})
    assert "hidden" in guard.refusal(
        {"repo": COURSE_URL, "targetpath": "turkic-nato"}, allowed, parent=".local"
    )


def foreign_repository(workdir: Path) -> Path:
    """A repository that is not the course, whose config file would run at a server's start."""
    work, bare = workdir / "foreign", workdir / "foreign.git"
    work.mkdir()
    git("init", "--quiet", "--initial-branch", BRANCH, cwd=work)
    (work / "jupyter_server_config.py").write_text("open('/tmp/otslab-pwned', 'w')\n")
    git("add", "-A", cwd=work)
    git("commit", "--quiet", "-m", "not the course", cwd=work)
    git("clone", "--quiet", "--bare", str(work), str(bare), cwd=workdir)
    return bare


@pytest.mark.hub
def test_nbgitpuller_pulls_only_the_course_into_its_own_folder(
    course: Course, students: dict[str, str], tmp_path: Path
) -> None:
    hub, bob, home = course.hub, students["bob"], course.hub.homes / "bob"
    foreign, upstream = str(foreign_repository(tmp_path)), str(course.upstream)
    refused = [
        {"repo": foreign, "branch": BRANCH, "targetpath": ".jupyter"},
        {"repo": foreign, "branch": BRANCH, "targetpath": "foreign"},
        {"repo": foreign, "branch": BRANCH},
        {"repo": upstream, "branch": BRANCH, "targetpath": ".jupyter"},
        {"repo": upstream, "branch": BRANCH, "targetpath": "turkic-nato/../.jupyter"},
        {"repo": upstream, "branch": BRANCH, "targetpath": "."},
        {"repo": upstream, "branch": "--upload-pack=touch /tmp/x", "targetpath": TARGET},
        {"repo": "https://evil.example/100%25-\u00fcber\r\nX: y", "targetpath": "x"},
        {"repo": upstream, "targetpath": "", "targetPath": ".jupyter", "branch": BRANCH},
    ]
    for query in refused:
        for endpoint in ("git-pull/api", "git-pull"):
            status, body = fetch(f"{hub.url}/user/bob/{endpoint}?{urlencode(query)}", bob)
            assert status == 403, f"{endpoint} {query}: {status} {body[:300]}"
            said = html.unescape(body)
            assert any(
                why in said for why in ("not one this hub's course allows", "only into", "branch")
            ), f"the refusal does not say why: {said[-1500:]}"
    assert not (home / ".jupyter").exists() and not (home / "foreign").exists()
    assert sorted(p.name for p in home.iterdir() if not p.name.startswith(".")) == []
    status, _ = fetch(f"{hub.url}/user/bob/interact?repo=x&account=y", bob)
    assert status == 404, "nbgitpuller's old /interact endpoint is still there"
    course_pull = {"repo": upstream, "branch": BRANCH, "targetpath": TARGET}
    status, body = fetch(f"{hub.url}/user/bob/git-pull/api?{urlencode(course_pull)}", bob)
    assert status == 200 and '"phase": "finished"' in body, body[-500:]
    assert (home / TARGET / START).is_file(), "the course itself was not pulled"


# --- What an administrator deploys: settings file, image, Kubernetes values, the README's link ---

HUB_DIR = REPO / "hub"
EXAMPLE_HUB = "https://hub.your-school.example"
EXAMPLE_REPO = "https://git.example.org/your-school/turkic-nato"
GIT_PULL_LINK = re.compile(r"https?://[^\s`)\]\"']+/hub/user-redirect/git-pull\?[^\s`)\]\"']+")


def load_config(argv: list[str] | None = None, **env: str) -> Config:
    """Load hub/jupyterhub_config.py as JupyterHub does, with OTSLAB_* variables set to env."""
    config = Config()
    saved = {key: os.environ.pop(key) for key in list(os.environ) if key.startswith("OTSLAB_")}
    saved_argv = sys.argv
    os.environ.update(env)
    sys.argv = argv or ["jupyterhub", "-f", "hub/jupyterhub_config.py"]
    try:
        runpy.run_path(str(HUB_DIR / "jupyterhub_config.py"), {"get_config": lambda: config})
    finally:
        sys.argv = saved_argv
        for key in env:
            os.environ.pop(key, None)
        os.environ.update(saved)
    return config


SCHOOL = {"OTSLAB_HUB_STUDENTS": "class-9b", "OTSLAB_HUB_ADMINS": "teacher, head"}
TEST_HUB = {
    "OTSLAB_HUB_INSECURE_TEST": "1",
    "OTSLAB_HUB_TEST_PASSWORD": "a-long-enough-test-password",
}


def test_config_defaults_to_a_school_hub_on_loopback_ports_in_a_row() -> None:
    config = load_config(OTSLAB_HUB_PORT="18050", **SCHOOL)
    assert config.JupyterHub.authenticator_class.__name__ == "PAMAuthenticator"
    assert config.JupyterHub.spawner_class.__name__ == "LocalProcessSpawner"
    assert (config.JupyterHub.ip, config.JupyterHub.port) == ("127.0.0.1", 18050)
    assert config.ConfigurableHTTPProxy.api_url == "http://127.0.0.1:18051"
    assert config.JupyterHub.hub_port == 18052
    assert config.Spawner.default_url == "/lab"
    assert "--MappingKernelManager.cull_idle_timeout=1800" in config.Spawner.args
    assert "--ServerApp.shutdown_no_activity_timeout=3600" in config.Spawner.args
    assert not any("allow_root" in arg for arg in config.Spawner.args)


def test_config_allows_only_the_class_names_the_admins_and_never_root() -> None:
    config = load_config(**SCHOOL)
    assert config.PAMAuthenticator.allowed_groups == {"class-9b"}
    assert config.Authenticator.admin_users == {"teacher", "head"}
    assert "root" in config.Authenticator.blocked_users
    assert config.JupyterHub.admin_access is False
    assert config.Spawner.disable_user_config is True
    with pytest.raises(ValueError, match="OTSLAB_HUB_STUDENTS"):
        load_config(OTSLAB_HUB_ADMINS="teacher")
    with pytest.raises(ValueError, match="OTSLAB_HUB_ADMINS"):
        load_config(OTSLAB_HUB_STUDENTS="class-9b")


def test_config_sets_the_measured_limits_by_default_and_passes_others_through() -> None:
    limits = readme_limits()
    config = load_config(**SCHOOL)
    assert (config.Spawner.mem_limit, config.Spawner.mem_guarantee) == (
        limits["mem_limit"],
        limits["mem_guarantee"],
    )
    assert config.Spawner.cpu_limit == float(limits["cpu_limit"])
    assert config.Spawner.cpu_guarantee == float(limits["cpu_guarantee"])
    config = load_config(OTSLAB_MEM_LIMIT="2G", OTSLAB_CPU_LIMIT="2", **SCHOOL)
    assert (config.Spawner.mem_limit, config.Spawner.cpu_limit) == ("2G", 2.0)


def test_config_gives_servers_the_pull_guard_instead_of_nbgitpuller() -> None:
    config = load_config(OTSLAB_PULL_REPOS="https://git.example.org/s/turkic-nato", **SCHOOL)
    environment = config.Spawner.environment
    guard = HUB_DIR / "singleuser"
    assert environment["PYTHONPATH"] == environment["JUPYTER_CONFIG_PATH"] == str(guard)
    assert environment["OTSLAB_PULL_REPOS"] == "https://git.example.org/s/turkic-nato"
    settings = json.loads(
        (guard / "jupyter_server_config.d" / "otslab_pull_guard.json").read_text()
    )
    assert settings["ServerApp"]["jpserver_extensions"] == {
        "nbgitpuller": False,
        "otslab_pull_guard": True,
    }
    # A file of that name sorts after nbgitpuller's own in the same folder, so it wins there too.
    assert "otslab_pull_guard.json" > "nbgitpuller.json"


class OtherDummy(DummyAuthenticator):
    """A test-only authenticator under another name."""


class OtherSimple(SimpleLocalProcessSpawner):
    """A test-only spawner under another name."""


TEST_ONLY_PARTS = [
    {"OTSLAB_HUB_AUTH": "dummy"},
    {"OTSLAB_HUB_AUTH": "jupyterhub.auth.DummyAuthenticator"},
    {"OTSLAB_HUB_AUTH": f"{__name__}.OtherDummy"},
    {"OTSLAB_HUB_SPAWNER": "simple"},
    {"OTSLAB_HUB_SPAWNER": "jupyterhub.spawner.SimpleLocalProcessSpawner"},
    {"OTSLAB_HUB_SPAWNER": f"{__name__}.OtherSimple"},
]


@pytest.mark.parametrize("parts", TEST_ONLY_PARTS, ids=lambda p: next(iter(p.values())))
def test_config_refuses_test_only_parts_without_the_tests_setting(parts: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="OTSLAB_HUB_INSECURE_TEST"):
        load_config(**SCHOOL, **parts)
    password = {"OTSLAB_HUB_TEST_PASSWORD": TEST_HUB["OTSLAB_HUB_TEST_PASSWORD"]}
    with pytest.raises(ValueError, match="OTSLAB_HUB_INSECURE_TEST"):
        load_config(OTSLAB_HUB_INSECURE_TEST="yes", **password, **SCHOOL, **parts)


@pytest.mark.parametrize("parts", TEST_ONLY_PARTS, ids=lambda p: next(iter(p.values())))
@pytest.mark.parametrize("ip", ["0.0.0.0", "", "::", "192.0.2.10", "example.invalid"])
def test_config_refuses_test_only_parts_off_loopback(parts: dict[str, str], ip: str) -> None:
    with pytest.raises(ValueError, match="loopback"):
        load_config(OTSLAB_HUB_IP=ip, **SCHOOL, **TEST_HUB, **parts)


def test_config_runs_a_test_hub_on_loopback_with_a_password_from_this_machine_only() -> None:
    config = load_config(OTSLAB_HUB_AUTH="dummy", OTSLAB_HUB_SPAWNER="simple", **TEST_HUB)
    auth = config.JupyterHub.authenticator_class
    assert auth.__name__ == "TestOnlyAuthenticator" and issubclass(auth, DummyAuthenticator)
    # Any authenticator on a hub with the test-only spawner takes local logins only.
    config = load_config(OTSLAB_HUB_SPAWNER="simple", **SCHOOL, **TEST_HUB)
    auth = config.JupyterHub.authenticator_class
    assert auth.__name__ == "LocalLoginsOnlyPAMAuthenticator" and hasattr(auth, "check_request")
    assert load_config(OTSLAB_HUB_IP="localhost", OTSLAB_HUB_AUTH="dummy", **TEST_HUB)
    with pytest.raises(ValueError, match="OTSLAB_HUB_TEST_PASSWORD"):
        load_config(OTSLAB_HUB_AUTH="dummy", OTSLAB_HUB_INSECURE_TEST="1")


@pytest.mark.hub
@pytest.mark.parametrize(
    "settings",
    [
        {"OTSLAB_HUB_AUTH": "jupyterhub.auth.DummyAuthenticator"},
        {"OTSLAB_HUB_AUTH": "dummy", "OTSLAB_HUB_IP": "0.0.0.0", **TEST_HUB},
        {"OTSLAB_HUB_SPAWNER": "simple", "OTSLAB_HUB_IP": "0.0.0.0", **SCHOOL, **TEST_HUB},
        {"OTSLAB_HUB_IP": "0.0.0.0", **SCHOOL},
    ],
    ids=["dummy-by-class-name", "dummy-off-loopback", "simple-off-loopback", "no-https"],
)
def test_jupyterhub_itself_refuses_to_start(settings: dict[str, str], tmp_path: Path) -> None:
    require(not missing_parts(), "; ".join(missing_parts()))
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTSLAB_")}
    env["OTSLAB_HUB_PORT"] = str(free_hub_port())
    jupyterhub = Path(sys.executable).with_name("jupyterhub")
    result = subprocess.run(
        [str(jupyterhub), "-f", str(HUB_DIR / "jupyterhub_config.py")],
        cwd=tmp_path,
        env={**env, **settings},
        capture_output=True,
        text=True,
        timeout=120,  # a hub that started would run until killed: the test fails on the timeout
    )
    assert result.returncode != 0
    assert "HubSettingError" in result.stderr, result.stderr[-2000:]
    assert not (tmp_path / "jupyterhub.sqlite").exists(), "the hub got as far as its database"


@pytest.mark.parametrize(
    "argv",
    [
        ["jupyterhub", "-f", "c.py", "--JupyterHub.authenticator_class=dummy"],
        ["/usr/bin/jupyterhub", "-f", "c.py", "--JupyterHub.spawner_class", "simple"],
        ["jupyterhub", "-f", "c.py", "--ip", "0.0.0.0"],
        ["jupyterhub", "-f", "c.py", "--JupyterHub.bind_url=http://0.0.0.0:8000"],
    ],
)
def test_config_refuses_overrides_on_the_command_line(argv: list[str]) -> None:
    with pytest.raises(ValueError, match="OTSLAB_HUB_AUTH"):
        load_config(argv, **SCHOOL)


@pytest.mark.parametrize(
    "setting",
    [
        {"OTSLAB_HUB_PORT": "eighty"},
        {"OTSLAB_HUB_PORT": "70000"},
        {"OTSLAB_IDLE_MINUTES": "half an hour"},
        {"OTSLAB_CPU_LIMIT": "-1"},
        {"OTSLAB_CPU_GUARANTEE": "nan"},
    ],
)
def test_config_names_the_setting_that_is_not_a_number(setting: dict[str, str]) -> None:
    with pytest.raises(ValueError, match=f"{next(iter(setting))}=.*give a number"):
        load_config(**SCHOOL, **setting)


def test_config_refuses_a_public_address_without_https() -> None:
    with pytest.raises(ValueError, match="without HTTPS"):
        load_config(OTSLAB_HUB_IP="0.0.0.0", **SCHOOL)
    config = load_config(
        OTSLAB_HUB_IP="0.0.0.0",
        OTSLAB_HUB_SSL_CERT="/etc/ssl/hub.crt",
        OTSLAB_HUB_SSL_KEY="/etc/ssl/hub.key",
        **SCHOOL,
    )
    assert (config.JupyterHub.ssl_cert, config.JupyterHub.ssl_key) == (
        "/etc/ssl/hub.crt",
        "/etc/ssl/hub.key",
    )


@dataclass
class FakeRequest:
    """The parts of a tornado request the test hub's login looks at."""

    remote_ip: str
    host: str
    headers: HTTPHeaders


@pytest.mark.parametrize(
    ("remote", "host", "headers", "refused"),
    [
        ("127.0.0.1", "127.0.0.1:8000", {"X-Forwarded-For": "127.0.0.1"}, False),
        ("::1", "[::1]:8000", {}, False),
        ("127.0.0.1", "localhost:8000", {}, False),
        ("127.0.0.1", "hub.school.example", {"X-Forwarded-For": "127.0.0.1"}, True),
        ("127.0.0.1", "127.0.0.1:8000", {"X-Forwarded-For": "203.0.113.5, 127.0.0.1"}, True),
        ("127.0.0.1", "127.0.0.1:8000", {"X-Real-Ip": "203.0.113.5"}, True),
        ("127.0.0.1", "127.0.0.1:8000", {"Forwarded": 'for="203.0.113.5";proto=https'}, True),
        ("127.0.0.1", "127.0.0.1:8000", {"X-Forwarded-Host": "hub.school.example"}, True),
        ("203.0.113.5", "127.0.0.1:8000", {}, True),
    ],
)
def test_the_test_hub_takes_logins_from_this_machine_only_never_through_a_proxy(
    remote: str, host: str, headers: dict[str, str], refused: bool
) -> None:
    auth_class = load_config(OTSLAB_HUB_AUTH="dummy", **TEST_HUB).JupyterHub.authenticator_class
    handler = SimpleNamespace(request=FakeRequest(remote, host, HTTPHeaders(headers)))
    assert (auth_class().check_request(handler) is not None) is refused


def test_image_builds_from_binders_pins_and_settings() -> None:
    dockerfile = (HUB_DIR / "Dockerfile").read_text(encoding="utf-8")
    runtime = (REPO / "binder" / "runtime.txt").read_text(encoding="utf-8").strip()
    base = re.search(r"^FROM python:(\d+\.\d+)", dockerfile, re.M)
    assert base and f"python-{base[1]}" == runtime, "the image's Python is not Binder's"
    copied = re.search(r"^COPY binder/requirements\.txt (\S+)$", dockerfile, re.M)
    assert copied and re.search(rf"pip install .*-r {re.escape(copied[1])}", dockerfile)
    settings = "COPY binder/overrides.json /usr/local/share/jupyter/lab/settings/overrides.json"
    assert settings in dockerfile.splitlines()
    hub_version = re.search(r"^ARG JUPYTERHUB_VERSION=(\S+)$", dockerfile, re.M)
    dev_pins = (REPO / "requirements-dev.txt").read_text(encoding="utf-8")
    assert hub_version and f"jupyterhub=={hub_version[1]}\n" in dev_pins
    assert re.search(r"apt-get install .*\bgit\b", dockerfile), "nbgitpuller needs git"
    assert dockerfile.rstrip().endswith('CMD ["jupyterhub-singleuser"]')


def readme_limits() -> dict[str, str]:
    """The per-student limits the README tells an administrator to set."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    return dict(
        re.findall(r"`(mem_limit|mem_guarantee|cpu_limit|cpu_guarantee)` ([0-9.]+[MG]?)", readme)
    )


def test_tljh_settings_allow_the_course_and_put_kernels_on_sockets_where_they_fit() -> None:
    config = Config()
    runpy.run_path(str(HUB_DIR / "tljh_course.py"), {"get_config": lambda: config})
    assert config.Spawner.environment == {"OTSLAB_PULL_REPOS": EXAMPLE_REPO}
    assert config.Spawner.disable_user_config is True
    assert config.JupyterHub.admin_access is False
    hook = config.Spawner.pre_spawn_hook
    for name, ipc in [("alice", True), ("a" * 14, True), ("a" * 15, False), ("b" * 40, False)]:
        spawner = SimpleNamespace(
            user=SimpleNamespace(name=name), args=list(config.Spawner.args), log=SimpleNamespace()
        )
        spawner.log.warning = lambda message: None
        hook(spawner)
        assert ("--KernelManager.transport=ipc" in spawner.args) is ipc, name
        hook(spawner)  # a second start adds nothing
        assert spawner.args.count("--KernelManager.transport=ipc") == int(ipc)


def test_why_kernels_lost_a_race_for_a_port_and_why_sockets_cannot(tmp_path: Path) -> None:
    """The port race's cause, shown with the code a server runs; and the Unix sockets instead."""
    from jupyter_client.connect import write_connection_file

    # Over TCP, the server picks each of a kernel's five ports by binding port 0 and closing the
    # socket again; the kernel binds the number a second or more later. In between the port is
    # free for anyone: here another socket takes the kernel's shell port first.
    _, tcp = write_connection_file(str(tmp_path / "tcp.json"), ip="127.0.0.1", transport="tcp")
    with socket.socket() as other:
        other.bind(("127.0.0.1", tcp["shell_port"]))  # would raise if the port were held
    # Over Unix sockets, a kernel's channels are files named after its own connection file (its
    # kernel id), so two kernels cannot clash; the config sizes the path to fit 107 bytes.
    runtime = tmp_path / "rt"
    runtime.mkdir()
    kernel = "kernel-00000000-0000-0000-0000-000000000000"
    name, ipc = write_connection_file(
        str(runtime / f"{kernel}.json"), ip=str(runtime / f"{kernel}-ipc"), transport="ipc"
    )
    assert ipc["transport"] == "ipc" and ipc["ip"] == str(runtime / f"{kernel}-ipc")
    longest = f"{ipc['ip']}-{max(ipc[k] for k in ipc if k.endswith('_port'))}"
    assert len(longest) == len(str(runtime)) + len(f"/{kernel}-ipc-5")


def kubernetes_values() -> dict:
    """hub/z2jh-values.yaml, parsed."""
    return yaml.safe_load((HUB_DIR / "z2jh-values.yaml").read_text(encoding="utf-8"))


def test_kubernetes_values_use_the_measured_limits_and_cull_idle_servers() -> None:
    values = kubernetes_values()
    single = values["singleuser"]
    limits = readme_limits()
    assert str(single["memory"]["limit"]) == limits["mem_limit"]
    assert str(single["memory"]["guarantee"]) == limits["mem_guarantee"]
    assert str(single["cpu"]["limit"]) == limits["cpu_limit"]
    assert str(single["cpu"]["guarantee"]) == limits["cpu_guarantee"]
    assert single["defaultUrl"] == "/lab"
    assert values["cull"]["enabled"] is True and values["cull"]["timeout"] > 0
    command = " ".join(single["lifecycleHooks"]["postStart"]["exec"]["command"])
    assert f"gitpuller {EXAMPLE_REPO} {BRANCH} {repo_folder(EXAMPLE_REPO)}" in command
    assert single["extraEnv"]["OTSLAB_PULL_REPOS"] == EXAMPLE_REPO


# Authenticators that let anyone in (the chart's default "dummy": any name, any password; "tmp":
# a new user for every visitor) or that are meant for nothing but tests.
ACCEPT_ANYONE = {
    "dummy",
    "jupyterhub.auth.DummyAuthenticator",
    "tmp",
    "tmpauthenticator.TmpAuthenticator",
    "null",
    "firstuseauthenticator.FirstUseAuthenticator",
}


def test_kubernetes_values_let_in_only_the_class_over_https() -> None:
    values = kubernetes_values()
    config = values["hub"]["config"]
    authenticator = config["JupyterHub"].get("authenticator_class")
    assert authenticator, "no authenticator: the chart's default lets anyone in as anyone"
    assert authenticator not in ACCEPT_ANYONE
    assert config["JupyterHub"]["admin_access"] is False
    allow = config["Authenticator"]
    assert allow["allow_all"] is False
    assert allow["allowed_users"] and allow["admin_users"], "name the class and the teachers"
    google = config["GoogleOAuthenticator"]
    assert authenticator == "google" and google["hosted_domain"], "only the school's domain"
    https = values["proxy"]["https"]
    assert https["enabled"] is True and https["type"] == "letsencrypt"
    assert https["hosts"] and https["letsencrypt"]["contactEmail"]
    callback = urlsplit(google["oauth_callback_url"])
    assert callback.scheme == "https" and callback.hostname in https["hosts"]
    assert callback.path == "/hub/oauth_callback"


def test_kubernetes_values_run_servers_as_a_user_without_privileges() -> None:
    values = kubernetes_values()
    single = values["singleuser"]
    assert single["uid"] == 1000 and single["fsGid"] == 100
    assert single["allowPrivilegeEscalation"] is False
    assert values["hub"]["config"]["KubeSpawner"]["disable_user_config"] is True
    dockerfile = (HUB_DIR / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^USER 1000$", dockerfile, re.M), "the image runs as root"
    assert re.search(r"useradd .*--uid 1000 --gid 100 ", dockerfile)


def test_guides_pin_the_chart_and_tljh_versions_the_files_are_written_for() -> None:
    guide = (HUB_DIR / "README.md").read_text(encoding="utf-8")
    values = (HUB_DIR / "z2jh-values.yaml").read_text(encoding="utf-8")
    chart = re.search(r"chart \"jupyterhub\", version (\S+): JupyterHub (\S+)\)", values)
    assert chart, "the values do not say which chart version they are written for"
    assert f"jupyterhub/jupyterhub --version {chart[1]}" in guide.replace("\\\n", "")
    assert f"--build-arg JUPYTERHUB_VERSION={chart[2]}" in guide
    assert "bootstrap.py | sudo -E python3 - --version 2.0.0" in guide
    assert "tljh_course.py /opt/tljh/config/jupyterhub_config.d/course.py" in guide


def test_image_ships_the_pull_guard_in_place_of_nbgitpuller() -> None:
    dockerfile = (HUB_DIR / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    python = re.search(r"^FROM python:(\d+\.\d+)", dockerfile, re.M)
    assert python
    site = f"/usr/local/lib/python{python[1]}/site-packages"
    copies = dict(re.findall(r"^COPY (hub/singleuser/\S+)\s+(\S+)$", dockerfile, re.M))
    assert copies == {
        "hub/singleuser/otslab_pull_guard.py": f"{site}/otslab_pull_guard.py",
        "hub/singleuser/jupyter_server_config.d/otslab_pull_guard.json": (
            "/usr/local/etc/jupyter/jupyter_server_config.d/otslab_pull_guard.json"
        ),
    }


def test_every_hub_link_in_the_guides_is_what_nbgitpuller_link_builds() -> None:
    links = []
    for guide in (REPO / "README.md", HUB_DIR / "README.md"):
        links += GIT_PULL_LINK.findall(guide.read_text(encoding="utf-8"))
    assert links, "the guides show no nbgitpuller link"
    for link in links:
        query = query_of(link)
        hub = link.split("/hub/user-redirect/", 1)[0]
        notebook = query["urlpath"].removeprefix(f"lab/tree/{query['targetPath']}/")
        rebuilt = nbgitpuller_link(hub, query["repo"], query["branch"], notebook)
        assert link == rebuilt, f"a guide shows a link nbgitpuller_link would not build: {link}"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert nbgitpuller_link(EXAMPLE_HUB, EXAMPLE_REPO, BRANCH, START) in readme


def test_hub_link_prints_the_link_for_the_course_repository(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OTSLAB_REPOSITORY", EXAMPLE_REPO)
    assert hub_link.main([EXAMPLE_HUB]) == 0
    assert capsys.readouterr().out.strip() == nbgitpuller_link(
        EXAMPLE_HUB, EXAMPLE_REPO, BRANCH, START
    )


def test_hub_link_says_what_to_set_when_no_repository_is_set(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.delenv("OTSLAB_REPOSITORY", raising=False)
    citation = tmp_path / "CITATION.cff"
    citation.write_text("cff-version: 1.2.0\ntitle: a course\n", encoding="utf-8")
    with pytest.raises(SystemExit) as stop:
        hub_link.main([EXAMPLE_HUB], citation=citation)
    assert stop.value.code == 2
    assert "add `repository-code: https://...` to CITATION.cff" in capsys.readouterr().err


def test_binder_link_prints_the_link_and_badge_the_readme_shows(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    example = "https://github.com/your-school/turkic-nato"
    monkeypatch.setenv("OTSLAB_REPOSITORY", example)
    assert hub_link.main(["--binder"]) == 0
    link, badge = capsys.readouterr().out.strip().splitlines()
    assert link == binder_link(example, BRANCH, START)
    assert link.startswith("https://mybinder.org/v2/gh/your-school/turkic-nato/main?urlpath=")
    assert badge == f"[![Binder](https://mybinder.org/badge_logo.svg)]({link})"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"```\n{link}\n{badge}\n```" in readme, "the README shows another Binder link"
    assert "<owner>" not in readme and "<repo>" not in readme
