"""Cases for the activation functions and softmax (notebooks 01 and 02).

Expected values are computed here, element by element with :mod:`math`, from the
definitions; nothing is taken from :mod:`zerotsuku.functions`.
"""

import math

import numpy as np

from ._compare import Mismatch, expect_array, show
from ._feedback import Exercise
from ._running import Case

__all__ = ["STEP_FUNCTION", "SIGMOID", "RELU", "SOFTMAX"]

WHOLE_ARRAYS = (
    "numpy works on whole arrays at once: an expression such as x > 0 or np.exp(-x) "
    "acts on every element, with no `if` and no loop over elements",
)
"""The hint shown when an elementwise answer raises."""


def _each(function, x):
    """``function`` applied to every element of ``x`` as a Python float."""
    return np.array([function(float(v)) for v in x.flat], dtype=np.float64).reshape(x.shape)


def _sigmoid(v):
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    e = math.exp(v)  # exp(-v) would overflow for v < -709
    return e / (1.0 + e)


def _elementwise(name, x, exact, *, wrong=(), allow_bool=False, tolerance=(1e-9, 1e-12)):
    """A case that calls ``answer(x)`` and compares with ``exact`` of each element.

    ``wrong`` pairs functions of a float that learners often write by mistake with a
    hint; when the answer matches one, the hint is shown.
    """
    x = np.array(x, dtype=np.float64)
    expected = _each(exact, x)
    alternatives = [(_each(f, x), hint) for f, hint in wrong]
    rtol, atol = tolerance

    def run(trial, answer):
        got = trial.call(answer, x.copy())
        expect_array(
            got, expected, rtol=rtol, atol=atol, alternatives=alternatives, allow_bool=allow_bool
        )
        if allow_bool and isinstance(got, np.ndarray) and got.dtype.kind == "b":
            trial.note(
                "your step function returns True/False; the book turns them into 0 and 1 "
                "with .astype(int) (np.int in the book is now plain int)."
            )

    return Case(name, run, given=f"x = {show(x)}", hints_on_error=WHOLE_ARRAYS)


def _step(v):
    return 1.0 if v > 0 else 0.0


def _step_case(name, x, wrong=()):
    """A step-function case: True/False is accepted for 1/0, with a note."""
    return _elementwise(name, x, _step, wrong=wrong, allow_bool=True)


_STEP_WRONG = [(lambda v: 1.0 if v >= 0 else 0.0, "0 must give 0: use x > 0, not x >= 0")]

STEP_FUNCTION = Exercise(
    "step_function",
    "function",
    (
        _step_case("a few numbers: 1 where x > 0, else 0", [-1.0, 1.0, 2.0]),
        _step_case("x = 0 gives 0 (the step is x > 0, not x >= 0)", [-0.5, 0.0, 0.5], _STEP_WRONG),
        _step_case("one number (a 0-D array)", 2.5),
        _step_case("a 2-D array: each element on its own", [[-1, 2, 0], [3, -4, 0.5]], _STEP_WRONG),
        _step_case("a 3-D array", [[[1, -1], [0, 2]], [[-3, 4], [5, -6]]]),
        _step_case(
            "numbers very close to 0 and very large ones",
            [-1e-300, 5e-324, 1e300, -np.inf, np.inf],
        ),
    ),
)
_SIGMOID_WRONG = [
    (lambda v: _sigmoid(-v), "the sign is flipped: sigmoid is 1 / (1 + exp(-x)), with minus x"),
    (lambda v: max(0.0, v), "that is ReLU; sigmoid is 1 / (1 + exp(-x))"),
    (_step, "that is the step function; sigmoid is the smooth 1 / (1 + exp(-x))"),
]

SIGMOID = Exercise(
    "sigmoid",
    "function",
    (
        _elementwise(
            "a few ordinary numbers (sigmoid(0) is 0.5)",
            [-2.0, -1.0, 0.0, 1.0, 2.0],
            _sigmoid,
            wrong=_SIGMOID_WRONG,
        ),
        _elementwise("one number (a 0-D array)", 1.0, _sigmoid, wrong=_SIGMOID_WRONG),
        _elementwise("a 2-D array", [[-3.0, 0.5, 4.0], [1.0, -0.25, 0.0]], _sigmoid),
        _elementwise("a 3-D array", [[[0.1, -0.1]], [[5.0, -5.0]]], _sigmoid),
        _elementwise(
            "large inputs: sigmoid(1000) is 1 and sigmoid(-1000) is 0",
            [-1000.0, -710.0, 710.0, 1000.0],
            _sigmoid,
        ),
    ),
    warning_note={
        "overflow": "For large negative x, exp(-x) overflows to inf and 1 / (1 + inf) is "
        "still the right 0, so this is only a note, not a mistake."
    },
)

