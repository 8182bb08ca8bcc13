"""JupyterLab in headless Chromium: each notebook opens quietly, runs all, widgets respond."""

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from hostile import make_hostile_copy
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Dialog,
    Locator,
    Page,
    expect,
    sync_playwright,
)

from conftest import REPO, notebook_paths, require

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = REPO / "test-artifacts"
# Copied side by side, as in the repo: otslab finds data/ at notebooks/otslab/../../data.
COPIED = ("notebooks", "data", "seeds")
LAB_TIMEOUT_S = 60
RUN_ALL_TIMEOUT_MS = 300_000
WIDGET_TIMEOUT_MS = 30_000
# The notebook on show; JupyterLab hides (but keeps in the DOM) panels of other tabs.
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
# Error tracebacks and warnings both render with the stderr mime type.
STDERR_OUTPUTS = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
# True once every code cell of the panel shows an execution count: "[12]:", not "[*]:" or "[ ]:".
ALL_PROMPTS_NUMBERED = """panel => Array
    .from(document.querySelectorAll(panel + ' .jp-CodeCell .jp-InputArea-prompt'))
    .every(prompt => /\\[\\d+\\]/.test(prompt.textContent))"""


@dataclass(frozen=True)
class Lab:
    """A running JupyterLab server: where it listens, its token and the folder it serves."""

    url: str
    token: str
    root: Path


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(lab: Lab, server: subprocess.Popen, log: Path) -> None:
    """Poll the server's status API until it answers; fail with its log if it never does."""
    deadline = time.monotonic() + LAB_TIMEOUT_S
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(f"{lab.url}/api/status?token={lab.token}", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"JupyterLab did not come up:\n{log.read_text(encoding='utf-8')}")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright."""
    require(CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """JupyterLab on 127.0.0.1 serving a copy of the course, with the shipped lab settings."""
    tmp = tmp_path_factory.mktemp("lab")
    for name in COPIED:
        if (REPO / name).is_dir():
            ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
            shutil.copytree(REPO / name, tmp / "course" / name, ignore=ignore)
    with running_lab(tmp) as running:
        yield running


@pytest.fixture(scope="module")
def hostile_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """JupyterLab serving a copy of the course with script and HTML in every text field."""
    tmp = tmp_path_factory.mktemp("hostile-lab")
    make_hostile_copy(REPO, tmp / "course")
    with running_lab(tmp) as running:
        yield running


@contextmanager
def running_lab(tmp: Path) -> Iterator[Lab]:
    """JupyterLab on 127.0.0.1 serving tmp/course, with the shipped lab settings."""
    root, settings, home = tmp / "course", tmp / "app-settings", tmp / "jupyter"
    settings.mkdir()
    shutil.copy(REPO / "binder" / "overrides.json", settings / "overrides.json")
    lab = Lab(url=f"http://127.0.0.1:{free_port()}", token=secrets.token_hex(16), root=root)
    env = {
        **os.environ,
        # Keep the tester's own Jupyter config, user settings and workspaces out of the run.
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "user-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
    }
    command = [
        *(sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1"),
        f"--port={lab.url.rsplit(':', 1)[1]}",
        "--ServerApp.port_retries=0",
        "--ServerApp.allow_root=True",  # CI runs as root; the server listens on loopback only
        f"--IdentityProvider.token={lab.token}",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.app_settings_dir={settings}",
    ]
    log = tmp / "jupyterlab.log"
    with log.open("w") as log_file:
        server = subprocess.Popen(command, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        wait_until_up(lab, server, log)
        yield lab
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def assert_quiet(page: Page) -> None:
    """Assert JupyterLab shows no dialog (e.g. "Select Kernel") and no toast (e.g. news)."""
    dialogs = page.locator(".jp-Dialog").all_inner_texts()
    assert not dialogs, f"JupyterLab shows a dialog: {dialogs}"
    toasts = page.locator(".Toastify__toast").all_inner_texts()
    assert not toasts, f"JupyterLab shows a notification: {toasts}"


def run_all_cells(page: Page, code_cells: int) -> None:
    """Run all cells through the Run menu and wait for every code cell and the kernel to finish."""
    panel = page.locator(PANEL)
    expect(panel.locator(".jp-CodeCell")).to_have_count(code_cells, timeout=WIDGET_TIMEOUT_MS)
    # The status bar says "Idle" only once the kernel's connection is up; a Run All sent while
    # a cold JupyterLab is still connecting can be lost, so wait for it first.
    status = page.locator(".jp-StatusBar-Widget", has_text=re.compile(r"\|\s*Idle"))
    expect(status.first).to_be_visible(timeout=LAB_TIMEOUT_S * 1000)
    page.locator(".lm-MenuBar").get_by_text("Run", exact=True).click()
    page.locator(".lm-Menu").get_by_text("Run All Cells", exact=True).click()
    page.wait_for_function(ALL_PROMPTS_NUMBERED, arg=PANEL, timeout=RUN_ALL_TIMEOUT_MS)
    kernel_idle = panel.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]')
    expect(kernel_idle).to_be_visible(timeout=RUN_ALL_TIMEOUT_MS)


CONTROLS = "select, .noUi-handle, input[type=checkbox], input[type=text]"
"""Controls a view may have, in the order a student meets them in the cell."""


def change_control(control: Locator) -> str:
    """Change one widget control as a student would; return what was done, for messages."""
    kind = control.evaluate("el => el.tagName.toLowerCase() + ':' + (el.type || el.className)")
    if kind.startswith("select"):
        control.scroll_into_view_if_needed()
        # Option values, not labels: ipywidgets renders spaces in labels as no-break spaces.
        current = control.evaluate("s => Array.from(s.selectedOptions).map(o => o.value)")
        options = control.evaluate("s => Array.from(s.options).map(o => o.value)")
        choice = [value for value in options if value not in current][-1]
        control.select_option(value=choice)
        return f"chose option {choice!r}"
    if "noUi-handle" in kind:
        before = control.get_attribute("aria-valuenow")
        control.focus()
        control.press("Home")
        if control.get_attribute("aria-valuenow") == before:
            control.press("End")
        return f"moved a slider from {before} to {control.get_attribute('aria-valuenow')}"
    if kind.endswith("checkbox"):
        control.click()
        return "toggled a checkbox"
    control.fill("Uzbekistan")
    control.press("Enter")
    return "typed 'Uzbekistan'"


CUT_LABELS = """cell => [...cell.querySelectorAll('.widget-readout, .widget-button')]
    .filter(r => r.offsetParent && r.scrollWidth > r.clientWidth + 1).map(r => r.textContent)"""
"""Slider readouts and button labels of a cell whose text does not fit (ipywidgets gives a
readout at most 64 px and a button 148 px, and cuts the rest)."""


def drive_every_view(page: Page) -> None:
    """Operate the first control of every widget view; its Output must show something new.

    A view is a code cell whose output holds controls and an ipywidgets Output. Self-check
    questions (a "Check" button) must answer even before an option is picked.
    """
    cells = page.locator(f"{PANEL} .jp-CodeCell").filter(has=page.locator(".widget-output"))
    for index in range(cells.count()):
        cell = cells.nth(index)
        cell.scroll_into_view_if_needed()
        output = cell.locator(".widget-output").first
        expect(output).not_to_be_empty(timeout=WIDGET_TIMEOUT_MS)
        cut = cell.evaluate(CUT_LABELS)
        assert not cut, f"view {index + 1}: readouts or button labels cut short: {cut}"
        if cell.locator(CONTROLS).count() == 0:
            continue  # only buttons (compare, print): their Python tests press them
        before = output.inner_text()
        done = change_control(cell.locator(CONTROLS).first)
        try:
            expect(output).not_to_have_text(before, timeout=WIDGET_TIMEOUT_MS)
        except AssertionError as error:
            raise AssertionError(
                f"view {index + 1}: {done}, but its output did not change"
            ) from error
    checks = page.locator(f"{PANEL} .widget-button", has_text=re.compile(r"^Check$"))
    for index in range(checks.count()):
        checks.nth(index).scroll_into_view_if_needed()
        checks.nth(index).click()
    feedback = page.locator(f"{PANEL} .widget-html .otslab-feedback")  # the self-checks' answers
    expect(feedback).to_have_count(checks.count(), timeout=WIDGET_TIMEOUT_MS)


def code_cell_count(notebook: Path) -> int:
    """Return how many code cells a notebook file holds."""
    return sum(cell.cell_type == "code" for cell in nbformat.read(notebook, as_version=4).cells)


@pytest.mark.parametrize("notebook", notebook_paths(), ids=lambda path: path.stem)
def test_notebook_in_jupyterlab(browser: Browser, lab: Lab, notebook: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"{notebook.stem}-failure.png").unlink(missing_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    console_errors: list[str] = []

    def record_console_error(message: ConsoleMessage) -> None:
        if message.type == "error":
            console_errors.append(message.text)

    page.on("console", record_console_error)
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    try:
        # ?reset starts from an empty workspace, so only this notebook is open.
        page.goto(f"{lab.url}/lab/tree/notebooks/{notebook.name}?reset&token={lab.token}")
        kernel_idle = page.locator(f'{PANEL} .jp-Notebook-ExecutionIndicator[data-status="idle"]')
        expect(kernel_idle).to_be_visible(timeout=LAB_TIMEOUT_S * 1000)
        assert_quiet(page)
        run_all_cells(page, code_cell_count(notebook))
        errors = page.locator(f"{PANEL} {STDERR_OUTPUTS}").all_inner_texts()
        assert not errors, f"{notebook.name} shows errors or warnings:\n" + "\n".join(errors)
        drive_every_view(page)
        assert_quiet(page)
        assert not console_errors, f"browser console errors: {console_errors}"
        page.screenshot(path=ARTIFACTS / f"{notebook.stem}.png")
    except Exception:
        page.screenshot(path=ARTIFACTS / f"{notebook.stem}-failure.png")
        raise
    finally:
        page.close()


def operate_every_view(page: Page) -> None:
    """Change the first control of every view and press every Check, then let the kernel settle."""
    cells = page.locator(f"{PANEL} .jp-CodeCell").filter(has=page.locator(".widget-output"))
    for index in range(cells.count()):
        cells.nth(index).scroll_into_view_if_needed()
        controls = cells.nth(index).locator(CONTROLS)
        if controls.count():
            change_control(controls.first)
    checks = page.locator(f"{PANEL} .widget-button", has_text=re.compile(r"^Check$"))
    for index in range(checks.count()):
        checks.nth(index).scroll_into_view_if_needed()
        checks.nth(index).click()
    kernel_idle = page.locator(f'{PANEL} .jp-Notebook-ExecutionIndicator[data-status="idle"]')
    expect(kernel_idle).to_be_visible(timeout=RUN_ALL_TIMEOUT_MS)


# Markup a payload would have made: an <img src=x> or a <script> calling alert().
INJECTED = """panel => [
    ...document.querySelectorAll(panel + ' img[src="x"]'),
    ...[...document.querySelectorAll('script')].filter(s => s.textContent.includes('alert(')),
].length"""


@pytest.mark.parametrize("notebook", notebook_paths(), ids=lambda path: path.stem)
def test_hostile_data_runs_no_script_in_jupyterlab(
    browser: Browser, hostile_lab: Lab, notebook: Path
) -> None:
    """Script and HTML in every text field: Run All and the views open no dialog, add no markup."""
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    dialogs: list[str] = []

    def record_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record_dialog)
    try:
        url = (
            f"{hostile_lab.url}/lab/tree/notebooks/{notebook.name}?reset&token={hostile_lab.token}"
        )
        page.goto(url)
        kernel_idle = page.locator(f'{PANEL} .jp-Notebook-ExecutionIndicator[data-status="idle"]')
        expect(kernel_idle).to_be_visible(timeout=LAB_TIMEOUT_S * 1000)
        run_all_cells(page, code_cell_count(hostile_lab.root / "notebooks" / notebook.name))
        errors = page.locator(f"{PANEL} {STDERR_OUTPUTS}").all_inner_texts()
        assert not errors, f"{notebook.name} shows errors on hostile data:\n" + "\n".join(errors)
        operate_every_view(page)
        page.wait_for_timeout(500)  # an onerror fires once the broken image fails to load
        assert not dialogs, f"{notebook.name}: data opened {len(dialogs)} dialogs: {dialogs[:5]}"
        assert page.evaluate(INJECTED, PANEL) == 0, f"{notebook.name}: data became markup"
        # The data shows as text: somewhere visible (a closed dropdown's options are not).
        shown = page.locator(PANEL).get_by_text("<script>alert(", exact=False)
        expect(shown.filter(visible=True).first).to_be_visible()
    except Exception:
        page.screenshot(path=ARTIFACTS / f"{notebook.stem}-hostile-failure.png")
        raise
    finally:
        page.close()
