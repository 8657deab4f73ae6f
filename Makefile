# Build the report and run the tests in a local virtual environment (.venv/).
# Requirements: Python 3.11+ and make. Quarto is used when it is installed.

PYTHON ?= python3
DATA ?= data
OUT := output
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: report test bench clean lock

# The stamp is newer than the lock once the locked packages are installed,
# so a second run reuses the environment.
$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

report: $(STAMP)
	$(PY) -m analysis run --data "$(DATA)" --out $(OUT)
	@rm -rf downloads && mkdir -p downloads
	@cp $(OUT)/offers.xlsx $(OUT)/offers.csv $(OUT)/scores.csv $(OUT)/metrics.json downloads/
	$(PY) -m analysis render --assets-only
	@if command -v quarto >/dev/null 2>&1; then \
		ANALYSIS_DATA="$(abspath $(DATA))" QUARTO_PYTHON="$(abspath $(PY))" quarto render; \
	else \
		$(PY) -m analysis render --data "$(DATA)"; \
	fi

test: $(STAMP)
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) benchmarks/run_all.py

clean:
	rm -rf _site .cache $(OUT) downloads assets/vega-bundle.js

# Re-resolve the dependencies of pyproject.toml in a fresh environment and pin them.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --disable-pip-version-check ".[test]"
	{ echo "# Exact versions installed by 'make report' and 'make test' (pip freeze of the tested environment)."; \
	  echo "# Regenerate: make lock"; \
	  .lock-venv/bin/pip freeze --all --exclude-editable | grep -v -E '^(pip|analysis)=='; } > requirements.lock
	rm -rf .lock-venv
