"""The role play's paper: briefing, chair's and press cards, outcome form, and the printable kit.

Run `python -m otslab.course.roleplay` (or `make roleplay-kit`) from the notebooks folder to write
the briefing, the delegations' cards (otslab.course.rolecards), the chair's and press cards, the
outcome form and the evidence sheets, as Markdown and as HTML, into notebooks/roleplay_kit (or the
folder given). `make roleplay-kit` then prints print/kit.html to kit.pdf with the course's one
printer (tools/print_pdf.py); elsewhere, open kit.html in a browser and print it. Printed at 10 pt,
each sheet starts a new page; a role card fits one page, and the evidence sheets behind the cards
run on together at the end.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from otslab.course import rolecards as rc
from otslab.data import Tables, load_tables
from otslab.data.common import write_atomically
from otslab.model import feasibility as fz
from otslab.model.alignments import closing_in_words
from otslab.views.markup import Markup, from_template, markdown_html
from otslab.views.markup import md_text as md

OUTCOME_COLUMNS = [
    "class",
    "date",
    "group",
    "question",
    "rung_reached",
    "held_out",
    "why",
    "sources",
    "model_rung",
]
"""The outcome CSV: one row per group and question (1: exercises, 2: a clause)."""

OUTCOME_FILE = "outcomes.csv"
"""The outcome form's CSV in the kit folder: fill one row per group and question."""

PRINT_DIR = "print"
"""Sub-folder of the kit for the printable pages (HTML; kit.pdf when printed)."""


# --- the briefing ------------------------------------------------------------------------------

PROCEDURE = """## Procedure (45 minutes)

- **0-5 min, briefing.** The teacher reads the decision point. Groups of one to three students
  take a role card each. The members ({members}) sit at the table; the observers ({observers})
  are optional seats; {outside} sit apart.
- **5-15 min, preparation.** Each delegation works through "Prepare" on its card.
- **15-23 min, opening statements.** One minute each: members first, then observers. {outside}
  may each make one public statement of one minute.
- **23-33 min, recess.** Delegations talk in pairs. {outside} may talk to any delegation but may
  not join the table.
- **33-40 min, decision.** The chair (see the chair's card) puts question 1, then question 2.
  The OTS decides by consensus, so one member's "no" blocks; observers speak but do not decide.
  The chair records the rung reached, who held out and why on the outcome form.
- **40-45 min, debrief** (questions below). The press corps, if there is one, reads its report.
"""
"""The simulation's steps; {members}, {observers} and {outside} are filled from the data."""

DEBRIEF = """## Debrief questions

1. Which rung did your summit reach, and which delegation set the limit? Compare it with the
   model's highest common rung under the weights you chose in the notebook, and with the rungs
   other groups and earlier classes reached (the outcome CSV).
2. Which of your arguments rested on a fact, which on an interpretation, a forecast or a
   recommendation? Check the claim types in `claims.csv`.
3. Where did a legal commitment (a treaty clause, a neutrality law) decide the matter, and where a
   political pressure? Which mattered more in your summit?
4. How did Russia, China and Iran act on the outcome from outside the room? Which source
   describes that kind of influence?
5. What would have to change for the summit to climb one rung higher, and is there evidence in the
   sources that it is changing?
6. Whose voice was missing: parliaments, publics, Armenia, Iran, the other observers?
7. Which confidential instruction changed the outcome? It was invented for the game: would a
   real government have given it, and which source would tell you?
"""


