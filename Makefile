# The README's commands. `make run` and `make test` each set everything up on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup run data test test-fast browser eval bench lint clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	$(PY) -m etl.gazetteer
	touch $(STAMP)

data: setup
	$(PY) -m etl seeds --out data

run: data
	$(VENV)/bin/streamlit run dashboard/app.py

# Debian's Chromium for the browser tests; without it they are skipped locally (never in CI).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	  else echo "note: /usr/bin/chromium missing; browser tests will be skipped (sudo apt-get install chromium)"; fi; \
	fi

test: setup browser
	$(PY) -m pytest

# The inner loop: everything but the slow (over ~3 s) and the real-browser tests.
test-fast: setup
	$(PY) -m pytest -m "not slow and not browser"

eval: setup
	$(PY) -m etl.evaluate

# Benchmarks: ETL throughput and its ratio to bare spaCy, workers, incremental runs, memory,
# and the dashboard's data path on a million event rows (about 15 minutes).
bench: setup
	$(PY) -m bench --incremental-size 10000

lint: setup
	$(VENV)/bin/ruff check etl dashboard tests bench
	$(VENV)/bin/mypy

clean:
	rm -rf data test-output .pytest_cache
