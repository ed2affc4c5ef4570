# make test  - set up .venv (if needed) and run the tests
# make demo  - set up .venv (if needed) and run the main job: a CNN on the digits data
# make tour  - a short tour of tensors, views, autograd and where each op is defined
# make bench - timings beside PyTorch and numpy (BENCH_ARGS="--quick --filter sgemm" ...)
# make kernels, make test-asan - rebuild the C kernels; their conformance under ASan+UBSan
# make docs  - the site in build/docs: a page per op, generated from the code (see docs/conf.py)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: test demo tour bench docs setup clean debian-venv debian-cc debian-pydev kernels \
	test-asan

$(STAMP): pyproject.toml setup.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); $(MAKE) debian-venv; \
		$(PYTHON) -m venv $(VENV); }
	command -v cc >/dev/null || $(MAKE) debian-cc
	$(PY) -c "import sysconfig as s, os; os.stat(s.get_paths()['include'] + '/Python.h')" \
		2>/dev/null || $(MAKE) debian-pydev || echo "no Python headers: ABI-mode kernels"
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Debian's python3 lacks venv until python3-venv is installed (needs root, as in CI).
debian-venv:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv

# The C kernels need a compiler (and OpenMP's runtime, which comes with gcc).
debian-cc:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc libc6-dev

# Python's headers let build.py add the faster cffi binding (else the kernels load in ABI mode).
debian-pydev:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-dev

setup: $(STAMP)
	$(PY) torsh/backends/c/build.py --if-stale

test: setup
	$(PY) -m pytest

demo: setup
	$(PY) docs/examples/cnn.py

tour: $(STAMP)
	$(PY) docs/examples/tour.py

bench: setup
	$(PY) -m bench $(BENCH_ARGS)

# Any Sphinx warning fails the build; `make test` builds the docs the same way
# (tests/test_docs.py).
docs: $(STAMP)
	$(PY) -m sphinx -W --keep-going -q -b html docs build/docs
	@echo "open build/docs/index.html"

# make kernels   - rebuild the C kernels (kernels/c) into torsh/backends/c/lib
# make test-asan - the C backend's conformance cases with AddressSanitizer + UBSan
kernels: $(STAMP)
	$(PY) torsh/backends/c/build.py

ASAN_RUN = LD_PRELOAD="$$($(CC_FOR_ASAN) -print-file-name=libasan.so) \
	$$($(CC_FOR_ASAN) -print-file-name=libubsan.so)" ASAN_OPTIONS=detect_leaks=0 \
	TORSH_C_SANITIZE=1

test-asan: $(STAMP)
	$(PY) torsh/backends/c/build.py --sanitize
	for variant in avx2 portable; do \
		$(ASAN_RUN) TORSH_C_VARIANT=$$variant $(PY) -m conformance --backend c --quiet || exit 1; \
	done
	@# the canary overflows a buffer on purpose: the sanitizer must catch it
	mkdir -p build
	! $(ASAN_RUN) $(PY) kernels/c/asan_canary.py 2> build/asan-canary.log
	grep -q "ERROR: AddressSanitizer" build/asan-canary.log
	@echo "test-asan: conformance clean under ASan+UBSan, and the canary was caught"

CC_FOR_ASAN ?= gcc

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis docs/ops

# make conformance - the conformance suite on the reference (matrix, totals, failures)
.PHONY: conformance
conformance: $(STAMP)
	$(PY) -m conformance --backend reference
