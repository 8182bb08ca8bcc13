"""Checked tasks: answers judged against the data, kept in a work file, exported and graded.

A task is a short question at the end of a section. A *fact* task has one answer that the data
determine: `check("03.2", 5)` recomputes that answer from the tables and says right, wrong (with a
hint that points to the evidence), or "fill in the blank". An *open* task has no single answer:
`write("00.1", "...")` counts the words, lists what a good answer contains and unfolds a worked
model answer. Every answer (and every self-check choice, see `otslab.quiz`) is saved at once in
`my_work/answers.json` beside the notebooks, so it survives a kernel restart; `export_work` turns it
into one HTML page (and a PDF where Chromium is installed) to hand in, and `tools/grade.py`
regrades a folder of submitted notebooks or work files from the data into a CSV.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pandas as pd
from IPython.display import HTML

from otslab import alignments as al
from otslab import feasibility as fz
from otslab import network as nw
from otslab import sources as so
from otslab.data import Tables, load_tables
from otslab.markup import Markup, html, join, rendered

BLANK = ...
"""The placeholder in a task template: `check("00.3", ...)` means "not answered yet"."""

HEDGES = re.compile(
    r"\b(expect\w*|forecast\w*|predict\w*|likely|may|might|could|would|hope\w*|anticipat\w*|"
    r"plan\w*|propos\w*|according to|says?|said|argues?|claims?|believes?|envisag\w*|"
    r"foresee\w*|if)\b",
    re.I,
)
"""Words that attribute or hedge a statement about the future."""

CITATION = re.compile(
    r"\[\s*(?P<source>[SR]\d{3})(?:\s+(?P<verb>asserts|disputes|qualifies))?\s*[:,]?\s*"
    r"(?P<claim>C\d{3})?\s*\]"
)
"""A memo citation: [S004], [S004 C030] or [S004 asserts C030] (asserts/disputes/qualifies)."""


@dataclass(frozen=True)
class Task:
    """One task: its prompt, difficulty, and either a computed answer or a model answer."""

    task_id: str
    prompt: str
    level: int
    answer: Callable[[Tables], object] | None = None
    hint: str = ""
    model: str = ""
    good: tuple[str, ...] = ()
    words: tuple[int, int] = (20, 400)

    @property
    def notebook(self) -> str:
        """The notebook the task belongs to ('00' to '04')."""
        return self.task_id[:2]

    @property
    def is_open(self) -> bool:
        """True for a written task with a model answer instead of one right answer."""
        return self.answer is None


@dataclass(frozen=True)
class Verdict:
    """The outcome of a check ('right', 'wrong', 'blank', 'written') and what to tell."""

    result: str
    message: str


# ----------------------------------------------------------------------------------------------
# Answers computed from the data (the 'hidden tests' of the grader use the same functions).


def _year_of_most_events(T: Tables, first_year: int = 2009) -> int:
    dated = T.events.dropna(subset=["date_year"])
    counts = dated[dated["date_year"] >= first_year]["date_year"].astype(int).value_counts()
    return int(counts.sort_index().idxmax())


def _busiest_kind_since_2020(T: Tables) -> tuple[int, str]:
    year = _year_of_most_events(T, 2020)
    kinds = T.events[T.events["date_year"] == year]["kind"].value_counts()
    return year, str(kinds.index[0])


def _status(T: Tables, country: str, org: str, year: int) -> str:
    rows = al.statuses_as_of(T, year).query("country_id == @country and org_id == @org")
    return str(rows["status"].iloc[0]) if len(rows) else "none"


def _members_of(T: Tables, country: str, year: int) -> set[str]:
    rows = al.statuses_as_of(T, year).query("country_id == @country and status == 'member'")
    return set(rows["org_id"])


def _exercises(T: Tables) -> pd.DataFrame:
    return T.events[T.events["kind"] == "exercise"]


def _recorded_in(T: Tables, events: pd.DataFrame, country: str) -> set[str]:
    rows = T.event_participants.query("country_id == @country")
    return set(events["event_id"]) & set(rows["event_id"])


def _multilateral_without(T: Tables, country: str) -> set[str]:
    takers = T.event_participants[
        T.event_participants["event_id"].isin(_exercises(T)["event_id"])
        & T.event_participants["role"].isin(nw.TIE_ROLES)
    ]
    states = takers.groupby("event_id")["country_id"].apply(set)
    return set(states[(states.map(len) >= 3) & ~states.map(lambda s: country in s)].index)


def _top_partner(T: Tables, country: str) -> str:
    dyads = nw.dyad_table(T.events, T.event_participants)
    mine = dyads[(dyads["state_a"] == country) | (dyads["state_b"] == country)].copy()
    mine["partner"] = mine["state_b"].where(mine["state_a"] == country, mine["state_a"])
    best = mine.sort_values(["total", "partner"], ascending=[False, True])
    return str(best["partner"].iloc[0])


def _basing_ceiling_changes(T: Tables) -> set[str]:
    panel_clashes = fz.commitment_clashes(T) if hasattr(fz, "commitment_clashes") else None
    if panel_clashes is None:
        from otslab.feasibility_views import WeightPanel

        panel_clashes = WeightPanel(T).clashes
    states = fz.ots_states(T.countries, include_observers=True)
    weights = fz.default_weights(T.factors)
    based = T.scenarios.copy()
    based.loc[based["rung"] == based["rung"].max(), "requirements"] += ";foreign_basing"
    before = fz.ceilings(
        fz.readiness(fz.coefficients(T.scenarios, T.factors, panel_clashes, states), weights)
    )
    after = fz.ceilings(
        fz.readiness(fz.coefficients(based, T.factors, panel_clashes, states), weights)
    )
    return set(before.index[before != after.reindex(before.index)])


TASKS: dict[str, Task] = {
    t.task_id: t
    for t in [
        # 00 Start here
        Task(
            "00.1",
            "In one or two sentences: what is the 'Turkic NATO' question, and which states "
            "does it concern?",
            1,
            model=(
                "Whether the security cooperation among the members of the Organization of Turkic "
                "States (Azerbaijan, Kazakhstan, Kyrgyzstan, Türkiye, Uzbekistan; Hungary, "
                "Turkmenistan and Northern Cyprus as observers) is turning into a military "
                "alliance with a mutual-defence promise, or stays a network of agreements, "
                "exercises and statements."
            ),
            good=(
                "names the OTS and its members",
                "asks about a military alliance, not just cooperation",
                "keeps the question open rather than answering it",
            ),
            words=(15, 80),
        ),
        Task(
            "00.2",
            "Your alliance test: what would have to exist for you to call a group of states an "
            "alliance? Name two or three things you could check. (Notebook 04 brings it back.)",
            1,
            model=(
                "A signed treaty in force with a mutual-defence clause (an attack on one is an "
                "attack on all); a joint command or standing planning body; regular joint "
                "exercises under the group's own flag. Each can be checked in a source: a "
                "treaty text, an official page, a report of the exercise."
            ),
            good=(
                "two or three criteria",
                "each one checkable in a source",
                "separates a promise on paper from practice",
            ),
            words=(15, 120),
        ),
        Task(
            "00.3",
            "How many events does the record hold?",
            1,
            lambda T: len(T.events),
            hint="Look at the row 'events' of the table summary in section 3.",
        ),
        Task(
            "00.4",
            "Predict, then look: in which year since 2009 does the record hold the most events?",
            1,
            _year_of_most_events,
            hint="The tallest bar of the chart; the sentence under the chart names it.",
        ),
        Task(
            "00.5",
            "In the table browser, choose 'sources': how many of them are treaty texts "
            "(genre 'treaty text')?",
            2,
            lambda T: int((T.sources["genre"] == "treaty text").sum()),
            hint="Choose 'sources' and search for 'treaty text'; count the rows shown.",
        ),
        Task(
            "00.ex1",
            "Exercise 1: with first_year=2020, which year has the most events, and what is "
            "its most common kind? Answer as (year, 'kind').",
            1,
            _busiest_kind_since_2020,
            hint="The sentence under the chart names the busiest year and its most common kind.",
        ),
        Task(
            "00.ex2",
            "Exercise 2: what was Uzbekistan's status in the CSTO in 2010?",
            1,
            lambda T: _status(T, "UZB", "CSTO", 2010),
            hint="Table browser, 'memberships', search 'UZB': read the CSTO rows' start and end.",
        ),
        Task(
            "00.ex3",
            "Exercise 3: in how many events does the record place Türkiye (TUR)?",
            2,
            lambda T: len(_recorded_in(T, T.events, "TUR")),
            hint="Fill the blank in the template with 'TUR' and count the rows, or search 'TUR' in "
            "the browser's 'event_participants'.",
        ),
        # 01 Sources
        Task(
            "01.1",
            "How many of the five texts (S000-S004) state the country of their outlet?",
            1,
            lambda T: int(so.seed_sources(T.sources)["outlet_country_id"].notna().sum()),
            hint="The outlet column of the source overview in section 1.",
        ),
        Task(
            "01.2",
            "Which text uses the label 'Turkic NATO' most often (a raw count, whole text)? "
            "Give its id.",
            1,
            lambda T: str(
                T.term_counts.query("term == 'Turkic NATO'")
                .groupby("source_id")["count"]
                .sum()
                .idxmax()
            ),
            hint="The label table and grid of section 2: the 'Turkic NATO' row.",
        ),
        Task(
            "01.3",
            "Predict, then look: which text mentions NATO most often per 1,000 words "
            "(whole text)? Give its id.",
            2,
            lambda T: str(_rate(T, "NATO").idxmax()),
            hint="rate_comparison(T.term_counts, 'NATO') in section 3 gives the rates.",
        ),
        Task(
            "01.4",
            "How many claims rest on a single source?",
            2,
            lambda T: int(so.claim_support(T)["single_source"].sum()),
            hint="claim_support(T) in section 4: the 'single_source' column; the sentence under "
            "the bar chart gives the count.",
        ),
        Task(
            "01.5",
            "Explain in two or three sentences: whose perspective do the five texts hear only "
            "second-hand or not at all, and what could you read to fill that gap?",
            2,
            model=(
                "Going by the status table: in the five texts every Russian voice is second-hand "
                "(S003 relays Russian media), and Armenia is argued about (S001, S002) but never "
                "heard. The Turkmen and Hungarian voices, all from public reports, take no stance "
                "on a Turkic alliance. Public references fill part of the gap (Peskov and "
                "Pashinyan in their own words); a student could read an Armenian or Russian "
                "official statement, or a newspaper from that state."
            ),
            good=(
                "names a perspective from the status table",
                "says heard second-hand vs missing",
                "proposes a specific kind of source to read",
            ),
            words=(30, 150),
        ),
        # 02 Member alignments
        Task(
            "02.1",
            "As the data stand, of which organisations is Türkiye a full member? List the ids.",
            1,
            lambda T: _members_of(T, "TUR", al.current_year()),
            hint="Türkiye's column of the membership matrix: filled dots are full membership.",
        ),
        Task(
            "02.2",
            "Time travel: in which year was Uzbekistan's CSTO membership suspended?",
            1,
            lambda T: int(
                T.memberships.query(
                    "country_id == 'UZB' and org_id == 'CSTO' and status == 'suspended'"
                )["start_year"].iloc[0]
            ),
            hint="Move the year slider forward from 2006 until Uzbekistan's CSTO cell changes.",
        ),
        Task(
            "02.3",
            "Compare Kazakhstan and Uzbekistan as the data stand: in how many organisations are "
            "both full members?",
            2,
            lambda T: len(
                _members_of(T, "KAZ", al.current_year()) & _members_of(T, "UZB", al.current_year())
            ),
            hint="The side-by-side table of section 3: count organisations with 'member' twice.",
        ),
        Task(
            "02.4",
            "Predict, then look: which state's alignments are most like Türkiye's as the data "
            "stand (highest Jaccard similarity)? Give its id.",
            2,
            lambda T: _country_id(
                T, al.similarity_ranking(T, "TUR", al.current_year())["state"].iloc[0]
            ),
            hint="The ranking table in section 4: its first row.",
        ),
        Task(
            "02.5",
            "How many of Kazakhstan's commitments would clash with a collective-defence clause?",
            2,
            lambda T: len(al.cross_pressures(T, "KAZ")),
            hint="The Kazakhstan table in section 5: count its rows.",
        ),
        # 03 Agreements and exercises
        Task(
            "03.1",
            "How many events in the record are exercises?",
            1,
            lambda T: len(_exercises(T)),
            hint="Filter the timeline to the kind 'exercise' over all years, or count "
            "T.events['kind'] == 'exercise'.",
        ),
        Task(
            "03.2",
            "Predict, then look: how many exercises are dated 2024 or later?",
            1,
            lambda T: int((_exercises(T)["date_year"] >= 2024).sum()),
            hint="Timeline view: years 2024 onwards, kind 'exercise'; undated ones do not count.",
        ),
        Task(
            "03.3",
            "With which state does Türkiye share the most events? Give its id.",
            2,
            lambda T: _top_partner(T, "TUR"),
            hint="The dyad explorer of section 4 with Türkiye chosen: the top partner.",
        ),
        Task(
            "03.4",
            "How many of Türkiye's events are bilateral (Türkiye and one other state only)?",
            2,
            lambda T: int(
                nw.share_with(nw.dyad_table(T.events, T.event_participants), "TUR")[
                    "bilateral events"
                ]
            ),
            hint="The 'bilateral events' row of the share table in section 4.",
        ),
        Task(
            "03.5",
            "Has the record any exercise held under the OTS's own flag (framework 'OTS')? "
            "Answer 'yes' or 'no'.",
            1,
            lambda T: "yes" if (_exercises(T)["framework"] == "OTS").any() else "no",
            hint="The last table of section 5: exercises by framework.",
        ),
        Task(
            "03.ex1",
            "Exercise 1: in which exercises from 2024 onwards is Türkiye recorded (in any "
            "role)? List the ids.",
            1,
            lambda T: _recorded_in(T, _exercises(T)[_exercises(T)["date_year"] >= 2024], "TUR"),
            hint="Timeline view: 2024 onwards, kind 'exercise', state Türkiye; read the states and "
            "roles column (a state can be recorded as absent).",
        ),
        Task(
            "03.ex2",
            "Exercise 2: how many agreements are in force? (Counts of agreements, proposals "
            "and statements are in the solution.)",
            1,
            lambda T: int(
                ((T.events["kind"] == "agreement") & (T.events["status"] == "in force")).sum()
            ),
            hint="T.events.query(\"kind == 'agreement'\")['status'].value_counts()",
        ),
        Task(
            "03.ex3",
            "Exercise 3: which multilateral exercises (three or more states) are without "
            "Türkiye? List the ids.",
            2,
            lambda T: _multilateral_without(T, "TUR"),
            hint="Exercises with three or more participants (not absentees), none of them TUR.",
        ),
        # 04 Feasibility debate
        Task(
            "04.1",
            "What is the name of the top rung of the ladder?",
            1,
            lambda T: str(fz.ladder(T.scenarios)["name"].iloc[-1]),
            hint="The ladder table in section 1: its last row.",
        ),
        Task(
            "04.2",
            "Which argument (factor) has the most sources asserting it? Give its id.",
            2,
            lambda T: str(
                fz.factor_support(T.factors, T.claim_sources)
                .sort_values(["n_asserting", "factor_id"], ascending=[False, True])["factor_id"]
                .iloc[0]
            ),
            hint="factor_support in section 2: the 'n_asserting' column.",
        ),
        Task(
            "04.3",
            "Which commitments rule something out (effect 'rules out')? List the ids.",
            2,
            lambda T: set(T.commitments.query("effect == 'rules out'")["commitment_id"]),
            hint="The clash grid of section 3, or T.commitments.query(\"effect == 'rules out'\").",
        ),
        Task(
            "04.4",
            "Predict, then look: the model is a thinking tool. Write down what would have to "
            "change, in the weights or in the record, for every member to accept one rung higher.",
            2,
            model=(
                "Under the default weights the commitments that rule out or limit what the upper "
                "rungs require hold states back. Either those commitments weigh less (a narrow "
                "reading of CSTO Article 1, the Caspian convention not in force), or the drivers "
                "weigh more; or the record changes: a state leaves the CSTO, or a new treaty is "
                "signed. The sensitivity view names the smallest moves."
            ),
            good=(
                "names a weight or a commitment",
                "says in which direction it moves",
                "separates a change in the model from a change in the world",
            ),
            words=(25, 200),
        ),
        Task(
            "04.5",
            "Role play: write your state's opening line for the summit: the rung you support "
            "and one reason with its source id.",
            1,
            model=(
                "'Kazakhstan supports a joint OTS exercise (rung 2) but no mutual-defence "
                "clause: our CSTO obligations (R003, Article 1) come first.'"
            ),
            good=(
                "one rung named",
                "a reason with a source id",
                "spoken in the role, not as analyst",
            ),
            words=(10, 80),
        ),
        Task(
            "04.ex3",
            "Exercise 3: with foreign_basing added to the top rung, whose ceiling changes "
            "under the default weights? List the ids, or write 'none'.",
            2,
            _basing_ceiling_changes,
            hint="Compare the two ceiling columns of the solution's table row by row.",
        ),
        Task(
            "04.memo",
            "Exercise 4: a 150-word memo for one state. Cite sources and claims as "
            "[S004 asserts C030].",
            3,
            model=(
                "A good memo names one rung, gives two reasons from the role card (a commitment "
                "and an interest, each cited), names one risk with its source, and keeps facts, "
                "interpretations and forecasts apart: a forecast is attributed ('S004 expects')."
            ),
            good=(
                "one rung named",
                "two reasons, each cited",
                "one risk, cited",
                "forecasts attributed, not stated as fact",
            ),
            words=(120, 200),
        ),
        Task(
            "04.test",
            "Back to your alliance test from notebook 00: which of your criteria does the "
            "record meet, and which not? Name the rows.",
            2,
            model=(
                "Mutual-defence clause: yes on paper, between pairs (Shusha, E022) and as "
                "solidarity wording at Gabala, not a treaty of all members; joint command: "
                "none recorded; exercises under the OTS flag: none by the record's close (the "
                "exercises by framework table), only proposed for 2026 (a forecast)."
            ),
            good=(
                "each criterion from notebook 00 answered",
                "row ids as evidence",
                "forecasts kept apart from facts",
            ),
            words=(30, 250),
        ),
    ]
}
"""Every task of the course by id ('NN.k' for sections, 'NN.exK' for exercises)."""


def _rate(T: Tables, term: str) -> pd.Series:
    rows = T.term_counts.query("term == @term")
    totals = rows.groupby("source_id")[["count", "words"]].sum()
    return totals["count"] / totals["words"] * 1000


def _country_id(T: Tables, name: str) -> str:
    match = T.countries.loc[T.countries["name"] == name, "country_id"]
    return str(match.iloc[0]) if len(match) else name


# ----------------------------------------------------------------------------------------------
# Judging


def _normal(value: object) -> object:
    """An answer in a comparable form: ids upper-cased, text folded, collections as sets."""
    if isinstance(value, str):
        parts = [p for p in re.split(r"[,;\s]+", value.strip()) if p]
        if len(parts) > 1 and all(re.fullmatch(r"[A-Za-z]+\d*", p) for p in parts):
            return frozenset(p.upper() for p in parts)
        return value.strip().casefold()
    if isinstance(value, set | frozenset | list) and not (
        isinstance(value, list) and len(value) == 2 and isinstance(value[0], int)
    ):
        return frozenset(str(v).strip().upper() for v in value)
    if isinstance(value, tuple | list):
        return tuple(_normal(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _same(given: object, expected: object) -> bool:
    """True when a student's answer matches the computed one."""
    if isinstance(expected, set | frozenset):
        if not expected:
            return str(given).strip().casefold() in {"none", "nobody", "no one", "", "set()"} or (
                isinstance(given, set | frozenset | list | tuple) and not given
            )
        given_set = _normal(given)
        if isinstance(given_set, str):
            given_set = frozenset({given_set.upper()})
        return given_set == _normal(expected)
    if isinstance(expected, str):
        return str(given).strip().casefold() == expected.casefold()
    return _normal(given) == _normal(expected)


