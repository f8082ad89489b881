"""Headless tests of the training lab: drive the widgets from Python, as a front end would."""

import html
import json
import re
import time

import matplotlib.pyplot as plt
import numpy as np
import pytest

from zerotsuku.lab import TrainingLab, experiment, widgets
from zerotsuku.lab.data import DATA_SIZES, DATASETS, lab_data
from zerotsuku.lab.experiment import (
    DEFAULTS,
    GRADIENT_NAMES,
    TIME_LIMIT,
    full_settings,
    refusal,
    summary,
)
from zerotsuku.lab.widgets import MAX_KEPT_RUNS
from zerotsuku.networks import TwoLayerNet
from zerotsuku.training import GRADIENTS

PNG = b"\x89PNG\r\n\x1a\n"
FAST = {"iters_num": 60}


def status_text(lab):
    """The status line as a reader sees it (tags removed, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", lab.status.value))


def status_settings(lab):
    """The settings the status line carries for scripts (the browser test reads them)."""
    found = re.search(r'data-settings="([^"]*)"', lab.status.value)
    return json.loads(html.unescape(found.group(1)))


def count_trainings(lab):
    """Wrap lab.train (which the observers call) to count the runs."""
    calls = []
    original = lab.train

    def counted():
        calls.append(1)
        return original()

    lab.train = counted
    return calls


@pytest.fixture
def lab():
    return TrainingLab(**FAST)


def test_a_new_lab_trains_with_its_start_values(lab):
    expected = full_settings(**{**DEFAULTS, **FAST})
    assert {key: lab.history.settings[key] for key in DEFAULTS} == expected
    assert len(lab.history.train_loss) == FAST["iters_num"]
    assert bytes(lab.image.value).startswith(PNG)
    assert lab.runs == [lab.history] and lab.network is lab.run.network
    assert summary(lab.run) in status_text(lab)
    assert status_settings(lab) == json.loads(json.dumps(lab.history.settings))
    assert lab.run.time_limit == TIME_LIMIT


def test_the_status_line_reports_validation_and_the_test_as_the_final_check(lab):
    text, run = status_text(lab), lab.run
    assert f"validation accuracy {run.val_acc[-1]:.3f}" in text
    assert f"test (final check) {run.test_acc:.3f}" in text
    assert text.index("validation accuracy") < text.index("test (final check)")
    assert run.test_acc == run.network.accuracy(run.data.x_test, run.data.t_test)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("hidden_size", 3),
        ("learning_rate", 0.01),
        ("batch_size", 7),
        ("iters_num", 90),
        ("weight_init_std", 0.1),
        ("gradient", "numerical"),
        ("gradient", "fast_numerical"),
        ("seed", 5),
        ("dataset", "xor"),
        ("data_size", 100),
        ("validation_share", 0.35),
        ("label_noise", 0.25),
    ],
)
def test_a_control_change_retrains_once_with_exactly_that_value(lab, name, value):
    calls = count_trainings(lab)
    before_png, before = bytes(lab.image.value), lab.history
    lab.controls[name].value = value
    assert len(calls) == 1
    assert lab.history is not before
    settings = lab.history.settings
    assert settings[name] == lab.controls[name].value
    assert settings[name] == (pytest.approx(value) if isinstance(value, float) else value)
    others = {k: v for k, v in full_settings(**{**DEFAULTS, **FAST}).items() if k != name}
    assert {k: settings[k] for k in others} == others
    assert len(lab.history.train_loss) == settings["iters_num"]
    assert bytes(lab.image.value) != before_png and bytes(lab.image.value).startswith(PNG)
    assert summary(lab.run) in status_text(lab)


def test_the_gradient_dropdown_offers_the_gradients_of_train(lab):
    options = lab.controls["gradient"].options
    assert tuple(value for _, value in options) == GRADIENTS
    labels = [label for label, _ in options]
    assert labels == ["backprop", "numerical, element loop", "numerical, vectorised"]
    assert labels == [GRADIENT_NAMES[value] for value in GRADIENTS]
    lab.controls["gradient"].value = "fast_numerical"
    assert GRADIENT_NAMES["fast_numerical"] in repr(lab)


def test_a_loss_far_above_guessing_gets_a_hint(lab):
    lab.controls["dataset"].value = "spiral"
    for rate in (0.01, 1.0):  # too small (loss near ln 2) and fine: no hint
        lab.controls["learning_rate"].value = rate
        assert "may be too large" not in status_text(lab)
    lab.controls["learning_rate"].value = 10.0
    assert lab.history.train_loss[-6:].mean() > 1.5 * np.log(2)
    assert "far above ln 2 = 0.693" in status_text(lab)
    assert "learning rate (or the init weight std) may be too large" in status_text(lab)


def test_the_train_button_retrains_with_the_same_result(lab):
    first_png, first = bytes(lab.image.value), lab.history
    lab.train_button.click()
    assert lab.history is not first
    np.testing.assert_array_equal(lab.history.train_loss, first.train_loss)
    assert bytes(lab.image.value) == first_png  # same settings, same picture, byte for byte


def test_a_smaller_data_set_clamps_the_batch_size_and_trains_once():
    lab = TrainingLab(batch_size=150, **FAST)
    assert lab.controls["batch_size"].max == 200
    calls = count_trainings(lab)
    lab.controls["dataset"].value = "dummy"
    assert len(calls) == 1
    assert lab.controls["batch_size"].value == lab.controls["batch_size"].max == 100
    assert lab.history.settings["batch_size"] == 100
    assert lab.history.settings["train_size"] == 100


def test_a_new_data_set_starts_at_its_standard_size_in_its_own_range():
    lab = TrainingLab(data_size=600, **FAST)
    size = lab.controls["data_size"]
    assert (size.min, size.max, size.value) == (40, 1000, 600)
    calls = count_trainings(lab)
    lab.controls["dataset"].value = "mnist"
    assert len(calls) == 1
    assert (size.min, size.max, size.step, size.value) == (500, 4000, 100, 4000)
    assert lab.controls["batch_size"].max == 3200
    assert lab.history.settings["data_size"] == 4000
    lab.controls["dataset"].value = "dummy"
    assert (size.min, size.max, size.value) == (*DATA_SIZES["dummy"][::2], 125)
    assert len(calls) == 2 and lab.history.settings["train_size"] == 100


def test_the_data_size_and_validation_share_set_the_training_size_and_the_batch_range():
    lab = TrainingLab(batch_size=150, **FAST)
    calls = count_trainings(lab)
    lab.controls["validation_share"].value = 0.5  # 124 of 250 to train on: 63 a class held out
    assert len(calls) == 1
    assert lab.controls["batch_size"].max == lab.controls["batch_size"].value == 124
    h = lab.history
    assert (h.settings["train_size"], len(lab.run.data.t_val)) == (124, 126)
    assert h.settings["batch_size"] == 124
    lab.controls["data_size"].value = 1000
    assert len(calls) == 2 and lab.controls["batch_size"].max == 500
    assert lab.history.settings["train_size"] == 500
    assert lab.history.settings["batch_size"] == 124  # a wider range keeps the value


def test_the_data_controls_span_the_labs_ranges():
    lab = TrainingLab(**FAST)
    share, size = lab.controls["validation_share"], lab.controls["data_size"]
    assert (share.min, share.max, share.value) == (0.1, 0.5, 0.2)
    assert (size.min, size.max, size.value) == (40, 1000, 250)
    assert share.continuous_update is False and size.continuous_update is False


@pytest.mark.parametrize("name", DATASETS)
def test_every_data_set_trains_and_draws(lab, name):
    lab.controls["dataset"].value = name
    h = lab.history
    assert h.settings["dataset"] == name
    assert h.settings["train_size"] == lab_data(name).train_size
    assert np.isfinite(h.train_loss).all() and not h.diverged
    assert len(h.train_acc) == len(h.test_acc) >= 2
    assert bytes(lab.image.value).startswith(PNG)


def test_dummy_data_says_what_the_lab_makes_of_its_rows(lab):
    lab.controls["dataset"].value = "dummy"
    assert "argmax" in status_text(lab) and "not one-hot" in status_text(lab)


def test_divergence_shows_a_message_and_the_curve_so_far(lab, monkeypatch):
    real_gradient = TwoLayerNet.gradient
    calls = []

    def overflowing_gradient(self, x, t):
        calls.append(1)
        grads = real_gradient(self, x, t)
        if len(calls) >= 30:  # as if the updates had blown up
            return {key: np.full_like(g, np.inf) for key, g in grads.items()}
        return grads

    monkeypatch.setattr(TwoLayerNet, "gradient", overflowing_gradient)
    before_png = bytes(lab.image.value)
    h = lab.train()
    assert h.diverged and len(h.train_loss) == 30
    assert np.isfinite(h.train_loss[:-1]).all() and not np.isfinite(h.train_loss[-1])
    assert "Diverged at iteration 30" in status_text(lab)
    assert "smaller learning rate" in status_text(lab)
    assert f"last finite batch loss {h.train_loss[-2]:.4f}" in status_text(lab)
    assert "stopped" not in status_text(lab)
    assert bytes(lab.image.value) != before_png and bytes(lab.image.value).startswith(PNG)


def no_training(*args, **kwargs):
    raise AssertionError("training started although the run was refused")


def test_the_element_loop_on_mnist_is_refused_before_any_work(monkeypatch):
    lab = TrainingLab(dataset="mnist", iters_num=20)
    before, before_png = lab.history, bytes(lab.image.value)
    monkeypatch.setattr(experiment, "train", no_training)
    lab.controls["gradient"].value = "numerical"
    assert lab.history is before and bytes(lab.image.value) == before_png
    assert status_text(lab).strip() == refusal(**lab.settings)
    assert status_settings(lab)["gradient"] == "backprop"  # the picture is still that run's
    assert lab.train() is None


def test_a_long_run_shows_its_progress_then_its_result(lab, monkeypatch):
    seen, bar = [], []
    lab.status.observe(lambda change: seen.append(change["new"]), names="value")
    lab.progress.observe(lambda change: bar.append(change["new"]), names="value")
    lab.controls["seed"].value = 1  # a quick run: only its result
    assert len(seen) == 1 and "Training" not in seen[0] and not bar
    seen.clear()
    monkeypatch.setattr(widgets, "PROGRESS_AFTER", 0.0)
    monkeypatch.setattr(widgets, "PROGRESS_EVERY", 0.0)
    lab.controls["seed"].value = 2
    progress = [s for s in seen if "Training… iteration" in s]
    assert len(progress) == FAST["iters_num"]
    assert (
        "iteration 1 of 60" in progress[0] and f"stops a run at {TIME_LIMIT:.3g} s" in progress[0]
    )
    assert bar == list(range(1, FAST["iters_num"] + 1)) and lab.progress.max == FAST["iters_num"]
    assert "Training" not in seen[-1]  # the result replaces the progress
    assert lab.progress.layout.display == "none"  # the bar goes once the run is done


def test_a_run_over_the_time_limit_stops_and_says_how_far_it_got():
    lab = TrainingLab(time_limit=0.5, **FAST)
    calls = []

    def slow_gradient(self, x, t, _real=TwoLayerNet.gradient):
        calls.append(1)
        if len(calls) == 12:
            time.sleep(0.6)  # one step that takes longer than the whole limit
        return _real(self, x, t)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TwoLayerNet, "gradient", slow_gradient)
        h = lab.train()
    assert len(h.train_loss) == 12 and lab.run.stopped
    text = status_text(lab)
    assert "stopped after 12 of 60 iterations (0.5 s limit)" in text
    assert "The lab stops every run at 0.5 s" in text
    assert bytes(lab.image.value).startswith(PNG)


def interrupting_gradient(at):
    """TwoLayerNet.gradient, as if the notebook's Interrupt arrived during call ``at``."""
    calls, real = [], TwoLayerNet.gradient

    def gradient(self, x, t):
        calls.append(1)
        if len(calls) == at:
            raise KeyboardInterrupt
        return real(self, x, t)

    return gradient


