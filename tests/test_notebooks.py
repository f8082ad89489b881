"""Notebook hygiene: each notebook in notebooks/ is stored as a clean top-to-bottom run.

nbval (run by `make test`) re-executes the notebooks and compares outputs; these checks
cover what nbval does not: names and numbering, execution order of the stored run, stored
errors, paths of the machine it ran on, file size, a title, hidden exercise solutions, and
a stated reason on every cell whose output nbval does not compare.
Standard library only. `make notebooks` re-runs notebooks so that they pass.
"""

import json
import re
from functools import lru_cache
from pathlib import Path

import pytest

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
MAX_BYTES = 2 * 1024 * 1024
NAME = re.compile(r"^(\d{2})_[a-z0-9]+(?:_[a-z0-9]+)*\.ipynb$")
HEADING = re.compile(r"^#{1,6}\s+\S")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# Absolute paths that name a machine: a user's home, a temp or work folder, an installed
# package, a Windows drive. The look-behind keeps "1/2", "km/h" and URLs out.
MACHINE_PATH = re.compile(
    r"(?<![\w.~/-])/(?:home|root|work|tmp|Users|private|mnt|opt|var/folders)/"
    r"|file:///"
    r"|(?:site|dist)-packages"
    r"|(?<![\w$\\{])[A-Za-z]:\\{1,2}[\w .-]+\\"
)
# nbval (0.11) honours a marker only when the comment line holds the marker alone.
NBVAL_MARKERS = {
    "NBVAL_IGNORE_OUTPUT",
    "NBVAL_CHECK_OUTPUT",
    "NBVAL_RAISES_EXCEPTION",
    "NBVAL_SKIP",
    "PYTEST_VALIDATE_IGNORE_OUTPUT",
}
UNCOMPARED_MARKERS = {"NBVAL_IGNORE_OUTPUT", "NBVAL_SKIP", "PYTEST_VALIDATE_IGNORE_OUTPUT"}
UNCOMPARED_TAGS = {"nbval-ignore-output", "nbval-skip", "pytest-validate-ignore-output"}
RAISES_TAGS = {"raises-exception", "nbval-raises-exception"}


# --- reading cells -------------------------------------------------------------------


def text(value):
    return "".join(value) if isinstance(value, list) else str(value)


def code_cells(nb):
    """(position from 1 among all cells, first source line, cell) for every code cell."""
    for position, cell in enumerate(nb.get("cells", []), start=1):
        if cell.get("cell_type") == "code":
            first = text(cell.get("source", "")).strip().split("\n")[0][:50]
            yield position, f"cell {position} ({first!r})", cell


def tags(cell):
    return set(cell.get("metadata", {}).get("tags", []))


def comment_lines(cell):
    """Comment text (without the leading #) of each non-blank line, None for code lines."""
    lines = []
    for line in text(cell.get("source", "")).splitlines():
        line = line.strip()
        if line:
            lines.append(line.lstrip("#").strip() if line.startswith("#") else None)
    return lines


def markers(cell):
    return {c for c in comment_lines(cell) if c in NBVAL_MARKERS}


def output_text(output):
    """Everything readable in one output: streams, text/json data, error name and traceback."""
    parts = [text(output.get("text", ""))]
    for mime, value in output.get("data", {}).items():
        if not mime.startswith("image/"):
            parts.append(text(value) if isinstance(value, (str, list)) else json.dumps(value))
    if output.get("output_type") == "error":
        parts += [output.get("ename", ""), output.get("evalue", "")]
        parts += output.get("traceback", [])
    return ANSI.sub("", "\n".join(map(text, parts)))


# --- checks: each returns a list of problems -----------------------------------------


def check_name(name):
    if NAME.match(name):
        return []
    return [f"{name}: name must look like NN_lower_snake_case.ipynb"]


def check_size(path):
    size = path.stat().st_size
    if size <= MAX_BYTES:
        return []
    return [f"{size:,} bytes, over {MAX_BYTES:,} (lower figure dpi or the number of figures)"]


def check_format(nb):
    problems = []
    if nb.get("nbformat") != 4:
        problems.append(f"nbformat {nb.get('nbformat')!r}, expected 4")
    kernel = nb.get("metadata", {}).get("kernelspec", {}).get("name")
    if kernel != "python3":
        problems.append(f"kernelspec {kernel!r}, expected 'python3'")
    return problems


