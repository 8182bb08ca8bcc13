"""The delegations' role cards for the summit role play, and the evidence sheet behind each.

A card is written for a ten-minute read: one printed page (at most CARD_WORDS words), plain
names and no data ids, under headings that say what they hold. What the government has said comes
only from official voices, each dated, with its source named in words. Only commitments in force
bind; a treaty signed but not in force is shown as such. What the state already does comes from
the record, and no option or instruction tells it to refuse that. Every line's ids, sources and
locators are on the card's evidence sheet.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import pandas as pd

from otslab.data import Tables
from otslab.model import feasibility as fz
from otslab.model import record as rec
from otslab.model.alignments import closing_in_words, commitment_parties, current_year
from otslab.views.markup import md_text as md

CARD_WORDS = 600
"""A printed card fits one page: at most this many words."""

INVENTED = "Invented for the game: not a fact, and in no source."
"""The mark on every confidential instruction."""

DATA_ID = re.compile(r"\b(?:[SRKECFVLMTP]\d{3}|[SRKECFVLMTP]\d{2})\b")
"""A data id (S003, R201, K001, E047, C112, F05, V24, L4 ...): never in a card's text."""

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()

EFFECT_WORDS = {
    "rules out": "rules out",
    "limits": "limits",
    "pulls elsewhere": "competes in a crisis with",
}
"""How a clash's effect reads on a card."""

SEATS = {
    "member": "OTS member: you sit at the table; nothing passes without you.",
    "observer": "OTS observer: you may speak at the table, but you do not decide and cannot "
    "block. You can say what your government could live with, and ask what a text would mean "
    "for observers.",
}
OUTSIDE_SEAT = (
    "Outside power: you are not at the table and do not vote. You may talk to any delegation in "
    "the recess and make one public statement."
)

PREPARE = """## Prepare (10 minutes)

1. Your answers to question 1 (exercises under the OTS flag) and question 2 (a clause): yes, no,
   or "only if ...", with one argument from this card.
2. Your red line, the commitment behind it, and what would move you."""

PREPARE_OUTSIDE = """## Prepare (10 minutes)

1. The outcome you want on question 1 (exercises under the OTS flag) and question 2 (a clause).
2. Whom you will talk to in the recess, with which argument from this card.
3. Your one-minute public statement: what you say, and what you leave unsaid."""


# --- words ---------------------------------------------------------------------------------------


def date_words(value: object) -> str:
    """An ISO date cut to its precision, in words: '12 Sep 2025', 'Jun 2024', '2021', 'undated'."""
    if pd.isna(value) or not str(value).strip():
        return "undated"
    parts = [int(p) for p in str(value).split("-")]
    words = [str(parts[2])] if len(parts) == 3 else []
    words += [MONTHS[parts[1] - 1]] if len(parts) >= 2 else []
    return " ".join([*words, str(parts[0])])


def source_words(tables: Tables, source_id: str) -> str:
    """A source named in words: its outlet, or its title when the outlet is not stated."""
    row = tables.sources.set_index("source_id").loc[source_id]
    outlet = re.sub(r"\s*\(.*\)$", "", str(row["outlet"]))
    if outlet and outlet != "not stated":
        return outlet
    words = str(row["title"]).split()
    return "\u201c" + " ".join(words[:4]) + ("\u2026" if len(words) > 4 else "") + "\u201d"


def plain(tables: Tables, text: object) -> str:
    """Data text for a card: each source id becomes its name in words, other ids are dropped."""

    def name(match: re.Match) -> str:
        found = match.group(0)
        if found[0] in "SR" and found in set(tables.sources["source_id"]):
            return source_words(tables, found)
        return ""

    cleaned = DATA_ID.sub(name, str(text))
    return re.sub(r"\(\s*[,;]?\s*\)|\s+(?=[,.;:)])", "", re.sub(r"\s{2,}", " ", cleaned)).strip()


def quoted(locator: object) -> str:
    """A locator in curly quotes, once (some locators carry their own straight quotes)."""
    return "\u201c" + str(locator).strip().strip('"').strip() + "\u201d"


def word_count(markdown: str) -> int:
    """Words a reader reads in a card's Markdown (marks and list numbers not counted)."""
    return len(
        [w for w in re.split(r"\s+", re.sub(r"[*#_>|`]", " ", markdown)) if re.search(r"\w", w)]
    )


def _requirement(code: str) -> str:
    """A requirement code in words: 'mutual_assistance_clause' -> 'mutual assistance clause'."""
    return code.replace("_", " ")


