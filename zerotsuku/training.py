"""Mini-batch gradient descent (ミニバッチ学習) with a record of how it went."""

import math
import signal
import threading
import time
from dataclasses import dataclass, field

import numpy as np

from . import _checks
from .fast_gradient import fast_numerical_gradient
from .functions import to_labels

__all__ = ["TrainingHistory", "train", "batch_indices", "loss_or_nan", "GRADIENTS", "SAMPLINGS"]

GRADIENTS = ("backprop", "numerical", "fast_numerical")
"""The gradients :func:`train` can use: ``network.gradient``, ``network.numerical_gradient``
(the chapter's element loop) and :func:`~zerotsuku.fast_gradient.fast_numerical_gradient`."""

SAMPLINGS = ("epoch", "replacement")


@dataclass
class TrainingHistory:
    """What happened during :func:`train`.

    Used by ``08_minibatch_training.ipynb``, section "Mini-batches, iterations and
    epochs", by ``09_training_on_mnist.ipynb``, section "Choosing the learning rate on
    validation data", and by the lab of ``10_interactive_training.ipynb``.

    Attributes
    ----------
    train_loss : numpy.ndarray
        The mini-batch loss after each iteration (one value per iteration run).
    train_acc, test_acc : numpy.ndarray
        Accuracy on the whole training and test set, measured before training and
        after every epoch (and after the last iteration); ``test_acc`` is empty
        without test data.
    acc_iters : numpy.ndarray
        The iteration count at which each accuracy was measured (0 = untrained).
    iter_per_epoch : int
        Iterations in one epoch (エポック): training-set size // batch size.
    seconds : float
        Wall-clock time of the whole run, accuracy checks included.
    diverged : bool
        True if the loss became NaN or infinite; training stopped there.
    settings : dict
        The arguments of the run, for labels and reproduction, with the network's
        sizes and hidden ``activation`` when it has them.
    """

    train_loss: np.ndarray = field(default_factory=lambda: np.zeros(0))
    train_acc: np.ndarray = field(default_factory=lambda: np.zeros(0))
    test_acc: np.ndarray = field(default_factory=lambda: np.zeros(0))
    acc_iters: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    iter_per_epoch: int = 1
    seconds: float = 0.0
    diverged: bool = False
    settings: dict = field(default_factory=dict)

    @property
    def epochs(self):
        """``acc_iters`` in epochs."""
        return self.acc_iters / self.iter_per_epoch

    @property
    def final_loss(self):
        """The last mini-batch loss (NaN before any iteration)."""
        return float(self.train_loss[-1]) if len(self.train_loss) else float("nan")


