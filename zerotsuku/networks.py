"""The networks of chapter 4: a one-layer ``SimpleNet`` and the ``TwoLayerNet``."""

import numpy as np

from ._checks import whole_number
from .fast_gradient import two_layer_numerical_gradient
from .functions import EPSILON, _sigmoid, _softmax, cross_entropy_error, softmax, to_labels
from .gradient import numerical_gradient

__all__ = ["SimpleNet", "TwoLayerNet"]


def _check_inputs(x, input_size):
    """Return ``x`` as a float array with ``input_size`` features per sample."""
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"x must be numeric, got dtype {x.dtype}")
    if x.ndim not in (1, 2) or x.shape[-1] != input_size:
        raise ValueError(
            f"x must have shape (batch, {input_size}) or ({input_size},) for a network with "
            f"input_size={input_size}, got shape {x.shape}"
        )
    if x.dtype.kind == "f" and not np.isfinite(x).all():
        raise ValueError(f"x contains NaN or infinity (shape {x.shape})")
    return x


def _check_batch(x, t, output_size):
    """Labels for ``t`` after checking that it matches the batch ``x``."""
    batch = x.shape[:-1]
    return to_labels(t, (*batch, output_size))


def _unchecked_twin(name):
    """Mark a public method whose work, minus the input checks, is method ``name``.

    :func:`zerotsuku.training.train` checks its data once and then calls the twin.
    """

    def mark(method):
        method.unchecked_twin = name
        return method

    return mark


class SimpleNet:
    """One weight matrix W (2 x 3), softmax and cross-entropy: the smallest net.

    It has no bias and no hidden layer; it exists to show a gradient dL/dW.

    Parameters
    ----------
    W : array_like, optional
        Start weights of shape (2, 3); by default drawn from a standard normal.
    seed : int, optional
        Seed for drawing W.

    Examples
    --------
    >>> net = SimpleNet(seed=0)
    >>> net.W.shape
    (2, 3)
    """

    def __init__(self, W=None, *, seed=None):
        if W is None:
            W = np.random.default_rng(seed).standard_normal((2, 3))
        W = np.array(W, dtype=np.float64)
        if W.shape != (2, 3):
            raise ValueError(f"W must have shape (2, 3), got {W.shape}")
        self.W = W

    def predict(self, x):
        """Scores x @ W (before softmax)."""
        return _check_inputs(x, 2) @ self.W

    def loss(self, x, t):
        """Cross-entropy of softmax(predict(x)) against ``t`` (one-hot or labels)."""
        return cross_entropy_error(softmax(self.predict(x)), t)

    def numerical_gradient(self, x, t):
        """dL/dW by central differences, with the shape of W."""
        return numerical_gradient(lambda W: self.loss(x, t), self.W)


