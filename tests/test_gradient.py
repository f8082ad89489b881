import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from zerotsuku.gradient import gradient_descent, numerical_diff, numerical_gradient


def book_f(x):
    return 0.01 * x**2 + 0.1 * x


def test_numerical_diff_book_values():
    assert numerical_diff(book_f, 5.0) == pytest.approx(0.2, abs=1e-9)
    assert numerical_diff(book_f, 10.0) == pytest.approx(0.3, abs=1e-9)


def test_numerical_diff_is_central():
    # For a cubic the central difference error is exactly h**2 * f'''/6 = h**2.
    h = 1e-2
    assert numerical_diff(lambda x: x**3, 1.0, h=h) == pytest.approx(3 + h**2, rel=1e-9)


def test_numerical_diff_bad_input():
    with pytest.raises(ValueError, match="h must be a finite number > 0"):
        numerical_diff(book_f, 1.0, h=0)
    with pytest.raises(ValueError, match="one number"):
        numerical_diff(book_f, np.array([1.0, 2.0]))


def test_numerical_gradient_book_values():
    def f(x):
        return x[0] ** 2 + x[1] ** 2

    for point, expected in [((3.0, 4.0), (6, 8)), ((0.0, 2.0), (0, 4)), ((3.0, 0.0), (6, 0))]:
        np.testing.assert_allclose(numerical_gradient(f, np.array(point)), expected, atol=1e-6)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 4), st.integers(0, 2**31 - 1))
def test_numerical_gradient_matches_random_quadratics(n, seed):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((n, n))
    b = rng.standard_normal(n)
    x = rng.standard_normal(n)

    def f(v):
        return v @ a @ v + b @ v

    np.testing.assert_allclose(numerical_gradient(f, x), (a + a.T) @ x + b, atol=1e-6)


def test_numerical_gradient_any_shape_and_in_place_trick():
    w = np.arange(6, dtype=float).reshape(2, 3)
    holder = {"w": w}
    # f ignores its argument, exactly like ``lambda W: net.loss(x, t)``.
    grad = numerical_gradient(lambda _: np.sum(holder["w"] ** 2), w)
    np.testing.assert_allclose(grad, 2 * w, atol=1e-6)
    # With a copy the function never sees the perturbation: all zeros.
    assert not numerical_gradient(lambda _: np.sum(holder["w"] ** 2), w.copy()).any()


@given(
    arrays(
        np.float64, st.tuples(st.integers(1, 3), st.integers(1, 3)), elements=st.floats(-1e6, 1e6)
    )
)
def test_numerical_gradient_restores_bit_for_bit(x):
    before = x.copy()
    numerical_gradient(lambda v: float(np.sum(np.sin(v))), x)
    assert x.tobytes() == before.tobytes()


def test_numerical_gradient_restores_when_f_raises():
    x = np.array([0.1, 0.2, 0.3])
    before = x.copy()
    calls = []

    def f(v):
        calls.append(1)
        if len(calls) == 4:
            raise RuntimeError("boom")
        return float(v.sum())

    with pytest.raises(RuntimeError, match="boom"):
        numerical_gradient(f, x)
    assert x.tobytes() == before.tobytes()


def test_numerical_gradient_refuses_integers_and_other_bad_input():
    with pytest.raises(TypeError, match="floating-point"):
        numerical_gradient(lambda v: float(v.sum()), np.array([1, 2]))
    with pytest.raises(TypeError, match="numpy array"):
        numerical_gradient(lambda v: float(sum(v)), [1.0, 2.0])
    with pytest.raises(ValueError, match="NaN"):
        numerical_gradient(lambda v: float(v.sum()), np.array([np.nan]))
    with pytest.raises(ValueError, match="one number"):
        numerical_gradient(lambda v: v, np.array([1.0, 2.0]))
    frozen = np.array([1.0])
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="writeable"):
        numerical_gradient(lambda v: float(v.sum()), frozen)


def test_gradient_descent_book_example():
    start = np.array([-3.0, 4.0])
    x, history = gradient_descent(lambda v: v[0] ** 2 + v[1] ** 2, start, lr=0.1, step_num=100)
    assert np.abs(x).max() < 1e-8
    assert history.shape == (101, 2)
    np.testing.assert_array_equal(history[0], [-3.0, 4.0])
    np.testing.assert_array_equal(history[-1], x)
    np.testing.assert_array_equal(start, [-3.0, 4.0])  # the start point is not touched


