# make test  - set up .venv (if needed) and run the tests
# make demo  - set up .venv (if needed) and run the main job: a CNN on the digits data
# make tour  - a short tour of tensors, views, autograd and where each op is defined
# make bench - the reference's timings, beside numpy (and PyTorch when installed)
# make docs  - the site in build/docs: a page per op, generated from the code (see docs/conf.py)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: test demo tour bench docs setup clean debian-venv

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); $(MAKE) debian-venv; \
		$(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Debian's python3 lacks venv until python3-venv is installed (needs root, as in CI).
debian-venv:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv

setup: $(STAMP)

test: $(STAMP)
	$(PY) -m pytest

demo: $(STAMP)
	$(PY) docs/examples/cnn.py

tour: $(STAMP)
	$(PY) docs/examples/tour.py

bench: $(STAMP)
	$(PY) -m bench

# Any Sphinx warning fails the build; `make test` builds the docs the same way
# (tests/test_docs.py).
docs: $(STAMP)
	$(PY) -m sphinx -W --keep-going -q -b html docs build/docs
	@echo "open build/docs/index.html"

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis docs/ops

# make conformance - the conformance suite on the reference (matrix, totals, failures)
.PHONY: conformance
conformance: $(STAMP)
	$(PY) -m conformance --backend reference
