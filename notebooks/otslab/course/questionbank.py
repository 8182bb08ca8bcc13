"""The self-check questions, asked by id (`ask("02.q1", T)`), so that no answer stands in a
notebook cell just above its buttons; where the data decide an answer, it is worked out from them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import ipywidgets as w

from otslab.course.quiz import question
from otslab.data import Tables
from otslab.model import alignments as al


@dataclass(frozen=True)
class Question:
    """One multiple-choice question: prompt, options and answer (as text, or worked out from
    the tables), the explanation shown once answered, and defensible other options (-> why)."""

    prompt: str
    options: tuple[str, ...] | Callable[[Tables], tuple[str, ...]]
    answer: str | Callable[[Tables], str]
    explanation: str
    defensible: dict[str, str] = field(default_factory=dict)


TREATY_OR_POLICY = ("K006", "K001", "K007")
"""The commitments question 02.q3 sets side by side: one treaty duty, two stated policies."""


def _treaty_or_policy(tables: Tables) -> tuple[str, ...]:
    """The names of the commitments question 02.q3 offers, in TREATY_OR_POLICY's order."""
    picked = tables.commitments.set_index("commitment_id").loc[list(TREATY_OR_POLICY)]
    return tuple(picked["name"])


def _the_treaty(tables: Tables) -> str:
    """The name of the one treaty among question 02.q3's commitments."""
    picked = tables.commitments.set_index("commitment_id").loc[list(TREATY_OR_POLICY)]
    return picked.query("form == 'treaty'")["name"].item()