def decision_point(tables: Tables) -> str:
    """The decision before the summit, in Markdown, from the events, organisations and ladder."""
    scenarios = tables.scenarios.set_index("rung")
    events = tables.events
    proposals = events[
        (events["kind"].astype(str) == "proposal")
        & (events["framework"].astype(str) == "OTS")
        & (events["status"].astype(str) == "proposed")
    ]
    ots = tables.organisations.set_index("org_id").loc["OTS"]
    exercise = fz.first_rung_with(tables.scenarios, "joint_exercises")
    clause = fz.first_rung_with(tables.scenarios, "solidarity_clause")
    defence = fz.first_rung_with(tables.scenarios, fz.COLLECTIVE_DEFENCE)
    out = ["## Decision point", "", "The OTS heads of state meet. On the record before them:", ""]
    out += [
        f"- {md(r.title)} ({md(f'{r.date}, {r.source_id}')}): {md(r.summary)}"
        for r in proposals.itertuples()
    ]
    for kind in ("summit", "document"):
        dated = events[
            (events["kind"].astype(str) == kind) & (events["framework"].astype(str) == "OTS")
        ].dropna(subset=["date_earliest"])
        if not dated.empty:
            last = dated.sort_values("date_earliest").iloc[-1]
            out.append(
                f"- {md(last['title'])} ({md(last['date'] + ', ' + last['source_id'])}): "
                f"{md(last['summary'])}"
            )
    out.append(
        f"- Collective-defence clause in the OTS founding documents: "
        f"{md(ots['collective_defense_clause'])} ({md(ots['clause_source_id'])}: "
        f"\u201c{md(ots['clause_locator'])}\u201d)"
    )
    out += [
        "",
        f"**Question 1.** Hold exercises under the OTS flag (rung {exercise}, "
        f"\u201c{md(scenarios.loc[exercise, 'name'])}\u201d)?",
        "",
        f"**Question 2.** Adopt a clause: rung {clause} "
        f"(\u201c{md(scenarios.loc[clause, 'name'])}\u201d) or rung {defence} "
        f"(\u201c{md(scenarios.loc[defence, 'name'])}\u201d)?",
    ]
    return "\n".join(out)


def procedure(tables: Tables) -> str:
    """The 45-minute procedure, with the seats filled from countries.csv."""
    names = tables.countries.set_index("country_id")["name"].map(fz.short_name)
    members = fz.ots_states(tables.countries)
    observers = [c for c in fz.ots_states(tables.countries, True) if c not in members]
    outside = [c for c in fz.role_card_states(tables.countries) if c not in members + observers]
    return PROCEDURE.format(
        members=md(", ".join(names[members])),
        observers=md(", ".join(names[observers])),
        outside=md(" and ".join(names[outside])),
    )


def briefing(tables: Tables) -> str:
    """The teacher's sheet: decision point, procedure and debrief questions."""
    return "\n\n".join(
        ["# Role play: the next OTS summit", decision_point(tables), procedure(tables), DEBRIEF]
    )


# --- chair, press and outcome form --------------------------------------------------------------


def chair_state(tables: Tables) -> str:
    """The state holding the OTS chair: host of the latest ordinary (not informal) OTS summit."""
    events = tables.events
    summits = events[
        (events["kind"].astype(str) == "summit")
        & (events["framework"].astype(str) == "OTS")
        & ~events["title"].astype(str).str.contains("Informal", case=False)
    ].dropna(subset=["date_earliest"])
    if summits.empty:
        raise ValueError("events.csv has no dated ordinary OTS summit: no chair can be named")
    last = summits.sort_values("date_earliest").iloc[-1]
    people = tables.event_participants
    hosts = people[(people["event_id"] == last["event_id"]) & (people["role"] == "host")]
    if hosts.empty:
        raise ValueError(f"event_participants.csv names no host of {last['event_id']}")
    return str(hosts["country_id"].iloc[0])


def chair_card(tables: Tables) -> str:
    """The chair's card in Markdown: the script for the summit, the consensus rule, the record."""
    chair = chair_state(tables)
    names = tables.countries.set_index("country_id")["name"].map(fz.short_name)
    members = ", ".join(names[c] for c in fz.ots_states(tables.countries))
    return "\n".join(
        [
            "# The chair's card",
            "",
            f"*{md(names[chair])} holds the OTS chair as the host of the last ordinary summit "
            f"(events.csv), as of {md(closing_in_words())}. A student or the teacher chairs; the "
            "chair state's own delegation argues its card as usual.*",
            "",
            "## Your job",
            "",
            "- Keep time to the procedure on the briefing sheet; announce each phase.",
            "- Call the opening statements: members first, then observers, then one public "
            "statement each from the outside powers.",
            "- In the decision phase, read question 1, then question 2. For each, ask every member "
            f"in turn ({md(members)}): yes, no, or 'only if ...'. Observers may speak, not decide.",
            "- Consensus: one member's no blocks. Before you close a question, ask once: "
            "'Does any member object?'",
            "- Ask 'which source?' whenever a delegation states a fact that is not on its card.",
            "",
            "## Your record",
            "",
            "Fill in the outcome form: for each question the rung reached, who held out, why (in "
            "their words), and the source ids they cited. The teacher copies it into "
            f"`{OUTCOME_FILE}` for the debrief.",
        ]
    )


