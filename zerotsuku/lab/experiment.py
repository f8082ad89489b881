"""The lab's experiment: its data sets, one training run, and the run's one-line summary.

No widgets here: a notebook cell can call :func:`run_experiment` with fixed settings and print
numbers that everyone gets identically. :mod:`zerotsuku.lab.widgets` puts sliders in front of
the same function.

A run is refused only when it is known to be hopeless: the chapter's element-loop numerical
gradient on MNIST. Any other run may take as long as it takes; the lab passes a time limit
(:data:`TIME_LIMIT`) and the run stops there, or at the notebook's Interrupt, keeping the
iterations done so far.

Three data sets per problem, as in notebook 09: training data (訓練データ) to learn from,
validation data (検証データ) whose accuracy is measured once per epoch and is what a setting is
chosen by, and test data (テストデータ), scored once at the end of a run as the final check
(:attr:`LabRun.test_acc`), never for choosing.
"""

import functools
import time
from dataclasses import dataclass

import numpy as np

from .._checks import choice, finite_number, positive_number, whole_number
from ..datasets import (
    TOY_CLASSES,
    TOY_DATASETS,
    dummy_dataset,
    flip_labels,
    load_mnist,
    split_validation,
    toy_dataset,
)
from ..fast_gradient import fast_numerical_gradient
from ..networks import TwoLayerNet
from ..training import GRADIENTS, TrainingHistory, _batches, _loss_or_nan, train

__all__ = [
    "DATASETS",
    "ACTIVATION_NAMES",
    "DEFAULTS",
    "GRADIENT_NAMES",
    "MAX_LABEL_NOISE",
    "TIME_LIMIT",
    "LabData",
    "LabRun",
    "LiveRun",
    "final_check",
    "full_settings",
    "lab_data",
    "refusal",
    "run_code",
    "run_experiment",
    "stopped_early",
    "summary",
]

DATASETS = ("circles", "moons", "xor", "gauss", "spiral", "spiral3", "blobs3", "dummy", "mnist")
"""Data sets of the lab: five two-class and two three-class 2-D problems, the unlearnable
dummy data, MNIST digits."""

ACTIVATION_NAMES = {"sigmoid": "sigmoid (chapter 4)", "relu": "ReLU (chapter 5)"}
"""The hidden activations of :class:`~zerotsuku.networks.TwoLayerNet`, as the lab names them."""

MAX_LABEL_NOISE = 0.5
"""The largest share of training labels the lab flips."""

DEFAULTS = {
    "dataset": "circles",
    "hidden_size": 10,
    "learning_rate": 1.0,
    "batch_size": 20,
    "iters_num": 300,
    "weight_init_std": 1.0,
    "gradient": "backprop",
    "seed": 0,
    "activation": "sigmoid",
    "label_noise": 0.0,
}
"""Start settings: a 2-D problem that a small net learns in well under a second."""

TIME_LIMIT = 20.0
"""Seconds after which the lab stops a run and shows the iterations done so far."""

TOY_SAMPLES = 200
"""Points in the training set of a 2-D problem; fresh draws of as many are its validation
and its test set."""

TOY_SEEDS = {"train": 0, "validation": 2, "test": 1}
"""Seeds of the three draws of a 2-D problem (and of the dummy data)."""

MNIST_VALIDATION_RATE = 0.2
"""Share of each digit of the bundled 4,000 training images held out as validation data."""

GRADIENT_NAMES = {
    "backprop": "backprop",
    "numerical": "numerical, element loop",
    "fast_numerical": "numerical, vectorised",
}
"""How the lab names the gradients of :func:`~zerotsuku.training.train` (same order)."""

DUMMY_NOTE = (
    "dummy data: x is random, each target row is two independent coin flips such as "
    "[1, 1] (not one-hot); the lab trains on each row's argmax, which is what the book's "
    "cross_entropy_error silently does, so [0, 0], [1, 0] and [1, 1] all mean class 0"
)


