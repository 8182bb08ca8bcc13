"""The course website (`make html`, `make pdf`): pages, glossary, exercises, launch links, PDFs.

The site is built once per test session, by the same script `make html` and `make pdf` run, with a
repository URL set as a teacher would set it, and then checked as a reader meets it: every page
and link, offline in Chromium.
"""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import nbformat
import pytest
from playwright.sync_api import Browser

from conftest import NOTEBOOKS, REPO, REPOSITORY, Site, notebook_paths
from course_run import CourseRun
from jupyterlab import ARTIFACTS

sys.path.insert(0, str(REPO / "book" / "_ext"))
import otslab_book  # noqa: E402

from otslab.course import links  # noqa: E402
from otslab.course.taskbank import TASKS  # noqa: E402

LOADS = {"script", "img", "iframe", "source", "audio", "video", "embed", "object", "link"}
"""Elements whose URL a browser fetches when it shows the page (an <a href> is only a link)."""
LINK_LOADS = {"stylesheet", "icon", "shortcut", "preload", "modulepreload", "manifest", "prefetch"}
"""The kinds of <link rel=...> that make the browser fetch the URL."""


class Refs(HTMLParser):
    """Collects a page's ids and the URLs it links to and loads."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.loads: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Record id, href and src attributes."""
        rel = set((dict(attrs).get("rel") or "").lower().split())
        loads = tag in LOADS and (tag != "link" or bool(rel & LINK_LOADS))
        for name, value in attrs:
            if value is None:
                continue
            if name == "id":
                self.ids.add(value)
            elif name in ("href", "src", "data"):
                (self.loads if loads else self.links).append(value)


def parsed(path: Path) -> Refs:
    """The ids, links and loads of one HTML file."""
    refs = Refs()
    refs.feed(path.read_text(encoding="utf-8"))
    return refs


def exercise_count(notebook: Path) -> int:
    """How many exercises a notebook's Markdown holds."""
    nb = nbformat.read(notebook, as_version=4)
    return sum(len(otslab_book.exercises(c.source)) for c in nb.cells if c.cell_type == "markdown")


# --- the conventions the build turns into website blocks (no build needed) -----------------

GLOSSARY = """# Glossary

## Organisations

### CSTO: Collective Security Treaty Organization
TR: *Kolektif*; RU: *ОДКБ*. The Russian-led alliance.

Its Article 4 is a collective-defence clause.

### Defence-cooperation agreement (DCA)
A bilateral framework for military cooperation.

## Network terms

### Dyad
A pair of states.
"""


def test_glossary_terms_are_found_by_any_of_their_names() -> None:
    """A link text finds its term by abbreviation, full name, plural or hyphenation."""
    terms = otslab_book.glossary_terms(GLOSSARY)
    assert [t.heading for t in terms] == [
        "CSTO: Collective Security Treaty Organization",
        "Defence-cooperation agreement (DCA)",
        "Dyad",
    ]
    found = {text: otslab_book.term_for(text, terms) for text in ("CSTO", "DCA", "dyads")}
    assert {k: v.heading if v else None for k, v in found.items()} == {
        "CSTO": terms[0].heading,
        "DCA": terms[1].heading,
        "dyads": "Dyad",
    }
    assert otslab_book.term_for("defence cooperation agreements", terms) == terms[1]
    assert otslab_book.term_for("CSTO, DCA or dyad", terms) is None


def test_glossary_links_become_term_references_and_general_links_stay() -> None:
    """`[CSTO](GLOSSARY.md)` becomes a term reference; a link to the whole glossary stays a link."""
    terms = otslab_book.glossary_terms(GLOSSARY)
    text = "The [CSTO](GLOSSARY.md) and [the glossary](GLOSSARY.md)."
    assert otslab_book.link_terms(text, terms, "x") == (
        "The {term}`CSTO <CSTO: Collective Security Treaty Organization>` "
        "and [the glossary](GLOSSARY.md)."
    )


