"""Sources: what each text is, how it uses the debate's labels and words, who backs which claim.

Run `python -m otslab.model.sources` (or `make term-counts`) in notebooks/ to regenerate
data/term_counts.csv from the seed texts in ../shared/seeds.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from otslab.data import DATA_DIR, Tables
from otslab.data.provenance import default_seed_dir, normalise
from otslab.model.perspectives import perspective_status, perspective_table  # noqa: F401 (re-export)

CARDS_DIR = DATA_DIR.parent / "seeds"
"""The repository's seeds/ folder: one card per source text, in our own words."""

TERM_COUNTS = DATA_DIR / "term_counts.csv"
"""The generated table of term counts (see `make term-counts`)."""

PARTS = ("body", "boilerplate", "references", "translation")
"""Parts of a seed text: the source's own running text, and what is counted apart from it."""

NOT_STATED = "not stated"


@dataclass(frozen=True)
class Term:
    """One entry of the debate's vocabulary: a name, a group, and the word forms it counts."""

    name: str
    group: str
    forms: tuple[str, ...]


VOCABULARY = (
    Term("Turkic NATO", "label", ("turkic nato",)),
    Term("Turkish NATO", "label", ("turkish nato",)),
    Term("Army of Turan", "label", ("army of turan",)),
    Term("defense Schengen", "label", ("defense schengen", "defence schengen")),
    Term("NATO", "frame", ("nato",)),
    Term("NATO-like/-style", "frame", ("nato like", "nato style")),
    Term("alliance", "frame", ("alliance", "alliances")),
    Term("bloc", "frame", ("bloc", "blocs")),
    Term("collective defense", "frame", ("collective defense", "collective defence")),
    Term(
        "cooperation",
        "cooperation",
        ("cooperation", "cooperate", "cooperates", "cooperating", "cooperative"),
    ),
    Term("security", "cooperation", ("security",)),
    Term("defense", "cooperation", ("defense", "defence")),
    Term("military", "cooperation", ("military",)),
    Term("exercise/drill", "cooperation", ("exercise", "exercises", "drill", "drills")),
    Term(
        "defense industry",
        "cooperation",
        (
            "defense industry",
            "defense industries",
            "defence industry",
            "defence industries",
            "military industries",
        ),
    ),
    Term("drone", "cooperation", ("drone", "drones")),
    Term("transit", "cooperation", ("transit",)),
    Term("CSTO", "actor", ("csto",)),
    Term("Russia", "actor", ("russia", "russian", "moscow", "kremlin")),
    Term("China", "actor", ("china", "chinese", "beijing")),
    Term("Türkiye", "actor", ("türkiye", "turkey", "turkish", "ankara")),
    Term("Azerbaijan", "actor", ("azerbaijan", "azerbaijani", "baku")),
    Term("Iran", "actor", ("iran", "iranian")),
    Term("Central Asia", "actor", ("central asia", "central asian")),
)
"""The terms counted in every source. A term counts each of its forms (lower-cased word runs)."""


@dataclass(frozen=True)
class Cut:
    """A stretch of lines in a seed text that is not the source's own running text.

    It starts at the first line (not yet cut) beginning with `start` and runs up to, not
    including, the next line beginning with `until`; `until=None` runs to the end of the text.
    """

    part: str
    start: str
    until: str | None


CUTS = {
    "S000": (
        Cut("boilerplate", "Must read", until="Discussions about"),
        Cut("boilerplate", "Stay Ahead with", until="Participants stressed"),
        Cut("boilerplate", "- Advertisement -", until=None),
    ),
    "S001": (Cut("boilerplate", "Leave a Reply", until=None),),
    "S002": (
        Cut("references", "•", until="Türk Devletleri"),
        Cut("translation", "Türk Devletleri", until=None),
    ),
    "S004": (
        Cut("boilerplate", "twitter", until="Turkic security:"),
        Cut("boilerplate", "Caliber.Az", until=None),
    ),
}
"""What is counted apart from each source's body: website boilerplate, S002's reference list and
its Turkish title and abstract. Markers are line beginnings; a missing marker is an error."""


