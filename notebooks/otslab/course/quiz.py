"""Self-check questions with instant feedback; every choice is saved with the student's work."""

from __future__ import annotations

import hashlib

import ipywidgets as w

from otslab.course.feedback import notices_html
from otslab.course.work import WorkSaveError, load_work, record
from otslab.views.markup import html, join

_ASKED: list[dict[str, object]] = []
"""The questions created in this kernel, in order (read by tools/answer_keys.py)."""


def asked_questions() -> list[dict[str, object]]:
    """Every question created so far in this kernel: prompt, options, answer, explanation."""
    return [dict(q) for q in _ASKED]


def check_answer(
    choice: str | None, answer: str, explanation: str, defensible: dict[str, str] | None = None
) -> tuple[bool | None, str]:
    """Judge one choice: (None, hint) when nothing is chosen, else (correct?, feedback)."""
    if choice is None:
        return None, "Pick an answer first."
    if choice == answer:
        return True, f"Correct. {explanation}"
    if defensible and choice in defensible:
        return True, f"Defensible. {defensible[choice]} {explanation}"
    return False, f"Not quite: you chose '{choice}'. Look again, then try another answer."


def question_key(prompt: str) -> str:
    """The key a question's answer is saved under in the work file."""
    return "q-" + hashlib.sha1(prompt.encode("utf-8")).hexdigest()[:10]


def question(
    prompt: str,
    options: list[str],
    answer: str,
    explanation: str,
    defensible: dict[str, str] | None = None,
) -> w.VBox:
    """A multiple-choice question with instant feedback (defensible: other option -> why)."""
    if answer not in options:
        raise ValueError(f"the answer {answer!r} is not among the options {options}")
    if set(defensible or {}) - set(options):
        raise ValueError(f"defensible answers not among the options: {sorted(defensible)}")
    asked = {
        "prompt": prompt,
        "options": list(options),
        "answer": answer,
        "explanation": explanation,
    }
    _ASKED.append({**asked, "defensible": dict(defensible)} if defensible else asked)
    key = question_key(prompt)
    saved = load_work()["answers"].get(key, {}).get("answer")
    choices = w.RadioButtons(
        options=options, value=saved if saved in options else None, layout={"width": "auto"}
    )
    button = w.Button(description="Check")
    feedback = w.HTML(str(notices_html()))

    def on_click(_button: w.Button) -> None:
        correct, text = check_answer(choices.value, answer, explanation, defensible)
        unsaved = ""
        if correct is not None:
            result = "right" if correct else "wrong"
            entry = {"prompt": prompt, "answer": choices.value, "result": result, "checked": True}
            try:
                record(key, entry)
            except WorkSaveError as error:
                unsaved = str(error)
        colour = {True: "#1b7837", False: "#b35806", None: "#555"}[correct]
        feedback.value = join(
            [
                notices_html(),
                html(
                    '<p class="otslab-feedback mathjax_ignore" style="color:{}">{} {}</p>',
                    colour,
                    text,
                    unsaved,
                ),
            ]
        )

    button.on_click(on_click)
    return w.VBox([w.HTML(html("<b>{}</b>", prompt)), choices, button, feedback])