def _wrong_detail(given: object, expected: object) -> str:
    """What is wrong, computed from the data, without giving the answer away."""
    if isinstance(expected, set | frozenset) and expected:
        given_set = _normal(given)
        if isinstance(given_set, str):
            given_set = frozenset({given_set.upper()})
        if isinstance(given_set, frozenset):
            extra = sorted(given_set - _normal(expected))
            missing = len(_normal(expected) - given_set)
            parts = []
            if extra:
                parts.append(f"not right: {', '.join(extra)}")
            if missing:
                parts.append(f"{missing} missing")
            return "; ".join(parts) + "."
    if isinstance(expected, int) and isinstance(given, int | float):
        return "Too high." if given > expected else "Too low."
    return ""


def judge(task_id: str, answer: object, tables: Tables | None = None) -> Verdict:
    """Judge an answer to a task against the data (or count the words of a written one)."""
    task = _task(task_id)
    if answer is BLANK or answer is None or (isinstance(answer, str) and not answer.strip()):
        where = "write between the quotes" if task.is_open else "replace ... with your answer"
        return Verdict("blank", f"Not answered yet: {where}, then run the cell.")
    if task.is_open:
        count = len(str(answer).split())
        low, high = task.words
        advice = "" if low <= count <= high else f" Aim for {low}-{high} words."
        return Verdict("written", f"Saved: {count} words.{advice}")
    tables = tables if tables is not None else _tables()
    expected = task.answer(tables)
    if isinstance(answer, str):  # a state may be named instead of given by its id
        countries = tables.countries
        names = dict(zip(countries["name"].str.casefold(), countries["country_id"], strict=True))
        answer = names.get(answer.strip().casefold(), answer)
    if _same(answer, expected):
        return Verdict("right", "Right.")
    return Verdict(
        "wrong", f"Not yet. {_wrong_detail(answer, expected)} Hint: {task.hint}".replace("  ", " ")
    )