@dataclass(frozen=True)
class LabData:
    """Training, validation and test data of one lab data set (arrays are read-only).

    Attributes
    ----------
    name : str
    x_train, t_train, x_val, t_val, x_test, t_test : numpy.ndarray
        float64 inputs, one sample per row; integer class labels. Settings are chosen by
        the accuracy on the validation data (検証データ); the test data are the final check.
    num_classes : int
    note : str
        One sentence on where the data comes from.

    Taught in ``10_interactive_training.ipynb``, section "Training, validation and test data".
    """

    name: str
    x_train: np.ndarray
    t_train: np.ndarray
    x_val: np.ndarray
    t_val: np.ndarray
    x_test: np.ndarray
    t_test: np.ndarray
    num_classes: int
    note: str

    @property
    def input_size(self):
        return self.x_train.shape[1]

    @property
    def train_size(self):
        return self.x_train.shape[0]


def _frozen(*arrays):
    for array in arrays:
        array.flags.writeable = False
    return arrays


def lab_data(name, label_noise=0.0):
    """The data set ``name`` as the lab uses it (cached, read-only arrays).

    Parameters
    ----------
    label_noise : float, default 0.0
        Share of the training labels flipped to another class (at most
        :data:`MAX_LABEL_NOISE`; seeded, see :func:`~zerotsuku.datasets.flip_labels`).
        The validation and test labels stay clean, so over-fitting the noise shows as a
        gap between training and validation accuracy.
    name : {"circles", "moons", "xor", "gauss", "spiral", "dummy", "mnist"}
        A 2-D problem has 200 training points (seed 0), 200 fresh validation points
        (seed 2) and 200 fresh test points (seed 1): its generator makes as many points
        as we like, so the validation set is a fresh draw like the test set and the
        training set keeps all its points. "dummy" is the well-known unlearnable data
        (100 points, plus 100 fresh ones each for validation and testing, same seeds)
        with labels = argmax of each target row. "mnist" is the bundled subset as
        float64: :func:`~zerotsuku.datasets.split_validation` holds out a fifth of each
        digit of the 4,000 training images (seed 0), leaving 3,200 for training and
        800 for validation; the 1,000 test images are the test set.

    Returns
    -------
    LabData

    Taught in ``10_interactive_training.ipynb``, section "Training, validation and test data".

    Examples
    --------
    >>> data = lab_data("dummy")
    >>> data.x_train.shape, data.x_val.shape, sorted(set(data.t_train.tolist()))
    ((100, 2), (100, 2), [0, 1])
    >>> [len(lab_data("mnist").t_train), len(lab_data("mnist").t_val)]
    [3200, 800]
    """
    choice("name", name, DATASETS)
    return _lab_data(name, float(_label_noise(label_noise)))


@functools.cache
def _lab_data(name, label_noise):
    """:func:`lab_data` of checked arguments, cached: one LabData per data set and noise."""
    if name in TOY_DATASETS:
        parts = [
            toy_dataset(name, TOY_SAMPLES, seed=seed, label_noise=label_noise * (part == "train"))
            for part, seed in TOY_SEEDS.items()
        ]
        note = (
            f"{name}: {TOY_SAMPLES} training points; {TOY_SAMPLES} fresh validation points "
            f"and {TOY_SAMPLES} fresh test points"
        )
        if label_noise:
            note += f"; {label_noise:.0%} of the training labels flipped"
        arrays = _frozen(*_flat(parts))
        return LabData(name, *arrays, num_classes=TOY_CLASSES[name], note=note)
    if name == "dummy":
        parts = [dummy_dataset(seed=seed) for seed in TOY_SEEDS.values()]
        labelled = [(x, rows.argmax(axis=1)) for x, rows in parts]
        x, t = labelled[0]
        labelled[0] = (x, flip_labels(t, label_noise, num_classes=2, seed=0))
        return LabData(name, *_frozen(*_flat(labelled)), num_classes=2, note=DUMMY_NOTE)
    (x, t), test = load_mnist(source="bundled")
    train_part, validation = split_validation(x, t, MNIST_VALIDATION_RATE, seed=0)
    arrays = [
        a.astype(np.int64) if i % 2 else a.astype(np.float64)
        for i, a in enumerate(_flat([train_part, validation, test]))
    ]
    arrays[1] = flip_labels(arrays[1], label_noise, num_classes=10, seed=0)
    note = (
        f"mnist: {len(arrays[1]):,} training and {len(arrays[3]):,} validation digits (split "
        f"from the bundled 4,000 training images), {len(arrays[5]):,} test digits"
    )
    return LabData(name, *_frozen(*arrays), num_classes=10, note=note)


