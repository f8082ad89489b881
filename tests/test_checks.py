import numpy as np
import pytest

from zerotsuku._checks import positive_number, whole_number


def test_whole_number():
    assert whole_number("n", 3) == 3 and type(whole_number("n", np.int64(3))) is int
    for bad in (True, 2.0, "2", -1, None):
        with pytest.raises(ValueError, match=r"n must be a whole number >= 0, got"):
            whole_number("n", bad)
    with pytest.raises(ValueError, match=">= 1, got 0"):
        whole_number("batch_size", 0, 1)


def test_positive_number():
    assert positive_number("lr", 1) == 1.0 and positive_number("lr", np.float32(0.5)) == 0.5
    for bad in (0, -0.1, float("nan"), float("inf"), True, "0.1", None, np.array([0.1])):
        with pytest.raises(ValueError, match=r"lr must be a finite number > 0, got"):
            positive_number("lr", bad)
