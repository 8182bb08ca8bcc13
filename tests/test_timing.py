"""Stated times against the floor of time computed from each notebook's content
(otslab.course.timing)."""

import re

import nbformat
import pytest

from conftest import NOTEBOOKS, REPO, session_plans
from otslab.course import timing

PATHS = sorted(NOTEBOOKS.glob("0*.ipynb"))
PADDING = 1.3
"""A stated lower bound more than 30 % (plus five minutes) above the floor hides what the notebook
asks; the upper bound may go higher, since most students take longer than the floor."""


def small_notebook(tmp_path, cells: list) -> object:
    """A notebook written from (kind, source[, tags]) triples."""
    nb = nbformat.v4.new_notebook()
    for kind, source, *tags in cells:
        make = nbformat.v4.new_markdown_cell if kind == "md" else nbformat.v4.new_code_cell
        cell = make(source)
        if tags:
            cell.metadata["tags"] = tags[0]
        nb.cells.append(cell)
    path = tmp_path / "09_small.ipynb"
    nbformat.write(nb, path)
    return path


def test_the_floor_adds_reading_tasks_views_outputs_and_what_follows(tmp_path) -> None:
    """Each thing a student meets adds its own minutes, in the part of the notebook it sits in."""
    words = " ".join(["word"] * 300)  # two minutes at 150 words a minute
    path = small_notebook(
        tmp_path,
        [
            (
                "md",
                "# 09 · Title\n\n**Estimated time:** 20-30 minutes for the core path "
                "(sections 1-2), 40-50 minutes with the exercises, self-check and discussion.",
            ),
            ("md", f"## 1. Read\n\n{words}"),
            ("code", "T = load_tables()"),
            ("code", "views.membership_explorer(T, 2012)"),
            ("code", "table_summary(T)"),
            ("md", "**Task 09.1** (★☆☆ easy · find · about 3 min). How many?", ["otslab-task"]),
            ("code", 'check("09.1", ...)', ["otslab-task"]),
            ("md", f"## 2. More (optional)\n\n{words}"),
            ("code", "term_explorer(T, terms)"),
            (
                "md",
                "## 6. Exercises\n\n**Exercise 1 (tweak).** Change it.\n\n"
                "**Exercise 2 (query).** Do it.",
            ),
            (
                "md",
                "**Task 09.ex2** (★★★ harder · write · about 9 min). Exercise 2: memo.",
                ["otslab-task"],
            ),
            ("code", 'question("Which?", ["a", "b"], answer="a", explanation=".")'),
            ("md", "## 8. Discussion prompts\n- One?\n- Two?\n\n## Key points\n- Not a prompt."),
        ],
    )
    found = timing.floor(path)
    core, optional, after = (found.parts[k] for k in ("core", "optional", "after"))
    assert (core.views, core.outputs, core.tasks) == (1, 1, {"09.1": 3})
    assert core.words > 300 and optional.words > 300 and optional.views == 1
    assert (after.exercises, after.questions, after.prompts) == (2, 1, 2)
    assert after.tasks == {"09.ex2": 9}
    reading = core.words / timing.READING_WPM
    assert found.core == pytest.approx(reading + 3 + timing.VIEW_MINUTES + timing.OUTPUT_MINUTES)
    # Exercise 2 counts its task's 9 minutes, exercise 1 the default five; a question, two prompts.
    expected_after = after.words / timing.READING_WPM + 9 + timing.EXERCISE_MINUTES + 1 + 2 * 3
    assert after.minutes == pytest.approx(expected_after)
    assert found.full == pytest.approx(found.core + optional.minutes + after.minutes)
    assert timing.stated_minutes(path) == (20, 30, 40, 50)
    assert set(found.sections) == {
        "header",
        "1. Read",
        "2. More (optional)",
        "6. Exercises",
        "8. Discussion prompts",
        "Key points",
    }


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_each_notebook_states_at_least_its_floor_of_time(path) -> None:
    """The header's core and full times start at the computed floor, and not far above it."""
    stated = timing.stated_minutes(path)
    assert stated, (
        f"{path.name}: the header states no '**Estimated time:** a-b minutes for the core path'"
    )
    core_low, core_high, full_low, full_high = stated
    found = timing.floor(path)
    for what, low, high, floor in [
        ("core path", core_low, core_high, found.core),
        ("everything", full_low, full_high, found.full),
    ]:
        advice = f"state {timing.suggested_range(floor)}"
        assert low >= floor, (
            f"{path.name}: {what} stated {low}-{high} min, below its floor {floor:.0f}: {advice}"
        )
        assert low <= floor * PADDING + 5, f"{path.name}: {what} {low} min is padded: {advice}"
        assert high >= low


def stated_times(path) -> dict[str, str]:
    """Each notebook's time as a course map states it (a table row per notebook)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
    rows = re.findall(r"^\| (0\d) \|.*\| (\d+-\d+ min \(\d+-\d+\))[^|]*\|$", text, flags=re.M)
    return dict(rows)


@pytest.mark.parametrize("place", ["README.md", "notebooks/00_start_here.ipynb"])
def test_the_course_maps_state_the_notebooks_own_times(place: str) -> None:
    """README's and notebook 00's course maps give each notebook the times its header states."""
    shown = stated_times(REPO / place)
    for path in PATHS:
        core_low, core_high, full_low, full_high = timing.stated_minutes(path)
        expected = f"{core_low}-{core_high} min ({full_low}-{full_high})"
        assert shown.get(path.name[:2]) == expected, f"{place}, notebook {path.name[:2]}"


def section_floor(notebook: str, first: int, last: int) -> float:
    """The floor of sections first..last of a notebook (with its header when first is 0 or 1)."""
    path = next(NOTEBOOKS.glob(f"{notebook}_*.ipynb"))
    total = 0.0
    for heading, part in timing.floor(path).sections.items():
        number = (
            0 if heading == "header" else int(heading.split(".")[0]) if heading[0].isdigit() else 99
        )
        if (first <= 1 and number == 0) or first <= number <= last:
            total += part.minutes
    return total


def test_every_plan_row_gives_its_sections_at_least_their_floor() -> None:
    """A plan row naming 'Notebook NN §a-§b' lasts as long as those sections take (that each plan
    fits its 90 minutes is test_content's test_every_session_plan_fits_its_90_minutes)."""
    guide = (NOTEBOOKS / "INSTRUCTOR_GUIDE.md").read_text(encoding="utf-8")
    checked = 0
    for session, plan in session_plans(guide).items():
        for start, end, _mark, activity in plan:
            match = re.search(r"Notebook (0\d) §(\d)(?:-§(\d))?", activity)
            if not match:
                continue
            notebook, first = match.group(1), int(match.group(2))
            last = int(match.group(3) or first)
            floor = section_floor(notebook, first, last)
            assert end - start >= floor, (
                f"{session}: notebook {notebook} §{first}-§{last} gets {end - start} min, "
                f"its floor is {floor:.0f}"
            )
            checked += 1
    assert checked >= 8, "the plans name too few notebook sections to check"
