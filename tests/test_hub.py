"""The hub path: a real JupyterHub on 127.0.0.1 that a student uses, and what it lets others do
(the settings and links an administrator deploys: tests/test_hub_deploy.py)."""

import html
import http.cookiejar
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import nbformat
import pytest
from hub_local import Hub, api, local_hub, make_upstream, missing_parts
from playwright.sync_api import Browser, Page, expect

from conftest import REPO, notebook_paths, require
from jupyterlab import (
    ARTIFACTS,
    PANEL,
    STDERR_OUTPUTS,
    assert_quiet,
    code_cell_count,
    run_all_cells,
)
from otslab.course.links import nbgitpuller_link

START = "notebooks/00_start_here.ipynb"
HUB_DIR = REPO / "hub"
BRANCH = "main"


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
