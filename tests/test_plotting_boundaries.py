"""Tests for zerotsuku/plotting/boundaries.py: plot_decision_boundary, its grid and shading."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402
from matplotlib.contour import ContourSet  # noqa: E402

from zerotsuku.datasets import toy_dataset  # noqa: E402
from zerotsuku.networks import TwoLayerNet  # noqa: E402
from zerotsuku.plotting import PALETTE, plot_decision_boundary  # noqa: E402
from zerotsuku.plotting.boundaries import boundary_grid, boundary_shading  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def right_is_class_1(points):
    """Scores that make class 1 win where x1 > 0."""
    return np.stack([-points[:, 0], points[:, 0]], axis=1)


def image_colour_at(ax, x1, x2):
    image = ax.images[0]
    rgba = image.get_array()
    left, right, bottom, top = image.get_extent()
    col = int((x1 - left) / (right - left) * rgba.shape[1])
    row = int((x2 - bottom) / (top - bottom) * rgba.shape[0])  # origin="lower"
    return rgba[row, col]


def test_decision_boundary_regions_follow_argmax():
    x = np.array([[-2.0, -1.0], [-1.0, 1.0], [1.0, 0.5], [2.0, -1.0]])
    t = np.array([0, 0, 1, 1])
    ax = plot_decision_boundary(right_is_class_1, x, t, resolution=101).axes[0]
    blue, orange = to_rgb(PALETTE[0]), to_rgb(PALETTE[1])
    for x1 in (-2.3, -1.0, -0.2):
        np.testing.assert_allclose(image_colour_at(ax, x1, 0.3)[:3], blue)
    for x1 in (0.2, 1.0, 2.3):
        np.testing.assert_allclose(image_colour_at(ax, x1, -0.7)[:3], orange)
    # More confident far from the boundary: stronger shading.
    assert image_colour_at(ax, 2.3, 0.0)[3] > image_colour_at(ax, 0.1, 0.0)[3]
    # Grid spans the data plus the margin.
    assert ax.get_xlim() == pytest.approx((-2.5, 2.5))
    assert ax.get_ylim() == pytest.approx((-1.5, 1.5))
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 0", "class 1"]
    assert any(isinstance(c, ContourSet) for c in ax.collections)


def test_decision_boundary_three_classes_and_one_hot_labels():
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, (60, 2))

    def scores(points):
        return np.stack([points[:, 0], points[:, 1], -points[:, 0] - points[:, 1]], axis=1)

    t = scores(x).argmax(axis=1)
    one_hot = np.eye(3)[t]
    ax = plot_decision_boundary(scores, x, one_hot, class_names=["a", "b", "c"]).axes[0]
    colours = [to_rgb(c) for c in PALETTE[:3]]
    for point in rng.uniform(-1.4, 1.4, (30, 2)):
        expected = colours[int(scores(point[None])[0].argmax())]
        got = image_colour_at(ax, *point)[:3]
        margin = np.sort(scores(point[None])[0])[-2:]
        if margin[1] - margin[0] > 0.05:  # not on a boundary cell
            np.testing.assert_allclose(got, expected)
    scatter_points = {c.get_label(): c.get_offsets().shape[0] for c in ax.collections}
    assert [scatter_points[name] for name in "abc"] == np.bincount(t, minlength=3).tolist()


def test_decision_boundary_of_points_on_one_spot_still_spans_a_region():
    x = np.zeros((3, 2))
    ax = plot_decision_boundary(right_is_class_1, x, [0, 1, 1], margin=0).axes[0]
    assert ax.get_xlim() == pytest.approx((-0.5, 0.5))


def test_decision_boundary_bad_input():
    x = np.zeros((5, 2))
    labels = np.zeros(5, dtype=int)
    with pytest.raises(ValueError, match=r"x must have shape \(n, 2\).*got \(5, 3\)"):
        plot_decision_boundary(right_is_class_1, np.zeros((5, 3)), labels)
    with pytest.raises(ValueError, match="one-hot"):
        coin_flips = np.array([[0, 0], [1, 1], [0, 1], [1, 0], [1, 1]])
        plot_decision_boundary(right_is_class_1, x, coin_flips)
    with pytest.raises(ValueError, match=r"labels 0..2 but predict gives 2 classes"):
        plot_decision_boundary(right_is_class_1, x, np.array([0, 1, 2, 0, 1]))
    with pytest.raises(ValueError, match=r"t must have shape \(5,\)"):
        plot_decision_boundary(right_is_class_1, x, np.zeros(4, dtype=int))
    with pytest.raises(ValueError, match="predict must return shape"):
        plot_decision_boundary(lambda p: p[:, 0], x, labels)
    with pytest.raises(ValueError, match="predict returned NaN"):
        plot_decision_boundary(lambda p: p * np.nan, x, labels)
    with pytest.raises(TypeError, match="predict must be callable"):
        plot_decision_boundary("net", x, labels)
    with pytest.raises(ValueError, match="whole-number labels"):
        plot_decision_boundary(right_is_class_1, x, np.full(5, 0.5))
    with pytest.raises(ValueError, match="x contains NaN"):
        plot_decision_boundary(right_is_class_1, np.full((5, 2), np.nan), labels)
    with pytest.raises(ValueError, match="class_names has 1 names for 2 classes"):
        plot_decision_boundary(right_is_class_1, x, labels, class_names=["a"])


def test_decision_boundary_settings_kind_and_value():
    x, labels = np.zeros((5, 2)), np.zeros(5, dtype=int)
    with pytest.raises(TypeError, match="resolution must be a whole number"):
        plot_decision_boundary(right_is_class_1, x, labels, resolution=50.0)
    with pytest.raises(ValueError, match="resolution must be a whole number <= 2000"):
        plot_decision_boundary(right_is_class_1, x, labels, resolution=2001)
    with pytest.raises(ValueError, match="resolution must be a whole number >= 2"):
        plot_decision_boundary(right_is_class_1, x, labels, resolution=1)
    with pytest.raises(ValueError, match="margin must be a finite number >= 0"):
        plot_decision_boundary(right_is_class_1, x, labels, margin=-0.1)
    with pytest.raises(TypeError, match="margin must be a number"):
        plot_decision_boundary(right_is_class_1, x, labels, margin="0.5")


def test_decision_boundary_refuses_one_string_as_class_names():
    # A string of two letters used to name the two classes "a" and "b" without a word.
    with pytest.raises(TypeError, match="class_names must be a sequence of names"):
        plot_decision_boundary(
            right_is_class_1, np.zeros((5, 2)), [0, 1, 0, 1, 0], class_names="ab"
        )


# ------------------------------------------------------ the grid and shading the lab reuses


def test_boundary_grid_and_shading_are_those_of_plot_decision_boundary():
    x, t = toy_dataset("moons", n_samples=40, seed=0)
    net = TwoLayerNet(2, 4, 2, seed=0)
    ax = plot_decision_boundary(net.predict, x, t, resolution=30, margin=0.2).axes[0]
    gx, gy, points = boundary_grid(x, margin=0.2, resolution=30)
    assert points.shape == (900, 2)
    assert ax.get_xlim() == (gx[0], gx[-1]) and ax.get_ylim() == (gy[0], gy[-1])
    region, rgba = boundary_shading(net.predict(points), 30)
    np.testing.assert_array_equal(ax.images[0].get_array(), rgba)
    assert region.shape == (30, 30) and set(np.unique(region)) <= {0, 1}
    plt.close(ax.figure)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: boundary_grid([[0.0, 1.0, 2.0]]), ValueError, r"x must have shape \(n, 2\)"),
        (lambda: boundary_grid([[0.0, 1.0]], margin=-1), ValueError, "margin"),
        (lambda: boundary_grid([[0.0, 1.0]], resolution=1.5), TypeError, "resolution"),
        (lambda: boundary_shading(np.zeros((4, 2)), 3), ValueError, "4 rows, the grid 3 x 3"),
        (lambda: boundary_shading(np.zeros((4, 1)), 2), ValueError, "C >= 2"),
        (lambda: boundary_shading([[np.nan, 0.0]] * 4, 2), ValueError, "scores"),
    ],
)
def test_bad_grid_and_shading_arguments_are_named(call, error, match):
    with pytest.raises(error, match=match):
        call()
