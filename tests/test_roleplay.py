"""The role play of notebook 04: one-page delegation cards and their evidence sheets, chair and
press cards, the outcome CSV, and the printable kit (otslab.course.rolecards and .roleplay)."""

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from conftest import REPO, require
from otslab.course import rolecards as rc
from otslab.course import roleplay as rp
from otslab.course import roleplay_views as rv
from otslab.data import Tables
from otslab.model import feasibility as fz
from otslab.model import record as rec
from otslab.views.markup import markdown_html
from otslab.views.widgets import shown_text


@pytest.fixture(scope="module")
def clashes(T):
    """Clashes for every role-card state."""
    return fz.model(T)[0]


def section(card: str, title: str) -> str:
    """The text of one '## ' section of a Markdown card."""
    part = card.split(f"## {title}\n", 1)[1]
    return part.split("\n## ", 1)[0]


# --- the delegation's card ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def cards(T, clashes):
    """Every delegation's card, by state id."""
    return {cid: rc.role_card(T, cid, clashes) for cid in fz.role_card_states(T.countries)}


def test_cards_for_members_observers_and_the_outside_powers(T, cards) -> None:
    expected = [*T.countries.query("ots_status in ['member', 'observer']")["country_id"]]
    assert list(cards) == [*expected, "RUS", "CHN", "IRN"]
    member = ["What your government has said", "What you already do", "Your commitments in force"]
    member += ["The pressures on you", "Your options", "Confidential instructions", "Prepare"]
    for cid, card in cards.items():
        name = fz.short_name(T.countries.set_index("country_id").loc[cid, "name"])
        assert card.startswith(f"# Role card: {name}\n")
        heads = [line[3:].split(" (")[0] for line in card.splitlines() if line.startswith("## ")]
        if cid in fz.OUTSIDE_POWERS:
            assert "What you can do" in heads and "Your options" not in heads, cid
        else:
            assert heads == member, (cid, heads)
        assert "As of April 2026" in card


def test_a_card_is_a_ten_minute_read_without_data_ids(cards) -> None:
    """At most 600 words (one printed page), and no data id anywhere in its text."""
    for cid, card in cards.items():
        assert rc.word_count(card) <= rc.CARD_WORDS, (cid, rc.word_count(card))
        assert not rc.DATA_ID.findall(card), (cid, rc.DATA_ID.findall(card))
        assert "_" not in re.sub(r"\*\*", "", card), cid  # no snake_case codes either
    # The test can fail: an id or an overlong card is caught.
    assert rc.DATA_ID.findall("as K001 and R003 say, C112")
    assert rc.word_count("word " * 601) > rc.CARD_WORDS


def option_lines(card: str) -> list[str]:
    """The lines of a card's options."""
    return [line for line in section(card, "Your options").splitlines() if line.startswith("- ")]


def test_no_card_both_rules_out_and_supports_the_same_rung(T, clashes, cards) -> None:
    """A rung that a commitment in force rules out (of what the state does not already do) is
    never offered as one to support; no card says a state will not accept a rung it does."""
    for cid, card in cards.items():
        if cid in fz.OUTSIDE_POWERS:
            continue
        floor = int(rec.record_floor(rec.record_practice(T, [cid]), [cid])[cid])
        blocks = rc.card_facts(T, clashes, cid).blocks
        for line in option_lines(card):
            if "rules out" in line:
                assert "support" not in line, (cid, line)
            rungs = [int(r) for r in re.findall(r"\*\*Rungs? (?:1\u2013)?(\d)", line)]
            for rung in rungs:
                if blocks[rung] and rung > floor:
                    assert "support" not in line and "oppose" in line, (cid, line)
        instructions = section(card, "Confidential instructions")
        for rung in re.findall(r"agree to nothing at rung (\d)", instructions):
            assert int(rung) > floor, (cid, rung)
    # Kazakhstan: CSTO Article 1 rules out rung 5's clause; rung 4 is already done (Gabala).
    kaz = option_lines(cards["KAZ"])
    assert kaz[0].startswith("- **Rungs 1\u20134**: you already do rungs 1, 2 and 4")
    assert "CSTO Article 1 rules out" in kaz[-1] and "support" not in kaz[-1]
    # The checker can fail: a line that rules out and supports is caught.
    bad = "- **Rung 5, x**: CSTO Article 1 rules out it: support it."
    assert "rules out" in bad and "support" in bad


