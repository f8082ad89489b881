"""Activation and loss functions of chapters 3-4, vectorised with numpy.

Every function accepts a scalar, a 1-D array (one sample) or a 2-D array (a batch
with one sample per row), checks it once at the top and never mutates it.
"""

import numpy as np

from ._checks import float_array, number_array

__all__ = [
    "identity_function",
    "step_function",
    "sigmoid",
    "sigmoid_grad",
    "relu",
    "relu_grad",
    "softmax",
    "sum_squared_error",
    "cross_entropy_error",
    "to_labels",
]

EPSILON = 1e-7
"""Added inside the logarithm of the cross-entropy so that log(0) never happens."""

PROBABILITY_TOLERANCE = 0.01
"""How far from 1 a row of probabilities may sum (values rounded to two decimals pass)."""


def identity_function(x):
    """Return ``x`` unchanged: the output activation used for regression.

    Taught in ``02_forward_pass_and_softmax.ipynb``, section "A three-layer network
    by hand (book §3.4)".

    Examples
    --------
    >>> identity_function(np.array([-1.0, 2.0]))
    array([-1.,  2.])
    """
    x = float_array("x", x)
    return x.copy()


def step_function(x):
    """Heaviside step: 1 where ``x > 0``, else 0, as an integer array.

    Taught in ``01_activation_functions.ipynb``, section "The step function".

    Examples
    --------
    >>> step_function(np.array([-1.0, 0.0, 2.0]))
    array([0, 0, 1])
    """
    x = float_array("x", x)
    return np.array(x > 0, dtype=np.int64)


def sigmoid(x):
    """Logistic sigmoid 1 / (1 + exp(-x)), with no overflow warning.

    The formula overflows in ``exp(-x)`` for x below about -709.8, and numpy warns.
    The overflow is harmless for a probability: ``exp`` gives ``inf`` and 1 / (1 + inf)
    is 0, less than 1e-308 from the exact value (which float64 could still hold as a
    subnormal down to x ≈ -745: sigmoid(-710) ≈ 4.5e-309). We keep the formula and
    silence only that warning; the ``exp(-|x|)`` form of notebook 01 differs from it
    only there.

    Taught in ``01_activation_functions.ipynb``, section "The sigmoid function".

    Examples
    --------
    >>> sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    array([0. , 0.5, 1. ])
    """
    x = float_array("x", x)
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-x))


def sigmoid_grad(x):
    """Derivative of the sigmoid, (1 - s(x)) * s(x).

    Used by ``TwoLayerNet.gradient`` (backpropagation through the hidden layer), which
    ``07_two_layer_net.ipynb`` derives in section "Backpropagation, derived for this net".

    Examples
    --------
    >>> float(sigmoid_grad(0.0))
    0.25
    """
    s = sigmoid(x)
    return (1.0 - s) * s


def relu(x):
    """Rectified linear unit, max(0, x).

    Taught in ``01_activation_functions.ipynb``, section "ReLU".

    Examples
    --------
    >>> relu(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 3.])
    """
    x = float_array("x", x)
    return np.maximum(0, x)


def relu_grad(x):
    """Derivative of ReLU: 1 where ``x > 0``, else 0 (0 is chosen at x = 0).

    Used by ``TwoLayerNet.gradient`` for a ReLU net (chapter 5's choice), which the lab of
    ``10_interactive_training.ipynb`` offers; it completes ``relu``, taught in
    ``01_activation_functions.ipynb``, section "ReLU".

    Examples
    --------
    >>> relu_grad(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 1.])
    """
    x = float_array("x", x)
    return np.array(x > 0, dtype=np.float64)