def short_commitment(name: object) -> str:
    """A commitment's name up to its colon: 'CSTO Article 1', 'Caspian Convention'."""
    return str(name).split(":")[0].strip()


def gist(text: object, words: int = 26) -> str:
    """The first sentence or clause of a data text, at most `words` words."""
    first = re.split(r"(?<=[.;])\s", str(text).strip())[0].rstrip(";. ")
    parts = first.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else ".")


# --- what the card rests on ---------------------------------------------------------------------


def official_voices(
    tables: Tables, country_id: str, limit: int = 3, once: bool = True
) -> pd.DataFrame:
    """The state's official voices (voice_kind 'official'), latest first, with source and date;
    each speaker once (their latest) unless `once` is False."""
    voices = tables.voices[
        (tables.voices["country_id"] == country_id)
        & (tables.voices["voice_kind"].astype(str) == "official")
    ]
    published = tables.sources.set_index("source_id")["published"]
    voices = voices.assign(published=voices["source_id"].map(published).astype(object))
    voices = voices.sort_values("published", ascending=False, na_position="last")
    return (voices.drop_duplicates("name") if once else voices).head(limit)


def other_voices(tables: Tables, country_id: str) -> pd.DataFrame:
    """The state's voices that are not its government: analysts, former officials, media."""
    return tables.voices[
        (tables.voices["country_id"] == country_id)
        & (tables.voices["voice_kind"].astype(str) != "official")
    ]


def state_clashes(tables: Tables, clashes: pd.DataFrame, country_id: str) -> pd.DataFrame:
    """A state's clashes, each at the first rung that asks for its requirement, with the status
    of the commitment (in force or not)."""
    found = fz.rung_clashes(tables.scenarios, clashes, [country_id]).sort_values("rung")
    return found.drop_duplicates(["commitment_id", "name", "requirement"]).reset_index(drop=True)


def _commitments(tables: Tables) -> pd.DataFrame:
    """commitments.csv by id."""
    return tables.commitments.set_index("commitment_id")


# --- the card -----------------------------------------------------------------------------------


def said_lines(tables: Tables, country_id: str) -> list[str]:
    """'What your government has said': official voices only, each dated, its source in words."""
    voices = official_voices(tables, country_id)
    if voices.empty:
        return [
            "- The sources quote no official of your government on this question. Do not invent "
            "one: argue from your commitments and the record, and say that your government has "
            "not spoken. What the sources say about you instead:",
            *claims_about(tables, country_id),
        ]
    lines = []
    for r in voices.itertuples():
        how = "as reported by" if str(r.words) == "reported" else "in"
        office = str(r.affiliation).split(",")[0]
        post = "" if office.startswith("not stated") else f", {md(office)}"
        lines.append(
            f"- **{md(r.name)}**{post} ({md(date_words(r.published))}, {how} "
            f"{md(source_words(tables, r.source_id))}): {md(gist(plain(tables, r.position)))}"
        )
    return lines


def claims_about(tables: Tables, country_id: str, limit: int = 2) -> list[str]:
    """The claims naming a state that most sources make, in plain words, with type and count."""
    named = rec.claims_naming(tables, country_id).set_index("claim_id")
    links = tables.claim_sources[tables.claim_sources["claim_id"].isin(named.index)]
    counts = links.groupby("claim_id")["source_id"].nunique().sort_values(ascending=False)
    return [
        f"  - {md(plain(tables, named.loc[cid, 'statement']))} "
        f"({md(named.loc[cid, 'claim_type'])}; {n} source{'s' * (n != 1)})"
        for cid, n in counts.head(limit).items()
    ] or ["  - The sources make no claim that names you."]


def done_lines(tables: Tables, country_id: str) -> list[str]:
    """'What you already do': the record, rung by rung, in plain words with dates."""
    practice = rec.record_practice(tables, [country_id])
    if practice.empty:
        return ["- The record shows nothing yet that a rung of the ladder asks for."]
    lines = []
    for rung, rows in practice.groupby("rung"):
        seen = rows.drop_duplicates("event_id")
        close = (seen["match"] != "the requirement itself").all()
        what = ", ".join(dict.fromkeys(_requirement(c) for c in seen["requirement"]))
        if close:
            what = "joint exercises with OTS partners, not yet under the OTS flag"
        events = "; ".join(
            f"{_short_title(r.title)} ({date_words(r.date)})" for r in seen.head(2).itertuples()
        )
        more = f", and {len(seen) - 2} more" if len(seen) > 2 else ""
        lines.append(f"- **Rung {int(rung)}**, {md(what)}: {md(events)}{more}.")
    return lines