def _label_noise(value):
    """``value`` checked as a share of labels to flip, 0 to MAX_LABEL_NOISE."""
    value = finite_number("label_noise", value)
    if not 0 <= value <= MAX_LABEL_NOISE:
        raise ValueError(f"label_noise must be between 0 and {MAX_LABEL_NOISE}, got {value}")
    return value


def _flat(pairs):
    return [array for pair in pairs for array in pair]


def full_settings(**settings):
    """``settings`` completed with :data:`DEFAULTS` and checked; the batch clamped to the data.

    Raises
    ------
    TypeError
        For an unknown setting, or a value of the wrong kind (``batch_size=2.5``).
    ValueError
        For a value of the right kind that the lab cannot use (``hidden_size=0``).

    Used by :func:`run_experiment` and :class:`~zerotsuku.lab.TrainingLab`.

    Examples
    --------
    >>> full_settings(dataset="dummy", batch_size=500)["batch_size"]  # 100 training points
    100
    """
    unknown = set(settings) - set(DEFAULTS)
    if unknown:
        raise TypeError(f"unknown setting(s) {sorted(unknown)}; the lab knows {list(DEFAULTS)}")
    s = {**DEFAULTS, **settings}
    choice("dataset", s["dataset"], DATASETS)
    choice("gradient", s["gradient"], GRADIENTS)
    choice("activation", s["activation"], tuple(ACTIVATION_NAMES))
    s["label_noise"] = _label_noise(s["label_noise"])
    for name, low in (("hidden_size", 1), ("batch_size", 1), ("iters_num", 1), ("seed", 0)):
        s[name] = whole_number(name, s[name], low)
    for name in ("learning_rate", "weight_init_std"):
        s[name] = positive_number(name, s[name])
    s["batch_size"] = min(s["batch_size"], lab_data(s["dataset"], s["label_noise"]).train_size)
    return s


def refusal(**settings):
    """Why a run with ``settings`` is hopeless, or None if it may run.

    Only one choice is refused: the element-loop numerical gradient (``"numerical"``) on
    MNIST. It nudges the parameters one at a time and runs the whole net on the batch twice
    for each, so with 784 inputs a single step needs many thousands of forward passes. The
    message gives those counts for ``settings``.

    Returns
    -------
    str or None

    Taught in ``10_interactive_training.ipynb``, section "Experiment D · Three ways to the
    same gradient".

    Examples
    --------
    >>> refusal() is None
    True
    >>> print(refusal(dataset="mnist", gradient="numerical")[:47])
    Refused: the element loop on MNIST is hopeless.
    """
    s = full_settings(**settings)
    if not (s["dataset"] == "mnist" and s["gradient"] == "numerical"):
        return None
    hidden, classes = s["hidden_size"], lab_data("mnist").num_classes
    params = hidden * (784 + 1) + classes * (hidden + 1)
    per_step = 2 * params
    params_2d = hidden * (2 + 1) + 2 * (hidden + 1)
    return (
        f"Refused: the element loop on MNIST is hopeless. It nudges the {params:,} "
        f"parameters (784 inputs, hidden {hidden}, {classes} classes) one at a time and runs "
        f"the net on the batch of {s['batch_size']:,} twice for each: {per_step:,} forward "
        "passes for a single step, where backprop needs one forward and one backward pass. "
        f"{s['iters_num']:,} iterations would need {per_step * s['iters_num']:,}. Choose "
        f'"{GRADIENT_NAMES["fast_numerical"]}" (the same differences, all computed at once) '
        f'or "backprop"; or a 2-D data set to watch the element loop (there the net has '
        f"{params_2d:,} parameters)."
    )


