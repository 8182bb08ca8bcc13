# Two commands: `make lab` to study, `make test` to check everything (`make check` while working).
PYTHON ?= $(shell command -v python3.11 2>/dev/null || echo python3)
VENV := .venv
BIN := $(VENV)/bin
# The environment Binder and a hub install (binder/requirements.txt, the runtime lock): the tests run
# every notebook's kernel from it, so what a student gets is what is tested.
KERNEL_VENV := .venv-binder
# uv installs the locked trees (hash-checked); pip only bootstraps it, at the version the dev lock pins.
UV_PIN := $(shell grep -m1 -o '^uv==[0-9.]*' requirements-dev.lock)
# The npm parts the tests use, each installed from its lock file: the website's widget manager,
# the hub's proxy and the map's boundary source.
NPM_PARTS := book/node_modules/.package-lock.json hub/node_modules/.package-lock.json \
	tools/geo/node_modules/.package-lock.json
# JupyterLab reads default-setting overrides from {sys.prefix}/share/jupyter/lab/settings.
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json
# Jupyter refuses to run as root unless told; the server only listens on 127.0.0.1.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: lab test check lock check-data bench hub-bench hub-link binder-link html pdf answer-keys grade term-counts boundaries source-cards clean roleplay-kit

lab: $(VENV)/.stamp-runtime $(LAB_SETTINGS)
	$(BIN)/jupyter lab --ip=127.0.0.1 --ServerApp.root_dir=. $(ALLOW_ROOT) \
		notebooks/00_start_here.ipynb

# Everything, from a fresh clone (needs Debian's chromium and ../shared/seeds); a skip is a failure.
# Ten pytest-xdist workers, each running one group whole (tests/conftest.py, worker_groups): the
# course run; the website, in two halves (built once); the hostile copy; JupyterLab in Chromium, on
# the course and on the hostile copy; the hub; the website's hub page; the fast tests, in two
# halves. The groups mostly wait on kernels, servers and browsers, so side by side they fill both
# cores and none holds the others up.
test: $(VENV)/.stamp-dev $(LAB_SETTINGS) $(KERNEL_VENV)/.stamp $(NPM_PARTS)
	$(BIN)/ruff check .
	OTSLAB_NO_SKIP=1 OTSLAB_KERNEL_VENV=$(KERNEL_VENV) $(BIN)/python -m pytest -n 10 --dist loadgroup \
		--durations=20

# The fast loop while working (about two minutes on two cores): lint, then the unit, data and
# widget tests in two processes; no notebook runs, no browser, no website, no hub. It installs
# what those read: the dev environment with its lab settings, and the map's boundary source.
check: $(VENV)/.stamp-dev $(LAB_SETTINGS) tools/geo/node_modules/.package-lock.json
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -m "not slow and not browser and not hub and not site" -q -n 2

# Refresh the locks after changing a pin in requirements.txt or requirements-dev.txt; Binder and the
# hub image install binder/requirements.txt, a copy of the runtime lock.
lock: $(VENV)/.stamp-dev
	$(BIN)/uv pip compile requirements.txt --universal --generate-hashes --python-version 3.11 \
		--custom-compile-command "make lock" -q -o requirements.lock
	$(BIN)/uv pip compile requirements-dev.txt --universal --generate-hashes --python-version 3.11 \
		--custom-compile-command "make lock" -q -c requirements.lock -o requirements-dev.lock
	cp requirements.lock binder/requirements.txt

# Speed and memory against the budgets in ../shared/DESIGN.md; writes build/bench.md.
bench: $(VENV)/.stamp-dev
	$(BIN)/python tools/bench.py

# A class on a hub: N students (STUDENTS=16) log in and run every notebook at once on a local
# JupyterHub; writes build/hub-bench.md. Loads the machine for a few minutes: run it alone.
STUDENTS ?= 16
hub-bench: $(VENV)/.stamp-dev $(LAB_SETTINGS) hub/node_modules/.package-lock.json
	$(BIN)/python tools/hub_bench.py --students $(STUDENTS)

# The course's nbgitpuller link for a school's hub: make hub-link HUB=https://hub.your-school.example
hub-link: $(VENV)/.stamp-runtime
	$(BIN)/python tools/hub_link.py "$(HUB)"

