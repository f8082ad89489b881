"""Activation and loss functions of chapters 3-4, vectorised with numpy.

Every function accepts a scalar, a 1-D array (one sample) or a 2-D array (a batch
with one sample per row) and never mutates its input.
"""

import numpy as np

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


def _float_array(x, name="x"):
    """Return ``x`` as a floating-point array, refusing text, objects and NaN."""
    array = np.asarray(x)
    if array.dtype.kind == "b" or array.dtype.kind in "iu":
        array = array.astype(np.float64)
    elif array.dtype.kind != "f":
        raise TypeError(f"{name} must be numeric, got an array of dtype {array.dtype}")
    if np.isnan(array).any():
        raise ValueError(f"{name} contains NaN (shape {array.shape})")
    return array


def identity_function(x):
    """Return ``x`` unchanged: the output activation used for regression.

    Examples
    --------
    >>> identity_function(np.array([-1.0, 2.0]))
    array([-1.,  2.])
    """
    return _float_array(x).copy()


def step_function(x):
    """Heaviside step: 1 where ``x > 0``, else 0, as an integer array.

    Examples
    --------
    >>> step_function(np.array([-1.0, 0.0, 2.0]))
    array([0, 0, 1])
    """
    return (_float_array(x) > 0).astype(np.int64)


def sigmoid(x):
    """Logistic sigmoid 1 / (1 + exp(-x)), with no overflow warning.

    The textbook formula overflows in ``exp(-x)`` for x below about -709, and numpy
    warns. The overflow is harmless: ``exp`` gives ``inf`` and 1 / (1 + inf) is 0,
    while the exact value is below 1e-308, so 0 is the right float64 answer. We keep
    the cheap formula and silence only that warning; the ``exp(-|x|)`` form taught in
    notebook 01 gives the same values with more passes over the array.

    Examples
    --------
    >>> sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    array([0. , 0.5, 1. ])
    """
    return _sigmoid(_float_array(x))


def _sigmoid(x):
    """The sigmoid of a float array, without input checks (for the networks' inner loops)."""
    out = np.negative(x, out=np.empty_like(x))  # one buffer, reused in place below
    with np.errstate(over="ignore"):
        np.exp(out, out=out)
    out += 1.0
    return np.reciprocal(out, out=out)


def sigmoid_grad(x):
    """Derivative of the sigmoid, s(x) * (1 - s(x)).

    Examples
    --------
    >>> float(sigmoid_grad(0.0))
    0.25
    """
    s = sigmoid(x)
    return s * (1.0 - s)


def relu(x):
    """Rectified linear unit, max(0, x).

    Examples
    --------
    >>> relu(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 3.])
    """
    return np.maximum(0.0, _float_array(x))


def relu_grad(x):
    """Derivative of ReLU: 1 where ``x > 0``, else 0 (0 is chosen at x = 0).

    Examples
    --------
    >>> relu_grad(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 1.])
    """
    return (_float_array(x) > 0).astype(np.float64)


def softmax(x):
    """Softmax along the last axis: exp(x) normalised to sum to 1.

    Subtracting each row's maximum first leaves the result unchanged (softmax is
    shift-invariant) and keeps ``exp`` from overflowing, so inputs like 1000 work.

    Examples
    --------
    >>> softmax(np.array([1000.0, 1000.0]))
    array([0.5, 0.5])
    >>> softmax(np.zeros((2, 4)))
    array([[0.25, 0.25, 0.25, 0.25],
           [0.25, 0.25, 0.25, 0.25]])
    """
    x = _float_array(x)
    if x.ndim == 0:
        raise ValueError("softmax needs at least one axis of scores, got a scalar")
    if np.isinf(x).any():
        raise ValueError(f"softmax input contains infinity (shape {x.shape})")
    return _softmax(x)


def _softmax(x):
    """Softmax of a finite float array along its last axis, without input checks."""
    e = x - x.max(axis=-1, keepdims=True)
    np.exp(e, out=e)
    e /= e.sum(axis=-1, keepdims=True)
    return e