def test_the_government_speaks_only_through_official_voices(T, cards) -> None:
    """Former officials, analysts and state outlets never appear as the government's words; each
    official line is dated and names its source in words."""
    for cid, card in cards.items():
        said = section(card, "What your government has said")
        official = T.voices[
            (T.voices["country_id"] == cid) & (T.voices["voice_kind"] == "official")
        ]
        others = T.voices[(T.voices["country_id"] == cid) & (T.voices["voice_kind"] != "official")]
        for name in others["name"]:
            if name not in set(official["name"]):
                assert f"**{name}**" not in said, (cid, name)
        lines = [line for line in said.splitlines() if line.startswith("- **")]
        for line in lines:
            assert re.search(r"\((?:\d{1,2} )?(?:[A-Z][a-z]{2} )?\d{4}|\(undated", line), line
            assert re.search(r", (?:in|as reported by) ", line), line
        if official.empty:
            assert "quote no official of your government" in said, cid
    kgz = section(cards["KGZ"], "What your government has said")
    assert "Osmonaliev" not in cards["KGZ"] and "no such official initiative" in kgz
    assert "Yuan Peng" not in section(cards["CHN"], "What your government has said")


def test_only_commitments_in_force_bind_on_a_card(cards) -> None:
    """Azerbaijan's card lists the Caspian Convention as signed, not in force, and nothing calls
    it binding; no instruction rests on a treaty not in force."""
    aze = cards["AZE"]
    assert "**Caspian Convention**, not in force as of 15 Dec 2025" in aze
    assert "Caspian" not in section(aze, "Your options")
    for cid, card in cards.items():
        instructions = section(card, "Confidential instructions")
        assert "Caspian" not in instructions or "do not call it binding" in instructions, cid
        for line in card.splitlines():
            if "binds" in line or "binding" in line.replace("do not call it binding", ""):
                assert not any(k in line for k in ("Caspian", "China\u2013Central", "2005")), line


def test_confidential_instructions_are_marked_and_fit_the_seat(T, cards) -> None:
    for cid, card in cards.items():
        instructions = section(card, "Confidential instructions")
        assert rc.INVENTED in instructions
        status = T.countries.set_index("country_id").loc[cid, "ots_status"]
        if status == "observer":
            assert "cannot block" in instructions and "agree to nothing" not in instructions
    # Uzbekistan's instruction rests on its president's sourced proposal at Gabala.
    assert "what Shavkat Mirziyoyev proposed (7 Oct 2025" in cards["UZB"]
    assert "what Ilham Aliyev proposed (7 Oct 2025; on the ladder, rung 2" in cards["AZE"]
    # Azerbaijan's conflict with Armenia is an argument the sources make, not its government's aim.
    pressures = section(cards["AZE"], "The pressures on you")
    assert "Arguments in the sources for going higher: " in pressures
    assert "Conflict with Armenia" not in section(cards["AZE"], "What your government has said")


def test_outside_powers_offer_no_support_and_speak_from_their_own_positions(T, cards) -> None:
    for cid in fz.OUTSIDE_POWERS:
        card = cards[cid]
        can = section(card, "What you can do")
        assert "do not offer to back one" in can
        rest = card.replace(can, "")
        assert not re.search(r"\bsupport (?:it|rung|the)\b|could support", rest), cid
    rus = cards["RUS"]
    assert "**Dmitry Peskov**, Russian Presidential Spokesman (29 Jul 2021, in TASS)" in rus
    assert "remind Kazakhstan and Kyrgyzstan of CSTO Article 1" in rus
    assert "Caspian Convention** (signed, not in force)" in rus