@cache
def _tables() -> Tables:
    return load_tables()


def _task(task_id: str) -> Task:
    if task_id not in TASKS:
        raise KeyError(f"no task {task_id!r}: the tasks are {', '.join(TASKS)}")
    return TASKS[task_id]


# ----------------------------------------------------------------------------------------------
# The work file


def work_file() -> Path:
    """Where the answers are kept: my_work/answers.json (OTSLAB_WORK names another folder)."""
    folder = os.environ.get("OTSLAB_WORK") or Path(__file__).resolve().parents[1] / "my_work"
    return Path(folder) / "answers.json"


def load_work(path: Path | None = None) -> dict:
    """The saved work: {'student': name, 'answers': {id: record}} (empty when nothing is saved)."""
    path = path or work_file()
    if not path.is_file():
        return {"student": "", "answers": {}}
    try:
        work = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: not a work file ({error.msg}, line {error.lineno})") from None
    if not isinstance(work, dict) or not isinstance(work.get("answers"), dict):
        raise ValueError(f"{path}: not a work file (no 'answers' object)")
    return work


def _save(update: Callable[[dict], None]) -> None:
    path = work_file()
    work = load_work(path)
    update(work)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(work, ensure_ascii=False, indent=1), encoding="utf-8")
    temporary.replace(path)