@dataclass
class LabRun:
    """A trained network with its history, its data, and what may have stopped it.

    Attributes
    ----------
    network : TwoLayerNet
    history : TrainingHistory
        ``history.settings`` holds every setting, including ``dataset`` and
        ``weight_init_std``.
    data : LabData
    test_acc : float
        Accuracy on the test data, measured once, on the network as the run left it: the
        final check, not a way to choose settings. NaN if the weights are no longer finite.
    time_limit : float or None
        Seconds the run was allowed; None for no limit.
    interrupted : bool
        True if a KeyboardInterrupt (the notebook's Interrupt) stopped the run.

    Taught in ``10_interactive_training.ipynb``, section "Training, validation and test data".
    """

    network: TwoLayerNet
    history: TrainingHistory
    data: LabData
    test_acc: float = float("nan")
    time_limit: float | None = None
    interrupted: bool = False

    @property
    def val_acc(self):
        """Validation accuracy per epoch: ``history.test_acc``, as train() measured it.

        :func:`run_experiment` hands the validation data to
        :func:`~zerotsuku.training.train` as its held-out set (``x_test``, ``t_test``).
        """
        return self.history.test_acc

    @property
    def stopped(self):
        """True if the time limit or an interrupt ended the run before its last iteration."""
        return stopped_early(self.history)


def stopped_early(history):
    """True if ``history`` has fewer iterations than asked for without having diverged.

    Used by :class:`LabRun` and :func:`~zerotsuku.lab.figure.draw_figure`.
    """
    return not history.diverged and len(history.train_loss) < history.settings["iters_num"]


class _OutOfTime(Exception):
    """Raised by the lab's callback to end a run at its time limit."""


def _watch(callback, time_limit, iters_num):
    """A callback for train(): calls ``callback`` and ends the run after ``time_limit`` s."""
    deadline = time.perf_counter() + (np.inf if time_limit is None else time_limit)

    def watch(iteration, loss):
        if callback is not None:
            callback(iteration, loss)
        # The last iteration and a diverged one end the run by themselves.
        if iteration < iters_num and np.isfinite(loss) and time.perf_counter() > deadline:
            raise _OutOfTime(f"stopped after {iteration} iterations")

    return watch


def _fresh_network(s, data):
    """The untrained net of the settings ``s`` (its start weights drawn with ``s["seed"]``)."""
    return TwoLayerNet(
        data.input_size,
        s["hidden_size"],
        data.num_classes,
        s["weight_init_std"],
        seed=s["seed"],
        activation=s["activation"],
    )


def run_experiment(*, time_limit=None, stop_on_interrupt=False, callback=None, **settings):
    """Train a fresh two-layer net on the lab's data with ``settings``.

    Parameters
    ----------
    time_limit : float, optional
        Stop after this many seconds and keep the whole iterations done (the lab passes
        :data:`TIME_LIMIT`). Without it the run always does every iteration, so the same
        settings give the same numbers on every machine.
    stop_on_interrupt : bool, default False
        Treat a KeyboardInterrupt during training (the notebook's Interrupt) as a stop and
        return the iterations done, as the lab does. By default it is passed on.
    callback : callable, optional
        Passed to :func:`~zerotsuku.training.train`: ``callback(iteration, loss)``.
    **settings
        Any of the keys of :data:`DEFAULTS`; missing ones take the default.

    Returns
    -------
    LabRun
        Its history measures the training and the validation accuracy once per epoch
        (the validation data go to ``train()`` as its held-out ``x_test``/``t_test``);
        ``test_acc`` is the test accuracy, measured once at the end.

    Raises
    ------
    ValueError
        For a bad setting, or a run that :func:`refusal` refuses (with its message).

    Taught in ``10_interactive_training.ipynb``, section "What one retrain does".

    Examples
    --------
    >>> run = run_experiment(dataset="gauss", iters_num=100)
    >>> run.history.settings["dataset"], len(run.history.train_loss)
    ('gauss', 100)
    """
    s = full_settings(**settings)
    if time_limit is not None:
        time_limit = positive_number("time_limit", time_limit)
    reason = refusal(**s)
    if reason is not None:
        raise ValueError(reason)
    data = lab_data(s["dataset"], s["label_noise"])
    network = _fresh_network(s, data)
    interrupted = False
    try:
        history = train(
            network,
            data.x_train,
            data.t_train,
            x_test=data.x_val,
            t_test=data.t_val,
            iters_num=s["iters_num"],
            batch_size=s["batch_size"],
            learning_rate=s["learning_rate"],
            gradient=s["gradient"],
            seed=s["seed"],
            callback=_watch(callback, time_limit, s["iters_num"]),
        )
    except _OutOfTime as stop:
        history = stop.history  # train() attaches the iterations done so far
    except KeyboardInterrupt as stop:
        if not (stop_on_interrupt and hasattr(stop, "history")):
            raise
        history, interrupted = stop.history, True
    history.settings.update(s)
    return LabRun(network, history, data, final_check(network, data), time_limit, interrupted)


