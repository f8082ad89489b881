"""The exact central-difference gradient of the two-layer net, computed fast.

:meth:`TwoLayerNet.numerical_gradient <zerotsuku.networks.TwoLayerNet.numerical_gradient>`
nudges one parameter at a time and runs the whole network twice for each: 2 x 39,760
forward passes for a 784-50-10 net. :func:`fast_numerical_gradient` computes the same
central differences,

    (L(p + h) - L(p - h)) / 2h    for every parameter element p, h = 1e-4,

with the same loss (softmax, cross-entropy with the 1e-7 guard, mean over the batch)
and the same nudged values p + h and p - h, but without a Python loop over elements.

How the nudged losses are evaluated depends on the size of the net, because one way
cannot serve both sizes the notebooks use (measured by ``bench_gradient`` in
``benchmarks/suite.py``, rows "fast" and "fast, structured way forced", one BLAS
thread, on a shared 2-vCPU machine, 2026-12-01):

- small nets (the 2-3-2 net of the dummy run, batch 10): **stacked**. Copy the
  parameters once per nudge, stack the copies and run one batched forward pass over
  all of them: 0.12 ms a call, against 0.33 ms for the structured way, whose many small
  numpy calls cost more than the arithmetic at this size. That is what keeps the
  10,000-iteration dummy run short. It does the loop's arithmetic, except that each
  layer's bias is added inside its matrix product (as the weight of an input of 1).
- larger nets (784-50-10, batch 100): **structured**, 0.22 s a call, 119 times faster
  than the element loop (the stacked way would do the loop's 80,000 forward passes).
  Nudging ``W1[i, j]`` by a step d changes only hidden unit j's input, by d * x[n, i]
  for each sample n (for ``b1[j]`` read 1 for x[n, i]); nudging ``W2[j, k]`` changes
  only score k, by d * z1[n, j] (for ``b2[k]`` read 1 for z1[n, j]). So a nudge touches
  only the samples with x[n, i] != 0, and each costs O(outputs) work instead of a
  whole forward pass. A nudged loss is the base loss plus the change of the touched
  samples' loss terms; summing only those changes also leaves less rounding error
  than the loop's difference of two full losses.

The stacked way is used only while all its nudged sets fit in 2**16 numbers, so it
runs as one pass; the structured way evaluates its nudges in chunks of about 16 MiB,
which run fastest and bound the memory used.
"""

import math

import numpy as np

from . import _checks
from .functions import EPSILON
from .gradient import STEP_TOLERANCE, _check_step_fits
from .networks import ACTIVATIONS, TwoLayerNet

__all__ = ["fast_numerical_gradient"]

_KEYS = ("W1", "b1", "W2", "b2")
_FLOAT = np.dtype(np.float64).itemsize
_CHUNK_BYTES = 16 * 2**20  # nudged values evaluated at once: stays in cache, runs fastest
_STACKED_UP_TO = 2**16  # stack the nudged sets when they hold at most this many numbers