def record(key: str, entry: dict) -> None:
    """Save one answer (task or self-check) with the time, at once."""
    stamped = {**entry, "at": datetime.now(UTC).isoformat(timespec="seconds")}
    _save(lambda work: work["answers"].__setitem__(key, stamped))


def sign(name: str) -> HTML:
    """Put your name on your work (saved with your answers)."""
    if not name or name is BLANK or not str(name).strip():
        return rendered(html("<p>Write your name between the quotes, then run the cell.</p>"))
    _save(lambda work: work.__setitem__("student", str(name).strip()))
    return rendered(
        html("<p>Your work is saved as <b>{}</b>'s, in <code>{}</code>.</p>", name, work_file())
    )


# ----------------------------------------------------------------------------------------------
# What the student sees

_COLOURS = {"right": "#1b7837", "wrong": "#b35806", "blank": "#555", "written": "#2c5d8a"}
_STARS = {1: "★☆☆ easy", 2: "★★☆ medium", 3: "★★★ harder"}


def _feedback(task: Task, verdict: Verdict) -> Markup:
    parts = [
        html(
            '<p class="otslab-feedback" style="color:{}"><b>{}</b> {}</p>',
            _COLOURS[verdict.result],
            task.task_id,
            verdict.message,
        )
    ]
    if task.is_open and verdict.result == "written":
        parts.append(html("<p>A good answer: {}.</p>", "; ".join(task.good)))
        parts.append(
            html(
                "<details><summary>A model answer (after you have written yours)</summary>"
                "<p>{}</p></details>",
                task.model,
            )
        )
    return join(parts)