def test_glossary_page_becomes_one_glossary_block_per_section() -> None:
    """Each section's `### Term` entries become a glossary block, definitions indented."""
    out = otslab_book.glossary_markdown(GLOSSARY)
    assert out.count(":::{glossary}") == 2
    assert "\nCSTO: Collective Security Treaty Organization\n   TR: *Kolektif*" in out
    assert "\n\n   Its Article 4 is a collective-defence clause.\n" in out
    assert "\n:::\n\n## Network terms\n" in out
    tooltip = otslab_book.plain(otslab_book.glossary_terms(GLOSSARY)[0].definition)
    assert tooltip == "The Russian-led alliance. Its Article 4 is a collective-defence clause."


def test_exercise_and_folded_solution_become_blocks() -> None:
    """A bold `Exercise N` paragraph and its `<details>` solution become the two blocks."""
    cell = (
        "**Exercise 2 (query): which states\nsign?** Use the view.\n\n"
        "<details><summary>Solution</summary>\n\n```python\nx = 1\n```\n</details>\n\nAfter."
    )
    out = otslab_book.exercise_blocks(cell, "02")
    assert out.startswith("::::{exercise} query: which states sign?\n:label: 02-exercise-2\n")
    assert "::::{solution} 02-exercise-2\n:class: dropdown\n\n```python\nx = 1\n```\n::::" in out
    assert "<details>" not in out and out.endswith("\n\nAfter.")


def test_a_solution_in_a_later_cell_joins_its_exercise() -> None:
    """An exercise whose solution follows its code cell still gets a folded solution block."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_markdown_cell("**Exercise 1 (tweak).** Run the cell below."),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_markdown_cell(
            "<details><summary>Solution</summary>\n\nIt is 1.\n</details>"
        ),
    ]
    out = nbformat.reads(
        otslab_book.notebook_source(nbformat.writes(nb), "notebooks/09_x", [], False), 4
    )
    assert out.cells[1].source.startswith("::::{exercise} tweak\n:label: 09-exercise-1\n")
    assert out.cells[3].source == "::::{solution} 09-exercise-1\n:class: dropdown\n\nIt is 1.\n::::"


def test_each_view_is_labelled_a_snapshot_with_a_link_to_run_it_live() -> None:
    """A label goes before every view cell; it links Binder when the site knows the repository."""
    source = (NOTEBOOKS / "03_agreements_and_exercises.ipynb").read_text(encoding="utf-8")
    binder = "https://mybinder.org/v2/gh/school/course/main?urlpath=lab/tree/notebooks/03.ipynb"
    cells = nbformat.reads(
        otslab_book.notebook_source(source, "notebooks/03_x", [], True, binder), 4
    ).cells
    views = [i for i, c in enumerate(cells) if otslab_book.is_view(c)]
    assert len(views) == 4
    for i in views:
        assert 'class="otslab-snapshot"' in cells[i - 1].source
        assert f'href="{binder}"' in cells[i - 1].source
    offline = otslab_book.snapshot_label(None)
    assert "Snapshot" in offline and "href" not in offline
    assert "href" not in otslab_book.snapshot_label('https://x.org/"><script>')


def test_the_workbook_holds_every_section_task_without_notebook_instructions() -> None:
    """Each section task (not the exercise checks) is in the workbook, without 'run the cell'."""
    text = otslab_book.workbook_markdown(notebook_paths())
    section = [t for t in TASKS if ".ex" not in t and not TASKS[t].prompt.startswith("Exercise")]
    for task_id in section:
        assert f"### Task {task_id} (" in text, task_id
    assert "run the cell" not in text and "The box counts" not in text
    assert text.count('class="otslab-write"') == len(section) + sum(
        exercise_count(p) for p in notebook_paths()
    )


def test_every_notebook_has_exercises_the_build_recognises() -> None:
    """Each notebook's exercises follow the convention the website turns into blocks."""
    counts = {p.stem: exercise_count(p) for p in notebook_paths()}
    assert all(n >= 3 for n in counts.values()), counts


