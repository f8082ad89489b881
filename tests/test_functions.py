import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from zerotsuku.functions import (
    cross_entropy_error,
    identity_function,
    relu,
    relu_grad,
    sigmoid,
    sigmoid_grad,
    softmax,
    step_function,
    sum_squared_error,
    to_labels,
)

# The book's 10-class example (§4.2): the answer is digit 2.
Y_GOOD = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
Y_BAD = np.array([0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0])
T = np.eye(10)[2]

finite = st.floats(-50, 50, allow_nan=False)
rows = arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(2, 6)), elements=finite)


def test_identity_and_step():
    x = np.array([-1.0, 0.0, 2.5])
    assert identity_function(x).tolist() == [-1.0, 0.0, 2.5]
    assert identity_function(x) is not x
    assert step_function(x).tolist() == [0, 0, 1]
    assert step_function(x).dtype.kind == "i"


def test_sigmoid_values_and_no_overflow_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = sigmoid(np.array([-1000.0, -1.0, 0.0, 1.0, 1000.0]))
    np.testing.assert_allclose(s, [0.0, 1 / (1 + np.e), 0.5, 1 / (1 + np.exp(-1)), 1.0])


@given(arrays(np.float64, st.integers(1, 20), elements=st.floats(-30, 30)))
def test_sigmoid_matches_textbook_formula_and_symmetry(x):
    np.testing.assert_allclose(sigmoid(x), 1 / (1 + np.exp(-x)), rtol=1e-12)
    np.testing.assert_allclose(sigmoid(-x), 1 - sigmoid(x), atol=1e-15)


def test_sigmoid_grad_is_derivative():
    x = np.linspace(-5, 5, 11)
    h = 1e-5
    np.testing.assert_allclose(
        sigmoid_grad(x), (sigmoid(x + h) - sigmoid(x - h)) / (2 * h), atol=1e-9
    )
    assert float(sigmoid_grad(0.0)) == 0.25


def test_relu_and_grad():
    x = np.array([-2.0, 0.0, 3.0])
    assert relu(x).tolist() == [0.0, 0.0, 3.0]
    assert relu_grad(x).tolist() == [0.0, 0.0, 1.0]


def test_integer_input_is_cast_and_text_refused():
    assert sigmoid(np.array([0, 0])).tolist() == [0.5, 0.5]
    with pytest.raises(TypeError, match="real numbers"):
        sigmoid(np.array(["a"]))


@pytest.mark.parametrize("f", [sigmoid, relu, softmax, step_function, identity_function])
def test_nan_input_is_refused(f):
    with pytest.raises(ValueError, match="NaN"):
        f(np.array([1.0, np.nan]))