def vocabulary_table(vocabulary: tuple[Term, ...] = VOCABULARY) -> pd.DataFrame:
    """The vocabulary as a table: term, group, and the word forms each term counts."""
    return pd.DataFrame(
        {
            "term": [t.name for t in vocabulary],
            "group": [t.group for t in vocabulary],
            "forms counted": [", ".join(t.forms) for t in vocabulary],
        }
    )


def tokenise(text: str) -> list[str]:
    """Lower-cased word tokens: runs of letters; digits, punctuation and possessive 's dropped."""
    text = normalise(text).casefold().replace("\u0307", "")  # casefold("İ") adds a combining dot
    text = re.sub(r"'s\b", "", text)
    return re.findall(r"[^\W\d_]+", text)


def count_terms(tokens: list[str], vocabulary: tuple[Term, ...] = VOCABULARY) -> dict[str, int]:
    """How often each term occurs in a token list (multi-word forms as adjacent tokens)."""
    ngrams: dict[int, Counter] = {}
    counts = {}
    for term in vocabulary:
        forms = [tuple(form.split()) for form in term.forms]
        for a in forms:
            for b in forms:
                if a != b and _contains(b, a):
                    raise ValueError(
                        f"term {term.name!r}: form {' '.join(a)!r} lies inside "
                        f"{' '.join(b)!r}, so one mention would count twice"
                    )
        total = 0
        for form in forms:
            n = len(form)
            if n not in ngrams:
                ngrams[n] = Counter(zip(*(tokens[i:] for i in range(n)), strict=False))
            total += ngrams[n][form]
        counts[term.name] = total
    return counts


def _contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    """Whether `shorter` occurs as a contiguous run inside `longer`."""
    n = len(shorter)
    return any(longer[i : i + n] == shorter for i in range(len(longer) - n + 1))


def split_parts(
    source_id: str, text: str, cuts: dict[str, tuple[Cut, ...]] = CUTS
) -> dict[str, str]:
    """Split a seed text into its body and the parts cut from it (boilerplate, references...)."""
    lines = text.splitlines()
    labels = ["body"] * len(lines)
    for cut in cuts.get(source_id, ()):
        if cut.part not in PARTS:
            raise ValueError(f"{source_id}: unknown part {cut.part!r}; parts are {PARTS}")
        start = _first_line(lines, labels, cut.start, 0)
        if start is None:
            raise ValueError(
                f"{source_id}: no line starts with {cut.start!r}; the seed text has changed, "
                "so update CUTS in otslab/sources.py"
            )
        stop = len(lines) if cut.until is None else _first_line(lines, labels, cut.until, start + 1)
        if stop is None:
            raise ValueError(
                f"{source_id}: no line after {cut.start!r} starts with {cut.until!r}; "
                "update CUTS in otslab/sources.py"
            )
        labels[start:stop] = [cut.part] * (stop - start)
    return {
        part: "\n".join(line for line, label in zip(lines, labels, strict=True) if label == part)
        for part in PARTS
        if part == "body" or part in labels
    }


def _first_line(lines: list[str], labels: list[str], prefix: str, begin: int) -> int | None:
    """Index of the first body line from `begin` on whose text starts with prefix, or None."""
    for i in range(begin, len(lines)):
        if labels[i] == "body" and lines[i].strip().startswith(prefix):
            return i
    return None


def read_seed_texts(sources: pd.DataFrame, seed_dir: Path) -> dict[str, str]:
    """The raw text of every seed source (rows with a seed_file), by source id."""
    texts = {}
    for row in sources.itertuples():
        if isinstance(row.seed_file, str) and row.seed_file:
            path = Path(seed_dir) / row.seed_file
            if not path.is_file():
                raise FileNotFoundError(f"{row.source_id}: seed file {path} not found")
            texts[row.source_id] = path.read_text(encoding="utf-8")
    return texts


def term_count_table(
    texts: dict[str, str],
    vocabulary: tuple[Term, ...] = VOCABULARY,
    cuts: dict[str, tuple[Cut, ...]] = CUTS,
) -> pd.DataFrame:
    """Count every term in every part of every text: source_id, part, term, count, words."""
    rows = []
    for source_id in sorted(texts):
        for part, text in split_parts(source_id, texts[source_id], cuts).items():
            tokens = tokenise(text)
            for term, count in count_terms(tokens, vocabulary).items():
                rows.append((source_id, part, term, count, len(tokens)))
    return pd.DataFrame(rows, columns=["source_id", "part", "term", "count", "words"])