def softmax(x):
    """Softmax along the last axis: exp(x) normalised to sum to 1.

    Subtracting each row's maximum first leaves the result unchanged (softmax is
    shift-invariant) and keeps ``exp`` from overflowing, so inputs like 1000 work.
    Infinite scores have no softmax (inf - inf is NaN) and are refused.

    Taught in ``02_forward_pass_and_softmax.ipynb``, section "The softmax function".

    Examples
    --------
    >>> softmax(np.array([1000.0, 1000.0]))
    array([0.5, 0.5])
    >>> softmax(np.zeros((2, 4)))
    array([[0.25, 0.25, 0.25, 0.25],
           [0.25, 0.25, 0.25, 0.25]])
    """
    x = _scores(x)
    with np.errstate(over="ignore"):  # 1e308 - (-1e308) is -inf: exp makes it 0, as it should
        a = x - x.max(axis=-1, keepdims=True)
    exp_a = np.exp(a)
    return exp_a / exp_a.sum(axis=-1, keepdims=True)


def _scores(x):
    """``x`` checked as scores for softmax: finite, with a class axis of at least one."""
    x = float_array("x", x, finite=True)
    if x.ndim == 0:
        raise ValueError("softmax needs at least one axis of scores, got a scalar")
    if x.shape[-1] == 0:
        raise ValueError(
            f"softmax needs at least one score along the last axis, got shape {x.shape}"
        )
    return x


def sum_squared_error(y, t):
    """Sum of squared errors, 0.5 * sum((y - t)**2), over every element.

    As in the book it is summed, not averaged, over a batch. ``t`` must have the
    shape of ``y`` (one-hot targets); see :func:`to_labels` for the other form.

    Taught in ``03_loss_functions.ipynb``, section "Sum of squared errors".

    Examples
    --------
    >>> y = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
    >>> t = np.eye(10)[2]
    >>> round(float(sum_squared_error(y, t)), 4)
    0.0975
    """
    y, t = _same_shape(y, t)
    with np.errstate(over="ignore"):  # (1e308)**2 is inf, the right float answer
        return 0.5 * np.sum((y - t) ** 2)


def _same_shape(y, t):
    y, t = float_array("y", y), float_array("t", t)
    if y.shape != t.shape:
        raise ValueError(
            f"y and t must have the same shape for the squared error, got y {y.shape} and "
            f"t {t.shape}; convert label indices to one-hot rows first"
        )
    return y, t


def to_labels(t, y_shape, name="t"):
    """Validate targets ``t`` for outputs of shape ``y_shape``; return label indices.

    ``t`` may be one-hot (the same shape as ``y``) or hold class indices, one per
    sample. A one-hot row must contain a single 1 and zeros elsewhere: the book's
    code quietly takes ``argmax`` of any row, which turns [1, 1] or [0, 0] into
    class 0 without a word. Here such a row is an error, and so is an empty batch
    (there is no mean over no samples).

    Used by :func:`cross_entropy_error`, ``TwoLayerNet`` and ``train``; the one-hot
    rule is taught in ``03_loss_functions.ipynb``, section "A target row must be
    one-hot".

    Parameters
    ----------
    t : array_like
        One-hot rows, shape ``y_shape``, or integer labels, shape ``y_shape[:-1]``.
    y_shape : tuple
        Shape of the network output, ``(C,)`` or ``(batch, C)``.
    name : str, default "t"
        The argument's name in error messages.

    Returns
    -------
    numpy.ndarray
        Integer labels of shape ``(batch,)`` (``(1,)`` for a single sample).

    Examples
    --------
    >>> to_labels([[0, 1], [1, 0]], (2, 2))
    array([1, 0])
    >>> to_labels(1, (3,))
    array([1])
    """
    t = np.asarray(t)
    num_classes, batch_shape = y_shape[-1], tuple(y_shape[:-1])
    if t.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numbers (labels or one-hot rows), got dtype {t.dtype}")
    if 0 in y_shape:
        raise ValueError(
            f"nothing to average over: the outputs have shape {tuple(y_shape)}, and a mean "
            "over the batch needs at least one sample (and one class)"
        )
    if t.shape == tuple(y_shape):
        return _one_hot_to_labels(t.reshape(-1, num_classes), tuple(y_shape), name)
    if t.shape != batch_shape:
        raise ValueError(
            f"{name} must be one-hot with the shape of y {tuple(y_shape)} or hold one label "
            f"per sample with shape {batch_shape}, got shape {t.shape}"
        )
    labels = t.reshape(-1)
    if labels.dtype.kind == "f":
        if not np.isfinite(labels).all() or (labels != np.round(labels)).any():
            raise ValueError(
                f"labels in {name} must be whole numbers (class indices), not NaN or inf"
            )
        labels = labels.astype(np.int64)
    if not 0 <= labels.min() <= labels.max() < num_classes:
        raise ValueError(
            f"labels in {name} must lie in 0..{num_classes - 1} for {num_classes} classes, "
            f"got values from {labels.min()} to {labels.max()}"
        )
    return labels