def _short_title(title: str, words: int = 7) -> str:
    """An event title cut to its first clause and at most `words` words."""
    head = re.split(r"[,(:]", str(title))[0].strip()
    parts = head.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def _touches(rows: pd.DataFrame) -> str:
    """What a commitment's clashes do to the ladder: 'rules out x (rung 4); limits (...) y'."""
    parts = []
    for effect in fz.CLASH_WEIGHTS:
        mine = rows[rows["effect"] == effect]
        if len(mine):
            what = ", ".join(
                f"{_requirement(r.requirement)} (rung {r.rung})" for r in mine.itertuples()
            )
            parts.append(f"{EFFECT_WORDS[effect]} {what}")
    return "; ".join(parts)


def commitment_lines(tables: Tables, clashes: pd.DataFrame, country_id: str) -> list[str]:
    """'Your commitments in force' and those signed but not in force: what each does."""
    found = state_clashes(tables, clashes, country_id)
    meta = _commitments(tables)
    binding, pending, pulling = [], [], []
    for (_cid, name), rows in found.groupby(["commitment_id", "name"], sort=False):
        status = rows["in_force"].iloc[0]
        label = md(short_commitment(plain(tables, name)))
        if status == "yes" and set(rows["effect"]) == {"pulls elsewhere"}:
            pulling.append(label)
            continue
        if status == "yes":
            binding.append(f"- **{label}** {md(_touches(rows))}.")
            continue
        row = meta.loc[rows["commitment_id"].iloc[0]]
        when = (
            f"not in force as of {date_words(row['in_force_as_of'])}, so it does not bind you"
            if status == "no"
            else "in force not established, so the model counts it only if you ask"
        )
        pending.append(f"- **{label}**, {md(when)}. In force, it {md(_touches(rows))}.")
    if pulling:
        binding.append(
            f"- Competing in a crisis with any new duty to assist: {', '.join(pulling)}."
        )
    if not binding:
        binding = [
            "- None in the data touches what the ladder asks. That is missing data, not "
            "freedom to sign anything: ask what your government has promised."
        ]
    heading = "**Signed, but not (or not known to be) in force**"
    return [*binding, *(["", heading, "", *pending] if pending else [])]


def ties_lines(tables: Tables, country_id: str) -> list[str]:
    """For an outside power: the commitments that tie it to OTS states, and their status."""
    parties = commitment_parties(tables, current_year())
    ots = fz.ots_states(tables.countries, include_observers=True)
    names = fz.state_names(tables.countries)
    meta = _commitments(tables)
    mine = parties[parties["country_id"] == country_id].drop_duplicates("commitment_id")
    lines = []
    for row in mine.itertuples():
        bound = set(parties.loc[parties["commitment_id"] == row.commitment_id, "country_id"])
        shared = [names[c] for c in ots if c in bound]
        if not shared:
            continue
        status = (
            str(meta.loc[row.commitment_id, "in_force"])
            if pd.notna(meta.loc[row.commitment_id, "in_force"])
            else ""
        )
        words = {"yes": "in force", "no": "signed, not in force"}.get(
            status, "signed, in force not established"
        )
        lines.append(
            f"- **{md(short_commitment(plain(tables, row.name)))}** ({md(words)}): with "
            f"{md(', '.join(shared))}."
        )
    return lines or ["- The data code no commitment that ties you to an OTS state."]


def pressure_lines(tables: Tables, country_id: str) -> list[str]:
    """'The pressures on you': the arguments in the sources that name this state, by name."""
    if country_id in fz.OUTSIDE_POWERS:
        name = str(fz.country_row(tables, country_id)["name"])
        about = tables.factors[
            tables.factors["name"].map(lambda x: fz.mentions(x, name))
            | tables.factors["description"].map(lambda x: fz.mentions(x, name))
        ]
        if about.empty:
            return ["- No argument in the sources is about you."]
        return [f"- Arguments in the sources about you: {md('; '.join(about['name']))}."]
    own = tables.factors[[country_id in fz.split_ids(c) for c in tables.factors["applies_to"]]]
    direction = own["direction"].astype(str)
    lines = []
    for kind, words in (
        ("driver", "Arguments in the sources for going higher"),
        ("constraint", "Arguments in the sources for holding back"),
    ):
        found = own.loc[direction == kind, "name"]
        if len(found):
            lines.append(f"- {words}: {md('; '.join(plain(tables, n) for n in found))}.")
    return lines or [
        "- No argument in the sources names you: only the general ones bear on you. That is "
        "thin evidence, not readiness."
    ]


