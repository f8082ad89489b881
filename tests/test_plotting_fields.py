"""Tests for zerotsuku/plotting/fields.py: plot_gradient_field."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.contour import ContourSet  # noqa: E402
from matplotlib.quiver import Quiver  # noqa: E402

from zerotsuku.plotting import plot_gradient_field  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_gradient_field_arrows_are_minus_the_gradient():
    def grad(p):
        return np.array([2 * p[0], 6 * p[1]])

    ax = plot_gradient_field(grad, xlim=(-2, 2), ylim=(-1, 3), n=8).axes[0]
    (quiver,) = [c for c in ax.collections if isinstance(c, Quiver)]
    assert quiver.N == 64
    np.testing.assert_allclose(quiver.U, -2 * quiver.X)
    np.testing.assert_allclose(quiver.V, -6 * quiver.Y)
    # Arrows sit at the cell centres of the region.
    assert quiver.X.min() == pytest.approx(-1.75) and quiver.Y.max() == pytest.approx(2.75)
    assert ax.get_xlim() == (-2, 2) and ax.get_ylim() == (-1, 3)
    assert not any(isinstance(c, ContourSet) for c in ax.collections)
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()


def test_gradient_field_contour_and_path():
    def f(p):
        return p[0] ** 2 + p[1] ** 2

    path = [np.array([-1.5, 1.8])]
    for _ in range(10):
        path.append(path[-1] - 0.2 * 2 * path[-1])
    path = np.array(path)
    ax = plot_gradient_field(lambda p: 2 * p, f=f, path=path).axes[0]
    contours = [c for c in ax.collections if isinstance(c, ContourSet)]
    assert len(contours) == 1
    assert all(0 < level < 8 for level in contours[0].levels)
    lines = {line.get_label(): line for line in ax.get_lines()}
    np.testing.assert_allclose(lines["path (10 steps)"].get_xydata(), path)
    np.testing.assert_allclose(lines["start"].get_xydata()[0], path[0])
    np.testing.assert_allclose(lines["end"].get_xydata()[0], path[-1])
    assert not any("path" in text.get_text() for text in ax.texts)  # path stays in view


def test_gradient_field_of_a_constant_f_has_no_contour_lines():
    ax = plot_gradient_field(lambda p: np.zeros(2), f=lambda p: 1.0, n=4).axes[0]
    assert not any(isinstance(c, ContourSet) for c in ax.collections)
    ax = plot_gradient_field(lambda p: 2 * p, f=lambda p: p @ p, contour=False).axes[0]
    assert not any(isinstance(c, ContourSet) for c in ax.collections)


def test_gradient_field_notes_a_path_that_leaves_the_view():
    path = np.array([[1.0, 1.0], [-3.0, -3.0], [9.0, 9.0]])
    ax = plot_gradient_field(lambda p: 2 * p, path=path).axes[0]
    assert "path leaves the view; end = (9, 9)" in ax.texts[0].get_text()
    path = np.array([[1.0, 1.0], [np.inf, np.nan]])
    ax = plot_gradient_field(lambda p: 2 * p, path=path).axes[0]
    assert "NaN/inf after 1 points" in ax.texts[0].get_text()
    ax = plot_gradient_field(lambda p: 2 * p, path=[[np.nan, 0.0]]).axes[0]
    assert ax.get_lines() == [] and "NaN/inf after 0 points" in ax.texts[0].get_text()


def test_gradient_field_calls_grad_with_float_points_at_the_arrows():
    seen = []

    def grad(p):
        seen.append((str(p.dtype), p.shape, p.copy()))
        return np.zeros(2)

    ax = plot_gradient_field(grad, xlim=(-3, 3), ylim=(0, 3), n=3).axes[0]
    assert {(dtype, shape) for dtype, shape, _ in seen} == {("float64", (2,))}
    (quiver,) = [c for c in ax.collections if isinstance(c, Quiver)]
    np.testing.assert_allclose([p for _, _, p in seen], np.column_stack([quiver.X, quiver.Y]))
    np.testing.assert_allclose(np.unique(quiver.X), [-2.0, 0.0, 2.0])


def test_gradient_field_bad_input():
    with pytest.raises(ValueError, match=r"grad must return an array of shape \(2,\), got"):
        plot_gradient_field(lambda p: np.zeros(3))
    with pytest.raises(ValueError, match="grad returned NaN or inf at point"):
        plot_gradient_field(lambda p: np.array([np.nan, 0.0]), n=2)
    with pytest.raises(TypeError, match="grad must be callable"):
        plot_gradient_field(np.zeros(2))
    with pytest.raises(TypeError, match="f must be callable or None"):
        plot_gradient_field(lambda p: p, f=3.0)
    with pytest.raises(ValueError, match="f must return one number"):
        plot_gradient_field(lambda p: p, f=lambda p: p)
    with pytest.raises(ValueError, match=r"path must have shape \(k, 2\)"):
        plot_gradient_field(lambda p: p, path=np.zeros((4, 3)))
    with pytest.raises(TypeError, match="path must hold real numbers"):
        plot_gradient_field(lambda p: p, path=[["a", "b"]])
    with pytest.raises(ValueError, match="xlim must be finite with low < high"):
        plot_gradient_field(lambda p: p, xlim=(2, -2))
    with pytest.raises(TypeError, match=r"ylim must be a pair of numbers"):
        plot_gradient_field(lambda p: p, ylim=2)


def test_gradient_field_arrow_count_kind_and_range():
    with pytest.raises(ValueError, match="n must be a whole number >= 2"):
        plot_gradient_field(lambda p: p, n=1)
    with pytest.raises(ValueError, match="n must be a whole number <= 60"):
        plot_gradient_field(lambda p: p, n=61)
    with pytest.raises(TypeError, match="n must be a whole number"):
        plot_gradient_field(lambda p: p, n=5.0)
