"""How long a notebook takes: a floor of time computed from what the notebook holds.

The floor adds up what a student cannot skip on each path through a notebook:
- reading its prose (every markdown cell, task cells included) at READING_WPM words a minute;
- each task's own estimate (the "about N min" of its task cell);
- exploring each view (a code cell that ends in a call to a `*_explorer`, `*_viewer`, `*_view`
  or `*_browser`), and reading each other output (a table or a figure);
- after the sections: each exercise, each self-check question and each discussion prompt.

READING_WPM is 150. Adults reading non-fiction in their first language read English at about
240 words a minute (Brysbaert 2019, a meta-analysis of 190 studies); readers of English as a
second language at university level read at roughly 60-75 % of that speed, and the course's
prose is dense, full of ids, acronyms and names, which slows any reader. 150 is also the lower
end of the range the teaching review of December 2026 measured against (150-180).

The notebook states its time in its header ("**Estimated time:** 40-50 minutes for the core
path ..., 60-75 minutes with the exercises, self-check and discussion"); `stated_minutes` reads
it, and the tests hold it against `floor`: the stated lower bound must not be below the floor.
A heading that ends in "(optional)" marks its part as optional: it counts in the full time, not
in the core path.
"""

from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

READING_WPM = 150
"""Words a minute of a student reading dense English prose as a second language."""
VIEW_MINUTES = 4
"""Exploring one view: change two or three controls and read what redraws."""
OUTPUT_MINUTES = 1
"""Reading one static table or figure."""
EXERCISE_MINUTES = 5
"""One exercise of section 6 (or its task's own estimate, if longer)."""
QUESTION_MINUTES = 1
"""One self-check question."""
PROMPT_MINUTES = 3
"""Thinking through one discussion prompt (self-study) or a short class exchange."""

TASK_MINUTES = re.compile(r"^\*\*Task (\d\d\.\w+)\*\* \([^)]*?about (\d+) min\)")
VIEW_CALL = re.compile(r"(?:\w+\.)*\w+(?:_explorer|_viewer|_view|_browser)\(")
STATED = re.compile(
    r"\*\*Estimated time:\*\*.*?(\d+)-(\d+)\s+minutes\s+for\s+the\s+core\s+path.*?"
    r"(\d+)-(\d+)\s+minutes\s+with\s+the\s+exercises",
    re.S,
)
WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


@dataclass
class Part:
    """What one part of a notebook (core, optional, after the sections) asks of a student."""

    words: int = 0
    tasks: dict[str, int] = field(default_factory=dict)
    views: int = 0
    outputs: int = 0
    exercises: int = 0
    questions: int = 0
    prompts: int = 0

    @property
    def minutes(self) -> float:
        """The floor of time for this part, in minutes."""
        exercise_tasks = {k: v for k, v in self.tasks.items() if ".ex" in k or k.endswith("memo")}
        other_tasks = sum(v for k, v in self.tasks.items() if k not in exercise_tasks)
        longest = sorted(exercise_tasks.values(), reverse=True)[: self.exercises]
        exercises = sum(max(EXERCISE_MINUTES, m) for m in longest)
        exercises += EXERCISE_MINUTES * max(0, self.exercises - len(longest))
        return (
            self.words / READING_WPM
            + other_tasks
            + exercises
            + VIEW_MINUTES * self.views
            + OUTPUT_MINUTES * self.outputs
            + QUESTION_MINUTES * self.questions
            + PROMPT_MINUTES * self.prompts
        )


@dataclass(frozen=True)
class Floor:
    """A notebook's floor of time: the core path, and everything (core, optional, after)."""

    core: float
    full: float
    parts: dict[str, Part]
    sections: dict[str, Part]


def prose_words(markdown: str) -> int:
    """Words a reader reads in a markdown cell (tags and link targets left out)."""
    text = re.sub(r"<[^>]+>", " ", markdown)
    text = re.sub(r"\]\([^)]*\)", "] ", text)
    return len(WORD.findall(text))


def _last_statement(source: str) -> ast.stmt | None:
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return None
    return body[-1] if body else None


