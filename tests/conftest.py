"""Shared paths and helpers for the test suite."""

import csv
import fcntl
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from course_run import CourseRun, kernel_venv, run_course
from jupyterlab import CHROMIUM, CHROMIUM_ARGS, COPIED, Lab, LabPages, running_lab
from otslab.data import DataError

# Answers and weights that tests save (tasks, quiz, commit-then-reveal) go to a scratch folder,
# never to a student's notebooks/my_work; kernels the tests start inherit it. Each test process
# has its own (a pytest-xdist worker inherits its controller's environment, so it makes a new
# one): notebooks run at once in two workers never see each other's saved answers.
if "OTSLAB_WORK" not in os.environ or os.environ.get("OTSLAB_WORK_IS_SCRATCH"):
    os.environ["OTSLAB_WORK"] = tempfile.mkdtemp(prefix="otslab-work-")
    os.environ["OTSLAB_WORK_IS_SCRATCH"] = "1"

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
SHARED = REPO.parent / "shared"
DATA = REPO / "data"


def data_rows(name: str) -> list[dict[str, str]]:
    """The rows of data/<name>.csv as the csv module reads them (independently of otslab)."""
    with open(DATA / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def claim_asserters() -> dict[str, set[str]]:
    """Claim id -> the sources that assert it, from claim_sources.csv."""
    found: dict[str, set[str]] = {}
    for row in data_rows("claim_sources"):
        if row["stance"] == "asserts":
            found.setdefault(row["claim_id"], set()).add(row["source_id"])
    return found


def read_rows(path: Path) -> list[list[str]]:
    """A CSV file's rows as lists, header first (line n of an editor is rows[n - 1])."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    """Write rows back as a comma-separated UTF-8 file."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def put_cell(data_dir: Path, table: str, column: str, value: str, line: int = 2) -> None:
    """Put value into one cell of a table in data_dir (line as an editor counts it, header 1)."""
    rows = read_rows(data_dir / f"{table}.csv")
    rows[line - 1][rows[0].index(column)] = value
    write_rows(data_dir / f"{table}.csv", rows)


@pytest.fixture(scope="module")
def T():
    """The course's tables, loaded once per test module (a module that changes them copies them)."""
    from otslab.data import load_tables

    return load_tables()


def session_plans(guide: str) -> dict[str, list[tuple[int, int, str, str]]]:
    """Each session's plan: (start, end, mark, activity) per row, by the session's heading."""
    plans = {}
    for part in re.split(r"^#{2,3} (?=Session )", guide, flags=re.M)[1:]:
        title, body = part.split("\n", 1)
        body = re.split(r"^#{2,3} ", body, flags=re.M)[0]
        rows = re.findall(r"^\| (\d+)-(\d+) \| (\w+) \| (.*) \|$", body, flags=re.M)
        plans[title] = [(int(a), int(b), mark, text) for a, b, mark, text in rows]
    return plans


def require(condition: bool, fix: str) -> None:
    """Fail, saying what is missing and the command that installs it, unless condition holds.

    `make test` installs every part the tests need, so a missing part is a failure, never a skip.
    """
    if not condition:
        pytest.fail(f"missing: {fix}", pytrace=False)


# `make test` sets OTSLAB_NO_SKIP: a test skipped there fails the run, naming the test and why.
SKIPPED: list[str] = []


# Under `make test`, each worker reports its group's tests, wall time and CPU (its own and its
# finished children's: kernels, servers, browsers), and the run prints them at its end.
STARTED = time.monotonic()
GROUPS: dict[str, str] = {}
RAN: set[str] = set()
WORKERS: list[dict] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Remember every skipped test, and every test this process ran."""
    RAN.add(report.nodeid)
    if report.skipped and not hasattr(report, "wasxfail"):
        SKIPPED.append(f"{report.nodeid}: {report.longrepr[-1] if report.longrepr else ''}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under `make test` (OTSLAB_NO_SKIP), any skip fails the run; a worker reports its group."""
    if os.environ.get("OTSLAB_NO_SKIP") and SKIPPED and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    output = getattr(session.config, "workeroutput", None)
    if output is not None and RAN:
        own = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        output["otslab_group"] = {
            "group": ", ".join(sorted({GROUPS.get(nodeid, "?") for nodeid in RAN})),
            "tests": len(RAN),
            "wall": time.monotonic() - STARTED,
            "cpu": own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime,
        }


def pytest_testnodedown(node: object, error: object) -> None:
    """Keep a finished worker's report (pytest-xdist)."""
    report = getattr(node, "workeroutput", {}).get("otslab_group")
    if report:
        WORKERS.append(report)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int) -> None:
    """Say why the run failed when it failed only on skips; print each worker's group."""
    if os.environ.get("OTSLAB_NO_SKIP") and SKIPPED:
        terminalreporter.write_line(
            f"make test skips nothing: {len(SKIPPED)} test(s) skipped:", red=True
        )
        for line in SKIPPED:
            terminalreporter.write_line(f"  {line}", red=True)
    if WORKERS and terminalreporter.config.getvalue("dist") == "loadgroup":
        terminalreporter.section("groups, in the order they finished")
        for report in sorted(WORKERS, key=lambda report: report["wall"]):
            terminalreporter.write_line(
                f"{report['group']:>11}: {report['tests']:>3} tests, {report['wall']:4.0f} s, "
                f"{report['cpu']:4.0f} s of CPU"
            )