def press_card() -> str:
    """The press corps' card in Markdown: what to watch, whom to ask, what to write."""
    return "\n".join(
        [
            "# The press corps' card",
            "",
            "*You report on the summit for a news outlet. You sit apart, listen to the opening "
            "statements, and may question any delegation in the recess.*",
            "",
            "## Your job",
            "",
            "- In the recess, interview two delegations. Ask each: what will you support, what "
            "will you not sign, and which source backs that?",
            "- Write down who said what, in their words; mark what is a fact with a source, what "
            "is a delegation's interpretation, and what is a forecast.",
            "- After the decision, write a report of at most 80 words in the style of S003 (an "
            "explainer) or S004 (an interview round-up): one headline, who decided what, one "
            "quotation, one fact with its source id.",
            "- Read it out in the debrief. The class checks: is every fact sourced, and is every "
            "claim attributed?",
            "",
            "## Rules",
            "",
            "- Report what was said, not what you guess was meant; label guesses as yours.",
            "- The confidential instructions on the delegations' cards are invented for the game: "
            "if you learn one, report it as a delegation's game instruction, not as a fact.",
        ]
    )


def outcome_form(tables: Tables) -> str:
    """The printable outcome form in Markdown: one block per question, the CSV's columns."""
    steps = fz.ladder(tables.scenarios)
    rungs = "; ".join(f"{r} {md(n)}" for r, n in steps["name"].items())
    ids = ", ".join(fz.ots_states(tables.countries, include_observers=True))
    blocks = []
    for number, question in ((1, "OTS-flag exercises"), (2, "a clause")):
        blocks += [
            f"## Question {number}: {question}",
            "",
            "- Rung reached (0 if none): ______",
            f"- Held out (state ids, e.g. {md(ids.split(', ')[0])}): ____________________",
            "- Why, in their words: ____________________________________________",
            "- Source ids they cited: ____________________",
            "- The model's answer under our weights (rung): ______",
            "",
        ]
    return "\n".join(
        [
            "# Outcome form",
            "",
            "Class: ____________  Date: ____________  Group: ____________",
            "",
            f"The rungs: {rungs}. State ids: {md(ids)}.",
            "",
            *blocks,
            f"Copy each question as one row of `{OUTCOME_FILE}` with the columns "
            f"{md(', '.join(OUTCOME_COLUMNS))}; separate several ids with ';'.",
        ]
    )


# --- the outcome CSV ----------------------------------------------------------------------------


def write_outcome_template(path: Path) -> Path:
    """An empty outcome CSV (header only), unless one is already there; return its path."""
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(",".join(OUTCOME_COLUMNS) + "\n", encoding="utf-8")
    return path


def _rung_cell(value: str, where: str, top: int, required: bool) -> int | None:
    """A rung cell as an int from 0 to top; empty is None (unknown) unless required."""
    if not value.strip():
        if required:
            raise ValueError(f"{where}: empty; write the rung reached (0 if none)")
        return None
    if not value.strip().isdigit() or int(value) > top:
        raise ValueError(f"{where}: '{value}' is not a rung from 0 to {top}")
    return int(value)


def outcome_files(folder: Path) -> list[Path]:
    """The outcome CSVs in a folder (outcomes.csv, and any outcomes-*.csv from other classes)."""
    return sorted(Path(folder).glob("outcomes*.csv"))


def read_outcomes(paths: Iterable[Path], tables: Tables) -> pd.DataFrame:
    """Several outcome CSVs as one table; a clear error naming file, row and column if wrong."""
    top = int(fz.ladder(tables.scenarios).index.max())
    known = set(tables.countries["country_id"])
    rows = []
    for path in map(Path, paths):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in OUTCOME_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise ValueError(f"{path}, line 1: missing column(s) {', '.join(missing)}")
            for line, row in enumerate(reader, start=2):
                where = f"{path}, line {line}, column"
                if row["question"] not in ("1", "2"):
                    raise ValueError(f"{where} question: '{row['question']}' is not 1 or 2")
                held = [c for c in row["held_out"].split(";") if c.strip()]
                unknown = [c for c in held if c.strip() not in known]
                if unknown:
                    raise ValueError(f"{where} held_out: {', '.join(unknown)} not in countries.csv")
                rows.append(
                    {
                        **{c: row[c].strip() for c in OUTCOME_COLUMNS},
                        "question": int(row["question"]),
                        "rung_reached": _rung_cell(
                            row["rung_reached"], f"{where} rung_reached", top, True
                        ),
                        "model_rung": _rung_cell(
                            row["model_rung"], f"{where} model_rung", top, False
                        ),
                        "held_out": ";".join(c.strip() for c in held),
                        "file": path.name,
                    }
                )
    frame = pd.DataFrame(rows, columns=[*OUTCOME_COLUMNS, "file"])
    for col in ("rung_reached", "model_rung"):
        frame[col] = frame[col].astype("Int64")
    return frame


