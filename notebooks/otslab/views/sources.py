"""Figures and widget views for notebook 01 (sources): thin wiring around otslab.model.sources."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import ipywidgets as w
import matplotlib.dates as mdates
import pandas as pd
import seaborn as sns
import seaborn.matrix
from IPython.display import HTML
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from otslab.data import Tables
from otslab.model.sources import (
    ALL,
    CARDS_DIR,
    FILTERS,
    STANCES,
    card_section,
    claim_support,
    corroboration_matrix,
    describe_term_heatmap,
    seed_sources,
    source_claims,
    source_metadata,
    term_rates,
)
from otslab.views.markup import Markup, html, join, rendered
from otslab.views.plots import (
    COLOURS,
    add_source_note,
    description_markup,
    ink_on,
    new_figure,
    shorten,
    source_ids_of,
)
from otslab.views.widgets import OUTPUT_LAYOUT, CheckList, folded_table, hint, redraw_on, table_html

TREATMENT_COLOURS = {"adopts": COLOURS[0], "reports": COLOURS[2], "rejects": COLOURS[3]}
ALL_STANCES = "all stances"
HEATMAP_CMAP = "mako_r"
HEATMAP_STYLE = Markup("""<style>
.otslab-heatmap td {text-align: center; min-width: 7em; padding: 3px 6px;}
.otslab-heatmap th {text-align: left; padding: 3px 8px; font-weight: normal; white-space: pre-line;}
</style>""")


def plot_publication_timeline(spans: pd.DataFrame, *, title: str, source_ids: list[str]) -> Figure:
    """One row per source: the span of dated events it reports, and its publication date."""
    fig = new_figure(10, 5.2)
    ax = fig.subplots()
    n = len(spans)
    dates = pd.concat(
        [spans["first_earliest"], spans["published_earliest"], spans["last_earliest"]]
    )
    left = dates.min() - pd.DateOffset(years=1)
    right = dates.max() + pd.DateOffset(years=3)
    labels = []
    for y, row in enumerate(spans.to_dict("records")):
        first, last, published = row["first_earliest"], row["last_earliest"], row["published"]
        if pd.notna(first) and first == last:
            ax.plot(first, y, marker="o", ms=8, color=COLOURS[0], alpha=0.45)
        elif pd.notna(first):
            ax.plot(
                [first, last], [y, y], color=COLOURS[0], lw=7, alpha=0.45, solid_capstyle="round"
            )
        else:
            ax.text(
                left + (right - left) / 2,
                y,
                "reports no dated event",
                ha="center",
                va="center",
                fontsize=9,
                color="0.4",
                style="italic",
            )
        if isinstance(published, str):
            ax.plot(row["published_earliest"], y, marker="D", ms=9, color=COLOURS[1], ls="none")
        elif pd.notna(last):
            ax.annotate(
                "",
                xy=(right, y),
                xytext=(last, y),
                arrowprops={"arrowstyle": "->", "ls": "--", "color": COLOURS[3], "lw": 1.5},
            )
        when = f"published {published}" if isinstance(published, str) else "date not stated"
        dated = row["dated events"]
        label = shorten(row["label"], 40)
        labels.append(f"{label}\n{when} · {dated} dated event{'s' * (dated != 1)}")
    ax.set_yticks(range(n), labels, fontsize=9)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlim(left, right)
    ax.xaxis.set_major_locator(mdates.YearLocator(5))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.set_xlabel("Year")
    ax.set_ylabel("Source text")
    ax.set_title(title, loc="left", fontsize=13)
    handles = [
        Line2D([], [], color=COLOURS[0], lw=7, alpha=0.45, label="dated events it reports"),
        Line2D([], [], color=COLOURS[1], marker="D", ls="none", ms=8, label="publication date"),
        Line2D([], [], color=COLOURS[3], ls="--", label="no date: published after its last event"),
    ]
    ax.legend(
        handles=handles, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2
    )
    add_source_note(fig, source_ids)
    return fig


def plot_label_grid(
    treatments: pd.DataFrame, mentions: pd.DataFrame, *, title: str, source_ids: list[str]
) -> Figure:
    """Sources x labels: what each source does with each label, and how often its body uses it."""
    fig = new_figure(9, 4.4)
    ax = fig.subplots()
    rows, cols = treatments.shape
    for i, source in enumerate(treatments.index):
        for j, term in enumerate(treatments.columns):
            coded = [t for t in treatments.loc[source, term].split(", ") if t]
            count = int(mentions.loc[source, term])
            if not coded:
                ax.text(j, i, "not used", ha="center", va="center", fontsize=9, color="0.55")
                continue
            for k, treatment in enumerate(coded):
                offset = (k - (len(coded) - 1) / 2) * 0.22 - 0.1
                ax.text(
                    j,
                    i + offset,
                    treatment,
                    ha="center",
                    va="center",
                    fontsize=11,
                    weight="bold",
                    color=TREATMENT_COLOURS[treatment],
                )
            ax.text(
                j,
                i + 0.3,
                f"{count} mention{'s' * (count != 1)}",
                ha="center",
                va="center",
                fontsize=8,
                color="0.35",
            )
    ax.set_xticks(range(cols), [f"“{t}”" for t in treatments.columns])
    ax.set_yticks(range(rows), treatments.index)
    ax.set_xticks([x - 0.5 for x in range(1, cols)], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, rows)], minor=True)
    ax.grid(False)
    ax.grid(which="minor", color="0.85")
    ax.tick_params(which="minor", length=0)
    ax.set_xlim(-0.5, cols - 0.5)
    ax.set_ylim(rows - 0.5, -0.5)
    ax.xaxis.tick_top()
    ax.xaxis.set_label_position("top")
    ax.set_xlabel("Label")
    ax.set_ylabel("Source text")
    ax.set_title(title, loc="left", fontsize=13)
    add_source_note(fig, source_ids)
    return fig


def _row_labels(tables: Tables) -> dict[str, str]:
    """Source id -> 'S000 · genre' (two lines) for figure axes."""
    seeds = seed_sources(tables.sources)
    return dict(
        zip(seeds["source_id"], seeds["source_id"] + "\n" + seeds["genre"].astype(str), strict=True)
    )


@contextmanager
def _no_overlap_draw() -> Iterator[None]:
    """Skip the draw of the whole figure that seaborn's heatmap makes to see whether its tick
    labels overlap (and turn them if so): plot_term_heatmap sets their rotation itself right
    after, so that draw decided nothing and cost half the time of building the figure. The
    figure is then laid out once, when it is saved (positions move by under 0.01 pt)."""
    draw = seaborn.matrix._draw_figure
    seaborn.matrix._draw_figure = lambda _figure: None
    try:
        yield
    finally:
        seaborn.matrix._draw_figure = draw


def plot_term_heatmap(
    values: pd.DataFrame,
    *,
    unit: str,
    title: str,
    source_ids: list[str],
    column_labels: dict[str, str] | None = None,
) -> Figure:
    """Terms (rows) x sources (columns), each cell annotated with its value."""
    data = values.T.rename(columns=column_labels or {})
    fig = new_figure(9, 1.4 + 0.42 * len(data))
    ax = fig.subplots()
    integers = (data % 1 == 0).all().all()
    with _no_overlap_draw():
        sns.heatmap(
            data,
            ax=ax,
            annot=True,
            fmt="g" if integers else ".1f",
            cmap=HEATMAP_CMAP,
            linewidths=0.5,
            linecolor="white",
            cbar_kws={"label": unit},
            annot_kws={"fontsize": 9},
        )
    ax.set_xlabel("Source text")
    ax.set_ylabel("Term")
    ax.tick_params(axis="x", rotation=0, labelsize=9)
    ax.tick_params(axis="y", rotation=0)
    ax.set_title(title, loc="left", fontsize=13)
    add_source_note(fig, source_ids)
    return fig


def plot_support_profile(profile: pd.DataFrame, *, title: str, source_ids: list[str]) -> Figure:
    """Stacked bars: number of claims by how many sources assert them, one colour per claim type."""
    fig = new_figure(9, 4.4)
    ax = fig.subplots()
    bottom = pd.Series(0, index=profile.index)
    for colour, kind in zip(COLOURS, profile.columns, strict=False):
        ax.bar(profile.index, profile[kind], bottom=bottom, color=colour, label=kind, width=0.7)
        bottom = bottom + profile[kind]
    for x, total in bottom.items():
        ax.text(x, total + 0.3, str(int(total)), ha="center", va="bottom", fontsize=10)
    ax.set_xticks(list(profile.index))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(0, bottom.max() * 1.12 + 1)
    ax.set_xlabel("Number of sources that assert the claim")
    ax.set_ylabel("Number of claims")
    ax.set_title(title, loc="left", fontsize=13)
    ax.legend(title="Claim type", frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1))
    add_source_note(fig, source_ids)
    return fig


def _heatmap_args(tables: Tables, measure: str, whole_text: bool) -> dict:
    """Unit, title, source ids and column labels shared by both renderings of the term heatmap."""
    scope = "whole text" if whole_text else "body only"
    return {
        "unit": "Mentions per 1,000 words" if measure == "rate" else "Mentions (raw count)",
        "title": f"How often each source uses the debate's words ({scope})",
        "source_ids": source_ids_of(tables.term_counts),
        "column_labels": _row_labels(tables),
    }


def term_heatmap(
    tables: Tables, terms: list[str], measure: str = "rate", whole_text: bool = False
) -> tuple[Figure, str]:
    """The term heatmap as a figure, with its text description (for the static default)."""
    values = term_rates(tables.term_counts, terms, measure, whole_text)
    fig = plot_term_heatmap(values, **_heatmap_args(tables, measure, whole_text))
    return fig, describe_term_heatmap(values, measure, whole_text)


def term_heatmap_items(
    tables: Tables, terms: list[str], measure: str = "rate", whole_text: bool = False
) -> list[object]:
    """The term heatmap as a colour-coded table for the view, or a hint when no term is picked."""
    if not terms:
        return [hint("Pick at least one term: tick its box.")]
    values = term_rates(tables.term_counts, terms, measure, whole_text)
    description = describe_term_heatmap(values, measure, whole_text)
    return [
        heatmap_html(values, description=description, **_heatmap_args(tables, measure, whole_text))
    ]


def heatmap_html(
    values: pd.DataFrame,
    *,
    unit: str,
    title: str,
    source_ids: list[str],
    description: str,
    column_labels: dict[str, str] | None = None,
) -> HTML:
    """Terms (rows) x sources (columns) as a colour-coded HTML table: a heatmap that draws fast."""
    data = values.T
    cmap = sns.color_palette(HEATMAP_CMAP, as_cmap=True)
    top = float(data.to_numpy().max()) or 1.0
    labels = column_labels or {}
    head = join(html("<th>{}</th>", labels.get(c, c)) for c in data.columns)
    body = []
    for term, row in data.iterrows():
        cells = []
        for value in row:
            r, g, b, _ = cmap(float(value) / top)
            ink = ink_on((r, g, b))
            colour = f"rgb({r * 255:.0f},{g * 255:.0f},{b * 255:.0f})"
            cells.append(html('<td style="background:{};color:{}">{:g}</td>', colour, ink, value))
        body.append(html("<tr><th>{}</th>{}</tr>", term, join(cells)))
    note = "Source: " + ", ".join(source_ids) + " (see data/sources.csv)"
    return rendered(
        html(
            '{style}<p><b>{title}</b> ({unit}; darker = more)</p><table class="otslab-heatmap">'
            "<tr><th>Term</th>{head}</tr>{body}</table>"
            '<p style="font-size:small;color:#555">{note}</p>{description}',
            style=HEATMAP_STYLE,
            title=title,
            unit=unit.lower(),
            head=head,
            body=join(body),
            note=note,
            description=description_markup(description, "Figure description"),
        )
    )


def _paragraphs(text: str) -> Markup:
    """Plain text with blank-line paragraphs as escaped HTML paragraphs."""
    return join(html("<p>{}</p>", " ".join(p.split())) for p in text.split("\n\n") if p.strip())


def source_card(
    tables: Tables,
    source_id: str,
    stance: str = ALL_STANCES,
    alone: bool = False,
    cards_dir: Path = CARDS_DIR,
) -> list[object]:
    """A source's card as displayables: metadata, our summary, and its claims with stance."""
    meta = source_metadata(tables, source_id)
    claims = source_claims(tables, source_id, None if stance == ALL_STANCES else stance, alone)
    summary = card_section(source_id, "Summary", cards_dir)
    items = [
        table_html(meta, f"{source_id}: what sources.csv records"),
        rendered(
            html(
                "<p><b>Summary (our words, from seeds/{}.md)</b></p>{}",
                source_id,
                _paragraphs(summary),
            )
        ),
    ]
    only = ", only those no other source asserts" if alone else ""
    if claims.empty:
        items.append(hint(f"{source_id} {stance} no claim in claim_sources.csv{only}."))
    else:
        which = ("" if stance == ALL_STANCES else f" it {stance}") + only
        n = len(claims)
        counts = claims["stance"].value_counts()
        by_stance = ", ".join(f"{counts[s]} {s}" for s in STANCES if s in counts)
        # Folded: a long card's claims are thousands of pixels; the summary gives their count.
        items.append(
            folded_table(
                claims,
                f"{n} claim{'s' * (n != 1)}{which} ({by_stance}), each with its statement and "
                "the quotation that locates it",
                f"{n} claim{'s' * (n != 1)}{which} (data/claim_sources.csv)",
            )
        )
    shown = "no claim" if claims.empty else f"{len(claims)} claim{'s' * (len(claims) != 1)}"
    which = ("" if stance == ALL_STANCES else f" it {stance}") + only
    items.append(
        rendered(
            description_markup(
                f"The card of {source_id}: its record, our summary and {shown}{which}.",
                "Shown now",
            )
        )
    )
    return items


