"""The lab's experiment: its settings, one training run, and the run's one-line summary.

No widgets here: a notebook cell can call :func:`run_experiment` with fixed settings and print
numbers that everyone gets identically. :mod:`zerotsuku.lab.widgets` puts sliders in front of
the same function; :mod:`zerotsuku.lab.data` holds the data sets.

A run is refused only when it is known to be hopeless: the chapter's element-loop numerical
gradient on MNIST. Any other run may take as long as it takes; the lab passes a time limit
(:data:`TIME_LIMIT`) and the run stops there, or at the notebook's Interrupt, keeping the
iterations done so far.

The validation data (検証データ) are measured once per epoch and are what a setting is chosen
by; the test data (テストデータ) are scored once at the end of a run as the final check
(:attr:`LabRun.test_acc`), never for choosing.
"""

import textwrap
import time
from dataclasses import dataclass

import numpy as np

from .._checks import choice, positive_number, whole_number
from ..datasets import TOY_DATASETS
from ..fast_gradient import fast_numerical_gradient
from ..networks import TwoLayerNet
from ..training import GRADIENTS, TrainingHistory, _loss_or_nan, batch_indices, train
from .data import (
    DATA_SIZES,
    DATASETS,
    SEEDS,
    TEST_SIZES,
    LabData,
    check_data_settings,
    data_for,
)

__all__ = [
    "ACTIVATION_NAMES",
    "DEFAULTS",
    "GRADIENT_NAMES",
    "TIME_LIMIT",
    "LabRun",
    "LiveRun",
    "final_check",
    "fresh_network",
    "full_settings",
    "refusal",
    "run_code",
    "run_experiment",
    "stopped_early",
    "summary",
]

ACTIVATION_NAMES = {"sigmoid": "sigmoid (chapter 4)", "relu": "ReLU (chapter 5)"}
"""The hidden activations of :class:`~zerotsuku.networks.TwoLayerNet`, as the lab names them."""

DEFAULTS = {
    "dataset": "circles",
    "data_size": None,
    "validation_share": 0.2,
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
"""Start settings: a 2-D problem that a small net learns in well under a second.

``data_size=None`` stands for the data set's standard size (see
:data:`~zerotsuku.lab.data.DATA_SIZES`); :func:`full_settings` puts in the number."""

TIME_LIMIT = 20.0
"""Seconds after which the lab stops a run and shows the iterations done so far."""

GRADIENT_NAMES = {
    "backprop": "backprop",
    "numerical": "numerical, element loop",
    "fast_numerical": "numerical, vectorised",
}
"""How the lab names the gradients of :func:`~zerotsuku.training.train` (same order)."""


def full_settings(**settings):
    """``settings`` completed with :data:`DEFAULTS` and checked; the batch clamped to the data.

    ``data_size=None`` becomes the data set's standard size, and a batch larger than the
    training data (the labelled samples less the validation share) becomes all of them.

    Raises
    ------
    TypeError
        For an unknown setting, or a value of the wrong kind (``batch_size=2.5``).
    ValueError
        For a value of the right kind that the lab cannot use (``hidden_size=0``,
        ``data_size=10``), with the lab's range.

    Used by :func:`run_experiment` and :class:`~zerotsuku.lab.TrainingLab`.

    Examples
    --------
    >>> s = full_settings(dataset="dummy", batch_size=500)  # 125 points, 100 to train on
    >>> s["data_size"], s["batch_size"]
    (125, 100)
    """
    unknown = set(settings) - set(DEFAULTS)
    if unknown:
        raise TypeError(f"unknown setting(s) {sorted(unknown)}; the lab knows {list(DEFAULTS)}")
    s = {**DEFAULTS, **settings}
    choice("dataset", s["dataset"], DATASETS)
    choice("gradient", s["gradient"], GRADIENTS)
    choice("activation", s["activation"], tuple(ACTIVATION_NAMES))
    _, s["label_noise"], s["data_size"], s["validation_share"] = check_data_settings(
        s["dataset"], s["label_noise"], s["data_size"], s["validation_share"]
    )
    for name, low in (("hidden_size", 1), ("batch_size", 1), ("iters_num", 1), ("seed", 0)):
        s[name] = whole_number(name, s[name], low)
    for name in ("learning_rate", "weight_init_std"):
        s[name] = positive_number(name, s[name])
    s["batch_size"] = min(s["batch_size"], data_for(s).train_size)
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
    hidden, classes = s["hidden_size"], 10
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


def fresh_network(s, data):
    """The untrained net of the settings ``s`` (its start weights drawn with ``s["seed"]``).

    Used by :func:`run_experiment` and :class:`LiveRun`: the same start for both.
    """
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
    data = data_for(s)
    network = fresh_network(s, data)
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
        self.data = data_for(self.settings)
        self.network = fresh_network(self.settings, self.data)
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
        self._batches = batch_indices(
            self.data.train_size,
            self.settings["batch_size"],
            2**62,
            rng=np.random.default_rng(self.settings["seed"]),
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
    data = data_for(s)
    name, size, share, noise = s["dataset"], s["data_size"], s["validation_share"], s["label_noise"]
    if name in TOY_DATASETS:
        source = [f"x, t = toy_dataset({name!r}, {size}, seed={SEEDS['labelled']})"]
        test = [f"x_test, t_test = toy_dataset({name!r}, {TEST_SIZES[name]}, seed={SEEDS['test']})"]
        loaders = ["toy_dataset"]
    elif name == "dummy":
        source = [
            f"x, rows = dummy_dataset({size}, seed={SEEDS['labelled']})  # coin flips, not one-hot",
            "t = rows.argmax(axis=1)  # the class the book's cross_entropy_error reads",
        ]
        test = [
            f"x_test, rows_test = dummy_dataset({TEST_SIZES[name]}, seed={SEEDS['test']})",
            "t_test = rows_test.argmax(axis=1)",
        ]
        loaders = ["dummy_dataset"]
    else:
        source = ['(x, t), (x_test, t_test) = load_mnist(source="bundled")']
        if size < DATA_SIZES["mnist"][2]:
            source.append(f"x, t = x[:{size}], t[:{size}]  # the first {size:,} training digits")
        test = []
        loaders = ["load_mnist"]
    split = [
        f"(x_train, t_train), (x_val, t_val) = split_validation(x, t, {share!r}, "
        f"seed={SEEDS['labelled']})"
    ]
    if noise:
        loaders.append("flip_labels")
        split.append(
            f"t_train = flip_labels(t_train, {noise!r}, num_classes={data.num_classes}, "
            f"seed={SEEDS['labelled']})  # label noise: training labels only"
        )
    imports = ", ".join(sorted([*loaders, "split_validation"]))
    lines = [
        f"from zerotsuku.datasets import {imports}",
        "from zerotsuku.networks import TwoLayerNet",
        "from zerotsuku.training import train",
        "",
        *(f"# {line}" for line in textwrap.wrap(data.note, 94)),
        *source,
        *split,
        *test,
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
