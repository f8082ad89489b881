import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import zerotsuku.fast_gradient as fast_gradient
from zerotsuku.datasets import load_mnist, to_one_hot
from zerotsuku.fast_gradient import fast_numerical_gradient
from zerotsuku.gradient import numerical_gradient
from zerotsuku.networks import SimpleNet, TwoLayerNet

STRATEGIES = ("by size", "stacked", "structured")


def two_ways(net, x, t, strategy="by size", h=1e-4):
    """fast_numerical_gradient, with the choice between its two evaluations forced."""
    with pytest.MonkeyPatch.context() as patch:
        if strategy == "stacked":
            patch.setattr(fast_gradient, "_STACKED_UP_TO", np.inf)
        elif strategy == "structured":
            patch.setattr(fast_gradient, "_STACKED_UP_TO", 0)
        return fast_numerical_gradient(net, x, t, h=h)


def rel_error(a, b):
    """Norm-based relative error ||a - b|| / (||a|| + ||b||), 0 when both are 0."""
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return np.linalg.norm(a - b) / scale if scale else 0.0


def make_case(sizes, batch, std, seed, zeros=0.0, one_hot=False):
    """A net and a batch; ``zeros`` of the inputs set to 0 as in MNIST's blank border."""
    net = TwoLayerNet(*sizes, weight_init_std=std, seed=seed)
    rng = np.random.default_rng(seed + 1)
    x = rng.random((batch, sizes[0]))
    x[rng.random(x.shape) < zeros] = 0.0
    t = rng.integers(0, sizes[2], batch)
    return net, x, (to_one_hot(t, sizes[2]) if one_hot else t)


# Each case has gradients well above the loop's own rounding error (about 1e-12 per
# element, see test_tiny_gradients_agree_within_the_loops_rounding), so the relative
# error between the two methods measures the fast method, not the noise of the loop.
CASES = {
    "2-3-2 batch 10": dict(sizes=(2, 3, 2), batch=10, std=1.0, seed=0),
    "2-3-2 batch 10, one-hot": dict(sizes=(2, 3, 2), batch=10, std=1.0, seed=1, one_hot=True),
    "odd 5-7-3 batch 13": dict(sizes=(5, 7, 3), batch=13, std=0.5, seed=2),
    "1 sample": dict(sizes=(3, 4, 5), batch=1, std=1.0, seed=3),
    "large weights": dict(sizes=(4, 6, 3), batch=9, std=10.0, seed=4),
    "sparse inputs, 12 classes": dict(sizes=(30, 11, 12), batch=25, std=0.3, seed=5, zeros=0.6),
    "wide hidden layer": dict(sizes=(8, 40, 4), batch=20, std=0.5, seed=6, zeros=0.3),
}


@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("case", CASES)
def test_agrees_with_the_element_loop(case, strategy):
    net, x, t = make_case(**CASES[case])
    loop = net.numerical_gradient(x, t)
    fast = two_ways(net, x, t, strategy)
    assert fast.keys() == loop.keys()
    for key in loop:
        assert fast[key].shape == loop[key].shape
        assert rel_error(fast[key], loop[key]) <= 1e-8, key


def test_agrees_on_real_digits_with_the_books_initial_weights():
    (x, t), _ = load_mnist(source="bundled")  # float32 pixels, four in five of them 0
    net = TwoLayerNet(784, 5, 10, weight_init_std=0.01, seed=0)
    loop = net.numerical_gradient(x[:8], t[:8])
    for strategy in STRATEGIES:
        fast = two_ways(net, x[:8], t[:8], strategy)
        for key in loop:
            assert rel_error(fast[key], loop[key]) <= 1e-8, (strategy, key)


def test_one_sample_given_as_a_vector():
    net, x, t = make_case(**CASES["1 sample"])
    fast = fast_numerical_gradient(net, x[0], t[0])
    loop = net.numerical_gradient(x[0], t[0])
    for key in loop:
        assert rel_error(fast[key], loop[key]) <= 1e-8


