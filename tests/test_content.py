"""Content rules: source cards complete, prose in our own words, data documented and complete."""

import json
import re

import pytest

from conftest import REPO, SHARED, require, session_plans
from otslab.data.provenance import normalise

SEEDS = SHARED / "seeds"
CARDS = REPO / "seeds"
SEED_IDS = ["S000", "S001", "S002", "S003", "S004"]
CARD_SECTIONS = [
    "## Bibliographic data",
    "## Genre and voice",
    "## Summary",
    "## Claims",
    "## Perspective",
]
PROSE_SECTIONS = ["## Genre and voice", "## Summary", "## Perspective"]
"""Card sections in our own words (the bibliographic table quotes titles on purpose)."""
COPY_WINDOW = 9
"""A run of this many words shared with a seed text counts as copied prose."""



def words(text: str) -> list[str]:
    """Lower-cased word tokens of a text, quotes and dashes folded."""
    return re.findall(r"[\w$'.,-]+", normalise(text).lower())


def shingles(text: str, size: int = COPY_WINDOW) -> set[tuple[str, ...]]:
    """Every run of `size` consecutive words."""
    tokens = words(text)
    return {tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def card_section(card: str, heading: str) -> str:
    """The text under one '## ' heading of a card."""
    body = card.split(heading, 1)[1]
    return body.split("\n## ", 1)[0]


@pytest.mark.parametrize("source_id", SEED_IDS)
def test_source_card_is_complete(source_id: str, T) -> None:
    """Each seed has a card with every section, a 150-250 word summary, and its exact claim ids."""
    card = (CARDS / f"{source_id}.md").read_text(encoding="utf-8")
    for heading in CARD_SECTIONS:
        assert heading in card, f"seeds/{source_id}.md lacks the section '{heading}'"
    summary = len(card_section(card, "## Summary").split())
    assert 150 <= summary <= 250, f"seeds/{source_id}.md summary has {summary} words"
    listed = set(re.findall(r"\bC\d{3}\b", card_section(card, "## Claims")))
    carried = set(T.claim_sources.query("source_id == @source_id")["claim_id"])
    assert listed == carried, f"claims on the card differ from claim_sources: {listed ^ carried}"


def test_prose_is_in_our_own_words(T) -> None:
    """No card, guide, claim, event, voice or factor repeats a run of nine words from a seed."""
    require(
        SEEDS.is_dir(),
        f"the five seed texts at {SEEDS}: put the shared folder beside the repository",
    )
    seed_runs = set().union(*(shingles(p.read_text(encoding="utf-8")) for p in SEEDS.glob("*.txt")))
    ours = {
        f"seeds/{p.name} {heading}": card_section(p.read_text(encoding="utf-8"), heading)
        for p in CARDS.glob("S*.md")
        for heading in PROSE_SECTIONS
    }
    for doc in sorted((REPO / "notebooks").glob("*.md")):
        ours[f"notebooks/{doc.name}"] = doc.read_text(encoding="utf-8")
    for table, columns in {
        "claims": ["statement"],
        "commitments": ["name", "conflict", "notes"],
        "events": ["title", "summary", "notes"],
        "voices": ["position"],
        "factors": ["description"],
        "scenarios": ["description"],
    }.items():
        for i, row in T[table].iterrows():
            for col in columns:
                ours[f"data/{table}.csv line {i + 2} {col}"] = str(row[col])
    copied = {
        where: " ".join(sorted(shingles(text) & seed_runs)[0])
        for where, text in ours.items()
        if shingles(text) & seed_runs
    }
    assert not copied, f"copied from a seed: {copied}"


def test_every_table_and_column_is_in_the_data_dictionary() -> None:
    """data/README.md documents each table and column that datapackage.json defines."""
    readme = (REPO / "data" / "README.md").read_text(encoding="utf-8")
    package = json.loads((REPO / "data" / "datapackage.json").read_text(encoding="utf-8"))
    missing = [
        f"{r['path']}:{f['name']}"
        for r in package["resources"]
        for f in r["schema"]["fields"]
        if f"`{f['name']}`" not in readme
    ]
    missing += [r["path"] for r in package["resources"] if f"`{r['path']}`" not in readme]
    assert not missing, f"not documented in data/README.md: {missing}"


@pytest.mark.parametrize("source_id", SEED_IDS)
def test_each_seed_carries_at_least_eight_claims_and_a_voice(source_id: str, T) -> None:
    """The claims table covers each source's main claims, and each source's voices are recorded."""
    claims = T.claim_sources.query("source_id == @source_id and stance == 'asserts'")
    assert len(claims) >= 8, f"{source_id} asserts only {len(claims)} claims"
    assert (T.voices["source_id"] == source_id).any(), f"no voice from {source_id}"


def test_every_event_has_participants(T) -> None:
    """No event is without at least one participating state."""
    orphans = set(T.events["event_id"]) - set(T.event_participants["event_id"])
    assert not orphans, f"events without participants: {sorted(orphans)}"


def test_every_course_state_has_memberships(T) -> None:
    """The eight OTS states and the five context states each have dated memberships."""
    course = T.countries.query("role != 'mentioned'")["country_id"]
    covered = set(T.memberships["country_id"])
    assert set(course) <= covered, f"no memberships for {set(course) - covered}"


def test_claims_are_linked_and_typed(T) -> None:
    """Every claim is carried by some source; all four claim types occur."""
    unlinked = set(T.claims["claim_id"]) - set(T.claim_sources["claim_id"])
    assert not unlinked, f"claims no source carries: {sorted(unlinked)}"
    assert set(T.claims["claim_type"].astype(str)) == {
        "fact",
        "interpretation",
        "forecast",
        "recommendation",
    }


GLOSSARY_TERMS = [
    "Collective defence",
    "Article 5",
    "CSTO",
    "SCO",
    "PfP",
    "CIS",
    "EAEU",
    "GUAM",
    "NAM",
    "Solidarity clause",
    "Transit agreement",
    "Defence-cooperation agreement",
    "Multi-vector policy",
    "positive neutrality",
    "Middle Corridor",
    "Interoperability",
    "Locator",
    "Corroboration",
    "Claim types",
    "Stance",
    "Label treatment",
    "Jaccard",
    "Rung",
    "Depth",
]


def test_glossary_defines_the_course_terms() -> None:
    """Each term the course relies on has its own glossary heading."""
    headings = [
        line
        for line in (REPO / "notebooks" / "GLOSSARY.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("### ")
    ]
    missing = [t for t in GLOSSARY_TERMS if not any(t in h for h in headings)]
    assert not missing, f"GLOSSARY.md lacks: {missing}"


def test_readme_course_map_matches_the_notebooks() -> None:
    """Every notebook row in the README map says whether it exists, truthfully."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if re.match(r"^\| 0\d \|", line)]
    assert len(rows) == 5, "the course map should list notebooks 00-04"
    for row in rows:
        stem = re.search(r"`(\d\d_[a-z_]+)`", row).group(1)
        exists = (REPO / "notebooks" / f"{stem}.ipynb").exists()
        assert exists != ("not written yet" in row), f"README course map is wrong about {stem}"


def test_readme_launch_links_open_the_start_notebook() -> None:
    """The Binder and nbgitpuller patterns point at the start notebook, which exists."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "make lab" in readme and "make test" in readme
    assert "?urlpath=lab/tree/notebooks/00_start_here.ipynb" in readme
    assert re.search(
        r"git-pull\?repo=\S+&urlpath=lab/tree/[\w.-]+/notebooks/00_start_here\.ipynb", readme
    )
    assert (REPO / "notebooks" / "00_start_here.ipynb").is_file()


def test_instructor_guide_has_sessions_rubric_and_fallback() -> None:
    """The guide gives timed sessions, a 4-session variant, role play, rubric, keys, grading."""
    guide = (REPO / "notebooks" / "INSTRUCTOR_GUIDE.md").read_text(encoding="utf-8")
    for heading in [
        "## Session 1",
        "## Session 2",
        "## Session 3",
        "## Four-session plan",
        "## Three-session variant",
        "## Who the course is for",
        "## Collecting and grading work",
        "## The role play",
        "## Sensitive moments in class",
        "## Assessment rubric",
        "## If Binder is slow",
    ]:
        assert heading in guide, f"INSTRUCTOR_GUIDE.md lacks '{heading}'"
    assert "**Pre-class task" in guide and "make grade DIR=" in guide
    for notebook in sorted((REPO / "notebooks").glob("0*.ipynb")):
        assert f"Notebook {notebook.name[:2]}" in guide or f"notebook {notebook.name[:2]}" in guide
    for linked in re.findall(r"\]\(([A-Z_]+\.md)\)", guide):
        assert (REPO / "notebooks" / linked).is_file(), f"the guide links a missing {linked}"
    sensitive = guide.split("## Sensitive moments in class", 1)[1].split("\n## ", 1)[0]
    for topic in ["Karabakh", "Armenian", "Northern Cyprus", "blocker", "AI"]:
        assert topic in sensitive, f"the sensitive-moments section does not cover {topic}"


def test_every_session_plan_fits_its_90_minutes() -> None:
    """Each plan runs 0-90 without gaps, each row marked core/optional/homework; 3 + 4 sessions."""
    from otslab.course.taskbank import TASKS

    guide = (REPO / "notebooks" / "INSTRUCTOR_GUIDE.md").read_text(encoding="utf-8")
    plans = session_plans(guide)
    assert len(plans) == 7, f"expected sessions 1-3 and A-D, found {list(plans)}"
    for title, rows in plans.items():
        assert rows, f"session '{title}' has no timed plan"
        assert rows[0][0] == 0 and rows[-1][1] == 90, f"'{title}' must run 0-90 minutes"
        for (_, end, *_), (start, *_) in zip(rows, rows[1:], strict=False):
            assert end == start, f"'{title}': a gap or overlap at minute {end}"
        assert all(a < b for a, b, *_ in rows), f"'{title}': a row ends before it starts"
        assert {mark for *_, mark, _ in rows} <= {"core", "optional", "homework"}, title
        assert sum(b - a for a, b, mark, _ in rows if mark == "core") >= 60, title
    role_play = [t for t, rows in plans.items() if t.startswith("Session D")]
    assert role_play and any("Role play" in text for *_, text in plans[role_play[0]])
    named = set(re.findall(r"\b(0\d\.(?:\d|ex\d|memo|test))\b", guide))
    assert named <= set(TASKS), f"the guide names tasks that do not exist: {named - set(TASKS)}"
    section_tasks = {t for t in TASKS if re.fullmatch(r"0\d\.\d", t)}
    planned = set(re.findall(r"\b0\d\.\d\b", guide)) | {
        f"{a[:3]}{n}"
        for a, b in re.findall(r"\b(0\d\.\d)-(0\d\.\d)\b", guide)
        for n in range(int(a[3]), int(b[3]) + 1)
    }
    assert section_tasks <= planned, f"tasks no plan schedules: {sorted(section_tasks - planned)}"


def test_every_notebook_links_the_glossary() -> None:
    """Each notebook links GLOSSARY.md, and every link lands on a term's own heading."""
    glossary = (REPO / "notebooks" / "GLOSSARY.md").read_text(encoding="utf-8")
    anchors = {
        re.sub(r"[^\w\- ]", "", line[4:].strip().lower()).replace(" ", "-")
        for line in glossary.splitlines()
        if line.startswith("### ")
    }
    for notebook in sorted((REPO / "notebooks").glob("0*.ipynb")):
        text = notebook.read_text(encoding="utf-8")
        assert "](GLOSSARY.md" in text, notebook.name
        for anchor in re.findall(r"\]\(GLOSSARY\.md#([\w-]+)\)", text):
            assert anchor in anchors, f"{notebook.name}: GLOSSARY.md#{anchor} names no term"
    for term in ["locator", "corroboration", "jaccard-similarity", "rung", "depth"]:
        linked = any(
            f"GLOSSARY.md#{term})" in p.read_text(encoding="utf-8")
            for p in (REPO / "notebooks").glob("0*.ipynb")
        )
        assert linked, f"no notebook links the method term {term}"
