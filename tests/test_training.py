import inspect
import signal

import numpy as np
import pytest

from zerotsuku.datasets import load_mnist, toy_dataset
from zerotsuku.networks import TwoLayerNet
from zerotsuku.training import TrainingHistory, batch_indices, loss_or_nan, train


def small_problem(seed=0):
    x, t = toy_dataset("gauss", n_samples=60, seed=seed)
    return TwoLayerNet(2, 5, 2, weight_init_std=0.5, seed=seed), x, t


def test_history_shape_and_settings():
    net, x, t = small_problem()
    history = train(net, x, t, x_test=x[:10], t_test=t[:10], iters_num=25, batch_size=10, seed=1)
    assert isinstance(history, TrainingHistory)
    assert history.train_loss.shape == (25,)
    assert history.iter_per_epoch == 6
    # before training, after each of the 4 full epochs, and after the last iteration
    assert history.acc_iters.tolist() == [0, 6, 12, 18, 24, 25]
    assert len(history.train_acc) == len(history.test_acc) == 6
    np.testing.assert_allclose(history.epochs, np.array([0, 6, 12, 18, 24, 25]) / 6)
    assert history.settings["learning_rate"] == 0.1 and history.settings["batch_size"] == 10
    assert history.settings["hidden_size"] == 5
    assert history.seconds > 0 and not history.diverged
    assert history.final_loss == history.train_loss[-1]


def test_same_seed_same_everything():
    runs = []
    for _ in range(2):
        net, x, t = small_problem()
        history = train(net, x, t, iters_num=40, batch_size=7, seed=5)
        runs.append((net.params, history))
    (p1, h1), (p2, h2) = runs
    np.testing.assert_array_equal(h1.train_loss, h2.train_loss)
    np.testing.assert_array_equal(h1.train_acc, h2.train_acc)
    for key in p1:
        np.testing.assert_array_equal(p1[key], p2[key])
    net, x, t = small_problem()
    other = train(net, x, t, iters_num=40, batch_size=7, seed=6)
    assert not np.array_equal(other.train_loss, h1.train_loss)


def test_each_iteration_is_one_sgd_step_on_the_reported_batch():
    net, x, t = small_problem()
    seen = []

    class Spy(TwoLayerNet):
        def gradient(self, xb, tb):
            seen.append(xb.copy())
            return super().gradient(xb, tb)

    spy = Spy(2, 5, 2, weight_init_std=0.5, seed=0)
    train(spy, x, t, iters_num=6, batch_size=10, seed=2)  # exactly one epoch
    rows = np.concatenate(seen)
    assert sorted(map(tuple, rows.tolist())) == sorted(map(tuple, x.tolist()))
    # one update equals params - lr * gradient
    before = {k: v.copy() for k, v in net.params.items()}
    grads = net.gradient(x[:3], t[:3])
    train(net, x[:3], t[:3], iters_num=1, batch_size=3, learning_rate=0.5, seed=0)
    for key in before:
        np.testing.assert_allclose(net.params[key], before[key] - 0.5 * grads[key])


def test_replacement_sampling_repeats_samples():
    seen = []

    class Spy(TwoLayerNet):
        def gradient(self, xb, tb):
            seen.extend(map(tuple, xb.tolist()))
            return super().gradient(xb, tb)

    _, x, t = small_problem()
    train(Spy(2, 5, 2, seed=0), x, t, iters_num=6, batch_size=10, seed=0, sampling="replacement")
    assert len(set(seen)) < len(seen)  # 60 draws of 60 points: repeats are certain enough


def test_numerical_and_backprop_training_agree():
    histories = []
    for gradient in ("backprop", "fast_numerical", "numerical"):
        net, x, t = small_problem()
        histories.append(train(net, x, t, iters_num=20, batch_size=10, seed=0, gradient=gradient))
    np.testing.assert_allclose(histories[0].train_loss, histories[1].train_loss, rtol=1e-6)
    np.testing.assert_allclose(histories[1].train_loss, histories[2].train_loss, rtol=1e-9)


def test_loss_falls_on_learnable_data():
    x, t = toy_dataset("moons", n_samples=200, seed=0)
    net = TwoLayerNet(2, 20, 2, weight_init_std=1.0, seed=0)
    history = train(net, x, t, iters_num=2000, batch_size=20, learning_rate=1.0, seed=0)
    assert history.train_loss[-50:].mean() < 0.5 * history.train_loss[:50].mean()
    assert history.train_acc[-1] > 0.85


