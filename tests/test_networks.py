import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zerotsuku.functions import cross_entropy_error, relu, sigmoid, softmax
from zerotsuku.networks import SimpleNet, TwoLayerNet

# The book's printed simpleNet example (§4.4.2).
BOOK_W = [[0.47355232, 0.9977393, 0.84668094], [0.85557411, 0.03563661, 0.69422093]]


def rel_error(a, b):
    return np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b))


def test_simple_net_book_example():
    net = SimpleNet(BOOK_W)
    x = np.array([0.6, 0.9])
    np.testing.assert_allclose(net.predict(x), [1.05414809, 0.63071653, 1.1328074], atol=1e-8)
    assert net.loss(x, np.array([0, 0, 1])) == pytest.approx(0.92806853, abs=1e-6)
    grad = net.numerical_gradient(x, np.array([0, 0, 1]))
    np.testing.assert_allclose(
        grad,
        [[0.21924763, 0.14356247, -0.36281009], [0.32887144, 0.2153437, -0.54421514]],
        atol=1e-6,
    )


def test_simple_net_shapes_and_seed():
    np.testing.assert_array_equal(SimpleNet(seed=1).W, SimpleNet(seed=1).W)
    with pytest.raises(ValueError, match=r"\(2, 3\)"):
        SimpleNet(np.zeros((3, 2)))


def test_two_layer_net_params():
    net = TwoLayerNet(4, 3, 2, weight_init_std=0.5, seed=0)
    assert {k: v.shape for k, v in net.params.items()} == {
        "W1": (4, 3),
        "b1": (3,),
        "W2": (3, 2),
        "b2": (2,),
    }
    assert all(v.dtype == np.float64 for v in net.params.values())
    assert not net.params["b1"].any() and not net.params["b2"].any()
    assert 0.2 < net.params["W1"].std() < 1.0
    again = TwoLayerNet(4, 3, 2, weight_init_std=0.5, seed=0)
    for key in net.params:
        np.testing.assert_array_equal(net.params[key], again.params[key])


def test_predict_is_affine_sigmoid_affine_softmax():
    net = TwoLayerNet(3, 4, 2, weight_init_std=1.0, seed=3)
    x = np.random.default_rng(0).random((5, 3))
    p = net.params
    expected = softmax(sigmoid(x @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"])
    np.testing.assert_allclose(net.predict(x), expected)
    np.testing.assert_allclose(net.predict(x[0]), expected[0])
    assert net.loss(x, [0, 1, 0, 1, 1]) == pytest.approx(
        cross_entropy_error(expected, [0, 1, 0, 1, 1])
    )


def test_accuracy_with_labels_and_one_hot():
    net = TwoLayerNet(2, 3, 2, seed=0)
    x = np.random.default_rng(1).random((6, 2))
    guess = net.predict(x).argmax(axis=1)
    assert net.accuracy(x, guess) == 1.0
    assert net.accuracy(x, np.eye(2)[1 - guess]) == 0.0


@settings(max_examples=15, deadline=None)
@given(
    st.integers(1, 5),
    st.integers(1, 5),
    st.integers(2, 4),
    st.integers(1, 4),
    st.integers(0, 2**31 - 1),
)
def test_backprop_matches_numerical_gradient(n_in, n_hidden, n_out, batch, seed):
    net = TwoLayerNet(n_in, n_hidden, n_out, weight_init_std=0.5, seed=seed)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, n_in))
    t = rng.integers(0, n_out, batch)
    numeric = net.numerical_gradient(x, t)
    backprop = net.gradient(x, t)
    for key in net.params:
        assert numeric[key].shape == net.params[key].shape
        assert rel_error(numeric[key], backprop[key]) <= 1e-6, key


def test_numerical_gradient_leaves_params_untouched():
    net = TwoLayerNet(3, 2, 2, seed=0)
    before = {k: v.tobytes() for k, v in net.params.items()}
    net.numerical_gradient(np.ones((2, 3)), [0, 1])
    assert {k: v.tobytes() for k, v in net.params.items()} == before


@pytest.mark.parametrize(
    "x, t, error, message",
    [
        (np.ones((2, 3)), [0, 1], ValueError, r"input_size=2.*\(2, 3\)"),
        (np.array([[np.nan, 1.0]]), [0], ValueError, "NaN"),
        (np.ones((2, 2)), [0, 2], ValueError, r"0\.\.1"),
        (np.ones((2, 2)), [0], ValueError, r"shape \(2,\)"),
        (np.ones((2, 2)), [[1, 1], [0, 1]], ValueError, "one-hot"),
        (np.array([["a", "b"]]), [0], TypeError, "real numbers"),
    ],
)
def test_bad_inputs_name_the_problem(x, t, error, message):
    net = TwoLayerNet(2, 3, 2, seed=0)
    for method in (net.loss, net.accuracy, net.gradient, net.numerical_gradient):
        with pytest.raises(error, match=message):
            method(x, t)


