"""Numerical differentiation: derivatives and gradients from function values alone.

The step ``h`` has to be representable where it is taken. Floats are spaced: near
1.3e12 two neighbouring float64 numbers are 2.4e-4 apart, so ``x + 1e-4`` rounds back
to ``x``, ``f(x + h) - f(x - h)`` is 0, and a gradient of 0 would come out that means
nothing. The same happens in float16 near 1 and in float32 from about 1,000 on. Rather
than return such numbers, the functions here refuse when rounding changes ``x + h`` or
``x - h`` by more than 1% of ``h`` (:data:`STEP_TOLERANCE`), and say what to do: a
larger ``h``, float64, or smaller values. Otherwise the step is close enough to ``h``
for the chapter's formula, which divides by ``2 * h``.
"""

import numpy as np

from ._checks import float_array, positive_number, whole_number

__all__ = ["numerical_diff", "numerical_gradient", "gradient_descent"]

STEP_TOLERANCE = 0.01
"""How far (relative to h) rounding may move the nudged values x + h and x - h."""


def numerical_diff(f, x, h=1e-4):
    """Derivative of a one-variable function by the central difference.

    (f(x + h) - f(x - h)) / 2h has an error of order h**2, where the forward
    difference (f(x + h) - f(x)) / h has one of order h.

    Taught in ``04_numerical_differentiation.ipynb``, section "Forward and central
    differences".

    Parameters
    ----------
    f : callable
        A function of one number returning one number.
    x : float
        Where to take the derivative.
    h : float, default 1e-4
        The step. Much smaller steps lose digits to rounding; a step below the
        spacing of floats at ``x`` is refused (see the module docstring).

    Returns
    -------
    float

    Examples
    --------
    >>> f = lambda x: 0.01 * x**2 + 0.1 * x
    >>> round(numerical_diff(f, 5.0), 6)
    0.2
    """
    h = _check_f_and_h(f, h)
    if np.ndim(x) != 0:
        raise ValueError("numerical_diff takes one number x; use numerical_gradient for arrays")
    x = float_array("x", x, finite=True)[()]
    _check_step_fits(x, h)
    return (_value_of(f, x + h) - _value_of(f, x - h)) / (2 * h)


def numerical_gradient(f, x, h=1e-4):
    """Gradient of a scalar function of an array, one element at a time.

    Each element ``x[i]`` is nudged to ``x[i] + h`` and ``x[i] - h`` **in the array
    itself**, ``f(x)`` is evaluated at both, and the element is put back exactly as
    it was (also when ``f`` raises). Because the array is changed in place, ``f``
    may ignore its argument and read the array some other way, as in
    ``numerical_gradient(lambda W: net.loss(x, t), net.W)``.

    Taught in ``05_gradient_and_gradient_descent.ipynb``, section "The gradient", and
    applied to a network in ``06_gradient_of_a_network.ipynb``.

    Parameters
    ----------
    f : callable
        Takes ``x`` and returns one number.
    x : numpy.ndarray
        A floating-point array of any shape. It is modified during the call and
        restored bit for bit before the call returns.
    h : float, default 1e-4
        The step; refused where it is below the spacing of floats in ``x``.

    Returns
    -------
    numpy.ndarray
        The gradient, with the shape of ``x``.

    Examples
    --------
    >>> f = lambda x: np.sum(x**2)
    >>> numerical_gradient(f, np.array([3.0, 4.0])).round(6)
    array([6., 8.])
    """
    h = _check_f_and_h(f, h)
    _check_array_to_nudge(x, h)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        try:
            x[index] = original + h
            f_plus = _value_of(f, x)
            x[index] = original - h
            f_minus = _value_of(f, x)
        finally:
            x[index] = original
        grad[index] = (f_plus - f_minus) / (2 * h)
    return grad


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    """Minimise ``f`` by repeated steps against its numerical gradient.

    Each step sets x <- x - lr * grad f(x). Unlike the book's version, ``init_x``
    is left unchanged: the walk happens on a copy.

    Taught in ``05_gradient_and_gradient_descent.ipynb``, section "Gradient descent
    by hand".

    Parameters
    ----------
    f : callable
        Scalar function of an array.
    init_x : array_like
        Starting point.
    lr : float, default 0.01
        Learning rate (学習率): how far each step goes.
    step_num : int, default 100
        Number of steps.

    Returns
    -------
    x : numpy.ndarray
        The final point.
    history : numpy.ndarray
        Shape ``(step_num + 1, *x.shape)``: the start, then the point after each step.
        If x overflows (a learning rate far too large) the walk stops there, and the
        history is shorter, ending at the first non-finite point.

    Raises
    ------
    ValueError
        If the walk runs so far out that the step h = 1e-4 no longer moves x (a
        learning rate far too large); the message names the step.

    Examples
    --------
    >>> f = lambda x: x[0]**2 + x[1]**2
    >>> x, history = gradient_descent(f, np.array([-3.0, 4.0]), lr=0.1, step_num=100)
    >>> bool(np.abs(x).max() < 1e-8), history.shape
    (True, (101, 2))
    """
    x = _starting_point(f, init_x, lr, step_num)
    history = [x.copy()]
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(1, step_num + 1):
            try:
                grad = numerical_gradient(f, x)
            except ValueError as error:
                raise ValueError(f"gradient_descent, step {step}: {error}") from None
            x -= lr * grad
            history.append(x.copy())
            if not np.isfinite(x).all():
                break
    return x, np.array(history)


