"""Self-checked "build it" exercises: ``check(exercise_id, answer)``.

A learner writes a function (or the ``TwoLayerNet`` class) from the book, then runs
``check`` on it. The checker tries it on ordinary, edge and adversarial inputs, computes
the expected values itself from the definitions, and answers in plain words: which
case failed, on what input, what was expected and what came back. It never shows a
solution.

Used by the "build it" exercises of notebooks 01-09: each has a stub to fill in, a
check cell, and a hidden solution followed by a passing check.
"""

import difflib

from .._checks import positive_number
from ._activations import RELU, SIGMOID, SOFTMAX, STEP_FUNCTION
from ._feedback import Feedback, run_exercise
from ._gradients import GRADIENT_DESCENT, NUMERICAL_DIFF, NUMERICAL_GRADIENT
from ._losses import CROSS_ENTROPY_ERROR, SUM_SQUARED_ERROR
from ._network import TWO_LAYER_NET
from ._splits import SPLIT_VALIDATION

__all__ = ["check", "EXERCISE_IDS", "Feedback"]

_EXERCISES = {
    exercise.id: exercise
    for exercise in (
        STEP_FUNCTION,
        SIGMOID,
        RELU,
        SOFTMAX,
        SUM_SQUARED_ERROR,
        CROSS_ENTROPY_ERROR,
        NUMERICAL_DIFF,
        NUMERICAL_GRADIENT,
        GRADIENT_DESCENT,
        TWO_LAYER_NET,
        SPLIT_VALIDATION,
    )
}

EXERCISE_IDS = tuple(_EXERCISES)
"""The ids ``check`` accepts, in the order the notebooks teach them."""

TIME_LIMIT = 5.0
"""Default seconds per case; every case runs in milliseconds when the answer is right."""


def _exercise(exercise_id):
    if not isinstance(exercise_id, str):
        raise TypeError(
            f"exercise_id must be one of {EXERCISE_IDS} (a string), got {exercise_id!r}"
        )
    if exercise_id not in _EXERCISES:
        close = difflib.get_close_matches(exercise_id, EXERCISE_IDS, n=1)
        guess = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"exercise_id must be one of {EXERCISE_IDS}, got {exercise_id!r}.{guess}")
    return _EXERCISES[exercise_id]


def _check_answer(exercise, answer):
    name = exercise.id
    if exercise.kind == "class":
        if isinstance(answer, type):
            return
        kind = "an instance" if hasattr(answer, "params") else f"a {type(answer).__name__}"
        raise TypeError(
            f"answer must be your class itself, e.g. check({name!r}, {name}), got {kind}; "
            f"pass the class, not {name}(...)"
        )
    if isinstance(answer, type):
        raise TypeError(f"answer must be a function for {name!r}, got the class {answer.__name__}")
    if not callable(answer):
        raise TypeError(
            f"answer must be your function itself, e.g. check({name!r}, {name}), got a "
            f"{type(answer).__name__}; pass {name}, not {name}(...)"
        )


def check(exercise_id, answer, *, time_limit=TIME_LIMIT):
    """Check a learner's function or class and say what is right and what is not.

    Each case calls ``answer`` on a small input and compares what comes back with the
    value computed here from the definition (rounded in the report). Whatever the
    answer does, ``check`` does not raise: an exception inside the answer is reported
    with its line; a stub that raises ``NotImplementedError`` is reported as not
    finished yet; warnings are captured and shown as notes; an answer that changes its
    input in place (where the book's function would not) fails.

    Parameters
    ----------
    exercise_id : str
        One of :data:`EXERCISE_IDS`: ``"step_function"``, ``"sigmoid"``, ``"relu"``,
        ``"softmax"``, ``"sum_squared_error"``, ``"cross_entropy_error"``,
        ``"numerical_diff"``, ``"numerical_gradient"``, ``"gradient_descent"``,
        ``"TwoLayerNet"``, ``"split_validation"``.
    answer : callable or class
        The learner's function; for ``"TwoLayerNet"`` the class itself.
    time_limit : float or None, default 5.0
        Seconds each case may take before it is stopped and reported (a loop that never
        ends would otherwise hang the notebook). A right answer takes milliseconds per
        case, so 5 s only ever stops a stuck one, even on a slow shared machine. It
        works on Linux and macOS in the main thread, where notebooks run their cells;
        elsewhere, and with None, cases run without a limit.

    Returns
    -------
    Feedback
        True exactly when every case passed. Its text (``str()``, and what a notebook
        shows) lists each case, details the first failure and adds notes; it is the
        same on every machine.

    Raises
    ------
    TypeError
        If ``exercise_id`` is not a string, or ``answer`` is not a function (a class
        for ``"TwoLayerNet"``).
    ValueError
        If ``exercise_id`` is not one of :data:`EXERCISE_IDS`.

    Used by the "build it" exercises of notebooks 01-09.

    Examples
    --------
    A stub is reported as not finished; a right answer passes:

    >>> import numpy as np
    >>> def relu(x):
    ...     raise NotImplementedError("your code here")
    >>> feedback = check("relu", relu)
    >>> bool(feedback)
    False
    >>> print(feedback)
    ✎ relu: not finished yet: your function still raises NotImplementedError.
      Replace `raise NotImplementedError` with your code, then run this again.
    >>> def relu(x):
    ...     return np.maximum(0, x)
    >>> print(check("relu", relu))
    ✓ relu: all 5 checks passed.
      ✓ a few numbers: negatives become 0, the rest stay
      ✓ one number (a 0-D array)
      ✓ a 2-D array
      ✓ a 3-D array
      ✓ very large numbers
    """
    exercise = _exercise(exercise_id)
    _check_answer(exercise, answer)
    if time_limit is not None:
        time_limit = positive_number("time_limit", time_limit)
    return run_exercise(exercise, answer, time_limit)
