"""The lab's figure: what each panel shows, and the PNG bytes it becomes."""

import time

import matplotlib.pyplot as plt
import numpy as np
import pytest

from zerotsuku.lab import figure
from zerotsuku.lab.data import DATASETS, lab_data
from zerotsuku.lab.experiment import run_experiment
from zerotsuku.lab.figure import describe, draw_figure, png_bytes, render_png

PNG = b"\x89PNG\r\n\x1a\n"
FAST = {"iters_num": 60}


def titles(fig):
    return [ax.get_title() for ax in fig.axes]


@pytest.mark.parametrize("name", DATASETS)
def test_the_right_panel_is_the_boundary_or_the_accuracy_per_digit(name):
    run = run_experiment(dataset=name, **FAST)
    fig = draw_figure([run.history], run.network, run.data)
    expected = (
        "Validation accuracy per digit" if name == "mnist" else "Decision boundary (training data)"
    )
    assert titles(fig)[:3] == ["Mini-batch loss (after each step)", "Accuracy per epoch", expected]
    assert fig._suptitle.get_text() == describe(run.history.settings)


def test_the_accuracy_panel_shows_training_and_validation_never_test():
    run = run_experiment(**FAST)
    ax = draw_figure([run.history], run.network, run.data).axes[1]
    lines = {line.get_label(): line.get_ydata() for line in ax.get_lines()}
    assert list(lines) == ["train", "validation"]
    np.testing.assert_array_equal(lines["train"], run.history.train_acc)
    np.testing.assert_array_equal(lines["validation"], run.val_acc)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train", "validation"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("epoch", "accuracy")


def test_the_digit_panel_scores_the_validation_digits(monkeypatch):
    run = run_experiment(dataset="mnist", **FAST)
    seen = []
    real = run.network.predict
    monkeypatch.setattr(run.network, "predict", lambda x: seen.append(x) or real(x))
    fig = draw_figure([run.history], run.network, run.data)
    assert len(seen) == 1 and seen[0] is run.data.x_val
    guess = real(run.data.x_val).argmax(axis=1)
    bars = [patch.get_height() for patch in fig.axes[2].patches]
    expected = [np.mean(guess[run.data.t_val == d] == d) for d in range(10)]
    np.testing.assert_array_equal(bars, expected)


def test_kept_runs_are_overlaid_faintly_with_what_differs_in_the_legend():
    runs = [run_experiment(learning_rate=rate, **FAST) for rate in (1.0, 0.1, 0.01)]
    last = runs[-1]
    fig = draw_figure([r.history for r in runs], last.network, last.data)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["lr 1", "lr 0.1", "lr 0.01"]
    named = [line for line in fig.axes[0].get_lines() if not line.get_label().startswith("_")]
    alphas = [line.get_alpha() for line in named]
    assert alphas == [figure.EARLIER_ALPHA, figure.EARLIER_ALPHA, 1.0]
    assert "earlier runs" in fig.axes[1].get_title()


def test_runs_that_differ_in_nothing_are_numbered():
    runs = [run_experiment(**FAST) for _ in range(2)]
    fig = draw_figure([r.history for r in runs], runs[1].network, runs[1].data)
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["run 1", "run 2"]


def test_log_scale_applies_to_the_loss_axis():
    run = run_experiment(**FAST)
    fig = draw_figure([run.history], run.network, run.data, log_scale=True)
    assert fig.axes[0].get_yscale() == "log" and fig.axes[1].get_yscale() == "linear"


def test_the_same_runs_give_the_same_bytes_and_others_differ():
    a, b = run_experiment(**FAST), run_experiment(**FAST)
    png_a = render_png([a.history], a.network, a.data)
    assert png_a.startswith(PNG)
    assert png_a == render_png([b.history], b.network, b.data)
    c = run_experiment(seed=1, **FAST)
    assert render_png([c.history], c.network, c.data) != png_a
    assert png_bytes(draw_figure([a.history], a.network, a.data)) == png_a  # one PNG path


