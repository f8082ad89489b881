"""Tests for zerotsuku/plotting/curves.py: smooth and plot_loss."""

from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from zerotsuku.plotting import plot_loss, smooth  # noqa: E402
from zerotsuku.plotting.curves import DIVERGED_TEXT  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def labelled_lines(ax):
    return [line for line in ax.get_lines() if not line.get_label().startswith("_")]


def fake_history(n_iter=600, per_epoch=100, diverged=False, test=True):
    rng = np.random.default_rng(0)
    loss = 2.3 * np.exp(-np.arange(n_iter) / 200) + 0.1 + 0.05 * rng.random(n_iter)
    acc_iters = np.arange(0, n_iter, per_epoch)
    train_acc = np.linspace(0.1, 0.9, acc_iters.size)
    return SimpleNamespace(
        train_loss=loss,
        train_acc=train_acc,
        test_acc=train_acc - 0.05 if test else np.array([]),
        acc_iters=acc_iters,
        iter_per_epoch=per_epoch,
        diverged=diverged,
    )


# --------------------------------------------------------------------------- smooth


def test_smooth_matches_hand_computed_average():
    values = [4.0, 2.0, 6.0, 0.0, 8.0, 2.0]
    expected = [3.0, 4.0, 8 / 3, 14 / 3, 10 / 3, 5.0]  # centred, shortened at the ends
    np.testing.assert_allclose(smooth(values, 3), expected)
    # An even window reaches one further forward than back.
    np.testing.assert_allclose(smooth([1.0, 2.0, 3.0, 4.0, 5.0], 4), [2, 2.5, 3.5, 4, 4.5])


