"""One look for every figure: theme, colour-blind-safe palette, source note, text description."""

from __future__ import annotations

import base64
import codecs
import textwrap
from dataclasses import dataclass, field
from functools import lru_cache
from io import BytesIO, StringIO
from typing import IO

import pandas as pd
import seaborn as sns
from IPython.display import HTML, display
from matplotlib import cbook, rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.backends.backend_svg import FigureCanvasSVG, RendererSVG
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, fontManager, get_font
from matplotlib.textpath import TextToPath
from matplotlib.ticker import MaxNLocator

from otslab.data import Tables
from otslab.views.markup import Markup, html, join, rendered

PALETTE = "colorblind"
"""Seaborn's colour-blind-safe palette, used for every categorical colour in the course."""
COLOURS = sns.color_palette(PALETTE, 10)
"""The palette's ten colours, which the views pick by index."""


_TEXT_TO_PATH = TextToPath()


@lru_cache(maxsize=8192)
def _svg_text_extent(text: str, prop: FontProperties, ismath: bool | str) -> tuple:
    """Width, height and descent of a text in SVG points, as matplotlib's SVG renderer measures
    it, but once per process: matplotlib's own cache lives and dies with each drawing, so every
    redraw of a view measured every label again."""
    return _TEXT_TO_PATH.get_text_width_height_descent(text, prop, ismath)


