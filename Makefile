# The two commands of the README: `make run` and `make test`. Both create .venv and install
# everything (llama-cpp-python is built from source the first time; pip's wheel cache keeps it).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install screenshots clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,starter]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/gptshelf

# pytest exits 5 when it collected no tests: that is a failure here, never a silent pass.
test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest; status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests" >&2; exit 1; fi; \
	exit $$status

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m app.ui.screenshots docs/screenshots

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