def source_card_viewer(tables: Tables, cards_dir: Path = CARDS_DIR) -> w.VBox:
    """Pick a source: see its metadata, our summary and the claims it carries, with stance."""
    seeds = seed_sources(tables.sources)
    alone = w.Checkbox(
        value=False,
        description="only claims no other source asserts",
        indent=False,
        layout={"width": "auto"},
    )
    # Plain ids as labels: ipywidgets shows spaces in option labels as no-break spaces.
    source = w.Dropdown(options=seeds["source_id"].tolist(), description="Source")
    stance = w.Dropdown(options=[ALL_STANCES, *STANCES], description="Claims")
    output = w.Output(layout=OUTPUT_LAYOUT)

    def draw() -> list[object]:
        return source_card(tables, source.value, stance.value, alone.value, cards_dir)

    redraw_on((alone, source, stance), output, draw)
    return w.VBox([alone, w.HBox([source, stance]), output])


def term_explorer(tables: Tables, terms: list[str]) -> w.VBox:
    """Choose what to count and how, and pick terms: a heatmap compares the sources."""
    whole = w.Checkbox(
        value=False,
        description="also count boilerplate, references and translation",
        indent=False,
        layout={"width": "auto"},
    )
    measure = w.Dropdown(
        options=[("per 1,000 words", "rate"), ("raw count", "count")], description="Measure"
    )
    picker = CheckList(
        list(dict.fromkeys(tables.term_counts["term"])), value=terms, description="Terms"
    )
    output = w.Output(layout=OUTPUT_LAYOUT)

    def draw() -> list[object]:
        return term_heatmap_items(tables, list(picker.value), measure.value, whole.value)

    redraw_on((whole, measure, picker), output, draw)
    return w.VBox([whole, w.HBox([measure, picker]), output])