@lru_cache(maxsize=256)
def _svg_font_heights(prop: FontProperties) -> tuple[float, float, float] | tuple[None, None, None]:
    """A font's ascent, descent and line gap in SVG points (72 dpi), read from its tables as
    matplotlib's `Text._get_layout` reads them for every text it lays out, but once per font."""
    font = get_font(fontManager._find_fonts_by_props(prop))
    for table_name, gap, ascent, descent in [
        ("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
        ("hhea", "lineGap", "ascent", "descent"),
    ]:
        table = font.get_sfnt_table(table_name)
        if table is not None:
            units_per_em = font.get_sfnt_table("head")["unitsPerEm"]
            scale = 1 / units_per_em * prop.get_size_in_points() * 72 / 72  # matplotlib's sum
            return table[ascent] * scale, -table[descent] * scale, table[gap] * scale
    return None, None, None


class _SVGRenderer(RendererSVG):
    """Matplotlib's SVG renderer with its text measured through process-wide caches."""

    def get_text_width_height_descent(self, s: str, prop: FontProperties, ismath: bool | str):
        """The size of a text, as RendererSVG gives it (prop copied: it is mutable)."""
        return _svg_text_extent(s, prop.copy(), ismath)

    def _get_font_height_metrics(self, prop: FontProperties) -> tuple:
        """The hook `Text._get_layout` asks a renderer first for a font's vertical extent."""
        return _svg_font_heights(prop.copy())


class _SVGCanvas(FigureCanvasSVG):
    """Matplotlib's SVG canvas drawing with `_SVGRenderer`: the same SVG, byte for byte
    (tests/test_pictures.py compares them), its text measured once per process."""

    def print_svg(
        self,
        filename: IO,
        *,
        bbox_inches_restore: object = None,
        metadata: dict | None = None,
        **_set_by_savefig: object,
    ) -> None:
        """`FigureCanvasSVG.print_svg` with the caching renderer (dpi and colours: savefig has
        set them on the figure already; matplotlib drops them for its SVG canvas too)."""
        with cbook.open_file_cm(filename, "w", encoding="utf-8") as fh:
            if not cbook.file_requires_unicode(fh):
                fh = codecs.getwriter("utf-8")(fh)
            dpi = self.figure.dpi
            self.figure.dpi = 72  # as matplotlib's SVG canvas; savefig restores it
            width, height = self.figure.get_size_inches()
            svg = _SVGRenderer(width * 72, height * 72, fh, image_dpi=dpi, metadata=metadata)
            renderer = MixedModeRenderer(
                self.figure, width, height, dpi, svg, bbox_inches_restore=bbox_inches_restore
            )
            self.figure.draw(renderer)
            renderer.finalize()


def new_figure(width: float = 9, height: float = 4.5, *, fixed: bool = False) -> Figure:
    """A figure in the course theme, not attached to pyplot (so nothing is drawn twice).

    Its layout is constrained (fitted to its labels at drawing time) unless `fixed`: then the
    caller places the axes itself, which saves a layout pass for figures redrawn in a view.
    It gets its own Agg canvas, so text measurements (seaborn's tick-label checks, the layout)
    reuse one renderer instead of rendering a throwaway PNG each time (slow, and ~40 MB a time).
    """
    # Text in figures comes from the data: never read '$...$' in it as math.
    sns.set_theme(
        style="whitegrid",
        palette=PALETTE,
        context="notebook",
        rc={"text.parse_math": False, "text.usetex": False},
    )
    fig = Figure(figsize=(width, height), layout=None if fixed else "constrained")
    FigureCanvasAgg(fig)
    return fig


NOTE_INCHES = 0.3
"""Height kept free at the bottom of every figure for its source note."""


NOTE_LINE_INCHES = 0.14
"""Height of each further line when a long source note wraps."""


def add_source_note(fig: Figure, source_ids: list[str]) -> None:
    """Write "Source: ..." below the figure's layout, bottom left, wrapped to its width."""
    note = "Source: " + ", ".join(source_ids) + " (see data/sources.csv)"
    lines = textwrap.wrap(note, width=max(40, int(fig.get_figwidth() * 15)))
    strip = NOTE_INCHES + NOTE_LINE_INCHES * (len(lines) - 1)
    height = fig.get_figheight() + strip
    fig.set_figheight(height)
    share = strip / height
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.set(rect=(0, share, 1, 1 - share))
    else:  # fixed layout: keep every axes where it was, measured from the top
        for ax in fig.axes:
            box = ax.get_position()
            ax.set_position(
                (box.x0, share + box.y0 * (1 - share), box.width, box.height * (1 - share))
            )
    fig.text(
        0.01,
        0.01,
        "\n".join(lines),
        ha="left",
        va="bottom",
        fontsize=8,
        color="0.35",
    )


def css_colour(colour: tuple) -> str:
    """An RGB tuple (0-1) as a CSS hex colour."""
    return "#" + "".join(f"{round(c * 255):02x}" for c in colour[:3])


def luminance(colour: tuple) -> float:
    """The WCAG 2.1 relative luminance of an RGB colour (0-1 channels)."""
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in colour[:3]]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: tuple, second: tuple) -> float:
    """The WCAG 2.1 contrast ratio of two RGB colours (1 to 21; AA text needs 4.5)."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def ink_on(colour: tuple) -> str:
    """Black or white text, whichever has the higher contrast on a background colour (WCAG)."""
    return "#000" if luminance(colour) > 0.179 else "#fff"


def on_colour(colour: tuple) -> str:
    """CSS for a cell or chip filled with colour, with black or white text, whichever reads."""
    return f"background:{css_colour(colour)};color:{ink_on(colour)};"


def colour_chips(colours: dict[str, tuple], style: str) -> Markup:
    """A legend in HTML: each label on its own colour, in a chip with the given style."""
    return join(
        (
            html('<span style="{}{}">{}</span>', style, on_colour(colour), label)
            for label, colour in colours.items()
        ),
        " ",
    )


DETAIL_PANEL = (
    "display:block;width:max-content;max-width:min(22em,75vw);background:#fff;color:#000;"
    "border:2px solid #333;padding:4px 8px;margin-top:2px;text-align:left;font-weight:normal;"
    "font-size:90%;white-space:pre-line;"
)
"""The panel a cell's details open in: right under the cell's text, in the flow of the grid, so
no scroller clips it (the grid makes room for it)."""


def detail(shown: object, details: str, *, style: str = "") -> Markup:
    """Text whose details open on click, tap, Enter or Space (a native `<details>`, no script).

    The summary is focusable by keyboard and keeps the details as a hover tooltip too; `style`
    is the look of the summary (a cell's or chip's colours).
    """
    return html(
        '<details class="otslab-detail" style="display:inline-block">'
        '<summary title="{details}" style="{style}list-style:none;cursor:pointer;'
        'text-decoration:underline dotted">{shown}</summary>'
        '<div class="otslab-detail-panel" style="{panel}">{details}</div></details>',
        details=details,
        style=style,
        shown=shown,
        panel=DETAIL_PANEL,
    )


@dataclass
class DetailGrid:
    """The cells of an HTML grid that open their details, kept for the grid's table reading."""

    headings: tuple[str, str] = ("Row", "Column")
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)

    def cell(self, row: str, column: str, shown: object, details: str, style: str = "") -> Markup:
        """A cell's content that opens its details, remembered for `table`."""
        self.rows.append((str(row), str(column), str(shown), details))
        return detail(shown, details, style=style)

    def table(self) -> Markup:
        """The same content read linearly: a folded table, row by row."""
        if not self.rows:
            return Markup("")
        body = join(
            html("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", *row)
            for row in self.rows
        )
        table = html(
            '<table class="otslab-table"><tr><th scope="col">{}</th><th scope="col">{}</th>'
            '<th scope="col">shows</th><th scope="col">details</th></tr>{}</table>',
            *self.headings,
            body,
        )
        return html(
            '<details class="otslab-as-table"><summary style="cursor:pointer">'
            "Show as a table ({n} cells, row by row)</summary>{table}</details>",
            n=len(self.rows),
            table=scroll_region("The grid as a table", table),
        )


