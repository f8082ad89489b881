"""Tests for zerotsuku/plotting/functions.py: plot_functions."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from zerotsuku.plotting import plot_functions  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def labelled_lines(ax):
    return [line for line in ax.get_lines() if not line.get_label().startswith("_")]


def test_plot_functions_draws_each_function_on_x():
    x = np.linspace(-3, 3, 61)
    fig = plot_functions(
        {"sigmoid": lambda v: 1 / (1 + np.exp(-v)), "ReLU": np.array(np.maximum(0, x))}, x
    )
    ax = fig.axes[0]
    lines = labelled_lines(ax)
    assert [line.get_label() for line in lines] == ["sigmoid", "ReLU"]
    np.testing.assert_allclose(lines[0].get_xdata(), x)
    np.testing.assert_allclose(lines[0].get_ydata(), 1 / (1 + np.exp(-x)))
    np.testing.assert_allclose(lines[1].get_ydata(), np.maximum(0, x))
    assert ax.get_title() == "sigmoid, ReLU"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x", "y")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["sigmoid", "ReLU"]
    assert lines[0].get_linestyle() != lines[1].get_linestyle()


def test_plot_functions_default_x_ylim_and_step_output():
    fig = plot_functions({"step": lambda v: (v > 0).astype(int)}, title="Step", ylim=(-0.5, 1.5))
    ax = fig.axes[0]
    (line,) = labelled_lines(ax)
    assert line.get_xdata().shape == (501,)
    assert line.get_xdata()[0] == -5 and line.get_xdata()[-1] == 5
    assert set(np.unique(line.get_ydata())) == {0.0, 1.0}
    assert ax.get_ylim() == (-0.5, 1.5)
    assert ax.get_title() == "Step"


def test_plot_functions_draws_a_boolean_step_as_zeros_and_ones():
    (line,) = labelled_lines(plot_functions({"step": lambda v: v > 0}).axes[0])
    assert set(np.unique(line.get_ydata())) == {0.0, 1.0}


def test_plot_functions_leaves_gaps_at_nan_and_inf():
    x = np.array([-1.0, 0.0, 1.0, 2.0])
    with np.errstate(divide="ignore", invalid="ignore"):
        (line,) = labelled_lines(plot_functions({"log": np.log}, x).axes[0])
    y = line.get_ydata()
    assert np.isnan(y[:2]).all() and y[2:].tolist() == [0.0, np.log(2.0)]


def test_plot_functions_bad_input():
    with pytest.raises(TypeError, match="dict of label"):
        plot_functions([np.sin])
    with pytest.raises(ValueError, match="empty"):
        plot_functions({})
    with pytest.raises(ValueError, match=r"'sum' gave shape \(\), expected \(501,\)"):
        plot_functions({"sum": np.sum})
    with pytest.raises(ValueError, match="x must be a 1-D array"):
        plot_functions({"sin": np.sin}, np.zeros((3, 3)))
    with pytest.raises(ValueError, match="ylim must be finite with low < high"):
        plot_functions({"sin": np.sin}, ylim=(1, 0))
    with pytest.raises(TypeError, match="ylim must be a number"):
        plot_functions({"sin": np.sin}, ylim=("0", "1"))
    with pytest.raises(ValueError, match="x contains inf"):
        plot_functions({"sin": np.sin}, [0.0, np.inf])
    with pytest.raises(ValueError, match="x contains NaN"):
        plot_functions({"sin": np.sin}, [0.0, np.nan])
    with pytest.raises(TypeError, match="values of 'name' must hold real numbers"):
        plot_functions({"name": lambda v: np.full(v.shape, "a")})