def corroboration_summary(tables: Tables, matrix: pd.DataFrame, texts_only: bool = False) -> str:
    """One sentence on the claims shown: how many, single-source, contested, from one country."""
    support = claim_support(tables, texts_only).loc[matrix["claim"]]
    one = support["one_country"].dropna().value_counts()
    countries = dict(zip(tables.countries["country_id"], tables.countries["name"], strict=True))
    only = ", ".join(f"{n} {countries[c]}" for c, n in one.items()) or "none"
    return (
        f"{len(matrix)} claims shown: {int(support['single_source'].sum())} rest on a single "
        f"source, {int(support['contested'].sum())} are disputed by some source; asserted only "
        f"by outlets of one country: {only}."
    )


def corroboration_items(
    tables: Tables,
    claim_type: str = ALL,
    topic: str = ALL,
    show: str = "all claims",
    texts_only: bool = False,
) -> list[object]:
    """The filtered claims x sources matrix with a one-line summary, or a hint when it is empty."""
    matrix = corroboration_matrix(tables, claim_type, topic, show, texts_only)
    if matrix.empty:
        return [hint(f"No {show} of type '{claim_type}' on topic '{topic}'. Widen a filter.")]
    return [
        rendered(html("<p>{}</p>", corroboration_summary(tables, matrix, texts_only))),
        table_html(matrix, f"Claims x sources: type {claim_type}, topic {topic}, {show}"),
    ]


def corroboration_explorer(tables: Tables, show: str = "contested") -> w.VBox:
    """Filter the claims x sources matrix by claim type, topic and corroboration status."""
    texts_only = w.Checkbox(
        value=False,
        description="five texts only (leave out the public references, R...)",
        indent=False,
        layout={"width": "auto"},
    )
    claim_type = w.Dropdown(
        options=[ALL, *tables.claims["claim_type"].cat.categories], description="Type"
    )
    topic = w.Dropdown(options=[ALL, *tables.claims["topic"].cat.categories], description="Topic")
    status = w.Dropdown(options=list(FILTERS), value=show, description="Show")
    output = w.Output(layout=OUTPUT_LAYOUT)

    def draw() -> list[object]:
        return corroboration_items(
            tables, claim_type.value, topic.value, status.value, texts_only.value
        )

    redraw_on((texts_only, claim_type, topic, status), output, draw)
    return w.VBox([texts_only, w.HBox([claim_type, topic, status]), output])
