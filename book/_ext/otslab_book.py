"""The website's Sphinx extension: glossary terms, exercises, workbook, launch buttons, widgets.

The notebooks and guides stay plain Markdown that JupyterLab and code hosts render; this extension
turns their conventions into the website's blocks while Sphinx reads them:
- `[word](GLOSSARY.md)` becomes a glossary term reference whose tooltip is the definition;
- the `### Term` sections of GLOSSARY.md become a Sphinx glossary (linkable terms, index entries);
- a `**Exercise N (...)** ...` paragraph followed by `<details><summary>Solution</summary>`
  becomes an exercise block with a folded solution block;
- `workbook.md` collects every exercise with space to write.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

from otslab.course import links
from otslab.course.timing import VIEW_CALL
from otslab.views.markup import html as markup_html

LOG = logging.getLogger(__name__)
BOOK = Path(__file__).resolve().parents[1]
REPO = BOOK.parent
GLOSSARY_DOC = "notebooks/GLOSSARY"
WIDGETS = BOOK / "node_modules" / "@jupyter-widgets" / "html-manager" / "dist"
WIDGET_FILES = ("embed.js", "embed.js.LICENSE.txt", "*.woff2", "*.woff", "*.ttf", "*.eot", "*.svg")
START = "notebooks/00_start_here"

GLOSSARY_LINK = re.compile(r"\[([^\]\n]+)\]\((?:\./)?GLOSSARY\.md(?:#[\w-]*)?\)")
EXERCISE = re.compile(
    r"^\*\*(?P<head>Exercise (?P<num>\d+)[^*]*)\*\*(?P<text>.*?)"
    r"(?:\n[ \t]*<details>[ \t]*<summary>Solution</summary>[ \t]*\n(?P<solution>.*?)\n[ \t]*"
    r"</details>[ \t]*$|(?=\n\*\*Exercise \d|\n#|\Z))",
    re.DOTALL | re.MULTILINE,
)
"""A bold `Exercise N (...)` paragraph, with its `<details>` solution if the cell has it."""
LATE_SOLUTION = re.compile(
    r"\A\s*<details>[ \t]*<summary>Solution</summary>[ \t]*\n(?P<solution>.*?)\n[ \t]*</details>",
    re.DOTALL,
)
"""A solution that opens a later cell, after the exercise's code cell."""
WORKBOOK_MARK = "<!-- otslab: workbook tasks -->"
VIEW_NOTE = (
    ":::{{note}}\nThis page was run when the website was built. Each interactive view shows its "
    "default content; nothing recomputes without Python behind the page, so its controls are "
    "disabled, and so are the self-checks (questions and answer boxes), which nothing here can "
    "answer or save. To use them, open the notebook live: {how}.\n:::"
)
LAUNCH_HOW = (
    "with the launch button (the rocket at the top of the page), or in JupyterLab (`make lab`)"
)
LOCAL_HOW = "in JupyterLab (`make lab`), on Binder or on your school's JupyterHub (see the README)"
WEB_ADDRESS = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~-]+)*/?$")
"""A repository or hub address the site may write into its links (review L1: no quotes)."""
LINK_SAFE = re.compile(r"^[A-Za-z0-9._~:/?#@!$&*+,;=%-]+$")
"""The characters a launch link may hold: no quote, bracket or space can end its attribute."""
NO_HUB_LINKS = (
    "<p><b>This copy of the website was built without the course repository's address</b>, so it "
    "cannot make hub links (README, section Website). Ask your teacher for the hub link.</p>"
)


@dataclass(frozen=True)
class Term:
    """One glossary entry: its heading, the names that link to it and its definition."""

    heading: str
    names: tuple[str, ...]
    definition: str


def normal(text: str) -> str:
    """A link text or term name reduced for matching: lower case, no markup, hyphens as spaces."""
    text = re.sub(r"[*_`]", "", text).lower().replace("-", " ")
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r" style$", "", text)