QUESTIONS: dict[str, Question] = {
    "00.q1": Question(
        "A row in the data says a state joined an organisation in 1994. "
        "What must that row also carry?",
        (
            "Nothing else: the date is enough",
            "A source id and a locator saying where the source states it",
            "A second source that confirms it",
        ),
        "A source id and a locator saying where the source states it",
        "Every fact row names its source and where in that source the fact is stated. A second "
        "source is welcome (notebook 01 calls it corroboration) but not required: many facts "
        "rest on one.",
    ),
    "00.q2": Question(
        "'Aliyev proposed OTS joint exercises for 2026' and "
        "'these exercises will happen by autumn': which is a forecast?",
        ("The first", "The second", "Both"),
        "The second",
        "That a proposal was made can be checked; "
        "whether the exercises will take place is a forecast.",
    ),
    "01.q1": Question(
        "S003 mentions Russia far more often than S000 does. "
        "What can you conclude from that alone?",
        (
            "S003 is more pro-Russian than S000",
            "S003 pays more attention to Russia; the count says nothing about its stance",
            "S000 does not consider Russia relevant",
        ),
        "S003 pays more attention to Russia; the count says nothing about its stance",
        "A count measures attention; stance needs close reading. S003 is also far longer.",
    ),
    "01.q2": Question(
        "S003 attributes 'defense Schengen' to a Russian newspaper, yet keeps it, in quotation "
        "marks, as the heading of its own sections. How does the course's coding rule read that?",
        ("adopts", "reports", "rejects"),
        "adopts",
        "The rule codes what the passage does with the label: here it frames S003's own "
        "sections, so the data say 'adopts'. The rule is ours and open to argument "
        "(discussion prompt).",
        {
            "reports": "S003 does attribute the phrase to Nezavisimaya Gazeta, and the quotation "
            "marks keep a distance: that reading is arguable, though the data code it otherwise."
        },
    ),
    "01.q3": Question(
        "Two sources assert a claim, and both are Azerbaijani outlets. What is the best reading?",
        (
            "The claim is confirmed: two sources agree",
            "The claim has support, but not from independent vantage points: look for a third",
            "The claim is contested, because both outlets are on one side",
        ),
        "The claim has support, but not from independent vantage points: look for a third",
        "Corroboration is strongest when sources differ in origin and copy no one. "
        "'Contested' means some source disputes the claim, which none does here.",
    ),
    "02.q1": Question(
        "What was Uzbekistan's status in the CSTO at the end of 2010?",
        ("member", "suspended", "withdrawn", "observer"),
        lambda tables: al.membership_matrix(tables, 2010).loc["UZB", "CSTO"],
        "It rejoined in 2006 and suspended its membership in December 2012 "
        "(see the CSTO rows of memberships.csv).",
    ),
    "02.q2": Question(
        "Kazakhstan's NAM cell shows '?' for 2010. Why?",
        (
            "Kazakhstan left the NAM in 2010",
            "The source says Kazakhstan is an observer but not since when, so 2010 is unknown",
            "The NAM did not exist in 2010",
        ),
        "The source says Kazakhstan is an observer but not since when, so 2010 is unknown",
        "Unknown stays unknown: the status is shown only from the source's date on.",
    ),
    "02.q3": Question(
        "Which of these is a treaty duty rather than a stated policy?",
        _treaty_or_policy,
        _the_treaty,
        "CSTO Article 1 is in the treaty text (R003). Uzbekistan's concept was approved by "
        "parliament in 2012, a law rather than a treaty; Azerbaijan's line is a TV panel's "
        "description (S000).",
    ),
    "03.q1": Question(
        "In this notebook's network, which of these links two states?",
        (
            "One proposed joint exercises to the other",
            "Both signed the same agreement",
            "They fought a war against each other",
            "One observed a summit the other hosted",
        ),
        "Both signed the same agreement",
        "Signatories of an agreement are tied; proposals, observing and wars make no tie.",
    ),
    "03.q2": Question(
        "What does the record say about single flights under the Türkiye-Kazakhstan transit "
        "agreement?",
        (
            "They need no permission once the agreement is in force",
            "Each flight still needs prior permission",
            "Only humanitarian flights are allowed",
        ),
        "Each flight still needs prior permission",
        "S003 reports prior permission for every flight; Kazakh officials stress it (V13).",
    ),
    "03.q3": Question(
        "How does the Shusha Declaration's assistance clause differ from NATO's Article 5?",
        (
            "It does not: both say an attack on one is an attack on all",
            "Help is settled through consultations, in line with the UN Charter, not automatically",
            "It has no assistance clause at all",
        ),
        "Help is settled through consultations, in line with the UN Charter, not automatically",
        "The two sides consult and settle the scope and form of help in urgent talks: "
        "nothing is automatic, unlike an Article 5-style commitment.",
    ),
    "04.q1": Question(
        "In the model, why does a constraint weigh more on rung 5 than on rung 1?",
        (
            "Because rung 5 asks for more of the requirements (its depth is larger)",
            "Because the sources say so about every constraint",
            "Because drivers weigh less on higher rungs",
        ),
        "Because rung 5 asks for more of the requirements (its depth is larger)",
        "Constraints are multiplied by depth(r), the share of the top rung's requirements "
        "that rung r asks for; drivers count the same on every rung.",
    ),
    "04.q2": Question(
        "A commitment 'limits' a requirement. What does that mean here?",
        (
            "It rules the requirement out completely",
            "It excludes some forms of it, or the new promise must be drafted around it",
            "It has no effect on the model",
        ),
        "It excludes some forms of it, or the new promise must be drafted around it",
        "For example, the Caspian convention would bar foreign forces on the sea, "
        "not on land (it was not in force as of December 2025).",
    ),
    "04.q3": Question(
        "The model says all members could accept up to some rung. What is that answer?",
        (
            "A forecast of the next OTS summit",
            "The consequence of the weights you chose and the commitments in the data",
            "What the commitments in the data require, whatever the weights",
        ),
        "The consequence of the weights you chose and the commitments in the data",
        "The model is a thinking tool: change the weights and the answer changes.",
    ),
}


def ask(question_id: str, tables: Tables) -> w.VBox:
    """The self-check question with this id, as a widget (its answer from tables if the data
    decide it); a KeyError that lists the questions if there is none."""
    if question_id not in QUESTIONS:
        raise KeyError(f"no question {question_id!r}: the questions are {', '.join(QUESTIONS)}")
    asked = QUESTIONS[question_id]
    options = asked.options(tables) if callable(asked.options) else asked.options
    answer = asked.answer(tables) if callable(asked.answer) else asked.answer
    return question(asked.prompt, list(options), answer, asked.explanation, asked.defensible)
