"""The website's hub page as a student meets it, crafted links and hostile addresses included.

Only the course comes through the course's links: repository, branch and folder are the site's
own settings, a link chooses only which of the course's notebooks opens, and the hub address
must be a plain http(s) address, typed or read back from the browser's storage (review H4, M1).
The launch links are checked for characters that could end their HTML attribute (review L1).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from build_html import serve
from playwright.sync_api import Browser, Page, Route, expect

from conftest import REPO, REPOSITORY, notebook_paths, require

sys.path.insert(0, str(REPO / "book" / "_ext"))
import otslab_book  # noqa: E402

from otslab.course import links  # noqa: E402

FOLDER = links.repo_folder(REPOSITORY)
START = "notebooks/00_start_here.ipynb"
SCHOOL_HUB = "https://hub.school.example"
PULL = re.compile(r".*/hub/user-redirect/git-pull\?.*")
KEY = "otslab-hub"


@dataclass
class HubPage:
    """The built hub page served on 127.0.0.1."""

    base: str
    index_html: str
    hub_html: str


@dataclass
class Visit:
    """What a student's click did: the pull request it made, dialogs and errors on the page."""

    pulls: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def hub_page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubPage]:
    """The landing and hub pages, built as `make html` builds them (only these two pages)."""
    require(
        (REPO / "book" / "node_modules" / "@jupyter-widgets").exists(),
        "book/node_modules is missing: npm ci --prefix book",
    )
    out = tmp_path_factory.mktemp("hub-site")
    command = [sys.executable, "-m", "sphinx", "-q", "-b", "html", "-c", "book"]
    command += ["-D", "include_patterns=book/index.md,book/hub.md", "-d", str(out / "doctrees")]
    result = subprocess.run(
        [*command, ".", str(out / "html")],
        cwd=REPO,
        env={**os.environ, "OTSLAB_REPOSITORY": REPOSITORY, "OTSLAB_HUB": ""},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    html = out / "html" / "book"
    with serve(out / "html") as base:
        yield HubPage(
            base,
            (html / "index.html").read_text(encoding="utf-8"),
            (html / "hub.html").read_text(encoding="utf-8"),
        )


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (its own storage) and page."""
    context = browser.new_context()
    tab = context.new_page()
    yield tab
    context.close()


def watch(page: Page) -> Visit:
    """Record the page's pull requests (answered here, never sent), dialogs and errors."""
    visit = Visit()

    def answer(route: Route) -> None:
        visit.pulls.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<p>the hub</p>")

    page.route(PULL, answer)
    page.on("dialog", lambda dialog: (visit.dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: visit.errors.append(str(error)))
    return visit


def open_hub_page(page: Page, hub_page: HubPage, query: str = "", stored: str | None = None):
    """Open the hub page with a query, after another page of the site stored a hub address."""
    if stored is not None:
        page.goto(f"{hub_page.base}/book/index.html")
        page.evaluate("([key, value]) => localStorage.setItem(key, value)", [KEY, stored])
    page.goto(f"{hub_page.base}/book/hub.html{query}")


def click_open(page: Page) -> None:
    """Press the button, as a student does, and give a navigation time to happen."""
    page.get_by_role("button", name="Open on my hub").click()
    page.wait_for_timeout(500)


def pulled(visit: Visit) -> dict[str, str]:
    """The one pull request the click made, as its single-valued query parameters."""
    assert len(visit.pulls) == 1, visit.pulls
    query = parse_qs(urlsplit(visit.pulls[0]).query, strict_parsing=True)
    return {key: values[0] for key, values in query.items()}


def course_pull(notebook: str) -> dict[str, str]:
    """The pull request's parameters for the course's notebook, from the site's settings."""
    return {
        "repo": REPOSITORY,
        "branch": "main",
        "targetPath": FOLDER,
        "urlpath": f"lab/tree/{FOLDER}/{notebook}",
    }


# --- crafted links: only the notebook comes from the query, and only a course notebook --------


@pytest.mark.browser
@pytest.mark.parametrize(
    "query",
    [
        "?repo=https://evil.example/x.git&branch=main&targetPath=.jupyter&urlpath=lab",
        "?repo=https://evil.example/x.git&targetpath=.jupyter&notebook=" + START,
        "?notebook=../../.jupyter/jupyter_server_config.py",
        "?urlpath=lab/tree/.jupyter/evil.ipynb",
        "?notebook=notebooks/99_not_a_notebook.ipynb",
        "?notebook=" + START + "&branch=evil&targetPath=.config",
    ],
)
def test_a_crafted_link_pulls_only_the_course(page: Page, hub_page: HubPage, query: str) -> None:
    visit = watch(page)
    open_hub_page(page, hub_page, query, stored=SCHOOL_HUB)
    expect(page.get_by_label("Your hub's address")).to_have_value(SCHOOL_HUB)
    if "notebook=" + START not in query:
        expect(page.locator("#otslab-hub-notebook")).to_contain_text("not part of this course")
    click_open(page)
    assert visit.pulls[0].startswith(f"{SCHOOL_HUB}/hub/user-redirect/git-pull?")
    assert pulled(visit) == course_pull(START)
    assert not visit.dialogs and not visit.errors, (visit.dialogs, visit.errors)


@pytest.mark.browser
@pytest.mark.parametrize("notebook", [p.relative_to(REPO).as_posix() for p in notebook_paths()])
@pytest.mark.parametrize("form", ["notebook={}", f"urlpath=lab/tree/{FOLDER}/{{}}"])
def test_a_course_link_opens_its_notebook(
    page: Page, hub_page: HubPage, notebook: str, form: str
) -> None:
    visit = watch(page)
    open_hub_page(page, hub_page, "?" + form.format(notebook), stored=SCHOOL_HUB)
    expect(page.locator("#otslab-hub-notebook")).to_have_text("")
    click_open(page)
    assert pulled(visit) == course_pull(notebook)


# --- the hub address: http(s), no user name or password; typed or read back from storage -----

HOSTILE = [
    "javascript:alert(document.domain)//x",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://hub.school.example@evil.example",
    "https://student:secret@hub.school.example",
    "file:///etc/passwd",
    "hub.school.example",
    "https://hub.school.example/?x=1",
]


@pytest.mark.browser
@pytest.mark.parametrize("address", HOSTILE)
def test_a_typed_address_that_is_not_a_plain_web_address_is_refused(
    page: Page, hub_page: HubPage, address: str
) -> None:
    visit = watch(page)
    open_hub_page(page, hub_page)
    field_ = page.get_by_label("Your hub's address")
    field_.fill(address)
    click_open(page)
    assert page.url.startswith(f"{hub_page.base}/book/hub.html"), page.url
    assert not visit.pulls and not visit.dialogs and not visit.errors, visit
    expect(page.locator("#otslab-hub-message")).to_contain_text("web address")
    assert page.evaluate("key => localStorage.getItem(key)", KEY) is None


@pytest.mark.browser
@pytest.mark.parametrize("address", HOSTILE)
def test_a_stored_address_that_is_not_a_plain_web_address_is_forgotten(
    page: Page, hub_page: HubPage, address: str
) -> None:
    visit = watch(page)
    open_hub_page(page, hub_page, "?notebook=" + START, stored=address)
    field_ = page.get_by_label("Your hub's address")
    expect(field_).to_have_value("")
    expect(page.locator("#otslab-hub-message")).to_contain_text("forgotten")
    assert page.evaluate("key => localStorage.getItem(key)", KEY) is None
    click_open(page)  # an empty address: the browser asks for one, nothing is opened
    assert page.url.startswith(f"{hub_page.base}/book/hub.html"), page.url
    assert not visit.pulls and not visit.dialogs and not visit.errors, visit


@pytest.mark.browser
def test_a_typed_address_with_a_base_path_is_remembered_and_used(
    page: Page, hub_page: HubPage
) -> None:
    visit = watch(page)
    open_hub_page(page, hub_page, "?notebook=notebooks/02_member_alignments.ipynb")
    page.get_by_label("Your hub's address").fill("https://school.example/jupyter//")
    click_open(page)
    assert visit.pulls[0].startswith("https://school.example/jupyter/hub/user-redirect/git-pull?")
    assert pulled(visit) == course_pull("notebooks/02_member_alignments.ipynb")
    open_hub_page(page, hub_page)  # back on the site: the address is remembered, normalised
    expect(page.get_by_label("Your hub's address")).to_have_value("https://school.example/jupyter")
    assert (
        links.nbgitpuller_link(
            "https://school.example/jupyter",
            REPOSITORY,
            "main",
            "notebooks/02_member_alignments.ipynb",
        )
        == visit.pulls[0]
    ), "the page and `make hub-link` build different links"


# --- the launch links (review L1) -------------------------------------------------------------


def test_launch_links_name_only_the_notebook(hub_page: HubPage) -> None:
    hrefs = re.findall(r'href="([^"]*hub\.html\?[^"]*)"', hub_page.index_html)
    assert hrefs == [f"hub.html?notebook={START}"], hrefs
    assert f'data-repo="{REPOSITORY}"' in hub_page.hub_html
    assert f'data-target="{FOLDER}"' in hub_page.hub_html


@pytest.mark.parametrize(
    "setting",
    [
        {"OTSLAB_REPOSITORY": 'https://github.com/a/b"onpointerenter="alert(\'REPO\')"x="'},
        {"OTSLAB_REPOSITORY": "https://github.com/a/b'onfocus='alert(1)"},
        {"OTSLAB_REPOSITORY": "javascript:alert(1)//github.com/a/b"},
        {"OTSLAB_REPOSITORY": REPOSITORY, "OTSLAB_HUB": 'https://hub.example/"><script>x()'},
        {"OTSLAB_REPOSITORY": REPOSITORY, "OTSLAB_HUB": "https://user:pw@hub.example"},
        {"OTSLAB_REPOSITORY": REPOSITORY, "OTSLAB_HUB": "javascript:alert(1)"},
    ],
)
def test_the_build_refuses_an_address_that_could_break_out_of_a_link(
    tmp_path: Path, setting: dict[str, str]
) -> None:
    with pytest.raises(ValueError, match="not a plain web address"):
        otslab_book.launch_settings(tmp_path, setting)


@pytest.mark.parametrize("quote", ['"', "'", "`", "<", "\\"])
def test_links_refuse_quotes_and_brackets(quote: str) -> None:
    with pytest.raises(ValueError, match="quote"):
        links.binder_link(f"https://github.com/a/b{quote}x", "main", START)
    with pytest.raises(ValueError, match="quote"):
        links.nbgitpuller_link(f"https://hub.example/{quote}", REPOSITORY, "main", START)
    with pytest.raises(ValueError, match="quote"):
        links.notebook_page_link("hub.html", f"notebooks/0{quote}.ipynb")


@pytest.mark.browser
def test_the_hub_page_and_its_messages_pass_axe(page: Page, hub_page: HubPage) -> None:
    """axe-core finds no serious or critical WCAG A/AA violation, messages shown."""
    from axe_playwright_python.sync_playwright import Axe

    open_hub_page(page, hub_page, "?notebook=notebooks/99_x.ipynb", stored="javascript:alert(1)")
    page.get_by_label("Your hub's address").fill("javascript:alert(1)")
    expect(page.locator("#otslab-hub-message")).to_contain_text("web address")
    expect(page.locator("#otslab-hub-notebook")).to_contain_text("not part of this course")
    options = {
        "resultTypes": ["violations"],
        "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    }
    violations = Axe().run(page, options=options).response["violations"]
    serious = [
        f"{v['id']} ({v['impact']}): {node['target']}"
        for v in violations
        if v["impact"] in {"serious", "critical"}
        for node in v["nodes"]
    ]
    assert not serious, serious