def train(
    network,
    x_train,
    t_train,
    *,
    x_test=None,
    t_test=None,
    iters_num=10000,
    batch_size=100,
    learning_rate=0.1,
    gradient="backprop",
    seed=None,
    sampling="epoch",
    callback=None,
):
    """Train ``network`` in place by mini-batch stochastic gradient descent.

    Each iteration takes a mini-batch, computes the gradient (勾配) of the loss
    for every parameter, steps every parameter against it by ``learning_rate``,
    then records the loss on that batch.

    Parameters
    ----------
    network : TwoLayerNet or alike
        Needs ``params``, ``loss``, ``accuracy`` and the gradient method chosen by
        ``gradient``, each taking ``(x, t)``. The data are checked once, here; the
        network then gets float64 inputs and, if it has an ``output_size``,
        integer labels (one-hot targets are converted once).
    x_train, t_train : array_like
        Training samples (one per row) and their targets (labels or one-hot).
    x_test, t_test : array_like, optional
        Held-out data whose accuracy is measured once per epoch.
    iters_num : int, default 10000
        Number of parameter updates.
    batch_size : int, default 100
        Samples per mini-batch, at most the training-set size.
    learning_rate : float, default 0.1
    gradient : {"backprop", "numerical", "fast_numerical"}, default "backprop"
        ``network.gradient(x, t)`` (backpropagation), ``network.numerical_gradient(x, t)``
        (the chapter's element loop: slow), or
        ``zerotsuku.fast_gradient.fast_numerical_gradient(network, x, t)`` (the same
        central differences, computed at once; TwoLayerNet only).
    seed : int, optional
        Seed of the batch draws: same seed, same network -> same history.
    sampling : {"epoch", "replacement"}, default "epoch"
        "epoch" shuffles the training set every epoch and walks through it, so
        each sample is used once per epoch; "replacement" draws every batch
        independently, with repeats, as the book's script does.
    callback : callable, optional
        Called as ``callback(iteration, loss)`` after every iteration (from 1).

    Returns
    -------
    TrainingHistory

    Raises
    ------
    KeyboardInterrupt, or any exception raised by ``callback`` or the network
        Passed on, with the partial :class:`TrainingHistory` of the iterations
        done so far as its ``.history`` attribute. Every parameter update is applied
        whole or not at all (a Ctrl-C during an update waits for its end), so the
        network is the one after ``len(error.history.train_loss)`` updates, or at
        most one more when the exception came after the update and before its loss
        was recorded. ``callback`` may raise to stop a run early.

    Notes
    -----
    Taught in ``08_minibatch_training.ipynb``, section "The training loop by hand".

    Examples
    --------
    >>> from zerotsuku.datasets import toy_dataset
    >>> from zerotsuku.networks import TwoLayerNet
    >>> x, t = toy_dataset("gauss", n_samples=60, seed=0)
    >>> net = TwoLayerNet(2, 5, 2, weight_init_std=0.5, seed=0)
    >>> history = train(net, x, t, iters_num=30, batch_size=10, seed=0)
    >>> len(history.train_loss), history.acc_iters.tolist()
    (30, [0, 6, 12, 18, 24, 30])
    """
    settings = _check_settings(iters_num, batch_size, learning_rate, gradient, sampling, seed)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable as callback(iteration, loss), got {callback!r}")
    _check_network(network)
    x_train, t_train = _check_data(network, x_train, t_train, "train")
    if (x_test is None) != (t_test is None):
        raise ValueError("give both x_test and t_test, or neither")
    if x_test is not None:
        x_test, t_test = _check_data(network, x_test, t_test, "test")
    batches = batch_indices(
        len(x_train),
        settings["batch_size"],
        settings["iters_num"],
        sampling=settings["sampling"],
        rng=np.random.default_rng(seed),
    )
    record = _Record(network, (x_train, t_train), (x_test, t_test), settings)
    try:
        with _WholeUpdates() as updates:
            record.measure(0)
            for i, batch in enumerate(batches, 1):
                x_batch, t_batch = x_train[batch], t_train[batch]
                if gradient == "backprop":
                    grads = network.gradient(x_batch, t_batch)
                elif gradient == "numerical":
                    grads = network.numerical_gradient(x_batch, t_batch)
                else:
                    grads = fast_numerical_gradient(network, x_batch, t_batch)
                updates.apply(network.params, grads, learning_rate)
                record.loss(loss_or_nan(network, x_batch, t_batch))
                if callback is not None:
                    callback(i, record.losses[-1])
                if record.diverged:
                    break
                if i % record.iter_per_epoch == 0:
                    record.measure(i)
            if not record.diverged and record.acc_iters[-1] != len(record.losses):
                record.measure(len(record.losses))
    except BaseException as error:
        error.history = record.history()
        raise
    return record.history()


def _check_settings(iters_num, batch_size, learning_rate, gradient, sampling, seed):
    """The scalar arguments of :func:`train`, checked, as the history's ``settings``."""
    return dict(
        iters_num=_checks.whole_number("iters_num", iters_num, 0),
        batch_size=_checks.whole_number("batch_size", batch_size, 1),
        learning_rate=_checks.positive_number("learning_rate", learning_rate),
        gradient=_checks.choice("gradient", gradient, GRADIENTS),
        sampling=_checks.choice("sampling", sampling, SAMPLINGS),
        seed=_checks.seed("seed", seed),
    )


