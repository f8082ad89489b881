"""Tests for zerotsuku.plotting as a whole and its shared style (zerotsuku/plotting/style.py)."""

import doctest
import importlib
import inspect
import json
import re
from pathlib import Path
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import zerotsuku.plotting as plotting  # noqa: E402
from zerotsuku.plotting import (  # noqa: E402
    FIGSIZE,
    STYLE,
    plot_decision_boundary,
    plot_gradient_field,
    plot_loss,
)
from zerotsuku.plotting.style import _float_values, _labels, _limits, _opacity  # noqa: E402

MODULES = ("style", "functions", "curves", "boundaries", "fields", "digits")
PACKAGE = Path(plotting.__file__).parent
NOTEBOOKS = PACKAGE.parents[1] / "notebooks"
# ``NN_name.ipynb``, section "A" / sections "A", "B" and "C"
CITATION = r'``(\d\d_\w+\.ipynb)``((?:, sections? "[^"]+"(?:,? (?:and )?"[^"]+")*)?)'


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def public_functions():
    return [
        getattr(plotting, name)
        for name in plotting.__all__
        if inspect.isfunction(getattr(plotting, name))
    ]


# --------------------------------------------------------------------------- the package


def test_every_public_name_is_importable_and_the_unused_ones_are_gone():
    names = {
        "PALETTE", "STYLE", "FIGSIZE", "styled", "plot_functions", "smooth", "plot_loss",
        "plot_decision_boundary", "plot_gradient_field", "plot_digits",
    }  # fmt: skip
    assert set(plotting.__all__) == names
    assert len(plotting.__all__) == len(names)
    assert all(hasattr(plotting, name) for name in names)
    for unused in ("figure_to_png", "new_figure", "plot_accuracy", "plot_history"):
        assert not hasattr(plotting, unused), unused


def test_each_module_is_short_and_lists_the_functions_it_defines():
    for name in MODULES:
        module = importlib.import_module(f"zerotsuku.plotting.{name}")
        for public in module.__all__:
            value = getattr(module, public)
            if inspect.isfunction(value):
                assert value.__module__ == module.__name__, f"{name}.__all__ lists {public}"
        assert len((PACKAGE / f"{name}.py").read_text().splitlines()) <= 500


def test_one_figsize_in_the_package():
    definitions = [
        path.name
        for path in PACKAGE.glob("*.py")
        if re.search(r"^FIGSIZE\s*=", path.read_text(), flags=re.MULTILINE)
    ]
    assert definitions == ["style.py"]
    assert FIGSIZE == (7.0, 4.5)


def test_docstring_examples_run():
    attempted = 0
    for name in MODULES:
        module = importlib.import_module(f"zerotsuku.plotting.{name}")
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, name
        attempted += result.attempted
    assert attempted >= 20


def test_each_public_function_says_where_it_is_used_and_shows_an_example():
    for function in public_functions():
        doc = inspect.getdoc(function)
        assert "Examples\n--------" in doc, function.__name__
        assert "Used by" in doc or "Taught in" in doc, function.__name__


def test_the_notebooks_and_sections_named_in_docstrings_exist():
    cited = 0
    for function in public_functions():
        text = " ".join(inspect.getdoc(function).split())
        for notebook, sections in re.findall(CITATION, text):
            cells = json.loads((NOTEBOOKS / notebook).read_text())["cells"]
            headings = " ".join(
                " ".join(line.split())
                for cell in cells
                if cell["cell_type"] == "markdown"
                for line in "".join(cell["source"]).splitlines()
                if line.startswith("#")
            )
            for section in re.findall(r"\"([^\"]+)\"", sections):
                assert section in headings, f"{function.__name__}: {notebook} has no {section!r}"
                cited += 1
    assert cited >= 10


# --------------------------------------------------------------------------- style


def test_style_is_used_but_global_rcparams_are_untouched():
    before = dict(matplotlib.rcParams)
    fig = plot_loss(np.linspace(2, 1, 50))
    ax = fig.axes[0]
    assert ax.title.get_fontsize() == STYLE["axes.titlesize"]
    assert ax.xaxis.label.get_fontsize() == STYLE["axes.labelsize"]
    assert dict(matplotlib.rcParams) == before


def test_rcparams_changed_while_drawing_are_kept(monkeypatch):
    # In a notebook the first figure loads the inline backend, which turns interactive
    # mode on; restoring all rcParams afterwards would stop later figures from showing.
    real_subplots = plt.subplots

    def subplots_loading_a_backend(*args, **kwargs):
        matplotlib.interactive(True)
        return real_subplots(*args, **kwargs)

    was_interactive = matplotlib.is_interactive()
    monkeypatch.setattr(plt, "subplots", subplots_loading_a_backend)
    matplotlib.interactive(False)
    try:
        plot_loss([2.0, 1.0])
        assert matplotlib.is_interactive()
    finally:
        matplotlib.interactive(was_interactive)