def scroll_region(label: str, content: Markup) -> Markup:
    """Content wider than the screen in its own sideways scroller, which the keyboard can reach
    (Tab, then arrow keys) and a screen reader names; nothing scrolls up and down inside it."""
    return html(
        '<div class="otslab-scroll" role="region" tabindex="0" aria-label="{}" '
        'style="overflow-x:auto;overflow-y:hidden;max-width:100%;padding-bottom:2px">{}</div>',
        label,
        content,
    )


def description_markup(description: str, label: str = "Description") -> Markup:
    """A view's text summary: a paragraph that screen readers announce when it changes."""
    return html(
        '<p class="otslab-description" role="status" aria-live="polite"><i>{}:</i> {}</p>',
        label,
        description,
    )


def grid_html(
    title: str,
    grid: Markup,
    *,
    legend: Markup | str,
    description: str,
    source_ids: list[str],
    details: DetailGrid | None = None,
) -> HTML:
    """An HTML grid framed like a figure: title, grid, legend, description, sources, table reading.

    The grid sits in its own horizontal scroller when wider than the screen (no vertical one).
    """
    key = html('<p style="font-size:85%;line-height:2">{}</p>', legend) if legend else ""
    return rendered(
        html(
            '<p class="otslab-caption"><b>{title}</b></p>'
            "{grid}{key}{table}"
            "{description}"
            '<p style="font-size:85%;color:#555">Source: {sources} (see data/sources.csv)</p>',
            title=title,
            grid=scroll_region(title, grid),
            key=key,
            table=details.table() if details else "",
            description=description_markup(description),
            sources=", ".join(source_ids),
        )
    )