def _check_network(network):
    """Refuse a network whose parameters are already NaN or infinite."""
    params = getattr(network, "params", None)
    if not isinstance(params, dict):
        raise TypeError(
            f"network must have a dict of arrays `params`, got {type(network).__name__}"
        )
    for key, value in params.items():
        if not np.isfinite(value).all():
            raise ValueError(
                f"network.params[{key!r}] already contains NaN or infinity (an earlier run "
                "diverged?): re-create the network or restore its parameters before training"
            )


def _check_data(network, x, t, name):
    """Check one data set once; return it in the form handed to the network.

    The inputs become one C-contiguous float64 array (numpy multiplies a float32
    batch by float64 weights through a slower casting path), and, for a network
    with ``output_size``, the targets become integer labels (one-hot rows are
    checked and converted once, not at every iteration).
    """
    x = _checks.float_array(f"x_{name}", x)
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError(
            f"x_{name} must be 2-D (samples, features) with at least one sample, "
            f"got shape {x.shape}"
        )
    if not np.isfinite(x).all():
        raise ValueError(f"x_{name} contains NaN or infinity")
    input_size = getattr(network, "input_size", None)
    if input_size is not None and x.shape[1] != input_size:
        raise ValueError(
            f"x_{name} has {x.shape[1]} features per sample but the network has "
            f"input_size={input_size}: give data of shape (samples, {input_size})"
        )
    t = np.asarray(t)
    if t.shape[:1] != x.shape[:1]:
        raise ValueError(
            f"x_{name} has {x.shape[0]} samples but t_{name} has shape {t.shape}: "
            "they must match row for row"
        )
    output_size = getattr(network, "output_size", None)
    if output_size is not None:
        t = to_labels(t, (x.shape[0], output_size), name=f"t_{name}")
    return np.ascontiguousarray(x, dtype=np.float64), t


def batch_indices(train_size, batch_size, iters_num, *, sampling="epoch", rng):
    """The indices of each mini-batch (ミニバッチ) of a run, one array per iteration.

    Parameters
    ----------
    train_size : int
        Samples in the training set.
    batch_size : int
        Samples per batch, 1 to ``train_size``.
    iters_num : int
        Batches in all (the iterator's length).
    sampling : {"epoch", "replacement"}, default "epoch"
        As for :func:`train`: a fresh shuffle walked through every epoch, or independent
        draws with repeats.
    rng : numpy.random.Generator
        The source of the shuffles or draws, used in the order the batches are asked for.

    Returns
    -------
    iterator of numpy.ndarray
        ``iters_num`` integer arrays of ``batch_size`` indices each.

    Used by :func:`train` (``08_minibatch_training.ipynb``, section "Mini-batches,
    iterations and epochs") and by the lab of ``10_interactive_training.ipynb``, whose
    Play and Step draw from it in chunks.

    Examples
    --------
    >>> batches = batch_indices(6, 4, 3, rng=np.random.default_rng(0))
    >>> [len(batch) for batch in batches]  # 6 // 4 = 1 batch per epoch: the rest waits
    [4, 4, 4]
    """
    train_size = _checks.whole_number("train_size", train_size, 1)
    batch_size = _checks.whole_number("batch_size", batch_size, 1)
    iters_num = _checks.whole_number("iters_num", iters_num, 0)
    _checks.choice("sampling", sampling, SAMPLINGS)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    if batch_size > train_size:
        raise ValueError(
            f"batch_size {batch_size} is larger than the training set ({train_size} samples)"
        )
    if sampling == "replacement":
        return (rng.integers(0, train_size, batch_size) for _ in range(iters_num))
    return _epoch_batches(train_size, batch_size, iters_num, rng)