def test_a_state_with_no_coded_commitment_is_told_that_is_missing_data(cards) -> None:
    xnc = cards["XNC"]
    assert "missing data, not freedom to sign anything" in xnc
    assert "support" not in section(xnc, "Your options")
    # Its government is not quoted: the card says so, and gives the Republic of Cyprus's account
    # of its disputed status (C129, review F94) instead, without the id.
    said = section(xnc, "What your government has said")
    assert "quote no official of your government" in said
    assert "status is disputed" in said and "Republic of Cyprus" in said


def test_every_card_has_an_evidence_sheet_with_its_ids(T, clashes) -> None:
    sheets = rc.evidence_sheets(T, clashes)
    for cid in fz.role_card_states(T.countries):
        sheet = rc.evidence_sheet(T, cid, clashes)
        assert sheet in sheets
        for voice in rc.official_voices(T, cid).itertuples():
            assert f"{voice.voice_id} {voice.name}, {voice.source_id}" in sheet
        for event in rec.record_practice(T, [cid])["event_id"]:
            assert event in sheet, (cid, event)
    assert "K003 (R165" in rc.evidence_sheet(T, "AZE", clashes)
    assert "not in force as of 2025-12-15 (R163)" in rc.evidence_sheet(T, "AZE", clashes)


# --- chair, press, outcome form -------------------------------------------------------------------


def test_the_chair_is_the_host_of_the_last_ordinary_summit(T) -> None:
    gabala = T.event_participants.query("event_id == 'E046' and role == 'host'")
    assert rp.chair_state(T) == gabala["country_id"].iloc[0] == "AZE"
    assert "Azerbaijan holds the OTS chair" in rp.chair_card(T)
    tables = Tables({name: frame.copy() for name, frame in T.items()})
    later = tables.events[tables.events["event_id"] == "E046"].assign(
        event_id="E999",
        title="13th OTS summit",
        date="2026-10-01",
        date_earliest=pd.Timestamp("2026-10-01"),
    )
    tables["events"] = pd.concat([tables.events, later], ignore_index=True)
    host = pd.DataFrame([{"event_id": "E999", "country_id": "KAZ", "role": "host", "note": ""}])
    tables["event_participants"] = pd.concat([tables.event_participants, host])
    assert rp.chair_state(tables) == "KAZ"
    informal = tables.events["event_id"] == "E999"
    tables.events.loc[informal, "title"] = "Informal OTS summit, Astana"
    assert rp.chair_state(tables) == "AZE"


def test_press_card_and_outcome_form(T) -> None:
    assert "which source backs that?" in rp.press_card()
    form = rp.outcome_form(T)
    assert form.count("- Rung reached") == 2
    shown = str(markdown_html(form))
    for column in rp.OUTCOME_COLUMNS:
        assert column in shown


# --- the outcome CSV --------------------------------------------------------------------------


