"""Comparing an answer's result with the expected one, and showing values as short text.

Every number is shown rounded (4 significant digits unless more are needed to tell two
numbers apart), never with an address or a numpy repr, so the feedback reads the same on
every machine and every numpy version.
"""

import numbers

import numpy as np

__all__ = ["Mismatch", "show", "show_pair", "expect_array", "expect_number"]

MAX_SHOWN = 24
"""Arrays with more elements than this are described by their shape only."""


class Mismatch(Exception):
    """A case's result is wrong.

    Parameters
    ----------
    problem : str
        One line saying what is wrong, e.g. "row 1 sums to 0.5, not 1".
    expected, got : str, optional
        The expected and the returned value, already shown as text.
    hints : sequence of str
        Advice on the likely cause.
    """

    def __init__(self, problem, *, expected=None, got=None, hints=()):
        super().__init__(problem)
        self.problem = problem
        self.expected = expected
        self.got = got
        self.hints = tuple(hints)


def _number(value, digits=4):
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return str(int(value))
    value = float(value)
    if np.isnan(value):
        return "nan"
    if np.isinf(value):
        return "inf" if value > 0 else "-inf"
    text = format(value, f".{digits}g")
    return "0" if float(text) == 0 else text


def _nested(array, digits):
    if array.ndim == 0:
        return _number(array.item(), digits)
    return "[" + ", ".join(_nested(row, digits) for row in array) + "]"


def show(value, digits=4):
    """``value`` as short, machine-independent text.

    Examples
    --------
    >>> show(np.array([[0.5, 1 / 3], [-0.0, 2e-9]]))
    '[[0.5, 0.3333], [0, 2e-09]]'
    >>> show([1.0, 2.0]), show(None), show({"a": 1}), show(np.float64(2.5)), show(1j)
    ('a list [1, 2]', 'None', 'a dict', '2.5', 'a complex')
    """
    if value is None:
        return "None"
    if isinstance(value, np.generic):
        value = np.asarray(value)
    if isinstance(value, numbers.Real):
        return _number(value, digits)
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf":
            return f"an array of dtype {value.dtype} with shape {value.shape}"
        if value.ndim == 0:
            return _number(value.item(), digits)
        if value.size > MAX_SHOWN:
            return f"an array of shape {value.shape}"
        return _nested(value, digits)
    if isinstance(value, (list, tuple)):
        try:
            array = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            return f"a {type(value).__name__} of {len(value)} items"
        return f"a {type(value).__name__} {show(array, digits)}"
    return f"a {type(value).__name__}"


def show_pair(expected, got):
    """Two numbers with enough digits (4 to 12) to see that they differ, and how.

    Examples
    --------
    >>> show_pair(3.00000001, 3.0000000001)
    ('3.00000001', '3.0000000001')
    >>> show_pair(0.5, 0.25)
    ('0.5', '0.25')
    """
    for digits in range(4, 13):
        if _number(expected, digits) != _number(got, digits):
            digits = min(digits + 2, 12) if digits > 4 else 4
            break
    return _number(expected, digits), _number(got, digits)


def _as_number(got, what):
    if isinstance(got, np.ndarray) and got.ndim == 0:
        got = got[()]
    if isinstance(got, (numbers.Real, np.bool_)):
        return float(got)
    if isinstance(got, np.ndarray):
        raise Mismatch(
            f"{what} should be one number, got an array of shape {got.shape}",
            hints=("add the elements up (np.sum) so the result is one number",),
        )
    raise Mismatch(f"{what} should be one number, got {show(got)}", hints=_none_hint(got))


def _not_finite_hints(value, expected):
    if np.isfinite(value) or not np.isfinite(expected):
        return []
    if np.isnan(value):
        return ["nan comes from inf / inf, inf - inf or 0 / 0: something overflowed on the way"]
    return ["an inf means a number grew too large for float64 (an overflow), or log(0)"]


def _none_hint(got):
    return ("did you forget the `return` line?",) if got is None else ()


