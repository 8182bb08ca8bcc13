"""tools/source_cards.py: the cards list each source's claims and say where each quotation is."""

import re
import subprocess
import sys

import pandas as pd
import pytest
import source_cards as sc

from conftest import REPO, SHARED, require
from otslab.data.provenance import normalise

SEEDS = SHARED / "seeds"
SEED_IDS = ["S000", "S001", "S002", "S003", "S004"]


def seed_lines(source_id: str) -> list[str]:
    """The lines of a seed text, as the file holds them."""
    sources = pd.read_csv(REPO / "data" / "sources.csv", dtype=str).set_index("source_id")
    return (SEEDS / sources.loc[source_id, "seed_file"]).read_text(encoding="utf-8").splitlines()


def test_cards_are_current() -> None:
    """Running the tool with --check finds nothing to refresh: the cards match the data."""
    require(
        SEEDS.is_dir(),
        f"the five seed texts at {SEEDS}: put the shared folder beside the repository",
    )
    done = subprocess.run(
        [sys.executable, str(REPO / "tools" / "source_cards.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("source_id", SEED_IDS)
def test_every_seed_locator_is_on_the_card_where_it_is(source_id: str) -> None:
    """Each quotation the CSVs cite for a source is listed once, at its paragraph and sentence."""
    require(
        SEEDS.is_dir(),
        f"the five seed texts at {SEEDS}: put the shared folder beside the repository",
    )
    card = (REPO / "seeds" / f"{source_id}.md").read_text(encoding="utf-8")
    listed = re.findall(r'^- (.+?), paragraph (\d+), sentence (\d+): "(.+)" \(', card, flags=re.M)
    quotes = {quote: (part, int(par), int(sen)) for part, par, sen, quote in listed}
    lines = seed_lines(source_id)
    for path in sorted((REPO / "data").glob("*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for col in [c for c in frame.columns if c.endswith("source_id")]:
            loc = col.removesuffix("source_id") + "locator"
            for quote in frame.loc[frame[col] == source_id, loc] if loc in frame else []:
                assert quote in quotes, f"{path.name}: {quote!r} is not on seeds/{source_id}.md"
                part, paragraph, sentence = quotes[quote]
                # Walk to the paragraph by hand and check the quotation is in the named sentence.
                start = {label: line for line, label in sc.PARTS[source_id]}[part]
                texts = [t for t in lines[start - 1 :] if t.strip()]
                text = normalise(texts[paragraph - 1])
                before = text[: text.index(normalise(quote))]
                assert 1 + len(re.findall(r"[.!?]\s+", before)) == sentence, quote


def test_a_quotation_missing_from_its_text_is_an_error() -> None:
    """A locator that is on no line of the text stops the tool with the quotation named."""
    with pytest.raises(ValueError, match="not found on any line"):
        sc.place(["First line.", "Second line."], [(1, "the text")], "a third line")


def test_place_names_part_paragraph_and_sentence() -> None:
    """Parts start at given lines; paragraphs count non-empty lines; sentences end at '. '."""
    lines = ["Title", "", "Intro one. Intro two.", "", "Body one. Body two. Body three.", "More."]
    parts = [(1, "the title"), (3, "the body")]
    assert sc.place(lines, parts, "Body three") == (5, "the body, paragraph 2, sentence 3")
    assert sc.place(lines, parts, "Intro one") == (3, "the body, paragraph 1, sentence 1")
    assert sc.place(lines, parts, "Title") == (1, "the title, paragraph 1, sentence 1")