def test_divergence_stops_cleanly():
    class Exploding(TwoLayerNet):
        """A net whose third gradient overflows, as a far too large step would."""

        calls = 0

        def gradient(self, xb, tb):
            Exploding.calls += 1
            grads = super().gradient(xb, tb)
            if Exploding.calls == 3:
                grads["W2"] = grads["W2"] + np.inf
            return grads

    _, x, t = small_problem()
    calls = []
    net = Exploding(2, 5, 2, seed=0)
    history = train(
        net, x, t, iters_num=100, batch_size=10, seed=0, callback=lambda i, _: calls.append(i)
    )
    assert history.diverged
    assert len(history.train_loss) == 3 and calls == [1, 2, 3]
    assert not np.isfinite(history.train_loss[-1]) and np.isfinite(history.train_loss[:-1]).all()
    assert history.acc_iters.tolist() == [0]  # no accuracy is measured on a broken net


def test_callback_sees_every_iteration():
    net, x, t = small_problem()
    calls = []
    history = train(
        net, x, t, iters_num=9, batch_size=10, callback=lambda i, loss: calls.append((i, loss))
    )
    assert [i for i, _ in calls] == list(range(1, 10))
    assert [loss for _, loss in calls] == history.train_loss.tolist()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(gradient="adam"), "gradient must be one of"),
        (dict(gradient="numerical_loop"), "gradient must be one of"),
        (dict(sampling="random"), "sampling must be one of"),
        (dict(iters_num=-1), "iters_num"),
        (dict(batch_size=0), "batch_size"),
        (dict(batch_size=61), "larger than the training set"),
        (dict(learning_rate=0), "learning_rate"),
        (dict(learning_rate=float("nan")), "learning_rate"),
        (dict(x_test=np.zeros((2, 2))), "both x_test and t_test"),
    ],
)
def test_bad_arguments(kwargs, message):
    net, x, t = small_problem()
    with pytest.raises(ValueError, match=message):
        train(net, x, t, **kwargs)


def test_bad_data():
    net, x, t = small_problem()
    with pytest.raises(ValueError, match="match row for row"):
        train(net, x, t[:-1])
    with pytest.raises(ValueError, match="NaN"):
        train(net, np.where(x > 1, np.nan, x), t)
    with pytest.raises(ValueError, match=r"0\.\.1"):
        train(net, x, t + 1)
    with pytest.raises(ValueError, match="2-D"):
        train(net, x.ravel(), t)


def test_book_settings_reach_092_on_bundled_mnist():
    kwargs = {"source": "bundled"} if "source" in inspect.signature(load_mnist).parameters else {}
    (x_train, t_train), (x_test, t_test) = load_mnist(**kwargs)
    net = TwoLayerNet(784, 50, 10, seed=0)
    history = train(
        net,
        x_train,
        t_train,
        x_test=x_test,
        t_test=t_test,
        iters_num=5000,
        batch_size=100,
        learning_rate=0.1,
        seed=0,
    )
    assert history.test_acc[-1] >= 0.92
    assert history.train_acc[-1] >= history.test_acc[-1] - 0.02


def test_data_are_converted_once_for_the_network():
    calls = []

    class Counting(TwoLayerNet):
        def gradient(self, x, t):
            calls.append((x.dtype, x.flags.c_contiguous, t.dtype.kind))
            return super().gradient(x, t)

    _, x, t = small_problem()
    train(Counting(2, 5, 2, seed=0), x.astype(np.float32), np.eye(2)[t], iters_num=3, batch_size=10)
    assert calls == [(np.float64, True, "i")] * 3  # float64 inputs and integer labels


def test_gradient_choice_calls_the_named_function(monkeypatch):
    import zerotsuku.networks
    import zerotsuku.training

    walked, fast = [], []
    real = zerotsuku.networks.numerical_gradient
    real_fast = zerotsuku.training.fast_numerical_gradient

    def counting(f, x, h=1e-4):
        walked.append(x.size)
        return real(f, x, h)

    def counting_fast(network, x, t):
        fast.append(len(x))
        return real_fast(network, x, t)

    monkeypatch.setattr(zerotsuku.networks, "numerical_gradient", counting)
    monkeypatch.setattr(zerotsuku.training, "fast_numerical_gradient", counting_fast)
    net, x, t = small_problem()
    train(net, x, t, iters_num=2, batch_size=10, gradient="numerical")
    assert walked == [10, 5, 10, 2] * 2 and fast == []  # W1, b1, W2, b2, each iteration
    walked.clear()
    train(net, x, t, iters_num=2, batch_size=10, gradient="fast_numerical")
    assert walked == [] and fast == [10, 10]