def term_counts_csv(table: pd.DataFrame) -> str:
    """The term-count table as the exact CSV text stored in data/term_counts.csv."""
    return table.to_csv(index=False, lineterminator="\n")


def term_rates(
    term_counts: pd.DataFrame, terms: list[str], measure: str = "rate", whole_text: bool = False
) -> pd.DataFrame:
    """Sources x terms: mentions per 1,000 words ('rate') or raw 'count', body only by default.

    With whole_text=True, boilerplate, reference lists and translations are counted too.
    """
    if measure not in ("rate", "count"):
        raise ValueError(f"measure must be 'rate' or 'count', not {measure!r}")
    known = list(dict.fromkeys(term_counts["term"]))
    unknown = [t for t in terms if t not in known]
    if unknown:
        raise ValueError(f"not in term_counts: {unknown}; known terms: {', '.join(known)}")
    rows = term_counts if whole_text else term_counts[term_counts["part"] == "body"]
    counts = rows.pivot_table(
        index="source_id", columns="term", values="count", aggfunc="sum", observed=True
    )
    counts = counts.reindex(columns=terms).astype("int64")
    if measure == "count":
        return counts
    words = rows.drop_duplicates(["source_id", "part"]).groupby("source_id")["words"].sum()
    return (counts.div(words.astype("float64"), axis=0) * 1000).round(2)


def describe_term_heatmap(values: pd.DataFrame, measure: str, whole_text: bool) -> str:
    """One sentence a screen reader can read in place of the term heatmap."""
    unit = "mentions per 1,000 words" if measure == "rate" else "raw mentions"
    scope = "the whole text" if whole_text else "each source's own text (body)"
    stacked = values.stack()
    (source, term), top = stacked.idxmax(), stacked.max()
    unused = [t for t in values.columns if values[t].sum() == 0]
    text = (
        f"Heatmap of {values.shape[1]} terms in {values.shape[0]} sources, in {unit} of {scope}. "
        f"Highest: '{term}' in {source} ({top:g})."
    )
    if unused:
        text += f" Used by no source: {', '.join(repr(t) for t in unused)}."
    return text


def part_words(term_counts: pd.DataFrame) -> pd.DataFrame:
    """Words per source and part of its text (sources as rows, parts as columns, 0 if absent)."""
    words = term_counts.drop_duplicates(["source_id", "part"]).pivot(
        index="source_id", columns="part", values="words"
    )
    parts = [p for p in PARTS if p in words.columns]
    return words.reindex(columns=parts).fillna(0).astype("int64")


def rate_comparison(term_counts: pd.DataFrame, term: str) -> pd.DataFrame:
    """For one term: count, words and rate per source, in the body and in the whole text."""
    body = [term_rates(term_counts, [term], m)[term] for m in ("count", "rate")]
    whole = [term_rates(term_counts, [term], m, whole_text=True)[term] for m in ("count", "rate")]
    words = part_words(term_counts)
    return pd.DataFrame(
        {
            "body: mentions": body[0],
            "body: words": words["body"],
            "body: per 1,000 words": body[1],
            "whole text: mentions": whole[0],
            "whole text: words": words.sum(axis=1),
            "whole text: per 1,000 words": whole[1],
        }
    )


def seed_sources(sources: pd.DataFrame) -> pd.DataFrame:
    """The seed texts (rows with a seed file), in id order."""
    return sources[sources["seed_file"].notna()].sort_values("source_id")


def source_label(row: pd.Series) -> str:
    """A short label for a source: id, genre and outlet."""
    outlet = "" if row["outlet"] == NOT_STATED else f", {row['outlet']}"
    return f"{row['source_id']} · {row['genre']}{outlet}"


def _country_names(tables: Tables) -> dict[str, str]:
    """Country id -> short name."""
    return dict(zip(tables.countries["country_id"], tables.countries["name"], strict=True))