IN_CHROMIUM = {"browser", "lab", "lab_pages", "hostile_lab"}
"""Fixtures that start the session's Playwright: the tests that use them run last."""
IN_LAB = {"lab", "lab_pages", "hostile_lab"}
"""Fixtures of the JupyterLab group (see `group_of`)."""


def group_of(item: pytest.Item) -> str:
    """The group of tests one pytest-xdist worker runs whole under `make test` (`-n 10 --dist
    loadgroup`; see worker_groups), by the session fixture it needs: "hostile-lab" (JupyterLab
    in Chromium on the hostile copy), "lab" (JupyterLab in Chromium), "hub-page" (the website's
    hub page), "hub" (a real JupyterHub), "hostile" (the hostile copy), "site" (the built website
    and PDFs), "course" (the course run and the other slow tests), or "fast" (the rest).

    Each group's session fixtures are then made once, in one process, and the groups run side
    by side: they mostly wait on kernels, servers and browsers, so together they fill both cores,
    and no group holds the others up. A worker runs only its own group, so no test of another
    group runs in a process after its browser started (see `pytest_collection_modifyitems`).
    """
    names = set(getattr(item, "fixturenames", ()))
    if "hostile_lab" in names:
        return "hostile-lab"
    if names & IN_LAB:
        return "lab"
    if "hub_page" in names:
        return "hub-page"
    if item.get_closest_marker("hub"):
        return "hub"
    if "hostile_repo" in names:
        return "hostile"
    if "site" in names:
        return "site"
    if any(item.get_closest_marker(m) for m in ("slow", "browser")):
        return "course"
    return "fast"


HALVED = ("fast", "site")
"""Groups run by two workers, their modules taken alternately in order of name: the fast tests
(CPU-bound in one thread, starved beside the others' browsers and kernels) and the website's
(one page at a time in Chromium, after the build; the site fixture builds it once for both)."""


def worker_groups(items: list[pytest.Item]) -> dict[str, str]:
    """Each test's worker group under `make test`: its group_of, the HALVED ones in two halves
    ("fast-1", "fast-2", "site-1", "site-2")."""
    groups = {item.nodeid: group_of(item) for item in items}
    for name in HALVED:
        modules = sorted({item.path.name for item in items if groups[item.nodeid] == name})
        for item in items:
            if groups[item.nodeid] == name:
                groups[item.nodeid] = f"{name}-{modules.index(item.path.name) % 2 + 1}"
    return groups