def check_execution_order(nb):
    problems, expected = [], 1
    for _, where, cell in code_cells(nb):
        if not text(cell.get("source", "")).strip():
            if cell.get("outputs"):
                problems.append(f"{where}: empty cell with outputs")
            continue
        count = cell.get("execution_count")
        if count != expected:
            problems.append(f"{where}: execution count {count}, expected {expected}")
        expected += 1
    if problems:
        problems.append("re-run from a fresh kernel: make notebooks NB=<this notebook>")
    return problems


def check_no_errors(nb):
    problems = []
    for _, where, cell in code_cells(nb):
        allowed = tags(cell) & RAISES_TAGS or "NBVAL_RAISES_EXCEPTION" in markers(cell)
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and not allowed:
                problems.append(f"{where}: stored error {output.get('ename')}")
    return problems


def check_no_machine_paths(nb):
    problems = []
    for _, where, cell in code_cells(nb):
        for output in cell.get("outputs", []):
            found = MACHINE_PATH.search(output_text(output))
            if found:
                problems.append(
                    f"{where}: output shows a path of this machine ({found.group(0)!r}); "
                    "print relative paths, and catch expected errors and print their message"
                )
    return problems


def is_reason(comment):
    return (
        comment is not None and comment not in NBVAL_MARKERS and sum(map(str.isalpha, comment)) >= 6
    )


def check_uncompared_cells_say_why(nb):
    """A cell whose output nbval does not compare says why in a comment beside the marker."""
    problems = []
    for _, where, cell in code_cells(nb):
        comments = comment_lines(cell)
        for i, comment in enumerate(comments):
            if comment and comment.startswith(("NBVAL_", "PYTEST_VALIDATE")):
                if comment not in NBVAL_MARKERS:
                    problems.append(
                        f"{where}: nbval ignores '# {comment}': put the marker alone on its "
                        "line and the reason on the next comment line"
                    )
                elif comment in UNCOMPARED_MARKERS:
                    beside = comments[max(i - 1, 0) : i] + comments[i + 1 : i + 2]
                    if not any(is_reason(c) for c in beside):
                        problems.append(f"{where}: # {comment} without a reason on the next line")
        tagged = tags(cell) & UNCOMPARED_TAGS
        if tagged and not markers(cell) & UNCOMPARED_MARKERS:
            if not comments or not is_reason(comments[0]):
                problems.append(f"{where}: tag {sorted(tagged)} needs a first-line comment why")
    return problems


def check_no_trailing_semicolon(nb):
    """nbval runs cells with store_history=False, so IPython ignores a closing ';' there
    (nbval issue #194): the stored run hides the value, nbval's run shows it, strict fails."""
    problems = []
    for _, where, cell in code_cells(nb):
        if tags(cell) & UNCOMPARED_TAGS or markers(cell) & UNCOMPARED_MARKERS:
            continue
        code = [c for c in text(cell.get("source", "")).splitlines() if c.strip()]
        code = [c for c in code if not c.lstrip().startswith("#")]
        last = code[-1] if code else ""
        if last[:1].strip() and last.split("#")[0].rstrip().endswith(";"):  # top level only
            problems.append(
                f"{where}: ends with ';' (nbval shows the value anyway); "
                "end with plt.show() or assign the value to _"
            )
    return problems


def check_opens_with_heading(nb):
    cells = nb.get("cells", [])
    if cells and cells[0].get("cell_type") == "markdown":
        if HEADING.match(text(cells[0].get("source", "")).strip()):
            return []
    return ["the first cell must be markdown starting with a heading (# Title)"]


def check_has_hidden_solutions(nb):
    """Solutions exist and are collapsed, code and output, until the learner opens them."""
    problems, found = [], 0
    for number, _, cell in code_cells(nb):
        hidden = cell.get("metadata", {}).get("jupyter", {})
        is_solution = text(cell.get("source", "")).lstrip().startswith("# Solution")
        if not (is_solution or hidden.get("source_hidden")):
            continue
        found += 1
        if not (is_solution and hidden.get("source_hidden") and hidden.get("outputs_hidden")):
            problems.append(
                f"cell {number}: an exercise solution starts with '# Solution' and has metadata "
                "jupyter.source_hidden and jupyter.outputs_hidden set to true"
            )
    if not found:
        problems.append("no exercise solution: expected a code cell starting with '# Solution'")
    return problems