def fast_numerical_gradient(network, x, t, *, h=1e-4):
    """Central-difference gradient of ``network.loss(x, t)`` for every parameter, at once.

    The numbers are those of the element loop ``network.numerical_gradient(x, t)``
    up to rounding (relative differences below 1e-8); ``network.params`` is not
    modified. The network's hidden activation (``network.activation``, sigmoid or
    ReLU) is used, as in its own methods.

    Used by ``train(..., gradient="fast_numerical")``; compared with the loop in
    ``07_two_layer_net.ipynb``, section "The same numbers, without the loop".

    Parameters
    ----------
    network : TwoLayerNet
    x, t : array_like
        A batch and its targets, as for ``network.loss``.
    h : float, default 1e-4
        The step of the central difference.

    Returns
    -------
    dict of numpy.ndarray
        Same keys and shapes as ``network.params``.

    Examples
    --------
    >>> net = TwoLayerNet(2, 3, 2, weight_init_std=1.0, seed=0)
    >>> x, t = np.random.default_rng(0).random((5, 2)), np.array([0, 1, 1, 0, 1])
    >>> fast, loop = fast_numerical_gradient(net, x, t), net.numerical_gradient(x, t)
    >>> all(np.allclose(fast[key], loop[key], rtol=1e-8, atol=1e-12) for key in loop)
    True
    """
    if not isinstance(network, TwoLayerNet):
        raise TypeError(
            f"network must be a TwoLayerNet (the fast gradient uses its structure), "
            f"got {type(network).__name__}; use network.numerical_gradient(x, t) instead"
        )
    x, labels = network._check_batch(x, t)
    x = _checks.float_array("x", x, finite=True)
    h = _checks.positive_number("h", h)
    params = network.params
    flat = np.concatenate([params[key].ravel() for key in _KEYS])
    largest = float(np.abs(flat).max())
    if not math.isfinite(largest):
        network._check_params()  # names the parameter holding NaN or infinity
    if largest * np.finfo(flat.dtype).eps > STEP_TOLERANCE * h:
        _check_step_fits(flat, h)  # some parameters are so large that h may not fit
    activation, _ = ACTIVATIONS[network.activation]
    if 2 * flat.size * _stacked_row(params, x.shape[0]) <= _STACKED_UP_TO:
        grad = _stacked(params, flat, x, labels, h, activation)
    else:
        grad = _structured(params, x, labels, h, _CHUNK_BYTES // _FLOAT, activation)
    if not np.isfinite(grad).all():
        raise ValueError("the gradient overflowed: the nudged scores are too large")
    grads, start = {}, 0
    for key in _KEYS:  # cut the flat gradient into arrays shaped like the parameters
        grads[key] = grad[start : start + params[key].size].reshape(params[key].shape)
        start += params[key].size
    return grads


def _stacked_row(params, batch):
    """Numbers held per nudged parameter set: its parameters, activations and temporaries."""
    hidden, classes = params["W2"].shape
    return sum(params[key].size for key in _KEYS) + 4 * batch * (hidden + classes)


def _loss_terms(scores, right):
    """-log(softmax(s)[label] + 1e-7) for every column s of ``scores`` (overwritten).

    ``scores`` has the class axis first, so that the reductions over it run over
    whole contiguous slabs; ``right`` holds each column's score for its correct
    class. As in :func:`zerotsuku.functions.softmax`, each column's maximum is
    subtracted before ``exp``, so large scores cannot overflow.
    """
    shift = np.maximum.reduce(scores, axis=0)  # the ufunc's own reduce: less overhead
    scores -= shift
    total = np.add.reduce(np.exp(scores, out=scores), axis=0)
    return -np.log(np.exp(right - shift) / total + EPSILON)


def _stacked(params, flat, x, labels, h, activation):
    """Every nudged parameter set as one row; one batched forward pass over all rows.

    Row r < n holds the parameters with element r set to p + h, row n + r the
    same with p - h, as the loop sets them. A row's first (inputs + 1) * hidden
    numbers are W1 with b1 below it as one more row, so that one product with
    x and a column of ones gives x W1 + b1; W2 and b2 likewise. Returns the flat
    gradient.
    """
    (inputs, hidden), classes = params["W1"].shape, params["W2"].shape[1]
    n, batch = flat.size, x.shape[0]
    first = (inputs + 1) * hidden
    nudged = np.empty((2 * n, n))
    nudged[:] = flat
    nudged.reshape(2, n * n)[:, :: n + 1] = (flat + h, flat - h)  # the diagonals
    x1 = _with_ones(x)
    a1 = x1 @ nudged[:, :first].reshape(2 * n, inputs + 1, hidden)
    z1 = np.empty((2 * n, batch, hidden + 1))
    z1[..., :hidden] = activation(a1)
    z1[..., hidden] = 1
    W2 = nudged[:, first:].reshape(2 * n, hidden + 1, classes)
    scores = np.empty((classes, 2 * n, batch))  # class axis first
    np.matmul(W2.transpose(0, 2, 1), z1.transpose(0, 2, 1), out=scores.transpose(1, 0, 2))
    right = scores[labels, :, np.arange(batch)].T
    losses = np.add.reduce(_loss_terms(scores, right), axis=1) / batch
    return (losses[:n] - losses[n:]) / (2 * h)


def _with_ones(x):
    """``x`` with a column of ones appended: the input a bias multiplies."""
    x1 = np.empty((x.shape[0], x.shape[1] + 1))
    x1[:, :-1] = x
    x1[:, -1] = 1
    return x1


def _structured(params, x, labels, h, budget, activation):
    """Only the changed hidden unit or score of each nudge, for the touched samples.

    Returns the flat gradient, in the order W1, b1, W2, b2.
    """
    W1, b1, W2, b2 = (params[key] for key in _KEYS)
    batch = x.shape[0]
    a1 = x @ W1 + b1
    z1 = activation(a1)
    scores = np.ascontiguousarray((z1 @ W2 + b2).T)  # class axis first: fast reductions
    right = scores[labels, np.arange(batch)]  # each sample's score for its own class
    base_terms = _loss_terms(scores.copy(), right)

    def hidden_nudges(samples, inputs, steps, units):
        """Scores after nudging the input of hidden ``units`` by inputs * steps."""
        at = (samples[:, None], units)
        dz = activation(a1[at][..., None] + inputs[:, None, None] * steps) - z1[at][..., None]
        nudged = _add_outer(scores[:, samples], W2.T[:, units], dz)
        nudged_right = W2[at[1], labels[at[0]]][..., None] * dz + right[samples][:, None, None]
        return nudged, nudged_right

    def output_nudges(samples, inputs, steps, units):
        """Scores after nudging the output ``units`` by inputs * steps."""
        amounts = inputs[:, None, None] * steps
        nudged = _add_outer(scores[:, samples], np.eye(len(scores))[:, units], amounts)
        is_right = labels[samples][:, None, None] == units[:, None]
        return nudged, is_right * amounts + right[samples][:, None, None]

    # Per nudge: its column of scores, one temporary of that size, a few numbers.
    max_nudges = budget // (2 * len(scores) + 8)
    first = _with_ones(x)  # b1 acts like W1 on an input of 1
    second = _with_ones(z1)  # b2 acts like W2 on a hidden output of 1
    grad1 = _differences(np.vstack([W1, b1]), first, hidden_nudges, base_terms, h, max_nudges)
    grad2 = _differences(np.vstack([W2, b2]), second, output_nudges, base_terms, h, max_nudges)
    return np.concatenate([grad1[:-1].ravel(), grad1[-1], grad2[:-1].ravel(), grad2[-1]])


def _add_outer(scores, directions, amounts):
    """``scores[c, p] + directions[c, u] * amounts[p, u, s]``, class axis first in memory.

    Shape (classes, pairs, units, 2), C-contiguous, so that the reductions over
    the class axis in :func:`_loss_terms` run over whole contiguous slabs.
    """
    out = np.empty((scores.shape[0], *amounts.shape))
    np.multiply(directions[:, None, :, None], amounts, out=out)
    out += scores[:, :, None, None]
    return out


def _differences(weights, inputs, nudged_scores, base_terms, h, max_nudges):
    """Central differences for a weight matrix whose row r multiplies ``inputs[:, r]``.

    Nudging ``weights[r, u]`` by a step d changes only the scores of samples n
    with ``inputs[n, r] != 0``. ``nudged_scores(samples, inputs, steps, units)``
    returns those scores, shape (classes, len(samples), len(units), 2), and each
    one's score for the correct class, for steps (+d, -d) of shape
    (len(samples), len(units), 2). The change of the loss terms is summed over
    the touched samples only; then
    (L(+) - L(-)) / 2h = (change(+) - change(-)) / batch / 2h.
    At most about ``max_nudges`` nudges are evaluated at once.
    """
    batch, units = inputs.shape[0], weights.shape[1]
    # The steps the loop really takes: (p + h) - p and (p - h) - p in floating point.
    steps = np.stack([(weights + h) - weights, (weights - h) - weights], axis=-1)
    rows, samples = np.nonzero(inputs.T)  # (row, sample) pairs, sorted by row
    new_row = np.ones(rows.size, dtype=bool)
    np.not_equal(rows[1:], rows[:-1], out=new_row[1:])
    change = np.zeros(steps.shape)
    unit_block = max(1, min(units, max_nudges // 2))
    pair_block = max(1, max_nudges // (2 * unit_block))
    for u0 in range(0, units, unit_block):
        block = np.arange(u0, min(units, u0 + unit_block))
        for p0 in range(0, rows.size, pair_block):
            r, n = rows[p0 : p0 + pair_block], samples[p0 : p0 + pair_block]
            terms = _loss_terms(*nudged_scores(n, inputs[n, r], steps[r[:, None], block], block))
            terms -= base_terms[n][:, None, None]
            starts = np.flatnonzero(new_row[p0 : p0 + pair_block])
            if not new_row[p0]:  # this chunk starts inside a row's run of pairs
                starts = np.concatenate([[0], starts])
            change[r[starts], u0 : u0 + block.size] += np.add.reduceat(terms, starts, axis=0)
    return (change[..., 0] - change[..., 1]) / batch / (2 * h)