def final_check(network, data):
    """Accuracy of ``network`` on the test data; NaN if its weights are no longer finite.

    Used by :func:`run_experiment`, once per run.
    """
    if not all(np.isfinite(p).all() for p in network.params.values()):
        return float("nan")
    return float(network.accuracy(data.x_test, data.t_test))


def summary(run):
    """The one-line result of a run: last batch loss, accuracies, iterations, seconds.

    The loss is that of the last mini-batch, measured right after its update step. The
    training and validation accuracies are the last ones measured (once per epoch): a run
    ended by its time limit or an interrupt says how far it got, and at which iteration
    they were measured. The test accuracy comes after them, labelled "test (final check)":
    measured once, at the end.

    Parameters
    ----------
    run : LabRun

    Returns
    -------
    str

    Used by :class:`~zerotsuku.lab.TrainingLab` for its status line.

    Examples
    --------
    >>> parts = summary(run_experiment(iters_num=20)).split(" · ")
    >>> parts[0], parts[-2]
    ('learning rate 1', '20 iterations')
    """
    h = run.history
    parts = [f"learning rate {h.settings['learning_rate']:.3g}"]
    finite = h.train_loss[np.isfinite(h.train_loss)]
    if h.diverged:
        last = f"{finite[-1]:.4f}" if len(finite) else "none"
        parts.append(f"last finite batch loss {last}")
    else:
        parts.append(f"last batch loss {h.final_loss:.4f}")
    done, asked = len(h.train_loss), h.settings["iters_num"]
    # A stopped run keeps the accuracies of its last whole epoch.
    when = (
        f" (at iteration {h.acc_iters[-1]:,})"
        if len(h.acc_iters) and h.acc_iters[-1] != done
        else ""
    )
    if len(h.train_acc):
        parts.append(f"train accuracy {h.train_acc[-1]:.3f}{when}")
    if len(h.test_acc):
        parts.append(f"validation accuracy {h.test_acc[-1]:.3f}{when}")
    if np.isfinite(run.test_acc):
        parts.append(f"test (final check) {run.test_acc:.3f}")
    if run.stopped:
        if run.interrupted:
            why = " (interrupted)"
        else:
            why = f" ({run.time_limit:.3g} s limit)" if run.time_limit is not None else ""
        parts.append(f"stopped after {done:,} of {asked:,} iterations{why}")
    else:
        parts.append(f"{done:,} iterations")
    parts.append(f"{h.seconds:.2f} s")
    return " · ".join(parts)