def test_binder_link_for_github_and_other_hosts() -> None:
    """Binder links name the repository, the ref and the notebook; placeholders are refused."""
    assert links.binder_link(REPOSITORY, "main", "notebooks/01_sources.ipynb") == (
        "https://mybinder.org/v2/gh/example-school/otslab-course/main"
        "?urlpath=lab/tree/notebooks/01_sources.ipynb"
    )
    other = links.binder_link("https://git.example.org/a/b.git", "v1", "notebooks/x y.ipynb")
    assert other == (
        "https://mybinder.org/v2/git/https%3A%2F%2Fgit.example.org%2Fa%2Fb.git/v1"
        "?urlpath=lab/tree/notebooks/x%20y.ipynb"
    )
    for bad in ("https://github.com/<owner>/<repo>", "http://github.com/a/b", "github.com/a/b"):
        with pytest.raises(ValueError, match="repository URL"):
            links.binder_link(bad, "main", "notebooks/00_start_here.ipynb")
    with pytest.raises(ValueError, match="inside the repository"):
        links.binder_link(REPOSITORY, "main", "../secret.ipynb")


def test_repository_setting_is_read_from_citation_cff(tmp_path: Path) -> None:
    """The one setting: `repository-code` in CITATION.cff; none there and no env means no URL."""
    (tmp_path / "CITATION.cff").write_text("cff-version: 1.2.0\ntitle: x\n", encoding="utf-8")
    assert otslab_book.launch_settings(tmp_path, {}) == (None, None)
    assert otslab_book.launch_settings(tmp_path, {"OTSLAB_REPOSITORY": REPOSITORY}) == (
        REPOSITORY,
        None,
    )
    cff = tmp_path / "CITATION.cff"
    cff.write_text(f"cff-version: 1.2.0\nrepository-code: '{REPOSITORY}'\n", encoding="utf-8")
    assert otslab_book.launch_settings(tmp_path, {}) == (REPOSITORY, None)
    cff.write_text("repository-code: https://github.com/<owner>/<repo>\n", encoding="utf-8")
    with pytest.raises(ValueError, match="CITATION.cff: repository-code"):
        otslab_book.launch_settings(tmp_path, {})


# --- the built website --------------------------------------------------------------------


@pytest.mark.slow
def test_index_opens_the_course_and_lists_every_page_in_order(site: Site) -> None:
    """index.html leads to the landing page, whose navigation lists the notebooks in order."""
    assert 'url=book/index.html"' in (site.html / "index.html").read_text(encoding="utf-8")
    nav = re.findall(r'href="\.\./notebooks/(\d\d_\w+)\.html"', site.page("book/index"))
    assert list(dict.fromkeys(nav)) == [p.stem for p in notebook_paths()]
    for page in ("GLOSSARY", "INSTRUCTOR_GUIDE"):
        assert (site.html / "notebooks" / f"{page}.html").exists()
    for page in ["data/README", "book/workbook", "book/hub", "genindex", "search"] + [
        f"seeds/{p.stem}" for p in (REPO / "seeds").glob("S*.md")
    ]:
        assert (site.html / f"{page}.html").exists(), page