def test_gradient_descent_learning_rates():
    def f(v):
        return v[0] ** 2 + v[1] ** 2

    slow, _ = gradient_descent(f, [-3.0, 4.0], lr=1e-10, step_num=100)
    np.testing.assert_allclose(slow, [-3.0, 4.0], atol=1e-6)
    # lr 10 multiplies x by -19 each step, until x is so large that x + 1e-4 == x:
    # the book's walk then "freezes" on a gradient of 0; ours says why it cannot go on.
    with pytest.raises(ValueError, match=r"step 10: the step h = 0.0001 is too small for x\[0\]"):
        gradient_descent(f, [-3.0, 4.0], lr=10.0, step_num=100)
    big, history = gradient_descent(f, [-3.0, 4.0], lr=10.0, step_num=9)
    assert np.abs(big).max() > 1e11 and len(history) == 10


def test_gradient_descent_bad_arguments():
    with pytest.raises(ValueError, match="lr"):
        gradient_descent(lambda v: float(v @ v), [1.0], lr=-1)
    with pytest.raises(TypeError, match="step_num"):
        gradient_descent(lambda v: float(v @ v), [1.0], step_num=2.5)


# Bad inputs of issue 9: each of these slipped through before.

BAD_RETURNS = [
    (lambda x: None, TypeError, "f must return one number, got None"),
    (lambda x: "1.0", TypeError, "f must return one number, got '1.0'"),
    (lambda x: np.array([1.0, 2.0]), ValueError, r"one number, got an array of shape \(2,\)"),
    (lambda x: float("nan"), ValueError, "f returned NaN"),
]


@pytest.mark.parametrize("f, error, message", BAD_RETURNS)
def test_f_returning_something_else_than_a_number(f, error, message):
    with pytest.raises(error, match=message):
        numerical_diff(f, 1.0)
    with pytest.raises(error, match=message):
        numerical_gradient(f, np.array([1.0, 2.0]))
    with pytest.raises(error, match=message):
        gradient_descent(f, [1.0, 2.0])


def test_f_must_be_callable_and_h_a_number():
    for call in (
        lambda: numerical_diff(3.0, 1.0),
        lambda: numerical_gradient("f", np.array([1.0])),
        lambda: gradient_descent(None, [1.0]),
    ):
        with pytest.raises(TypeError, match="f must be a function"):
            call()
    for h in ("1e-4", None, [1e-4]):
        with pytest.raises(TypeError, match="h must be a number"):
            numerical_diff(book_f, 1.0, h=h)
        with pytest.raises(TypeError, match="h must be a number"):
            numerical_gradient(book_f, np.array([1.0]), h=h)


@pytest.mark.parametrize(
    "x, dtype",
    [
        (1.0, np.float16),  # float16 numbers near 1 are ~1e-3 apart: x + 1e-4 == x
        (1000.0, np.float32),  # float32 near 1000: 6e-5 apart, x + 1e-4 is x + 1.2e-4
        (1e13, np.float64),  # float64 near 1e13: 2e-3 apart
        (-1.3e12, np.float64),  # where notebook 05's lr = 10 walk "froze"
    ],
)
def test_a_step_below_the_spacing_of_floats_is_refused(x, dtype):
    def f(v):
        return float(np.sum(np.asarray(v, dtype=np.float64) ** 2))

    with pytest.raises(ValueError, match=rf"h = 0.0001 is too small for x.*{np.dtype(dtype)}"):
        numerical_diff(f, dtype(x))
    array = np.array([0.0, x], dtype=dtype)
    before = array.copy()
    with pytest.raises(ValueError, match=r"too small for x\[1\]"):
        numerical_gradient(f, array)
    np.testing.assert_array_equal(array, before)


def test_a_step_that_fits_is_fine_in_every_float_type():
    assert numerical_diff(lambda v: float(v) ** 2, np.float32(1.0)) == pytest.approx(2, rel=1e-2)
    assert numerical_diff(lambda v: v**2, 1e6) == pytest.approx(2e6, rel=1e-6)
    grad = numerical_gradient(lambda v: float(np.sum(v**2)), np.array([1.0, 2.0], np.float32))
    np.testing.assert_allclose(grad, [2.0, 4.0], rtol=1e-2)
    assert numerical_diff(lambda v: v**2, 1.0, h=0.01) == pytest.approx(2.0)


def test_infinite_x_is_refused():
    with pytest.raises(ValueError, match="infinity"):
        numerical_gradient(lambda v: 0.0, np.array([np.inf]))
    with pytest.raises(ValueError, match="infinity"):
        numerical_diff(lambda v: 0.0, np.inf)
    with pytest.raises(ValueError, match="init_x contains infinity"):
        gradient_descent(lambda v: 0.0, [np.inf])
