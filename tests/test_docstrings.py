"""Every public function of the learner's path says where it is taught (d2l's "Defined in").

Its docstring names a notebook that exists ("Taught in ``NN_name.ipynb``" or, for a
function no notebook teaches, "Used by ... ``NN_name.ipynb``"), and every section it
quotes is a heading of that notebook.
"""

import inspect
import json
import re
from pathlib import Path

import pytest

import zerotsuku.datasets
import zerotsuku.fast_gradient
import zerotsuku.functions
import zerotsuku.gradient
import zerotsuku.networks
import zerotsuku.training

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
MODULES = (
    zerotsuku.functions,
    zerotsuku.gradient,
    zerotsuku.networks,
    zerotsuku.training,
    zerotsuku.fast_gradient,
    zerotsuku.datasets,
)


def public_objects():
    for module in MODULES:
        for name in module.__all__:
            obj = getattr(module, name)
            if not callable(obj):
                continue
            yield f"{module.__name__}.{name}", obj
            if inspect.isclass(obj) and obj.__module__ == module.__name__:
                for attr, member in vars(obj).items():
                    if inspect.isfunction(member) and not attr.startswith("_"):
                        yield f"{module.__name__}.{name}.{attr}", member


def headings(notebook):
    cells = json.loads((NOTEBOOKS / notebook).read_text(encoding="utf-8"))["cells"]
    lines = ("".join(c["source"]).splitlines() for c in cells if c["cell_type"] == "markdown")
    return [line for block in lines for line in block if line.startswith("#")]


def words(text):
    return set(re.findall(r"[a-z0-9]{3,}", text.lower()))


@pytest.mark.parametrize("name, obj", list(public_objects()), ids=lambda v: str(v))
def test_docstring_says_where_it_is_taught(name, obj):
    doc = " ".join(inspect.getdoc(obj).split())
    place = re.search(r"(Taught in|Used by)\b(.*?)(?:\.\s|\.$)", doc)
    assert place, f"{name}: no 'Taught in' or 'Used by' line"
    notebooks = re.findall(r"``(\d\d_\w+\.ipynb)``", place.group(2))
    assert notebooks, f"{name}: its 'Taught in' / 'Used by' line names no notebook"
    for notebook in notebooks:
        assert (NOTEBOOKS / notebook).exists(), f"{name}: {notebook} does not exist"
    quoted = re.findall(r'sections? "([^"]+)"(?: and "([^"]+)")?', place.group(2))
    sections = [section for pair in quoted for section in pair if section]
    all_headings = [h for notebook in notebooks for h in headings(notebook)]
    for section in sections:
        assert any(words(section) <= words(h) for h in all_headings), (
            f"{name}: section {section!r} is no heading of {notebooks}"
        )