def _part_of(heading: str, current: str) -> str:
    """The part a heading opens: 'after' from section 6 on, 'optional' if marked, else core."""
    if re.match(r"## (?:[6-9]|\d\d)\. |## (?:Key points|Where to go next|Sources)", heading):
        return "after"
    if current == "after" and heading.startswith("### "):
        return "after"
    return "optional" if heading.rstrip().endswith("(optional)") else "core"


def floor(path: str | Path) -> Floor:
    """The floor of time of one notebook, computed from its cells."""
    cells = nbformat.read(str(path), as_version=4).cells
    parts = {name: Part() for name in ("core", "optional", "after")}
    sections: dict[str, Part] = {"header": Part()}
    part, level_part, section = "core", {2: "core"}, "header"
    in_discussion = False

    def add(attr: str, value: int) -> None:
        for target in (parts[part], sections[section]):
            setattr(target, attr, getattr(target, attr) + value)

    for cell in cells:
        source = cell.source
        if cell.cell_type == "markdown":
            for line in source.splitlines():
                if match := re.match(r"(#{2,3}) ", line):
                    level = len(match.group(1))
                    parent = level_part.get(2, "core") if level == 3 else "core"
                    part = _part_of(line, parent)
                    if level == 3 and parent != "core" and part == "core":
                        part = parent
                    level_part[level] = part
                    if level == 2:
                        section = line[3:].strip()
                        sections[section] = Part()
                    in_discussion = line.startswith("## ") and "Discussion" in line
                elif in_discussion and line.startswith("- "):
                    add("prompts", 1)
            if task := TASK_MINUTES.match(source):
                for target in (parts[part], sections[section]):
                    target.tasks[task.group(1)] = int(task.group(2))
            add("words", prose_words(source))
            add("exercises", len(re.findall(r"^\*\*Exercise \d+ ", source, flags=re.M)))
            continue
        if cell.cell_type != "code" or "otslab-task" in cell.metadata.get("tags", []):
            continue
        last = _last_statement(source)
        if isinstance(last, ast.Expr) and isinstance(last.value, ast.Call):
            call = ast.get_source_segment(source, last.value) or ""
            if call.startswith(("ask(", "question(")):
                add("questions", 1)
            elif VIEW_CALL.match(call):
                add("views", 1)
            else:
                add("outputs", 1)
        elif isinstance(last, ast.Expr):
            add("outputs", 1)
    core = parts["core"].minutes
    full = core + parts["optional"].minutes + parts["after"].minutes
    return Floor(core=core, full=full, parts=parts, sections=sections)


def stated_minutes(path: str | Path) -> tuple[int, int, int, int] | None:
    """The times a notebook's header states: (core low, core high, full low, full high)."""
    header = nbformat.read(str(path), as_version=4).cells[0].source
    match = STATED.search(header)
    return tuple(int(g) for g in match.groups()) if match else None  # type: ignore[return-value]


def suggested_range(minutes: float) -> tuple[int, int]:
    """A range to state for a floor: from the floor rounded up to 5 to 30 % above the floor."""
    return 5 * math.ceil(minutes / 5), 5 * math.ceil(minutes * 1.3 / 5)


def timing_table(paths: list[Path]) -> list[dict[str, object]]:
    """One row per notebook: its floors, what it states, and the parts they are made of."""
    rows = []
    for path in paths:
        found = floor(path)
        core, after, optional = (found.parts[k] for k in ("core", "after", "optional"))
        rows.append(
            {
                "notebook": path.stem,
                "core floor": round(found.core),
                "full floor": round(found.full),
                "stated": stated_minutes(path),
                "words (core/optional/after)": (core.words, optional.words, after.words),
                "task minutes": sum(
                    p for part in found.parts.values() for p in part.tasks.values()
                ),
                "views": sum(part.views for part in found.parts.values()),
                "outputs": sum(part.outputs for part in found.parts.values()),
                "exercises": after.exercises,
                "questions": after.questions,
                "prompts": after.prompts,
            }
        )
    return rows