class LiveRun:
    """A run that advances a few iterations at a time: the lab's Play, Step and Reset.

    It draws its batches from one generator kept across chunks and updates the parameters
    exactly as :func:`~zerotsuku.training.train` does, so after N iterations, in whatever
    chunks, its network has the same parameters, bit for bit, as ``train()`` with the same
    settings and ``iters_num=N`` (and :meth:`history` is that run's history).

    Parameters
    ----------
    **settings
        Any of the keys of :data:`DEFAULTS`; ``iters_num`` is where Play stops.

    Attributes
    ----------
    settings : dict
    data : LabData
    network : TwoLayerNet
        Trained in place.
    done : int
        Iterations done so far.

    Used by :class:`~zerotsuku.lab.TrainingLab`.

    Examples
    --------
    >>> live = LiveRun(dataset="gauss")
    >>> live.advance(7), live.advance(3), live.done
    (7, 3, 10)
    >>> live.reset(); live.done
    0
    """

    def __init__(self, **settings):
        self.settings = full_settings(**settings)
        reason = refusal(**self.settings)
        if reason is not None:
            raise ValueError(reason)
        self.data = lab_data(self.settings["dataset"], self.settings["label_noise"])
        self.network = _fresh_network(self.settings, self.data)
        self._start = {key: value.copy() for key, value in self.network.params.items()}
        self.reset()

    @property
    def iter_per_epoch(self):
        return max(self.data.train_size // self.settings["batch_size"], 1)

    @property
    def diverged(self):
        return bool(self.losses) and not np.isfinite(self.losses[-1])

    @property
    def finished(self):
        """True at ``iters_num`` iterations or after divergence."""
        return self.diverged or self.done >= self.settings["iters_num"]

    def reset(self):
        """Back to the start weights and the first batch."""
        for key, value in self._start.items():
            self.network.params[key] = value.copy()
        # train()'s own batch iterator, kept for the whole run (its length is only a bound).
        batch_settings = {"batch_size": self.settings["batch_size"], "sampling": "epoch"}
        self._batches = _batches(
            self.data.train_size,
            {**batch_settings, "iters_num": 2**62},
            np.random.default_rng(self.settings["seed"]),
        )
        self.losses, self._accuracies = [], []
        self._seconds = 0.0
        self._measure()

    @property
    def done(self):
        return len(self.losses)

    def advance(self, iterations, *, time_limit=None, callback=None):
        """Run up to ``iterations`` more iterations (fewer at divergence or ``time_limit`` s).

        Returns
        -------
        int
            The iterations run.
        """
        iterations = whole_number("iterations", iterations, 0)
        start = time.perf_counter()
        deadline = start + (np.inf if time_limit is None else time_limit)
        count = 0
        while count < iterations and not self.diverged:
            self._step()
            count += 1
            if callback is not None:
                callback(self.done, self.losses[-1])
            if time.perf_counter() > deadline:
                break
        self._seconds += time.perf_counter() - start
        return count

    def _step(self):
        """One iteration of train(): gradient, whole update, loss, accuracy at epoch ends."""
        batch = next(self._batches)
        x_batch, t_batch = self.data.x_train[batch], self.data.t_train[batch]
        gradient = self.settings["gradient"]
        if gradient == "backprop":
            grads = self.network.gradient(x_batch, t_batch)
        elif gradient == "numerical":
            grads = self.network.numerical_gradient(x_batch, t_batch)
        else:
            grads = fast_numerical_gradient(self.network, x_batch, t_batch)
        rate, params = self.settings["learning_rate"], self.network.params
        with np.errstate(over="ignore", invalid="ignore"):
            updated = {key: value - rate * grads[key] for key, value in params.items()}
        params.update(updated)  # one step: an interrupt cannot land between two keys
        self.losses.append(float(_loss_or_nan(self.network, x_batch, t_batch)))
        if not self.diverged and self.done % self.iter_per_epoch == 0:
            self._measure()

    def _measure(self):
        train_acc = self.network.accuracy(self.data.x_train, self.data.t_train)
        val_acc = self.network.accuracy(self.data.x_val, self.data.t_val)
        self._accuracies.append((self.done, train_acc, val_acc))

    def history(self):
        """The TrainingHistory of ``train()`` stopped here (``iters_num`` = iterations done)."""
        accuracies = list(self._accuracies)
        if not self.diverged and accuracies[-1][0] != self.done:
            accuracies.append(
                (
                    self.done,
                    self.network.accuracy(self.data.x_train, self.data.t_train),
                    self.network.accuracy(self.data.x_val, self.data.t_val),
                )
            )
        iters, train_acc, val_acc = zip(*accuracies, strict=True)
        s = self.settings
        settings = {
            **s,
            "iters_num": self.done,
            "sampling": "epoch",
            "train_size": self.data.train_size,
            "input_size": self.network.input_size,
            "output_size": self.network.output_size,
        }
        return TrainingHistory(
            train_loss=np.array(self.losses, dtype=np.float64),
            train_acc=np.array(train_acc, dtype=np.float64),
            test_acc=np.array(val_acc, dtype=np.float64),
            acc_iters=np.array(iters, dtype=np.int64),
            iter_per_epoch=self.iter_per_epoch,
            seconds=self._seconds,
            diverged=self.diverged,
            settings=settings,
        )

    def lab_run(self):
        """This run as a :class:`LabRun` (the test accuracy measured now, as the final check)."""
        history = self.history()
        history.settings["iters_num"] = self.settings["iters_num"]
        return LabRun(self.network, history, self.data, final_check(self.network, self.data))


def run_code(settings, iterations):
    """Python that reproduces a lab run with the package's public API alone.

    Parameters
    ----------
    settings : dict
        The run's settings (any of the keys of :data:`DEFAULTS`).
    iterations : int
        Iterations done, the ``iters_num`` of the code's ``train()`` call.

    Returns
    -------
    str
        Code that, run in a fresh namespace, leaves the run's TrainingHistory in
        ``history``, its network in ``network`` and its data in ``x_train`` ... ``t_test``.

    Used by :attr:`~zerotsuku.lab.TrainingLab.code`.

    Examples
    --------
    >>> namespace = {}
    >>> exec(run_code({"dataset": "gauss"}, 50), namespace)  # doctest: +ELLIPSIS
    last batch loss 0.0...
    test (final check) 1.000
    >>> len(namespace["history"].train_loss)
    50
    """
    s = full_settings(**{key: value for key, value in settings.items() if key in DEFAULTS})
    iterations = whole_number("iterations", iterations, 0)
    data = lab_data(s["dataset"], s["label_noise"])
    noise = f", label_noise={s['label_noise']!r}" if s["label_noise"] else ""
    if s["dataset"] in TOY_DATASETS:
        lines = [
            "from zerotsuku.datasets import toy_dataset",
            "from zerotsuku.networks import TwoLayerNet",
            "from zerotsuku.training import train",
            "",
            *(
                f"x_{part}, t_{part} = toy_dataset({s['dataset']!r}, {TOY_SAMPLES}, "
                f"seed={TOY_SEEDS[name]}{noise if part == 'train' else ''})"
                for part, name in (("train", "train"), ("val", "validation"), ("test", "test"))
            ),
        ]
    else:
        lines = [
            "from zerotsuku.lab import lab_data",
            "from zerotsuku.networks import TwoLayerNet",
            "from zerotsuku.training import train",
            "",
            f"data = lab_data({s['dataset']!r}{noise})  # {data.note}",
            "x_train, t_train = data.x_train, data.t_train",
            "x_val, t_val = data.x_val, data.t_val",
            "x_test, t_test = data.x_test, data.t_test",
        ]
    lines += [
        f"network = TwoLayerNet({data.input_size}, {s['hidden_size']}, {data.num_classes}, "
        f"weight_init_std={s['weight_init_std']!r}, seed={s['seed']}, "
        f"activation={s['activation']!r})",
        "history = train(",
        "    network,",
        "    x_train,",
        "    t_train,",
        "    x_test=x_val,  # the validation data: accuracy once per epoch",
        "    t_test=t_val,",
        f"    iters_num={iterations},",
        f"    batch_size={s['batch_size']},",
        f"    learning_rate={s['learning_rate']!r},",
        f"    gradient={s['gradient']!r},",
        f"    seed={s['seed']},",
        ")",
        'print(f"last batch loss {history.final_loss:.4f}")',
        'print(f"test (final check) {network.accuracy(x_test, t_test):.3f}")',
    ]
    return "\n".join(lines) + "\n"
