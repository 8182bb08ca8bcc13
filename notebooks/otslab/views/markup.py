"""One way to build HTML and Markdown: a data value is text unless our code marks it as markup.

Every fragment the course renders is a `Markup` built with `html(template, ...)`: the template is
markup we wrote, and every value filled into it is escaped (MarkupSafe) unless it is itself
`Markup`. Markdown built from data escapes its values with `md_text` and is turned into HTML by
`markdown_html`, which refuses raw HTML. A whole page (the hand-in page, the role-play kit's
print pages) comes from a Jinja2 template in otslab/templates through `from_template`, with
autoescape: the same MarkupSafe escaping, so a value is text unless it is `Markup`. Every output
is wrapped so that MathJax never typesets data (a `$` in a name stays a dollar sign).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from functools import cache
from typing import TYPE_CHECKING

from IPython.display import HTML
from markupsafe import Markup, escape

if TYPE_CHECKING:
    import jinja2

__all__ = ["Markup", "escape", "html", "join", "rendered", "md_text", "markdown_html"]
__all__ += ["json_script", "from_template"]

NO_MATH = "otslab-output mathjax_ignore tex2jax_ignore"
"""Classes that keep MathJax 3 (JupyterLab) and MathJax 2 (nbconvert pages) off our outputs."""


@cache
def _templates() -> jinja2.Environment:
    """The whole-page templates (otslab/templates/*.html.j2): values escaped unless Markup.

    Built on first use, as Jinja2 itself is imported then: only the hand-in page and the
    role-play kit need it, not a notebook's first cell (about 30 ms less for every notebook).
    """
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("otslab", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


@cache
def _markdown() -> Callable[[str], str]:
    """Markdown to HTML with raw HTML shown as text (never passed through); built on first use,
    as only notebook 04's views and the role-play kit render Markdown."""
    import mistune

    return mistune.create_markdown(escape=True, plugins=["table"])


# Inline syntax (emphasis, code, links, HTML, entities, math, tables) anywhere in a value...
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~$]|&(?=#?\w+;))")
# ...and block syntax (headings, lists, quotes, rules) at its start.
_MD_LINE_START = re.compile(r"^(\d+(?=[.)])|(?=[-+=#]))")


def html(template: str, /, *args: object, **values: object) -> Markup:
    """Fill a template we wrote with values, escaping each one unless it is Markup."""
    return Markup(template).format(*args, **values)


def from_template(template: str, /, **values: object) -> Markup:
    """A whole page from a template in otslab/templates, each value escaped unless it is Markup."""
    return Markup(_templates().get_template(template).render(**values))


def join(parts: Iterable[object], separator: str = "") -> Markup:
    """Join fragments: Markup parts stay markup, anything else is escaped."""
    return Markup(separator).join(parts)


def rendered(fragment: Markup) -> HTML:
    """A display object for a fragment built with `html` (plain strings are refused)."""
    if not isinstance(fragment, Markup):
        raise TypeError(
            "otslab.views.markup.rendered takes Markup built with otslab.views.markup.html, "
            f"not {type(fragment).__name__}: data must never be used as HTML"
        )
    return HTML(str(html('<div class="{}">{}</div>', NO_MATH, fragment)))


def md_text(value: object) -> str:
    """A data value as Markdown text: every character that Markdown or HTML would read escaped."""
    text = " ".join(str(value).split())
    return _MD_LINE_START.sub(r"\1\\", _MD_SPECIAL.sub(r"\\\1", text))


def markdown_html(markdown: str) -> Markup:
    """Markdown (ours, with data escaped by `md_text`) as HTML; raw HTML in it stays text."""
    return Markup(_markdown()(markdown))


_JSON_IN_HTML = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}
_JSON_IN_HTML |= {0x2028: "\\u2028", 0x2029: "\\u2029"}


def json_script(value: object, element_id: str) -> Markup:
    """Data as a JSON <script> block that no value can end or break out of (< > & escaped)."""
    text = json.dumps(value, ensure_ascii=False).translate(_JSON_IN_HTML)
    return html('<script type="application/json" id="{}">', element_id) + Markup(text) + Markup(
        "</script>"
    )