class CardFacts(NamedTuple):
    """What a card's options and its instructions both rest on, worked out once per card."""

    practice: pd.DataFrame
    """The state's record (record_practice)."""
    floor: int
    """The highest rung the state already does (0: none)."""
    found: pd.DataFrame
    """The state's clashes at the first rung asking for each requirement (state_clashes)."""
    blocks: dict[int, dict[str, list[str]]]
    """Per rung, what each commitment in force rules out (see _blocks)."""


def card_facts(tables: Tables, clashes: pd.DataFrame, country_id: str) -> CardFacts:
    """A state's record, clashes and blocked rungs, for its options and its instructions."""
    practice = rec.record_practice(tables, [country_id])
    found = state_clashes(tables, clashes, country_id)
    floor = int(practice["rung"].max()) if len(practice) else 0
    return CardFacts(practice, floor, found, _blocks(tables, practice, found))


def _blocks(
    tables: Tables, practice: pd.DataFrame, found: pd.DataFrame
) -> dict[int, dict[str, list[str]]]:
    """Per rung: commitment in force -> what it rules out of the rung's requirements that the
    state does not already do (its record), from the state's clashes (state_clashes)."""
    steps = fz.ladder(tables.scenarios)
    done = set(practice["requirement"])
    found = fz.binding(found)
    ruled = found[(found["effect"] == "rules out") & ~found["requirement"].isin(done)]
    blocks: dict[int, dict[str, list[str]]] = {}
    for rung, step in steps.iterrows():
        here = ruled[ruled["requirement"].isin(step["requirements"])]
        blocks[int(rung)] = {
            short_commitment(plain(tables, name)): [_requirement(c) for c in rows["requirement"]]
            for name, rows in here.groupby("name", sort=False)
        }
    return blocks


def _ruled_words(block: dict[str, list[str]]) -> str:
    """'CSTO Article 1 rules out its mutual assistance clause and ...' for one rung."""
    return "; ".join(
        f"{name} rules out {and_list([f'a {r}' for r in reqs])}" for name, reqs in block.items()
    )


def option_lines(
    tables: Tables, clashes: pd.DataFrame, country_id: str, facts: CardFacts | None = None
) -> list[str]:
    """'Your options': from the record and the commitments in force only.

    A rung a commitment in force rules out is never offered as one to support, and a rung the
    state already does is never one to refuse. `facts`: card_facts, if already worked out.
    """
    steps = fz.ladder(tables.scenarios)
    practice, floor, found, blocks = facts or card_facts(tables, clashes, country_id)
    soft = fz.binding(found)
    soft = soft[soft["effect"] != "rules out"]
    lines = []
    if floor:
        done = sorted({int(r) for r in practice["rung"]})
        below = [r for r in range(1, floor) if r not in done]
        gap = f" (rung {and_list([str(r) for r in below])} lies below)" if below else ""
        here = soft[soft["requirement"].isin(set(practice["requirement"]))]
        bearing = and_list(list(dict.fromkeys(short_commitment(n) for n in here["name"])))
        doing = and_list([_requirement(c) for c in dict.fromkeys(here["requirement"])])
        verb = "bears" if here["name"].nunique() == 1 else "bear"
        note = f" {md(bearing)} already {verb} on how you do it ({md(doing)})." if len(here) else ""
        ruled = "; ".join(_ruled_words(blocks[r]) for r in range(1, floor + 1) if blocks[r])
        further = (
            f" Going further is another matter: on the course's reading, {md(ruled)}."
            if ruled
            else ""
        )
        span = "Rung 1" if floor == 1 else f"Rungs 1–{floor}"
        lines.append(
            f"- **{span}**: you already do rung{'s' * (len(done) > 1)} "
            f"{and_list([str(r) for r in done])}{gap}. Backing them asks nothing new of you."
            f"{note}{further}"
        )
    for rung, step in steps.iterrows():
        if rung <= floor:
            continue
        head = f"- **Rung {rung}, {md(step['name'])}**:"
        ruled = _ruled_words(blocks[int(rung)])
        here = soft[soft["requirement"].isin(step["requirements"])]
        drafted = ", ".join(dict.fromkeys(short_commitment(n) for n in here["name"]))
        if ruled:
            lines.append(
                f"{head} on the course's reading, {md(ruled)}: oppose that, or ask for a text "
                "that reading allows, and say which."
            )
        elif found.empty:
            lines.append(
                f"{head} the data code no commitment of yours, which is missing data: ask what it "
                "would oblige you to do before you speak for it."
            )
        elif drafted:
            lines.append(
                f"{head} you could support it if the text is drafted around {md(drafted)}."
            )
        else:
            lines.append(
                f"{head} no commitment of yours in force stands in the way: support it, or ask "
                "what you get in return."
            )
    return lines


