"""Read the cells of the course's HTML grids as a student meets them: what a cell shows, and
what opens when it is clicked, tapped or Entered (its `<details>` panel)."""

from __future__ import annotations

import re

DETAIL = re.compile(
    r'<details class="otslab-detail"[^>]*><summary title="([^"]*)"[^>]*>(.*?)</summary>'
    r'<div class="otslab-detail-panel"[^>]*>(.*?)</div></details>',
    re.S,
)
"""A cell's details: its hover text, what it shows, and the panel that opens."""


def shown(html: str) -> str:
    """The HTML as it reads with every details panel closed (panels and tooltips left out)."""
    return DETAIL.sub(lambda m: m.group(2), html)


def panels(html: str) -> list[tuple[str, str]]:
    """Every (shown text, panel text) of the cells that open details; the panel must be the
    same text as the hover tooltip, so hovering and opening tell the same."""
    found = DETAIL.findall(html)
    assert all(tip == panel for tip, _shown, panel in found), "hover and panel differ"
    return [(text, panel) for _tip, text, panel in found]


def cells(html: str, attribute: str) -> list[tuple[str, str, str, str]]:
    """(attribute value, other attributes, shown text, panel text) of every <td attribute=...>."""
    rows = []
    for key, attrs, content in re.findall(
        rf"<td {attribute}=['\"]([^'\"]*)['\"]([^>]*)>(.*?)</td>", html, re.S
    ):
        match = DETAIL.fullmatch(content)
        text, panel = (match.group(2), match.group(3)) if match else (content, "")
        rows.append((key, attrs, text, panel))
    return rows