def shorten(text: str, width: int) -> str:
    """Cut text to width characters, ending with an ellipsis when cut (labels in figures)."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "\u2026"


def source_ids_of(frame: pd.DataFrame) -> list[str]:
    """The distinct source ids behind the rows of a table: seed texts first, then references."""
    return sorted(frame["source_id"].dropna().unique(), key=lambda s: (not s.startswith("S"), s))


def plot_events_per_year(counts: pd.DataFrame, *, title: str, source_ids: list[str]) -> Figure:
    """Stacked bars of events per year, one colour per kind of event."""
    fig = new_figure()
    ax = fig.subplots()
    colours = sns.color_palette(PALETTE, n_colors=max(len(counts.columns), 1))
    bottom = pd.Series(0, index=counts.index)
    for colour, kind in zip(colours, counts.columns, strict=False):
        ax.bar(counts.index, counts[kind], bottom=bottom, color=colour, label=kind, width=0.8)
        bottom = bottom + counts[kind]
    ax.set_title(title, loc="left", fontsize=13)
    ax.set_xlabel("Year")
    ax.set_ylabel("Number of events")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(title="Kind of event", frameon=False, bbox_to_anchor=(1.01, 1), loc="upper left")
    add_source_note(fig, source_ids)
    return fig


def to_png(fig: Figure, dpi: int = 100) -> bytes:
    """Render a figure to PNG bytes in one drawing pass (the layout already fits everything in).

    Light compression: a third of the time of the default level, for files about 10% larger.
    """
    buffer = BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def to_svg(fig: Figure) -> str:
    """Render a figure to SVG with its words kept as text: about a third of the PNG time."""
    buffer = StringIO()
    canvas = fig.canvas
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "otslab"}):
        _SVGCanvas(fig)  # for the drawing only, as savefig itself switches canvases
        try:
            fig.savefig(buffer, format="svg")
        finally:
            fig.set_canvas(canvas)
    return buffer.getvalue()


def figure_html(fig: Figure, description: str) -> HTML:
    """A figure as an SVG image with its description as alt text and as a line underneath.

    SVG because it is quicker to draw than a PNG, sharp at any zoom (a projector) and its words
    stay text. Static figures (`show`) and the figures views redraw both come this way.
    """
    data = base64.b64encode(to_svg(fig).encode("utf-8")).decode("ascii")
    return rendered(
        html(
            '<img src="data:image/svg+xml;base64,{data}" alt="{description}" '
            'style="max-width:100%">{text}',
            data=data,
            description=description,
            text=description_markup(description, "Figure description"),
        )
    )


def show(fig: Figure, description: str) -> None:
    """Display a figure as SVG, with its description as alt text and as a line underneath."""
    display(figure_html(fig, description))


EFFECT_COLOURS = {"rules out": COLOURS[3], "limits": COLOURS[8], "pulls elsewhere": COLOURS[9]}
"""Dark, light and mid colours for the three effects, so they differ in lightness too."""


LABEL_FONT = 8
"""Font size of event and state labels."""


CHAR_WIDTH_IN = LABEL_FONT * 0.62 / 72
"""Generous width of one label character in inches (so estimated labels never run into others)."""


LABEL_PAD_IN = 0.08
"""Space between the end of an event's bar (or its dot) and its label, in inches."""


def stack_rows(extents: list[tuple[float, float]], gap: float) -> list[int]:
    """Put each (start, end) interval in the lowest row where it keeps `gap` from the one before."""
    row_ends: list[float] = []
    rows = [0] * len(extents)
    for index in sorted(range(len(extents)), key=lambda i: extents[i]):
        start, end = extents[index]
        free = [r for r, last in enumerate(row_ends) if last + gap <= start]
        if free:
            row_ends[free[0]] = end
        else:
            row_ends.append(end)
        rows[index] = free[0] if free else len(row_ends) - 1
    return rows


def label_width(text: str) -> float:
    """Estimated width of a label in inches."""
    return len(text) * CHAR_WIDTH_IN


def event_source_ids(tables: Tables, events: pd.DataFrame) -> list[str]:
    """Source ids behind a set of events: their own rows and their further sources."""
    further = tables.event_sources[tables.event_sources["event_id"].isin(events["event_id"])]
    return source_ids_of(pd.concat([events[["source_id"]], further[["source_id"]]]))