def test_the_notebooks_interrupt_stops_a_run_and_keeps_it(lab, monkeypatch):
    monkeypatch.setattr(TwoLayerNet, "gradient", interrupting_gradient(at=12))
    before_png = bytes(lab.image.value)
    h = lab.train()
    assert len(h.train_loss) == 11 and lab.run.interrupted and lab.run.stopped
    text = status_text(lab)
    assert "stopped after 11 of 60 iterations (interrupted)" in text
    assert "Interrupted: the plot shows the iterations done until then" in text
    assert lab.progress.layout.display == "none"
    assert bytes(lab.image.value) != before_png and lab.runs[-1] is h


def test_a_stopped_run_gets_no_hint_about_its_loss(lab, monkeypatch):
    lab.controls["dataset"].value = "spiral"
    lab.controls["learning_rate"].value = 10.0
    assert "may be too large" in status_text(lab)  # the whole run: the hint
    monkeypatch.setattr(TwoLayerNet, "gradient", interrupting_gradient(at=50))
    lab.train()
    assert lab.run.interrupted and "may be too large" not in status_text(lab)


def test_keep_earlier_runs_overlays_them_and_unchecking_drops_them(lab):
    lab.keep_runs.value = True
    for rate in (0.1, 0.01):
        lab.controls["learning_rate"].value = rate
    assert [h.settings["learning_rate"] for h in lab.runs] == pytest.approx([1.0, 0.1, 0.01])
    png = bytes(lab.image.value)
    lab.keep_runs.value = False
    assert lab.runs == [lab.history] and bytes(lab.image.value) != png


