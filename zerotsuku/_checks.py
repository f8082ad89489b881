"""Argument checks shared by the modules: one message for one kind of mistake."""

import numpy as np


def whole_number(name, value, low=0):
    """``value`` as an int; a ValueError naming ``name`` unless it is a whole number >= low."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{name} must be a whole number >= {low}, got {value!r}")
    return int(value)


def positive_number(name, value):
    """``value`` as a float; a ValueError naming ``name`` unless it is finite and > 0."""
    numeric = isinstance(value, (int, float, np.integer, np.floating))
    if isinstance(value, bool) or not numeric or not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)
