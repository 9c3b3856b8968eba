# One command sets up a fresh machine and does the job: `make run`, `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Blender's bpy wheel in its own venv: it pins numpy 1.26, the app runs numpy 2.
SCENES_VENV := .venv-scenes
SCENES_STAMP := $(SCENES_VENV)/.installed

.PHONY: run test render bench debian-packages

# Debian packages the tests drive for real: chromium for the browser test, redis-server for
# the render queue's.
DEBIAN_PACKAGES := chromium redis-server

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/streamlit run app.py

debian-packages:
	@missing=""; for package in $(DEBIAN_PACKAGES); do \
		dpkg -s $$package >/dev/null 2>&1 || missing="$$missing $$package"; done; \
	if [ -n "$$missing" ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi

test: $(STAMP) $(SCENES_STAMP) debian-packages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

# Built-in templates rendered with Blender (`make scenes` re-renders the library; slow); the
# tests render one scene tiny through the same venv.
.PHONY: scenes

$(SCENES_STAMP): requirements-scenes.txt
	$(PYTHON) -m venv $(SCENES_VENV)
	$(SCENES_VENV)/bin/pip install --quiet -r requirements-scenes.txt
	touch $(SCENES_STAMP)

scenes: $(STAMP) $(SCENES_STAMP)
	$(BIN)/python -m mockups.scenes.blender --blender-python $(SCENES_VENV)/bin/python

bench: $(STAMP) debian-packages
	$(BIN)/pip install --quiet -r bench/requirements.txt
	$(BIN)/python -m bench.studio10
	$(BIN)/python -m bench.flat10
	$(BIN)/python -m bench.warp
	$(BIN)/python -m bench.profiling_overhead
	$(BIN)/python -m bench.load_users
	$(BIN)/python -m bench.dashboard_memory

# JupyterLab on the analysts' notebooks. Its kernel imports the project from here; --allow-root
# because JupyterLab refuses root, which the team's machines run as.
NOTEBOOKS_STAMP := $(VENV)/.notebooks-installed
.PHONY: lab

$(NOTEBOOKS_STAMP): $(STAMP) requirements-notebooks.txt
	$(BIN)/pip install --quiet -r requirements-notebooks.txt
	touch $(NOTEBOOKS_STAMP)

lab: $(NOTEBOOKS_STAMP)
	PYTHONPATH=$(CURDIR) $(BIN)/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root)