@pytest.mark.slow
@pytest.mark.parametrize("notebook", notebook_paths(), ids=lambda p: p.stem)
def test_notebook_pages_are_executed_with_views_and_exercises(site: Site, notebook: Path) -> None:
    """Each notebook page has its figures, its views' saved state, and its exercises folded."""
    page = site.page(f"notebooks/{notebook.stem}")
    nb = nbformat.read(notebook, as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    figures = sum("show(" in c for c in code)
    assert page.count("<img") >= figures
    assert "output stderr" not in page and "Traceback" not in page
    if any("explorer(" in c or "browser(" in c for c in code):
        assert page.count('type="application/vnd.jupyter.widget-state+json"') == 1
        assert 'type="application/vnd.jupyter.widget-view+json"' in page
    assert page.count('class="exercise admonition"') == exercise_count(notebook)
    assert page.count('class="solution dropdown admonition"') == exercise_count(notebook)
    views = sum(otslab_book.is_view(c) for c in nb.cells)
    assert page.count('class="otslab-snapshot"') == views, "each view is labelled a snapshot"
    assert "<summary>Solution</summary>" not in page


@pytest.mark.slow
def test_glossary_terms_link_with_their_definition_as_tooltip(site: Site) -> None:
    """A glossary word in a notebook links to its entry, with the definition as its title."""
    glossary = parsed(site.html / "notebooks" / "GLOSSARY.html")
    page = site.page("notebooks/02_member_alignments")
    found = re.findall(
        r'<a class="otslab-term[^"]*" href="GLOSSARY\.html#([^"]+)" title="([^"]+)"', page
    )
    assert found, "no glossary term links in notebook 02"
    anchors = dict(found)
    assert "term-CSTO-Collective-Security-Treaty-Organization" in anchors
    assert anchors["term-CSTO-Collective-Security-Treaty-Organization"].startswith(
        "The Russian-led alliance"
    )
    assert set(anchors) <= glossary.ids
    assert "CSTO: Collective Security Treaty Organization" in site.page("genindex")


@pytest.mark.slow
def test_workbook_has_every_exercise_with_space_to_write(site: Site) -> None:
    """The workbook lists each notebook's section tasks and exercises, each with space to write."""
    page = site.page("book/workbook")
    total = sum(exercise_count(p) for p in notebook_paths())
    section = [t for t in TASKS if ".ex" not in t and not TASKS[t].prompt.startswith("Exercise")]
    assert page.count('class="otslab-write"') == total + len(section) > 0
    assert all(f"Task {t} " in page for t in section)
    assert "Solution" not in page


@pytest.mark.slow
def test_launch_buttons_open_each_notebook_on_binder_and_a_hub(site: Site) -> None:
    """Each notebook page's buttons open that notebook, built from the one repository URL."""
    for notebook in notebook_paths():
        refs = parsed(site.html / "notebooks" / f"{notebook.name[:-6]}.html")
        path = f"notebooks/{notebook.name}"
        assert links.binder_link(REPOSITORY, "main", path) in refs.links
        hub = [u for u in refs.links if u.startswith("../book/hub.html?")]
        assert len(hub) == 1, hub
        # The hub page takes only the notebook from its link; the rest is the site's own.
        assert parse_qs(urlsplit(hub[0]).query) == {"notebook": [path]}
    form = site.page("book/hub")
    assert 'data-hub-path="/hub/user-redirect/git-pull"' in form
    assert f'data-repo="{REPOSITORY}"' in form
    for page in site.pages():
        assert not re.search(r'href="[^"]*(<|>|%3C|\{)', page.read_text(encoding="utf-8")), page


@pytest.mark.slow
def test_every_internal_link_resolves_and_nothing_is_loaded_from_outside(site: Site) -> None:
    """Every page: internal links and anchors resolve; every script, style or image is local."""
    pages = {p: parsed(p) for p in site.pages()}
    broken, outside = [], []
    for page, refs in pages.items():
        for url in refs.loads:
            if url.startswith("data:"):
                continue  # inline: nothing is fetched
            if urlsplit(url).scheme or url.startswith("//"):
                outside.append(f"{page.relative_to(site.html)}: {url[:100]}")
            else:
                target = (page.parent / unquote(urlsplit(url).path)).resolve()
                if not target.is_file():
                    broken.append(f"{page.relative_to(site.html)}: loads {url}")
        for url in refs.links:
            parts = urlsplit(url)
            if parts.scheme or url.startswith(("//", "mailto:")):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site.html)}: {url}")
            elif parts.fragment and target.suffix == ".html":
                if unquote(parts.fragment) not in pages[target].ids:
                    broken.append(f"{page.relative_to(site.html)}: {url} (no such anchor)")
    assert not broken, "\n".join(broken[:30])
    assert not outside, "\n".join(outside[:30])
    for css in site.html.rglob("*.css"):
        urls = re.findall(r"url\(\s*['\"]?(https?:|//)", css.read_text(encoding="utf-8"))
        assert not urls, css


@pytest.mark.slow
def test_pdfs_of_the_course_each_notebook_and_the_workbook_open(site: Site) -> None:
    """Every PDF opens and has pages; the course PDF holds at least every notebook's pages."""
    from pypdf import PdfReader

    counts = {p.stem: len(PdfReader(p).pages) for p in site.pdf.glob("*.pdf")}
    expected = {"course", "workbook", "teachers", *(p.stem for p in notebook_paths())}
    assert set(counts) == expected
    assert all(n > 0 for n in counts.values()), counts
    assert counts["course"] >= sum(counts[p.stem] for p in notebook_paths())
    text = PdfReader(site.pdf / "workbook.pdf").pages[0].extract_text()
    assert "Student workbook" in text


# --- in a browser, with the network cut ---------------------------------------------------


