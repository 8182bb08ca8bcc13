"""Accessibility (WCAG 2.1 AA): colour contrast, details without hovering, and axe-core in Chromium.

axe-core (pinned through axe-playwright-python) audits every notebook in JupyterLab after Run All
and every page of the website; a keyboard-only walk tabs to a control in each notebook, changes
it, and reads the view's new text summary. Violations in JupyterLab's own interface (not in our
notebooks' cells) are recorded in test-artifacts/ and explained in the README, not counted.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import grid_cells
import pytest
import seaborn as sns
from matplotlib import colormaps
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from conftest import notebook_paths
from jupyterlab import (
    ARTIFACTS,
    PANEL,
    WIDGET_TIMEOUT_MS,
    LabPages,
)
from otslab.views import alignments as alignments_views
from otslab.views import feasibility as feasibility_views
from otslab.views import network as network_views
from otslab.views import plots, timeline
from otslab.views import readiness as model_views
from otslab.views.sources import HEATMAP_CMAP
from otslab.views.widgets import CheckList, shown_text

WHITE, BLACK = (1.0, 1.0, 1.0), (0.0, 0.0, 0.0)
AA_TEXT = 4.5
IMPACTS = {"serious", "critical"}


def rgb(css: str) -> tuple[float, float, float]:
    """A '#rrggbb' or '#rgb' CSS colour as an RGB tuple (0-1)."""
    digits = css.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return tuple(int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4))


# --- contrast ------------------------------------------------------------------------------------


def test_contrast_ratio_matches_the_wcag_reference_values() -> None:
    """Black on white is 21:1, a colour on itself 1:1, WCAG's #767676 on white just over 4.5."""
    assert plots.contrast_ratio(BLACK, WHITE) == pytest.approx(21.0)
    assert plots.contrast_ratio(rgb("#777777"), rgb("#777777")) == pytest.approx(1.0)
    assert plots.contrast_ratio(rgb("#767676"), WHITE) == pytest.approx(4.54, abs=0.01)
    assert plots.contrast_ratio(rgb("#777777"), WHITE) < AA_TEXT


FILLS = {
    "membership status": list(alignments_views.STATUS_COLOURS.values()),
    "effect": list(alignments_views.EFFECT_COLOURS.values()),
    "framework": list(timeline.framework_colours([f"f{i}" for i in range(10)]).values()),
    "palette": sns.color_palette(plots.PALETTE, 10),
    "dyad blues": [sns.color_palette("Blues", as_cmap=True)(x / 10) for x in range(11)],
    "term heatmap": [sns.color_palette(HEATMAP_CMAP, as_cmap=True)(x / 10) for x in range(11)],
    "readiness": [
        colormaps[model_views.READINESS_CMAP](x / 10) for x in range(11)
    ],
    "similarity": [colormaps[alignments_views.SIMILARITY_CMAP](x / 20) for x in range(21)],
    "no evidence grey": [rgb("#e6e6e6")],
    "record green": [rgb(model_views.RECORD_COLOUR)],
}
"""Every colour a grid cell, chip or legend fills with text written on it."""


@pytest.mark.parametrize("name", list(FILLS))
def test_text_on_every_fill_colour_reaches_aa(name: str) -> None:
    """The ink the grids write on each fill (black or white, chosen by ink_on) is at least 4.5:1."""
    for colour in FILLS[name]:
        ink = rgb(plots.ink_on(colour))
        ratio = plots.contrast_ratio(ink, colour)
        assert ratio >= AA_TEXT, f"{name}: {plots.css_colour(colour)} with {ink}: {ratio:.2f}"


def test_our_own_text_colours_reach_aa_on_white() -> None:
    """Greys used for hints, notes and captions, and the ladder's new/kept cells, read at AA."""
    for grey in ("#555", "#555555", "#333"):
        assert plots.contrast_ratio(rgb(grey), WHITE) >= AA_TEXT
    blue = sns.color_palette(plots.PALETTE)[0]
    assert plots.contrast_ratio(WHITE, blue) >= AA_TEXT  # "new" on the full fill
    kept = tuple(0.35 * c + 0.65 for c in blue)  # 35 % of the blue over white
    assert plots.contrast_ratio(BLACK, kept) >= AA_TEXT


# --- details without hovering, and no meaning by colour alone -------------------------------



def test_every_grid_cell_with_details_opens_them_and_reads_as_a_table(T) -> None:
    """Each grid's cells open a panel (native <details>, no title-only tooltip) and the folded
    table reading lists the same details, cell by cell."""
    grids = {
        "membership": alignments_views.membership_grid(T, 2013).data,
        "cross-pressure": alignments_views.cross_pressure_html(T).data,
        "timeline": shown_text(timeline.timeline_explorer(T).children[-1]),
        "dyads": shown_text(network_views.dyad_explorer(T).children[-1]),
    }
    for name, html in grids.items():
        opened = grid_cells.panels(html)
        assert opened, name
        assert html.count("Show as a table") == 1, name
        table = html.split("Show as a table")[1]
        for _shown, panel in opened:
            assert panel in table, f"{name}: {panel[:60]} missing from the table reading"
        assert not re.search(r"<t[dh][^>]* title=", html), f"{name}: a tooltip-only cell"
        assert 'aria-live="polite"' in html, name


