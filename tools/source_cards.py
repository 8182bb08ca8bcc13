"""Refresh the generated parts of the source cards in seeds/: claims, and where quotations are.

Each card's "## Claims" section lists the claims of data/claims.csv that the source carries
(from data/claim_sources.csv), and its "## Where the quotations are" section lists every
quotation the data use as a locator for that source, in the order of the text, with the part of
the text it is in (in our own words), its paragraph within that part and its sentence within
that paragraph, so a student can find it in the original. Only the short quotations themselves
come from the texts.

Usage: python tools/source_cards.py [--check]   (--check: exit 1 if a card is out of date)
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "notebooks"))

from otslab.data.provenance import default_seed_dir, normalise, provenance_columns  # noqa: E402

DATA = REPO / "data"
CARDS = REPO / "seeds"
WHERE = "## Where the quotations are"
STANCES = {"asserts": "Asserts", "qualifies": "Qualifies", "disputes": "Disputes"}

PARTS: dict[str, list[tuple[int, str]]] = {
    "S000": [
        (1, "the headline"),
        (7, "the opening, on the debate and the Baku TV talk show"),
        (14, "the panel's views on the label and on what the states are doing"),
        (22, "the part on how differently the members are placed"),
        (28, "the part on the OTS's 2040 strategy and the pace of progress"),
        (32, "the closing paragraphs"),
    ],
    "S001": [
        (1, "the headline"),
        (4, "the introduction"),
        (6, "the section on history and rationale"),
        (10, "the section on structure and objectives"),
        (26, "the section on costs"),
        (30, "the comparison with Türkiye, Iran and Russia"),
        (38, "the section on precedents"),
        (43, "the conclusion"),
        (45, "the author note"),
        (49, "the comment form below the article"),
    ],
    "S002": [
        (1, "the label and title at the top"),
        (4, "the issue line"),
        (7, "the English abstract"),
        (10, "the reference list"),
        (38, "the Turkish title and abstract"),
    ],
    "S003": [
        (3, "the headline"),
        (7, "the introduction, on the Russian newspaper's phrase"),
        (15, "the steps building the network: the transit agreement"),
        (29, "the steps: the defence-industries platform and the Gabala summit"),
        (39, "the steps: bilateral cooperation"),
        (49, "the steps: drills and exercises"),
        (57, "the map of power: Türkiye"),
        (69, "the map of power: Azerbaijan"),
        (77, "the map of power: Kazakhstan"),
        (83, "the map of power: Uzbekistan"),
        (89, "the map of power: Kyrgyzstan and the observers"),
        (101, "the obstacles: Russia"),
        (119, "the obstacles: China"),
        (133, "the obstacles: Central Asian hesitation"),
        (147, "the obstacles: no defence structure, and the conclusion"),
    ],
    "S004": [
        (1, "the site's menus"),
        (21, "the section label"),
        (25, "the headline"),
        (27, "the dateline"),
        (29, "the outlet's introduction"),
        (31, "President Aliyev's quoted answer"),
        (33, "the outlet's question to the experts"),
        (35, "the Kazakh analyst Amangeldi Qurmetuly"),
        (51, "the Uzbek political scientist Bunyod Tillakhujaev"),
        (63, "the Kyrgyz expert Mars Sariyev"),
        (71, "the sign-off and page furniture"),
    ],
}
"""Where each part of a seed text starts (its line in the seed file): what it is, in our words."""


def read(name: str) -> pd.DataFrame:
    """One CSV table as text, empty cells as empty strings."""
    return pd.read_csv(DATA / f"{name}.csv", dtype=str, keep_default_na=False)


def claims_section(source_id: str) -> str:
    """The Markdown of a card's claims: every claim the source carries, by stance.

    Each claim leads with this source's own locator (and who in the source says it), then the
    course's full statement, which may bundle what several sources say: the card must not read
    as if this source said all of it (content review N32).
    """
    claims = read("claims").set_index("claim_id")
    links = read("claim_sources")
    links = links[links["source_id"] == source_id]
    lines = [
        f"The claims this source carries ({links['claim_id'].nunique()}; "
        "full links in `data/claim_sources.csv`). Each line gives first what this source says "
        "(its locator, and who in it says so), then the course's whole claim, which may also rest "
        "on other sources: read the locator to see which part is this source's."
    ]
    for stance, heading in STANCES.items():
        mine = links[links["stance"] == stance].sort_values("claim_id", kind="stable")
        if len(mine):
            lines += ["", f"**{heading}**", ""]
            for row in mine.itertuples():
                who = f" ({row.note})" if row.note else ""
                lines.append(
                    f'- {row.claim_id} ({claims.loc[row.claim_id, "claim_type"]}): this source: '
                    f'"{row.locator}"{who}. Whole claim: {claims.loc[row.claim_id, "statement"]}'
                )
    return "\n".join(lines)


def citing_rows(source_id: str) -> dict[str, list[str]]:
    """Every locator the data give for a source, with the rows that cite it ('C015 asserts')."""
    found: dict[str, list[str]] = {}
    for path in sorted(DATA.glob("*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for source_col, locator_col in provenance_columns(frame):
            for _, row in frame[frame[source_col] == source_id].iterrows():
                label = str(row.iloc[0])
                if path.stem == "claim_sources":
                    label = f"{row['claim_id']} {row['stance']}"
                elif path.stem == "event_sources":
                    label = f"{row['event_id']} (further source)"
                found.setdefault(row[locator_col], []).append(label)
    return found


def sentences(paragraph: str) -> list[str]:
    """A paragraph cut into sentences (at '.', '!' or '?' followed by a space)."""
    return re.split(r"(?<=[.!?])\s+", paragraph)


def place(lines: list[str], parts: list[tuple[int, str]], quote: str) -> tuple[int, str]:
    """(line, 'the section on costs, paragraph 1, sentence 2') for a quotation in a seed text."""
    wanted = normalise(quote)
    for number, line in enumerate(lines, start=1):
        if wanted in normalise(line):
            start, part = max((p for p in parts if p[0] <= number), default=(1, "the text"))
            paragraph = sum(1 for text in lines[start - 1 : number] if text.strip())
            sentence = _sentence_of(normalise(line), wanted)
            return number, f"{part}, paragraph {paragraph}, sentence {sentence}"
    raise ValueError(f"quotation not found on any line of its text: {quote!r}")


def _sentence_of(paragraph: str, quote: str) -> int:
    """The number of the sentence in which a quotation starts."""
    start = paragraph.index(quote)
    return len(sentences(paragraph[:start].rstrip() + " x")) if start else 1


def where_section(source_id: str, seed_text: str) -> str:
    """The Markdown list of a source's quotations, in text order, each with where it is."""
    lines = seed_text.splitlines()
    found = []
    for quote, rows in citing_rows(source_id).items():
        number, where = place(lines, PARTS[source_id], quote)
        found.append((number, normalise(seed_text).find(normalise(quote)), where, quote, rows))
    items = [
        f'- {where}: "{quote}" ({", ".join(sorted(set(rows)))})'
        for *_, where, quote, rows in sorted(found, key=lambda f: (f[0], f[1]))
    ]
    intro = (
        f"Every quotation the data use to locate a fact in {source_id}, in the order of the "
        "text. Each gives the part of the text (in our words), the paragraph within that part "
        "(a heading counts as a paragraph) and the sentence within that paragraph; the rows that "
        "cite it follow in brackets. "
        "Search the original for the quoted words."
    )
    return "\n".join([intro, "", *items])