def instruction_lines(
    tables: Tables, clashes: pd.DataFrame, country_id: str, facts: CardFacts | None = None
) -> list[str]:
    """Confidential instructions, invented, built only from commitments in force and official
    voices; never to refuse what the state already does, never from a treaty not in force.
    `facts`: card_facts, if already worked out."""
    status = str(fz.country_row(tables, country_id)["ots_status"])
    if country_id in fz.OUTSIDE_POWERS:
        return _outside_instructions(tables, clashes, country_id)
    if status == "observer":
        return [
            "1. You do not decide and cannot block. Speak once, for your government's line as "
            "this card gives it, and ask what each question would ask of an observer."
        ]
    out = []
    _practice, floor, _found, blocks = facts or card_facts(tables, clashes, country_id)
    above = [r for r in blocks if r > floor and blocks[r]]
    if above:
        rung = above[0]
        out.append(
            f"{len(out) + 1}. Your capital instructs you: agree to nothing at rung {rung} or "
            f"above unless the text says it respects {md(next(iter(blocks[rung])))}."
        )
    proposals = official_voices(tables, country_id, limit=99, once=False).dropna(subset=["rung"])
    proposals = proposals[proposals["position"].astype(str).str.contains(r"\bproposed\b")]
    if len(proposals):
        r = proposals.iloc[0]
        rung = fz.ladder(tables.scenarios)["name"][int(r["rung"])]
        out.append(
            f"{len(out) + 1}. Your capital wants the summit to act on what {md(r['name'])} "
            f"proposed ({md(date_words(r['published']))}; on the ladder, rung {int(r['rung'])}, "
            f"{md(rung)}): bring it up in your opening statement."
        )
    out.append(
        f"{len(out) + 1}. Announce what you can accept only after another delegation has "
        "offered you something in return."
    )
    return out


def _outside_instructions(tables: Tables, clashes: pd.DataFrame, country_id: str) -> list[str]:
    """An outside power's instructions: its official line in public, its shared commitments in
    force in private."""
    parties = commitment_parties(tables, current_year())
    ots = fz.ots_states(tables.countries, include_observers=True)
    names = fz.state_names(tables.countries)
    status = _commitments(tables)["in_force"].astype(object).fillna("")
    mine = parties[parties["country_id"] == country_id].drop_duplicates("commitment_id")
    held, pending = [], []
    for row in mine.itertuples():
        bound = parties.loc[parties["commitment_id"] == row.commitment_id, "country_id"]
        shared = [names[c] for c in ots if c in set(bound)]
        if shared:
            target = held if status.get(row.commitment_id, "") == "yes" else pending
            target.append((short_commitment(plain(tables, row.name)), shared))
    out = []
    voices = official_voices(tables, country_id, limit=1)
    if len(voices):
        r = voices.iloc[0]
        out.append(
            f"1. In public, keep to your government's line as {md(r['name'])} put it "
            f"({md(date_words(r['published']))}), and add nothing it did not say."
        )
    else:
        out.append("1. In public, say only what your government has said; the sources quote none.")
    for name, shared in held[:1]:
        out.append(
            f"{len(out) + 1}. In private, remind {md(and_list(shared))} of {md(name)}, which "
            "binds you together."
        )
    for name, shared in pending[:1]:
        out.append(
            f"{len(out) + 1}. In private, ask {md(and_list(shared))} how an OTS clause would fit "
            f"the {md(name)}. It is signed but not (or not known to be) in force: do not call "
            "it binding."
        )
    return out


def and_list(names: list[str]) -> str:
    """Names joined with commas and a final 'and'."""
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)


def outside_lines(tables: Tables, country_id: str) -> list[str]:
    """'What you can do', for an outside power: no rung to support, its levers instead."""
    return [
        "- Nothing your government has said in the sources backs any rung of the ladder; do not "
        "offer to back one.",
        "- Talk to any delegation in the recess; make one public statement of one minute.",
        "- Your levers: the commitments in force that tie you to OTS states (above).",
    ]


