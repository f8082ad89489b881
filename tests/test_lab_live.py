"""The lab's live runs: Play and Step in chunks give train()'s run, bit for bit."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from zerotsuku.lab import TrainingLab
from zerotsuku.lab.experiment import run_experiment
from zerotsuku.lab.live import LiveRun
from zerotsuku.networks import TwoLayerNet

PNG = b"\x89PNG"
JPEG = b"\xff\xd8"


def same_params(a, b):
    return all(np.array_equal(a.params[k], b.params[k]) for k in a.params)


@pytest.mark.parametrize(
    ("settings", "chunks"),
    [
        ({}, [1, 10, 9, 37, 1, 62]),
        ({"dataset": "spiral", "batch_size": 7, "hidden_size": 5}, [3] * 40),
        ({"dataset": "gauss", "gradient": "fast_numerical", "batch_size": 30}, [4, 11, 5]),
        ({"dataset": "xor", "gradient": "numerical", "hidden_size": 3}, [2, 3, 1]),
        ({"dataset": "mnist", "hidden_size": 8, "batch_size": 50}, [5, 25, 70]),
    ],
)
def test_chunks_give_the_parameters_and_history_of_train(settings, chunks):
    live = LiveRun(**settings)
    for chunk in chunks:
        live.advance(chunk)
    run = run_experiment(**{**settings, "iters_num": sum(chunks)})
    assert live.done == sum(chunks)
    assert same_params(live.network, run.network)
    mine, theirs = live.history(), run.history
    np.testing.assert_array_equal(mine.train_loss, theirs.train_loss)
    np.testing.assert_array_equal(mine.acc_iters, theirs.acc_iters)
    np.testing.assert_array_equal(mine.train_acc, theirs.train_acc)
    np.testing.assert_array_equal(mine.test_acc, theirs.test_acc)
    assert mine.iter_per_epoch == theirs.iter_per_epoch


def test_reset_returns_to_the_start_weights_and_the_first_batch():
    live = LiveRun()
    start = {k: v.copy() for k, v in live.network.params.items()}
    live.advance(25)
    first = live.history().train_loss.copy()
    live.reset()
    assert live.done == 0
    assert all(np.array_equal(live.network.params[k], start[k]) for k in start)
    live.advance(25)
    np.testing.assert_array_equal(live.history().train_loss, first)


def test_a_diverged_run_stops_advancing():
    live = LiveRun(learning_rate=10.0, weight_init_std=10.0, dataset="mnist", hidden_size=5)
    live.advance(300)
    if live.diverged:
        assert live.advance(5) == 0 and live.finished


# ------------------------------------------------------------------ the lab's buttons


def tick(lab, frames=1):
    """What the front end's Play timer does: bump the value while playing."""
    for _ in range(frames):
        lab.play.value += 1


def test_play_trains_in_frames_and_stops_at_the_end():
    lab = TrainingLab(iters_num=40)
    lab.per_frame.value = 10
    lab.play.playing = True
    tick(lab)
    assert lab.live.done == 10 and "iteration 10" in lab.counter.value
    assert lab.image.format == "jpeg" and bytes(lab.image.value).startswith(JPEG)  # cheap frame
    tick(lab, 3)
    assert lab.image.format == "png" and bytes(lab.image.value).startswith(PNG)  # whole, at the end
    assert lab.live.done == 40 and not lab.play.playing
    reference = run_experiment(iters_num=40)
    assert same_params(lab.network, reference.network)
    np.testing.assert_array_equal(lab.history.train_loss, reference.history.train_loss)
    tick(lab)  # not playing: a stray tick does nothing
    assert lab.live.done == 40


def test_pause_keeps_the_run_and_play_goes_on_from_there():
    lab = TrainingLab(iters_num=100)
    lab.per_frame.value = 5
    lab.play.playing = True
    tick(lab, 2)
    lab.play.playing = False
    assert "Paused at iteration 10" in lab.status.value
    assert lab.image.format == "jpeg"  # the last frame stays: the picture stops at once
    tick(lab)
    assert lab.live.done == 10
    lab.play.playing = True
    tick(lab, 3)
    assert lab.live.done == 25
    assert same_params(lab.network, run_experiment(iters_num=25).network)


@pytest.mark.parametrize(("choice", "expected"), [(1, 1), (10, 10), ("epoch", 10)])
def test_step_runs_the_chosen_iterations(choice, expected):
    lab = TrainingLab(iters_num=60)  # 200 points, batch 20: 10 iterations an epoch
    lab.reset()
    lab.step_size.value = choice
    lab.step_button.click()
    lab.step_button.click()
    assert lab.live.done == 2 * expected
    assert same_params(lab.network, run_experiment(iters_num=2 * expected).network)


def test_step_after_a_finished_run_continues_it():
    lab = TrainingLab(iters_num=30)
    lab.step(10)
    assert lab.live.done == 40
    assert same_params(lab.network, run_experiment(iters_num=40).network)