def test_smooth_agrees_with_a_plain_loop_including_nan():
    rng = np.random.default_rng(1)
    values = rng.normal(size=200)
    values[rng.choice(200, 20, replace=False)] = np.nan
    values[7] = np.inf
    for window in (1, 2, 5, 30, 500):
        expected = []
        for i in range(values.size):
            part = values[max(0, i - (window - 1) // 2) : i + window // 2 + 1]
            part = part[np.isfinite(part)]
            expected.append(part.mean() if part.size else np.nan)
        np.testing.assert_allclose(smooth(values, window), expected, rtol=1e-12, atol=1e-12)


def test_smooth_edge_cases():
    np.testing.assert_array_equal(smooth([7.0], 10), [7.0])
    np.testing.assert_array_equal(smooth([1.0, np.nan, 3.0], 3), [1.0, 2.0, 3.0])
    out = smooth([1.0, np.nan, np.nan, np.nan, 5.0], 1)
    assert np.isnan(out[1:4]).all() and out[0] == 1.0 and out[4] == 5.0
    assert smooth(np.arange(5), 2).dtype == np.float64
    assert smooth(np.ones(3, dtype=np.float32), 2).dtype == np.float64


def test_smooth_bad_input():
    with pytest.raises(ValueError, match="window must be a whole number >= 1"):
        smooth([1.0, 2.0], 0)
    with pytest.raises(TypeError, match=r"window must be a whole number \(an int\)"):
        smooth([1.0, 2.0], 2.5)
    with pytest.raises(ValueError, match=r"values must be 1-D, got shape \(2, 2\)"):
        smooth(np.ones((2, 2)), 2)
    with pytest.raises(ValueError, match="empty"):
        smooth([], 3)
    with pytest.raises(TypeError, match="values must hold real numbers"):
        smooth(["a", "b"], 1)


# --------------------------------------------------------------------------- loss


def test_plot_loss_draws_raw_and_smoothed_lines():
    losses = np.array([4.0, 2.0, 6.0, 0.0, 8.0, 2.0])
    fig = plot_loss(losses, smooth_window=3)
    ax = fig.axes[0]
    smoothed, raw = ax.get_lines()
    np.testing.assert_array_equal(smoothed.get_xdata(), [1, 2, 3, 4, 5, 6])
    np.testing.assert_allclose(smoothed.get_ydata(), [3.0, 4.0, 8 / 3, 14 / 3, 10 / 3, 5.0])
    np.testing.assert_array_equal(raw.get_ydata(), losses)
    assert raw.get_alpha() < smoothed.get_alpha()
    assert raw.get_linewidth() < smoothed.get_linewidth()
    assert raw.get_color() == smoothed.get_color()
    assert ax.get_xlabel() == "iteration"
    assert ax.get_ylabel() == "loss (cross-entropy)"
    assert ax.get_title() == "Training loss"
    assert ax.get_yscale() == "linear"
    assert not any(t.get_text() == DIVERGED_TEXT for t in ax.texts)


def test_plot_loss_auto_window_and_history_input():
    history = fake_history(n_iter=1000)
    fig = plot_loss(history, log_scale=True)
    ax = fig.axes[0]
    smoothed, _ = ax.get_lines()
    assert smoothed.get_label() == "moving average (20 iterations)"
    np.testing.assert_allclose(smoothed.get_ydata(), smooth(history.train_loss, 20))
    assert ax.get_yscale() == "log"
    # Short runs have nothing to smooth: one line.
    fig = plot_loss(np.linspace(2, 1, 60))
    assert len(fig.axes[0].get_lines()) == 1


def test_plot_loss_overlays_runs_with_labels():
    fig, ax = plt.subplots()
    plot_loss(fake_history(), ax=ax, label="lr 0.1")
    plot_loss(fake_history().train_loss * 2, ax=ax, label="lr 0.01", alpha=0.4)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["lr 0.1", "lr 0.01"]
    first, second = labelled_lines(ax)
    assert first.get_color() != second.get_color()
    assert second.get_alpha() == 0.4


def test_plot_loss_marks_divergence_at_last_finite_loss():
    history = fake_history(n_iter=300, diverged=True)
    history.train_loss[250:260] = np.linspace(5, 80, 10)
    history.train_loss[260:] = np.nan
    fig = plot_loss(history)
    ax = fig.axes[0]
    assert isinstance(fig, Figure)
    notes = [t for t in ax.texts if t.get_text() == DIVERGED_TEXT]
    assert len(notes) == 1
    assert notes[0].xy == (260, 80.0)
    for line in labelled_lines(ax):
        assert line.get_xdata()[-1] == 260
        assert np.isfinite(line.get_ydata()).all()
    marker = [line for line in ax.get_lines() if line.get_marker() == "X"]
    assert len(marker) == 1 and marker[0].get_ydata()[0] == 80.0
    fig.canvas.draw()  # renders without error


def test_plot_loss_detects_inf_in_a_plain_array():
    losses = np.array([2.0, 1.5, 1.2, np.inf, 3.0])
    ax = plot_loss(losses).axes[0]
    assert any(t.get_text() == DIVERGED_TEXT for t in ax.texts)
    assert ax.get_lines()[0].get_xdata().tolist() == [1, 2, 3]


def test_plot_loss_with_no_finite_loss_still_gives_a_figure():
    history = SimpleNamespace(train_loss=np.array([np.nan, np.nan]), diverged=True)
    ax = plot_loss(history).axes[0]
    assert ax.get_lines() == []
    assert any(DIVERGED_TEXT in t.get_text() for t in ax.texts)


def test_plot_loss_bad_input():
    with pytest.raises(TypeError, match="TrainingHistory"):
        plot_loss("loss")
    with pytest.raises(ValueError, match=r"1-D .* got shape \(2, 3\)"):
        plot_loss(np.ones((2, 3)))
    with pytest.raises(ValueError, match="empty"):
        plot_loss(SimpleNamespace(train_loss=np.array([])))
    with pytest.raises(ValueError, match="smooth_window must be a whole number >= 1"):
        plot_loss([1.0, 2.0], smooth_window=0)
    with pytest.raises(TypeError, match="smooth_window must be a whole number"):
        plot_loss([1.0, 2.0], smooth_window=2.0)
    with pytest.raises(ValueError, match=r"alpha must be a number in \[0, 1\]"):
        plot_loss([1.0, 2.0], alpha=2)
    with pytest.raises(TypeError, match="alpha must be a number"):
        plot_loss([1.0, 2.0], alpha="0.5")