def _epoch_batches(train_size, batch_size, iters_num, rng):
    """Batches that walk through a fresh shuffle of the training set every epoch."""
    iter_per_epoch = max(train_size // batch_size, 1)
    for i in range(iters_num):
        position = (i % iter_per_epoch) * batch_size
        if position == 0:
            order = rng.permutation(train_size)
        yield order[position : position + batch_size]


class _WholeUpdates:
    """Applies parameter updates whole: a Ctrl-C (SIGINT) during one is raised after it.

    Its handler is set once for the whole run, since setting one at every update would
    cost more than the update; outside an update a Ctrl-C acts at once, as usual. Only
    the main thread can set signal handlers: elsewhere nothing is held back.
    """

    def __enter__(self):
        self.updating, self.held = False, None
        self.previous = signal.getsignal(signal.SIGINT)
        self.installed = callable(self.previous) and (
            threading.current_thread() is threading.main_thread()
        )
        if self.installed:
            signal.signal(signal.SIGINT, self._on_sigint)
        return self

    def __exit__(self, *exception):
        if self.installed:
            signal.signal(signal.SIGINT, self.previous)

    def _on_sigint(self, signum, frame):
        if self.updating:
            self.held = (signum, frame)
        else:
            self.previous(signum, frame)

    def apply(self, params, grads, learning_rate):
        """``params[key] -= learning_rate * grads[key]`` for every key."""
        steps = {}
        for key, value in params.items():  # every step first, so that none can fail midway
            steps[key] = learning_rate * grads[key]
            if np.shape(steps[key]) != value.shape:
                raise ValueError(
                    f"the gradient of {key!r} has shape {np.shape(steps[key])}, "
                    f"the parameter {value.shape}"
                )
        self.updating = True
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                for key, step in steps.items():
                    params[key] -= step
        finally:
            self.updating = False
        if self.held is not None:
            held, self.held = self.held, None
            self.previous(*held)


def loss_or_nan(network, x, t):
    """``network.loss(x, t)``, or NaN once the parameters are no longer finite (diverged).

    A network refuses to compute a loss with NaN or infinite parameters (ValueError);
    only then is the error taken as divergence, so other errors still surface.

    Used by :func:`train` for the loss it records after every update, and by the lab of
    ``10_interactive_training.ipynb``, which records its losses the same way.

    Examples
    --------
    >>> from zerotsuku.networks import TwoLayerNet
    >>> net = TwoLayerNet(2, 3, 2, seed=0)
    >>> x, t = np.zeros((4, 2)), np.array([0, 1, 0, 1])
    >>> round(loss_or_nan(net, x, t), 4)
    0.6931
    >>> net.params["W2"][0, 0] = np.inf  # what a diverged run leaves
    >>> loss_or_nan(net, x, t)
    nan
    """
    try:
        with np.errstate(over="ignore", invalid="ignore"):  # a diverging step overflows
            return network.loss(x, t)
    except ValueError:
        if all(np.isfinite(value).all() for value in network.params.values()):
            raise
        return float("nan")


class _Record:
    """The history of one run as it grows: losses, accuracies, timing."""

    def __init__(self, network, train_data, test_data, settings):
        self.network, self.train_data, self.test_data = network, train_data, test_data
        self.iter_per_epoch = max(len(train_data[0]) // settings["batch_size"], 1)
        self.settings = {**settings, "train_size": len(train_data[0])}
        for name in ("input_size", "hidden_size", "output_size", "activation"):
            if hasattr(network, name):
                self.settings[name] = getattr(network, name)
        self.losses, self.train_acc, self.test_acc, self.acc_iters = [], [], [], []
        self.diverged = False
        self.start = time.perf_counter()

    def loss(self, value):
        self.losses.append(float(value))
        self.diverged = not math.isfinite(value)

    def measure(self, iteration):
        """Accuracy on all training (and test) data after ``iteration`` updates."""
        train_acc = self.network.accuracy(*self.train_data)
        if self.test_data[0] is not None:
            test_acc = self.network.accuracy(*self.test_data)
            self.test_acc.append(test_acc)
        self.train_acc.append(train_acc)
        self.acc_iters.append(iteration)

    def history(self):
        return TrainingHistory(
            train_loss=np.array(self.losses, dtype=np.float64),
            train_acc=np.array(self.train_acc, dtype=np.float64),
            test_acc=np.array(self.test_acc, dtype=np.float64),
            acc_iters=np.array(self.acc_iters, dtype=np.int64),
            iter_per_epoch=self.iter_per_epoch,
            seconds=time.perf_counter() - self.start,
            diverged=self.diverged,
            settings=dict(self.settings),
        )
