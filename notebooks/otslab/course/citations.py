"""The memo's citations checked against claim_sources: does the source carry the claim as cited?"""

from __future__ import annotations

import re

import pandas as pd

from otslab.data import Tables
from otslab.views.markup import Markup, html, join

HEDGES = re.compile(
    r"\b(expect\w*|forecast\w*|predict\w*|likely|may|might|could|would|hope\w*|anticipat\w*|"
    r"plan\w*|propos\w*|according to|says?|said|argues?|claims?|believes?|envisag\w*|"
    r"foresee\w*|if)\b",
    re.I,
)
"""Words that attribute or hedge a statement about the future."""

CITATION = re.compile(
    r"\[\s*(?P<source>[SR]\d{3})(?:\s+(?P<verb>asserts|disputes|qualifies))?\s*[:,]?\s*"
    r"(?P<claim>C\d{3})?\s*\]"
)
"""A memo citation: [S004], [S004 C030] or [S004 asserts C030] (asserts/disputes/qualifies)."""


def cite_check(T: Tables, text: str) -> pd.DataFrame:
    """Each citation in a memo against claim_sources: does the source carry the claim as you say?"""
    rows = []
    sentences = re.split(r"(?<=[.!?])\s+", text)
    stances = T.claim_sources.set_index(["source_id", "claim_id"])["stance"]
    types = T.claims.set_index("claim_id")["claim_type"].astype(str)
    for sentence in sentences:
        for found in CITATION.finditer(sentence):
            source, verb, claim = found["source"], found["verb"], found["claim"]
            cited = found.group(0)
            if source not in set(T.sources["source_id"]):
                rows.append((cited, "no such source", f"{source} is not in sources.csv."))
                continue
            if not claim:
                rows.append(
                    (
                        cited,
                        "source only",
                        f"{source} exists; name a claim (e.g. [{source} C001]) "
                        "to have the attribution checked.",
                    )
                )
                continue
            if claim not in types.index:
                rows.append((cited, "no such claim", f"{claim} is not in claims.csv."))
                continue
            stance = stances.get((source, claim))
            if stance is None:
                carriers = sorted(T.claim_sources.query("claim_id == @claim")["source_id"])
                rows.append(
                    (
                        cited,
                        "not in this source",
                        f"{source} does not carry {claim}; it is carried by {', '.join(carriers)}.",
                    )
                )
                continue
            if verb and verb != stance:
                rows.append(
                    (
                        cited,
                        "wrong stance",
                        f"{source} {stance} {claim}, it does not {verb[:-1]} it.",
                    )
                )
            else:
                rows.append((cited, "ok", f"{source} {stance} {claim}."))
            if types[claim] == "forecast" and not HEDGES.search(HEDGES.sub("", "") or sentence):
                rows.append(
                    (
                        cited,
                        "forecast as fact",
                        f"{claim} is a forecast: attribute or hedge it ('{source} expects ...').",
                    )
                )
    return pd.DataFrame(rows, columns=["citation", "verdict", "what the data say"])


def citations_html(table: pd.DataFrame) -> Markup:
    """The citation check as an HTML list."""
    if table.empty:
        return html("<p>No citations found: cite as [S004 asserts C030] or [S004 C030].</p>")
    items = join(
        html("<li><code>{}</code>: <b>{}</b>. {}</li>", *row)
        for row in table.itertuples(index=False)
    )
    return html("<p>Your citations, checked against claim_sources:</p><ul>{}</ul>", items)
