"""Provenance: every fact row names a public source and a place in it that a reader can find.

Checked for every row of every table: the source is in sources.csv with a web address (a seed text
may state its address as 'unknown') and the date that address was checked; a seed locator is a
short quotation found in the seed text; any other locator names an article, section, paragraph,
page, heading or entry, or quotes the source; every source is cited by some row.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd

from otslab.data.common import Problem, Tables

REPO = Path(__file__).resolve().parents[3]
SHARED = REPO.parent / "shared"
MAX_QUOTE_WORDS = 12

_QUOTES = str.maketrans(
    {
        **dict.fromkeys("“”„‟″«»", '"'),
        **dict.fromkeys("‘’‚‛′`", "'"),
        **dict.fromkeys("–—‑‒−―", "-"),
    }
)
URL_UNKNOWN = "unknown"
"""A seed text's url when its page could not be found (its notes say what was searched)."""
_WEB_ADDRESS = re.compile(r"^https?://[^\s/]+\.[^\s]+$")
_PLACE = re.compile(
    r"((\b(article|art\.|section|paragraph|para\.|page|p\.|chapter|annex|point|principle"
    r"|clause|статья)|§)\s*\(?[0-9ivxlc]+"
    r"|\b(heading|title|preamble|(first|second|third|last) paragraph)\b)",
    re.IGNORECASE,
)
_QUOTED = re.compile(r'"([^"]+)"|“([^”]+)”|„([^“”]+)[“”]|«([^»]+)»')
_SOURCE_ID = re.compile(r"\b[SR][0-9]{3}\b")


def default_seed_dir() -> Path | None:
    """Return ../shared/seeds beside the repository if it is there, else None."""
    path = SHARED / "seeds"
    return path if path.is_dir() else None