@pytest.mark.slow
@pytest.mark.browser
def test_site_works_offline_in_chromium(site: Site, browser: Browser) -> None:
    """Pages load nothing from outside; search finds a term; a term link works; a view's controls
    are drawn, and disabled beside a note that says it is a snapshot."""
    from build_html import serve
    from playwright.sync_api import expect

    outside, errors = [], []
    with serve(site.html) as base:
        context = browser.new_context(viewport={"width": 1300, "height": 900})
        tab = context.new_page()

        def route(request_route) -> None:
            url = request_route.request.url
            if url.startswith(base) or url.startswith("data:"):
                request_route.continue_()
            else:
                outside.append(url)
                request_route.abort()

        tab.route("**/*", route)
        tab.on("pageerror", lambda error: errors.append(str(error)))
        for page in site.pages():
            tab.goto(f"{base}/{page.relative_to(site.html)}", wait_until="networkidle")
        assert not outside, outside
        assert not errors, errors

        tab.goto(f"{base}/search.html?q=Shusha", wait_until="networkidle")
        results = tab.locator("#search-results li")
        expect(results.first).to_be_visible(timeout=20_000)
        found = results.all_inner_texts()
        assert any(t.startswith("Glossary") for t in found), found
        assert all("Shusha" in t for t in found), found

        tab.goto(f"{base}/notebooks/02_member_alignments.html", wait_until="networkidle")
        term = tab.locator("a.otslab-term", has_text="CSTO").first
        assert "Russian-led" in (term.get_attribute("title") or "")
        term.click()
        expect(tab).to_have_url(re.compile(r"GLOSSARY\.html#term-CSTO"))
        expect(tab.locator("dt#term-CSTO-Collective-Security-Treaty-Organization")).to_be_visible()

        # A view is a snapshot: its controls are drawn, disabled, with a note beside them.
        tab.goto(f"{base}/notebooks/02_member_alignments.html", wait_until="networkidle")
        year = tab.get_by_label("Year", exact=True).first
        expect(year).to_be_disabled(timeout=20_000)
        assert int(year.input_value()) > 2000
        view = tab.locator(".otslab-inert-view").filter(has=year).first
        note = view.locator(".otslab-inert")
        expect(note).to_have_text(re.compile(r"Snapshot controls disabled: launch to explore"))
        assert note.locator("a").get_attribute("href").startswith("https://mybinder.org/")
        enabled = tab.locator(".otslab-inert-view").locator("input:enabled, select:enabled")
        assert enabled.count() == 0, "a snapshot view's control can still be moved"

        # The hub form: the student types the hub's address and goes on to its nbgitpuller link.
        tab.goto(f"{base}/notebooks/01_sources.html", wait_until="networkidle")
        tab.locator("button[aria-label='Open this notebook live']").click()
        hub_link = tab.locator(".dropdown-launch-buttons a", has_text="JupyterHub")
        tab.goto(f"{base}/notebooks/{hub_link.get_attribute('href')}", wait_until="networkidle")
        tab.get_by_label("Your hub's address").fill(base)
        with tab.expect_request(re.compile(r".*/hub/user-redirect/git-pull\?.*")) as pull:
            tab.get_by_role("button", name="Open on my hub").click()
        query = parse_qs(urlsplit(pull.value.url).query)
        assert query["urlpath"] == ["lab/tree/otslab-course/notebooks/01_sources.ipynb"]
        assert not outside and not errors, (outside, errors)
        context.close()


OUTPUT_CONTROLS = """() => [...document.querySelectorAll('.cell_output')]
  .filter(output => output.querySelector('input, select, button, textarea'))
  .map(output => ({
    code: output.closest('.cell').querySelector('.cell_input').innerText.trim(),
    enabled: output.querySelectorAll(
      'input:enabled, select:enabled, button:enabled, textarea:enabled').length,
    inviting: output.querySelectorAll('[placeholder]:not([placeholder=""])').length,
    notes: [...output.querySelectorAll('.otslab-inert')].map(note => ({
      text: note.textContent, href: note.querySelector('a')?.getAttribute('href') || ''})),
  }))"""
"""Every cell output with controls: its code, how many controls still work or still invite
typing (a placeholder), its notes."""