_RELU_WRONG = [
    (abs, "negative numbers must become 0, not positive: relu is max(0, x)"),
    (_step, "that is the step function; relu keeps positive x as it is: max(0, x)"),
]

RELU = Exercise(
    "relu",
    "function",
    (
        _elementwise(
            "a few numbers: negatives become 0, the rest stay",
            [-2.0, -0.5, 0.0, 0.5, 3.0],
            lambda v: max(0.0, v),
            wrong=_RELU_WRONG,
        ),
        _elementwise("one number (a 0-D array)", -1.5, lambda v: max(0.0, v)),
        _elementwise("a 2-D array", [[-1.0, 2.0], [3.0, -4.0]], lambda v: max(0.0, v)),
        _elementwise("a 3-D array", [[[1.0, -1.0]], [[-2.0, 2.0]]], lambda v: max(0.0, v)),
        _elementwise("very large numbers", [-1e300, 1e300], lambda v: max(0.0, v)),
    ),
)


def _softmax_rows(x):
    """Softmax of each row (last axis) of ``x``, computed with math.fsum."""
    rows = x.reshape(-1, x.shape[-1])
    out = []
    for row in rows:
        top = max(row)
        e = [math.exp(v - top) for v in row]
        total = math.fsum(e)
        out.append([v / total for v in e])
    return np.array(out).reshape(x.shape)


def _row_sums_problem(got, x):
    """A Mismatch if a row of ``got`` does not sum to 1 (after the shape is right)."""
    if not (isinstance(got, np.ndarray) and got.shape == x.shape and got.dtype.kind == "f"):
        return None
    sums = got.sum(axis=-1).reshape(-1)
    bad = ~np.isclose(sums, 1.0, rtol=0, atol=1e-9)
    if not bad.any():
        return None
    hints = []
    if x.ndim == 2 and np.isclose(got.sum(), 1.0):
        hints.append(
            "the whole batch sums to 1 instead of each row: take the max and the sum along "
            "the last axis, np.max(x, axis=-1, keepdims=True) and "
            "np.sum(..., axis=-1, keepdims=True)"
        )
    where = f"row {int(np.argmax(bad))} sums" if x.ndim == 2 else "the outputs sum"
    return Mismatch(
        f"{where} to {show(sums[np.argmax(bad)])}, not 1",
        expected=show(_softmax_rows(x)),
        got=show(got),
        hints=hints,
    )


def _softmax_case(name, x, hints=()):
    x = np.array(x, dtype=np.float64)
    expected = _softmax_rows(x)

    def run(trial, answer):
        got = trial.call(answer, x.copy())
        wrong_sums = _row_sums_problem(got, x)
        if wrong_sums is not None and np.isfinite(got).all():
            raise wrong_sums
        expect_array(got, expected, rtol=1e-9, atol=1e-12, hints=hints)

    return Case(name, run, given=f"x = {show(x)}")


SUBTRACT_MAX = (
    "exp(1000) overflows to inf, and inf / inf is nan: subtract the largest score first, "
    "x - np.max(x); softmax does not change when every score moves by the same amount",
)

SOFTMAX = Exercise(
    "softmax",
    "function",
    (
        _softmax_case("one sample (1-D): positive outputs that sum to 1", [0.3, 2.9, 4.0]),
        _softmax_case("equal scores give equal probabilities", [0.0, 0.0, 0.0, 0.0]),
        _softmax_case(
            "large scores (1010, 1000, 990): stable, no overflow",
            [1010.0, 1000.0, 990.0],
            hints=SUBTRACT_MAX,
        ),
        _softmax_case(
            "a batch (2-D): each row must sum to 1 on its own",
            [[0.3, 2.9, 4.0], [0.0, 0.0, 0.0]],
        ),
        _softmax_case(
            "a batch of large scores far apart: subtract each row's own max",
            [[1000.0, 1001.0, 1002.0], [-1000.0, -999.0, -998.0]],
            hints=(
                "subtract each row's own maximum, np.max(x, axis=-1, keepdims=True): "
                "with one max for the whole batch, exp of the second row underflows to 0 "
                "and 0 / 0 is nan",
            ),
        ),
        _softmax_case("a batch of one sample (shape (1, 3))", [[1.0, 2.0, 3.0]]),
    ),
    warning_note={
        "overflow": "exp of a large score overflows; subtracting the max first avoids it.",
    },
)
