"""Tests for zerotsuku.plotting: what is drawn, not only that drawing works."""

import doctest
import struct
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402
from matplotlib.contour import ContourSet  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.quiver import Quiver  # noqa: E402

from zerotsuku import plotting  # noqa: E402
from zerotsuku.plotting import (  # noqa: E402
    DIVERGED_TEXT,
    PALETTE,
    STYLE,
    figure_to_png,
    new_figure,
    plot_accuracy,
    plot_decision_boundary,
    plot_digits,
    plot_functions,
    plot_gradient_field,
    plot_history,
    plot_loss,
    smooth,
)


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


def png_size(png: bytes) -> tuple[int, int]:
    return struct.unpack(">II", png[16:24])


# --------------------------------------------------------------------------- style


def test_docstring_examples_run():
    result = doctest.testmod(plotting, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 10
    assert result.failed == 0


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


def test_new_figure_is_styled_and_shaped():
    fig, axes = new_figure(2, 3)
    assert axes.shape == (2, 3)
    assert fig.dpi == STYLE["figure.dpi"]
    assert tuple(fig.get_size_inches()) == (18.75, 9.0)
    fig, ax = new_figure()
    assert ax.get_figure() is fig
    with pytest.raises(ValueError, match="ncols must be >= 1"):
        new_figure(1, 0)


def test_ax_must_be_an_axes():
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        plot_loss([1.0, 0.5], ax="left")


def test_drawing_into_a_subfigure_axes_returns_the_root_figure():
    fig = plt.figure()
    sub = fig.subfigures(1, 2)[1]
    ax = sub.subplots()
    assert plot_accuracy(fake_history(), ax=ax) is fig


# --------------------------------------------------------------------------- functions


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


def test_smooth_bad_input():
    with pytest.raises(ValueError, match="window must be >= 1"):
        smooth([1.0, 2.0], 0)
    with pytest.raises(TypeError, match="window must be an int"):
        smooth([1.0, 2.0], 2.5)
    with pytest.raises(ValueError, match=r"values must be 1-D, got shape \(2, 2\)"):
        smooth(np.ones((2, 2)), 2)
    with pytest.raises(ValueError, match="empty"):
        smooth([], 3)
    with pytest.raises(TypeError, match="numeric"):
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
    fig, ax = new_figure()
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
    figure_to_png(fig)  # renders without error


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
    with pytest.raises(ValueError, match="smooth_window must be >= 1"):
        plot_loss([1.0, 2.0], smooth_window=0)
    with pytest.raises(ValueError, match="alpha"):
        plot_loss([1.0, 2.0], alpha=2)


# --------------------------------------------------------------------------- accuracy


def test_plot_accuracy_against_epochs():
    history = fake_history(n_iter=600, per_epoch=100)
    ax = plot_accuracy(history).axes[0]
    train, test = labelled_lines(ax)
    np.testing.assert_allclose(train.get_xdata(), [0, 1, 2, 3, 4, 5])
    np.testing.assert_allclose(train.get_ydata(), history.train_acc)
    np.testing.assert_allclose(test.get_ydata(), history.test_acc)
    assert train.get_linestyle() == "-" and test.get_linestyle() == "--"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("epoch", "accuracy")
    lo, hi = ax.get_ylim()
    assert lo <= 0 and 1 <= hi < 1.1
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train", "test"]


def test_plot_accuracy_skips_empty_test_and_labels_runs():
    ax = plot_accuracy(fake_history(test=False), label="run A").axes[0]
    (line,) = labelled_lines(ax)
    assert line.get_label() == "run A (train)"


def test_plot_accuracy_without_records_or_epoch_info():
    history = SimpleNamespace(train_acc=np.array([]), test_acc=np.array([]))
    ax = plot_accuracy(history).axes[0]
    assert ax.get_lines() == [] and "no accuracy recorded" in ax.texts[0].get_text()
    history = SimpleNamespace(train_acc=np.array([0.5, 0.7]), test_acc=np.array([]))
    (line,) = labelled_lines(plot_accuracy(history).axes[0])
    assert line.get_xdata().tolist() == [1, 2]


def test_plot_accuracy_bad_input():
    with pytest.raises(TypeError, match="without .test_acc"):
        plot_accuracy(SimpleNamespace(train_acc=[0.5]))
    history = fake_history()
    history.test_acc = history.test_acc[:2]
    with pytest.raises(ValueError, match="test_acc must be empty or match"):
        plot_accuracy(history)
    history = fake_history()
    history.train_acc = history.train_acc * 100
    with pytest.raises(ValueError, match=r"accuracies in \[0, 1\]"):
        plot_accuracy(history)
    history = fake_history()
    history.iter_per_epoch = 0
    with pytest.raises(ValueError, match="iter_per_epoch must be > 0"):
        plot_accuracy(history)


def test_plot_history_has_loss_and_accuracy_side_by_side():
    fig = plot_history(fake_history(), log_scale=True, title="lr 0.1")
    left, right = fig.axes
    assert left.get_position().x0 < right.get_position().x0
    assert left.get_ylabel() == "loss (cross-entropy)" and left.get_yscale() == "log"
    assert right.get_ylabel() == "accuracy"
    assert fig.get_suptitle() == "lr 0.1"


# --------------------------------------------------------------------------- decision boundary


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


def test_decision_boundary_bad_input():
    x = np.zeros((5, 2))
    with pytest.raises(ValueError, match=r"x must have shape \(n, 2\).*got \(5, 3\)"):
        plot_decision_boundary(right_is_class_1, np.zeros((5, 3)), np.zeros(5, dtype=int))
    with pytest.raises(ValueError, match="one-hot"):
        coin_flips = np.array([[0, 0], [1, 1], [0, 1], [1, 0], [1, 1]])
        plot_decision_boundary(right_is_class_1, x, coin_flips)
    with pytest.raises(ValueError, match=r"labels 0..2 but predict gives 2 classes"):
        plot_decision_boundary(right_is_class_1, x, np.array([0, 1, 2, 0, 1]))
    with pytest.raises(ValueError, match=r"t must have shape \(5,\)"):
        plot_decision_boundary(right_is_class_1, x, np.zeros(4, dtype=int))
    with pytest.raises(ValueError, match="predict must return shape"):
        plot_decision_boundary(lambda p: p[:, 0], x, np.zeros(5, dtype=int))
    with pytest.raises(ValueError, match="predict returned NaN"):
        plot_decision_boundary(lambda p: p * np.nan, x, np.zeros(5, dtype=int))
    with pytest.raises(TypeError, match="predict must be callable"):
        plot_decision_boundary("net", x, np.zeros(5, dtype=int))
    with pytest.raises(ValueError, match="whole-number labels"):
        plot_decision_boundary(right_is_class_1, x, np.full(5, 0.5))


# --------------------------------------------------------------------------- gradient field


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


def test_gradient_field_notes_a_path_that_leaves_the_view():
    path = np.array([[1.0, 1.0], [-3.0, -3.0], [9.0, 9.0]])
    ax = plot_gradient_field(lambda p: 2 * p, path=path).axes[0]
    assert "path leaves the view; end = (9, 9)" in ax.texts[0].get_text()
    path = np.array([[1.0, 1.0], [np.inf, np.nan]])
    ax = plot_gradient_field(lambda p: 2 * p, path=path).axes[0]
    assert "NaN/inf after 1 points" in ax.texts[0].get_text()


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
    with pytest.raises(ValueError, match="f must return one number"):
        plot_gradient_field(lambda p: p, f=lambda p: p)
    with pytest.raises(ValueError, match=r"path must have shape \(k, 2\)"):
        plot_gradient_field(lambda p: p, path=np.zeros((4, 3)))
    with pytest.raises(ValueError, match="xlim must be finite with low < high"):
        plot_gradient_field(lambda p: p, xlim=(2, -2))
    with pytest.raises(ValueError, match="n must be >= 2"):
        plot_gradient_field(lambda p: p, n=1)


# --------------------------------------------------------------------------- digits


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
    red = to_rgb(plotting.WRONG_COLOR)
    assert to_rgb(axes[2].title.get_color()) == red
    assert to_rgb(axes[0].title.get_color()) != red
    assert "2 of 12" in fig.get_suptitle()
    np.testing.assert_array_equal(axes[3].images[0].get_array(), images[3].reshape(28, 28))


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
    with pytest.raises(TypeError, match="numeric"):
        plot_digits(np.array([["a"] * 784]))


# --------------------------------------------------------------------------- output


def test_figure_to_png_returns_png_and_closes_the_figure():
    before = plt.get_fignums()
    fig = plot_loss(np.linspace(2, 1, 100))
    assert len(plt.get_fignums()) == len(before) + 1
    png = figure_to_png(fig, dpi=50)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert plt.get_fignums() == before
    width, height = png_size(png)
    assert (width, height) == (round(7.0 * 50), round(4.5 * 50))


def test_repeated_rendering_leaves_no_figures():
    before = plt.get_fignums()
    history = fake_history()
    pngs = {figure_to_png(plot_history(history), dpi=40) for _ in range(5)}
    assert len(pngs) == 1  # same input, same picture
    assert plt.get_fignums() == before


def test_failed_calls_leave_no_figures():
    before = plt.get_fignums()
    with pytest.raises(ValueError):
        plot_decision_boundary(lambda p: p[:, :1], np.zeros((3, 2)), np.zeros(3, dtype=int))
    with pytest.raises(ValueError):
        plot_gradient_field(lambda p: np.zeros(3))
    with pytest.raises(ValueError):
        plot_history(SimpleNamespace(train_loss=[1.0], train_acc=[0.5], test_acc=[0.5, 0.6]))
    assert plt.get_fignums() == before


def test_figure_to_png_bad_input():
    with pytest.raises(TypeError, match="fig must be a matplotlib Figure"):
        figure_to_png(plt.figure().subfigures(1, 1))
    with pytest.raises(ValueError, match="dpi must be a number"):
        figure_to_png(plt.figure(), dpi=0)
