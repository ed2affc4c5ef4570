# make test  - set up .venv (if needed) and run the tests
# make demo  - set up .venv (if needed) and run the main job: a CNN on the digits data
# make tour  - a short tour of tensors, views, autograd and where each op is defined
# make bench - the reference's timings, beside numpy (and PyTorch when installed)
# make docs  - the site in build/docs: a page per op, generated from the code (see docs/conf.py)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: test demo tour bench docs setup clean debian-venv kernels test-asan

$(STAMP): pyproject.toml setup.py
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

# make kernels   - rebuild the C kernels (kernels/c) into torsh/backends/c/lib
# make test-asan - the C backend's conformance cases with AddressSanitizer + UBSan
kernels: $(STAMP)
	$(PY) torsh/backends/c/build.py

test-asan: $(STAMP)
	$(PY) torsh/backends/c/build.py --sanitize
	LD_PRELOAD="$$($(CC_FOR_ASAN) -print-file-name=libasan.so) $$($(CC_FOR_ASAN) -print-file-name=libubsan.so)" \
		ASAN_OPTIONS=detect_leaks=0 TORSH_C_SANITIZE=1 $(PY) -m conformance --backend c --quiet

CC_FOR_ASAN ?= gcc

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis docs/ops

# make conformance - the conformance suite on the reference (matrix, totals, failures)
.PHONY: conformance
conformance: $(STAMP)
	$(PY) -m conformance --backend reference
