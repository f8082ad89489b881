"""Headless tests of the training lab: drive the widgets from Python, as a front end would."""

import html
import re

import matplotlib.pyplot as plt
import numpy as np
import pytest

from zerotsuku import interactive, networks
from zerotsuku.interactive import (
    DATASETS,
    DEFAULTS,
    GRADIENT_NAMES,
    MAX_KEPT_RUNS,
    MAX_SECONDS,
    TrainingLab,
    draw_figure,
    estimate_seconds,
    lab_data,
    refusal,
    render_png,
    run_experiment,
    summary,
)
from zerotsuku.networks import TwoLayerNet
from zerotsuku.training import GRADIENTS

PNG = b"\x89PNG\r\n\x1a\n"
FAST = {"iters_num": 60}


def status_text(lab):
    """The status line as a reader sees it (tags removed, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", lab.status.value))


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
    expected = {**DEFAULTS, **FAST}
    assert {key: lab.history.settings[key] for key in DEFAULTS} == expected
    assert len(lab.history.train_loss) == FAST["iters_num"]
    assert bytes(lab.image.value).startswith(PNG)
    assert lab.runs == [lab.history]
    assert summary(lab.history) in status_text(lab)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("hidden_size", 3),
        ("learning_rate", 0.01),
        ("batch_size", 7),
        ("iters_num", 90),
        ("weight_init_std", 0.1),
        ("gradient", "numerical"),
        ("gradient", "numerical_loop"),
        ("seed", 5),
        ("dataset", "xor"),
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
    if isinstance(value, float):
        assert settings[name] == pytest.approx(value)
    else:
        assert settings[name] == value
    others = {k: v for k, v in {**DEFAULTS, **FAST}.items() if k != name}
    assert {k: settings[k] for k in others} == others
    assert len(lab.history.train_loss) == settings["iters_num"]
    assert bytes(lab.image.value) != before_png and bytes(lab.image.value).startswith(PNG)
    assert summary(lab.history) in status_text(lab)


def test_the_summary_states_the_history_numbers(lab):
    lab.controls["learning_rate"].value = 3.0
    h, text = lab.history, status_text(lab)
    assert "learning rate 3 " in text
    assert f"last batch loss {h.final_loss:.4f}" in text
    assert "final loss" not in text
    assert f"train accuracy {h.train_acc[-1]:.3f}" in text
    assert f"test accuracy {h.test_acc[-1]:.3f}" in text
    assert f"{len(h.train_loss):,} iterations" in text
    assert f"{h.seconds:.2f} s" in text


def test_a_loss_far_above_guessing_gets_a_hint(lab):
    lab.controls["dataset"].value = "xor"
    for rate in (0.01, 1.0):  # too small (loss near ln 2) and fine: no hint
        lab.controls["learning_rate"].value = rate
        assert "may be too large" not in status_text(lab)
    lab.controls["learning_rate"].value = 10.0
    assert lab.history.train_loss[-30:].mean() > 1.5 * np.log(2)
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


def test_batch_size_is_clamped_outside_the_widgets_too():
    run = run_experiment(dataset="dummy", batch_size=1000, iters_num=5)
    assert run.history.settings["batch_size"] == 100


@pytest.mark.parametrize("name", DATASETS)
def test_every_data_set_trains_and_draws(lab, name):
    lab.controls["dataset"].value = name
    h = lab.history
    assert h.settings["dataset"] == name
    data = lab_data(name)
    assert h.settings["train_size"] == data.train_size
    assert np.isfinite(h.train_loss).all() and not h.diverged
    assert len(h.train_acc) == len(h.test_acc) >= 2
    assert bytes(lab.image.value).startswith(PNG)
    fig = draw_figure(lab.runs, lab.network, data)
    right = fig.axes[2].get_title()
    assert right == (
        "Test accuracy per digit" if name == "mnist" else "Decision boundary (training data)"
    )


def test_dummy_data_is_trained_on_argmax_labels_and_says_so(lab):
    lab.controls["dataset"].value = "dummy"
    data = lab_data("dummy")
    from zerotsuku.datasets import dummy_dataset

    _, rows = dummy_dataset(seed=0)
    np.testing.assert_array_equal(data.t_train, rows.argmax(axis=1))
    assert not np.all(rows.sum(axis=1) == 1)  # the rows really are not one-hot
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
    assert bytes(lab.image.value) != before_png and bytes(lab.image.value).startswith(PNG)
    fig = draw_figure(lab.runs, lab.network, lab_data("circles"))
    curve = fig.axes[0].get_lines()[0].get_xdata()
    assert curve[-1] == 29  # drawn up to the last finite loss
    assert "no boundary" in " ".join(t.get_text() for t in fig.axes[2].texts)


def no_training(*args, **kwargs):
    raise AssertionError("training started although the run was refused")


def numbers_in(text):
    """Every number written in ``text`` (thousands separators removed)."""
    return [float(n.replace(",", "")) for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text)]


def test_the_gradient_dropdown_offers_the_three_gradients_of_train(lab):
    options = lab.controls["gradient"].options
    assert tuple(value for _, value in options) == GRADIENTS
    labels = [label for label, _ in options]
    assert labels == ["backprop", "numerical, vectorised", "numerical, element loop"]
    assert labels == [GRADIENT_NAMES[value] for value in GRADIENTS]
    assert not any("slow" in label or "fast" in label for label in labels)


@pytest.mark.parametrize("gradient", GRADIENTS)
def test_each_gradient_option_trains_with_exactly_that_gradient(lab, gradient, monkeypatch):
    used = []
    for name in ("_gradient", "_numerical_gradient"):
        real = getattr(TwoLayerNet, name)

        def spy(self, x, t, _real=real, _name=name):
            used.append(_name)
            return _real(self, x, t)

        monkeypatch.setattr(TwoLayerNet, name, spy)
    real_loop = networks.numerical_gradient

    def loop_spy(f, x):
        used.append("loop")
        return real_loop(f, x)

    monkeypatch.setattr(networks, "numerical_gradient", loop_spy)
    lab.controls["gradient"].value = "backprop" if gradient != "backprop" else "numerical"
    used.clear()
    lab.controls["gradient"].value = gradient
    assert lab.history.settings["gradient"] == gradient
    expected = {
        "backprop": "_gradient",
        "numerical": "_numerical_gradient",
        "numerical_loop": "loop",
    }
    assert set(used) == {expected[gradient]}
    per_iteration = 4 if gradient == "numerical_loop" else 1  # the loop: once per parameter array
    assert len(used) == per_iteration * FAST["iters_num"]
    assert GRADIENT_NAMES[gradient] in repr(lab)


def test_the_three_gradients_give_the_same_curve():
    runs = {g: run_experiment(gradient=g, **FAST).history for g in GRADIENTS}
    for gradient in ("numerical", "numerical_loop"):
        np.testing.assert_allclose(
            runs[gradient].train_loss, runs["backprop"].train_loss, atol=1e-6
        )


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"dataset": "spiral", "hidden_size": 50, "iters_num": 2000},
        {"dataset": "mnist"},
        {"dataset": "mnist", "hidden_size": 50, "batch_size": 100},
        {"dataset": "mnist", "hidden_size": 1, "batch_size": 1, "iters_num": 10},
    ],
)
def test_estimates_order_the_gradients_loop_vectorised_backprop(settings):
    seconds = {g: estimate_seconds(**settings, gradient=g) for g in GRADIENTS}
    assert seconds["numerical_loop"] > seconds["numerical"] > seconds["backprop"] > 0


def test_the_element_loop_on_mnist_is_always_refused_before_any_work(monkeypatch):
    lab = TrainingLab(dataset="mnist", iters_num=20)
    before, before_png = lab.history, bytes(lab.image.value)
    monkeypatch.setattr(interactive, "train", no_training)
    lab.controls["gradient"].value = "numerical_loop"
    assert lab.history is before and bytes(lab.image.value) == before_png
    text = status_text(lab)
    assert text.strip().startswith("Refused: the lab does not run the element loop on MNIST")
    settings = {**lab.settings, "gradient": "numerical_loop"}
    assert refusal(**settings) in text
    assert lab.train() is None
    for small in ({"hidden_size": 1, "batch_size": 1, "iters_num": 10}, {}):
        with pytest.raises(ValueError, match="element loop on MNIST"):
            run_experiment(dataset="mnist", gradient="numerical_loop", **small)


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"hidden_size": 50, "batch_size": 100},
        {"hidden_size": 100, "batch_size": 4000, "iters_num": 5000},
    ],
)
def test_the_loop_refusal_quotes_the_estimates(settings):
    s = {"dataset": "mnist", "gradient": "numerical_loop", **settings}
    message = refusal(**s)
    full = {**DEFAULTS, **s}
    params = full["hidden_size"] * 785 + 10 * (full["hidden_size"] + 1)
    loop = estimate_seconds(**s)
    assert loop > MAX_SECONDS
    assert f"the {params:,} parameters" in message and f"{2 * params:,} per iteration" in message
    assert f"about {interactive._duration(loop)} for {full['iters_num']:,} iterations" in message
    for gradient in ("numerical", "backprop"):
        seconds = estimate_seconds(**{**s, "gradient": gradient})
        offered = f"{GRADIENT_NAMES[gradient]} (about {interactive._duration(seconds)})"
        assert (offered in message) == (seconds <= MAX_SECONDS)
    assert "2-D data set" in message


def test_vectorised_numerical_on_mnist_runs_at_small_settings():
    small = {"dataset": "mnist", "gradient": "numerical", "iters_num": 10}
    assert estimate_seconds(**small) <= MAX_SECONDS
    assert refusal(**small) is None
    assert refusal(dataset="mnist", gradient="numerical") is None  # the lab's start sizes
    h = run_experiment(**small).history
    assert h.settings["gradient"] == "numerical" and len(h.train_loss) == 10


def test_vectorised_numerical_on_mnist_is_refused_at_large_settings(monkeypatch):
    large = {"dataset": "mnist", "gradient": "numerical", "hidden_size": 50, "batch_size": 100}
    seconds = estimate_seconds(**large)
    assert seconds > MAX_SECONDS
    message = refusal(**large)
    assert message.startswith("Refused: the vectorised numerical gradient would take about ")
    assert f"about {interactive._duration(seconds)} for 300 iterations" in message
    assert f"limit is {MAX_SECONDS:.0f} s" in message
    backprop = estimate_seconds(**{**large, "gradient": "backprop"})
    assert f"backprop (about {interactive._duration(backprop)})" in message
    lab = TrainingLab(**{**large, "gradient": "backprop"})  # backprop: allowed
    before = lab.history
    monkeypatch.setattr(interactive, "train", no_training)
    lab.controls["gradient"].value = "numerical"
    assert lab.history is before
    assert status_text(lab).strip() == message
    assert lab.train() is None


@pytest.mark.parametrize(
    "slow",
    [
        {"dataset": "mnist", "gradient": "numerical", "hidden_size": 50, "batch_size": 100},
        {"gradient": "numerical", "hidden_size": 100, "batch_size": 200, "iters_num": 5000},
        {"gradient": "numerical_loop", "hidden_size": 100, "batch_size": 200, "iters_num": 5000},
        {"dataset": "mnist", "hidden_size": 100, "batch_size": 4000, "iters_num": 5000},
    ],
)
def test_each_suggested_smaller_setting_is_the_largest_within_the_limit(slow):
    message = refusal(**slow)
    assert message is not None and "lower one setting" in message.lower()
    suggestions = re.findall(r"(iterations|hidden size|batch size) to ([\d,]+)", message)
    assert suggestions
    keys = {"iterations": ("iters_num", 10), "hidden size": ("hidden_size", 1)}
    keys["batch size"] = ("batch_size", 1)
    for words, value in suggestions:
        key, step = keys[words]
        value = int(value.replace(",", ""))
        assert value < {**DEFAULTS, **slow}[key]
        assert estimate_seconds(**{**slow, key: value}) <= MAX_SECONDS
        assert estimate_seconds(**{**slow, key: value + step}) > MAX_SECONDS


def test_refusal_numbers_all_come_from_settings_and_estimates():
    large = {"dataset": "mnist", "gradient": "numerical", "hidden_size": 50, "batch_size": 100}
    message = refusal(**large)
    params = 50 * 785 + 10 * 51
    allowed = {300, 2 * params, MAX_SECONDS}
    allowed |= {float(n) for n in numbers_in(interactive._duration(estimate_seconds(**large)))}
    backprop = estimate_seconds(**{**large, "gradient": "backprop"})
    allowed |= set(numbers_in(interactive._duration(backprop)))
    suggested = [int(v.replace(",", "")) for v in re.findall(r" to ([\d,]+)", message)]
    assert set(numbers_in(message)) <= allowed | set(suggested)


def test_estimates_grow_with_the_work():
    base = estimate_seconds()
    assert estimate_seconds(iters_num=3000) > base
    assert estimate_seconds(hidden_size=100) > base
    assert estimate_seconds(batch_size=200) > base
    assert estimate_seconds(dataset="mnist") > base
    for gradient in ("numerical", "numerical_loop"):
        assert estimate_seconds(gradient=gradient, hidden_size=100) > estimate_seconds(
            gradient=gradient
        )


def test_keep_earlier_runs_overlays_them_with_their_settings(lab):
    lab.keep_runs.value = True
    for rate in (0.1, 0.01):
        lab.controls["learning_rate"].value = rate
    assert [h.settings["learning_rate"] for h in lab.runs] == pytest.approx([1.0, 0.1, 0.01])
    fig = draw_figure(lab.runs, lab.network, lab_data("circles"))
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["lr 1", "lr 0.1", "lr 0.01"]
    named = [line for line in fig.axes[0].get_lines() if not line.get_label().startswith("_")]
    alphas = [line.get_alpha() for line in named]
    assert alphas == [interactive.EARLIER_ALPHA, interactive.EARLIER_ALPHA, 1.0]

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
    fig = draw_figure(lab.runs, lab.network, lab_data("circles"), log_scale=True)
    assert fig.axes[0].get_yscale() == "log"


def test_progress_is_shown_during_a_long_run(lab, monkeypatch):
    seen = []
    lab.status.observe(lambda change: seen.append(change["new"]), names="value")
    lab.controls["seed"].value = 1  # a quick run: only its result
    assert len(seen) == 1 and "Training" not in seen[0]
    seen.clear()
    monkeypatch.setattr(interactive, "PROGRESS_AFTER", 0.0)
    lab.controls["seed"].value = 2
    progress = [s for s in seen if "Training… iteration" in s]
    assert progress and f"of {FAST['iters_num']}" in progress[0]
    assert "Training" not in seen[-1]  # the result replaces the progress


def test_the_lab_displays_as_its_widget_with_a_stable_text(lab):
    bundle = lab._repr_mimebundle_()
    view = bundle["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == lab.widget.model_id
    assert bundle["text/plain"] == repr(lab) == repr(TrainingLab(**FAST))
    assert "s" not in re.findall(r"\d s\b", bundle["text/plain"])  # no timing in it
    assert lab.image in lab.widget.children and lab.status in lab.widget.children


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


def test_same_settings_give_the_same_png():
    a, b = run_experiment(**FAST), run_experiment(**FAST)
    png_a = render_png([a.history], a.network, a.data)
    assert png_a == render_png([b.history], b.network, b.data)


@pytest.mark.parametrize(
    ("settings", "error", "match"),
    [
        ({"colour": "red"}, TypeError, "unknown setting"),
        ({"dataset": "iris"}, ValueError, "unknown data set"),
        ({"gradient": "magic"}, ValueError, "unknown gradient"),
        ({"hidden_size": 0}, ValueError, "hidden_size"),
        ({"learning_rate": float("nan")}, ValueError, "learning_rate"),
        ({"batch_size": 2.5}, ValueError, "batch_size"),
        ({"hidden_size": 500}, ValueError, "hidden_size=500 is outside the lab's range 1 to 100"),
        ({"learning_rate": 50.0}, ValueError, "learning_rate=50.0 is outside"),
        ({"iters_num": 5}, ValueError, "iters_num=5 is outside"),
    ],
)
def test_bad_settings_are_named(settings, error, match):
    with pytest.raises(error, match=match):
        TrainingLab(**settings)