# pytest-xdist 3.8 cannot read its xdist_group marks under pytest 9 (it renames items through an
# attribute pytest 9 no longer has), so the workers write each test's group to this file and the
# controller's scheduler reads it (pytest_xdist_make_scheduler). The workers inherit the path.
os.environ.setdefault(
    "OTSLAB_TEST_GROUPS", str(Path(tempfile.mkdtemp(prefix="otslab-groups-")) / "groups.json")
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that need the built website, the hub page or the course run, so `make
    check` can leave them out; run the tests that drive Chromium last, in their order; in a
    pytest-xdist worker, write down each test's group.

    Playwright's sync API keeps its event loop current while the session's browser is open, so
    code under test that asks for a running loop (the text box's pause before saving) would find
    it: no other test may run after the browser starts.
    """
    for item in items:
        if "site" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.site)
        if "hub_page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.hub)
        if "course_run" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
    items.sort(key=lambda item: bool(IN_CHROMIUM & set(getattr(item, "fixturenames", ()))))
    if os.environ.get("PYTEST_XDIST_WORKER"):
        groups = Path(os.environ["OTSLAB_TEST_GROUPS"])
        mine = groups.with_name(f"{os.environ['PYTEST_XDIST_WORKER']}.json")
        GROUPS.update(worker_groups(items))
        mine.write_text(json.dumps(GROUPS))
        mine.replace(groups)  # whole, as each worker collects the same tests


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """Under `--dist loadgroup`, send each group of tests (worker_groups) whole to one worker."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        """Each test's scope is its group, as the workers wrote them down."""

        groups: dict[str, str] = {}

        def _split_scope(self, nodeid: str) -> str:
            if not self.groups:
                path = Path(os.environ["OTSLAB_TEST_GROUPS"])
                self.groups.update(json.loads(path.read_text(encoding="utf-8")))
            return self.groups[nodeid]

    return GroupScheduling(config, log)


def notebooks_needed(items: list[pytest.Item]) -> list[Path] | None:
    """The notebooks the selected tests that read the course run ask for; None means all.

    A test that takes a notebook as its parameter needs that one; any other needs them all.
    """
    needed: set[Path] = set()
    for item in items:
        if "course_run" not in getattr(item, "fixturenames", ()):
            continue
        params = getattr(getattr(item, "callspec", None), "params", {})
        notebooks = [v for v in params.values() if isinstance(v, Path) and v.suffix == ".ipynb"]
        if not notebooks:
            return None
        needed.update(notebooks)
    return sorted(needed)


@pytest.fixture(scope="session")
def course_run(request: pytest.FixtureRequest, tmp_path_factory) -> CourseRun:
    """The notebooks executed once for the whole session, in the Binder environment's kernel:
    all of them, or only those the selected tests name (`pytest -k 01` runs one)."""
    python = kernel_venv() / "bin" / "python"
    require(python.exists(), f"{python} (the Binder environment): make .venv-binder/.stamp")
    only = notebooks_needed(request.session.items)
    return run_course(tmp_path_factory.mktemp("course"), python, only=only)


def notebook_paths() -> list[Path]:
    """Return the course notebooks (notebooks/*.ipynb), sorted by name."""
    return sorted(NOTEBOOKS.glob("*.ipynb"))


REPOSITORY = "https://github.com/example-school/otslab-course"
"""The repository URL the website test build is given (OTSLAB_REPOSITORY), as a teacher sets it."""


@dataclass
class Site:
    """A built website and its PDFs."""

    html: Path
    pdf: Path

    def page(self, name: str) -> str:
        """The HTML of a page, by its path without .html (e.g. notebooks/02_member_alignments)."""
        return (self.html / f"{name}.html").read_text(encoding="utf-8")

    def pages(self) -> list[Path]:
        """Every page of the site (the theme's template fragments in _static are not pages)."""
        return sorted(p for p in self.html.rglob("*.html") if "_static" not in p.parts)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The website and PDFs, built by tools/build_html.py as `make html` and `make pdf` do:
    once per run, by the first worker that asks; the others wait for it (see worker_groups)."""
    require(
        (REPO / "book" / "node_modules" / "@jupyter-widgets").exists(),
        "book/node_modules (the site's widgets): make book/node_modules/.package-lock.json",
    )
    require(
        Path("/usr/bin/chromium").exists(),
        "/usr/bin/chromium (prints the PDFs): apt-get install chromium",
    )
    # Under pytest-xdist the workers' temporary folders share a parent that is this run's own.
    base = tmp_path_factory.getbasetemp()
    out = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "site"
    with open(f"{out}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (out / "built.txt").exists():
            out.mkdir(exist_ok=True)
            command = [sys.executable, "tools/build_html.py", "--out", out / "html"]
            result = subprocess.run(
                [*command, "--pdf", out / "pdf"],
                cwd=REPO,
                env={**os.environ, "OTSLAB_REPOSITORY": REPOSITORY, "OTSLAB_HUB": ""},
                capture_output=True,
                text=True,
            )
            report = result.stdout[-3000:] + result.stderr[-5000:]
            (out / "built.txt").write_text(f"{result.returncode}\n{report}", encoding="utf-8")
    returncode, report = (out / "built.txt").read_text(encoding="utf-8").split("\n", 1)
    assert returncode == "0", report
    return Site(out / "html", out / "pdf")


# --- JupyterLab in Chromium, shared by the browser tests ------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright."""
    require(CHROMIUM.exists(), f"{CHROMIUM} (Debian's Chromium): apt-get install chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """JupyterLab on 127.0.0.1 serving a copy of the course, with the shipped lab settings."""
    tmp = tmp_path_factory.mktemp("lab")
    for name in COPIED:
        if (REPO / name).is_dir():
            ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
            shutil.copytree(REPO / name, tmp / "course" / name, ignore=ignore)
    with running_lab(tmp) as running:
        yield running


@pytest.fixture(scope="session")
def lab_pages(browser: Browser, lab: Lab) -> Iterator[LabPages]:
    """Each notebook run once in JupyterLab, its page shared by the tests that read it."""
    pages = LabPages(browser, lab)
    yield pages
    pages.close()


# --- a private copy of the data package to break ----------------------------------------------


@pytest.fixture
def copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of data/ to break, with a private validation cache."""
    from otslab.data import cache

    monkeypatch.setattr(cache, "CACHE_DIR", tmp_path / "cache")
    return Path(shutil.copytree(DATA, tmp_path / "data"))


def load_error(data_dir: Path) -> DataError:
    """The DataError that loading data_dir raises (the test fails if it loads); its message
    starts with the file it names."""
    from otslab.data import load_tables

    with pytest.raises(DataError) as caught:
        load_tables(data_dir)
    assert str(caught.value).startswith(f"data/{caught.value.file}")
    return caught.value
