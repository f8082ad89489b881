"""The lab's experiment without widgets: data, settings, one run, refusal, time limit, summary."""

import ast
import time
from pathlib import Path

import numpy as np
import pytest

from zerotsuku.lab import data, experiment, figure, live, reproduce, widgets
from zerotsuku.lab.data import DATASETS, lab_data
from zerotsuku.lab.experiment import (
    DEFAULTS,
    TIME_LIMIT,
    full_settings,
    refusal,
    run_experiment,
    summary,
)
from zerotsuku.networks import TwoLayerNet
from zerotsuku.training import GRADIENTS, train

FAST = {"iters_num": 60}


@pytest.mark.parametrize(
    ("settings", "error", "match"),
    [
        ({"colour": "red"}, TypeError, "unknown setting"),
        ({"dataset": "iris"}, ValueError, "dataset must be one of"),
        ({"gradient": "magic"}, ValueError, "gradient must be one of"),
        ({"gradient": "numerical_loop"}, ValueError, "gradient must be one of"),
        ({"hidden_size": 0}, ValueError, "hidden_size"),
        ({"learning_rate": float("nan")}, ValueError, "learning_rate"),
        ({"learning_rate": "0.1"}, TypeError, "learning_rate"),
        ({"batch_size": 2.5}, TypeError, "batch_size"),
        ({"seed": -1}, ValueError, "seed"),
        ({"data_size": 2.5}, TypeError, "data_size"),
        ({"data_size": 20}, ValueError, "data_size must be 40 to 1,000 for circles"),
        ({"dataset": "mnist", "data_size": 250}, ValueError, "500 to 4,000 for mnist"),
        ({"validation_share": "half"}, TypeError, "validation_share"),
        ({"validation_share": 0.9}, ValueError, "validation_share must be between 0.1 and 0.5"),
    ],
)
def test_bad_settings_are_named(settings, error, match):
    with pytest.raises(error, match=match):
        full_settings(**settings)
    with pytest.raises(error, match=match):
        run_experiment(**settings)


def test_the_batch_size_is_clamped_to_the_training_set():
    assert full_settings(dataset="dummy", batch_size=1000)["batch_size"] == 100
    run = run_experiment(dataset="dummy", batch_size=1000, iters_num=5)
    assert run.history.settings["batch_size"] == 100
    assert full_settings(data_size=100, validation_share=0.5, batch_size=80)["batch_size"] == 50


def test_the_data_size_is_the_data_sets_standard_one_unless_chosen():
    assert DEFAULTS["data_size"] is None
    assert (
        full_settings()["data_size"] == 250 and full_settings(dataset="mnist")["data_size"] == 4000
    )
    s = full_settings(dataset="mnist", data_size=1000, validation_share=0.3)
    assert (s["data_size"], s["validation_share"]) == (1000, 0.3)
    assert full_settings(**s) == s  # settings filled in once stay as they are


def test_a_run_trains_on_the_training_part_and_validates_on_the_held_out_share():
    run = run_experiment(data_size=100, validation_share=0.4, iters_num=10)
    data = lab_data("circles", data_size=100, validation_share=0.4)
    assert run.data is data and run.history.settings["train_size"] == data.train_size == 60
    assert run.history.settings["data_size"] == 100
    assert run.history.settings["validation_share"] == 0.4


def test_a_run_is_train_on_a_fresh_net_with_the_settings():
    data = lab_data("circles")
    net = TwoLayerNet(2, 10, 2, weight_init_std=1.0, seed=0)
    by_hand = train(
        net,
        data.x_train,
        data.t_train,
        x_test=data.x_val,
        t_test=data.t_val,
        iters_num=300,
        batch_size=20,
        learning_rate=1.0,
        seed=0,
    )
    run = run_experiment()
    np.testing.assert_array_equal(run.history.train_loss, by_hand.train_loss)
    np.testing.assert_array_equal(run.val_acc, by_hand.test_acc)  # validation, per epoch
    for key, value in net.params.items():
        np.testing.assert_array_equal(run.network.params[key], value)
    assert run.test_acc == net.accuracy(data.x_test, data.t_test)  # the final check
    assert {key: run.history.settings[key] for key in DEFAULTS} == full_settings(**DEFAULTS)
    assert run.data is data and not run.stopped and run.time_limit is None