def check(task_id: str, answer: object = BLANK) -> HTML:
    """Check an answer against the data, show right/wrong/hint, and save it."""
    task = _task(task_id)
    verdict = judge(task_id, answer)
    if verdict.result != "blank":
        record(task_id, {"answer": _jsonable(answer), "result": verdict.result, "checked": True})
    return rendered(_feedback(task, verdict))


def write(task_id: str, text: str = "") -> HTML:
    """Save a written answer, count its words, and unfold what a good answer contains."""
    task = _task(task_id)
    if not task.is_open:
        raise ValueError(f"task {task_id} has one right answer: use check({task_id!r}, ...)")
    verdict = judge(task_id, text)
    parts = [_feedback(task, verdict)]
    if verdict.result != "blank":
        record(
            task_id,
            {
                "answer": str(text).strip(),
                "result": "written",
                "checked": False,
                "words": len(str(text).split()),
            },
        )
        if task_id == "04.memo":
            parts.append(citations_html(cite_check(_tables(), str(text))))
    return rendered(join(parts))


def earlier(task_id: str) -> HTML:
    """Show an answer saved earlier (e.g. the alliance test of notebook 00) or say there is none."""
    entry = load_work()["answers"].get(task_id)
    if not entry:
        return rendered(
            html("<p>No saved answer to {} yet: write it in its notebook first.</p>", task_id)
        )
    return rendered(
        html(
            "<blockquote><p>{}</p></blockquote><p><i>Saved {}.</i></p>",
            entry["answer"],
            entry["at"],
        )
    )