def write_csv(path, rows: list[list[str]]) -> None:
    """An outcome CSV with the course's header and the given rows."""
    lines = [",".join(rp.OUTCOME_COLUMNS)] + [",".join(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_outcomes_of_two_terms_are_summarised(T, tmp_path) -> None:
    write_csv(
        tmp_path / "outcomes.csv",
        [
            ["2027a", "2027-01-10", "A", "1", "2", "", "all agreed", "S004", "1"],
            ["2027a", "2027-01-10", "A", "2", "3", "KAZ;KGZ", "CSTO Art. 1", "R003", "1"],
            ["2027a", "2027-01-10", "B", "2", "3", "KAZ", "CSTO", "R003", ""],
        ],
    )
    write_csv(
        tmp_path / "outcomes-2026b.csv",
        [["2026b", "2026-11-02", "A", "2", "1", "TKM;KAZ", "neutrality law", "R039", "1"]],
    )
    files = rp.outcome_files(tmp_path)
    assert [p.name for p in files] == ["outcomes-2026b.csv", "outcomes.csv"]
    outcomes = rp.read_outcomes(files, T)
    assert len(outcomes) == 4 and outcomes["model_rung"].isna().sum() == 1
    summary = rp.summarise_outcomes(outcomes)
    held = summary["held out"].set_index(["question", "state"])["times held out"]
    assert held[(2, "KAZ")] == 3 and held[(2, "KGZ")] == 1 and held[(2, "TKM")] == 1
    reached = summary["reached"].set_index(["question", "rung_reached"])["groups"]
    assert reached[(2, 3)] == 2 and reached[(1, 2)] == 1
    versus = summary["summit vs model"]
    assert len(versus) == 3 and list(versus["summit minus model"]) == [0, 1, 2]
    shown = " ".join(item.data for item in rv.outcome_items(T, files))
    assert "Who held out, how often" in shown and "KAZ" in shown
    empty = tmp_path / "empty"
    rp.write_outcome_template(empty / "outcomes.csv")
    hint = rv.outcome_items(T, rp.outcome_files(empty))[0].data
    assert "No outcome recorded yet" in hint


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["c", "d", "A", "3", "2", "", "", "", ""], "line 2, column question: '3'"),
        (["c", "d", "A", "1", "9", "", "", "", ""], "line 2, column rung_reached: '9'"),
        (["c", "d", "A", "1", "", "", "", "", ""], "line 2, column rung_reached: empty"),
        (["c", "d", "A", "1", "2", "KAZ;XYZ", "", "", ""], "line 2, column held_out: XYZ"),
        (["c", "d", "A", "1", "2", "", "", "", "two"], "line 2, column model_rung: 'two'"),
    ],
)
def test_a_wrong_outcome_row_names_file_line_and_column(T, tmp_path, row, message) -> None:
    path = tmp_path / "outcomes.csv"
    write_csv(path, [row])
    with pytest.raises(ValueError, match=re.escape(f"{path}, {message}")):
        rp.read_outcomes([path], T)


def test_a_missing_outcome_column_is_named(T, tmp_path) -> None:
    path = tmp_path / "outcomes.csv"
    path.write_text("class,date\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 1: missing column.*question"):
        rp.read_outcomes([path], T)


# --- the printable kit --------------------------------------------------------------------------


def sheet_title(sheet: str) -> str:
    """The title a printed sheet shows: its first Markdown line without '# ' and escapes."""
    return re.sub(r"\\(.)", r"\1", sheet.splitlines()[0].removeprefix("# "))


def smallest_font(page) -> float:
    """The smallest font size in points of the text on a PDF page (text matrix times CTM)."""
    sizes = []

    def visit(text, cm, tm, _font, size) -> None:
        if text.strip():
            sizes.append(abs(size * (tm[2] * cm[1] + tm[3] * cm[3])))

    page.extract_text(visitor_text=visit)
    return min(sizes)