def normalise(text: str) -> str:
    """Fold whitespace, quote marks, dashes and markdown escapes so quotations compare fairly."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = re.sub(r"\\([^\w\s])", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def seed_texts(sources: pd.DataFrame, seed_dir: Path) -> dict[str, str]:
    """Return the normalised text of each seed source that is present in seed_dir, by source id."""
    texts = {}
    for row in sources.dropna(subset=["seed_file"]).itertuples():
        path = Path(seed_dir) / row.seed_file
        if path.is_file():
            texts[row.source_id] = normalise(path.read_text(encoding="utf-8"))
    return texts


def provenance_columns(frame: pd.DataFrame) -> list[tuple[str, str]]:
    """Return the (source column, locator column) pairs of a table."""
    return [
        (col, col.removesuffix("source_id") + "locator")
        for col in frame.columns
        if col.endswith("source_id") and col.removesuffix("source_id") + "locator" in frame.columns
    ]


def locator_problem(
    source_id: str,
    locator: str,
    seeds: dict[str, str],
    seed_ids: set[str],
) -> str | None:
    """Say what is wrong with one locator for one source, or None if it checks out."""
    if not locator.strip():
        return f"empty locator: say where {source_id} states this"
    if source_id in seed_ids:
        words = len(locator.split())
        if words > MAX_QUOTE_WORDS:
            limit = MAX_QUOTE_WORDS
            return f"a seed locator is a quotation of at most {limit} words; this has {words}"
        if source_id in seeds and normalise(locator) not in seeds[source_id]:
            return f"quotation not found in the text of {source_id}: '{locator}'"
    elif not names_a_place(locator):
        return (
            f"the locator does not name a place in {source_id}: give the numbered article, "
            "section, paragraph or page, or the heading, or quote it in double quotes (3+ words)"
        )
    return None


def names_a_place(locator: str) -> bool:
    """Whether a locator for a non-seed source names a place in it or quotes it."""
    quoted = any(len("".join(q).split()) >= 3 for q in _QUOTED.findall(locator))
    return quoted or bool(_PLACE.search(locator))


def address_problem(url: str, checked: str, is_seed: bool) -> tuple[str, str] | None:
    """Say which column of a sources row is wrong about where to read the source, or None."""
    if not url:
        return "url", "no web address: give the url where a reader can open this source"
    if url == URL_UNKNOWN:
        if is_seed:
            return None
        return "url", f"'{URL_UNKNOWN}' is allowed only for a seed text: give this source's url"
    if not _WEB_ADDRESS.match(url):
        return "url", f"'{url}' is not a web address (http:// or https://...)"
    if not checked:
        return "checked", "no 'checked' date: say on which day the page was confirmed (YYYY-MM-DD)"
    return None


def cited_ids(tables: Tables) -> set[str]:
    """Every source id that some row of a table other than sources.csv names, in any column."""
    cited: set[str] = set()
    for name, frame in tables.items():
        if name == "sources":
            continue
        for column in frame.columns:
            if frame[column].dtype == object or isinstance(frame[column].dtype, pd.StringDtype):
                for value in frame[column].dropna().astype(str):
                    cited.update(_SOURCE_ID.findall(value))
    return cited


def dangling_id_problems(tables: Tables) -> list[Problem]:
    """Every source id named in any text cell (notes included) that sources.csv lacks.

    A note that points to 'R106' when there is no R106 sends a reader nowhere (content review
    N22), so it is an error like a dangling source_id.
    """
    known = set(tables["sources"]["source_id"])
    problems = []
    for name, frame in tables.items():
        for column in frame.columns:
            if not (
                frame[column].dtype == object or isinstance(frame[column].dtype, pd.StringDtype)
            ):
                continue
            for i, value in enumerate(frame[column]):
                if pd.isna(value):
                    continue
                for found in sorted(set(_SOURCE_ID.findall(str(value))) - known):
                    msg = f"names {found}, not in sources.csv: fix the id or add the source"
                    problems.append(Problem(f"{name}.csv", i + 2, column, msg))
    return problems


def source_problems(sources: pd.DataFrame, cited: set[str]) -> tuple[list[Problem], set[str]]:
    """Problems of sources.csv (address, check date, cited by nothing) and the ids unreadable."""
    problems, unreadable = [], set()
    for i, row in sources.iterrows():
        source_id = row["source_id"]
        url, checked = (str(row[c]) if pd.notna(row[c]) else "" for c in ("url", "checked"))
        wrong = address_problem(url, checked, pd.notna(row["seed_file"]))
        if wrong:
            problems.append(Problem("sources.csv", i + 2, *wrong))
            unreadable.add(source_id)
        if source_id not in cited:
            msg = f"{source_id} is cited by nothing: no row of any table names it; remove it"
            problems.append(Problem("sources.csv", i + 2, "source_id", msg))
    return problems, unreadable


def find_problems(tables: Tables, seed_dir: Path | None = None) -> list[Problem]:
    """Check sources.csv and every source/locator pair; seed locators too when seed_dir is given."""
    sources = tables["sources"]
    seed_ids = set(sources.dropna(subset=["seed_file"])["source_id"])
    seeds = seed_texts(sources, seed_dir) if seed_dir else {}
    problems, unreadable = source_problems(sources, cited_ids(tables))
    problems += dangling_id_problems(tables)
    if seed_dir:
        for i, row in sources.iterrows():
            if row["source_id"] in seed_ids and row["source_id"] not in seeds:
                msg = f"seed file '{row['seed_file']}' not found in {seed_dir}"
                problems.append(Problem("sources.csv", i + 2, "seed_file", msg))
    for name, frame in tables.items():
        if name == "sources":
            continue
        for source_col, locator_col in provenance_columns(frame):
            pairs = zip(frame[source_col], frame[locator_col], strict=True)
            for i, (source_id, locator) in enumerate(pairs):
                if pd.isna(source_id) and pd.isna(locator):
                    continue
                if pd.isna(source_id):
                    msg = "a locator without a source: fill in " + source_col
                    problems.append(Problem(f"{name}.csv", i + 2, source_col, msg))
                    continue
                if source_id in unreadable:
                    msg = f"rests on {source_id}, which has no usable web address in sources.csv"
                    problems.append(Problem(f"{name}.csv", i + 2, source_col, msg))
                text = "" if pd.isna(locator) else str(locator)
                msg = locator_problem(source_id, text, seeds, seed_ids)
                if msg:
                    problems.append(Problem(f"{name}.csv", i + 2, locator_col, msg))
    return problems