# The course's Binder link and badge, for the repository set in CITATION.cff (repository-code)
binder-link: $(VENV)/.stamp-runtime
	$(BIN)/python tools/hub_link.py --binder

hub/node_modules/.package-lock.json: hub/package.json hub/package-lock.json
	npm ci --prefix hub --no-audit --no-fund

# The course website (book/: Sphinx + MyST-NB, every notebook executed) in build/html.
html: $(VENV)/.stamp-dev book/node_modules/.package-lock.json
	$(BIN)/python tools/build_html.py

# The course, each notebook, the student workbook and the teachers' guide as PDFs in build/pdf.
pdf: html
	$(BIN)/python tools/build_html.py --skip-build --pdf build/pdf

# The widget manager the website copies into its pages, from npm (book/package-lock.json).
book/node_modules/.package-lock.json: book/package.json book/package-lock.json
	npm ci --prefix book --ignore-scripts --no-audit --no-fund

# The answer keys for teachers (never for students) in build/teachers: ANSWER_KEYS.md and .html.
answer-keys: $(VENV)/.stamp-dev
	$(BIN)/python tools/answer_keys.py

# The role-play kit of notebook 04 in notebooks/roleplay_kit: Markdown cards, and in print/ one
# HTML page per card and kit.html, which the course's one printer (tools/print_pdf.py, needs
# Debian's chromium) prints to kit.pdf; edits a teacher made are kept.
roleplay-kit: $(VENV)/.stamp-dev
	cd notebooks && ../$(BIN)/python -m otslab.course.roleplay
	$(BIN)/python tools/print_pdf.py notebooks/roleplay_kit/print/kit.html

# Grade a folder of submissions (hand-in pages, work files, notebooks): make grade DIR=submissions
# writes DIR/grades.csv, one row per submission, and lists every file it skipped.
grade: $(VENV)/.stamp-runtime
	$(if $(strip $(DIR)),,$(error make grade needs DIR=<the folder of submissions>))
	$(BIN)/python tools/grade.py "$(DIR)"

check-data: $(VENV)/.stamp-runtime
	cd notebooks && ../$(BIN)/python -m otslab.data

# Refresh the generated parts of the source cards (seeds/*.md) after claims or locators change.
source-cards: $(VENV)/.stamp-runtime
	$(BIN)/python tools/source_cards.py

# Recount the vocabulary in the seed texts (../shared/seeds) into data/term_counts.csv.
term-counts: $(VENV)/.stamp-runtime
	cd notebooks && ../$(BIN)/python -m otslab.model.sources

# Regional country boundaries for the map (data/geo) from npm world-atlas 2.0.2, cut with the
# standard library; see data/geo/README.md. Needs npm; the course itself reads the committed file.
boundaries: tools/geo/node_modules/.package-lock.json
	$(PYTHON) tools/cut_boundaries.py

tools/geo/node_modules/.package-lock.json: tools/geo/package.json tools/geo/package-lock.json
	npm ci --prefix tools/geo --ignore-scripts --no-audit --no-fund

clean:
	rm -rf $(VENV) $(KERNEL_VENV) .pytest_cache .ruff_cache test-artifacts build
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(BIN)/uv: | $(BIN)/python
	$(BIN)/python -m pip install -q $(UV_PIN)

$(VENV)/.stamp-runtime: requirements.lock | $(BIN)/uv
	$(BIN)/uv pip install -q --python $(BIN)/python --require-hashes -r requirements.lock
	touch $@

# The dev lock holds the runtime lock's versions, so this also brings the runtime stamp up to date.
$(VENV)/.stamp-dev: requirements-dev.lock requirements.lock | $(BIN)/uv
	$(BIN)/uv pip sync -q --python $(BIN)/python --require-hashes requirements-dev.lock
	touch $@ $(VENV)/.stamp-runtime

$(KERNEL_VENV)/.stamp: binder/requirements.txt | $(BIN)/uv
	$(BIN)/uv venv -q --allow-existing --python $(PYTHON) $(KERNEL_VENV)
	$(BIN)/uv pip sync -q --python $(KERNEL_VENV)/bin/python --require-hashes binder/requirements.txt
	touch $@

$(LAB_SETTINGS): binder/overrides.json | $(BIN)/python
	mkdir -p $(@D)
	cp $< $@