def glossary_terms(text: str) -> list[Term]:
    """The `### Term` entries of GLOSSARY.md, with the names each can be linked by."""
    terms = []
    for match in re.finditer(
        r"^### ([^\n]+)\n(.*?)(?=^#{1,3} |\Z)", text, re.DOTALL | re.MULTILINE
    ):
        heading, body = match.group(1).strip(), match.group(2).strip()
        names = {heading, *re.split(r":\s+|\s*\(|\)", heading)}
        terms.append(Term(heading, tuple(n.strip() for n in names if n.strip()), body))
    return terms


def plain(markdown: str, limit: int = 300) -> str:
    """Markdown as one line of plain text, cut at a word boundary to about limit characters."""
    text = re.sub(r"^(?:TR|RU): .*?\.\s+", "", markdown, flags=re.DOTALL)  # names in TR and RU
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[*_`#]", "", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def term_for(link_text: str, terms: list[Term]) -> Term | None:
    """The glossary entry a link text names (exact name first, then a plural or a prefix)."""
    wanted = normal(link_text)
    for candidates in (
        lambda n: n == wanted,
        lambda n: n == wanted.removesuffix("s") or n + "s" == wanted,
        lambda n: n.startswith(wanted + " ") or wanted.startswith(n + " "),
    ):
        found = [t for t in terms if any(candidates(normal(n)) for n in t.names)]
        if found:
            return found[0]
    return None


def link_terms(markdown: str, terms: list[Term], where: str) -> str:
    """Turn `[word](GLOSSARY.md)` links into glossary term references.

    A link whose text names no single term (`[the glossary](GLOSSARY.md)`) stays a link to the page.
    """

    def replace(match: re.Match) -> str:
        term = term_for(match.group(1), terms)
        if term is None:
            LOG.info(f"{where}: {match.group(0)!r} names no single term: kept as a page link")
            return match.group(0)
        return f"{{term}}`{match.group(1).replace('`', '')} <{term.heading}>`"

    return GLOSSARY_LINK.sub(replace, markdown)


def glossary_markdown(text: str) -> str:
    """GLOSSARY.md with its `### Term` entries as Sphinx glossary blocks, one per section."""
    out, inside = [], False
    for line in text.splitlines():
        if line.startswith("### "):
            out += [] if inside else [":::{glossary}"]
            out.append(line[4:].strip())
            inside = True
        elif line.startswith(("# ", "## ")):
            out += [":::", ""] if inside else []
            out.append(line)
            inside = False
        else:
            out.append(("   " + line) if inside and line.strip() else line)
    return "\n".join(out + ([":::"] if inside else [])) + "\n"


def exercise_title(head: str) -> str:
    """`Exercise 2 (query): which...?` -> `query: which...?` (the block supplies `Exercise 2`)."""
    rest = re.sub(r"^Exercise \d+\s*", "", " ".join(head.split())).rstrip(".:")
    return re.sub(r"^\((.*?)\)", r"\1", rest).strip()


def exercises(markdown: str) -> list[re.Match]:
    """The exercises written in a Markdown cell, each with its solution where the cell has it."""
    return list(EXERCISE.finditer(markdown))


def exercise_blocks(markdown: str, prefix: str) -> str:
    """Rewrite each exercise as an exercise block, and its solution as a folded solution block.

    A solution written in a later cell (after a code cell) stays a `<details>` block.
    """

    def replace(match: re.Match) -> str:
        label = f"{prefix}-exercise-{match['num']}"
        text = match["text"].lstrip(" .:")
        block = f"::::{{exercise}} {exercise_title(match['head'])}\n:label: {label}\n\n{text}\n::::"
        if match["solution"] is None:
            return block
        solution = match["solution"].strip()
        return f"{block}\n\n::::{{solution}} {label}\n:class: dropdown\n\n{solution}\n::::"

    return EXERCISE.sub(replace, markdown)


def is_view(cell: nbformat.NotebookNode) -> bool:
    """True for a code cell whose last line draws an interactive view (`*_explorer(...)` etc.)."""
    lines = [line for line in cell.source.splitlines() if line.strip() and line[0] not in "#)"]
    return cell.cell_type == "code" and bool(lines) and bool(VIEW_CALL.match(lines[-1].strip()))


def snapshot_label(binder: str | None) -> str:
    """The label above each view on the website: a snapshot, and where to open it live."""
    if binder and LINK_SAFE.match(binder):
        where = markup_html(
            '<a class="otslab-launch" href="{}">Open this notebook live on Binder</a>', binder
        )
    else:
        where = markup_html("Open the notebook in JupyterLab to use it")
    return str(
        markup_html(
            '<div class="otslab-snapshot" role="note"><span class="otslab-badge">Snapshot</span> '
            "This view shows its default settings, saved when the page was built: its controls "
            "redraw nothing here. {}.</div>",
            where,
        )
    )


def notebook_source(
    source: str, docname: str, terms: list[Term], launch: bool, binder: str | None = None
) -> str:
    """A notebook's JSON with its Markdown cells in website form and a note on the views."""
    nb = nbformat.reads(source, as_version=4)
    prefix = Path(docname).name.split("_")[0]
    numbers = [
        int(m["num"]) for c in nb.cells if c.cell_type == "markdown" for m in exercises(c.source)
    ]
    if numbers != list(range(1, len(numbers) + 1)):
        LOG.warning(f"{docname}: exercises numbered {numbers}; the website numbers them 1, 2, ...")
    waiting = None  # the label of an exercise whose solution comes in a later cell
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        text = link_terms(cell.source, terms, docname)
        late = LATE_SOLUTION.match(text)
        if late and waiting:
            solution = late["solution"].strip()
            block = f"::::{{solution}} {waiting}\n:class: dropdown\n\n{solution}\n::::"
            text = block + text[late.end() :]
        found = exercises(text)
        waiting = f"{prefix}-exercise-{found[-1]['num']}" if found else None
        waiting = waiting if found and found[-1]["solution"] is None else None
        cell.source = exercise_blocks(text, prefix)
    views = [i for i, c in enumerate(nb.cells) if is_view(c)]
    for i in reversed(views):
        nb.cells.insert(i, nbformat.v4.new_markdown_cell(snapshot_label(binder)))
    if views:
        how = LAUNCH_HOW if launch else LOCAL_HOW
        nb.cells.insert(1, nbformat.v4.new_markdown_cell(VIEW_NOTE.format(how=how)))
    return nbformat.writes(nb)


SECTION_TASK = re.compile(
    r"\A\*\*Task (?P<id>\d\d\.\w+)\*\* \((?P<how>[^)]*)\)\.?\s*(?P<text>.*)", re.S
)
"""A section task's cell: `**Task 03.2** (★☆☆ easy · predict, look · about 2 min). Prompt...`."""
NOTEBOOK_ONLY = re.compile(
    r"\s*(?:Replace `\.\.\.` with your answer and run the cell[^.]*\."
    r"|The box counts your words[^.]*\.(?: Notebook 04 [^.]*\.)?(?:[^.]*unfolds\.)?)"
)
"""Sentences of a task cell about the notebook's check or text box, which paper does not have."""


def workbook_items(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """Each section task and exercise of a notebook, in order: (heading, text to print)."""
    items = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        task = SECTION_TASK.match(cell.source)
        if task:
            if ".ex" in task["id"] or task["text"].startswith("Exercise"):
                continue  # the exercise itself is in the workbook, with its own space
            text = NOTEBOOK_ONLY.sub("", GLOSSARY_LINK.sub(r"\1", task["text"])).strip()
            items.append((f"Task {task['id']} ({task['how']})", text))
            continue
        for match in exercises(cell.source):
            text = GLOSSARY_LINK.sub(r"\1", match["text"]).strip()
            items.append((match["head"].strip(), text))
    return items


def workbook_markdown(notebooks: list[Path]) -> str:
    """Every section task and exercise of every notebook, in course order, with space to write."""
    out = []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        title = next(
            c.source.lstrip("# ").splitlines()[0] for c in nb.cells if c.cell_type == "markdown"
        )
        items = workbook_items(nb)
        if not items:
            continue
        out.append(f"## {title}\n")
        for head, text in items:
            out.append(f"### {head}\n\n{text}\n")
            out.append('<div class="otslab-write" aria-hidden="true"></div>\n')
    return "\n".join(out)


def course_notebooks() -> list[Path]:
    """The course notebooks in order."""
    return sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def read_source(app: Sphinx, docname: str, source: list[str]) -> None:
    """Put a page into website form as Sphinx reads it (see the module docstring)."""
    terms = glossary_terms((REPO / "notebooks" / "GLOSSARY.md").read_text(encoding="utf-8"))
    app.env.note_dependency(str(REPO / "notebooks" / "GLOSSARY.md"))
    if docname == GLOSSARY_DOC:
        source[0] = glossary_markdown(source[0])
    elif app.env.doc2path(docname).suffix == ".ipynb":
        repo = app.config.otslab_repository
        binder = (
            links.binder_link(repo, app.config.otslab_branch, f"{docname}.ipynb") if repo else None
        )
        source[0] = notebook_source(source[0], docname, terms, bool(repo), binder)
    else:
        source[0] = link_terms(source[0], terms, docname)
    if docname == "book/workbook":
        notebooks = course_notebooks()
        for path in notebooks:
            app.env.note_dependency(str(path))
        source[0] = source[0].replace(WORKBOOK_MARK, workbook_markdown(notebooks))


def term_tooltips(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Give every link to a glossary term a tooltip with the term's definition."""
    text = (REPO / "notebooks" / "GLOSSARY.md").read_text(encoding="utf-8")
    by_name = {normal(t.heading): plain(t.definition) for t in glossary_terms(text)}
    std = app.env.domains.standard_domain
    anchors = {
        labelid: by_name.get(normal(name), "")
        for (kind, name), (doc, labelid) in std.objects.items()
        if kind == "term" and doc == GLOSSARY_DOC
    }
    for ref in doctree.findall(nodes.reference):
        anchor = ref.get("refuri", "").rpartition("#")[2] or ref.get("refid", "")
        if anchor in anchors:
            ref["reftitle"] = anchors[anchor]
            ref["classes"].append("otslab-term")


def launch_settings(repo: Path, environ: Mapping[str, str]) -> tuple[str | None, str | None]:
    """The repository URL and hub URL the launch buttons use (README, "Website").

    The repository is the course's one setting, as for `make hub-link`: OTSLAB_REPOSITORY if set,
    else `repository-code` in CITATION.cff; the hub (OTSLAB_HUB) is optional. Both must be plain
    web addresses (they are written into the pages' links): anything else stops the build.
    """
    citation = repo / "CITATION.cff"
    url = environ.get("OTSLAB_REPOSITORY")
    url = url or (links.repository_url(citation) if citation.exists() else None)
    hub = environ.get("OTSLAB_HUB") or None
    for name, value in (("repository", url), ("OTSLAB_HUB", hub)):
        if value and not WEB_ADDRESS.match(value):
            raise ValueError(
                f"the course's {name} address {value!r} is not a plain web address "
                "(https://host/path, letters, digits and . _ ~ - / only)"
            )
    return url or None, hub


def course_notebook_paths() -> list[str]:
    """The course's notebooks as paths in the repository, e.g. notebooks/00_start_here.ipynb."""
    return [path.relative_to(REPO).as_posix() for path in course_notebooks()]


def hub_page_settings(repo: str, branch: str, hub: str | None) -> dict[str, str]:
    """What the hub page fills in: where the course comes from and which notebooks it has."""
    start = urlsplit(links.nbgitpuller_link("https://hub.invalid", repo, branch, START + ".ipynb"))
    return {
        "hub-path": start.path,
        "repo": repo,
        "branch": branch,
        "target": links.repo_folder(repo),
        "notebooks": json.dumps(course_notebook_paths()),
        "start": START + ".ipynb",
        "hub": hub or "",
    }


def launch_buttons(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Add Binder and JupyterHub buttons: a notebook page opens itself, other pages the start."""
    repo, hub, branch = (
        app.config.otslab_repository,
        app.config.otslab_hub,
        app.config.otslab_branch,
    )
    if not repo and pagename == "book/hub":
        form = re.compile(r'<form id="otslab-hub".*?</script>', re.DOTALL)
        context["body"] = form.sub(NO_HUB_LINKS, context["body"])
    if not repo or "header_buttons" not in context:
        return
    target = pagename if context.get("page_source_suffix") == ".ipynb" else START
    path = f"{target}.ipynb"
    binder = links.binder_link(repo, branch, path)
    form = "hub.html" if pagename == "book/hub" else context["pathto"]("book/hub")
    if hub:
        hub_url = links.nbgitpuller_link(hub, repo, branch, path)
    else:
        hub_url = links.notebook_page_link(form, path)
    for url in (binder, hub_url):
        if not LINK_SAFE.match(url):
            raise ExtensionError(f"{pagename}: a launch link holds characters it may not: {url}")
    context["header_buttons"].append(
        {
            "type": "group",
            "tooltip": "Open this notebook live",
            "icon": "fas fa-rocket",
            "label": "launch-buttons",
            "buttons": [
                {
                    "type": "link",
                    "text": "Binder",
                    "tooltip": "Open on mybinder.org",
                    "icon": "_static/images/logo_binder.svg",
                    "url": binder,
                },
                {
                    "type": "link",
                    "text": "JupyterHub",
                    "tooltip": "Open on your school's JupyterHub (nbgitpuller)",
                    "icon": "_static/images/logo_jupyterhub.svg",
                    "url": hub_url,
                },
            ],
        }
    )
    if pagename == "book/hub":
        for mark, value in hub_page_settings(repo, branch, hub).items():
            context["body"] = context["body"].replace(f"otslab-{mark}-here", html.escape(value))


def number_exercises_per_page(app: Sphinx, env) -> list[str]:
    """Number each page's exercises 1, 2, ... as its notebook does (Sphinx counts across pages)."""
    for numbers in env.toc_fignumbers.values():
        found = numbers.get("exercise", {})
        for position, key in enumerate(sorted(found, key=found.get), start=1):
            found[key] = (position,)
    return []


def check_widget_manager(app: Sphinx) -> None:
    """Stop early with a clear message when the npm widget manager is not installed."""
    if not (WIDGETS / "embed.js").exists():
        raise ExtensionError(f"{WIDGETS / 'embed.js'} is missing: run `npm ci --prefix book`")


def copy_widget_manager(app: Sphinx, exception: Exception | None) -> None:
    """Copy the widget manager and its fonts into the site's _static/widgets."""
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / "widgets"
    target.mkdir(parents=True, exist_ok=True)
    for pattern in WIDGET_FILES:
        for path in WIDGETS.glob(pattern):
            shutil.copy2(path, target / path.name)
    version = json.loads((WIDGETS.parent / "package.json").read_text())["version"]
    (target / "VERSION").write_text(f"@jupyter-widgets/html-manager {version}\n")


def setup(app: Sphinx) -> dict:
    """Register the settings and event handlers."""
    app.add_config_value("otslab_repository", None, "html")
    app.add_config_value("otslab_hub", None, "html")
    app.add_config_value("otslab_branch", "main", "html")
    app.connect("builder-inited", check_widget_manager)
    app.connect("source-read", read_source)
    app.connect("env-get-updated", number_exercises_per_page, priority=900)
    app.connect("doctree-resolved", term_tooltips)
    app.connect("html-page-context", launch_buttons, priority=502)
    app.connect("build-finished", copy_widget_manager)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