def test_style_holds_when_drawn_outside_the_style_context():
    fig = plot_loss(np.linspace(2, 1, 300), log_scale=True)
    # A notebook draws after the call returns, under the user's rcParams.
    with matplotlib.rc_context({"xtick.labelsize": 5, "ytick.labelsize": 5, "grid.alpha": 1}):
        fig.canvas.draw()
    ax = fig.axes[0]
    sizes = {t.get_fontsize() for t in ax.get_xticklabels() + ax.get_yticklabels()}
    assert sizes == {STYLE["xtick.labelsize"]}
    assert {g.get_alpha() for g in ax.get_xgridlines()} == {0.3}


def test_ax_must_be_an_axes():
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        plot_loss([1.0, 0.5], ax="left")


def test_drawing_into_a_subfigure_axes_returns_the_root_figure():
    fig = plt.figure()
    sub = fig.subfigures(1, 2)[1]
    ax = sub.subplots()
    assert plot_loss([1.0, 0.5], ax=ax) is fig


def test_failed_calls_leave_no_figures():
    before = plt.get_fignums()
    with pytest.raises(ValueError):
        plot_decision_boundary(lambda p: p[:, :1], np.zeros((3, 2)), np.zeros(3, dtype=int))
    with pytest.raises(ValueError):
        plot_gradient_field(lambda p: np.zeros(3))
    with pytest.raises(ValueError):
        plot_loss([1.0, 0.5], smooth_window=0)
    assert plt.get_fignums() == before


def test_a_failure_while_drawing_closes_the_new_figure():
    before = plt.get_fignums()
    with pytest.raises(ValueError, match="color"):
        # Every check passes; matplotlib itself fails, after the figure exists.
        plot_loss([2.0, 1.0], color="not a colour")
    assert plt.get_fignums() == before


def test_the_same_input_draws_the_same_picture():
    history = SimpleNamespace(train_loss=np.linspace(2.3, 0.3, 300), diverged=False)
    pictures = []
    for _ in range(3):
        fig = plot_loss(history)
        fig.canvas.draw()
        pictures.append(np.asarray(fig.canvas.buffer_rgba()).copy())
        plt.close(fig)
    assert all(np.array_equal(pictures[0], picture) for picture in pictures[1:])


# --------------------------------------------------------------------------- shared checks


def test_limits_kind_and_value():
    assert _limits("xlim", np.array([-2, 3])) == (-2.0, 3.0)
    for bad in (3, "ab", (1, 2, 3), ("a", 1)):
        with pytest.raises(TypeError, match="xlim must be"):
            _limits("xlim", bad)
    with pytest.raises(ValueError, match="xlim must be a finite number"):
        _limits("xlim", (0, np.inf))
    with pytest.raises(ValueError, match="xlim must be finite with low < high"):
        _limits("xlim", (1, 1))


def test_opacity_kind_and_value():
    assert _opacity("alpha", 1) == 1.0
    with pytest.raises(TypeError, match="alpha must be a number"):
        _opacity("alpha", "0.5")
    with pytest.raises(ValueError, match=r"alpha must be a number in \[0, 1\]"):
        _opacity("alpha", -0.1)


def test_values_keep_nan_and_inf_but_refuse_the_wrong_kind():
    out = _float_values("losses", np.array([1.0, np.nan, np.inf], dtype=np.float32))
    assert out.dtype == np.float64 and np.isnan(out[1]) and np.isinf(out[2])
    assert _float_values("losses", [True, False]).tolist() == [1.0, 0.0]
    for bad in (["a"], [1 + 2j], [[1.0], [1.0, 2.0]], [object()]):
        with pytest.raises(TypeError, match="losses must"):
            _float_values("losses", bad)


def test_labels_from_labels_or_rows():
    assert _labels("t", [2, 0], 2).tolist() == [2, 0]
    assert _labels("t", np.array([[0.1, 0.9], [0.8, 0.2]]), 2).tolist() == [1, 0]
    assert _labels("t", np.array([1.0, 2.0]), 2).dtype == np.int64
    with pytest.raises(TypeError, match="t must hold integer labels"):
        _labels("t", ["a", "b"], 2)
    with pytest.raises(ValueError, match="whole-number labels"):
        _labels("t", [0.5, 1.0], 2)


def test_label_rows_must_be_numbers():
    # Rows of text or NaN scores (a diverged network) used to give labels all the same.
    assert _labels("t", np.array([[False, True], [True, False]]), 2).tolist() == [1, 0]
    with pytest.raises(TypeError, match="predictions must hold real numbers"):
        _labels("predictions", [["a", "b"], ["c", "d"]], 2)
    with pytest.raises(ValueError, match="predictions contains NaN"):
        _labels("predictions", np.full((2, 10), np.nan), 2)