def replace_section(card: str, heading: str, body: str) -> str:
    """The card with one '## ' section's body replaced (the section is appended if missing)."""
    block = f"{heading}\n\n{body}\n"
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(card):
        rest = pattern.sub(lambda _: block + "\n", card, count=1)
        return rest.rstrip("\n") + "\n"
    return card.rstrip("\n") + "\n\n" + block


def refreshed(source_id: str, seed_dir: Path) -> tuple[Path, str, str]:
    """(card path, current text, refreshed text) for one seed source."""
    seed_file = read("sources").set_index("source_id").loc[source_id, "seed_file"]
    seed_text = (Path(seed_dir) / seed_file).read_text(encoding="utf-8")
    path = CARDS / f"{source_id}.md"
    card = path.read_text(encoding="utf-8")
    new = replace_section(card, "## Claims", claims_section(source_id))
    new = replace_section(new, WHERE, where_section(source_id, seed_text))
    return path, card, new


def main() -> int:
    """Write the refreshed cards, or with --check report the ones that are out of date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a card is out of date")
    args = parser.parse_args()
    seed_dir = default_seed_dir()
    if seed_dir is None:
        print("seed texts not found beside the repository (../shared/seeds): cards not refreshed")
        return 1
    stale = []
    for source_id in PARTS:
        path, card, new = refreshed(source_id, seed_dir)
        if new != card:
            stale.append(path.name)
            if not args.check:
                path.write_text(new, encoding="utf-8")
    verb = "out of date" if args.check else "refreshed"
    print(f"{len(stale)} card(s) {verb}: {', '.join(stale) or 'none'}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
