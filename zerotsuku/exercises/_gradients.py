"""Cases for numerical differentiation and gradient descent (notebooks 04 and 05).

The expected derivative of each case is the book's central difference with h = 1e-4,
evaluated here on the case's own function; gradient descent on a quadratic is checked
against its closed form.
"""

import math

import numpy as np

from ._compare import Mismatch, expect_array, expect_number, show
from ._feedback import Exercise
from ._running import Case

__all__ = ["NUMERICAL_DIFF", "NUMERICAL_GRADIENT", "GRADIENT_DESCENT"]

H = 1e-4
"""The book's step for numerical differentiation."""


def _central(f, x, h=H):
    return (f(x + h) - f(x - h)) / (2 * h)


def _forward(f, x, h=H):
    return (f(x + h) - f(x)) / h


_DIFF_HINTS_ON_ERROR = (
    "numerical_diff(f, x) gets a function f and one number x: return "
    "(f(x + h) - f(x - h)) / (2 * h)",
)


def _diff_case(name, f, x, given, *, atol=1e-9, extra_wrong=()):
    expected = _central(f, x)
    alternatives = [
        (
            _forward(f, x),
            "this is the forward difference (f(x + h) - f(x)) / h; the book "
            "uses the central difference (f(x + h) - f(x - h)) / (2 * h), which is more exact",
        ),
        (
            _central(f, x, 1e-50),
            "h is far too small: with h = 1e-50, x + h is exactly x in "
            "float64 (rounding error), so the difference is 0; the book uses h = 1e-4",
        ),
        (2 * expected, "divide by 2 * h: the points x + h and x - h are 2h apart"),
        *extra_wrong,
    ]

    def run(trial, answer):
        got = trial.call(answer, f, x)
        expect_number(
            got, expected, rtol=0, atol=atol, what="the derivative", alternatives=alternatives
        )

    return Case(name, run, given=given, hints_on_error=_DIFF_HINTS_ON_ERROR)


def _book_function(x):
    return 0.01 * x**2 + 0.1 * x


def _cube(x):
    return x**3


NUMERICAL_DIFF = Exercise(
    "numerical_diff",
    "function",
    (
        _diff_case(
            "the book's example: f(x) = 0.01x² + 0.1x at x = 5 has slope about 0.2",
            _book_function,
            5,
            "f(x) = 0.01x² + 0.1x, x = 5",
        ),
        _diff_case(
            "the same f at x = 10 has slope about 0.3",
            _book_function,
            10,
            "f(x) = 0.01x² + 0.1x, x = 10",
        ),
        _diff_case(
            "f(x) = x³ at x = 1: with h = 1e-4 the central difference is 3 + h² = 3.00000001",
            _cube,
            1.0,
            "f(x) = x³, x = 1.0",
            atol=1e-11,
            extra_wrong=[
                (
                    _central(_cube, 1.0, h),
                    "use h = 1e-4 as the book does: for x³ the "
                    "central difference is exactly 3 + h², so this number shows another h",
                )
                for h in (1e-3, 1e-5, 1e-6, 1e-7, 1e-8)
            ],
        ),
        _diff_case("f(x) = sin(x) at x = -2", math.sin, -2.0, "f(x) = sin(x), x = -2.0"),
    ),
)


def _central_gradient(f, x, h=H):
    """The book's element-by-element central differences, on a copy of ``x``."""
    x = x.copy()
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        keep = x[index]
        x[index] = keep + h
        f_plus = f(x)
        x[index] = keep - h
        f_minus = f(x)
        x[index] = keep
        grad[index] = (f_plus - f_minus) / (2 * h)
    return grad


def _forward_gradient(f, x, h=H):
    x = x.copy()
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        keep = x[index]
        f_keep = f(x)
        x[index] = keep + h
        grad[index] = (f(x) - f_keep) / h
        x[index] = keep
    return grad


