# Two entry points: `make run` (the chatbot) and `make test` (the whole suite). Both set up .venv first.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install browser bench bench-scale eval

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	# torch first, pinned: the local CPU wheel (an open range pulls gigabytes of CUDA packages)
	$(VENV)/bin/pip install --quiet torch==2.13.0
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

browser:
	bash scripts/ensure-chromium.sh

run: install
	$(PY) -m app serve $(ARGS)

test: install browser
	$(PY) -m pytest
	$(PY) -m eval --floors

bench: install
	$(PY) scripts/bench.py

bench-scale: install   # >= 100,000 chunks of Debian documentation (apt-get installs the *-doc packages)
	$(PY) scripts/bench_scale.py $(ARGS)

eval: install
	$(PY) -m eval
