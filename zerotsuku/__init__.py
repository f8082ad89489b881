"""zerotsuku: chapters 3-4 of 'Deep Learning from Scratch' rebuilt with numpy.

One flat module per idea, with the book's names:

- ``functions``: activation and loss functions (sigmoid, softmax, cross_entropy_error, ...)
- ``gradient``: numerical differentiation and gradient descent
- ``networks``: ``SimpleNet`` and ``TwoLayerNet``
- ``fast_gradient``: the same numerical gradient of a ``TwoLayerNet``, computed at once
- ``datasets``: bundled real MNIST digits, small 2-D problems, the dummy data, a validation split
- ``mnist``: the full MNIST set: download from mirrors, verify, cache
- ``training``: mini-batch training with a ``TrainingHistory``
- ``plotting``: the figures of the notebooks
"""

from .datasets import (
    BundledDataWarning,
    dummy_dataset,
    load_mnist,
    split_validation,
    to_one_hot,
    toy_dataset,
)
from .functions import (
    cross_entropy_error,
    identity_function,
    relu,
    relu_grad,
    sigmoid,
    sigmoid_grad,
    softmax,
    step_function,
    sum_squared_error,
)
from .gradient import gradient_descent, numerical_diff, numerical_gradient
from .networks import SimpleNet, TwoLayerNet
from .training import TrainingHistory, train

__version__ = "0.1.0"

__all__ = [
    "BundledDataWarning",
    "SimpleNet",
    "TrainingHistory",
    "TwoLayerNet",
    "cross_entropy_error",
    "dummy_dataset",
    "gradient_descent",
    "identity_function",
    "load_mnist",
    "numerical_diff",
    "numerical_gradient",
    "relu",
    "relu_grad",
    "sigmoid",
    "sigmoid_grad",
    "softmax",
    "split_validation",
    "step_function",
    "sum_squared_error",
    "to_one_hot",
    "toy_dataset",
    "train",
]