def summarise_outcomes(outcomes: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Across groups and terms: rungs reached per question, who held out how often, vs the model."""
    if outcomes.empty:
        raise ValueError("no outcomes to summarise: fill at least one row of the outcome CSV")
    reached = outcomes.groupby(["question", "rung_reached"]).size().rename("groups").reset_index()
    held = outcomes.assign(state=outcomes["held_out"].str.split(";")).explode("state")
    held = held[held["state"].fillna("") != ""]
    holdouts = held.groupby(["question", "state"]).size().rename("times held out").reset_index()
    known = outcomes.dropna(subset=["model_rung"])
    versus = pd.DataFrame(
        {
            "question": known["question"],
            "group": known["class"] + " " + known["group"],
            "summit": known["rung_reached"],
            "model": known["model_rung"],
            "summit minus model": known["rung_reached"] - known["model_rung"],
        }
    ).reset_index(drop=True)
    return {"reached": reached, "held out": holdouts, "summit vs model": versus}


# --- the printable kit --------------------------------------------------------------------------

class Sheet(NamedTuple):
    """One printed sheet of the kit: its title and its body, as HTML."""

    title: Markup
    body: Markup


def sheet(markdown: str) -> Sheet:
    """One printed sheet from our Markdown (data escaped): the first line is its title."""
    title, _, body = markdown.partition("\n")
    body_html = Markup(
        str(markdown_html(body)).replace(
            "<h2>Confidential instructions</h2>",
            '<h2 class="fiction">Confidential instructions</h2>',
        )
    )
    return Sheet(markdown_html(title), body_html)


def kit_pages(tables: Tables, clashes: pd.DataFrame) -> dict[str, str]:
    """Every page of the kit, in print order: file stem -> Markdown."""
    pages = {"00_briefing": briefing(tables)}
    for number, cid in enumerate(fz.role_card_states(tables.countries), start=1):
        pages[f"{number:02d}_role_card_{cid}"] = rc.role_card(tables, cid, clashes)
    n = len(pages)
    pages[f"{n:02d}_chair"] = chair_card(tables)
    pages[f"{n + 1:02d}_press"] = press_card()
    pages[f"{n + 2:02d}_outcome_form"] = outcome_form(tables)
    pages[f"{n + 3:02d}_evidence_sheets"] = rc.evidence_sheets(tables, clashes)
    return pages


KIT_DIR = Path(__file__).resolve().parents[2] / "roleplay_kit"
"""Where notebook 04 writes the role-play kit: notebooks/roleplay_kit, seen in the file browser."""

KIT_MANIFEST = ".kit-manifest.json"
"""In the kit folder: the SHA-256 of every file as the course last wrote it."""


def _digest(data: bytes) -> str:
    """SHA-256 of some bytes, in hex."""
    return hashlib.sha256(data).hexdigest()


def _read_manifest(folder: Path) -> dict[str, str]:
    """The kit's manifest (file name -> hash we wrote), or {} when missing or unreadable."""
    try:
        found = json.loads((folder / KIT_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(found, dict):
        return {}
    return {k: v for k, v in found.items() if isinstance(k, str) and isinstance(v, str)}


def _kit_target(folder: Path, name: str, data: bytes, manifest: dict[str, str]) -> Path:
    """Where to write a kit file: its own name, unless someone changed that file since we wrote it.

    A changed file is kept; the new version goes beside it as `<stem>.new<suffix>` (or
    `.new-2<suffix>`...), e.g. `01_role_card_TUR.new.md`.
    """
    stem, suffix = Path(name).stem, Path(name).suffix
    candidates = [name] + [f"{stem}.new{'' if n == 1 else f'-{n}'}{suffix}" for n in range(1, 100)]
    for candidate in candidates:
        path = folder / candidate
        if not path.exists():
            return path
        current = _digest(path.read_bytes())
        if current == _digest(data) or manifest.get(candidate) == current:
            return path
    raise FileExistsError(f"{folder}: too many edited copies of {name}; tidy the folder")


def write_kit_files(folder: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Write files (name -> bytes) into folder, keeping any a user changed; return the paths.

    A file changed since the course wrote it is never overwritten: the new version is written
    beside it (`describe_kit` says which). Each file is written whole or not at all.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    manifest = _read_manifest(folder)
    written = []
    for name, data in files.items():
        path = _kit_target(folder, name, data, manifest)
        if not path.exists() or path.read_bytes() != data:
            write_atomically(path, data, mode=0o644)
        manifest[path.name] = _digest(data)
        written.append(path)
    write_atomically(
        folder / KIT_MANIFEST, json.dumps(manifest, indent=1).encode("utf-8"), mode=0o644
    )
    return written


def export_kit(tables: Tables, folder: Path, clashes: pd.DataFrame) -> list[Path]:
    """Write the briefing and one Markdown role card per state into folder; return the paths.

    A file changed since the course wrote it is kept, as `write_kit_files` does.
    """
    texts = {"00_briefing.md": briefing(tables)}
    for number, cid in enumerate(fz.role_card_states(tables.countries), start=1):
        texts[f"{number:02d}_role_card_{cid}.md"] = rc.role_card(tables, cid, clashes)
    return write_kit_files(folder, {k: (v + "\n").encode("utf-8") for k, v in texts.items()})


def describe_kit(written: list[Path]) -> str:
    """What export_kit did, in words: where the kit is and which edited files it left alone."""
    folder = os.path.relpath(written[0].parent)
    kept = [p for p in written if ".new" in p.name]
    kinds = sorted({p.suffix.lstrip(".").upper().replace("MD", "Markdown") for p in written})
    lines = [f"The kit ({len(written)} files: {', '.join(kinds)}) is in {folder}."]
    lines += [
        f"{p.name.split('.new')[0]}{p.suffix} was changed after it was written: it is kept as "
        f"it is, and the version from the data is in {p.name}."
        for p in kept
    ]
    return "\n".join(lines)


def document(title: str, sheets: Iterable[Sheet]) -> bytes:
    """A whole printable HTML document of some sheets (templates/kit.html.j2)."""
    return str(from_template("kit.html.j2", title=title, sheets=list(sheets))).encode("utf-8")


def export_printable(
    tables: Tables,
    folder: Path,
    clashes: pd.DataFrame,
    pages: dict[str, str] | None = None,
) -> list[Path]:
    """Write the kit as HTML (one file a page, and kit.html with all) into folder/print.

    Like the Markdown kit, a file changed since the course wrote it is kept and the new version
    goes beside it. The outcome CSV template is written once into folder and never overwritten.
    `pages` (from kit_pages) saves building the cards again.
    """
    out = Path(folder) / PRINT_DIR
    out.mkdir(parents=True, exist_ok=True)
    pages = pages or kit_pages(tables, clashes)
    sheets = {stem: sheet(text) for stem, text in pages.items()}
    files = {f"{stem}.html": document(stem, [s]) for stem, s in sheets.items()}
    files["kit.html"] = document("Role-play kit", sheets.values())
    written = write_kit_files(out, files)
    written.append(write_outcome_template(Path(folder) / OUTCOME_FILE))
    return written


def export_all(
    tables: Tables, folder: Path, clashes: pd.DataFrame
) -> tuple[list[Path], list[Path]]:
    """Every page of the kit as Markdown into folder, and as HTML into folder/print."""
    pages = kit_pages(tables, clashes)
    markdown = write_kit_files(
        folder, {f"{stem}.md": (text + "\n").encode("utf-8") for stem, text in pages.items()}
    )
    return markdown, export_printable(tables, folder, clashes, pages=pages)


def main(argv: list[str] | None = None) -> None:
    """Write the Markdown kit and the printable kit into notebooks/roleplay_kit (or a folder)."""
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else KIT_DIR
    tables = load_tables()
    clashes, _ = fz.model(tables)
    written, printable = export_all(tables, folder, clashes)
    print(describe_kit(written))
    print(describe_kit(printable))


if __name__ == "__main__":
    main()