def expect_number(
    got, expected, *, rtol=1e-7, atol=1e-10, what="the result", alternatives=(), hints=()
):
    """Raise :class:`Mismatch` unless ``got`` is one number close to ``expected``.

    ``alternatives`` pairs a wrong value learners often get with a hint about its cause
    (and optionally a looser relative tolerance for recognising it); ``hints`` are shown
    whenever this check fails.

    Examples
    --------
    >>> expect_number(np.float64(0.5), 0.5)
    >>> try:
    ...     expect_number(1.5, 0.5, alternatives=[(1.5, "add, do not subtract")])
    ... except Mismatch as wrong:
    ...     print(wrong.problem, wrong.hints)
    the result is 1.5, expected 0.5 ('add, do not subtract',)
    """
    value = _as_number(got, what)
    if np.isclose(value, expected, rtol=rtol, atol=atol):
        return
    found = [
        hint
        for wrong, hint, *loose in alternatives
        if np.isclose(value, wrong, rtol=max([rtol, *loose]), atol=atol)
    ]
    found += list(hints) or _not_finite_hints(value, expected)
    shown_expected, shown_got = show_pair(expected, value)
    raise Mismatch(
        f"{what} is {shown_got}, expected {shown_expected}",
        expected=shown_expected,
        got=shown_got,
        hints=found,
    )


def _check_kind(got, expected, what, allow_bool):
    if expected.ndim == 0 and isinstance(got, (numbers.Real, np.generic)):
        return np.asarray(got)
    if not isinstance(got, np.ndarray):
        hints = list(_none_hint(got))
        if isinstance(got, (list, tuple)):
            hints.append("return a numpy array (numpy operations on x give one), not a list")
        kind = f"a numpy array of shape {expected.shape}" if expected.ndim else "one number"
        raise Mismatch(f"{what} should be {kind}, got {show(got)}", hints=hints)
    allowed = "iuf" + ("b" if allow_bool else "")
    if got.dtype.kind not in allowed:
        raise Mismatch(f"{what} should hold numbers, got an array of dtype {got.dtype}")
    if got.shape != expected.shape:
        hints = []
        if got.ndim == 2 and got.shape == expected.shape[::-1]:
            hints.append("the shape is transposed: rows and columns are swapped")
        raise Mismatch(
            f"{what} has shape {got.shape}, expected {expected.shape}",
            expected=show(expected),
            got=show(got),
            hints=hints,
        )
    return got


def _position(index):
    return "[" + ", ".join(str(int(i)) for i in index) + "]"


def expect_array(
    got,
    expected,
    *,
    rtol=1e-7,
    atol=1e-10,
    what="the result",
    alternatives=(),
    hints=(),
    allow_bool=False,
):
    """Raise :class:`Mismatch` unless ``got`` is an array like ``expected``, close to it.

    Checks in order: an array (not a list or None), numbers, the shape, no unexpected
    nan or inf, then the values; the problem names the first element that is off.

    Examples
    --------
    >>> expect_array(np.array([1.0, 2.0]), np.array([1.0, 2.0]))
    >>> try:
    ...     expect_array([1.0, 2.0], np.array([1.0, 2.0]))
    ... except Mismatch as wrong:
    ...     print(wrong.problem)
    the result should be a numpy array of shape (2,), got a list [1, 2]
    """
    got = _check_kind(got, expected, what, allow_bool)
    values = got.astype(np.float64)
    close = np.isclose(values, expected, rtol=rtol, atol=atol)
    if close.all():
        return
    found = [
        hint
        for wrong, hint, *loose in alternatives
        if np.shape(wrong) == values.shape
        and np.allclose(values, wrong, rtol=max([rtol, *loose]), atol=atol)
    ]
    index = np.unravel_index(int(np.argmin(close)), values.shape) if values.ndim else ()
    found += list(hints) or _not_finite_hints(values[index], expected[index])
    if got.dtype == np.float32:
        found.append("the result is float32, which keeps about 7 digits: compute in float64")
    shown_expected, shown_got = show_pair(expected[index], values[index])
    where = f" at {_position(index)}" if values.ndim else ""
    raise Mismatch(
        f"{what}{where} is {shown_got}, expected {shown_expected}",
        expected=show(expected),
        got=show(got),
        hints=found,
    )