def source_overview(tables: Tables) -> pd.DataFrame:
    """One row per seed text: outlet, genre, date, language, country, size, claims, voices."""
    seeds = seed_sources(tables.sources)
    names = _country_names(tables)
    words = part_words(tables.term_counts)["body"]
    asserted = tables.claim_sources.query("stance == 'asserts'").groupby("source_id").size()
    voices = tables.voices.groupby("source_id").size()
    ids = seeds["source_id"]
    return pd.DataFrame(
        {
            "source": ids.values,
            "genre": seeds["genre"].astype(str).values,
            "outlet": seeds["outlet"].values,
            "author": seeds["author"].values,
            "published": seeds["published"].fillna(NOT_STATED).values,
            "language": seeds["language"].values,
            "outlet country": seeds["outlet_country_id"].map(names).fillna(NOT_STATED).values,
            "words (body)": ids.map(words).astype("Int64").values,
            "claims asserted": ids.map(asserted).fillna(0).astype("int64").values,
            "voices quoted": ids.map(voices).fillna(0).astype("int64").values,
        }
    )


def events_by_source(tables: Tables) -> pd.DataFrame:
    """Every (source, event) pair: the event's own source and the further sources that report it."""
    events = tables.events[["event_id", "date", "date_earliest", "source_id"]]
    further = tables.event_sources[["event_id", "source_id"]].merge(
        events.drop(columns="source_id"), on="event_id"
    )
    return pd.concat([events, further], ignore_index=True).drop_duplicates(
        ["source_id", "event_id"]
    )


def coverage_spans(tables: Tables) -> pd.DataFrame:
    """Per seed text: its publication date and the first and last dated events it reports.

    For an undated text, the last event it reports is the earliest date it can have appeared.
    """
    reported = events_by_source(tables)
    rows = []
    for row in seed_sources(tables.sources).itertuples():
        own = reported[reported["source_id"] == row.source_id]
        dated = own.dropna(subset=["date_earliest"]).sort_values("date_earliest")
        has = not dated.empty
        rows.append(
            {
                "source": row.source_id,
                "label": source_label(pd.Series(row._asdict())),
                "published": row.published if isinstance(row.published, str) else None,
                "published_earliest": row.published_earliest,
                "dated events": len(dated),
                "undated events": len(own) - len(dated),
                "first event": dated["date"].iloc[0] if has else None,
                "first_earliest": dated["date_earliest"].iloc[0] if has else pd.NaT,
                "last event": dated["date"].iloc[-1] if has else None,
                "last_earliest": dated["date_earliest"].iloc[-1] if has else pd.NaT,
            }
        )
    spans = pd.DataFrame(rows)
    undated = spans["published"].isna()
    spans["not before"] = spans["last event"].where(undated)
    return spans


def describe_publication_timeline(spans: pd.DataFrame) -> str:
    """One or two sentences a screen reader can read in place of the publication timeline."""
    dated = spans.dropna(subset=["published"])
    undated = spans[spans["published"].isna()]
    parts = [f"{r.source} on {r.published}" for r in dated.itertuples()]
    text = (
        f"Timeline of {len(spans)} source texts: {len(dated)} give a publication date "
        f"({'; '.join(parts) or 'none'}), {len(undated)} do not."
    )
    bounded = undated.dropna(subset=["not before"])
    if not bounded.empty:
        pairs = zip(bounded["source"], bounded["not before"], strict=True)
        limits = "; ".join(f"{source} not before {date}" for source, date in pairs)
        text += f" The latest event an undated text reports bounds it: {limits}."
    unbounded = undated[undated["not before"].isna()]["source"].tolist()
    if unbounded:
        text += f" No dated event bounds {', '.join(unbounded)}."
    return text


def card_section(source_id: str, heading: str, cards_dir: Path = CARDS_DIR) -> str:
    """The text under one '## ' heading of a source card in seeds/<source_id>.md."""
    path = Path(cards_dir) / f"{source_id}.md"
    if not path.is_file():
        raise FileNotFoundError(f"no source card for {source_id}: {path} is missing")
    card = path.read_text(encoding="utf-8")
    marker = f"## {heading}\n"
    if marker not in card:
        raise ValueError(f"seeds/{source_id}.md has no section '## {heading}'")
    return card.split(marker, 1)[1].split("\n## ", 1)[0].strip()