def test_the_test_data_are_scored_once_at_the_end_and_never_given_to_training(monkeypatch):
    data, real_train, seen = lab_data("circles"), experiment.train, []

    def spy(network, x, t, *, x_test, t_test, **kwargs):
        seen.append((x_test, t_test))
        return real_train(network, x, t, x_test=x_test, t_test=t_test, **kwargs)

    scored = []
    real_accuracy = TwoLayerNet.accuracy

    def accuracy(self, x, t):
        scored.append(x is data.x_test)
        return real_accuracy(self, x, t)

    monkeypatch.setattr(experiment, "train", spy)
    monkeypatch.setattr(TwoLayerNet, "accuracy", accuracy)
    run = run_experiment(**FAST)
    assert len(seen) == 1 and seen[0][0] is data.x_val and seen[0][1] is data.t_val
    assert scored.count(True) == 1 and scored[-1]  # once, after training
    assert 0 <= run.test_acc <= 1


def test_a_diverged_run_gets_no_test_accuracy(monkeypatch):
    real_gradient = TwoLayerNet.gradient

    def blown_up(self, x, t):
        return {key: np.full_like(g, np.inf) for key, g in real_gradient(self, x, t).items()}

    monkeypatch.setattr(TwoLayerNet, "gradient", blown_up)
    run = run_experiment(**FAST)
    assert run.history.diverged and np.isnan(run.test_acc)
    assert "test (final check)" not in summary(run)


def test_the_three_gradients_give_the_same_curve():
    runs = {g: run_experiment(gradient=g, **FAST).history for g in GRADIENTS}
    for gradient in ("numerical", "fast_numerical"):
        assert runs[gradient].settings["gradient"] == gradient
        np.testing.assert_allclose(
            runs[gradient].train_loss, runs["backprop"].train_loss, atol=1e-6
        )


@pytest.mark.parametrize(
    ("gradient", "method"), [("backprop", "gradient"), ("numerical", "numerical_gradient")]
)
def test_a_gradient_choice_calls_that_method_of_the_net(gradient, method, monkeypatch):
    used = []
    real = getattr(TwoLayerNet, method)

    def spy(self, x, t):
        used.append(len(x))
        return real(self, x, t)

    monkeypatch.setattr(TwoLayerNet, method, spy)
    run_experiment(gradient=gradient, iters_num=7)
    assert used == [DEFAULTS["batch_size"]] * 7


def no_training(*args, **kwargs):
    raise AssertionError("training started although the run was refused")


@pytest.mark.parametrize("dataset", DATASETS)
@pytest.mark.parametrize("gradient", GRADIENTS)
def test_only_the_element_loop_on_mnist_is_refused(dataset, gradient):
    refused = refusal(dataset=dataset, gradient=gradient) is not None
    assert refused == (dataset == "mnist" and gradient == "numerical")


@pytest.mark.parametrize(
    "settings",
    [{}, {"hidden_size": 50, "batch_size": 100, "iters_num": 2000}, {"hidden_size": 1}],
)
def test_the_refusal_counts_the_forward_passes_of_one_step(settings, monkeypatch):
    s = {**DEFAULTS, "dataset": "mnist", "gradient": "numerical", **settings}
    params = s["hidden_size"] * 785 + 10 * (s["hidden_size"] + 1)
    message = refusal(**s)
    assert f"the {params:,} parameters" in message
    assert f"batch of {s['batch_size']:,} twice for each: {2 * params:,} forward passes" in message
    assert f"{s['iters_num']:,} iterations would need {2 * params * s['iters_num']:,}" in message
    assert '"numerical, vectorised"' in message and "2-D data set" in message
    monkeypatch.setattr(experiment, "train", no_training)
    with pytest.raises(ValueError, match="element loop on MNIST is hopeless"):
        run_experiment(**s)


def test_the_vectorised_numerical_gradient_runs_on_mnist():
    run = run_experiment(dataset="mnist", gradient="fast_numerical", iters_num=3)
    assert len(run.history.train_loss) == 3 and run.history.settings["gradient"] == "fast_numerical"