def test_wrong_width_names_the_data_and_input_size():
    net, x, t = small_problem()
    with pytest.raises(ValueError, match=r"x_train has 3 features.*input_size=2"):
        train(net, np.zeros((60, 3)), t)
    with pytest.raises(ValueError, match=r"x_test has 4 features.*input_size=2"):
        train(net, x, t, x_test=np.zeros((5, 4)), t_test=t[:5])


def test_network_with_nan_parameters_is_refused_at_the_start():
    net, x, t = small_problem()
    net.params["W2"][0, 0] = np.nan
    with pytest.raises(ValueError, match=r"params\['W2'\].*re-create the network"):
        train(net, x, t, iters_num=5, batch_size=10)


@pytest.mark.parametrize("bad", [2.5, "10", None, True])
def test_batch_size_of_the_wrong_kind_is_a_type_error(bad):
    net, x, t = small_problem()
    with pytest.raises(TypeError, match="batch_size"):
        train(net, x, t, batch_size=bad)


@pytest.mark.parametrize("kwargs", [dict(seed=1.5), dict(seed="0"), dict(iters_num=2.0)])
def test_other_arguments_of_the_wrong_kind(kwargs):
    net, x, t = small_problem()
    with pytest.raises(TypeError, match=next(iter(kwargs))):
        train(net, x, t, batch_size=10, **kwargs)


class Stop(Exception):
    pass


@pytest.mark.parametrize("error", [KeyboardInterrupt, Stop])
def test_exception_from_callback_carries_the_history(error):
    net, x, t = small_problem()

    def callback(iteration, loss):
        if iteration == 8:
            raise error

    with pytest.raises(error) as caught:
        train(net, x, t, x_test=x, t_test=t, iters_num=50, batch_size=10, callback=callback)
    history = caught.value.history
    assert isinstance(history, TrainingHistory)
    assert len(history.train_loss) == 8 and np.isfinite(history.train_loss).all()
    assert history.acc_iters.tolist() == [0, 6] and len(history.test_acc) == 2
    assert not history.diverged and history.settings["iters_num"] == 50


class Tracked(TwoLayerNet):
    """Remembers the parameters before each gradient and the gradient it returned."""

    def gradient(self, x, t):
        self.before = {key: value.copy() for key, value in self.params.items()}
        self.grads = super().gradient(x, t)
        return self.grads

    def state(self, learning_rate):
        """For every parameter: "old", "new" or "other"."""
        states = {}
        for key, value in self.params.items():
            new = self.before[key] - learning_rate * self.grads[key]
            if np.array_equal(value, self.before[key]):
                states[key] = "old"
            elif np.array_equal(value, new):
                states[key] = "new"
            else:
                states[key] = "other"
        return states


class SignalOnUpdate(np.ndarray):
    """A parameter array that sends itself a Ctrl-C when it is updated in place."""

    armed = None  # the array that will signal, once

    def __isub__(self, other):
        result = super().__isub__(other)
        if self is SignalOnUpdate.armed:
            SignalOnUpdate.armed = None
            signal.raise_signal(signal.SIGINT)
        return result


def test_ctrl_c_during_an_update_leaves_it_whole():
    net, x, t = small_problem()
    net = Tracked(2, 5, 2, weight_init_std=0.5, seed=0)
    net.params = {key: value.view(SignalOnUpdate) for key, value in net.params.items()}

    def callback(iteration, loss):
        if iteration == 3:  # Ctrl-C right after W1 of update 4 is written
            SignalOnUpdate.armed = net.params["W1"]

    with pytest.raises(KeyboardInterrupt) as caught:
        train(net, x, t, iters_num=20, batch_size=10, callback=callback)
    assert set(net.state(0.1).values()) == {"new"}  # all four parameters got update 4
    assert len(caught.value.history.train_loss) == 3


def test_ctrl_c_inside_the_gradient_leaves_the_step_unapplied():
    class Interrupted(Tracked):
        calls = 0

        def gradient(self, x, t):
            grads = super().gradient(x, t)
            Interrupted.calls += 1
            if Interrupted.calls == 5:
                signal.raise_signal(signal.SIGINT)
            return grads

    _, x, t = small_problem()
    net = Interrupted(2, 5, 2, weight_init_std=0.5, seed=0)
    with pytest.raises(KeyboardInterrupt) as caught:
        train(net, x, t, iters_num=20, batch_size=10)
    assert set(net.state(0.1).values()) == {"old"}
    assert len(caught.value.history.train_loss) == 4