def test_clash_and_ladder_grids_say_in_words_what_colour_shows(T) -> None:
    """Clash cells carry an effect mark, ladder cells 'new' or 'kept': colour is never alone."""
    fv = feasibility_views
    states = fv.fz.ots_states(T.countries, include_observers=True)
    codes = list(fv.fz.requirement_meanings())
    clashes = fv.fz.model(T)[0]
    html = fv.clash_grid_html(clashes, states, codes, fv.state_names(T.countries)).data
    cells = grid_cells.cells(html, "data-cell")
    marks = set(feasibility_views.EFFECT_MARKS.values())
    filled = [text for _k, _a, text, _p in cells if text]
    assert filled and all(text.split()[-1] in marks for text in filled)
    ladder = fv.ladder_html(T.scenarios, codes).data
    levels = re.findall(r"data-level='(\d)'[^>]*>([^<]*)</td>", ladder)
    assert levels and all({"0": "", "1": "kept", "2": "new"}[lv] == word for lv, word in levels)


def test_checklist_is_a_multi_choice_without_ctrl_click() -> None:
    """A labelled list of checkboxes: ticking and unticking change the value, and back."""
    chosen = CheckList([("NATO", "N"), ("CSTO", "C")], value=("N",), description="Shown")
    label, boxes = chosen.children
    assert label.value == "Shown" and [b.description for b in boxes.children] == ["NATO", "CSTO"]
    boxes.children[1].value = True
    assert chosen.value == ("N", "C")
    chosen.value = ()
    assert not any(b.value for b in boxes.children)


def test_static_figures_carry_their_description_as_alt_text(monkeypatch) -> None:
    """show() emits the figure as an SVG <img> whose alt is the description (escaped), and the
    description again as a line under it."""
    shown = []
    monkeypatch.setattr(plots, "display", shown.append)
    fig = plots.new_figure(2, 1)
    fig.subplots().set_title("$x$ <b>")
    plots.show(fig, 'Bars of "events" <by> year')
    (output,) = shown
    html = output.data
    assert '<img src="data:image/svg+xml;base64,' in html
    assert 'alt="Bars of &#34;events&#34; &lt;by&gt; year"' in html
    assert "<i>Figure description:</i> Bars of &#34;events&#34; &lt;by&gt; year</p>" in html
    svg = base64.b64decode(html.split("base64,")[1].split('"')[0]).decode("utf-8")
    assert "$x$ &lt;b&gt;" in svg  # the title as text, not as math or markup


# --- axe-core and the keyboard in Chromium --------------------------------------------------

OURS = """target => {
    const el = document.querySelector(target);
    return !!(el && el.closest('.jp-OutputArea-output, .jp-MarkdownOutput'));
}"""
"""True when a node axe flags lies in a cell's rendered Markdown or output: our content."""