def _jsonable(value: object) -> object:
    if isinstance(value, set | frozenset):
        return sorted(str(v) for v in value)
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, int | float | str | list | bool):
        return value
    return str(value)


# ----------------------------------------------------------------------------------------------
# Citations that check themselves


def cite_check(T: Tables, text: str) -> pd.DataFrame:
    """Each citation in a memo against claim_sources: does the source carry the claim as you say?"""
    rows = []
    sentences = re.split(r"(?<=[.!?])\s+", text)
    stances = T.claim_sources.set_index(["source_id", "claim_id"])["stance"]
    types = T.claims.set_index("claim_id")["claim_type"].astype(str)
    for sentence in sentences:
        for found in CITATION.finditer(sentence):
            source, verb, claim = found["source"], found["verb"], found["claim"]
            cited = found.group(0)
            if source not in set(T.sources["source_id"]):
                rows.append((cited, "no such source", f"{source} is not in sources.csv."))
                continue
            if not claim:
                rows.append(
                    (
                        cited,
                        "source only",
                        f"{source} exists; name a claim (e.g. [{source} C001]) "
                        "to have the attribution checked.",
                    )
                )
                continue
            if claim not in types.index:
                rows.append((cited, "no such claim", f"{claim} is not in claims.csv."))
                continue
            stance = stances.get((source, claim))
            if stance is None:
                carriers = sorted(T.claim_sources.query("claim_id == @claim")["source_id"])
                rows.append(
                    (
                        cited,
                        "not in this source",
                        f"{source} does not carry {claim}; it is carried by {', '.join(carriers)}.",
                    )
                )
                continue
            if verb and verb != stance:
                rows.append(
                    (
                        cited,
                        "wrong stance",
                        f"{source} {stance} {claim}, it does not {verb[:-1]} it.",
                    )
                )
            else:
                rows.append((cited, "ok", f"{source} {stance} {claim}."))
            if types[claim] == "forecast" and not HEDGES.search(HEDGES.sub("", "") or sentence):
                rows.append(
                    (
                        cited,
                        "forecast as fact",
                        f"{claim} is a forecast: attribute or hedge it ('{source} expects ...').",
                    )
                )
    return pd.DataFrame(rows, columns=["citation", "verdict", "what the data say"])