def test_tiny_gradients_agree_within_the_loops_rounding():
    # With the book's weight_init_std=0.01 the b1 gradient of a 2-3-2 net is ~1e-7.
    # The loop's own result then carries rounding error of ~1e-12 per element (each
    # loss has ~1e-16 relative error, divided by 2h = 2e-4), which is ~1e-6 of the
    # gradient: no other method can agree with it to 1e-8 relatively there. Both
    # methods must then agree in absolute terms, to well within that error.
    net, x, t = make_case((2, 3, 2), batch=10, std=0.01, seed=53)
    loop = net.numerical_gradient(x, t)
    for strategy in STRATEGIES:
        fast = two_ways(net, x, t, strategy)
        for key in loop:
            np.testing.assert_allclose(fast[key], loop[key], rtol=0, atol=1e-11)
            if key != "b1":
                assert rel_error(fast[key], loop[key]) <= 1e-8, (strategy, key)


def test_inputs_that_are_zero_give_exactly_zero_rows():
    net, x, t = make_case((6, 4, 3), batch=8, std=1.0, seed=7)
    x[:, 2] = 0.0  # like an MNIST border pixel blank in the whole batch
    for strategy in STRATEGIES:
        fast = two_ways(net, x, t, strategy)
        assert not fast["W1"][2].any()
    assert not net.numerical_gradient(x, t)["W1"][2].any()


@pytest.mark.parametrize("chunk_bytes", (1, 3000))
def test_chunks_of_the_structured_way_give_the_same_result(chunk_bytes, monkeypatch):
    # The stacked way has no chunks: it is used only while all its nudged sets are small.
    strategy = "structured"
    net, x, t = make_case(**CASES["sparse inputs, 12 classes"])
    whole = two_ways(net, x, t, strategy)
    calls = []
    loss_terms = fast_gradient._loss_terms

    def counting(*args, **kwargs):
        calls.append(1)
        return loss_terms(*args, **kwargs)

    monkeypatch.setattr(fast_gradient, "_loss_terms", counting)
    monkeypatch.setattr(fast_gradient, "_CHUNK_BYTES", chunk_bytes)
    chunked = two_ways(net, x, t, strategy)
    assert len(calls) > 10  # many chunks were evaluated, not one batch
    for key in whole:
        assert rel_error(chunked[key], whole[key]) <= 1e-13


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_params_are_left_untouched_bit_for_bit(strategy):
    net, x, t = make_case(**CASES["large weights"])
    arrays = dict(net.params)
    before = {key: value.copy() for key, value in net.params.items()}
    two_ways(net, x, t, strategy)
    for key, value in net.params.items():
        assert value is arrays[key]
        assert value.tobytes() == before[key].tobytes()


def test_other_step_sizes_match_the_loop():
    net, x, t = make_case(**CASES["odd 5-7-3 batch 13"])
    fast = fast_numerical_gradient(net, x, t, h=1e-3)
    for key, value in net.params.items():
        loop = numerical_gradient(lambda _: net.loss(x, t), value, h=1e-3)
        assert rel_error(fast[key], loop) <= 1e-8


def test_integer_and_float32_inputs():
    net, x, t = make_case((5, 4, 3), batch=6, std=1.0, seed=8)
    for inputs in ((x > 0.5).astype(np.int64), x.astype(np.float32)):
        fast = fast_numerical_gradient(net, inputs, t)
        loop = net.numerical_gradient(inputs, t)
        for key in loop:
            assert rel_error(fast[key], loop[key]) <= 1e-8