def source_metadata(tables: Tables, source_id: str) -> pd.DataFrame:
    """A source's row of sources.csv as (field, value) pairs, unknowns spelled 'not stated'."""
    sources = tables.sources.set_index("source_id")
    if source_id not in sources.index:
        raise ValueError(f"{source_id!r} is not in sources.csv; ids: {', '.join(sources.index)}")
    row = sources.loc[source_id]
    country = _country_names(tables).get(row["outlet_country_id"], NOT_STATED)
    fields = {
        "title": row["title"],
        "outlet": row["outlet"],
        "author": row["author"],
        "published": row["published"] if isinstance(row["published"], str) else NOT_STATED,
        "genre": row["genre"],
        "language": row["language"],
        "outlet country": country,
        "perspective": row["perspective"],
        "notes": row["notes"] if isinstance(row["notes"], str) else "",
    }
    return pd.DataFrame({"field": list(fields), "value": [str(v) for v in fields.values()]})


STANCES = ("asserts", "qualifies", "disputes")


def source_claims(
    tables: Tables, source_id: str, stance: str | None = None, alone: bool = False
) -> pd.DataFrame:
    """The claims a source carries: claim, type, topic, stance, statement and quotation.

    alone=True keeps only the claims this source is the only one to assert.
    """
    if stance is not None and stance not in STANCES:
        raise ValueError(f"stance must be one of {STANCES} or None, not {stance!r}")
    links = tables.claim_sources[tables.claim_sources["source_id"] == source_id]
    if stance is not None:
        links = links[links["stance"] == stance]
    if alone:
        asserted = tables.claim_sources[tables.claim_sources["stance"] == "asserts"]
        others = asserted[asserted["source_id"] != source_id]["claim_id"]
        links = links[(links["stance"] == "asserts") & ~links["claim_id"].isin(others)]
    rows = links.merge(tables.claims, on="claim_id")
    rows = rows.assign(order=rows["stance"].astype(str).map(STANCES.index))
    rows = rows.sort_values(["order", "claim_id"])
    return pd.DataFrame(
        {
            "claim": rows["claim_id"].values,
            "type": rows["claim_type"].astype(str).values,
            "topic": rows["topic"].astype(str).values,
            "stance": rows["stance"].astype(str).values,
            "statement (our words)": rows["statement"].values,
            "quotation (locator)": rows["locator"].values,
        }
    )


LABEL_TERMS = tuple(t.name for t in VOCABULARY if t.group == "label")
"""The four labels whose treatment data/labels.csv codes."""


def label_uses(tables: Tables) -> pd.DataFrame:
    """The coded uses of the labels: source, label, treatment, who uses it, quotation, note."""
    labels = tables.labels.sort_values(["source_id", "label_id"])
    return pd.DataFrame(
        {
            "source": labels["source_id"].values,
            "label": labels["term"].astype(str).values,
            "treatment": labels["treatment"].astype(str).values,
            "used by": labels["used_by"].values,
            "quotation (locator)": labels["locator"].values,
            "note": labels["note"].fillna("").values,
        }
    )