def _one_hot_to_labels(rows, y_shape, name):
    good = np.isin(rows, (0, 1)).all(axis=1) & (rows.sum(axis=1) == 1)
    if not good.all():
        row = int(np.flatnonzero(~good)[0])
        raise ValueError(
            f"{name} has the shape of y {y_shape} so it is read as one-hot, but row {row} is "
            f"{rows[row].tolist()}: a one-hot row holds exactly one 1 and zeros elsewhere. "
            f"Pass label indices 0..{rows.shape[1] - 1} instead, or real one-hot rows"
        )
    return rows.argmax(axis=1)


def cross_entropy_error(y, t):
    """Cross-entropy between predicted probabilities ``y`` and targets ``t``.

    Computes -mean(log(y[i, t_i] + 1e-7)) over the batch, where ``t_i`` is the
    correct class of sample i. A 1-D ``y`` is one sample (a batch of one).
    ``t`` may be one-hot (same shape as ``y``) or label indices.

    Taught in ``03_loss_functions.ipynb``, sections "Cross-entropy error" and
    "Mini-batches".

    Parameters
    ----------
    y : array_like
        Probabilities, shape ``(C,)`` or ``(batch, C)``, e.g. a softmax output: each
        row at least 0 and summing to 1.
    t : array_like
        One-hot targets of the same shape, or integer labels ``()`` / ``(batch,)``.

    Returns
    -------
    float
        The mean cross-entropy (natural log) over the batch.

    Examples
    --------
    >>> y = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
    >>> round(float(cross_entropy_error(y, np.eye(10)[2])), 4)
    0.5108
    >>> round(float(cross_entropy_error(y, 2)), 4)
    0.5108
    """
    y, labels = _probabilities_and_labels(y, t)
    batch_size = y.shape[0]
    return float(-np.log(y[np.arange(batch_size), labels] + EPSILON).sum() / batch_size)


def _probabilities_and_labels(y, t):
    """``y`` as a 2-D batch of probability rows, and the label of each row."""
    y = number_array("y", y)
    if y.ndim not in (1, 2):
        raise ValueError(f"y must be 1-D (one sample) or 2-D (a batch), got shape {y.shape}")
    labels = to_labels(t, y.shape)
    y = y.reshape(-1, y.shape[-1])
    row_sums = y.sum(axis=1)
    lowest, highest = 1 - PROBABILITY_TOLERANCE, 1 + PROBABILITY_TOLERANCE
    if not (y.min() >= 0 and lowest <= row_sums.min() and row_sums.max() <= highest):
        _refuse_as_probabilities(y, row_sums)  # NaN fails these comparisons too
    return y, labels


def _refuse_as_probabilities(y, row_sums):
    float_array("y", y)  # NaN is named as such
    bad = (np.abs(row_sums - 1) > PROBABILITY_TOLERANCE) | (np.min(y, axis=1) < 0)
    row = int(np.argmax(bad))
    raise ValueError(
        f"y must hold probabilities (each row >= 0 and summing to 1), but row {row} is "
        f"{np.round(y[row], 4).tolist()[:10]} (sum {row_sums[row]:.4g}): pass "
        "softmax(scores), not the scores themselves"
    )
