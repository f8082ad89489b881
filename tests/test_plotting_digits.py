"""Tests for zerotsuku/plotting/digits.py: plot_digits."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402

from zerotsuku.plotting import plot_digits  # noqa: E402
from zerotsuku.plotting.style import WRONG_COLOR  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def digit_images(n=12):
    rng = np.random.default_rng(5)
    return rng.integers(0, 256, (n, 784), dtype=np.uint8)


def shown(fig):
    return [ax for ax in fig.axes if ax.images]


def test_plot_digits_titles_and_wrong_predictions_in_red():
    images = digit_images(12)
    labels = np.arange(12) % 10
    predictions = labels.copy()
    predictions[[2, 5]] = 9
    fig = plot_digits(images, labels, predictions, ncols=5)
    axes = shown(fig)
    assert len(axes) == 12 and len(fig.axes) == 15  # 3 rows of 5
    assert axes[0].get_title() == "0 → 0"
    assert axes[2].get_title() == "2 → 9"
    red = to_rgb(WRONG_COLOR)
    assert to_rgb(axes[2].title.get_color()) == red
    assert to_rgb(axes[0].title.get_color()) != red
    assert "2 of 12" in fig.get_suptitle()
    np.testing.assert_array_equal(axes[3].images[0].get_array(), images[3].reshape(28, 28))


def test_plot_digits_heading_adds_the_key_below_a_title():
    fig = plot_digits(digit_images(2), [1, 2], [1, 3], title="Test digits")
    assert fig.get_suptitle() == "Test digits\nlabel → prediction (red: wrong, 1 of 2)"
    assert plot_digits(digit_images(2), [1, 2], title="Test digits").get_suptitle() == (
        "Test digits"
    )


def test_plot_digits_accepts_every_layout_and_scores():
    images = digit_images(4)
    flat = plot_digits(images, labels=[1, 2, 3, 4])
    assert [ax.get_title() for ax in shown(flat)] == ["label 1", "label 2", "label 3", "label 4"]
    floats = images.reshape(4, 1, 28, 28) / 255.0
    scores = np.eye(10)[[7, 7, 1, 0]]
    fig = plot_digits(floats, predictions=scores)
    assert [ax.get_title() for ax in shown(fig)] == ["pred 7", "pred 7", "pred 1", "pred 0"]
    np.testing.assert_allclose(shown(fig)[1].images[0].get_array(), floats[1, 0])
    assert shown(fig)[0].images[0].get_clim() == (0.0, 1.0)
    assert shown(flat)[0].images[0].get_clim() == (0.0, 255.0)
    assert len(shown(plot_digits(images.reshape(4, 28, 28)))) == 4
    assert len(shown(plot_digits(images[0]))) == 1


def test_plot_digits_bad_input():
    with pytest.raises(ValueError, match=r"images must have shape .* got \(3, 100\)"):
        plot_digits(np.zeros((3, 100)))
    with pytest.raises(ValueError, match=r"labels must have shape \(4,\) or \(4, C\), got \(3,\)"):
        plot_digits(digit_images(4), labels=[1, 2, 3])
    with pytest.raises(ValueError, match="NaN"):
        plot_digits(np.full((2, 784), np.nan))
    with pytest.raises(ValueError, match="images contains inf"):
        plot_digits(np.full((2, 784), np.inf))
    with pytest.raises(TypeError, match="images must hold real numbers"):
        plot_digits(np.array([["a"] * 784]))
    with pytest.raises(ValueError, match="predictions contains NaN"):
        plot_digits(digit_images(4), predictions=np.full((4, 10), np.nan))  # a diverged net
    with pytest.raises(ValueError, match="images is empty"):
        plot_digits(np.zeros((0, 784)))


def test_plot_digits_ncols_is_a_whole_number():
    with pytest.raises(TypeError, match=r"ncols must be a whole number \(an int\), got 2.5"):
        plot_digits(digit_images(4), ncols=2.5)
    with pytest.raises(ValueError, match="ncols must be a whole number >= 1, got 0"):
        plot_digits(digit_images(4), ncols=0)
    assert len(plot_digits(digit_images(4), ncols=np.int64(2)).axes) == 4
