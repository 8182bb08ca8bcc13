"""The role play of notebook 04: delegation briefs, chair and press cards, the outcome CSV, and the
printable kit (otslab.feasibility role cards, otslab.roleplay)."""

import re
import shutil

import pandas as pd
import pytest
from pypdf import PdfReader

from conftest import require
from otslab import feasibility as fz
from otslab import feasibility_views as fv
from otslab import roleplay as rp
from otslab.data import Tables, load_tables
from otslab.markup import markdown_html
from otslab.widgets import shown_text


@pytest.fixture(scope="module")
def T():
    """The course tables, loaded once."""
    return load_tables()


@pytest.fixture(scope="module")
def clashes(T):
    """Clashes for every role-card state."""
    return fz.model(T)[0]


def section(card: str, title: str) -> str:
    """The text of one '## ' section of a Markdown card."""
    part = card.split(f"## {title}\n", 1)[1]
    return part.split("\n## ", 1)[0]


# --- the delegation's card ----------------------------------------------------------------------


def test_every_brief_line_is_tagged_and_sourced(T, clashes) -> None:
    for cid in fz.role_card_states(T.countries):
        brief = section(fz.role_card(T, cid, clashes), "Your brief")
        for heading in ("Your government wants", "It will not accept", "It could trade"):
            assert f"**{heading}**" in brief, (cid, heading)
        lines = [line for line in brief.splitlines() if line.startswith("- ")]
        assert lines, cid
        for line in lines:
            tag = re.match(r"- \*\*\[(fact|interpretation|our inference)\]\*\*", line)
            assert tag, (cid, line)
            if tag.group(1) in ("fact", "interpretation"):
                assert re.search(r"\b([SR]\d{3}|C\d{3})\b", line), (cid, line)


def test_kazakhstan_brief_follows_its_clashes_and_record(T, clashes) -> None:
    card = fz.role_card(T, "KAZ", clashes)
    brief = section(card, "Your brief")
    bars = clashes.query("country_id == 'KAZ' and effect == 'rules out'")
    assert set(bars["commitment_id"]) == {"K001"}
    refuse = brief.split("**It will not accept**")[1].split("**It could trade**")[0]
    assert "rules out" in refuse and "K001" in refuse
    assert "F08 CSTO membership" in refuse
    trade = brief.split("**It could trade**")[1]
    assert "E032 (R114)" in trade and "not under the OTS flag" in trade
    assert "solidarity\\_clause (the requirement itself): E047 (R144)" in trade
    assert fz.clear_rung(T.scenarios, clashes, "KAZ") == 0
    assert "Even rung 1 touches one of your commitments." in trade
    # The sourced lines of the first edition stay on the card.
    for kept in (
        "Your commitments today",
        "Where your commitments meet the ladder",
        "What the sources report your side saying",
        "Claims about you in the sources",
    ):
        assert f"## {kept}" in card


def test_options_menu_has_one_line_per_rung_with_its_cost(T, clashes) -> None:
    steps = fz.ladder(T.scenarios)
    for cid in ("KAZ", "TUR", "XNC"):
        options = section(fz.role_card(T, cid, clashes), "Your options, rung by rung")
        lines = [line for line in options.splitlines() if line.startswith("- ")]
        assert len(lines) == len(steps)
        for line, (rung, name) in zip(lines, steps["name"].items(), strict=True):
            assert line.startswith(f"- **Rung {rung}, {name}:**"), line
    kaz = section(fz.role_card(T, "KAZ", clashes), "Your options, rung by rung")
    assert "Rung 5, NATO-style collective defence:** oppose, or support only after" in kaz
    assert "K001" in kaz.splitlines()[-1]
    xnc = section(fz.role_card(T, "XNC", clashes), "Your options, rung by rung")
    assert xnc.count("none of your commitments clashes") == len(steps)


def test_confidential_instructions_come_from_the_clashes_and_say_they_are_invented(
    T, clashes
) -> None:
    for cid in fz.role_card_states(T.countries):
        secret = section(fz.role_card(T, cid, clashes), "Confidential instructions")
        assert fz.INVENTED in secret, cid
        numbered = [line for line in secret.splitlines() if re.match(r"\d\. ", line)]
        assert 1 <= len(numbered) <= 2, cid
    kaz = section(fz.role_card(T, "KAZ", clashes), "Confidential instructions")
    assert "Russia's ambassador" in kaz and "K001" in kaz  # Russia is a party to K001
    tkm = section(fz.role_card(T, "TKM", clashes), "Confidential instructions")
    assert "parliament" in tkm and "K005" in tkm  # a national law: no outside party
    rus = section(fz.role_card(T, "RUS", clashes), "Confidential instructions")
    assert "1. Your capital instructs you to remind Kazakhstan, Kyrgyzstan" in rus
    assert "2. " in rus


def test_a_state_with_no_coded_commitment_is_told_that_is_missing_data(T, clashes) -> None:
    card = fz.role_card(T, "XNC", clashes)
    assert "missing data, not freedom to sign anything" in card


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
    shown = " ".join(item.data for item in fv.outcome_items(T, files))
    assert "Who held out, how often" in shown and "KAZ" in shown
    empty = tmp_path / "empty"
    rp.write_outcome_template(empty / "outcomes.csv")
    hint = fv.outcome_items(T, rp.outcome_files(empty))[0].data
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


