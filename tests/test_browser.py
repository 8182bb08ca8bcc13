"""JupyterLab in headless Chromium: each notebook opens quietly, runs all, widgets respond."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile import make_hostile_copy
from playwright.sync_api import Browser, Dialog, Locator, Page, expect

from conftest import REPO, notebook_paths
from jupyterlab import (
    ARTIFACTS,
    LAB_TIMEOUT_S,
    PANEL,
    RUN_ALL_TIMEOUT_MS,
    STDERR_OUTPUTS,
    WIDGET_TIMEOUT_MS,
    Lab,
    LabPages,
    assert_quiet,
    code_cell_count,
    run_all_cells,
    running_lab,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def hostile_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """JupyterLab serving a copy of the course with script and HTML in every text field."""
    tmp = tmp_path_factory.mktemp("hostile-lab")
    make_hostile_copy(REPO, tmp / "course")
    with running_lab(tmp) as running:
        yield running




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


TALLEST_OUTPUT_PX = 1_500
"""No cell's output may be taller than this after Run All: about two screens of a laptop (the
tests' window is 1280 x 720). A longer table pages, folds under a summary, or sits behind a
chooser, so no student scrolls past thousands of pixels to reach the next task."""
OUTPUT_HEIGHTS = """panel => [...document.querySelectorAll(panel + ' .jp-CodeCell')].map(cell => {
    const area = cell.querySelector('.jp-Cell-outputArea');
    const code = cell.querySelector('.jp-InputArea-editor').innerText.trim().split('\\n');
    return [code[code.length - 1], area ? Math.round(area.getBoundingClientRect().height) : 0];
})"""
"""Each code cell's last line of code and the height of its outputs, in CSS pixels."""


@pytest.mark.parametrize("notebook", notebook_paths(), ids=lambda path: path.stem)
def test_no_output_is_taller_than_two_screens(lab_pages: LabPages, notebook: Path) -> None:
    """After Run All in JupyterLab, every cell's output is at most TALLEST_OUTPUT_PX tall (measured
    on the page the other browser tests share, before any view is driven)."""
    heights = lab_pages(notebook).page.evaluate(OUTPUT_HEIGHTS, PANEL)
    assert max(height for _code, height in heights) > 100, f"{notebook.name}: nothing measured"
    tall = [
        f"code cell {index}, `{code}`: {height} px"
        for index, (code, height) in enumerate(heights, start=1)
        if height > TALLEST_OUTPUT_PX
    ]
    assert not tall, f"{notebook.name}: outputs taller than {TALLEST_OUTPUT_PX} px:\n" + "\n".join(
        tall
    )


@pytest.mark.parametrize("notebook", notebook_paths(), ids=lambda path: path.stem)
def test_notebook_in_jupyterlab(lab_pages: LabPages, notebook: Path) -> None:
    """Opens with no dialog or pop-up, runs all without an error or warning, and every view
    answers a change of its first control (after the axe and keyboard tests read the page)."""
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"{notebook.stem}-failure.png").unlink(missing_ok=True)
    run = lab_pages(notebook)
    try:
        assert not run.dialogs, f"{notebook.name}: on opening, JupyterLab shows {run.dialogs}"
        assert not run.stderr, f"{notebook.name} shows errors or warnings:\n" + "\n".join(
            run.stderr
        )
        drive_every_view(run.page)
        assert_quiet(run.page)
        assert not run.console_errors, (
            f"browser console errors: {run.console_errors}\n"
            f"server errors: {run.failed_requests}\n"
            f"JupyterLab's log ends:\n{lab_pages.lab.log_tail()}"
        )
        run.page.screenshot(path=ARTIFACTS / f"{notebook.stem}.png")
    except Exception:
        run.page.screenshot(path=ARTIFACTS / f"{notebook.stem}-failure.png")
        raise


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