@pytest.mark.parametrize(
    "args, message",
    [
        ((0, 3, 2), "input_size"),
        ((2, -1, 2), "hidden_size"),
        ((2, 3, 2, -0.1), "weight_init_std"),
        ((2, 3, 2, float("nan")), "weight_init_std"),
    ],
)
def test_bad_sizes(args, message):
    with pytest.raises(ValueError, match=message):
        TwoLayerNet(*args)


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        ((2, 3, 2.5), {}, "output_size"),
        ((2, 3, 2, "0.01"), {}, "weight_init_std"),
        ((2, 3, 2, None), {}, "weight_init_std"),
        ((2, 3, 2), {"seed": 1.5}, "seed"),
        ((2, 3, 2), {"seed": "0"}, "seed"),
    ],
)
def test_arguments_of_the_wrong_kind(args, kwargs, message):
    with pytest.raises(TypeError, match=message):
        TwoLayerNet(*args, **kwargs)


def test_broken_parameters_are_reported_not_propagated():
    net = TwoLayerNet(2, 3, 2, seed=0)
    net.params["W2"][0, 0] = np.nan
    for method in (net.predict, lambda x: net.accuracy(x, [0]), lambda x: net.gradient(x, [0])):
        with pytest.raises(ValueError, match=r"params\['W2'\] contains NaN"):
            method(np.ones((1, 2)))


# Bad inputs of issue 9: each of these slipped through before.


@pytest.mark.parametrize(
    "W, error, message",
    [
        ([[np.nan, 0, 0], [0, 0, 0]], ValueError, "W contains NaN"),
        ([[np.inf, 0, 0], [0, 0, 0]], ValueError, "W contains infinity"),
        (np.ones((2, 3)) * 1j, TypeError, "W must hold real numbers"),
        ([[1, 2, 3], [4, 5]], TypeError, "rectangular"),
        ("W", TypeError, "real numbers"),
    ],
)
def test_simple_net_refuses_weights_that_are_not_finite_real_numbers(W, error, message):
    with pytest.raises(error, match=message):
        SimpleNet(W)


def test_simple_net_keeps_its_own_copy_of_W():
    W = np.array(BOOK_W)
    net = SimpleNet(W)
    W[0, 0] = 100.0
    assert net.W[0, 0] == BOOK_W[0][0]


def test_empty_batches_are_refused_by_every_averaging_method():
    net = TwoLayerNet(2, 3, 2, seed=0)
    empty = np.zeros((0, 2))
    for method in (net.loss, net.accuracy, net.gradient, net.numerical_gradient):
        with pytest.raises(ValueError, match="nothing to average over"):
            method(empty, np.zeros(0, dtype=int))
    assert net.predict(empty).shape == (0, 2)  # predictions of no samples: none


# NaN or inf reaches the first layer's product before it is reported (see
# TwoLayerNet._check_inputs), and numpy warns there: the error that follows is the point.
@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_inputs_are_refused(bad):
    net = TwoLayerNet(2, 3, 2, weight_init_std=0.0, seed=0)  # 0 * inf is NaN: still caught
    x = np.array([[0.5, bad], [0.1, 0.2]])
    for method in (net.predict, lambda x: net.loss(x, [0, 1]), lambda x: net.gradient(x, [0, 1])):
        with pytest.raises(ValueError, match=r"x contains (NaN|infinity)"):
            method(x)


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
@pytest.mark.parametrize("key", ["W1", "b1", "W2", "b2"])
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_every_broken_parameter_is_named(key, bad):
    net = TwoLayerNet(2, 3, 2, seed=0)
    net.params[key].flat[0] = bad
    x = np.array([[0.0, 0.0], [1.0, 2.0]])  # x = 0 hides nothing: 0 * inf is NaN
    for method in (net.predict, lambda x: net.loss(x, [0, 1]), lambda x: net.gradient(x, [0, 1])):
        with pytest.raises(ValueError, match=rf"params\['{key}'\] contains NaN or infinity"):
            method(x)