def test_drawing_into_the_previous_figure_gives_a_new_figures_pixels():
    a = run_experiment(seed=3, **FAST)
    b = run_experiment(seed=4, hidden_size=20, **FAST)
    c = run_experiment(dataset="spiral3", hidden_size=3, **FAST)
    m = run_experiment(dataset="mnist", hidden_size=5, iters_num=20)
    sequence = [
        ([a.history], a, False),
        ([b.history], b, False),  # same layout: drawn into the same figure
        ([a.history, b.history], b, False),
        ([c.history], c, False),
        ([c.history], c, True),  # log scale: a new figure
        ([m.history], m, False),  # per-digit panel: a new figure
        ([a.history], a, False),
    ]
    fig, kept = None, []
    for histories, run, log_scale in sequence:
        fig = draw_figure(histories, run.network, run.data, log_scale=log_scale, into=fig)
        kept.append(fig)
        fresh = render_png(histories, run.network, run.data, log_scale=log_scale)
        assert png_bytes(fig) == fresh
    assert kept[0] is kept[1] is kept[2] is kept[3] and kept[4] is not kept[3]
    assert len(fig.axes) == 4


@pytest.mark.parametrize(
    ("settings", "log_scale"),
    [({}, False), ({}, True), ({"dataset": "mnist", "hidden_size": 20, "iters_num": 20}, False)],
)
def test_fixed_titles_change_no_pixel(settings, log_scale, monkeypatch):
    run = run_experiment(**{**FAST, **settings})
    fixed = render_png([run.history], run.network, run.data, log_scale=log_scale)
    monkeypatch.setattr(figure, "FIXED_TITLES", {})
    assert render_png([run.history], run.network, run.data, log_scale=log_scale) == fixed


def test_the_lab_draws_every_picture_into_one_figure():
    from zerotsuku.lab import TrainingLab

    lab = TrainingLab(**FAST)
    first = lab._figure
    lab.controls["seed"].value = 5
    lab.controls["hidden_size"].value = 4
    assert lab._figure is first
    expected = render_png(lab.runs, lab.network, lab.run.data)
    assert bytes(lab.image.value) == expected


def test_a_broken_network_draws_a_note_instead_of_a_boundary():
    run = run_experiment(**FAST)
    run.network.params["W1"][0, 0] = np.inf
    fig = draw_figure([run.history], run.network, run.data)
    assert "no boundary" in " ".join(t.get_text() for t in fig.axes[2].texts)


def test_a_run_stopped_by_its_time_limit_says_so_in_the_title():
    def slow_third(iteration, loss):
        if iteration == 3:
            time.sleep(0.3)

    run = run_experiment(time_limit=0.2, callback=slow_third, **FAST)
    assert run.stopped
    fig = draw_figure([run.history], run.network, run.data)
    assert fig._suptitle.get_text().endswith(
        " · backprop · seed 0 · sigmoid · label noise 0 · stopped at iteration 3"
    )
    assert len(fig.axes[0].get_lines()[0].get_xdata()) == 3


def test_nothing_to_draw_is_an_error():
    run = run_experiment(**FAST)
    with pytest.raises(ValueError, match="histories is empty"):
        draw_figure([], run.network, run.data)


def test_drawing_leaves_pyplot_alone():
    before = plt.get_fignums()
    run = run_experiment(**FAST)
    render_png([run.history], run.network, lab_data("circles"), log_scale=True)
    assert plt.get_fignums() == before


def live_run_at(iterations, **settings):
    from zerotsuku.lab.live import LiveRun

    live = LiveRun(**settings)
    live.advance(iterations)
    return live


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"gradient": "numerical", "label_noise": 0.35, "validation_share": 0.45, "data_size": 1000},
    ],
)
def test_the_live_figures_counter_and_title_do_not_overlap(settings):
    from zerotsuku.lab.figure import LiveFigure

    live = live_run_at(3, hidden_size=100, iters_num=5000, learning_rate=10**-2.9, **settings)
    run = live.lab_run()
    figure = LiveFigure([run.history], run.network, run.data)
    figure.frame(run.history, run.network)
    renderer = figure.fig.canvas.get_renderer()
    counter = figure.counter.get_window_extent(renderer)
    title = figure.fig.get_suptitle()
    title_box = figure.fig._suptitle.get_window_extent(renderer)
    assert title and counter.x1 < title_box.x0, (counter, title_box)
    assert title_box.x1 < figure.fig.bbox.x1
    whole = draw_figure([run.history], run.network, run.data)
    whole.canvas.draw()
    box = whole._suptitle.get_window_extent(whole.canvas.get_renderer())
    assert 0 < box.x0 and box.x1 < whole.bbox.x1


