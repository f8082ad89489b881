"""Re-execute notebooks in place, each in a fresh kernel, top to bottom.

The stored outputs then come from a real run: execution counts 1, 2, 3, ...
The kernel's working directory is the notebook's folder, as under nbval and
JupyterLab. Timing metadata is not recorded, so a re-run changes only outputs.

Usage::

    python tools/run_notebooks.py                      # every notebooks/*.ipynb
    python tools/run_notebooks.py notebooks/03_loss_functions.ipynb
"""

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
TIMEOUT = 600  # seconds per cell


def may_raise(cell):
    """True for a cell marked, for nbval, as raising on purpose."""
    tags = set(cell.metadata.get("tags", []))
    marked = any(
        line.strip().lstrip("#").strip() == "NBVAL_RAISES_EXCEPTION"
        for line in cell.source.splitlines()
        if line.strip().startswith("#")
    )
    return marked or bool(tags & {"raises-exception", "nbval-raises-exception"})


def run(path):
    """Execute one notebook in place and return the seconds it took.

    Raises RuntimeError, leaving the file untouched, when a cell not marked as
    raising on purpose stores an error.
    """
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=TIMEOUT,
        kernel_name="python3",
        record_timing=False,
        allow_errors=True,  # run past marked cells; unmarked errors are caught below
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    for number, cell in enumerate(nb.cells, start=1):
        for output in cell.get("outputs", []):
            if output.output_type == "error" and not may_raise(cell):
                trace = "\n".join(output.traceback)
                raise RuntimeError(f"cell {number} raised {output.ename}:\n{trace}")
    nbformat.write(nb, path)
    return seconds


def main(args):
    paths = [Path(a) for a in args] or sorted(NOTEBOOKS.glob("*.ipynb"))
    if not paths:
        print(f"no notebooks in {NOTEBOOKS.name}/", file=sys.stderr)
        return 1
    missing = [p for p in paths if not p.is_file()]
    if missing:
        print("not found: " + ", ".join(map(str, missing)), file=sys.stderr)
        return 1
    total = 0.0
    for path in paths:
        try:
            seconds = run(path)
        except (CellExecutionError, RuntimeError) as exc:
            print(f"{path.name}: FAILED\n{exc}", file=sys.stderr)
            return 1
        total += seconds
        print(f"{path.name}: {seconds:.1f} s")
    print(f"{len(paths)} notebook(s) in {total:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