def test_softmax_book_example_and_large_values():
    np.testing.assert_allclose(
        softmax(np.array([0.3, 2.9, 4.0])), [0.01821, 0.24519, 0.73660], atol=1e-5
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        big = softmax(np.array([1010.0, 1000.0, 990.0]))
    assert np.isfinite(big).all() and big.argmax() == 0 and abs(big.sum() - 1) < 1e-12


def test_softmax_is_per_row_in_a_batch():
    batch = np.array([[1000.0, 0.0], [0.0, 0.0]])
    np.testing.assert_allclose(softmax(batch), [[1.0, 0.0], [0.5, 0.5]])


def test_softmax_refuses_scalar_and_infinity():
    with pytest.raises(ValueError, match="scalar"):
        softmax(1.0)
    with pytest.raises(ValueError, match="infinity"):
        softmax(np.array([np.inf, 0.0]))


@given(rows, st.floats(-1000, 1000))
def test_softmax_sums_to_one_and_is_shift_invariant(x, c):
    y = softmax(x)
    np.testing.assert_allclose(y.sum(axis=-1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(softmax(x + c), y, rtol=1e-9, atol=1e-300)


def test_sum_squared_error_book_values():
    assert round(float(sum_squared_error(Y_GOOD, T)), 4) == 0.0975
    assert round(float(sum_squared_error(Y_BAD, T)), 4) == 0.5975
    with pytest.raises(ValueError, match=r"same shape.*\(10,\).*\(3,\)"):
        sum_squared_error(Y_GOOD, np.zeros(3))


def test_cross_entropy_book_values():
    assert round(cross_entropy_error(Y_GOOD, T), 4) == 0.5108
    assert round(cross_entropy_error(Y_BAD, T), 4) == 2.3026
    assert cross_entropy_error(Y_GOOD, 2) == cross_entropy_error(Y_GOOD, T)


def test_cross_entropy_is_mean_over_batch_with_guard():
    y = np.array([[0.5, 0.5], [1.0, 0.0]])
    expected = -(np.log(0.5 + 1e-7) + np.log(0.0 + 1e-7)) / 2
    assert cross_entropy_error(y, np.array([0, 1])) == pytest.approx(expected, rel=1e-12)


@given(rows, st.data())
def test_cross_entropy_one_hot_and_label_forms_agree(x, data):
    y = softmax(x)
    labels = np.array(
        data.draw(st.lists(st.integers(0, y.shape[1] - 1), min_size=len(y), max_size=len(y)))
    )
    assert cross_entropy_error(y, labels) == pytest.approx(
        cross_entropy_error(y, np.eye(y.shape[1])[labels])
    )


@pytest.mark.parametrize(
    "t, message",
    [
        (np.array([[1, 1], [0, 1]]), r"row 0 is \[1, 1\]"),
        (np.array([[0, 0], [0, 1]]), r"row 0 is \[0, 0\]"),
        (np.array([0, 2]), r"0\.\.1"),
        (np.array([0, -1]), r"0\.\.1"),
        (np.array([0.5, 1.0]), "whole numbers"),
        (np.array([0, 1, 1]), r"shape \(2,\)"),
        (np.array([np.nan, 1.0]), "NaN"),
    ],
)
def test_cross_entropy_rejects_bad_targets(t, message):
    y = np.array([[0.5, 0.5], [0.2, 0.8]])
    with pytest.raises(ValueError, match=message):
        cross_entropy_error(y, t)


def test_cross_entropy_rejects_bad_probabilities():
    with pytest.raises(ValueError, match="probabilities"):
        cross_entropy_error(np.array([-0.1, 1.1]), 0)
    with pytest.raises(ValueError, match="NaN"):
        cross_entropy_error(np.array([np.nan, 1.0]), 0)
    with pytest.raises(ValueError, match="1-D .* 2-D"):
        cross_entropy_error(np.ones((2, 2, 2)) / 2, np.zeros((2, 2), dtype=int))


def test_to_labels_shapes():
    assert to_labels(1, (3,)).tolist() == [1]
    assert to_labels([[0, 1], [1, 0]], (2, 2)).tolist() == [1, 0]
    with pytest.raises(TypeError, match="numbers"):
        to_labels(np.array(["a", "b"]), (2, 2))


# Bad inputs of issue 9: each of these slipped through before.


def test_inputs_near_the_float64_limit_give_no_warnings_and_the_right_values():
    big = np.array([-1e308, 1e308])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(sigmoid(big), [0.0, 1.0])
        np.testing.assert_array_equal(sigmoid_grad(big), [0.0, 0.0])
        np.testing.assert_array_equal(softmax(big), [0.0, 1.0])
        np.testing.assert_array_equal(softmax(np.array([[1e308, 1e308], [-1e308, -1e308]])), 0.5)
        np.testing.assert_array_equal(relu(big), [0.0, 1e308])
        np.testing.assert_array_equal(relu_grad(big), [0.0, 1.0])
        np.testing.assert_array_equal(step_function(big), [0, 1])
        np.testing.assert_array_equal(identity_function(big), big)
        assert sum_squared_error(big, -big) == np.inf  # the true value is beyond float64
        assert cross_entropy_error(np.array([0.0, 1.0]), 0) == pytest.approx(-np.log(1e-7))


def test_scores_that_are_not_probabilities_are_refused():
    for scores, t in (([[3.0, 5.0]], [1]), ([0.2, 0.2], 0), ([[1.5, -0.5]], [0])):
        with pytest.raises(ValueError, match=r"probabilities.*softmax\(scores\)"):
            cross_entropy_error(scores, t)
    assert cross_entropy_error([[0.3, 0.7]], [1]) == pytest.approx(-np.log(0.7 + 1e-7))
    assert cross_entropy_error([[0.333, 0.333, 0.333]], [1]) > 0  # rounded probabilities pass


def test_empty_batches_are_refused_where_a_mean_is_taken():
    with pytest.raises(ValueError, match="nothing to average over.*at least one sample"):
        cross_entropy_error(np.zeros((0, 3)), np.zeros(0, dtype=int))
    with pytest.raises(ValueError, match="nothing to average over"):
        cross_entropy_error(np.zeros((0, 3)), np.zeros((0, 3)))
    assert softmax(np.zeros((0, 3))).shape == (0, 3)  # no mean: an empty batch is fine


@pytest.mark.parametrize("bad", [np.inf, -np.inf, np.nan, 0.5])
def test_labels_that_are_not_whole_numbers(bad):
    with pytest.raises(ValueError, match="whole numbers"):
        cross_entropy_error([[0.5, 0.5], [0.5, 0.5]], [0.0, bad])


def test_ragged_lists_are_a_type_error():
    for f in (sigmoid, relu, softmax, identity_function):
        with pytest.raises(TypeError, match="rectangular"):
            f([[1.0, 2.0], [3.0]])
    with pytest.raises(TypeError, match="rectangular"):
        cross_entropy_error([[0.5, 0.5], [1.0]], [0, 0])