_ANY_SHAPE = (
    "walk every element whatever the shape of x: for idx in np.ndindex(x.shape), or "
    "np.nditer(x, flags=['multi_index']) as the book does",
)
_RESTORE = (
    "save the element first, tmp = x[idx], and put it back with x[idx] = tmp: adding "
    "and subtracting h again leaves rounding errors",
)


def _expect_restored(x, original):
    changed = np.flatnonzero(x.reshape(-1).view(np.uint64) != original.reshape(-1).view(np.uint64))
    if changed.size:
        index = np.unravel_index(int(changed[0]), x.shape)
        where = "[" + ", ".join(str(int(i)) for i in index) + "]"
        raise Mismatch(
            f"x{where} was {float(original[index])!r} before the call and is "
            f"{float(x[index])!r} after it: x must be put back exactly",
            hints=_RESTORE,
        )


def _gradient_case(name, f, x, *, reads=None, hints=()):
    """A case for ``answer(f, x)``.

    With ``reads`` (the function of x that ``f`` computes), ``x`` is the very array
    ``f`` reads, as in ``lambda W: net.loss(x, t)``; it is reset before each run.
    """
    own_array = reads is not None
    start = np.array(x, dtype=np.float64)
    expected = _central_gradient(reads or f, start)
    alternatives = [
        (
            _forward_gradient(reads or f, start),
            "this is the forward difference; the book "
            "uses the central difference (f(x + h) - f(x - h)) / (2 * h)",
        ),
        (
            np.zeros_like(start),
            "every element came out 0: is h far too small (x + h == x), "
            "or is f given a copy of x instead of x changed in place?",
        ),
    ]

    def run(trial, answer):
        if own_array:
            x[...] = start
        given = x if own_array else start.copy()
        got = trial.call(answer, f, given, may_change=True)
        _expect_restored(given, start)
        expect_array(
            got,
            expected,
            rtol=1e-6,
            atol=1e-8,
            what="the gradient",
            alternatives=alternatives,
            hints=hints,
        )

    return Case(name, run, given=f"x = {show(start)}", hints_on_error=_ANY_SHAPE)


def _sum_of_squares(x):
    return np.sum(x**2)


_C = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
_READ_ITSELF = np.array([1.0, -2.0])

NUMERICAL_GRADIENT = Exercise(
    "numerical_gradient",
    "function",
    (
        _gradient_case(
            "the book's example: f(x) = x0² + x1² at (3, 4) has gradient (6, 8)",
            _sum_of_squares,
            [3.0, 4.0],
        ),
        _gradient_case(
            "a 2-D x (a 2×3 matrix, like a weight matrix W): f(W) = sum(C·W²)",
            lambda w: np.sum(_C * w**2),
            [[0.5, -1.0, 2.0], [1.5, 0.0, -0.5]],
            hints=_ANY_SHAPE,
        ),
        _gradient_case(
            "a 3-D x: f(x) = sum(x³)",
            lambda x: np.sum(x**3),
            [[[1.0, -2.0]], [[0.5, 3.0]]],
            hints=_ANY_SHAPE,
        ),
        _gradient_case(
            "x is put back exactly, bit for bit, after the call",
            _sum_of_squares,
            [0.2, -2.9, 2.2],
        ),
        _gradient_case(
            "an f that reads the array itself (like lambda W: net.loss(x, t)): change x in place",
            lambda _: np.sum(_READ_ITSELF**2),
            _READ_ITSELF,
            reads=_sum_of_squares,
            hints=(
                "f here ignores its argument and reads x directly, as `lambda W: "
                "net.loss(x, t)` does: set x[idx] = tmp + h in x itself and call f(x), "
                "not f on a changed copy",
            ),
        ),
    ),
)


def _descent_result(got, step_num, start):
    """``x`` from what the answer returned (x, or (x, history)); the history is checked."""
    if isinstance(got, tuple) and len(got) == 2:
        x, history = got
        _expect_history(history, x, step_num, start)
        return x
    return got