@pytest.mark.browser
def test_kit_prints_each_card_from_a_new_page_at_a_readable_size(T, clashes, tmp_path) -> None:
    require(rp.chromium() is not None, "Chromium is not installed: cannot print the PDF")
    written = rp.export_printable(T, tmp_path, clashes, pdf=True)
    pages = rp.kit_pages(T, clashes)
    sheets = [sheet for text in pages.values() for sheet in rp.print_sheets(text)]
    titles = [sheet_title(sheet) for sheet in sheets]
    assert len(set(titles)) == len(titles) == len(pages) + 10  # ten cards, each with its evidence
    reader = PdfReader(next(p for p in written if p.name == "kit.pdf"))
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
            assert 1 <= leads.count(title) <= 2, (title, leads.count(title))
    htmls = [p for p in written if p.suffix == ".html" and p.name != "kit.html"]
    assert [p.stem for p in htmls] == list(pages)
    kit = (tmp_path / "print" / "kit.html").read_text(encoding="utf-8")
    assert kit.count("<section class='page") == len(sheets) and "break-before: page" in kit
    assert "font-size: 10pt" in kit
    assert (tmp_path / rp.OUTCOME_FILE).read_text(encoding="utf-8").startswith("class,date")


def test_a_printed_card_is_the_brief_and_its_evidence_file_keeps_every_sourced_line(
    T, clashes
) -> None:
    for cid in fz.role_card_states(T.countries):
        card_md = fz.role_card(T, cid, clashes)
        card, evidence = rp.print_sheets(card_md)
        assert card.startswith("# Role card: ") and evidence.startswith("# Evidence file: ")
        for kept in ("Your brief", "Your options, rung by rung", "Confidential instructions"):
            assert section(card, kept) == section(card_md, kept), (cid, kept)
        assert "## Claims about you in the sources" not in card
        assert section(evidence, "Claims about you in the sources") == section(
            card_md, "Claims about you in the sources"
        )
        lines = {line for line in card_md.splitlines() if line.startswith(("- ", "1. ", "2. "))}
        printed = set(card.splitlines()) | set(evidence.splitlines())
        assert lines <= printed, (cid, lines - printed)
        telling = section(card, "The most telling sourced lines")
        repeated = [line for line in telling.splitlines() if line.startswith("- ")]
        assert len(repeated) <= 4, cid
        if not repeated:
            assert "missing data, not a position" in telling, cid
        for line in repeated:
            assert line in evidence and re.search(r"\b[SR]\d{3}\b", line), (cid, line)
    tur = section(
        rp.print_sheets(fz.role_card(T, "TUR", clashes))[0], "The most telling sourced lines"
    )
    assert "**Recep Tayyip Erdoğan** (President of Türkiye; R232)" in tur
    assert "**C011** (fact; asserted by R218, S000, S001, S002, S004" in tur
    xnc = rp.print_sheets(fz.role_card(T, "XNC", clashes))[0]
    # the Republic of Cyprus's position on its status is on Northern Cyprus's card (review F94)
    assert "**C129**" in section(xnc, "The most telling sourced lines")
    assert rp.print_sheets(rp.chair_card(T)) == [rp.chair_card(T)]


def test_kit_html_escapes_data_and_keeps_a_teachers_edits(T, clashes, tmp_path) -> None:
    tables = Tables({name: frame.copy() for name, frame in T.items()})
    tables.countries.loc[tables.countries["country_id"] == "TUR", "security_posture"] = (
        "<script>alert(1)</script> $x$"
    )
    first = rp.export_printable(tables, tmp_path, clashes, pdf=False)
    card = next(p for p in first if p.name == "01_role_card_TUR.html")
    text = card.read_text(encoding="utf-8")
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    card.write_text(text.replace("</body>", "<p>Our class rule</p></body>"), encoding="utf-8")
    second = rp.export_printable(tables, tmp_path, clashes, pdf=False)
    assert "Our class rule" in card.read_text(encoding="utf-8")
    assert (tmp_path / "print" / "01_role_card_TUR.new.html") in second
    assert "01_role_card_TUR.html was changed after it was written" in fz.describe_kit(second)


def test_the_notebook_buttons_write_the_kit_only_when_pressed_and_say_how_to_print(
    T, clashes, tmp_path, monkeypatch
) -> None:
    view = fv.kit_view(T, clashes, tmp_path)
    buttons, output = view.children
    write, printing = buttons.children
    assert "Nothing is written until you press a button" in shown_text(output)
    assert not any(tmp_path.iterdir()), "running the cell wrote files"
    write.click()
    assert "Markdown" in shown_text(output) and "HTML" in shown_text(output)
    assert (tmp_path / "print" / "kit.html").exists() and not (
        tmp_path / "print" / "kit.pdf"
    ).exists()
    assert (tmp_path / "00_briefing.md").exists()
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    printing.click()
    assert "No Chromium on this machine" in shown_text(output)


def test_export_all_writes_every_page_as_markdown_and_html(T, clashes, tmp_path) -> None:
    markdown, printable = rp.export_all(T, tmp_path, clashes, pdf=False)
    pages = rp.kit_pages(T, clashes)
    assert [p.stem for p in markdown] == list(pages)
    assert markdown[-1].read_text(encoding="utf-8") == pages[markdown[-1].stem] + "\n"
    assert {p.stem for p in printable if p.suffix == ".html"} == {*pages, "kit"}
    assert "13_outcome_form" in pages and "11_chair" in pages and "12_press" in pages