def axe_violations(page: Page, context: object = None) -> list[dict]:
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the page; return its violations."""
    from axe_playwright_python.sync_playwright import Axe

    options = {
        "resultTypes": ["violations"],
        "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    }
    return Axe().run(page, context=context, options=options).response["violations"]


def split_ours(page: Page, violations: list[dict]) -> dict[str, list[str]]:
    """Serious or critical violations, as 'rule (impact): target', in our cells ('ours', which
    counts ipywidgets' controls in our views too) and in JupyterLab's UI ('jupyterlab')."""
    found: dict[str, list[str]] = {"ours": [], "jupyterlab": []}
    for violation in violations:
        if violation["impact"] not in IMPACTS:
            continue
        rule = violation["id"]
        for node in violation["nodes"]:
            target = node["target"][0] if isinstance(node["target"][0], str) else ""
            if target and page.evaluate(OURS, target):
                where = "ours"
            else:
                where = "jupyterlab"
            found[where].append(f"{rule} ({violation['impact']}): {target}")
    return found


@pytest.mark.browser
@pytest.mark.parametrize("notebook", notebook_paths(), ids=lambda path: path.stem)
def test_axe_finds_no_serious_violation_in_a_run_notebook(
    lab_pages: LabPages, notebook: Path
) -> None:
    """After Run All, axe-core finds no serious or critical WCAG A/AA violation in our cells."""
    ARTIFACTS.mkdir(exist_ok=True)
    page = lab_pages(notebook).page
    found = split_ours(page, axe_violations(page))
    (ARTIFACTS / f"axe-{notebook.stem}.json").write_text(json.dumps(found, indent=1))
    ours = found["ours"]
    assert not ours, f"{notebook.name}: axe violations in our content:\n" + "\n".join(ours)


SUMMARY = ".otslab-output [aria-live='polite']"
"""A view's text summary: its description, its hint, or the caption of what it shows."""
KEYS = {
    "checkbox": ["Space"],
    "select-one": ["Alt+ArrowDown", "ArrowDown", "Enter"],
    "slider": ["End"],
}
"""Keys that change a focused control. A dropdown opens its list with Alt+ArrowDown: a plain
ArrowDown is taken by JupyterLab's command mode (it moves to the next cell; see the README)."""
FOCUSED_CONTROL = """cell => {
    const el = document.activeElement;
    if (!el || !cell.contains(el)) return '';
    if (el.classList.contains('noUi-handle')) return 'slider';
    return el.tagName === 'SELECT' ? el.type : (el.type || '');
}"""


def keyboard_view(page: Page):
    """The first view of the notebook whose output has a live summary: the cell's locator."""
    views = page.locator(f".widget-output {SUMMARY}")
    cells = page.locator(f"{PANEL} .jp-CodeCell").filter(has=views)
    return cells.first if cells.count() else None


@pytest.mark.browser
@pytest.mark.parametrize("notebook", notebook_paths(), ids=lambda path: path.stem)
def test_keyboard_alone_changes_a_view_and_its_summary_follows(
    lab_pages: LabPages, notebook: Path
) -> None:
    """From the cell, Tab reaches a control; a key changes it; the live summary changes."""
    page = lab_pages(notebook).page
    cell = keyboard_view(page)
    assert cell is not None, f"{notebook.name}: no view has a live text summary"
    cell.scroll_into_view_if_needed()
    summary = cell.locator(SUMMARY).first
    expect(summary).not_to_be_empty(timeout=WIDGET_TIMEOUT_MS)
    before = summary.inner_text()
    # Start just before the view's controls, as a student tabbing down the page would.
    cell.locator(".jp-OutputArea").first.evaluate(
        "el => { el.setAttribute('tabindex', '-1'); el.focus(); }"
    )
    kind = ""
    for _ in range(40):
        page.keyboard.press("Tab")
        kind = cell.evaluate(FOCUSED_CONTROL)
        if kind in KEYS:
            break
    assert kind in KEYS, f"{notebook.name}: Tab never reached a control of the view"
    for _ in range(5):  # a control may take a few presses to change the summary
        for key in KEYS[kind]:
            page.keyboard.press(key)
        try:
            expect(summary).not_to_have_text(before, timeout=3_000)
            break
        except AssertionError:
            page.keyboard.press("Tab")
            kind = cell.evaluate(FOCUSED_CONTROL) or kind
    expect(cell.locator(SUMMARY).first).not_to_have_text(before, timeout=WIDGET_TIMEOUT_MS)
    page.screenshot(path=ARTIFACTS / f"keyboard-{notebook.stem}.png")


TAB_STOPS_SET = """() => [...document.querySelectorAll("pre")].every((el) =>
    (el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight)
    === (el.tabIndex === 0))"""
"""The theme gives every code block that scrolls a tab stop, 300 ms after the page last changed
(the widgets draw, the site's script adds its notes): a reader arrives later than that."""


@pytest.mark.slow
@pytest.mark.browser
def test_axe_finds_no_serious_violation_on_any_page_of_the_website(site, browser: Browser) -> None:
    """Every page of the built site (make html), at 1280x720 and 400 px wide: axe-core finds no
    serious or critical WCAG A/AA violation, ipywidgets' controls included."""
    from build_html import serve

    ARTIFACTS.mkdir(exist_ok=True)
    found: dict[str, list[str]] = {}
    problems = []
    # The module's Chromium (one Playwright per test session: a second one cannot start inside it).
    with serve(site.html) as base:
        try:
            for width, height in ((1280, 720), (400, 800)):
                tab = browser.new_page(viewport={"width": width, "height": height})
                for page in site.pages():
                    name = f"{page.relative_to(site.html)} at {width} px"
                    tab.goto(f"{base}/{page.relative_to(site.html)}", wait_until="networkidle")
                    try:
                        tab.wait_for_function(TAB_STOPS_SET, timeout=5_000)
                    except PlaywrightTimeout:
                        pass  # axe names every code block still missing its tab stop
                    for violation in axe_violations(tab):
                        if violation["impact"] not in IMPACTS:
                            continue
                        for node in violation["nodes"]:
                            target = node["target"][0]
                            line = f"{violation['id']} ({violation['impact']}): {target}"
                            found.setdefault(name, []).append(line)
                            problems.append(f"{name}: {line}")
                    if width == 400 and "02_member" in name:
                        tab.screenshot(path=ARTIFACTS / "site-02-400px.png", full_page=False)
                tab.close()
        finally:
            (ARTIFACTS / "axe-website.json").write_text(json.dumps(found, indent=1))
    assert not problems, "\n".join(problems[:40])