def test_settings_record_the_activation():
    net, x, t = small_problem()
    assert train(net, x, t, iters_num=2, batch_size=10, seed=0).settings["activation"] == "sigmoid"


@pytest.mark.parametrize("gradient", ["backprop", "numerical", "fast_numerical"])
def test_a_relu_net_trains_with_every_gradient(gradient):
    x, t = toy_dataset("gauss", n_samples=60, seed=0)
    net = TwoLayerNet(2, 5, 2, weight_init_std=0.5, activation="relu", seed=0)
    history = train(net, x, t, iters_num=30, batch_size=10, gradient=gradient, seed=0)
    assert history.settings["activation"] == "relu" and history.settings["gradient"] == gradient
    assert not history.diverged and history.train_acc[-1] > 0.9
    reference = TwoLayerNet(2, 5, 2, weight_init_std=0.5, activation="relu", seed=0)
    train(reference, x, t, iters_num=30, batch_size=10, gradient="backprop", seed=0)
    for key in net.params:  # the same run, up to the numerical gradient's error
        np.testing.assert_allclose(net.params[key], reference.params[key], atol=1e-6)


# ------------------------------------------------------------------ batch_indices


@pytest.mark.parametrize("sampling", ["epoch", "replacement"])
def test_train_takes_the_batches_of_batch_indices(sampling, monkeypatch):
    x, t = toy_dataset("gauss", n_samples=50, seed=0)
    seen = []
    real_gradient = TwoLayerNet.gradient

    def spy(self, x_batch, t_batch):
        seen.append(x_batch.copy())
        return real_gradient(self, x_batch, t_batch)

    monkeypatch.setattr(TwoLayerNet, "gradient", spy)
    train(TwoLayerNet(2, 3, 2, seed=0), x, t, iters_num=12, batch_size=8, seed=4, sampling=sampling)
    batches = list(batch_indices(50, 8, 12, sampling=sampling, rng=np.random.default_rng(4)))
    assert len(seen) == len(batches) == 12
    for x_batch, batch in zip(seen, batches, strict=True):
        np.testing.assert_array_equal(x_batch, x[batch])


def test_epoch_batches_use_each_sample_once_per_epoch():
    batches = list(batch_indices(10, 3, 6, rng=np.random.default_rng(0)))  # 3 batches an epoch
    assert [len(b) for b in batches] == [3] * 6
    for epoch in (batches[:3], batches[3:]):
        used = np.concatenate(epoch)
        assert len(set(used.tolist())) == 9 and used.max() < 10


@pytest.mark.parametrize(
    ("arguments", "error", "match"),
    [
        (
            {"train_size": 5, "batch_size": 6},
            ValueError,
            "batch_size 6 is larger than the training",
        ),
        ({"batch_size": 0}, ValueError, "batch_size must be a whole number >= 1"),
        ({"batch_size": 2.0}, TypeError, "batch_size must be a whole number"),
        ({"train_size": 0}, ValueError, "train_size"),
        ({"iters_num": -1}, ValueError, "iters_num"),
        ({"sampling": "shuffle"}, ValueError, "sampling must be one of"),
        ({"rng": 0}, TypeError, "rng must be a numpy.random.Generator"),
    ],
)
def test_bad_batch_arguments_are_named(arguments, error, match):
    arguments = {
        "train_size": 10,
        "batch_size": 2,
        "iters_num": 3,
        "rng": np.random.default_rng(0),
        **arguments,
    }
    with pytest.raises(error, match=match):
        batch_indices(**arguments)


def test_loss_or_nan_is_nan_only_for_a_diverged_network():
    net = TwoLayerNet(2, 3, 2, seed=0)
    x, t = np.zeros((4, 2)), np.array([0, 1, 0, 1])
    assert loss_or_nan(net, x, t) == pytest.approx(np.log(2))
    with pytest.raises(ValueError, match="one-hot|labels"):
        loss_or_nan(net, x, np.array([0, 1, 2, 1]))  # a bad label is not divergence
    net.params["b1"][0] = np.nan
    assert np.isnan(loss_or_nan(net, x, t))