def make_roleplay_kit(folder: Path) -> list[Path]:
    """What `make roleplay-kit` runs, into folder: the kit's pages, then kit.pdf by the printer."""
    done = subprocess.run(
        [sys.executable, "-m", "otslab.course.roleplay", str(folder)],
        cwd=REPO / "notebooks",
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    kit = folder / "print" / "kit.html"
    printed = subprocess.run(
        [sys.executable, str(REPO / "tools" / "print_pdf.py"), str(kit)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.strip() == f"pdf: {kit.with_suffix('.pdf')}"
    return sorted((folder / "print").iterdir())


@pytest.mark.browser
def test_kit_prints_in_24_pages_each_card_on_one_page_at_a_readable_size(
    T, clashes, tmp_path
) -> None:
    require(Path("/usr/bin/chromium").exists(), "Chromium is not installed: cannot print the PDF")
    written = make_roleplay_kit(tmp_path)
    pages = rp.kit_pages(T, clashes)
    titles = [sheet_title(text) for text in pages.values()]
    assert len(set(titles)) == len(titles) == len(pages)
    reader = PdfReader(next(p for p in written if p.name == "kit.pdf"))
    assert len(reader.pages) <= 24
    leads = []
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        lead = next((t for t in titles if text.startswith(t + "\n")), None)
        assert lead, f"page {number} does not begin with a sheet's title: {text[:80]!r}"
        others = [t for t in titles if t != lead and t in text]
        assert not others, f"page {number} ({lead}) also holds {others}"
        assert smallest_font(page) >= 9.95, f"page {number} ({lead}) has text under 10 pt"
        leads.append(lead)
    # Each sheet starts on a new page and its pages follow one another, in the kit's order.
    assert [lead for i, lead in enumerate(leads) if i == 0 or leads[i - 1] != lead] == titles
    for title in titles:
        if title.startswith("Role card: "):
            assert leads.count(title) == 1, (title, leads.count(title))
    htmls = [p for p in written if p.suffix == ".html" and p.name != "kit.html"]
    assert [p.stem for p in htmls] == list(pages)
    kit = (tmp_path / "print" / "kit.html").read_text(encoding="utf-8")
    assert kit.count("<section class='page") == len(pages) and "break-before: page" in kit
    assert "font-size: 10pt" in kit
    assert (tmp_path / rp.OUTCOME_FILE).read_text(encoding="utf-8").startswith("class,date")


def test_kit_html_escapes_data_and_keeps_a_teachers_edits(T, clashes, tmp_path) -> None:
    tables = Tables({name: frame.copy() for name, frame in T.items()})
    tables.voices.loc[tables.voices["voice_id"] == "V27", "position"] = (
        "<script>alert(1)</script> $x$"
    )
    first = rp.export_printable(tables, tmp_path, clashes)
    card = next(p for p in first if p.name == "01_role_card_TUR.html")
    text = card.read_text(encoding="utf-8")
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    card.write_text(text.replace("</body>", "<p>Our class rule</p></body>"), encoding="utf-8")
    second = rp.export_printable(tables, tmp_path, clashes)
    assert "Our class rule" in card.read_text(encoding="utf-8")
    assert (tmp_path / "print" / "01_role_card_TUR.new.html") in second
    assert "01_role_card_TUR.html was changed after it was written" in rp.describe_kit(second)


def test_the_notebook_button_writes_the_kit_only_when_pressed_and_says_how_to_print(
    T, clashes, tmp_path
) -> None:
    view = rv.kit_view(T, clashes, tmp_path)
    write, output = view.children
    assert "Nothing is written until you press the button" in shown_text(output)
    assert not any(tmp_path.iterdir()), "running the cell wrote files"
    write.click()
    assert "Markdown" in shown_text(output) and "HTML" in shown_text(output)
    assert (tmp_path / "print" / "kit.html").exists() and not (
        tmp_path / "print" / "kit.pdf"
    ).exists()
    assert (tmp_path / "00_briefing.md").exists()
    assert "print/kit.html in your browser" in shown_text(output)


def test_export_all_writes_every_page_as_markdown_and_html(T, clashes, tmp_path) -> None:
    markdown, printable = rp.export_all(T, tmp_path, clashes)
    pages = rp.kit_pages(T, clashes)
    assert [p.stem for p in markdown] == list(pages)
    assert markdown[-1].read_text(encoding="utf-8") == pages[markdown[-1].stem] + "\n"
    assert {p.stem for p in printable if p.suffix == ".html"} == {*pages, "kit"}
    assert "14_outcome_form" in pages and "12_chair" in pages and "13_press" in pages
    assert list(pages)[-1] == "15_evidence_sheets"