class TwoLayerNet:
    """Affine -> sigmoid -> affine -> softmax, trained on the cross-entropy.

    Parameters
    ----------
    input_size, hidden_size, output_size : int
        Units in each layer (for MNIST: 784, e.g. 50, 10).
    weight_init_std : float, default 0.01
        Standard deviation of the normal draw for W1 and W2; biases start at 0.
    seed : int, optional
        Seed of the weight draw: the same seed gives the same network.

    Attributes
    ----------
    params : dict of numpy.ndarray
        ``W1`` (input, hidden), ``b1`` (hidden,), ``W2`` (hidden, output),
        ``b2`` (output,), all float64.

    Examples
    --------
    >>> net = TwoLayerNet(784, 50, 10, seed=0)
    >>> {k: v.shape for k, v in net.params.items()}
    {'W1': (784, 50), 'b1': (50,), 'W2': (50, 10), 'b2': (10,)}
    """

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01, *, seed=None):
        self.input_size = whole_number("input_size", input_size, 1)
        self.hidden_size = whole_number("hidden_size", hidden_size, 1)
        self.output_size = whole_number("output_size", output_size, 1)
        if not (np.isscalar(weight_init_std) and np.isfinite(weight_init_std)):
            raise ValueError(f"weight_init_std must be a finite number, got {weight_init_std!r}")
        if weight_init_std < 0:
            raise ValueError(f"weight_init_std must be >= 0, got {weight_init_std!r}")
        rng = np.random.default_rng(seed)
        self.params = {
            "W1": weight_init_std * rng.standard_normal((self.input_size, self.hidden_size)),
            "b1": np.zeros(self.hidden_size),
            "W2": weight_init_std * rng.standard_normal((self.hidden_size, self.output_size)),
            "b2": np.zeros(self.output_size),
        }

    def _checked(self, x):
        """``x`` checked against input_size, after checking the parameters are finite."""
        for key, value in self.params.items():
            if not np.isfinite(value).all():
                raise ValueError(
                    f"params[{key!r}] contains NaN or infinity: the network is broken "
                    "(a learning rate far too large makes training diverge like this)"
                )
        return _check_inputs(x, self.input_size)

    def _forward(self, x):
        """Hidden pre-activation, hidden output and class probabilities."""
        p = self.params
        a1 = x @ p["W1"] + p["b1"]
        z1 = _sigmoid(a1)
        y = _softmax(z1 @ p["W2"] + p["b2"])
        return a1, z1, y

    def predict(self, x):
        """Class probabilities for ``x`` of shape (batch, input_size) or (input_size,)."""
        return self._forward(self._checked(x))[2]

    @_unchecked_twin("_loss")
    def loss(self, x, t):
        """Mean cross-entropy (損失関数) on the batch ``x`` with targets ``t``."""
        return cross_entropy_error(self.predict(x), t)

    @_unchecked_twin("_accuracy")
    def accuracy(self, x, t):
        """Fraction of samples whose most probable class is the target class."""
        x = self._checked(x)
        labels = _check_batch(x, t, self.output_size)
        return self._accuracy(x.reshape(-1, self.input_size), labels)

    def numerical_gradient(self, x, t):
        """Gradient of the loss for every parameter, by central differences (h = 1e-4).

        The chapter's element loop: :func:`zerotsuku.gradient.numerical_gradient`
        nudges one parameter element at a time, two forward passes per element (slow
        on purpose). :func:`zerotsuku.fast_gradient.fast_numerical_gradient` computes
        the same differences at once.

        Returns
        -------
        dict of numpy.ndarray
            Same keys and shapes as ``params``.
        """
        x = self._checked(x)
        _check_batch(x, t, self.output_size)

        def loss_W(W):
            return self.loss(x, t)

        return {key: numerical_gradient(loss_W, p) for key, p in self.params.items()}

    @_unchecked_twin("_gradient")
    def gradient(self, x, t):
        """Gradient of the loss by backpropagation (chapter 5), for the same sigmoid net.

        Much faster than :meth:`numerical_gradient` and equal to it up to rounding.

        Returns
        -------
        dict of numpy.ndarray
            Same keys and shapes as ``params``.
        """
        x = self._checked(x)
        labels = _check_batch(x, t, self.output_size)
        return self._gradient(x.reshape(-1, self.input_size), labels)

    # Unchecked twins of the methods above, for zerotsuku.training.train, which checks
    # its data once: x is C-contiguous float64 of shape (batch, input_size), labels an
    # int array of shape (batch,).

    def _gradient(self, x, labels):
        a1, z1, y = self._forward(x)
        batch = x.shape[0]
        rows = np.arange(batch)
        # d/da of -log(y_t + eps) is (y - onehot) * y_t / (y_t + eps): the exact gradient
        # of the loss we report, 1e-7 guard included (the book drops the last factor).
        y_t = y[rows, labels]
        dy = y.copy()
        dy[rows, labels] -= 1.0
        dy *= (y_t / (y_t + EPSILON) / batch)[:, None]
        da1 = z1 * (1.0 - z1) * (dy @ self.params["W2"].T)  # sigmoid_grad(a1), reusing z1
        return {
            "W1": x.T @ da1,
            "b1": da1.sum(axis=0),
            "W2": z1.T @ dy,
            "b2": dy.sum(axis=0),
        }

    def _loss(self, x, labels):
        y = self._forward(x)[2]
        return float(-np.sum(np.log(y[np.arange(len(labels)), labels] + EPSILON)) / len(labels))

    def _accuracy(self, x, labels):
        p = self.params  # softmax keeps the order of the scores: argmax them directly
        scores = _sigmoid(x @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]
        return float(np.mean(scores.argmax(axis=1) == labels))

    def _numerical_gradient(self, x, labels):
        return two_layer_numerical_gradient(self.params, x, labels)
