# The two commands in the README: `make run` (the app, embedded store, seed data
# loaded) and `make test` (the whole suite). Both install what they need first,
# from the lock files: every package pinned with its hashes (scripts/lock.sh
# regenerates them from requirements*.txt).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALL := $(PY) -m pip install --quiet --require-hashes --no-deps

.PHONY: run test

run: $(VENV)/.runtime
	$(PY) -m streamlit run app.py

test: $(VENV)/.dev
	bash scripts/install-system-deps.sh
	$(PY) -m pytest

$(VENV)/.runtime: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(INSTALL) -r requirements.lock
	touch $@

$(VENV)/.dev: requirements.lock requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(INSTALL) -r requirements-dev.lock
	touch $(VENV)/.runtime $@
