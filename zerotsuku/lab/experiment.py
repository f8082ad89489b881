"""The lab's experiment: its settings, one training run, and the run's one-line summary.

No widgets here: a notebook cell can call :func:`run_experiment` with fixed settings and print
numbers that everyone gets identically. :mod:`zerotsuku.lab.widgets` puts sliders in front of
the same function; :mod:`zerotsuku.lab.data` holds the data sets, :mod:`zerotsuku.lab.live`
the run that Play and Step advance, :mod:`zerotsuku.lab.reproduce` the code of a run.

A run is refused only when it is known to be hopeless: the chapter's element-loop numerical
gradient on MNIST. Any other run may take as long as it takes; the lab passes a time limit
(:data:`TIME_LIMIT`) and the run stops there, or at the notebook's Interrupt, keeping the
iterations done so far.

The validation data (検証データ) are measured once per epoch and are what a setting is chosen
by; the test data (テストデータ) are scored once at the end of a run as the final check
(:attr:`LabRun.test_acc`), never for choosing.
"""

import time
from dataclasses import dataclass

import numpy as np

from .._checks import choice, positive_number, whole_number
from ..networks import TwoLayerNet
from ..training import GRADIENTS, TrainingHistory, train
from .data import DATASETS, LabData, check_data_settings, data_for

__all__ = [
    "ACTIVATION_NAMES",
    "DEFAULTS",
    "GRADIENT_NAMES",
    "TIME_LIMIT",
    "LabRun",
    "final_check",
    "fresh_network",
    "full_settings",
    "refusal",
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

    Used by :func:`run_experiment` and :class:`~zerotsuku.lab.live.LiveRun`: the same start
    for both.
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
