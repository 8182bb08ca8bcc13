"""Drive each widget's controls in Python, as a student would, and check what its view shows."""

import re

import pytest

from otslab.data import load_tables
from otslab.quiz import asked_questions, question
from otslab.widgets import shown_text, table_browser


@pytest.fixture(scope="module")
def T():
    """The loaded tables."""
    return load_tables()


def controls(view):
    """The (table dropdown, search box, output) of a table browser."""
    (table, search), output = view.children[0].children, view.children[1]
    return table, search, output


def test_table_browser_follows_the_dropdown(T) -> None:
    """Choosing another table replaces the view with that table, its rows counted."""
    view = table_browser(T)
    table, _search, output = controls(view)
    assert f"Table: events — {len(T.events)} rows" in shown_text(output)
    table.value = "memberships"
    text = shown_text(output)
    assert f"Table: memberships — {len(T.memberships)} rows" in text
    assert "Table: events" not in text
    assert text.count("<tr>") == len(T.memberships)  # one body row per membership


def test_table_browser_search_keeps_matching_rows(T) -> None:
    """Typing a word keeps only the rows containing it, and says how many."""
    table, search, output = controls(table_browser(T))
    table.value = "memberships"
    search.value = "UZB"
    text = shown_text(output)
    shown = int(re.search(r"(\d+) containing &#39;UZB&#39;", text).group(1))
    body_rows = text.split("<tbody>")[1].split("<tr>")[1:]
    assert len(body_rows) == shown
    assert shown >= int((T.memberships["country_id"] == "UZB").sum())
    assert shown < len(T.memberships)
    assert all("uzb" in row.lower() for row in body_rows)


def test_table_browser_empty_result_shows_a_hint(T) -> None:
    """A search that matches nothing shows a hint, not an empty table or a traceback."""
    table, search, output = controls(table_browser(T))
    search.value = "no such word anywhere"
    text = shown_text(output)
    assert "otslab-hint" in text and "No row of &#39;events&#39; contains" in text
    assert "<table" not in text and "Traceback" not in text
    search.value = ""
    assert f"Table: events — {len(T.events)} rows" in shown_text(output)


def test_quiz_gives_feedback_for_no_wrong_and_right_answers() -> None:
    """Check with nothing picked hints; a wrong pick says so; the right one explains why."""
    view = question("Which is a forecast?", ["A", "B"], answer="B", explanation="B looks ahead.")
    _prompt, choices, button, feedback = view.children
    button.click()
    assert "Pick an answer first" in feedback.value
    choices.value = "A"
    button.click()
    assert "Not quite" in feedback.value
    choices.value = "B"
    button.click()
    assert "Correct. B looks ahead." in feedback.value


def test_quiz_rejects_an_answer_that_is_not_an_option() -> None:
    """A typo in a notebook's quiz fails loudly when the cell runs."""
    with pytest.raises(ValueError, match="not among the options"):
        question("?", ["A", "B"], answer="C", explanation="")


def test_quiz_remembers_the_questions_it_asked() -> None:
    """Each question created is recorded with its answer, for the generated answer keys."""
    before = len(asked_questions())
    question("Which is a fact?", ["X", "Y"], answer="X", explanation="X can be checked.")
    latest = asked_questions()[before:]
    assert latest == [
        {
            "prompt": "Which is a fact?",
            "options": ["X", "Y"],
            "answer": "X",
            "explanation": "X can be checked.",
        }
    ]