def role_card(tables: Tables, country_id: str, clashes: pd.DataFrame) -> str:
    """A delegation's card in Markdown: one page, plain names, no data ids."""
    country = fz.country_row(tables, country_id)
    name = fz.short_name(str(country["name"]))
    status = str(country["ots_status"])
    outside = country_id in fz.OUTSIDE_POWERS
    out = [
        f"# Role card: {md(name)}",
        "",
        f"*{md(SEATS.get(status, OUTSIDE_SEAT))} As of {md(closing_in_words())}, the record's "
        "close.*",
        "",
        "## What your government has said",
        "",
        *said_lines(tables, country_id),
        "",
        "## What you already do",
        "",
        *done_lines(tables, country_id),
        "",
        *(
            ["## Commitments that tie you to OTS states", "", *ties_lines(tables, country_id)]
            if outside
            else [
                "## Your commitments in force",
                "",
                *commitment_lines(tables, clashes, country_id),
            ]
        ),
        "",
        "## The pressures on you",
        "",
        *pressure_lines(tables, country_id),
        "",
    ]
    facts = None if outside else card_facts(tables, clashes, country_id)
    if outside:
        out += ["## What you can do", "", *outside_lines(tables, country_id), ""]
    else:
        out += ["## Your options", "", *option_lines(tables, clashes, country_id, facts), ""]
    out += [
        "## Confidential instructions",
        "",
        f"*{INVENTED}*",
        "",
        *instruction_lines(tables, clashes, country_id, facts),
        "",
        PREPARE_OUTSIDE if outside else PREPARE,
    ]
    return "\n".join(out)


# --- the evidence sheet -------------------------------------------------------------------------


def evidence_sheet(tables: Tables, country_id: str, clashes: pd.DataFrame, claims: int = 5) -> str:
    """The ids, sources and locators behind one card, for the teacher and the press corps."""
    name = fz.short_name(str(fz.country_row(tables, country_id)["name"]))
    out = [f"## {md(name)}", ""]
    voices = official_voices(tables, country_id)
    out += [
        f"- Said: {md(r.voice_id)} {md(r.name)}, {md(r.source_id)}: {md(quoted(r.locator))}"
        for r in voices.itertuples()
    ]
    practice = rec.record_practice(tables, [country_id]).drop_duplicates(["event_id", "rung"])
    out += [
        f"- Done, rung {int(r.rung)}: {md(r.event_id)} ({md(r.source_id)}: {md(r.locator)})"
        for r in practice.itertuples()
    ]
    found = state_clashes(tables, clashes, country_id).drop_duplicates(["commitment_id", "name"])
    meta = _commitments(tables)
    for r in found.itertuples():
        cid = r.commitment_id or "foreign base"
        extra = ""
        if r.commitment_id and r.in_force == "no":
            row = meta.loc[r.commitment_id]
            extra = f"; not in force as of {row['in_force_as_of']} ({row['in_force_source_id']})"
        elif r.in_force == "":
            extra = "; in force not established"
        out.append(f"- Commitment: {md(cid)} ({md(r.source_id)}: {md(r.locator)}){md(extra)}")
    own = tables.factors[[country_id in fz.split_ids(c) for c in tables.factors["applies_to"]]]
    out += [
        f"- Pressure: {md(r.factor_id)} (claims {md(', '.join(fz.split_ids(r.evidence)))})"
        for r in own.itertuples()
    ]
    others = other_voices(tables, country_id)
    out += [
        f"- Not your government: {md(r.voice_id)} {md(r.name)} ({md(r.voice_kind)}; "
        f"{md(r.source_id)})"
        for r in others.itertuples()
    ]
    named = rec.claims_naming(tables, country_id)
    links = tables.claim_sources[tables.claim_sources["claim_id"].isin(named["claim_id"])]
    top = links.groupby("claim_id")["source_id"].nunique().sort_values(ascending=False).head(claims)
    if len(top):
        out.append(
            f"- Claims that name you, most sources first: {md(', '.join(top.index))} "
            "(claims.csv, claim_sources.csv)"
        )
    return "\n".join(out)


def evidence_sheets(tables: Tables, clashes: pd.DataFrame) -> str:
    """Every card's evidence sheet in one Markdown page, in the order of the cards."""
    intro = (
        "*The data ids behind every line of the role cards: sources (data/sources.csv), with "
        "the place in each where it says so. For the teacher, the chair and the press corps.*"
    )
    parts = [evidence_sheet(tables, cid, clashes) for cid in fz.role_card_states(tables.countries)]
    return "\n\n".join(["# Evidence sheets", intro, *parts])
