"""Cases for the loss functions (notebook 03), expected values from the definitions."""

import math

import numpy as np

from ._compare import expect_number, show
from ._feedback import Exercise
from ._running import Case

__all__ = ["SUM_SQUARED_ERROR", "CROSS_ENTROPY_ERROR"]

DELTA = 1e-7
"""The book's guard inside the logarithm."""


def _one_hot(label, size, dtype=np.int64):
    t = np.zeros(size, dtype=dtype)
    t[label] = 1
    return t


BOOK_Y = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
"""The book's example output: 0.6 on class 2."""

BOOK_Y_WRONG = np.array([0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0])
"""The book's second example: 0.6 on class 7, while the answer is 2."""


def _loss_case(name, loss, y, t, *, wrong=(), hints=(), hints_on_error=()):
    """A case that calls ``answer(y, t)`` and expects the number ``loss(y, t)``.

    ``wrong`` pairs functions of (y, t) that learners often write instead with a hint.
    """
    y, t = np.asarray(y), np.asarray(t)
    expected = loss(y, t)
    alternatives = [(f(y, t), hint) for f, hint in wrong]

    def run(trial, answer):
        got = trial.call(answer, y.copy(), t.copy())
        expect_number(
            got,
            expected,
            rtol=1e-6,
            atol=1e-9,
            what="the loss",
            alternatives=alternatives,
            hints=hints,
        )

    given = f"y = {show(y)}, t = {show(t)}"
    return Case(name, run, given=given, hints_on_error=hints_on_error)


def _sse(y, t):
    return 0.5 * math.fsum((float(a) - float(b)) ** 2 for a, b in zip(y.flat, t.flat, strict=True))


_SSE_WRONG = [
    (lambda y, t: 2 * _sse(y, t), "multiply by 0.5: the book's error is 0.5 * sum((y - t)**2)"),
    (lambda y, t: _sse(y, t) / y.size, "the book sums the squares; it does not take the mean"),
    (lambda y, t: 2 * _sse(y, t) / y.size, "the book sums, halved: 0.5 * sum, not the mean"),
    (lambda y, t: math.sqrt(2 * _sse(y, t)), "no square root: 0.5 * sum((y - t)**2)"),
]

SUM_SQUARED_ERROR = Exercise(
    "sum_squared_error",
    "function",
    (
        _loss_case(
            "the book's example: 0.6 on the right class gives 0.0975",
            _sse,
            BOOK_Y,
            _one_hot(2, 10),
            wrong=_SSE_WRONG,
        ),
        _loss_case(
            "the book's second example: 0.6 on a wrong class gives 0.5975",
            _sse,
            BOOK_Y_WRONG,
            _one_hot(2, 10),
            wrong=_SSE_WRONG,
        ),
        _loss_case("a perfect prediction gives 0", _sse, _one_hot(1, 3, float), _one_hot(1, 3)),
        _loss_case(
            "outputs that are not probabilities (any numbers work)",
            _sse,
            [2.0, -1.0, 0.5],
            _one_hot(1, 3, float),
            wrong=_SSE_WRONG,
        ),
    ),
)


def _labels(y, t):
    """The book's reading of ``t``: one-hot when it has y's size, else class labels."""
    rows = y.reshape(-1, y.shape[-1])
    if t.size == y.size:
        return rows, t.reshape(rows.shape).argmax(axis=1)
    return rows, t.reshape(-1).astype(np.int64)


def _cee(y, t, delta=DELTA, log=math.log):
    rows, labels = _labels(y, t)
    picked = [float(rows[i, k]) for i, k in enumerate(labels)]
    return -math.fsum(log(p + delta) for p in picked) / len(picked)


def _cee_sum(y, t):
    return _cee(y, t) * len(_labels(y, t)[1])


_CEE_WRONG = [
    (lambda y, t: -_cee(y, t), "the sign: the loss is minus the log, -log(y + 1e-7)"),
    (lambda y, t: _cee(y, t, log=math.log10), "use the natural log, np.log, not log10"),
]
_MEAN_WRONG = [
    (
        _cee_sum,
        "that is the sum over the batch: divide by the batch size (the mean), so the "
        "loss does not grow with the number of samples",
    ),
    (
        lambda y, t: _cee(y, t) / y.shape[-1],
        "divide by the batch size (the number of rows), not by the number of elements",
    ),
]
_LABELS_HINT = (
    "here t holds class labels, not one-hot rows: pick each row's probability of its "
    "label with y[np.arange(batch_size), t]",
)
_GUARD_WRONG = [
    (lambda y, t, d=d: _cee(y, t, delta=d), "the book adds delta = 1e-7 inside the log")
    for d in (1e-4, 1e-5, 1e-6, 1e-8, 1e-9, 1e-10, 1e-12, 1e-15)
]

_BATCH_Y = np.array([[0.1, 0.2, 0.6, 0.1], [0.7, 0.1, 0.1, 0.1], [0.25, 0.25, 0.25, 0.25]])

CROSS_ENTROPY_ERROR = Exercise(
    "cross_entropy_error",
    "function",
    (
        _loss_case(
            "one sample (1-D) with a one-hot target: the book's 0.5108",
            _cee,
            BOOK_Y,
            _one_hot(2, 10),
            wrong=_CEE_WRONG,
        ),
        _loss_case(
            "one sample (1-D) with its label as a number, t = 2",
            _cee,
            BOOK_Y_WRONG,
            np.array(2),
            hints=_LABELS_HINT,
            hints_on_error=(
                "a 1-D y is one sample: reshape y to (1, y.size) and t to (1, t.size) "
                "first, then the batch code handles it",
            ),
        ),
        _loss_case(
            "a batch (2-D) with one-hot targets: the mean over the batch",
            _cee,
            _BATCH_Y,
            np.eye(4)[[2, 0, 1]],
            wrong=_MEAN_WRONG + _CEE_WRONG,
        ),
        _loss_case(
            "a batch with label targets, t = [2, 0, 1]",
            _cee,
            _BATCH_Y,
            np.array([2, 0, 1], dtype=np.uint8),
            wrong=_MEAN_WRONG,
            hints=_LABELS_HINT,
            hints_on_error=_LABELS_HINT,
        ),
        _loss_case(
            "a zero probability on the true class: the 1e-7 guard gives -log(1e-7) ≈ 16.12",
            _cee,
            [0.0, 0.9, 0.1],
            _one_hot(0, 3),
            wrong=_GUARD_WRONG,
            hints=("add a tiny delta inside the log, np.log(y + 1e-7), as the book does",),
        ),
        _loss_case(
            "a batch of one sample (shape (1, 3)) with a label",
            _cee,
            [[0.2, 0.7, 0.1]],
            np.array([1]),
            hints=_LABELS_HINT,
            hints_on_error=_LABELS_HINT,
        ),
    ),
    warning_note={
        "divide by zero": "log(0) is -inf: the book adds 1e-7 inside the log to avoid it.",
    },
)
