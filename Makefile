# Instructor App — the two commands: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON      ?= python3
VENV        := .venv
CORE_VENV   := .venv-core
CONSTRAINTS := requirements/constraints.txt
PIP_FLAGS   := --quiet --disable-pip-version-check
DEMO_PASSWORD ?= demo-pass
# DATA_DIR=... picks another data folder (default: INSTRUCTOR_APP_HOME or the user's data folder)
DATA_ARG    := $(if $(DATA_DIR),--data-dir $(DATA_DIR),)
PO_FILES    := $(wildcard locale/*/LC_MESSAGES/instructor_app.po)
MO_FILES    := $(PO_FILES:.po=.mo)

.PHONY: run test test-core test-ui system-deps catalogs extract screenshots bench lock dist clean

run: $(VENV)/.installed $(MO_FILES)
	@$(VENV)/bin/instructor-app $(DATA_ARG) demo --if-missing --password-stdin <<< "$(DEMO_PASSWORD)"
	$(VENV)/bin/instructor-app $(DATA_ARG)

test: test-core test-ui

# The core suite runs in an environment without PySide6, proving the core is Qt-free.
test-core: $(CORE_VENV)/.installed $(MO_FILES)
	INSTRUCTOR_APP_CORE_ONLY=1 $(CORE_VENV)/bin/python -m pytest tests/core -q

test-ui: $(VENV)/.installed $(MO_FILES)
	QT_QPA_PLATFORM=offscreen PYTEST_QT_API=pyside6 $(VENV)/bin/python -m pytest tests/ui -q

system-deps:
	@bash build/system-deps.sh

$(VENV)/.installed: pyproject.toml $(CONSTRAINTS) | system-deps
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install $(PIP_FLAGS) -c $(CONSTRAINTS) -e '.[ui,test,uitest]'
	@touch $@

$(CORE_VENV)/.installed: pyproject.toml $(CONSTRAINTS) | system-deps
	$(PYTHON) -m venv $(CORE_VENV)
	$(CORE_VENV)/bin/pip install $(PIP_FLAGS) -c $(CONSTRAINTS) -e '.[test]'
	@touch $@

# Catalogs: .po files are the source; .mo files are built here, never committed.
%.mo: %.po $(CORE_VENV)/.installed
	$(CORE_VENV)/bin/pybabel compile --statistics -D instructor_app -i $< -o $@

catalogs: $(MO_FILES)

# Re-extract strings into the template and merge them into the ky and ru catalogs.
extract: $(CORE_VENV)/.installed
	$(CORE_VENV)/bin/pybabel extract -F locale/babel.cfg -k N_ -k pgettext:1c,2 -k ngettext:1,2 \
	    --no-location --sort-output --project instructor-app --copyright-holder "Instructor App" \
	    -o locale/instructor_app.pot .
	$(CORE_VENV)/bin/pybabel update --no-fuzzy-matching --ignore-obsolete -D instructor_app \
	    -i locale/instructor_app.pot -d locale

screenshots: $(VENV)/.installed $(MO_FILES)
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/python build/screenshots.py
	$(VENV)/bin/python build/documents.py

bench: $(VENV)/.installed $(MO_FILES)
	$(VENV)/bin/python tests/benchmarks/bench_storage.py
	$(VENV)/bin/python tests/benchmarks/bench_startup.py
	$(VENV)/bin/python tests/benchmarks/bench_daily.py
	$(VENV)/bin/python tests/benchmarks/bench_sync_ingest.py
	$(VENV)/bin/python tests/benchmarks/bench_sync.py
	$(VENV)/bin/python tests/benchmarks/bench_scale.py

# The desktop bundle dist/InstructorApp/ (build/instructor-app.spec), then its own self-test.
# Not part of 'make test': it takes about a minute. Windows: build/README-windows.md.
dist: $(VENV)/.dist-installed $(MO_FILES)
	$(VENV)/bin/pyinstaller build/instructor-app.spec --noconfirm --distpath dist --workpath build/pyinstaller-work
	dist/InstructorApp/instructor-app --selftest

$(VENV)/.dist-installed: $(VENV)/.installed
	$(VENV)/bin/pip install $(PIP_FLAGS) -c $(CONSTRAINTS) -e '.[dist]'
	@touch $@

lock: $(VENV)/.installed
	$(VENV)/bin/pip freeze --exclude-editable | sed '1i # Pinned versions for every Python package (constraints for pip -c). Refresh: make lock' > $(CONSTRAINTS)

clean:
	rm -rf $(VENV) $(CORE_VENV) build/__pycache__ .pytest_cache dist build/pyinstaller-work
	find locale -name '*.mo' -delete