def test_bad_input_is_refused_by_the_fast_gradient_too():
    net, x, t = make_case((2, 3, 2), batch=4, std=1.0, seed=0)
    x[1, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        fast_numerical_gradient(net, x, t)
    with pytest.raises(ValueError, match="labels in t must lie in 0..1"):
        fast_numerical_gradient(net, np.ones((4, 2)), [0, 1, 2, 0])
    with pytest.raises(ValueError, match="shape"):
        fast_numerical_gradient(net, np.ones((4, 3)), [0, 1, 1, 0])
    with pytest.raises(ValueError, match="nothing to average"):
        fast_numerical_gradient(net, np.ones((0, 2)), [])


def test_arguments_of_the_function_are_checked():
    net, x, t = make_case((2, 3, 2), batch=4, std=1.0, seed=0)
    with pytest.raises(ValueError, match="h must be a finite number > 0"):
        fast_numerical_gradient(net, x, t, h=0.0)
    with pytest.raises(TypeError, match="h must be a number"):
        fast_numerical_gradient(net, x, t, h="1e-4")
    with pytest.raises(TypeError, match="must be a TwoLayerNet"):
        fast_numerical_gradient(SimpleNet(seed=0), x, t)
    net.params["W2"][0, 0] = 1e13  # x + 1e-4 == x there: the loop refuses it, and so do we
    with pytest.raises(ValueError, match="too small for x"):
        fast_numerical_gradient(net, x, t)
    net.params["W2"][0, 0] = np.inf
    with pytest.raises(ValueError, match=r"params\['W2'\] contains NaN or infinity"):
        fast_numerical_gradient(net, x, t)


def test_small_nets_are_stacked_and_large_ones_use_the_structure(monkeypatch):
    used = []
    for name in ("_stacked", "_structured"):
        original = getattr(fast_gradient, name)

        def spy(*args, _name=name, _original=original):
            used.append(_name)
            return _original(*args)

        monkeypatch.setattr(fast_gradient, name, spy)
    for sizes, batch in (((2, 3, 2), 10), ((784, 50, 10), 100)):
        net = TwoLayerNet(*sizes, seed=0)
        x = np.random.default_rng(0).random((batch, sizes[0]))
        fast_numerical_gradient(net, x, np.zeros(batch, dtype=np.int64))
    assert used == ["_stacked", "_structured"]


@settings(max_examples=40, deadline=None)
@given(
    sizes=st.tuples(st.integers(1, 6), st.integers(1, 6), st.integers(2, 5)),
    batch=st.integers(1, 8),
    std=st.sampled_from([0.3, 1.0, 3.0]),
    zeros=st.sampled_from([0.0, 0.5]),
    seed=st.integers(0, 2**16),
    strategy=st.sampled_from(STRATEGIES),
)
def test_agreement_on_random_nets(sizes, batch, std, zeros, seed, strategy):
    net, x, t = make_case(sizes, batch, std, seed, zeros=zeros)
    loop = net.numerical_gradient(x, t)
    fast = two_ways(net, x, t, strategy)
    # The loop's own rounding error: ~eps * loss / h per element (see above).
    floor = 16 * np.finfo(float).eps * max(1.0, net.loss(x, t)) / 1e-4
    for key in loop:
        error = np.linalg.norm(fast[key] - loop[key])
        scale = np.linalg.norm(fast[key]) + np.linalg.norm(loop[key])
        assert error <= 1e-8 * scale + floor * np.sqrt(loop[key].size), key


@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("case", ["2-3-2 batch 10", "odd 5-7-3 batch 13", "wide hidden layer"])
def test_relu_nets_agree_with_the_element_loop(case, strategy):
    # Both evaluate the same nudged values, so they agree even where a nudge crosses
    # ReLU's kink (only backprop differs there; see tests/test_networks.py).
    net, x, t = make_case(**CASES[case])
    relu_net = TwoLayerNet(
        net.input_size, net.hidden_size, net.output_size, activation="relu", seed=0
    )
    relu_net.params = {key: value.copy() for key, value in net.params.items()}
    relu_net.params["b1"] += np.linspace(-0.5, 0.5, net.hidden_size)  # some units dead
    loop = relu_net.numerical_gradient(x, t)
    fast = two_ways(relu_net, x, t, strategy)
    sigmoid_fast = two_ways(net, x, t, strategy)
    for key in loop:
        assert rel_error(fast[key], loop[key]) <= 1e-8, key
        assert rel_error(fast[key], sigmoid_fast[key]) > 1e-3, key
