# One command sets up a fresh machine and does the job: `make run`, `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LAB_VENV := .venv-lab
LAB_STAMP := $(LAB_VENV)/.installed
PIP_COMPILE := $(BIN)/pip-compile --quiet --no-emit-find-links --no-emit-index-url \
	--strip-extras --allow-unsafe
# Blender's bpy wheel in its own venv: it pins numpy 1.26, the app runs numpy 2.
SCENES_VENV := .venv-scenes
SCENES_STAMP := $(SCENES_VENV)/.installed
# The set-up steps (the two venvs, Debian's packages) wait on each other for nothing: a fresh
# machine gets them side by side. A recipe's own lines still run one after another.
MAKEFLAGS += --jobs=3
# Each venv installs its locked tree with uv, from the same registry as pip: 35 s on a fresh
# machine where pip took 105 s with its cache warm, bytecode compiled as pip compiles it.
UV_VERSION := 0.13.10
uv_pip = $(1)/bin/uv pip install --quiet --python $(1)/bin/python
define uv_install
	$(1)/bin/pip install --quiet uv==$(UV_VERSION)
	$(call uv_pip,$(1)) --compile-bytecode $(2)
endef

.PHONY: run test tests check lint render bench debian-packages lock lab scenes bytecode

# Debian packages the tests drive for real: chromium for the browser tests, redis-server for
# the render queue's.
DEBIAN_PACKAGES := chromium redis-server

# The locked tree first, then the project itself (editable, without resolving anything
# again), so `import mockups` works from any folder with this venv's python.
$(STAMP): pyproject.toml requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(call uv_install,$(VENV),-r requirements-dev.lock)
	$(call uv_pip,$(VENV)) --no-deps -e .
	touch $(STAMP)

# The project's own modules compiled to bytecode, as a wheel's install compiles them (the
# editable install does not): every process that starts (a render, a worker, a test's child)
# then reads them instead of compiling them, 0.07 CPU s a render. Only what changed since is
# compiled again; a stale file is never used (Python checks the source's time and size).
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q -j 0 mockups profiling etsy_sync dashboard pages app.py server.py

run: $(STAMP) bytecode
	$(BIN)/streamlit run server.py

debian-packages:
	@missing=""; for package in $(DEBIAN_PACKAGES); do \
		dpkg -s $$package >/dev/null 2>&1 || missing="$$missing $$package"; done; \
	if [ -n "$$missing" ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Everything, as CI runs it: the lint beside the tests (mypy alone takes most of a minute).
# A memory ceiling (pytest-memray's limit_memory) holds only while memray tracks the test, and
# tracking every test would nest trackers in those that profile: the ceilings get a run of
# their own.
test: lint tests

tests: bytecode $(SCENES_STAMP) debian-packages
	$(BIN)/pytest -m "not limit_memory"
	$(BIN)/pytest --memray -m limit_memory

# The fast lane while working: no browser, notebook, Redis or processes-mode tests (the
# scene tests render tiny through .venv-scenes, built here as for `make test`).
check: lint bytecode $(SCENES_STAMP)
	$(BIN)/pytest -m "not slow"

# Re-resolve the pins in pyproject.toml into the lock files `make` installs from.
lock: $(STAMP)
	$(PIP_COMPILE) -o requirements.txt pyproject.toml
	$(PIP_COMPILE) --extra dev -o requirements-dev.lock pyproject.toml
	$(PIP_COMPILE) --extra notebooks -o requirements-lab.lock pyproject.toml

# Built-in templates rendered with Blender (`make scenes` re-renders the library; slow); the
# tests render one scene tiny through the same venv.

$(SCENES_STAMP): requirements-scenes.txt
	$(PYTHON) -m venv $(SCENES_VENV)
	$(call uv_install,$(SCENES_VENV),-r requirements-scenes.txt)
	touch $(SCENES_STAMP)

scenes: $(STAMP) $(SCENES_STAMP)
	$(BIN)/python -m scenes.blender --blender-python $(SCENES_VENV)/bin/python

bench: $(STAMP) bytecode debian-packages
	$(BIN)/pip install --quiet -r bench/requirements.txt
	$(BIN)/python -m bench.studio10
	$(BIN)/python -m bench.library_compare
	$(BIN)/python -m bench.flat10
	$(BIN)/python -m bench.warp
	$(BIN)/python -m bench.profiling_overhead
	$(BIN)/python -m bench.queued_live
	$(BIN)/python -m bench.load_users
	$(BIN)/python -m bench.dashboard_memory
	$(BIN)/python -m bench.hostile_inputs
	$(BIN)/python -m bench.inputs_memory
	$(BIN)/python -m bench.psd_import
	$(BIN)/python -m bench.capacity
	$(BIN)/python -m bench.listing_video
	npm ci --prefix bench/seed_stack
	$(BIN)/python -m bench.seed_compare

# JupyterLab on the analysts' notebooks, in an environment of its own: its extras never load
# into the processes that render. --allow-root because JupyterLab refuses root, which the
# team's machines run as.
$(LAB_STAMP): pyproject.toml requirements-lab.lock
	$(PYTHON) -m venv $(LAB_VENV)
	$(call uv_install,$(LAB_VENV),-r requirements-lab.lock)
	$(call uv_pip,$(LAB_VENV)) --no-deps -e .
	touch $(LAB_STAMP)

lab: $(LAB_STAMP)
	$(LAB_VENV)/bin/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root)
