import numpy as np
import pytest

from zerotsuku._checks import (
    choice,
    finite_number,
    float_array,
    number_array,
    positive_number,
    seed,
    whole_number,
)


def test_whole_number():
    assert whole_number("n", 3) == 3 and type(whole_number("n", np.int64(3))) is int
    for wrong_kind in (True, 2.0, "2", None, np.array([2])):
        with pytest.raises(TypeError, match=r"n must be a whole number \(an int\), got"):
            whole_number("n", wrong_kind)
    with pytest.raises(ValueError, match=r"n must be a whole number >= 0, got -1"):
        whole_number("n", -1)
    with pytest.raises(ValueError, match=">= 1, got 0"):
        whole_number("batch_size", 0, 1)


def test_positive_and_finite_number():
    assert positive_number("lr", 1) == 1.0 and positive_number("lr", np.float32(0.5)) == 0.5
    for wrong_kind in (True, "0.1", None, np.array([0.1]), 1j):
        with pytest.raises(TypeError, match=r"lr must be a number, got"):
            positive_number("lr", wrong_kind)
    for wrong_value in (0, -0.1, float("nan"), float("inf")):
        with pytest.raises(ValueError, match=r"lr must be a finite number"):
            positive_number("lr", wrong_value)
    assert finite_number("std", -1) == -1.0
    with pytest.raises(ValueError, match="std must be a finite number, got nan"):
        finite_number("std", float("nan"))


def test_seed_and_choice():
    assert seed("seed", None) is None and seed("seed", np.uint8(3)) == 3
    with pytest.raises(TypeError, match="seed must be a whole number"):
        seed("seed", 1.5)
    with pytest.raises(ValueError, match="seed must be a whole number >= 0"):
        seed("seed", -1)
    assert choice("mode", "a", ("a", "b")) == "a"
    with pytest.raises(TypeError, match=r"mode must be one of \('a', 'b'\), got 1"):
        choice("mode", 1, ("a", "b"))
    with pytest.raises(ValueError, match=r"mode must be one of \('a', 'b'\), got 'c'"):
        choice("mode", "c", ("a", "b"))


def test_float_array():
    assert float_array("x", [True, 2]).dtype == np.float64
    kept = np.zeros(3, dtype=np.float32)
    assert float_array("x", kept) is kept
    with pytest.raises(TypeError, match="x must be a rectangular array"):
        float_array("x", [[1.0, 2.0], [3.0]])
    for wrong_kind in (["a"], [1 + 2j], [None]):
        with pytest.raises(TypeError, match="x must hold real numbers"):
            float_array("x", wrong_kind)
    with pytest.raises(ValueError, match=r"x contains NaN \(shape \(2,\)\)"):
        float_array("x", [1.0, np.nan])


def test_number_array_checks_the_kind_not_the_values():
    assert np.isnan(number_array("x", [np.nan, 1])).any()  # values are left to the caller
    assert number_array("x", [True, 2]).dtype == np.float64
    for wrong_kind in (["a"], [1 + 2j], [[1.0], [2.0, 3.0]], [None]):
        with pytest.raises(TypeError, match="^x must"):
            number_array("x", wrong_kind)


def test_float_array_finite():
    with pytest.raises(ValueError, match=r"x contains infinity \(shape \(2,\)\)"):
        float_array("x", [1.0, np.inf], finite=True)
    with pytest.raises(ValueError, match="x contains NaN"):
        float_array("x", [np.inf, np.nan], finite=True)
    assert float_array("x", [np.inf]).tolist() == [np.inf]  # without finite=True, inf passes