def test_reset_returns_the_lab_to_the_start_weights():
    lab = TrainingLab(iters_num=30)
    lab.reset_button.click()
    fresh = TwoLayerNet(2, 10, 2, 1.0, seed=0)
    assert lab.live.done == 0 and same_params(lab.network, fresh)
    assert "iteration 0" in lab.counter.value and bytes(lab.image.value).startswith(PNG)


def test_a_control_changed_while_playing_restarts_with_it_and_plays_on():
    lab = TrainingLab(iters_num=100)
    lab.play.playing = True
    tick(lab, 3)
    lab.controls["hidden_size"].value = 4
    assert lab.play.playing and lab.live.done == 0 and lab.live.settings["hidden_size"] == 4
    tick(lab, 2)
    expected = run_experiment(iters_num=10, hidden_size=4)
    assert same_params(lab.network, expected.network)


@pytest.mark.parametrize(("name", "value"), [("data_size", 120), ("validation_share", 0.4)])
def test_a_data_control_changed_while_playing_restarts_with_it_and_plays_on(name, value):
    lab = TrainingLab(iters_num=100)
    lab.play.playing = True
    tick(lab, 3)
    lab.controls[name].value = value
    assert lab.play.playing and lab.live.done == 0 and lab.live.settings[name] == value
    assert lab.live.data.train_size == lab.controls["batch_size"].max
    tick(lab, 2)
    expected = run_experiment(iters_num=10, **{name: value})
    assert same_params(lab.network, expected.network)
    assert lab.history.settings["train_size"] == expected.data.train_size


def test_a_refused_setting_stops_play_with_the_reason():
    lab = TrainingLab(iters_num=30)
    lab.play.playing = True
    lab.controls["gradient"].value = "numerical"
    lab.controls["dataset"].value = "mnist"
    tick(lab)
    assert not lab.play.playing and "Refused" in lab.status.value


def test_no_figure_leaks_over_200_redraws():
    plt.close("all")  # figures of earlier tests (doctests draw with pyplot) do not count
    lab = TrainingLab(iters_num=10**3)
    lab.per_frame.value = 1
    before = len(plt.get_fignums())
    lab.play.playing = True
    tick(lab, 200)
    assert len(plt.get_fignums()) == before == 0
    assert lab.live.done == 200


def test_the_code_toggle_shows_the_code():
    lab = TrainingLab(iters_num=20)
    assert lab.code_view.layout.display == "none"
    lab.show_code.value = True
    assert lab.code_view.layout.display is None
    assert "history = train(" in lab.code_view.value
    lab.controls["hidden_size"].value = 5
    assert "TwoLayerNet(2, 5, 2," in lab.code_view.value


# ------------------------------------------------------------------ data and activation controls


@pytest.mark.parametrize("name", ["spiral3", "blobs3"])
def test_three_class_data_train_and_draw_one_colour_per_class(name):
    lab = TrainingLab(dataset=name, iters_num=40)
    assert lab.run.data.num_classes == 3 and lab.network.output_size == 3
    assert sorted(set(lab.run.data.t_train.tolist())) == [0, 1, 2]
    legend = lab._live_figure  # none yet: drawn whole
    assert legend is None and bytes(lab.image.value).startswith(PNG)
    lab.play.playing = True
    tick(lab, 2)
    assert bytes(lab.image.value).startswith(JPEG)


def test_relu_trains_through_the_lab_and_its_code():
    lab = TrainingLab(activation="relu", iters_num=40)
    assert lab.network.activation == "relu"
    namespace = {}
    exec(lab.code, namespace)
    assert namespace["history"].final_loss == lab.history.final_loss
    lab.controls["activation"].value = "sigmoid"
    assert lab.network.activation == "sigmoid"


def test_label_noise_flips_training_labels_only_and_the_code_follows():
    lab = TrainingLab(iters_num=40)
    clean = lab.run.data
    lab.controls["label_noise"].value = 0.2
    noisy = lab.run.data
    assert (noisy.t_train != clean.t_train).sum() == 40
    np.testing.assert_array_equal(noisy.t_val, clean.t_val)
    np.testing.assert_array_equal(noisy.t_test, clean.t_test)
    assert "flip_labels(t_train, 0.2, num_classes=2, seed=0)" in lab.code
    namespace = {}
    exec(lab.code, namespace)
    assert namespace["history"].final_loss == lab.history.final_loss


def test_playing_with_relu_and_noise_is_train_bit_for_bit():
    settings = {"activation": "relu", "label_noise": 0.1, "dataset": "spiral3"}
    live = LiveRun(**settings)
    for chunk in (3, 17, 20):
        live.advance(chunk)
    assert same_params(live.network, run_experiment(iters_num=40, **settings).network)
