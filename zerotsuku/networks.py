"""The networks of chapter 4: a one-layer ``SimpleNet`` and the ``TwoLayerNet``."""

import numpy as np

from . import _checks
from .functions import (
    EPSILON,
    cross_entropy_error,
    relu,
    relu_grad,
    sigmoid,
    sigmoid_grad,
    softmax,
    to_labels,
)
from .gradient import numerical_gradient

__all__ = ["SimpleNet", "TwoLayerNet", "ACTIVATIONS"]

ACTIVATIONS = {"sigmoid": (sigmoid, sigmoid_grad), "relu": (relu, relu_grad)}
"""The hidden activations of :class:`TwoLayerNet`, by name: (function, its derivative).

``"sigmoid"`` is chapter 4's; ``"relu"`` is chapter 5's choice. Used by the lab of
``10_interactive_training.ipynb``.
"""


class SimpleNet:
    """One weight matrix W (2 x 3), softmax and cross-entropy: the smallest net.

    It has no bias and no hidden layer; it exists to show a gradient dL/dW.

    Taught in ``06_gradient_of_a_network.ipynb``, section "SimpleNet by hand".

    Parameters
    ----------
    W : array_like, optional
        Start weights of shape (2, 3), finite real numbers; by default drawn from a
        standard normal. The net keeps its own float64 copy.
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
            W = np.random.default_rng(_checks.seed("seed", seed)).standard_normal((2, 3))
        W = _checks.float_array("W", W, finite=True)
        if W.shape != (2, 3):
            raise ValueError(f"W must have shape (2, 3), got {W.shape}")
        self.W = np.array(W, dtype=np.float64)

    def predict(self, x):
        """Scores x @ W (before softmax).

        Taught in ``06_gradient_of_a_network.ipynb``, section "SimpleNet by hand".
        """
        x = _checked_inputs(x, 2)
        return np.dot(x, self.W)

    def loss(self, x, t):
        """Cross-entropy of softmax(predict(x)) against ``t`` (one-hot or labels).

        Taught in ``06_gradient_of_a_network.ipynb``, section "SimpleNet by hand".
        """
        z = self.predict(x)
        y = softmax(z)
        return cross_entropy_error(y, t)

    def numerical_gradient(self, x, t):
        """dL/dW by central differences, with the shape of W.

        Taught in ``06_gradient_of_a_network.ipynb``, section "∂L/∂W by numerical
        gradient".
        """
        return numerical_gradient(lambda W: self.loss(x, t), self.W)


class TwoLayerNet:
    """Affine -> sigmoid (or ReLU) -> affine -> softmax, trained on the cross-entropy.

    Taught in ``07_two_layer_net.ipynb`` (built by hand and checked against this
    class), trained in ``08_minibatch_training.ipynb``; the ReLU net is used by the lab
    of ``10_interactive_training.ipynb``.

    Parameters
    ----------
    input_size, hidden_size, output_size : int
        Units in each layer (for MNIST: 784, e.g. 50, 10).
    weight_init_std : float, default 0.01
        Standard deviation of the normal draw for W1 and W2; biases start at 0.
    activation : {"sigmoid", "relu"}, default "sigmoid"
        The hidden layer's activation: the sigmoid of chapter 4 (the book's net), or
        the ReLU of chapter 5, offered by the lab of ``10_interactive_training.ipynb``.
        Every method (predict, loss, both gradients) uses it.
    seed : int, optional
        Seed of the weight draw: the same seed gives the same network.

    Attributes
    ----------
    params : dict of numpy.ndarray
        ``W1`` (input, hidden), ``b1`` (hidden,), ``W2`` (hidden, output),
        ``b2`` (output,), all float64.
    activation : str
        ``"sigmoid"`` or ``"relu"``, as given.

    Examples
    --------
    >>> net = TwoLayerNet(784, 50, 10, seed=0)
    >>> {k: v.shape for k, v in net.params.items()}
    {'W1': (784, 50), 'b1': (50,), 'W2': (50, 10), 'b2': (10,)}
    >>> TwoLayerNet(2, 8, 3, activation="relu", seed=0).activation
    'relu'
    """

    def __init__(
        self,
        input_size,
        hidden_size,
        output_size,
        weight_init_std=0.01,
        *,
        activation="sigmoid",
        seed=None,
    ):
        self.input_size = _checks.whole_number("input_size", input_size, 1)
        self.hidden_size = _checks.whole_number("hidden_size", hidden_size, 1)
        self.output_size = _checks.whole_number("output_size", output_size, 1)
        weight_init_std = _checks.finite_number("weight_init_std", weight_init_std)
        if weight_init_std < 0:
            raise ValueError(f"weight_init_std must be >= 0, got {weight_init_std!r}")
        self.activation = _checks.choice("activation", activation, tuple(ACTIVATIONS))
        rng = np.random.default_rng(_checks.seed("seed", seed))
        self.params = {
            "W1": weight_init_std * rng.standard_normal((self.input_size, self.hidden_size)),
            "b1": np.zeros(self.hidden_size),
            "W2": weight_init_std * rng.standard_normal((self.hidden_size, self.output_size)),
            "b2": np.zeros(self.output_size),
        }

    def predict(self, x):
        """Class probabilities for ``x`` of shape (batch, input_size) or (input_size,).

        Taught in ``07_two_layer_net.ipynb``, section "Predict: affine → sigmoid →
        affine → softmax".
        """
        x = self._check_inputs(x)
        activation, _ = ACTIVATIONS[self.activation]
        W1, W2 = self.params["W1"], self.params["W2"]
        b1, b2 = self.params["b1"], self.params["b2"]
        a1 = np.dot(x, W1) + b1
        self._check_finite(a1, x)
        z1 = activation(a1)
        a2 = np.dot(z1, W2) + b2
        self._check_finite(a2, x)
        y = softmax(a2)
        return y

    def loss(self, x, t):
        """Mean cross-entropy (損失関数) on the batch ``x`` with targets ``t``.

        Taught in ``07_two_layer_net.ipynb``, section "Loss and accuracy".
        """
        y = self.predict(x)
        return cross_entropy_error(y, t)

    def accuracy(self, x, t):
        """Fraction of samples whose most probable class is the target class.

        Taught in ``07_two_layer_net.ipynb``, section "Loss and accuracy".
        """
        y = self.predict(x)
        labels = to_labels(t, y.shape)
        y = np.argmax(y.reshape(-1, self.output_size), axis=1)
        return float(np.sum(y == labels) / len(labels))

    def numerical_gradient(self, x, t):
        """Gradient of the loss for every parameter, by central differences (h = 1e-4).

        The chapter's element loop: :func:`zerotsuku.gradient.numerical_gradient`
        nudges one parameter element at a time, with two forward passes for each:
        slow on purpose (about 13 s for 784-50-10 and a batch of 100).
        :func:`zerotsuku.fast_gradient.fast_numerical_gradient` computes the same
        differences at once.

        Taught in ``07_two_layer_net.ipynb``, section "The numerical gradient of
        every parameter".

        Returns
        -------
        dict of numpy.ndarray
            Same keys and shapes as ``params``.
        """
        x, labels = self._check_batch(x, t)

        def loss_W(W):
            return self.loss(x, labels)

        grads = {}
        for key in ("W1", "b1", "W2", "b2"):
            grads[key] = numerical_gradient(loss_W, self.params[key])
        return grads

    def gradient(self, x, t):
        """Gradient of the loss by backpropagation (chapter 5), for the same net.

        Much faster than :meth:`numerical_gradient` and equal to it up to rounding.
        It is the exact gradient of the loss we report, -log(y_t + 1e-7): the 1e-7
        guard multiplies the book's (y - t) / batch by y_t / (y_t + 1e-7), a factor
        within 1e-7 of 1 unless y_t is tiny, so that numerical and backprop gradients
        agree even where the net is confidently wrong. Through the hidden layer the
        derivative of its activation is used: ``sigmoid_grad(a1)``, or ``relu_grad(a1)``
        (1 where a1 > 0, else 0) for a ReLU net.

        Taught in ``07_two_layer_net.ipynb``, section "Backpropagation, derived for this
        net"; the ReLU net is used by the lab of ``10_interactive_training.ipynb``.

        Returns
        -------
        dict of numpy.ndarray
            Same keys and shapes as ``params``.
        """
        x, labels = self._check_batch(x, t)
        activation, activation_grad = ACTIVATIONS[self.activation]
        W1, W2 = self.params["W1"], self.params["W2"]
        b1, b2 = self.params["b1"], self.params["b2"]
        batch_num = x.shape[0]
        # forward
        a1 = np.dot(x, W1) + b1
        self._check_finite(a1, x)
        z1 = activation(a1)
        a2 = np.dot(z1, W2) + b2
        self._check_finite(a2, x)
        y = softmax(a2)
        # backward
        t = np.eye(self.output_size)[labels]  # one-hot rows
        y_t = y[np.arange(batch_num), labels][:, None]  # probability of the right class
        dy = (y - t) * (y_t / (y_t + EPSILON) / batch_num)
        grads = {}
        grads["W2"] = np.dot(z1.T, dy)
        grads["b2"] = dy.sum(axis=0)
        dz1 = np.dot(dy, W2.T)
        da1 = activation_grad(a1) * dz1
        grads["W1"] = np.dot(x.T, da1)
        grads["b1"] = da1.sum(axis=0)
        return grads

    def _check_inputs(self, x):
        """``x`` as a float array of shape (batch, input_size) or (input_size,).

        Its values are checked where that is cheap: NaN or infinity in ``x`` or in a
        parameter always reaches the pre-activations a1 = x W1 + b1 or a2 = z1 W2 + b2,
        which :meth:`_check_finite` looks at (5,000 numbers for a batch of 100, against
        118,000 in x and the parameters).
        """
        x = _checks.number_array("x", x)
        _check_shape(x, self.input_size)
        return x

    def _check_finite(self, a, x):
        """Pass if the pre-activations ``a`` are finite; else say what is wrong."""
        if np.isfinite(a).all():
            return
        self._check_params()
        _checks.float_array("x", x, finite=True)
        raise ValueError(
            f"the layer inputs overflowed (largest |x| is {np.abs(x).max():.3g}): scale x "
            "to a sensible range, e.g. pixels to [0, 1]"
        )

    def _check_params(self):
        """Refuse parameters holding NaN or infinity, naming the first such one."""
        for key, value in self.params.items():
            if not np.isfinite(value).all():
                raise ValueError(
                    f"params[{key!r}] contains NaN or infinity, so every output would be "
                    "NaN (a learning rate far too large makes training diverge like this): "
                    "re-create the network or restore its parameters"
                )

    def _check_batch(self, x, t):
        """``x`` as a 2-D batch (checked) and the integer label of each sample."""
        x = self._check_inputs(x)
        labels = to_labels(t, (*x.shape[:-1], self.output_size))
        return x.reshape(-1, self.input_size), labels


def _checked_inputs(x, input_size):
    """Return ``x`` as a finite float array with ``input_size`` features per sample."""
    x = _checks.float_array("x", x, finite=True)
    _check_shape(x, input_size)
    return x


def _check_shape(x, input_size):
    if x.ndim not in (1, 2) or x.shape[-1] != input_size:
        raise ValueError(
            f"x must have shape (batch, {input_size}) or ({input_size},) for a network with "
            f"input_size={input_size}, got shape {x.shape}"
        )
    return x