def test_inputs_that_overflow_the_layer_are_reported():
    net = TwoLayerNet(2, 3, 2, weight_init_std=10.0, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numpy's own "overflow encountered in dot"
        with pytest.raises(ValueError, match=r"overflowed \(largest \|x\| is 1e\+308\)"):
            net.predict(np.array([[1e308, -1e308]]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isfinite(net.predict(np.array([[1e300, 1e300]]))).all()


def test_labels_with_inf_are_refused():
    net = TwoLayerNet(2, 3, 2, seed=0)
    for method in (net.loss, net.accuracy, net.gradient):
        with pytest.raises(ValueError, match="whole numbers"):
            method(np.ones((2, 2)), [0.0, np.inf])


def test_activation_is_sigmoid_by_default_and_checked():
    assert TwoLayerNet(2, 3, 2, seed=0).activation == "sigmoid"
    with pytest.raises(ValueError, match=r"activation must be one of \('sigmoid', 'relu'\)"):
        TwoLayerNet(2, 3, 2, activation="tanh")
    with pytest.raises(TypeError, match="activation"):
        TwoLayerNet(2, 3, 2, activation=None)


def test_the_activation_does_not_change_the_start_weights():
    sigmoid_net = TwoLayerNet(3, 4, 2, weight_init_std=1.0, seed=3)
    relu_net = TwoLayerNet(3, 4, 2, weight_init_std=1.0, activation="relu", seed=3)
    for key in sigmoid_net.params:
        np.testing.assert_array_equal(sigmoid_net.params[key], relu_net.params[key])


def test_predict_is_affine_relu_affine_softmax():
    net = TwoLayerNet(3, 4, 2, weight_init_std=1.0, activation="relu", seed=3)
    x = np.random.default_rng(0).standard_normal((5, 3))
    p = net.params
    expected = softmax(relu(x @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"])
    np.testing.assert_allclose(net.predict(x), expected)
    assert not np.allclose(expected, TwoLayerNet(3, 4, 2, weight_init_std=1.0, seed=3).predict(x))
    assert net.loss(x, [0, 1, 0, 1, 1]) == pytest.approx(
        cross_entropy_error(expected, [0, 1, 0, 1, 1])
    )


def away_from_the_kink(net, x, h=1e-4):
    """The rows of ``x`` whose hidden pre-activations all lie well outside (-step, step).

    A central difference with step h moves a1[n, j] by at most h * max(1, |x[n]|) (the
    nudge of W1[i, j] moves it by h * x[n, i], that of b1[j] by h). If that straddles
    a1 = 0, it averages ReLU's two slopes (0 and 1) where backprop takes one of them,
    so only rows clear of the kink by a wide margin are kept.
    """
    a1 = x @ net.params["W1"] + net.params["b1"]
    reach = h * np.maximum(1.0, np.abs(x).max(axis=1))
    return x[np.abs(a1).min(axis=1) > 100 * reach]


@settings(max_examples=15, deadline=None)
@given(
    st.integers(1, 5),
    st.integers(1, 6),
    st.integers(2, 4),
    st.integers(1, 6),
    st.integers(0, 2**31 - 1),
)
def test_relu_backprop_matches_both_numerical_gradients(n_in, n_hidden, n_out, batch, seed):
    from zerotsuku.fast_gradient import fast_numerical_gradient

    net = TwoLayerNet(n_in, n_hidden, n_out, weight_init_std=0.5, activation="relu", seed=seed)
    rng = np.random.default_rng(seed)
    x = away_from_the_kink(net, rng.standard_normal((20 * batch, n_in)))[:batch]
    if len(x) == 0:
        return  # every draw came close to a kink (rare: tiny nets with b1 = 0)
    t = rng.integers(0, n_out, len(x))
    backprop = net.gradient(x, t)
    loop = net.numerical_gradient(x, t)
    fast = fast_numerical_gradient(net, x, t)
    for key in net.params:
        assert rel_error(loop[key], backprop[key]) <= 1e-6, key
        assert rel_error(fast[key], backprop[key]) <= 1e-6, key


def test_relu_gradients_on_a_small_net():
    from zerotsuku.fast_gradient import fast_numerical_gradient

    net = TwoLayerNet(2, 6, 3, weight_init_std=1.0, activation="relu", seed=0)
    x = away_from_the_kink(net, np.random.default_rng(1).uniform(-2, 2, (200, 2)))[:20]
    t = np.arange(len(x)) % 3
    assert len(x) == 20
    backprop = net.gradient(x, t)
    z1 = relu(x @ net.params["W1"] + net.params["b1"])
    assert (z1 == 0).any() and (z1 > 0).any()  # both sides of the kink are exercised
    for numeric in (net.numerical_gradient(x, t), fast_numerical_gradient(net, x, t)):
        for key in net.params:
            assert rel_error(numeric[key], backprop[key]) <= 1e-6, key


def test_at_the_kink_the_central_difference_averages_the_two_slopes():
    # One hidden unit with a1 = 0 exactly: ReLU's slope is 0 left of it and 1 right of
    # it; the central difference sees half of each, backprop takes relu_grad(0) = 0.
    net = TwoLayerNet(1, 1, 2, activation="relu", seed=0)
    net.params["W1"][:] = 1.0
    net.params["W2"][:] = [[1.0, -1.0]]
    x, t = np.zeros((1, 1)), [0]
    numeric, backprop = net.numerical_gradient(x, t)["b1"], net.gradient(x, t)["b1"]
    assert backprop[0] == 0.0
    # dL/dz1 is -1 at z1 = 0 (scores z1 and -z1, class 0): half of it, up to O(h) curvature
    assert numeric[0] == pytest.approx(-0.5, abs=1e-4)
