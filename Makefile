# Two commands for newcomers: `make lab` and `make test`. Both set up .venv on first use.
# Nothing here needs an activated venv: every tool is called through .venv/bin.

VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LOCK   := requirements.lock
OLDEST := .venv-oldest
NB     ?= $(sort $(wildcard notebooks/*.ipynb))
# nbval runs only once notebooks exist; pytest's exit code 5 ("no tests collected") fails the target.
NBVAL   = $(if $(wildcard notebooks/*.ipynb),--nbval --nbval-current-env notebooks/)

# Tests and stored notebook runs use one BLAS thread: the matrices here are small, and on a
# busy 2-core machine OpenBLAS threads fighting for the cores made MNIST training 15x slower.
ONE_THREAD := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1

.PHONY: lab test test-quick test-kernels test-oldest notebooks lock bench format clean

$(BIN)/python:
	python3 -m venv $(VENV)

# The locked versions (the ones the stored outputs were made with); reinstalled only when
# pyproject.toml or the lock file changed since the last successful install.
$(STAMP): pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e '.[test]'
	touch $@

# Jupyter refuses to run as root (containers, CI) unless told it may.
lab: $(STAMP)
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/

# Every test: lint, the package and notebooks with the locked versions (browser included),
# the notebooks again under other OpenBLAS kernels, and everything with the oldest versions.
test: test-quick test-kernels test-oldest

test-quick: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(ONE_THREAD) $(BIN)/pytest --doctest-modules zerotsuku/ tests/ $(NBVAL)

# Strict nbval under each OpenBLAS kernel this CPU can run besides its own (tools/blas_kernels.py).
test-kernels: $(STAMP)
	@kernels="$$($(BIN)/python tools/blas_kernels.py)" || { echo "$$kernels"; exit 1; }; \
	for kernel in $$kernels; do \
		OPENBLAS_CORETYPE=$$kernel $(BIN)/python tools/blas_kernels.py --check $$kernel || exit 1; \
		OPENBLAS_CORETYPE=$$kernel $(ONE_THREAD) $(BIN)/pytest -q -p no:cacheprovider $(NBVAL) \
			|| exit 1; \
	done

# The oldest versions pyproject.toml allows, in a venv of their own: package tests and notebooks.
$(OLDEST)/.installed: pyproject.toml tools/pins.py | $(STAMP)
	rm -rf $(OLDEST)
	python3 -m venv $(OLDEST)
	$(BIN)/python tools/pins.py oldest > $(OLDEST)/constraints.txt
	$(OLDEST)/bin/python -m pip install --quiet --only-binary=:all: \
		-c $(OLDEST)/constraints.txt -e '.[test]'
	touch $@

test-oldest: $(OLDEST)/.installed
	$(OLDEST)/bin/python -m pip list --format=freeze | grep -i -E "^($$(cut -d= -f1 \
		$(OLDEST)/constraints.txt | paste -sd'|'))=="
	$(ONE_THREAD) $(OLDEST)/bin/pytest -p no:cacheprovider --doctest-modules zerotsuku/ tests/ \
		--ignore=tests/test_browser.py $(NBVAL)

# Re-run notebooks in place from a fresh kernel, e.g. make notebooks NB=notebooks/03_loss_functions.ipynb
notebooks: $(STAMP)
	$(ONE_THREAD) $(BIN)/python tools/run_notebooks.py $(NB)

# Refresh the lock file: the newest versions pyproject.toml allows, in a fresh venv.
lock:
	rm -rf .venv-lock
	python3 -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet '.[test]'
	.venv-lock/bin/python -m pip freeze --exclude-editable > .venv-lock/freeze.txt
	.venv-lock/bin/python tools/pins.py lock .venv-lock/freeze.txt
	rm -rf .venv-lock

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Removes caches and build output; `rm -rf .venv .venv-oldest` resets the environments too.
clean:
	rm -rf build dist *.egg-info .pytest_cache .ruff_cache .hypothesis tests/artifacts .venv-lock
	find . \( -path ./$(VENV) -o -path ./$(OLDEST) \) -prune -o \
		\( -name __pycache__ -o -name .ipynb_checkpoints \) -type d -print -exec rm -rf {} +