def label_grid(tables: Tables) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Seed sources x labels: the treatments coded (joined by ', ') and the body mentions."""
    ids = seed_sources(tables.sources)["source_id"].tolist()
    order = {t: i for i, t in enumerate(tables.labels["treatment"].cat.categories)}
    coded = (
        tables.labels.assign(treatment=tables.labels["treatment"].astype(str))
        .groupby(["source_id", "term"], observed=True)["treatment"]
        .agg(lambda ts: ", ".join(sorted(set(ts), key=order.get)))
        .unstack()
    )
    treatments = coded.reindex(index=ids, columns=list(LABEL_TERMS)).fillna("")
    mentions = term_rates(tables.term_counts, list(LABEL_TERMS), "count").reindex(ids)
    return treatments, mentions


def describe_label_grid(treatments: pd.DataFrame, mentions: pd.DataFrame) -> str:
    """One or two sentences a screen reader can read in place of the label grid."""
    uses = []
    for source in treatments.index:
        coded = [
            f"'{term}' ({treatments.loc[source, term]}; {int(mentions.loc[source, term])}x)"
            for term in treatments.columns
            if treatments.loc[source, term]
        ]
        if coded:
            uses.append(f"{source} {', '.join(coded)}")
    unused = [s for s in treatments.index if not treatments.loc[s].any()]
    text = f"Grid of {len(treatments)} sources by {treatments.shape[1]} labels: " + "; ".join(uses)
    text += "." if uses else "no source uses any label."
    if unused and uses:
        text += f" {' and '.join(unused)} use none of them."
    return text


def label_coverage_problems(labels: pd.DataFrame, term_counts: pd.DataFrame) -> list[str]:
    """Mismatches between the label coding and the counts: used but uncoded, or coded but unused."""
    body = term_counts[(term_counts["part"] == "body") & term_counts["term"].isin(LABEL_TERMS)]
    used = {(r.source_id, r.term) for r in body.itertuples() if r.count > 0}
    coded = set(zip(labels["source_id"], labels["term"].astype(str), strict=True))
    problems = [
        f"{s} uses '{t}' but labels.csv codes no treatment" for s, t in sorted(used - coded)
    ]
    problems += [
        f"labels.csv codes {s} on '{t}', but its body never uses it"
        for s, t in sorted(coded - used)
    ]
    return problems


def claim_links(tables: Tables, texts_only: bool = False) -> pd.DataFrame:
    """The claim_sources rows (stance as text), optionally only those of the seed texts."""
    links = tables.claim_sources.assign(stance=tables.claim_sources["stance"].astype(str))
    if texts_only:
        links = links[links["source_id"].isin(seed_sources(tables.sources)["source_id"])]
    return links


def claim_support(tables: Tables, texts_only: bool = False) -> pd.DataFrame:
    """Per claim: how many sources assert, qualify and dispute it, and which flags apply.

    single_source: exactly one source asserts it. contested: some source disputes it.
    one_country: every asserting source is an outlet of the same, known country (its id).
    texts_only: count the seed texts only, leaving out public references (R...).
    """
    links = claim_links(tables, texts_only)
    country = tables.sources.set_index("source_id")["outlet_country_id"]
    counts = pd.crosstab(links["claim_id"], links["stance"]).reindex(
        columns=list(STANCES), fill_value=0
    )
    asserting = links[links["stance"] == "asserts"].groupby("claim_id")["source_id"]
    support = tables.claims.set_index("claim_id")[["statement", "claim_type", "topic"]].join(counts)
    support[list(STANCES)] = support[list(STANCES)].fillna(0).astype("int64")
    support["asserted by"] = asserting.agg(lambda s: ", ".join(sorted(s)))
    support["asserted by"] = support["asserted by"].fillna("")
    support["single_source"] = support["asserts"] == 1
    support["contested"] = support["disputes"] > 0
    support["one_country"] = asserting.agg(lambda s: _one_country(s, country))
    return support


def _one_country(source_ids: pd.Series, country: pd.Series) -> str | None:
    """The outlet country shared by all these sources, or None if they differ or one is unknown."""
    found = {country.get(s) for s in source_ids}
    if len(found) == 1 and isinstance(next(iter(found)), str):
        return next(iter(found))
    return None


def support_profile(support: pd.DataFrame) -> pd.DataFrame:
    """Number of claims by how many sources assert them (rows) and claim type (columns)."""
    types = support["claim_type"].cat.categories
    table = pd.crosstab(support["asserts"], support["claim_type"]).reindex(
        columns=types, fill_value=0
    )
    full = range(int(support["asserts"].min()), int(support["asserts"].max()) + 1)
    return table.reindex(full, fill_value=0).rename_axis("sources asserting")


def describe_support_profile(support: pd.DataFrame) -> str:
    """One or two sentences a screen reader can read in place of the support chart."""
    single = support[support["single_source"]]
    by_type = single["claim_type"].value_counts()
    detail = ", ".join(f"{n} {t}" for t, n in by_type.items() if n)
    return (
        f"Bar chart of {len(support)} claims by the number of sources asserting them. "
        f"{len(single)} claims rest on a single source ({detail}); "
        f"{int((support['asserts'] >= 3).sum())} are asserted by three or more sources; "
        f"{int(support['contested'].sum())} are disputed by at least one source."
    )


FILTERS = ("all claims", "single-source", "contested", "one outlet country")
"""The ways the corroboration matrix can be narrowed."""
ALL = "all"


def corroboration_matrix(
    tables: Tables,
    claim_type: str = ALL,
    topic: str = ALL,
    show: str = "all claims",
    texts_only: bool = False,
) -> pd.DataFrame:
    """Claims x sources, each cell the source's stance (asserts/qualifies/disputes) or empty."""
    support = claim_support(tables, texts_only)
    _check_choice("claim_type", claim_type, support["claim_type"].cat.categories)
    _check_choice("topic", topic, support["topic"].cat.categories)
    if show not in FILTERS:
        raise ValueError(f"show must be one of {FILTERS}, not {show!r}")
    keep = pd.Series(True, index=support.index)
    if claim_type != ALL:
        keep &= support["claim_type"] == claim_type
    if topic != ALL:
        keep &= support["topic"] == topic
    keep &= {
        "all claims": True,
        "single-source": support["single_source"],
        "contested": support["contested"],
        "one outlet country": support["one_country"].notna(),
    }[show]
    chosen = support[keep]
    all_links = claim_links(tables, texts_only)
    links = all_links[all_links["claim_id"].isin(chosen.index)]
    cells = links.pivot(index="claim_id", columns="source_id", values="stance").astype("object")
    columns = sorted(all_links["source_id"].unique(), key=lambda s: (s[0] != "S", s))
    cells = cells.reindex(index=chosen.index, columns=columns)
    cells = cells.astype("object").where(cells.notna(), "")
    front = pd.DataFrame(
        {
            "claim": chosen.index,
            "type": chosen["claim_type"].astype(str).values,
            "topic": chosen["topic"].astype(str).values,
            "statement (our words)": chosen["statement"].values,
        }
    )
    return pd.concat([front, cells.reset_index(drop=True)], axis=1)