MAX_PROSE_WORDS = 2_100  # "about 2,000 words": one class session
FENCE = re.compile(r"^```.*?^```", flags=re.M | re.S)
WORD = re.compile(r"\w")  # a token with a letter, digit or CJK character is a word


def prose_words(nb):
    """Words of the markdown cells, fenced code blocks left out."""
    words = 0
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            prose = FENCE.sub("", text(cell.get("source", "")))
            words += sum(1 for token in prose.split() if WORD.search(token))
    return words


def check_prose_length(nb):
    words = prose_words(nb)
    if words > MAX_PROSE_WORDS:
        return [f"{words:,} words of prose: a notebook holds at most about 2,000 (one session)"]
    return []


def check_prose_names_no_test_tooling(nb):
    """The lessons speak of the ideas; the tools that test the notebooks stay out of them."""
    problems = []
    for position, cell in enumerate(nb.get("cells", []), start=1):
        if cell.get("cell_type") == "markdown" and re.search(
            r"\bnbval\b", text(cell.get("source", "")), flags=re.I
        ):
            problems.append(f"cell {position}: the prose mentions nbval")
    return problems


def check_has_build_it_exercise(nb):
    """A stub checked as not finished, then a hidden solution that the checker passes."""
    stub, solved = False, False
    for _, _, cell in code_cells(nb):
        source = text(cell.get("source", ""))
        if "check(" not in source:
            continue
        shown = "\n".join(output_text(o) for o in cell.get("outputs", []))
        if source.lstrip().startswith("# Solution"):
            solved = solved or "✓" in shown
        else:
            stub = stub or "not finished yet" in shown
    if stub and solved:
        return []
    return [
        "no build-it exercise: a check(...) cell whose stored output says 'not finished yet', "
        "then a '# Solution' cell whose check(...) passes (✓)"
    ]


EVERY_NOTEBOOK_CHECKS = [
    check_format,
    check_execution_order,
    check_no_errors,
    check_no_machine_paths,
    check_uncompared_cells_say_why,
    check_no_trailing_semicolon,
    check_opens_with_heading,
    check_prose_length,
    check_prose_names_no_test_tooling,
]
NOTEBOOK_CHECKS = [*EVERY_NOTEBOOK_CHECKS, check_has_hidden_solutions, check_has_build_it_exercise]


# --- the notebooks of this project ----------------------------------------------------


def notebook_paths():
    return sorted(NOTEBOOK_DIR.glob("*.ipynb"))


def per_notebook():
    paths = notebook_paths()
    if not paths:
        skip = pytest.mark.skip(reason="no notebooks in notebooks/ yet")
        return [pytest.param(None, marks=skip, id="none")]
    return [pytest.param(path, id=path.name) for path in paths]


@lru_cache
def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def number(path):
    match = NAME.match(path.name)
    return int(match.group(1)) if match else None


def report(problems):
    return "\n".join(["", *problems])


@pytest.mark.parametrize("path", per_notebook())
def test_file_name(path):
    assert not check_name(path.name), report(check_name(path.name))


def test_numbers_are_consecutive_from_00():
    paths = notebook_paths()
    if not paths:
        pytest.skip("no notebooks in notebooks/ yet")
    numbers = [number(p) for p in paths]
    assert numbers == list(range(len(paths))), [p.name for p in paths]


@pytest.mark.parametrize("path", per_notebook())
def test_size(path):
    assert not check_size(path), report(check_size(path))


@pytest.mark.parametrize("check", EVERY_NOTEBOOK_CHECKS, ids=lambda c: c.__name__[6:])
@pytest.mark.parametrize("path", per_notebook())
def test_notebook(path, check):
    problems = check(load(path))
    assert not problems, report(problems)