def _expect_history(history, x, step_num, start):
    try:
        steps = np.array(history, dtype=np.float64)
    except (TypeError, ValueError):
        raise Mismatch(f"the history should be a list of points, got {show(history)}") from None
    if steps.size == 0 and step_num == 0:
        return
    if steps.ndim != start.ndim + 1 or steps.shape[1:] != start.shape:
        raise Mismatch(
            f"the history should hold points of shape {start.shape}, got {show(history)}"
        )
    if len(steps) not in (step_num, step_num + 1):
        raise Mismatch(
            f"the history has {len(steps)} points; for {step_num} steps expected {step_num} "
            f"(x before each step) or {step_num + 1} (also the final x)"
        )
    if len(steps) and not np.array_equal(steps[0], start):
        hints = []
        if isinstance(x, np.ndarray) and np.array_equal(steps[0], x):
            hints.append(
                "every point in the history is the final x: append x.copy(), not x "
                "(x changes in place, and the list holds the same array each time)"
            )
        raise Mismatch(
            "the history should start at init_x",
            expected=show(start),
            got=show(steps[0]),
            hints=hints,
        )


def _descent_case(name, f, init_x, lr, step_num, scale, centre=0.0, *, atol=1e-9):
    """A case for ``answer(f, init_x, lr, step_num)`` on a quadratic.

    Each coordinate i of f is scale[i] * (x_i - centre[i])², so one exact step
    multiplies x_i - centre[i] by 1 - 2 * lr * scale[i]: the closed form of the walk.
    """
    start = np.array(init_x, dtype=np.float64)
    factor = 1 - 2 * lr * np.asarray(scale)
    expected = centre + (start - centre) * factor**step_num
    other = 1 + 2 * lr * np.asarray(scale)
    alternatives = [
        (
            centre + (start - centre) * other**step_num,
            "x must move against the gradient, "
            "x -= lr * grad; adding it climbs uphill (gradient ascent)",
            1e-2,
        ),
        (
            centre + (start - centre) * factor ** (step_num + 1),
            "one step too many: the loop runs step_num times, for i in range(step_num)",
        ),
        (
            centre + (start - centre) * (1 - 2 * np.asarray(scale)) ** step_num,
            "multiply the gradient by the learning rate lr before stepping",
        ),
    ]

    def run(trial, answer):
        got = trial.call(answer, f, start.copy(), lr, step_num, may_change=True)
        x = _descent_result(got, step_num, start)
        expect_array(
            x, expected, rtol=1e-7, atol=atol, what="the final x", alternatives=alternatives
        )

    given = f"init_x = {show(start)}, lr = {lr:g}, step_num = {step_num}"
    return Case(name, run, given=given)


def _bowl(x):
    return x[0] ** 2 + x[1] ** 2


def _shifted_bowl(x):
    return (x[0] - 1.0) ** 2 + 2 * (x[1] + 2.0) ** 2


_CENTRE = np.array([1.0, -2.0])

GRADIENT_DESCENT = Exercise(
    "gradient_descent",
    "function",
    (
        _descent_case(
            "the book's example: f = x0² + x1² from (-3, 4), lr = 0.1, 100 steps ends near (0, 0)",
            _bowl,
            [-3.0, 4.0],
            0.1,
            100,
            [1.0, 1.0],
        ),
        _descent_case(
            "one step with lr = 0.1 takes (-3, 4) to (-2.4, 3.2)",
            _bowl,
            [-3.0, 4.0],
            0.1,
            1,
            [1.0, 1.0],
        ),
        _descent_case(
            "a tiny learning rate (1e-10) barely moves x",
            _bowl,
            [-3.0, 4.0],
            1e-10,
            100,
            [1.0, 1.0],
            atol=1e-12,
        ),
        _descent_case(
            "another bowl: f = (x0 - 1)² + 2(x1 + 2)², lr = 0.1, 3 steps",
            _shifted_bowl,
            [3.0, 1.0],
            0.1,
            3,
            [1.0, 2.0],
            _CENTRE,
        ),
        _descent_case(
            "step_num = 0 returns the start unchanged",
            _bowl,
            [-3.0, 4.0],
            0.1,
            0,
            [1.0, 1.0],
        ),
    ),
)