def _check_choice(name: str, value: str, allowed: pd.Index) -> None:
    """Raise a clear error when value is neither 'all' nor one of the allowed categories."""
    if value != ALL and value not in allowed:
        raise ValueError(f"{name} must be 'all' or one of {', '.join(allowed)}; not {value!r}")


def voices_table(tables: Tables) -> pd.DataFrame:
    """Who is quoted or cited, from which country, when, on what, where they stand, and the quote.

    'said' is when the voice spoke ('not stated' when the source gives no date); 'on the question'
    says whether it speaks to security cooperation among the Turkic states at all.
    """
    names = _country_names(tables)
    voices = tables.voices.sort_values(["source_id", "voice_id"])
    return pd.DataFrame(
        {
            "source": voices["source_id"].values,
            "voice": voices["name"].values,
            "kind": voices["voice_kind"].astype(str).values,
            "country": voices["country_id"].map(names).fillna(NOT_STATED).values,
            "said": voices["said"].fillna(NOT_STATED).values,
            "on the question": voices["on_question"].map({True: "yes", False: "no"}).values,
            "stance": voices["stance"].astype(str).values,
            "quotation (locator)": voices["locator"].values,
        }
    )


def voices_by_country(tables: Tables) -> pd.DataFrame:
    """Countries x stances: how many voices the sources quote from each country, by stance."""
    table = voices_table(tables)
    counts = pd.crosstab(table["country"], table["stance"])
    counts = counts.reindex(columns=list(tables.voices["stance"].cat.categories), fill_value=0)
    return counts.loc[counts.sum(axis=1).sort_values(ascending=False, kind="stable").index]


def main() -> int:
    """Regenerate data/term_counts.csv from the seed texts (for `make term-counts`)."""
    seed_dir = default_seed_dir()
    if seed_dir is None:
        print("seed texts not found at ../shared/seeds: cannot count terms", file=sys.stderr)
        return 1
    sources = pd.read_csv(DATA_DIR / "sources.csv", dtype=str, keep_default_na=False)
    table = term_count_table(read_seed_texts(sources, seed_dir))
    TERM_COUNTS.write_text(term_counts_csv(table), encoding="utf-8")
    print(f"wrote {TERM_COUNTS.relative_to(DATA_DIR.parent)}: {len(table)} rows from {seed_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