def test_the_time_limit_is_one_constant_of_a_few_seconds():
    assert 5 <= TIME_LIMIT <= 60


def test_a_run_over_its_time_limit_keeps_the_whole_iterations_done():
    def slow_fifth(iteration, loss):
        if iteration == 5:
            time.sleep(0.6)  # as if this step had taken long

    run = run_experiment(time_limit=0.5, callback=slow_fifth)
    h = run.history
    assert run.stopped and not h.diverged and len(h.train_loss) == 5
    assert h.settings["iters_num"] == DEFAULTS["iters_num"]
    first_five = run_experiment(iters_num=5)  # the same batches, the same updates
    np.testing.assert_array_equal(h.train_loss, first_five.history.train_loss)
    for key, value in first_five.network.params.items():
        np.testing.assert_array_equal(run.network.params[key], value)
    text = summary(run)
    assert "stopped after 5 of 300 iterations (0.5 s limit)" in text
    assert h.acc_iters.tolist() == [0]  # no whole epoch (10 iterations) yet
    assert f"train accuracy {h.train_acc[0]:.3f} (at iteration 0)" in text
    assert f"validation accuracy {h.test_acc[0]:.3f} (at iteration 0)" in text
    # The final check is of the network as the run left it, after 5 updates.
    assert run.test_acc == first_five.network.accuracy(run.data.x_test, run.data.t_test)
    assert f"test (final check) {run.test_acc:.3f} · stopped" in text


def test_an_interrupt_stops_a_run_only_when_asked(monkeypatch):
    real, calls = TwoLayerNet.gradient, []

    def interrupted_at_eighth(self, x, t):
        calls.append(1)
        if len(calls) % 8 == 0:
            raise KeyboardInterrupt  # as the notebook's Interrupt would, mid-step
        return real(self, x, t)

    monkeypatch.setattr(TwoLayerNet, "gradient", interrupted_at_eighth)
    with pytest.raises(KeyboardInterrupt) as raised:
        run_experiment(**FAST)  # a script's Ctrl-C still stops the script
    assert len(raised.value.history.train_loss) == 7
    run = run_experiment(stop_on_interrupt=True, **FAST)
    assert run.interrupted and run.stopped and len(run.history.train_loss) == 7
    assert "stopped after 7 of 60 iterations (interrupted)" in summary(run)


def test_a_time_limit_does_not_touch_a_run_that_finishes_in_time():
    run = run_experiment(time_limit=TIME_LIMIT, **FAST)
    assert not run.stopped and len(run.history.train_loss) == FAST["iters_num"]
    np.testing.assert_array_equal(run.history.train_loss, run_experiment(**FAST).history.train_loss)
    assert "stopped" not in summary(run) and "at iteration" not in summary(run)


def test_the_callback_sees_every_iteration_under_a_time_limit():
    seen = []
    run_experiment(time_limit=TIME_LIMIT, callback=lambda i, loss: seen.append(i), **FAST)
    assert seen == list(range(1, FAST["iters_num"] + 1))


@pytest.mark.parametrize(("limit", "error"), [(0, ValueError), (-1, ValueError), ("5", TypeError)])
def test_a_bad_time_limit_is_named(limit, error):
    with pytest.raises(error, match="time_limit"):
        run_experiment(time_limit=limit, **FAST)


def test_the_summary_states_the_history_numbers():
    run = run_experiment(learning_rate=3.0, **FAST)
    h, text = run.history, summary(run)
    assert text.startswith("learning rate 3 · ")
    assert f"last batch loss {h.final_loss:.4f}" in text
    assert (
        f"train accuracy {h.train_acc[-1]:.3f} · validation accuracy {h.test_acc[-1]:.3f}" in text
    )
    assert f"test (final check) {run.test_acc:.3f} · {FAST['iters_num']} iterations" in text
    assert text.endswith(f" · {h.seconds:.2f} s")


def imported_modules(module):
    tree = ast.parse(Path(module.__file__).read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_the_experiment_and_its_figure_need_no_widgets():
    for module in (data, experiment, live, reproduce, figure):
        assert "ipywidgets" not in imported_modules(module)
    assert "ipywidgets" in imported_modules(widgets)  # the check does see imports