def citations_html(table: pd.DataFrame) -> Markup:
    """The citation check as an HTML list."""
    if table.empty:
        return html("<p>No citations found: cite as [S004 asserts C030] or [S004 C030].</p>")
    items = join(
        html("<li><code>{}</code>: <b>{}</b>. {}</li>", *row)
        for row in table.itertuples(index=False)
    )
    return html("<p>Your citations, checked against claim_sources:</p><ul>{}</ul>", items)


# ----------------------------------------------------------------------------------------------
# Handing in and grading


def export_work(name: str | None = None, folder: Path | None = None, pdf: bool = True) -> Path:
    """Write your work as one HTML page (and a PDF where Chromium is installed); return the page."""
    work = load_work()
    student = (name or work.get("student") or "").strip()
    if not student:
        raise ValueError("no name on the work: run sign('Your Name') first, or pass name=")
    folder = folder or work_file().parent
    folder.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^\w-]+", "_", student).strip("_") or "student"
    page = folder / f"{slug}_work.html"
    page.write_text(str(work_html(student, work)), encoding="utf-8")
    if pdf:
        _print_pdf(page)
    return page


def hand_in(pdf: bool = True) -> HTML:
    """Export your work (see export_work) and say where the page is, or what is missing."""
    if not load_work().get("student"):
        return rendered(html('<p>Put your name on your work first: run sign("Your Name").</p>'))
    page = export_work(pdf=pdf)
    printed = page.with_suffix(".pdf")
    also = html(" and <code>{}</code>", printed) if pdf and printed.is_file() else ""
    return rendered(
        html("<p>Your work is in <code>{}</code>{}: download it and hand it in.</p>", page, also)
    )


