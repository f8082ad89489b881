"""Argument checks shared by every module: one message for one kind of mistake.

The vocabulary is the same everywhere: ``TypeError`` when an argument is the wrong kind
of thing (a string where a number belongs, a float where a whole number belongs),
``ValueError`` when it is the right kind with a wrong value (negative, NaN, wrong shape).
Each message starts with the argument's name.
"""

import math
import numbers

import numpy as np

__all__ = [
    "whole_number",
    "positive_number",
    "finite_number",
    "seed",
    "choice",
    "number_array",
    "float_array",
]


def _is_real(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def whole_number(name, value, low=0):
    """``value`` as an int: TypeError unless it is an integer, ValueError if below ``low``.

    Examples
    --------
    >>> whole_number("batch_size", 100, 1)
    100
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number (an int), got {value!r}")
    if value < low:
        raise ValueError(f"{name} must be a whole number >= {low}, got {value!r}")
    return int(value)


def finite_number(name, value):
    """``value`` as a float: TypeError unless it is a real number, ValueError if not finite.

    Examples
    --------
    >>> finite_number("weight_init_std", 0.01)
    0.01
    """
    if not _is_real(value):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def positive_number(name, value):
    """``value`` as a float: TypeError unless it is a real number, ValueError unless > 0.

    Examples
    --------
    >>> positive_number("learning_rate", 0.1)
    0.1
    """
    number = finite_number(name, value)
    if number <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return number


def seed(name, value):
    """``value`` checked as a seed for ``np.random.default_rng``: None or a whole number >= 0.

    Examples
    --------
    >>> seed("seed", 0), seed("seed", None)
    (0, None)
    """
    if value is None:
        return None
    return whole_number(name, value, 0)


def choice(name, value, options):
    """``value`` if it is one of the strings ``options``; TypeError / ValueError otherwise.

    Examples
    --------
    >>> choice("sampling", "epoch", ("epoch", "replacement"))
    'epoch'
    """
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {options}, got {value!r}")
    if value not in options:
        raise ValueError(f"{name} must be one of {options}, got {value!r}")
    return value


def number_array(name, value):
    """``value`` as a float array, its values unchecked: TypeError for text, objects,
    complex or ragged lists. Booleans and integers become float64; float arrays are
    kept as they are (not copied).

    Examples
    --------
    >>> number_array("x", [1, 2])
    array([1., 2.])
    """
    try:
        array = np.asarray(value)
    except ValueError as error:  # ragged nested lists (numpy >= 1.24)
        raise TypeError(
            f"{name} must be a rectangular array of numbers; a nested list whose rows "
            f"differ in length cannot be one ({error})"
        ) from None
    if array.dtype.kind in "biu":
        return array.astype(np.float64)
    if array.dtype.kind != "f":
        raise TypeError(f"{name} must hold real numbers, got an array of dtype {array.dtype}")
    return array


def float_array(name, value, *, finite=False):
    """:func:`number_array`, then ValueError for NaN (and, with ``finite=True``, for
    infinity).

    Examples
    --------
    >>> float_array("x", [1, 2])
    array([1., 2.])
    """
    array = number_array(name, value)
    if finite:
        if not np.isfinite(array).all():
            kind = "NaN" if np.isnan(array).any() else "infinity"
            raise ValueError(f"{name} contains {kind} (shape {array.shape})")
    elif np.isnan(array).any():
        raise ValueError(f"{name} contains NaN (shape {array.shape})")
    return array
