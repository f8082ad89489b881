"""A plain re-implementation of chapter 4's algorithms: the yardstick of the benchmarks.

It follows the algorithms as the chapter describes them, in our own names and
structure (no code taken from the book's repository):

- the two-layer net: affine, logistic sigmoid, affine, softmax; weights drawn as
  ``std`` times a standard normal, biases zero; the loss is the batch mean of
  -log(p + 1e-7), p the probability given to the right class, where a one-hot target
  row stands for the position of its 1;
- the numerical gradient: central differences (L(w + h) - L(w - h)) / 2h, h = 1e-4,
  one parameter element at a time, the element nudged in place and then restored;
- the backpropagation gradient of that sigmoid net, which chapter 4's code ships:
  (p - t) / batch at the output, the sigmoid's slope s(1 - s) at the hidden layer;
- the training script: mini-batches drawn with replacement, a step of
  learning rate x gradient for every parameter, the batch loss after the step, and
  the accuracy on all training and test data at the start of every epoch.

It does the arithmetic of the book's code, redundancies included, so that its time is
what a reader of the book runs: the sigmoid's slope evaluates the sigmoid twice, as
the formula (1 - s(a)) s(a) reads, and softmax evaluates its exponentials twice, once
for the numerator and once for the sum. ``ReferenceNet(..., lean=True)`` computes each
of those once, which is about 4% faster on 784-50-10 (``bench_training`` reports both).

There are no input checks, parameters are float64, and every random draw comes from
the ``numpy.random.Generator`` passed in (the book uses the global ``np.random``).
"""

import numpy as np

STEP = 1e-4
GUARD = 1e-7


def logistic(a):
    return 1.0 / (1.0 + np.exp(-a))


def logistic_slope(a, lean=False):
    """(1 - s(a)) s(a) for the sigmoid s, with s evaluated twice unless ``lean``."""
    if lean:
        s = logistic(a)
        return s * (1.0 - s)
    return (1.0 - logistic(a)) * logistic(a)


def row_softmax(scores, lean=False):
    """Shift each row by its largest score, exponentiate, divide by the row's total."""
    shifted = scores - scores.max(axis=-1, keepdims=True)
    if lean:
        e = np.exp(shifted)
        return e / e.sum(axis=-1, keepdims=True)
    return np.exp(shifted) / np.exp(shifted).sum(axis=-1, keepdims=True)


def class_indices(targets, n_classes):
    """One-hot rows -> the position of their 1; label indices are kept."""
    targets = np.asarray(targets)
    if targets.ndim == 2:
        return targets.reshape(-1, n_classes).argmax(axis=1)
    return targets.reshape(-1)


def mean_log_loss(probs, targets):
    probs = probs.reshape(-1, probs.shape[-1])
    right = probs[np.arange(len(probs)), class_indices(targets, probs.shape[1])]
    return float(np.mean(-np.log(right + GUARD)))


def central_differences(loss, array):
    """d loss / d array by nudging each element of ``array`` in place; ``loss()`` reads it."""
    slopes = np.empty_like(array)
    for index in np.ndindex(array.shape):
        kept = array[index]
        array[index] = kept + STEP
        up = loss()
        array[index] = kept - STEP
        down = loss()
        array[index] = kept
        slopes[index] = (up - down) / (2 * STEP)
    return slopes


class ReferenceNet:
    """The chapter's two-layer sigmoid net, with both of its gradients."""

    def __init__(self, n_in, n_hidden, n_out, std=0.01, *, rng, lean=False):
        self.lean = lean
        self.params = {
            "W1": std * rng.standard_normal((n_in, n_hidden)),
            "b1": np.zeros(n_hidden),
            "W2": std * rng.standard_normal((n_hidden, n_out)),
            "b2": np.zeros(n_out),
        }

    def probabilities(self, x):
        p = self.params
        hidden = logistic(x @ p["W1"] + p["b1"])
        return row_softmax(hidden @ p["W2"] + p["b2"], self.lean)

    def loss(self, x, targets):
        return mean_log_loss(self.probabilities(x), targets)

    def accuracy(self, x, onehot):
        guessed = self.probabilities(x).argmax(axis=1)
        return float(np.mean(guessed == onehot.argmax(axis=1)))

    def numerical_gradient(self, x, targets):
        return {
            key: central_differences(lambda: self.loss(x, targets), value)
            for key, value in self.params.items()
        }

    def backprop_gradient(self, x, onehot):
        p = self.params
        pre = x @ p["W1"] + p["b1"]
        hidden = logistic(pre)
        out_error = (row_softmax(hidden @ p["W2"] + p["b2"], self.lean) - onehot) / len(x)
        hidden_error = (out_error @ p["W2"].T) * logistic_slope(pre, self.lean)
        return {
            "W1": x.T @ hidden_error,
            "b1": hidden_error.sum(axis=0),
            "W2": hidden.T @ out_error,
            "b2": out_error.sum(axis=0),
        }


def run_training_script(net, train_data, test_data, steps, batch, rate, rng):
    """The training script; ``train_data`` and ``test_data`` are (inputs, one-hot rows).

    Returns the batch losses and the train and test accuracies, one per epoch.
    """
    inputs, onehot = train_data
    size = len(inputs)
    per_epoch = max(size // batch, 1)
    losses, train_acc, test_acc = [], [], []
    for step in range(steps):
        rows = rng.integers(0, size, batch)
        x, t = inputs[rows], onehot[rows]
        for key, grad in net.backprop_gradient(x, t).items():
            net.params[key] -= rate * grad
        losses.append(net.loss(x, t))
        if step % per_epoch == 0:
            train_acc.append(net.accuracy(*train_data))
            test_acc.append(net.accuracy(*test_data))
    return losses, train_acc, test_acc
