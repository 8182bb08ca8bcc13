"""JupyterLab in headless Chromium for the tests: a server on 127.0.0.1 and notebooks run in it.

Each notebook is opened and run once per session (LabPages); the tests that read or operate its
views after Run All (the view walk, axe-core, the keyboard walk) share that one page.
"""

from __future__ import annotations

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
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Response, expect

REPO = Path(__file__).resolve().parent.parent
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
# JupyterLab starts while the other test groups of `make test` run beside it on the same two cores.
LAB_TIMEOUT_S = 180
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
    """A running JupyterLab server: where it listens, its token, the folder it serves, its log."""

    url: str
    token: str
    root: Path
    log: Path

    def log_tail(self, lines: int = 80) -> str:
        """The server log's last lines, for a failure message."""
        text = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(text[-lines:])


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


@contextmanager
def running_lab(tmp: Path) -> Iterator[Lab]:
    """JupyterLab on 127.0.0.1 serving tmp/course, with the shipped lab settings."""
    root, settings, home = tmp / "course", tmp / "app-settings", tmp / "jupyter"
    settings.mkdir()
    shutil.copy(REPO / "binder" / "overrides.json", settings / "overrides.json")
    log = tmp / "jupyterlab.log"
    url = f"http://127.0.0.1:{free_port()}"
    lab = Lab(url=url, token=secrets.token_hex(16), root=root, log=log)
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
        # Kept for whoever reads a failure: CI uploads test-artifacts/.
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copy(log, ARTIFACTS / f"{tmp.name}-jupyterlab.log")


def quiet_problems(page: Page) -> list[str]:
    """The dialogs (e.g. "Select Kernel") and toasts (e.g. news) JupyterLab shows now."""
    dialogs = page.locator(".jp-Dialog").all_inner_texts()
    toasts = page.locator(".Toastify__toast").all_inner_texts()
    return [f"dialog: {d}" for d in dialogs] + [f"notification: {t}" for t in toasts]


def assert_quiet(page: Page) -> None:
    """Assert JupyterLab shows no dialog (e.g. "Select Kernel") and no toast (e.g. news)."""
    shown = quiet_problems(page)
    assert not shown, f"JupyterLab shows {shown}"


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


def code_cell_count(notebook: Path) -> int:
    """Return how many code cells a notebook file holds."""
    return sum(cell.cell_type == "code" for cell in nbformat.read(notebook, as_version=4).cells)



@dataclass
class RunPage:
    """A notebook open in JupyterLab after Run All, with what the browser reported meanwhile."""

    notebook: Path
    page: Page
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


class LabPages:
    """Each notebook opened from an empty workspace and run once; later asks get the same page."""

    def __init__(self, browser: Browser, lab: Lab) -> None:
        self.browser, self.lab, self.pages = browser, lab, {}

    def __call__(self, notebook: Path) -> RunPage:
        """The notebook's page after Run All (opened and run on the first ask)."""
        if notebook.stem not in self.pages:
            self.pages[notebook.stem] = self.open_and_run(notebook)
        return self.pages[notebook.stem]

    def open_and_run(self, notebook: Path) -> RunPage:
        """Open the notebook with ?reset, record console errors, check it is quiet, Run All."""
        page = self.browser.new_page(viewport={"width": 1280, "height": 720})
        run = RunPage(notebook, page)

        def record_console_error(message: ConsoleMessage) -> None:
            if message.type == "error":
                run.console_errors.append(message.text)

        def record_server_error(response: Response) -> None:
            if response.status >= 500:
                request = response.request
                run.failed_requests.append(f"{response.status} {request.method} {response.url}")

        page.on("console", record_console_error)
        page.on("response", record_server_error)
        page.on("pageerror", lambda error: run.console_errors.append(str(error)))
        try:
            # ?reset starts from an empty workspace, so only this notebook is open.
            url = f"{self.lab.url}/lab/tree/notebooks/{notebook.name}?reset&token={self.lab.token}"
            page.goto(url)
            idle = page.locator(f'{PANEL} .jp-Notebook-ExecutionIndicator[data-status="idle"]')
            expect(idle).to_be_visible(timeout=LAB_TIMEOUT_S * 1000)
            run.dialogs = quiet_problems(page)
            run_all_cells(page, code_cell_count(notebook))
            run.stderr = page.locator(f"{PANEL} {STDERR_OUTPUTS}").all_inner_texts()
        except Exception:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=ARTIFACTS / f"{notebook.stem}-run-failure.png")
            raise
        return run

    def close(self) -> None:
        """Close every page."""
        for run in self.pages.values():
            run.page.close()
