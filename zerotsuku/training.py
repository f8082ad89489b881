"""Mini-batch gradient descent (ミニバッチ学習) with a record of how it went."""

import functools
import time
from dataclasses import dataclass, field

import numpy as np

from ._checks import positive_number, whole_number
from .functions import to_labels

__all__ = ["TrainingHistory", "train", "GRADIENTS", "SAMPLINGS"]

GRADIENTS = ("backprop", "numerical", "numerical_loop")
SAMPLINGS = ("epoch", "replacement")


@dataclass
class TrainingHistory:
    """What happened during :func:`train`.

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
        The arguments of the run, for labels and reproduction.
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


def _check_data(network, x, t, name):
    """Check one data set once; return it in the form handed to the network.

    The inputs become one C-contiguous float64 array (numpy multiplies a float32
    batch by float64 weights through a slower casting path), and, for a network
    with ``output_size``, the targets become integer labels (one-hot rows are
    checked and converted once, not at every iteration).
    """
    x = np.asarray(x)
    if x.ndim != 2:
        raise ValueError(f"x_{name} must be 2-D (samples, features), got shape {x.shape}")
    if x.dtype.kind not in "biuf":
        raise TypeError(f"x_{name} must be numeric, got dtype {x.dtype}")
    if not np.isfinite(x).all():
        raise ValueError(f"x_{name} contains NaN or infinity")
    t = np.asarray(t)
    if t.shape[:1] != x.shape[:1]:
        raise ValueError(
            f"x_{name} has {x.shape[0]} samples but t_{name} has shape {t.shape}: "
            "they must match row for row"
        )
    output_size = getattr(network, "output_size", None)
    if output_size is not None:
        t = to_labels(t, (x.shape[0], output_size))
    return np.ascontiguousarray(x, dtype=np.float64), t


def _method(network, name, labelled):
    """The network's method ``name``, or its unchecked twin when it names one.

    A network may mark a public method with an attribute ``unchecked_twin``: the
    name of a method that does the same work on data already checked, ``x`` a
    C-contiguous float64 array of shape (batch, input_size) and ``labels`` an integer
    array of shape (batch,). :func:`train` checks the data once and then calls the
    twin, sparing the checks at every iteration. An override (a subclass, a patched
    method) carries no mark, so it is the one called.
    """
    public = getattr(network, name)
    twin = getattr(public, "unchecked_twin", None)
    return getattr(network, twin) if labelled and twin else public


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
        Needs ``params``, ``loss``, ``accuracy`` and ``gradient`` /
        ``numerical_gradient`` methods taking ``(x, t)``. The data are checked
        once, here; the network then gets float64 inputs and, if it has an
        ``output_size``, integer labels (one-hot targets are converted once).
    x_train, t_train : array_like
        Training samples (one per row) and their targets (labels or one-hot).
        Integer or float32 inputs are copied once to float64.
    x_test, t_test : array_like, optional
        Held-out data whose accuracy is measured once per epoch.
    iters_num : int, default 10000
        Number of parameter updates.
    batch_size : int, default 100
        Samples per mini-batch, at most the training-set size.
    learning_rate : float, default 0.1
    gradient : {"backprop", "numerical", "numerical_loop"}, default "backprop"
        Which of the network's gradient methods to use: ``gradient`` (backprop),
        ``numerical_gradient`` (its default, fast, method), or
        ``numerical_gradient(x, t, method="loop")``, the chapter's element loop.
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
    """
    if gradient not in GRADIENTS:
        raise ValueError(f"unknown gradient {gradient!r}; choose one of {GRADIENTS}")
    if sampling not in SAMPLINGS:
        raise ValueError(f"unknown sampling {sampling!r}; choose one of {SAMPLINGS}")
    whole_number("iters_num", iters_num, 0)
    whole_number("batch_size", batch_size, 1)
    positive_number("learning_rate", learning_rate)
    x_train, t_train = _check_data(network, x_train, t_train, "train")
    if (x_test is None) != (t_test is None):
        raise ValueError("give both x_test and t_test, or neither")
    if x_test is not None:
        x_test, t_test = _check_data(network, x_test, t_test, "test")
    train_size = x_train.shape[0]
    if batch_size > train_size:
        raise ValueError(
            f"batch_size {batch_size} is larger than the training set ({train_size} samples)"
        )

    settings = dict(
        iters_num=iters_num,
        batch_size=batch_size,
        learning_rate=learning_rate,
        gradient=gradient,
        sampling=sampling,
        seed=seed,
        train_size=train_size,
    )
    for name in ("input_size", "hidden_size", "output_size"):
        if hasattr(network, name):
            settings[name] = getattr(network, name)
    rng = np.random.default_rng(seed)
    labelled = getattr(network, "output_size", None) is not None  # targets are now labels
    if gradient == "numerical_loop":
        grad_of = functools.partial(network.numerical_gradient, method="loop")
    else:
        name = "gradient" if gradient == "backprop" else "numerical_gradient"
        grad_of = _method(network, name, labelled)
    loss_of = _method(network, "loss", labelled)
    accuracy_of = _method(network, "accuracy", labelled)
    iter_per_epoch = max(train_size // batch_size, 1)
    losses = np.empty(iters_num)
    train_acc, test_acc, acc_iters = [], [], []

    def measure(iteration):
        acc_iters.append(iteration)
        train_acc.append(accuracy_of(x_train, t_train))
        if x_test is not None:
            test_acc.append(accuracy_of(x_test, t_test))

    start = time.perf_counter()
    measure(0)
    order = np.arange(0)
    done = 0
    diverged = False
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for i in range(iters_num):
            if sampling == "replacement":
                batch = rng.integers(0, train_size, batch_size)
            else:
                position = (i % iter_per_epoch) * batch_size
                if position == 0:
                    order = rng.permutation(train_size)
                batch = order[position : position + batch_size]
            x_batch, t_batch = x_train[batch], t_train[batch]
            grads = grad_of(x_batch, t_batch)
            for key, value in network.params.items():
                value -= learning_rate * grads[key]
            try:
                loss = loss_of(x_batch, t_batch)
            except ValueError:  # parameters overflowed to inf/NaN
                loss = float("nan")
            losses[i] = loss
            done = i + 1
            if callback is not None:
                callback(done, loss)
            if not np.isfinite(loss):
                diverged = True
                break
            if done % iter_per_epoch == 0:
                measure(done)
        if not diverged and acc_iters[-1] != done:
            measure(done)
    return TrainingHistory(
        train_loss=losses[:done],
        train_acc=np.array(train_acc),
        test_acc=np.array(test_acc),
        acc_iters=np.array(acc_iters, dtype=np.int64),
        iter_per_epoch=iter_per_epoch,
        seconds=time.perf_counter() - start,
        diverged=diverged,
        settings=settings,
    )