def test_kept_runs_are_capped(lab):
    lab.keep_runs.value = True
    for seed in range(1, MAX_KEPT_RUNS + 3):
        lab.controls["seed"].value = seed
    assert len(lab.runs) == MAX_KEPT_RUNS
    assert lab.runs[-1].settings["seed"] == MAX_KEPT_RUNS + 2


def test_log_scale_redraws_without_retraining(lab):
    calls = count_trainings(lab)
    history, png = lab.history, bytes(lab.image.value)
    lab.log_scale.value = True
    assert not calls and lab.history is history and bytes(lab.image.value) != png


def test_the_lab_displays_as_its_widget_with_a_stable_text(lab):
    bundle = lab._repr_mimebundle_()
    view = bundle["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == lab.widget.model_id
    assert bundle["text/plain"] == repr(lab) == repr(TrainingLab(**FAST))
    assert "s" not in re.findall(r"\d s\b", bundle["text/plain"])  # no timing in it
    for part in (lab.image, lab.status, lab.progress):
        assert part in lab.widget.children


def test_the_lab_leaves_pyplot_alone(lab):
    before = plt.get_fignums()
    lab.controls["hidden_size"].value = 4
    lab.log_scale.value = True
    assert plt.get_fignums() == before


def test_sliders_train_on_release_only(lab):
    for name in ("hidden_size", "learning_rate", "batch_size", "iters_num", "weight_init_std"):
        assert lab.controls[name].continuous_update is False
    rate = lab.controls["learning_rate"]
    assert (rate.min, rate.max, rate.base) == (-3, 1, 10)


@pytest.mark.parametrize(
    ("settings", "error", "match"),
    [
        ({"colour": "red"}, TypeError, "unknown setting"),
        ({"dataset": "iris"}, ValueError, "dataset must be one of"),
        ({"gradient": "magic"}, ValueError, "gradient must be one of"),
        ({"hidden_size": 0}, ValueError, "hidden_size"),
        ({"learning_rate": float("nan")}, ValueError, "learning_rate"),
        ({"batch_size": 2.5}, TypeError, "batch_size"),
        ({"hidden_size": 500}, ValueError, "hidden_size=500 is outside the lab's range 1 to 100"),
        ({"learning_rate": 50.0}, ValueError, "learning_rate=50.0 is outside"),
        ({"iters_num": 5}, ValueError, "iters_num=5 is outside"),
        ({"data_size": 10}, ValueError, "data_size must be 40 to 1,000 for circles, got 10"),
        ({"data_size": 100.0}, TypeError, "data_size must be a whole number"),
        ({"dataset": "mnist", "data_size": 100}, ValueError, "data_size must be 500 to 4,000"),
        ({"validation_share": 0.0}, ValueError, "validation_share must be between 0.1 and 0.5"),
        ({"validation_share": "20%"}, TypeError, "validation_share must be a number"),
        ({"time_limit": 0}, ValueError, "time_limit"),
        ({"time_limit": "20"}, TypeError, "time_limit"),
    ],
)
def test_bad_settings_are_named(settings, error, match):
    with pytest.raises(error, match=match):
        TrainingLab(**settings)
