# Two commands for newcomers: `make lab` and `make test`. Both set up .venv on first use.
# Nothing here needs an activated venv: every tool is called through .venv/bin.

VENV  := .venv
BIN   := $(VENV)/bin
STAMP := $(VENV)/.installed
NB    ?= $(sort $(wildcard notebooks/*.ipynb))
# nbval runs only once notebooks exist; pytest's exit code 5 ("no tests collected") fails the target.
NBVAL  = $(if $(wildcard notebooks/*.ipynb),--nbval --nbval-current-env notebooks/)

# Tests and stored notebook runs use one BLAS thread: the matrices here are small, and on a
# busy 2-core machine OpenBLAS threads fighting for the cores made MNIST training 15x slower.
ONE_THREAD := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1

.PHONY: lab test notebooks bench format clean

$(BIN)/python:
	python3 -m venv $(VENV)

# Reinstall only when pyproject.toml changed since the last successful install.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Jupyter refuses to run as root (containers, CI) unless told it may.
lab: $(STAMP)
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(ONE_THREAD) $(BIN)/pytest --doctest-modules zerotsuku/ tests/ $(NBVAL)

# Re-run notebooks in place from a fresh kernel, e.g. make notebooks NB=notebooks/03_loss_functions.ipynb
notebooks: $(STAMP)
	$(ONE_THREAD) $(BIN)/python tools/run_notebooks.py $(NB)

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Removes caches and build output; `rm -rf .venv` resets the environment too.
clean:
	rm -rf build dist *.egg-info .pytest_cache .ruff_cache .hypothesis tests/artifacts
	find . -path ./$(VENV) -prune -o \( -name __pycache__ -o -name .ipynb_checkpoints \) \
		-type d -print -exec rm -rf {} +
