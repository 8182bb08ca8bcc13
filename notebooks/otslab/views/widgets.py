"""Thin views: controls wired to pure otslab functions, drawn into one Output."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w
import pandas as pd
import traitlets
from IPython.core.interactiveshell import InteractiveShell
from IPython.display import HTML

from otslab.data import Tables
from otslab.model import alignments as al
from otslab.model.network import default_years
from otslab.model.overview import search_rows
from otslab.views import reading_widths
from otslab.views.markup import Markup, html, rendered
from otslab.views.plots import scroll_region

OUTPUT_LAYOUT = {"border": "1px solid #ddd", "padding": "2px 4px"}
"""A view's output grows with its content: the notebook's own scroll serves, never a nested one."""


YEAR_WIDTH = {"width": "max-content"}
"""A year dropdown as wide as its label and four digits."""


class YearPicker(w.HBox):
    """A year: a labelled dropdown with Earlier and Later buttons beside it.

    Each part carries its name to a screen reader (the label, the buttons' text), which a slider's
    handle does not in ipywidgets. `value` is the year; setting it moves the dropdown.
    """

    value = traitlets.Int()

    def __init__(self, years: list[int], value: int, label: str = "Year") -> None:
        self.years = list(years)
        self.choice = w.Dropdown(
            options=self.years, value=value, description=label, layout=YEAR_WIDTH
        )
        self.earlier = button("Earlier", "chevron-left")
        self.later = button("Later", "chevron-right")
        for part in (self.choice, self.earlier, self.later):
            part.layout.flex = "0 0 auto"  # beside other controls, nothing is squeezed or cut
        self.earlier.on_click(lambda _button: self.step(-1))
        self.later.on_click(lambda _button: self.step(1))
        super().__init__(
            [self.choice, self.earlier, self.later],
            layout={"align_items": "center", "flex": "0 0 auto"},
        )
        self.value = value
        traitlets.link((self.choice, "value"), (self, "value"))
        self._ends({"new": value})
        self.observe(self._ends, names="value")

    def step(self, by: int) -> None:
        """Move to the year `by` places away in the list, stopping at either end."""
        index = self.years.index(self.value) + by
        self.value = self.years[max(0, min(index, len(self.years) - 1))]

    @traitlets.validate("value")
    def _a_year_of_the_list(self, proposal: dict) -> int:
        """Only a year the dropdown offers."""
        if proposal["value"] not in self.years:
            raise traitlets.TraitError(f"{proposal['value']} is not among the years offered")
        return proposal["value"]

    def _ends(self, change: dict) -> None:
        """Earlier is off at the first year, Later at the last."""
        self.earlier.disabled = change["new"] == self.years[0]
        self.later.disabled = change["new"] == self.years[-1]


class YearRange(w.HBox):
    """A span of years: two labelled dropdowns, from and to, each named for a screen reader.

    `value` is (first, last); a first year set after the last moves the last with it, and the
    other way round, so the span is never empty. Setting `value` moves both dropdowns.
    """

    value = traitlets.Tuple(traitlets.Int(), traitlets.Int())

    def __init__(self, years: list[int], value: tuple[int, int], label: str = "Years") -> None:
        self.years = list(years)
        self.first = w.Dropdown(
            options=self.years, value=value[0], description=f"{label} from", layout=YEAR_WIDTH
        )
        self.last = w.Dropdown(
            options=self.years,
            value=value[1],
            description="to",
            layout=YEAR_WIDTH,
            style={"description_width": "initial"},
        )
        self._syncing = False
        super().__init__([self.first, self.last], layout={"align_items": "center"})
        self.value = (value[0], value[1])
        self.first.observe(self._first_changed, names="value")
        self.last.observe(self._last_changed, names="value")
        self.observe(self._span_set, names="value")

    def _first_changed(self, change: dict) -> None:
        """The first year was chosen: the last follows if it is now earlier."""
        if not self._syncing:
            self.value = (change["new"], max(change["new"], self.last.value))

    def _last_changed(self, change: dict) -> None:
        """The last year was chosen: the first follows if it is now later."""
        if not self._syncing:
            self.value = (min(self.first.value, change["new"]), change["new"])

    @traitlets.validate("value")
    def _an_ordered_span_of_the_list(self, proposal: dict) -> tuple[int, int]:
        """Two years the dropdowns offer, the first not after the last."""
        first, last = proposal["value"]
        if first not in self.years or last not in self.years or first > last:
            raise traitlets.TraitError(f"{first}-{last} is not a span of the years offered")
        return (first, last)

    def _span_set(self, change: dict) -> None:
        """The span was set (in code or by one dropdown): both dropdowns show it."""
        self._syncing = True
        try:
            self.first.value, self.last.value = change["new"]
        finally:
            self._syncing = False


def button(description: str, icon: str) -> w.Button:
    """A button as wide as its label (ipywidgets makes every button 148 px and cuts the rest)."""
    return w.Button(description=description, icon=icon, layout={"width": "auto"})


class CheckList(w.VBox):
    """A multi-choice control as a labelled list of checkboxes (no Ctrl-click needed).

    Its `value` is the tuple of checked option values, in option order, as with SelectMultiple;
    options are values or (label, value) pairs. Every checkbox is reached with Tab and toggled
    with Space.
    """

    value = traitlets.Any(())
    _pairs: list = []

    def __init__(self, options: list, value: tuple | list = (), description: str = ""):
        self.options = tuple(options)
        self._pairs = [o if isinstance(o, tuple) else (str(o), o) for o in options]
        self.description = description
        self._boxes = [
            w.Checkbox(
                value=choice in value,
                description=str(label),
                indent=False,
                layout={"width": "auto", "margin": "0 12px 0 0"},
            )
            for label, choice in self._pairs
        ]
        for box in self._boxes:
            box.observe(self._box_changed, names="value")
        super().__init__(
            [
                w.Label(description, style={"font_weight": "bold"}),
                w.HBox(self._boxes, layout={"flex_flow": "row wrap"}),
            ],
            layout={"margin": "0 8px 4px 0"},
        )
        self._syncing = False
        self.value = self._checked()

    def _checked(self) -> tuple:
        """The values whose boxes are checked, in option order."""
        pairs = zip(self._pairs, self._boxes, strict=True)
        return tuple(choice for (_label, choice), box in pairs if box.value)

    def _box_changed(self, _change: dict) -> None:
        """A box was toggled: the list's value follows."""
        if not self._syncing:
            self.value = self._checked()

    @traitlets.validate("value")
    def _valid_value(self, proposal: dict) -> tuple:
        """One value, a list or a tuple of option values; anything else is refused by name."""
        value = proposal["value"]
        chosen = tuple(value) if isinstance(value, list | tuple) else (value,)
        known = [choice for _label, choice in self._pairs]
        unknown = [v for v in chosen if v not in known]
        if unknown:
            raise traitlets.TraitError(f"{self.description}: not an option: {unknown}")
        return tuple(v for v in known if v in chosen)

    @traitlets.observe("value")
    def _boxes_follow(self, change: dict) -> None:
        """The value was set in code: the boxes follow."""
        self._syncing = True
        try:
            for (_label, choice), box in zip(self._pairs, self._boxes, strict=True):
                box.value = choice in change["new"]
        finally:
            self._syncing = False


def hint(text: str) -> HTML:
    """A friendly message shown in a view instead of a result (text, escaped)."""
    return rendered(
        html(
            '<p class="otslab-hint" role="status" aria-live="polite" '
            'style="color:#555;font-style:italic">{}</p>',
            text,
        )
    )


def render_into(output: w.Output, draw: Callable[[], list[object]]) -> None:
    """Replace what output shows with what draw returns; show any error as a message instead.

    Outputs are set directly (not captured with `with output:`), so the view is the same in
    JupyterLab, in exported HTML and when a test reads `output.outputs`. They are set in one
    go: appending one at a time sends every earlier item again and redraws it in the browser.
    """
    try:
        items = draw()
    except Exception as exc:  # noqa: BLE001 - a view must show, not swallow, any failure
        items = [hint(f"Something went wrong drawing this view: {type(exc).__name__}: {exc}")]
    formatter = InteractiveShell.instance().display_formatter
    shown = []
    for item in with_live_summary(items):
        data, metadata = formatter.format(item)
        shown.append({"output_type": "display_data", "data": data, "metadata": metadata})
    output.outputs = tuple(shown)


CAPTION = '<p class="otslab-caption">'
LIVE_CAPTION = '<p class="otslab-caption" role="status" aria-live="polite">'


def with_live_summary(items: list[object]) -> list[object]:
    """A view's items with one text that screen readers hear when it changes: a description or
    hint if the view has one, else its first caption (which says what the table shows now)."""
    pages = [getattr(item, "data", "") for item in items]
    if any("aria-live" in str(page) for page in pages):
        return items
    for item, page in zip(items, pages, strict=True):
        # Our own markup: a data value cannot hold it, since every value is escaped.
        if isinstance(page, str) and CAPTION in page:
            item.data = page.replace(CAPTION, LIVE_CAPTION, 1)
            break
    return items


def redraw_on(controls: tuple[w.ValueWidget, ...], output: w.Output, draw: Callable) -> None:
    """Draw output now, and again whenever any of the controls changes value."""
    for control in controls:
        control.observe(lambda _change: render_into(output, draw), names="value")
    render_into(output, draw)


def shown_text(output: w.Output) -> str:
    """The HTML or plain text an Output currently shows, joined (for tests and checks)."""
    parts = []
    for item in output.outputs:
        data = item.get("data", {})
        parts.append(data.get("text/html") or data.get("text/plain") or "")
    return "\n".join(parts)


TABLE_STYLE = Markup("""<style>
table.otslab-table td, table.otslab-table th {text-align: left !important;
  vertical-align: top !important; min-width: 5em; max-width: 30em; white-space: normal;
  padding: 2px 8px;}
table.otslab-compact td {white-space: nowrap !important; max-width: none;}
@media print {table.otslab-compact td {white-space: normal !important; max-width: 30em;}}
</style>""")
"""Readable cells for long text: left-aligned, top-aligned, wrapped at a sensible width."""


def table_markup(
    frame: pd.DataFrame, caption: str, max_rows: int = 200, compact: bool = False
) -> Markup:
    """A table with a caption (text, escaped), cut to max_rows with a note, as markup; a compact
    table keeps each row on one line (its region scrolls sideways)."""
    shown = frame.head(max_rows)
    note = f" (first {max_rows} shown)" if len(frame) > max_rows else ""
    # pandas escapes every cell and heading (escape=True), so its table is markup we may trust.
    table = Markup(
        shown.to_html(
            index=False,
            na_rep="",
            escape=True,
            border=0,
            classes="otslab-table otslab-compact" if compact else "otslab-table",
        )
    )
    scope, widths = reading_widths(shown)
    return html(
        '{}{}<p class="otslab-caption"><b>{}</b>{}</p><div class="{}">{}</div>',
        TABLE_STYLE,
        widths,
        caption,
        note,
        scope,
        scroll_region(caption, table),
    )


def folded_markup(frame: pd.DataFrame, summary: str, caption: str = "") -> Markup:
    """A table folded under a one-line summary (text, escaped) that opens it, as markup."""
    return html(
        '<details class="otslab-fold"><summary>{}: open the table</summary>{}</details>',
        summary,
        table_markup(frame, caption or summary),
    )


def folded_table(frame: pd.DataFrame, summary: str, caption: str = "") -> HTML:
    """A table folded under a one-line summary (text, escaped) that opens it: long evidence a
    student reads on request, not a wall to scroll past."""
    return rendered(folded_markup(frame, summary, caption))


def table_html(
    frame: pd.DataFrame,
    caption: str,
    max_rows: int = 200,
    compact: bool = False,
    fold: tuple[str, str] | None = None,
) -> HTML:
    """An HTML table with a caption (text, escaped), cut to max_rows with a note. fold=(column,
    summary) moves a column of long lists out of the table into a fold below it, each list
    beside the row's first cell."""
    if fold is None:
        return rendered(table_markup(frame, caption, max_rows, compact))
    column, summary = fold
    return rendered(
        html(
            "{}{}",
            table_markup(frame.drop(columns=column), caption, max_rows, compact),
            folded_markup(frame[[frame.columns[0], column]], summary),
        )
    )


PAGE_ROWS = 25
"""Rows a table browser shows at a time: a page a student reads without scrolling past screens."""
ANY_COLUMN = "any column"
CLIP = 40
"""Characters of a long text a browser page shows until the student asks for the full text."""


def clipped(frame: pd.DataFrame, limit: int = CLIP) -> pd.DataFrame:
    """The frame with every text longer than limit cut to it, ending in '…'."""

    def cut(value: object) -> object:
        text = value if isinstance(value, str) else None
        return text[: limit - 1].rstrip() + "…" if text and len(text) > limit else value

    return frame.map(cut)


def _searchable(frame: pd.DataFrame) -> pd.DataFrame:
    """The columns a student sees and searches (the derived year columns left out)."""
    return frame.loc[:, ~frame.columns.str.endswith(("_year", "_earliest"))]


def table_browser(tables: Tables, start: str = "events", page_rows: int = PAGE_ROWS) -> w.VBox:
    """Browse any table of the data package a page of rows at a time, keeping rows with a word."""
    table = w.Dropdown(options=list(tables), value=start, description="Table")
    column = w.Dropdown(
        options=[ANY_COLUMN, *_searchable(tables[start]).columns],
        value=ANY_COLUMN,
        description="Search in",
    )
    search = w.Text(
        value="", description="Contains", placeholder="e.g. Uzbekistan", continuous_update=False
    )
    page = w.BoundedIntText(value=1, min=1, max=1, description="Page", layout={"width": "10em"})
    pages_label = w.Label("of 1")
    full = w.Checkbox(value=False, description="show long texts in full", indent=False)
    previous = button(f"Previous {page_rows} rows", "arrow-left")
    following = button(f"Next {page_rows} rows", "arrow-right")
    output = w.Output(layout=OUTPUT_LAYOUT)
    quiet = [False]

    def matches() -> pd.DataFrame:
        frame = _searchable(tables[table.value])
        where = None if column.value == ANY_COLUMN else column.value
        return search_rows(frame, search.value, where)

    def draw() -> list[object]:
        rows, total = matches(), len(tables[table.value])
        word = search.value.strip()
        place = "" if column.value == ANY_COLUMN else f" in {column.value}"
        if rows.empty:
            return [
                hint(
                    f"No row of '{table.value}' contains '{word}'{place}. "
                    "Try a shorter word, another column, or clear the box."
                )
            ]
        first = (page.value - 1) * page_rows
        shown = rows.iloc[first : first + page_rows]
        shown = shown if full.value else clipped(shown)
        found = f", {len(rows)} containing '{word}'{place}" if word else ""
        where = f"rows {first + 1}-{first + len(shown)} of {len(rows)}"
        title = f"Table: {table.value} — {total} rows{found}; {where}"
        return [table_html(shown, title, page_rows, compact=not full.value)]

    def show() -> None:
        render_into(output, draw)
        previous.disabled = page.value <= 1
        following.disabled = page.value >= page.max

    def restart(_change: dict | None = None) -> None:
        """A new table, column or word: back to the first page, as many pages as rows need."""
        quiet[0] = True
        try:
            page.max = max(1, -(-len(matches()) // page_rows))
            page.value = 1
            pages_label.value = f"of {page.max}"
        finally:
            quiet[0] = False
        show()

    def new_table(_change: dict) -> None:
        quiet[0] = True
        try:
            column.options = [ANY_COLUMN, *_searchable(tables[table.value]).columns]
            column.value = ANY_COLUMN
        finally:
            quiet[0] = False
        restart()

    def step(by: int) -> Callable[[w.Button], None]:
        def move(_button: w.Button) -> None:
            page.value = min(page.max, max(1, page.value + by))

        return move

    table.observe(new_table, names="value")
    column.observe(lambda c: None if quiet[0] else restart(c), names="value")
    search.observe(restart, names="value")
    page.observe(lambda _c: None if quiet[0] else show(), names="value")
    full.observe(lambda _c: show(), names="value")
    previous.on_click(step(-1))
    following.on_click(step(1))
    restart()
    return w.VBox(
        [
            w.HBox([table, column, search], layout={"flex_flow": "row wrap"}),
            w.HBox(
                [previous, page, pages_label, following, full], layout={"flex_flow": "row wrap"}
            ),
            output,
        ]
    )


def year_picker(year: int | None = None) -> YearPicker:
    """A year of the record (dropdown, Earlier, Later), set to year (default: this year)."""
    years = list(range(al.FIRST_YEAR, al.current_year() + 1))
    return YearPicker(years, year or al.current_year())


WIDE = {"width": "auto", "margin": "0 0 0 24px"}
"""Layout of a checkbox whose whole description must stay readable."""


def state_dropdown(states: pd.DataFrame, everyone: str) -> w.Dropdown:
    """A "State" dropdown: first an option for all states (value ""), then each state by name."""
    return w.Dropdown(
        options=[(everyone, "")]
        + [(f"{r.name} ({r.country_id})", r.country_id) for r in states.itertuples()],
        value="",
        description="State",
    )


def year_range(tables: Tables, label: str) -> YearRange:
    """Two dropdowns over all years of the record (from, to), set to the default years."""
    years = tables.events["date_year"].dropna()
    span = list(range(int(years.min()), int(years.max()) + 1))
    return YearRange(span, default_years(tables), label)


GRID_CELL = "border:1px solid #e4e4e4;padding:2px;vertical-align:top;text-align:left;"
