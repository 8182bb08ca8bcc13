"""The task bank and the one judge of an answer: every task, with its answer computed from the data.

`judge` is the one judge: the notebook (`otslab.course.tasks`), the text box, the hand-in page
(`otslab.course.handin`) and the grader (`otslab.course.grading`, `make grade`) all call it, on
answers made plain by `otslab.course.answers`. `save_written` is the one path by which a written
answer is saved.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import pandas as pd

from otslab.course.answers import NotAnAnswer, folded, plain, same, wrong_detail
from otslab.course.work import WorkSaveError, record
from otslab.data import Tables, load_tables
from otslab.model import alignments as al
from otslab.model import feasibility as fz
from otslab.model import network as nw
from otslab.model import record as rec
from otslab.model import sources as so

BLANK = ...
"""The placeholder in a task template: `check("00.3", ...)` means "not answered yet"."""


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
    """The outcome of a check (right, wrong, blank, written, unreadable) and what to tell."""

    result: str
    message: str


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
    clashes, _coefs = fz.model(T)
    states = fz.ots_states(T.countries, include_observers=True)
    floors = rec.record_floor(rec.record_practice(T, states), states)
    weights = fz.default_weights(T.factors)
    based = T.scenarios.copy()
    based.loc[based["rung"] == based["rung"].max(), "requirements"] += ";foreign_basing"

    def tops(scenarios: pd.DataFrame) -> pd.Series:
        coefs = fz.coefficients(scenarios, T.factors, clashes, states)
        return fz.ceilings(fz.above_record(fz.readiness(coefs, weights), floors))

    before, after = tops(T.scenarios), tops(based)
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
            hint="In the table browser choose 'sources', set 'Search in' to genre and search for "
            "'treaty text': the caption counts the rows.",
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
            hint="Table browser, 'memberships', search in country_id for 'UZB': read the CSTO "
            "rows' start and end.",
        ),
        Task(
            "00.ex3",
            "Exercise 3: in how many events does the record place Türkiye (TUR)?",
            2,
            lambda T: len(_recorded_in(T, T.events, "TUR")),
            hint="A search of every column also finds 'TUR' inside other words (a note on the "
            "'Turkish Republic of Northern Cyprus'): in the browser's 'event_participants', "
            "set 'Search in' to country_id, or fill the blank of the template with 'TUR'; count "
            "the rows.",
        ),
        # 01 Sources
        Task(
            "01.1",
            "How many of the five texts (S000-S004) state the country of their outlet?",
            1,
            lambda T: int(so.seed_sources(T.sources)["outlet_country_id"].notna().sum()),
            hint="The 'outlet country' column of the source overview in section 1: count the rows "
            "that name a country ('not stated' does not).",
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
                "heard. The public reports fill part of the gap but not all of it on the "
                "question: the latest Russian official words found date from 2021 (Peskov, "
                "Lavrov), Chinese ones too, and the Turkmen, Hungarian, Iranian, Armenian and "
                "Western voices speak of something next to a Turkic alliance. A student could "
                "look for a recent official statement, or a newspaper from that state."
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
            hint="Türkiye's row of the membership grid in section 1: the cells that read 'member'.",
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
            hint=(
                "Step the **Year** forward from 2006 (press **Later**) until Uzbekistan's CSTO "
                "cell changes."
            ),
        ),
        Task(
            "02.3",
            "Compare Kazakhstan and Uzbekistan as the data stand: in how many organisations are "
            "both full members?",
            2,
            lambda T: len(
                _members_of(T, "KAZ", al.current_year()) & _members_of(T, "UZB", al.current_year())
            ),
            hint="The side-by-side table of section 3: count the rows where both cells read "
            "'member since' (the status held now, not an earlier period).",
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
            hint="The network of section 3: Türkiye's thickest line (the ties table under it "
            "counts the events), or the dyad explorer of section 4 with Türkiye chosen.",
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
            hint="The ladder grid in section 1: its top row, rung 5.",
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
                "The record already puts every member at rung 4 (the Gabala solidarity clause), so "
                "the question is rung 5. Under the default weights the commitments in force that "
                "rule out or limit what it requires hold states back. Either those commitments "
                "weigh less (a narrow reading of CSTO Article 1), or the drivers weigh more; or "
                "the record changes: a state leaves the CSTO, or a new treaty is signed. The "
                "robustness summary and the sensitivity view name the weights that move it."
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
                "'Kazakhstan, which hosted Birlestik-2024 (E032), supports exercises under the OTS "
                "flag (rung 2) but no mutual-assistance clause: our CSTO obligations (R003, "
                "Article 1) come first.'"
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
                "Mutual-defence clause: no treaty of all members; between pairs there are "
                "mutual-assistance clauses settled by consultation (Shusha, E022; the 2010 "
                "treaty, E005), and solidarity wording at Gabala; joint command: "
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


def judge(task_id: str, answer: object, tables: Tables | None = None) -> Verdict:
    """Judge an answer to a task against the data (or count the words of a written one)."""
    task = find_task(task_id)
    try:
        answer = plain(answer)
    except NotAnAnswer as error:
        return Verdict("unreadable", str(error))
    if answer is BLANK or answer is None or (isinstance(answer, str) and not answer.strip()):
        where = "write your answer" if task.is_open else "replace ... with your answer"
        return Verdict("blank", f"Not answered yet: {where}, then run the cell.")
    if task.is_open:
        count = len(str(answer).split())
        low, high = task.words
        advice = "" if low <= count <= high else f" Aim for {low}-{high} words."
        return Verdict("written", f"{count} words.{advice}")
    tables = tables if tables is not None else course_tables()
    expected = expected_answer(task, tables)
    if isinstance(answer, str):  # a state may be named instead of given by its id
        countries = tables.countries
        names = dict(zip(countries["name"].map(folded), countries["country_id"], strict=True))
        answer = names.get(folded(answer), answer)
    if same(answer, expected):
        return Verdict("right", "Right.")
    return Verdict(
        "wrong", f"Not yet. {wrong_detail(answer, expected)} Hint: {task.hint}".replace("  ", " ")
    )


_EXPECTED: dict[tuple[int, ...], dict[str, object]] = {}
"""Computed answers by the identity of the tables they were computed from."""


def expected_answer(task: Task, tables: Tables) -> object:
    """The task's answer computed from these tables (once per tables object and task)."""
    key = (id(tables), *(id(frame) for frame in tables.values()))
    if key not in _EXPECTED:
        _EXPECTED[key] = {}
        weakref.finalize(tables, _EXPECTED.pop, key, None)
    known = _EXPECTED[key]
    if task.task_id not in known:
        known[task.task_id] = task.answer(tables)
    return known[task.task_id]


@cache
def course_tables() -> Tables:
    """The course's tables, loaded once per kernel."""
    return load_tables()


def find_task(task_id: str) -> Task:
    """The task with this id; a KeyError that lists the tasks if there is none."""
    if task_id not in TASKS:
        raise KeyError(f"no task {task_id!r}: the tasks are {', '.join(TASKS)}")
    return TASKS[task_id]


def saved_note(key: str, entry: dict, attempt: bool = False) -> str:
    """Save an answer; the note to show (empty, or why it could not be saved)."""
    try:
        record(key, entry, attempt=attempt)
    except WorkSaveError as error:
        return f"{error} Your answer is not kept: copy it somewhere safe."
    return ""


def save_written(task_id: str, text: str) -> tuple[Verdict, str]:
    """Save a written answer (the one path for write and the text box): its verdict and a note."""
    task = find_task(task_id)
    if not task.is_open:
        raise ValueError(f"task {task_id} has one right answer: use check({task_id!r}, ...)")
    verdict = judge(task_id, text)
    if verdict.result != "written":
        return verdict, ""
    entry = {"answer": str(text).strip(), "result": "written", "checked": False}
    return verdict, saved_note(task_id, {**entry, "words": len(str(text).split())})
