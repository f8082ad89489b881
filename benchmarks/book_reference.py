"""Reference implementations that follow the book's chapter-4 algorithms step by step.

They are the yardstick of the benchmarks: plain numpy, no input checks, the
book's order of operations. Written for this project from the book's described
algorithm (MIT-licensed original: oreilly-japan/deep-learning-from-scratch);
the only deliberate change is that every random draw takes a seeded
``numpy.random.Generator`` instead of the global ``np.random`` state.
"""

import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def sigmoid_grad(x):
    return (1.0 - sigmoid(x)) * sigmoid(x)


def softmax(x):
    x = x - np.max(x, axis=-1, keepdims=True)
    return np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True)


def cross_entropy_error(y, t):
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    if t.size == y.size:  # one-hot rows -> label indices
        t = t.argmax(axis=1)
    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size


def numerical_gradient(f, x):
    """Central differences, one element at a time, perturbing ``x`` in place (np.nditer)."""
    h = 1e-4
    grad = np.zeros_like(x)
    cursor = np.nditer(x, flags=["multi_index"], op_flags=[["readwrite"]])
    while not cursor.finished:
        index = cursor.multi_index
        saved = x[index]
        x[index] = float(saved) + h
        f_plus = f(x)
        x[index] = saved - h
        f_minus = f(x)
        grad[index] = (f_plus - f_minus) / (2 * h)
        x[index] = saved
        cursor.iternext()
    return grad


class TwoLayerNet:
    """Chapter 4's two-layer net: affine -> sigmoid -> affine -> softmax."""

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01, *, rng):
        self.params = {
            "W1": weight_init_std * rng.standard_normal((input_size, hidden_size)),
            "b1": np.zeros(hidden_size),
            "W2": weight_init_std * rng.standard_normal((hidden_size, output_size)),
            "b2": np.zeros(output_size),
        }

    def predict(self, x):
        W1, W2 = self.params["W1"], self.params["W2"]
        b1, b2 = self.params["b1"], self.params["b2"]
        a1 = np.dot(x, W1) + b1
        z1 = sigmoid(a1)
        a2 = np.dot(z1, W2) + b2
        return softmax(a2)

    def loss(self, x, t):
        y = self.predict(x)
        return cross_entropy_error(y, t)

    def accuracy(self, x, t):
        y = np.argmax(self.predict(x), axis=1)
        t = np.argmax(t, axis=1)
        return np.sum(y == t) / float(x.shape[0])

    def numerical_gradient(self, x, t):
        def loss_W(W):
            return self.loss(x, t)

        return {key: numerical_gradient(loss_W, self.params[key]) for key in self.params}

    def gradient(self, x, t):
        """Backpropagation for the sigmoid net (the version printed with chapter 4's code)."""
        W1, W2 = self.params["W1"], self.params["W2"]
        b1, b2 = self.params["b1"], self.params["b2"]
        batch_num = x.shape[0]
        a1 = np.dot(x, W1) + b1
        z1 = sigmoid(a1)
        a2 = np.dot(z1, W2) + b2
        y = softmax(a2)
        dy = (y - t) / batch_num
        grads = {"W2": np.dot(z1.T, dy), "b2": np.sum(dy, axis=0)}
        da1 = np.dot(dy, W2.T)
        dz1 = sigmoid_grad(a1) * da1
        grads["W1"] = np.dot(x.T, dz1)
        grads["b1"] = np.sum(dz1, axis=0)
        return grads


def train(network, x_train, t_train, x_test, t_test, iters_num, batch_size, learning_rate, rng):
    """The chapter-4 training script: batches drawn with replacement, accuracy once per epoch.

    ``t_train`` and ``t_test`` are one-hot rows, as the book's script loads them.
    Returns the lists the script keeps: mini-batch losses, train and test accuracy.
    """
    train_size = x_train.shape[0]
    train_loss_list, train_acc_list, test_acc_list = [], [], []
    iter_per_epoch = max(train_size / batch_size, 1)
    for i in range(iters_num):
        batch_mask = rng.choice(train_size, batch_size)
        x_batch = x_train[batch_mask]
        t_batch = t_train[batch_mask]
        grad = network.gradient(x_batch, t_batch)
        for key in ("W1", "b1", "W2", "b2"):
            network.params[key] -= learning_rate * grad[key]
        loss = network.loss(x_batch, t_batch)
        train_loss_list.append(loss)
        if i % iter_per_epoch == 0:
            train_acc_list.append(network.accuracy(x_train, t_train))
            test_acc_list.append(network.accuracy(x_test, t_test))
    return train_loss_list, train_acc_list, test_acc_list