@pytest.mark.parametrize("path", per_notebook())
def test_exercises_have_hidden_solutions(path):
    if number(path) == 0:
        pytest.skip("00 introduces the series; exercises start in 01")
    problems = check_has_hidden_solutions(load(path))
    assert not problems, report(problems)


@pytest.mark.parametrize("path", per_notebook())
def test_lessons_have_a_build_it_exercise(path):
    """Every lesson from 01 to the training notebooks; 00 introduces, the lab is the last."""
    last = max(number(p) for p in notebook_paths())
    if number(path) in (0, last):
        pytest.skip("00 introduces the series and the last notebook is the lab")
    problems = check_has_build_it_exercise(load(path))
    assert not problems, report(problems)


# --- the checks themselves can fail --------------------------------------------------


def code(source, count, outputs=(), **metadata):
    return {
        "cell_type": "code",
        "execution_count": count,
        "metadata": metadata,
        "outputs": list(outputs),
        "source": source,
    }


def stream(words):
    return {"output_type": "stream", "name": "stdout", "text": words}


def notebook(cells, kernel="python3"):
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": kernel, "display_name": "Python 3"}},
        "cells": cells,
    }


GOOD = notebook(
    [
        {"cell_type": "markdown", "metadata": {}, "source": "# 01 A title\n\nText."},
        code("print(1/2, 'km/h', 'https://example.org/home/x')", 1, [stream("0.5 km/h\n")]),
        code("", None),
        code("# NBVAL_IGNORE_OUTPUT\n# timings differ between runs\nprint(t)", 2, [stream("3\n")]),
        code("# NBVAL_RAISES_EXCEPTION\nraise ValueError('x')", 3, [{"output_type": "error"}]),
        code("# Solution\nanswer = 42", 4, jupyter={"source_hidden": True, "outputs_hidden": True}),
        code("# NBVAL_IGNORE_OUTPUT\n# shows a memory address\nax.plot([1]);", 5),
        code("for i in range(2):\n    x = i;  # odd but harmless\nprint('done; ok')", 6),
        code("for i in range(2):\n    ax.plot([i]);", 7),
        code('check("relu", relu)', 8, [stream("✎ relu: not finished yet\n")]),
        code(
            '# Solution\ndef relu(x):\n    return x\ncheck("relu", relu)',
            9,
            [stream("✓ relu: all 5 checks passed.\n")],
            jupyter={"source_hidden": True, "outputs_hidden": True},
        ),
    ]
)

BAD = notebook(
    [
        code("print(open.__module__)", 2, [stream("/home/alice/x.py\n")], tags=["nbval-skip"]),
        code("import os", None),
        code("1/0", 3, [{"output_type": "error", "ename": "ZeroDivisionError"}]),
        code("# NBVAL_IGNORE_OUTPUT: timing\nprint(t)", 4),
        code("# NBVAL_SKIP\nslow()", 5),
        code("x", 6, [{"output_type": "stream", "text": "C:\\Users\\bob\\nb.ipynb"}]),
        code("ax.set_title('x');  # hide the Text", 7),
        {"cell_type": "markdown", "metadata": {}, "source": "Run it with nbval. " + "word " * 2100},
    ],
    kernel="julia-1.10",
)


@pytest.mark.parametrize("check", NOTEBOOK_CHECKS, ids=lambda c: c.__name__[6:])
def test_checks_pass_a_clean_notebook(check):
    assert check(GOOD) == []


@pytest.mark.parametrize("check", NOTEBOOK_CHECKS, ids=lambda c: c.__name__[6:])
def test_checks_flag_a_bad_notebook(check):
    assert check(BAD) != []


def test_bad_notebook_problems_are_specific(tmp_path):
    path = tmp_path / "3_Bad Name.ipynb"
    path.write_text(json.dumps(BAD), encoding="utf-8")
    assert check_name(path.name) != []
    assert check_name("03_loss_functions.ipynb") == []
    assert check_size(path) == []
    path.write_bytes(b" " * (MAX_BYTES + 1))
    assert check_size(path) != []
    paths = " ".join(check_no_machine_paths(BAD))
    assert "/home/" in paths and "C:\\" in paths
    assert len(check_uncompared_cells_say_why(BAD)) == 3
    assert "cell 2 ('import os')" in " ".join(check_execution_order(BAD))