def work_html(student: str, work: dict) -> Markup:
    """A student's work as a standalone HTML page: name, date, every answer, checked or not."""
    answers = work["answers"]
    rows = []
    for task in TASKS.values():
        entry = answers.get(task.task_id)
        if entry is None:
            status, shown = "not answered", ""
        elif task.is_open:
            status, shown = (
                f"written, {entry.get('words', 0)} words (read by the teacher)",
                entry["answer"],
            )
        else:
            status = f"checked: {entry['result']}"
            shown = json.dumps(entry["answer"], ensure_ascii=False)
        rows.append(
            html(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                task.task_id,
                _STARS[task.level],
                task.prompt,
                shown,
                status,
            )
        )
    checks = [
        html(
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            entry.get("prompt", key),
            entry.get("answer", ""),
            entry.get("result", ""),
        )
        for key, entry in answers.items()
        if key.startswith("q-")
    ]
    today = datetime.now(UTC).date().isoformat()
    return html(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Work of {}</title>'
        "<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}"
        "td,th{{border:1px solid #999;padding:4px;vertical-align:top;white-space:pre-wrap}}"
        "table{{border-collapse:collapse}}</style>"
        "</head><body><h1>Is a Turkic NATO taking shape? Work of {}</h1><p>Exported on {}.</p>"
        "<h2>Tasks and exercises</h2><table><tr><th>task</th><th>level</th><th>question</th>"
        "<th>answer</th><th>checked?</th></tr>{}</table><h2>Self-check questions</h2><table><tr>"
        "<th>question</th><th>answer</th><th>result</th></tr>{}</table></body></html>",
        student,
        student,
        today,
        join(rows),
        join(checks),
    )


def _print_pdf(page: Path) -> Path | None:
    browser = (
        shutil.which("chromium")
        or shutil.which("chromium-browser")
        or shutil.which("google-chrome")
    )
    if not browser:
        return None
    target = page.with_suffix(".pdf")
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--print-to-pdf={target}",
            page.resolve().as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return target


def answers_in_notebook(path: Path) -> dict:
    """The name and answers a notebook's cells give to sign/check/write (read, never run)."""
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    work: dict = {"student": "", "answers": {}}
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args):
                continue
            try:
                args = [ast.literal_eval(a) for a in node.args]
            except ValueError:
                continue
            if node.func.id == "sign" and isinstance(args[0], str):
                work["student"] = args[0]
            elif node.func.id in {"check", "write"} and args[0] in TASKS and len(args) > 1:
                work["answers"][args[0]] = {"answer": args[1]}
    return work


def grade(work: dict, tables: Tables) -> dict[str, str]:
    """Regrade a student's work from the data: each task right, wrong, blank or written."""
    results = {}
    for task_id in TASKS:
        entry = work["answers"].get(task_id)
        answer = BLANK if entry is None else entry["answer"]
        if isinstance(answer, list) and task_id == "00.ex1":
            answer = tuple(answer)
        verdict = judge(task_id, answer, tables)
        results[task_id] = (
            f"written ({len(str(answer).split())} words)"
            if verdict.result == "written"
            else verdict.result
        )
    return results