def _starting_point(f, init_x, lr, step_num):
    """Check the arguments of gradient_descent; return a float64 copy of ``init_x``."""
    if not callable(f):
        raise TypeError(f"f must be a function of x returning one number, got {f!r}")
    positive_number("lr", lr)
    whole_number("step_num", step_num, 0)
    return np.array(float_array("init_x", init_x, finite=True), dtype=np.float64)


def _check_f_and_h(f, h):
    if not callable(f):
        raise TypeError(f"f must be a function returning one number, got {f!r}")
    return positive_number("h", h)


def _check_array_to_nudge(x, h):
    """Refuse an ``x`` that cannot be nudged in place by ``h``."""
    if not isinstance(x, np.ndarray):
        raise TypeError(
            f"x must be a numpy array (it is perturbed in place), got {type(x).__name__}; "
            "wrap it with np.array(..., dtype=float)"
        )
    if x.dtype.kind != "f":
        raise TypeError(
            f"x must be a floating-point array, got dtype {x.dtype}: an integer array "
            "cannot hold x + 1e-4, so every gradient would come out wrong. Use "
            "x.astype(float)"
        )
    if not x.flags.writeable:
        raise ValueError("x must be writeable: numerical_gradient perturbs it in place")
    float_array("x", x, finite=True)
    _check_step_fits(x, h)


def _check_step_fits(x, h):
    """Refuse if rounding moves x + h or x - h by more than STEP_TOLERANCE * h."""
    largest = float(np.max(np.abs(x))) if np.size(x) else 0.0
    if largest * np.finfo(x.dtype).eps <= STEP_TOLERANCE * h:
        return  # rounding x +- h moves it by at most eps * |x|: every element fits
    step = x.dtype.type(h)
    up, down = (x + step) - x, x - (x - step)
    bad = (np.abs(up - h) > STEP_TOLERANCE * h) | (np.abs(down - h) > STEP_TOLERANCE * h)
    if np.any(bad):
        where = tuple(int(i) for i in np.unravel_index(np.argmax(bad), np.shape(x)))
        value, moved = x[where], np.reshape(up, -1)[np.argmax(bad)]
        advice = "a larger h, or values of a smaller size"
        if x.dtype != np.float64:
            advice = "float64 values (x.astype(np.float64)), or a larger h"
        raise ValueError(
            f"the step h = {h:g} is too small for x{list(where) if where else ''} = "
            f"{value:.6g} in {x.dtype}: floats there are {np.spacing(value):.2g} apart, so "
            f"x + h becomes x + {moved:.2g} and the difference quotient would be wrong. "
            f"Use {advice}"
        )


def _value_of(f, x):
    """``f(x)`` checked to be one real number, as a float."""
    value = f(x)
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"f must return one number, got {value!r}")
    if array.size != 1:
        raise ValueError(f"f must return one number, got an array of shape {array.shape}")
    number = float(array.reshape(()))
    if np.isnan(number):
        raise ValueError("f returned NaN: the gradient needs a number at every nudged point")
    return number