def sum_squared_error(y, t):
    """Sum of squared errors, 0.5 * sum((y - t)**2), over every element.

    As in the book it is summed, not averaged, over a batch. ``t`` must have the
    shape of ``y`` (one-hot targets); see :func:`to_labels` for the other form.

    Examples
    --------
    >>> y = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
    >>> t = np.eye(10)[2]
    >>> round(float(sum_squared_error(y, t)), 4)
    0.0975
    """
    y = _float_array(y, "y")
    t = _float_array(t, "t")
    if y.shape != t.shape:
        raise ValueError(
            f"y and t must have the same shape for the squared error, got y {y.shape} and "
            f"t {t.shape}; convert label indices to one-hot rows first"
        )
    return 0.5 * np.sum((y - t) ** 2)


def to_labels(t, y_shape, name="t"):
    """Validate targets ``t`` for outputs of shape ``y_shape``; return label indices.

    ``t`` may be one-hot (the same shape as ``y``) or hold class indices, one per
    sample. A one-hot row must contain a single 1 and zeros elsewhere: the book's
    code quietly takes ``argmax`` of any row, which turns [1, 1] or [0, 0] into
    class 0 without a word. Here such a row is an error.

    Parameters
    ----------
    t : array_like
        One-hot rows, shape ``y_shape``, or integer labels, shape ``y_shape[:-1]``.
    y_shape : tuple
        Shape of the network output, ``(C,)`` or ``(batch, C)``.

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
    num_classes = y_shape[-1]
    batch_shape = tuple(y_shape[:-1])
    if t.dtype.kind not in "biuf":
        raise TypeError(f"t must hold numbers, got dtype {t.dtype}")
    if t.shape == tuple(y_shape):
        flat = t.reshape(-1, num_classes)
        good = np.isin(flat, (0, 1)).all(axis=1) & (flat.sum(axis=1) == 1)
        if not good.all():
            row = int(np.flatnonzero(~good)[0])
            raise ValueError(
                f"t has the shape of y {tuple(y_shape)} so it is read as one-hot, but row "
                f"{row} is {flat[row].tolist()}: a one-hot row holds exactly one 1 and "
                f"zeros elsewhere. Pass label indices 0..{num_classes - 1} instead, or "
                "real one-hot rows"
            )
        return flat.argmax(axis=1)
    if t.shape != batch_shape:
        raise ValueError(
            f"t must be one-hot with the shape of y {tuple(y_shape)} or hold one label "
            f"per sample with shape {batch_shape}, got shape {t.shape}"
        )
    flat = t.reshape(-1)
    if flat.dtype.kind == "f":
        if np.isnan(flat).any():
            raise ValueError("t contains NaN")
        if (flat != np.round(flat)).any():
            raise ValueError("labels in t must be whole numbers (class indices)")
    labels = flat.astype(np.int64)
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f"labels must lie in 0..{num_classes - 1} for {num_classes} classes, "
            f"got values from {labels.min()} to {labels.max()}"
        )
    return labels


def cross_entropy_error(y, t):
    """Cross-entropy between predicted probabilities ``y`` and targets ``t``.

    Computes -mean(log(y[i, t_i] + 1e-7)) over the batch, where ``t_i`` is the
    correct class of sample i. A 1-D ``y`` is one sample (a batch of one).
    ``t`` may be one-hot (same shape as ``y``) or label indices.

    Parameters
    ----------
    y : array_like
        Probabilities, shape ``(C,)`` or ``(batch, C)``, e.g. a softmax output.
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
    y = _float_array(y, "y")
    if y.ndim not in (1, 2):
        raise ValueError(f"y must be 1-D (one sample) or 2-D (a batch), got shape {y.shape}")
    if (y < 0).any() or np.isinf(y).any():
        raise ValueError("y must hold probabilities (finite and >= 0), e.g. a softmax output")
    labels = to_labels(t, y.shape)
    rows = y.reshape(-1, y.shape[-1])
    picked = rows[np.arange(rows.shape[0]), labels]
    return float(-np.sum(np.log(picked + EPSILON)) / rows.shape[0])