@pytest.mark.slow
@pytest.mark.browser
def test_every_control_on_the_website_is_disabled_beside_a_launch_link(
    site: Site, browser: Browser
) -> None:
    """Nothing on a notebook's page looks live where nothing answers: every control of every
    cell's output (a view's, a question's, an answer box's) is disabled, beside one note saying
    what it is (a view's snapshot or a self-check) with the notebook's Binder link."""
    from build_html import serve
    from playwright.sync_api import expect

    problems, kinds = [], {"Snapshot": 0, "Self-check": 0}
    binder = "https://mybinder.org/v2/gh/" + REPOSITORY.split("github.com/")[1]
    with serve(site.html) as base:
        tab = browser.new_page(viewport={"width": 1300, "height": 900})
        try:
            for notebook in notebook_paths():
                tab.goto(f"{base}/notebooks/{notebook.stem}.html", wait_until="networkidle")
                expect(tab.locator(".otslab-inert").first).to_be_attached(timeout=30_000)
                for output in tab.evaluate(OUTPUT_CONTROLS):
                    where = f"{notebook.stem}: {output['code'].splitlines()[0][:60]}"
                    view = otslab_book.is_view(nbformat.v4.new_code_cell(output["code"]))
                    kind = "Snapshot" if view else "Self-check"
                    expected = re.compile(rf"^{kind}( controls)? disabled: launch to ")
                    texts = [note["text"] for note in output["notes"]]
                    if output["enabled"]:
                        problems.append(f"{where}: {output['enabled']} controls still work")
                    if output["inviting"]:
                        problems.append(f"{where}: {output['inviting']} boxes invite typing")
                    if len(texts) != 1 or not expected.match(texts[0]):
                        problems.append(f"{where}: notes {texts}, expected one {kind} note")
                    elif not output["notes"][0]["href"].startswith(binder):
                        problems.append(f"{where}: launch link {output['notes'][0]['href']}")
                    kinds[kind] += 1
                if notebook.stem == "00_start_here":
                    box = tab.get_by_role("textbox").first
                    expect(box).to_be_disabled()
                    tab.locator(".otslab-inert", has_text="launch to answer").first.screenshot(
                        path=ARTIFACTS / "site-self-check.png"
                    )
        finally:
            tab.close()
    assert not problems, "\n".join(problems[:30])
    # Both kinds are there: views in every notebook, questions and answer boxes in most.
    assert kinds["Snapshot"] >= 15 and kinds["Self-check"] >= 15, kinds


@pytest.mark.slow
def test_answer_keys_are_built_for_teachers(course_run: CourseRun, tmp_path) -> None:
    """make answer-keys writes every computed answer to a teachers' folder.

    The self-check questions are those the session's one run of the notebooks created (the tool
    runs the notebooks to collect the same ones, with the same probe).
    """
    import answer_keys

    from otslab.course.taskbank import TASKS
    from otslab.data import load_tables

    answer_keys.write_keys(tmp_path, lambda path: course_run[path.stem].probe("QUIZ"))
    keys = (tmp_path / "ANSWER_KEYS.md").read_text(encoding="utf-8")
    T = load_tables()
    facts = [t for t in TASKS.values() if not t.is_open]
    for task in facts:
        assert f"**{task.task_id}.**" in keys, task.task_id
    assert keys.count("Answer (computed from the data)") == len(facts)
    assert "For teachers only" in (tmp_path / "ANSWER_KEYS.html").read_text(encoding="utf-8")
    assert str(TASKS["00.3"].answer(T)) in keys


def test_answer_keys_are_kept_from_students(site: Site) -> None:
    """No answer key in the students' notebooks folder or on the website, and no page of the
    website shows a computed answer (the key's mark, tested above, is what it would carry).

    A test of its own, so that neither the website nor the course run is made twice in a run:
    `make test` runs the two in different groups (tests/conftest.py, group_of).
    """
    students_see = [p for p in (REPO / "notebooks").rglob("*") if "ANSWER_KEYS" in p.name]
    students_see += [p for p in site.html.rglob("*") if "ANSWER_KEYS" in p.name]
    assert not students_see, students_see
    for page in site.html.rglob("*.html"):
        text = page.read_text(encoding="utf-8", errors="replace")
        assert "Answer (computed from the data)" not in text, page