@pytest.mark.parametrize("name", ["circles", "mnist"])
def test_a_live_figure_redraws_its_moving_parts_frame_after_frame(name):
    from zerotsuku.lab.figure import LiveFigure

    live = live_run_at(0, dataset=name, hidden_size=5)
    run = live.lab_run()
    figure = LiveFigure([run.history], run.network, run.data)
    frames = []
    for _ in range(3):
        live.advance(10)
        run = live.lab_run()
        frames.append(figure.frame(run.history, run.network))
    assert all(f.startswith(b"\xff\xd8") for f in frames)
    assert len(set(frames)) == 3
    assert "iteration 30 of 300" in figure.counter.get_text() and figure.x_end == 100


def test_a_live_figure_gives_up_on_a_loss_off_its_axis():
    from zerotsuku.lab.figure import LiveFigure

    live = live_run_at(5)
    run = live.lab_run()
    figure = LiveFigure([run.history], run.network, run.data)
    history = run.history
    history.train_loss = history.train_loss * 0 + 10 * figure.loss_range[1]
    assert figure.frame(history, run.network) is None


@pytest.mark.parametrize(
    ("name", "hidden", "shape"), [("spiral", 5, (32, 32)), ("mnist", 3, (28, 28))]
)
def test_each_hidden_unit_gets_a_small_map(name, hidden, shape):
    run = run_experiment(dataset=name, hidden_size=hidden, iters_num=20)
    fig = draw_figure([run.history], run.network, run.data)
    maps, _ = figure.unit_maps(run.network, run.data)
    assert maps.shape == (hidden, *shape)
    shown = fig.axes[3].images[0].get_array()
    np.testing.assert_array_equal(np.ma.filled(shown, np.nan), figure.unit_mosaic(maps))
    if name == "mnist":  # the weights into the last unit, upright with origin="lower"
        np.testing.assert_array_equal(maps[-1][::-1].ravel(), run.network.params["W1"][:, -1])
    else:  # its output at the lower-left corner of the grid
        corner = run.data.x_train.min(axis=0) - figure.BOUNDARY_MARGIN
        z = 1 / (1 + np.exp(-(corner @ run.network.params["W1"] + run.network.params["b1"])))
        assert maps[-1][0, 0] == pytest.approx(z[-1])


def test_the_mosaic_puts_the_first_unit_top_left_with_gaps():
    maps = np.arange(5 * 2 * 2, dtype=float).reshape(5, 2, 2)
    mosaic = figure.unit_mosaic(maps)
    assert mosaic.shape == (2 * 3 - 1, 4 * 3 - 1)
    np.testing.assert_array_equal(mosaic[3:5, 0:2], maps[0])  # top row (origin="lower")
    np.testing.assert_array_equal(mosaic[0:2, 0:2], maps[4])
    assert np.isnan(mosaic[2]).all() and np.isnan(mosaic[0:2, 3:]).all()


def test_more_than_16_hidden_units_are_summarised():
    run = run_experiment(hidden_size=40, iters_num=20)
    fig = draw_figure([run.history], run.network, run.data)
    assert figure.unit_maps(run.network, run.data)[0].shape[0] == figure.MAX_UNITS
    assert "first 16 of 40 shown" in fig.axes[3].get_title()


def test_a_live_figure_updates_the_hidden_unit_maps():
    from zerotsuku.lab.figure import LiveFigure

    live = live_run_at(0, dataset="spiral", hidden_size=4)
    run = live.lab_run()
    figure_ = LiveFigure([run.history], run.network, run.data)
    live.advance(30)
    run = live.lab_run()
    figure_.frame(run.history, run.network)
    maps, _ = figure.unit_maps(run.network, run.data, figure.PREVIEW_UNIT_RESOLUTION)
    shown = np.ma.filled(figure_.unit_image.get_array(), np.nan)
    np.testing.assert_array_equal(shown, figure.unit_mosaic(maps))


def test_a_live_figure_asks_for_a_longer_axis_when_the_run_passes_its_end():
    from zerotsuku.lab.figure import LiveFigure

    live = live_run_at(0)
    run = live.lab_run()
    figure_ = LiveFigure([run.history], run.network, run.data)
    live.advance(figure_.x_end + 1)
    run = live.lab_run()
    assert figure_.frame(run.history, run.network) is None
    assert LiveFigure([run.history], run.network, run.data).x_end == 2 * live.done
