"""Numerical differentiation: derivatives and gradients from function values alone."""

import numpy as np

from ._checks import positive_number, whole_number

__all__ = ["numerical_diff", "numerical_gradient", "gradient_descent"]


def _check_step(h):
    if not (np.isscalar(h) and np.isfinite(h) and h > 0):
        raise ValueError(f"the step h must be a positive finite number, got {h!r}")


def numerical_diff(f, x, h=1e-4):
    """Derivative of a one-variable function by the central difference.

    (f(x + h) - f(x - h)) / 2h has an error of order h**2, where the forward
    difference (f(x + h) - f(x)) / h has one of order h.

    Parameters
    ----------
    f : callable
        A function of one number returning one number.
    x : float
        Where to take the derivative.
    h : float, default 1e-4
        The step. Much smaller steps lose digits to rounding.

    Returns
    -------
    float

    Examples
    --------
    >>> f = lambda x: 0.01 * x**2 + 0.1 * x
    >>> round(numerical_diff(f, 5.0), 6)
    0.2
    """
    _check_step(h)
    if np.ndim(x) != 0:
        raise ValueError("numerical_diff takes one number x; use numerical_gradient for arrays")
    x = float(x)
    return float((f(x + h) - f(x - h)) / (2 * h))


def numerical_gradient(f, x, h=1e-4):
    """Gradient of a scalar function of an array, one element at a time.

    Each element ``x[i]`` is nudged to ``x[i] + h`` and ``x[i] - h`` **in the array
    itself**, ``f(x)`` is evaluated at both, and the element is put back exactly as
    it was (also when ``f`` raises). Because the array is changed in place, ``f``
    may ignore its argument and read the array some other way, as in
    ``numerical_gradient(lambda W: net.loss(x, t), net.W)``.

    Parameters
    ----------
    f : callable
        Takes ``x`` and returns one number.
    x : numpy.ndarray
        A floating-point array of any shape. It is modified during the call and
        restored bit for bit before the call returns.
    h : float, default 1e-4

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
    _check_step(h)
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
    if np.isnan(x).any():
        raise ValueError(f"x contains NaN (shape {x.shape})")
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        try:
            x[index] = original + h
            f_plus = f(x)
            x[index] = original - h
            f_minus = f(x)
        finally:
            x[index] = original
        grad[index] = (_scalar(f_plus) - _scalar(f_minus)) / (2 * h)
    return grad


def _scalar(value):
    value = np.asarray(value)
    if value.size != 1:
        raise ValueError(f"f must return one number, got an array of shape {value.shape}")
    return float(value.reshape(()))


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    """Minimise ``f`` by repeated steps against its numerical gradient.

    Each step sets x <- x - lr * grad f(x). Unlike the book's version, ``init_x``
    is left unchanged: the walk happens on a copy.

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

    Examples
    --------
    >>> f = lambda x: x[0]**2 + x[1]**2
    >>> x, history = gradient_descent(f, np.array([-3.0, 4.0]), lr=0.1, step_num=100)
    >>> bool(np.abs(x).max() < 1e-8), history.shape
    (True, (101, 2))
    """
    positive_number("lr", lr)
    whole_number("step_num", step_num, 0)
    x = np.array(init_x, dtype=np.float64)
    history = [x.copy()]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(step_num):
            x -= lr * numerical_gradient(f, x)
            history.append(x.copy())
            if not np.isfinite(x).all():
                break
    return x, np.array(history)
