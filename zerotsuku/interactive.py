"""A training lab: move a slider, the two-layer net retrains and its curves are redrawn.

:class:`TrainingLab` is a small ipywidgets app in the spirit of TensorFlow Playground, built
on our own numpy :class:`~zerotsuku.networks.TwoLayerNet` and :func:`~zerotsuku.training.train`.
Every change of a control retrains synchronously inside the control's observer (no timers or
threads), then replaces the PNG bytes of one ``ipywidgets.Image``. Nothing is appended to an
Output widget and no pyplot figure is created, so a notebook never shows stray figures.

The plain functions (:func:`lab_data`, :func:`estimate_seconds`, :func:`refusal`,
:func:`run_experiment`, :func:`render_png`) work without widgets, so a notebook can print
comparable numbers for fixed settings.
"""

import functools
import html
import io
import json
import time
from dataclasses import dataclass

import ipywidgets as widgets
import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ._checks import positive_number, whole_number
from .datasets import TOY_DATASETS, dummy_dataset, load_mnist, toy_dataset
from .networks import TwoLayerNet
from .plotting import PALETTE, STYLE, plot_accuracy, plot_decision_boundary, plot_loss
from .training import GRADIENTS, train

__all__ = [
    "DATASETS",
    "DEFAULTS",
    "LabData",
    "LabRun",
    "TrainingLab",
    "draw_figure",
    "estimate_seconds",
    "lab_data",
    "refusal",
    "render_png",
    "run_experiment",
    "summary",
]

DATASETS = ("circles", "moons", "xor", "gauss", "spiral", "dummy", "mnist")
"""Data sets of the lab: five 2-D problems, the unlearnable dummy data, MNIST digits."""

DEFAULTS = {
    "dataset": "circles",
    "hidden_size": 10,
    "learning_rate": 1.0,
    "batch_size": 20,
    "iters_num": 300,
    "weight_init_std": 1.0,
    "gradient": "backprop",
    "seed": 0,
}
"""Start settings: a 2-D problem that a small net learns in well under a second."""

TOY_SAMPLES = 200
"""Points in the training set of a 2-D problem; a fresh draw of as many is the test set."""

MAX_SECONDS = 30.0
"""Runs estimated to take longer than this are refused before they start."""

PROGRESS_AFTER = 1.0
"""Seconds into a run after which the status line shows progress."""

MAX_KEPT_RUNS = 6
"""With "keep earlier runs", the newest run and at most this many minus one before it."""

DPI = 80
STATUS_STYLE = "padding: 4px 10px; background: #eef3f8; border-radius: 4px; line-height: 1.5"
FIGSIZE = (13.5, 4.4)
BOUNDARY_RESOLUTION = 100
EARLIER_COLORS = (PALETTE[1], PALETTE[2], PALETTE[3], PALETTE[4], PALETTE[7])
EARLIER_ALPHA = 0.55

# The cost model of estimate_seconds, in seconds per unit of work. Fitted by least squares on
# relative error to train() runs timed on this 2-core machine with one BLAS thread
# (OPENBLAS_NUM_THREADS=1): 2-D nets with hidden 3-100 and batch 1-200, 784-h-10 nets with
# hidden 5-100 and batch 1-400, and the element loop on 784-1-10 to 784-50-10 nets (24.6 s
# per gradient at hidden 50, batch 100). B = batch, P = parameters, macs and units = the
# multiply-adds and activations of one sample's forward pass.
#   backprop step:  5.2e-5 + 1.9e-10 B*macs + 9.4e-9 B*units + 7.9e-10 P   (measured/fit 0.6-3.9,
#                   median 1.1; the widest miss: 784-5-10 with batch 400)
#   vectorised:     step + 2.4e-5 + 5.2e-8 * nudged pairs                  (0.5-2.4, median 1.2)
#                   nudged pairs = 2B (H (nonzero inputs + 1) + C (H + 1)): the sample/unit
#                   pairs that fast_gradient's structured path touches, two steps each (one
#                   formula for both of its strategies)
#   element loop:   step + 2P (4.4e-5 + 7.1e-11 B*macs + 6.2e-9 B*units)  (0.8-2.0, median 1.0)
#   accuracy check: 4.2e-5 + 1.5e-9 S*inputs + 4.2e-11 S*macs, S = train + test samples
# estimate_seconds returns MARGIN times the fit: an upper-end guess.
STEP_SECONDS = (5.2e-5, 1.9e-10, 9.4e-9, 7.9e-10)  # call, per MAC, per unit, per parameter
VECTORISED_SECONDS = (2.4e-5, 5.2e-8)  # call, per nudged pair
LOOP_SECONDS = (4.4e-5, 7.1e-11, 6.2e-9)  # per loss evaluation: call, per MAC, per unit
ACCURACY_SECONDS = (4.2e-5, 1.5e-9, 4.2e-11)  # call, per input number, per MAC
MARGIN = 2.0

GRADIENT_NAMES = {
    "backprop": "backprop",
    "numerical": "numerical, vectorised",
    "numerical_loop": "numerical, element loop",
}
"""How the lab names the three gradients of :func:`~zerotsuku.training.train`."""

_FLOATS = ("learning_rate", "weight_init_std")
_LABELS = {
    "dataset": "data",
    "hidden_size": "hidden",
    "learning_rate": "lr",
    "batch_size": "batch",
    "iters_num": "iters",
    "weight_init_std": "init std",
    "gradient": "gradient",
    "seed": "seed",
}


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class LabData:
    """Training and test data of one lab data set (arrays are read-only).

    Attributes
    ----------
    name : str
    x_train, t_train, x_test, t_test : numpy.ndarray
        float64 inputs, one sample per row; integer class labels.
    num_classes : int
    note : str
        One sentence on where the data comes from.
    """

    name: str
    x_train: np.ndarray
    t_train: np.ndarray
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


DUMMY_NOTE = (
    "dummy data: x is random, each target row is two independent coin flips such as "
    "[1, 1] (not one-hot); the lab trains on each row's argmax, which is what the book's "
    "cross_entropy_error silently does, so [0, 0], [1, 0] and [1, 1] all mean class 0"
)


def _frozen(*arrays):
    for array in arrays:
        array.flags.writeable = False
    return arrays


@functools.cache
def lab_data(name):
    """The data set ``name`` as the lab uses it (cached, read-only arrays).

    Parameters
    ----------
    name : {"circles", "moons", "xor", "gauss", "spiral", "dummy", "mnist"}
        A 2-D problem has 200 training points (seed 0) and 200 fresh test points
        (seed 1). "dummy" is the well-known unlearnable data (100 points, plus 100 more
        for testing) with labels = argmax of each target row. "mnist" is the bundled
        4,000 / 1,000 digit subset as float64.

    Returns
    -------
    LabData

    Examples
    --------
    >>> data = lab_data("dummy")
    >>> data.x_train.shape, sorted(set(data.t_train.tolist()))
    ((100, 2), [0, 1])
    """
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; choose one of {DATASETS}")
    if name in TOY_DATASETS:
        x, t = toy_dataset(name, TOY_SAMPLES, seed=0)
        x_test, t_test = toy_dataset(name, TOY_SAMPLES, seed=1)
        note = f"{name}: {TOY_SAMPLES} training points, {TOY_SAMPLES} fresh test points"
        arrays = _frozen(x, t, x_test, t_test)
        return LabData(name, *arrays, num_classes=2, note=note)
    if name == "dummy":
        x, t_rows = dummy_dataset(seed=0)
        x_test, t_test_rows = dummy_dataset(seed=1)
        arrays = _frozen(x, t_rows.argmax(axis=1), x_test, t_test_rows.argmax(axis=1))
        return LabData(name, *arrays, num_classes=2, note=DUMMY_NOTE)
    (x, t), (x_test, t_test) = load_mnist(source="bundled")
    arrays = _frozen(
        x.astype(np.float64), t.astype(np.int64), x_test.astype(np.float64), t_test.astype(np.int64)
    )
    note = "mnist: 4,000 training and 1,000 test digits (the bundled subset)"
    return LabData(name, *arrays, num_classes=10, note=note)


# --------------------------------------------------------------------------- settings


def _check_settings(settings):
    """Complete ``settings`` with DEFAULTS, check them, clamp the batch to the data."""
    unknown = set(settings) - set(DEFAULTS)
    if unknown:
        raise TypeError(f"unknown setting(s) {sorted(unknown)}; the lab knows {list(DEFAULTS)}")
    s = {**DEFAULTS, **settings}
    if s["dataset"] not in DATASETS:
        raise ValueError(f"unknown data set {s['dataset']!r}; choose one of {DATASETS}")
    if s["gradient"] not in GRADIENTS:
        raise ValueError(f"unknown gradient {s['gradient']!r}; choose one of {GRADIENTS}")
    for name, low in (("hidden_size", 1), ("batch_size", 1), ("iters_num", 1), ("seed", 0)):
        s[name] = whole_number(name, s[name], low)
    for name in ("learning_rate", "weight_init_std"):
        s[name] = positive_number(name, s[name])
    s["batch_size"] = min(s["batch_size"], lab_data(s["dataset"]).train_size)
    return s


@functools.cache
def _nonzero_inputs(name):
    """Mean number of non-zero inputs per training sample of data set ``name``."""
    data = lab_data(name)
    return np.count_nonzero(data.x_train) / data.train_size


def _parameter_count(s):
    data = lab_data(s["dataset"])
    hidden = s["hidden_size"]
    return hidden * (data.input_size + 1) + data.num_classes * (hidden + 1)


def estimate_seconds(**settings):
    """Rough duration of a run, from the sizes alone (nothing is trained).

    A cost model fitted to runs timed with one BLAS thread (the fit is stated in the
    source, next to its constants). Every iteration takes a gradient step and the loss
    after it; the gradient costs one backward pass ("backprop"), two nudged losses per
    parameter evaluated together as arrays ("numerical", the vectorised path of
    notebook 07), or two full loss evaluations per parameter, one parameter after the
    other ("numerical_loop", the book's element loop). Accuracy is measured on all
    training and test data before training and once per epoch.

    Parameters
    ----------
    **settings
        Any of the keys of :data:`DEFAULTS`; missing ones take the default.

    Returns
    -------
    float
        Estimated seconds: :data:`MARGIN` times the fit, an upper-end guess.

    Examples
    --------
    >>> estimate_seconds() < 1
    True
    >>> mnist = {"dataset": "mnist", "hidden_size": 50, "batch_size": 100}
    >>> estimate_seconds(gradient="numerical_loop", **mnist) > 3600
    True
    """
    s = _check_settings(settings)
    data = lab_data(s["dataset"])
    batch, hidden, iters = s["batch_size"], s["hidden_size"], s["iters_num"]
    inputs, classes = data.input_size, data.num_classes
    params = _parameter_count(s)
    macs = hidden * (inputs + classes)  # one sample's forward pass
    units = hidden + classes
    call, per_mac, per_unit, per_param = STEP_SECONDS
    step = call + batch * (macs * per_mac + units * per_unit) + params * per_param
    if s["gradient"] == "numerical":
        pairs = 2 * batch * (hidden * (_nonzero_inputs(s["dataset"]) + 1) + classes * (hidden + 1))
        step += VECTORISED_SECONDS[0] + pairs * VECTORISED_SECONDS[1]
    elif s["gradient"] == "numerical_loop":
        call, per_mac, per_unit = LOOP_SECONDS
        step += 2 * params * (call + batch * (macs * per_mac + units * per_unit))
    iter_per_epoch = max(data.train_size // batch, 1)
    checks = 1 + iters // iter_per_epoch + (iters % iter_per_epoch != 0)
    samples = data.train_size + data.x_test.shape[0]
    call, per_input, per_mac = ACCURACY_SECONDS
    check = 2 * call + samples * (inputs * per_input + macs * per_mac)
    return float(MARGIN * (iters * step + checks * check))


def refusal(**settings):
    """Why a run with ``settings`` would not be started, or None if it may run.

    The element loop on MNIST is always refused; any run whose estimate
    (:func:`estimate_seconds`) exceeds :data:`MAX_SECONDS` too. Every number in the
    message comes from the settings and the estimates.

    Returns
    -------
    str or None
        A message that says why and what to choose instead.

    Examples
    --------
    >>> refusal() is None
    True
    >>> print(refusal(dataset="mnist", gradient="numerical_loop")[:55])
    Refused: the lab does not run the element loop on MNIST
    """
    s = _check_settings(settings)
    seconds = estimate_seconds(**s)
    params = _parameter_count(s)
    if s["dataset"] == "mnist" and s["gradient"] == "numerical_loop":
        return (
            "Refused: the lab does not run the element loop on MNIST. It nudges the "
            f"{params:,} parameters one at a time, with two loss evaluations each "
            f"({2 * params:,} per iteration): about {_duration(seconds)} for "
            f"{s['iters_num']:,} iterations. {_instead(s)} To watch the element loop, "
            "choose a 2-D data set."
        )
    if seconds <= MAX_SECONDS:
        return None
    work = {
        "backprop": "",
        "numerical": f", each with {2 * params:,} nudged losses (two per parameter)",
        "numerical_loop": f", each with {2 * params:,} loss evaluations (two per parameter)",
    }[s["gradient"]]
    return (
        f"Refused: {_PROSE[s['gradient']]} would take about {_duration(seconds)} for "
        f"{s['iters_num']:,} iterations{work}. The lab's limit is {MAX_SECONDS:.0f} s. "
        f"{_instead(s)}"
    )


_PROSE = {
    "backprop": "backprop",
    "numerical": "the vectorised numerical gradient",
    "numerical_loop": "the element loop",
}


def _instead(s):
    """What to choose instead of the settings ``s``: a cheaper gradient, smaller sizes."""
    options = []
    order = list(GRADIENT_NAMES)
    for gradient in reversed(order[: order.index(s["gradient"])]):
        seconds = estimate_seconds(**{**s, "gradient": gradient})
        if seconds <= MAX_SECONDS:
            options.append(f"{GRADIENT_NAMES[gradient]} (about {_duration(seconds)})")
    smaller = []
    if s["gradient"] != "numerical_loop" or s["dataset"] != "mnist":
        for key, words, low, step in (
            ("iters_num", "iterations", 10, 10),
            ("hidden_size", "hidden size", 1, 1),
            ("batch_size", "batch size", 1, 1),
        ):
            largest = _largest_within_limit(s, key, low, step)
            if largest is not None:
                smaller.append(f"{words} to {largest:,}")
    if smaller:
        lower = "lower one setting: " + ", ".join(smaller[:-1])
        lower += f" or {smaller[-1]}" if len(smaller) > 1 else smaller[-1]
        options.append(lower)
    if not options:
        return "Choose fewer iterations, a smaller hidden size and a smaller batch."
    text = ", or ".join(options) + "."
    return "Choose " + text if len(options) > 1 or not smaller else text[0].upper() + text[1:]


def _largest_within_limit(s, key, low, step):
    """The largest value of ``key`` below the current one (a multiple of ``step``, at
    least ``low``) whose estimate is within :data:`MAX_SECONDS`, or None."""
    values = range(low, s[key], step)
    if not values or estimate_seconds(**{**s, key: values[0]}) > MAX_SECONDS:
        return None
    lo, hi = 0, len(values) - 1  # the estimate grows with each of these settings
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if estimate_seconds(**{**s, key: values[mid]}) <= MAX_SECONDS:
            lo = mid
        else:
            hi = mid - 1
    return values[lo]


def _duration(seconds):
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} minutes"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.0f} hours"
    return f"{seconds / 86400:,.0f} days"


# --------------------------------------------------------------------------- one run


@dataclass
class LabRun:
    """A trained network with its history and data."""

    network: TwoLayerNet
    history: object
    data: LabData


def run_experiment(*, callback=None, **settings):
    """Train a fresh two-layer net with the lab's data and ``settings``.

    Parameters
    ----------
    callback : callable, optional
        Passed to :func:`~zerotsuku.training.train`: ``callback(iteration, loss)``.
    **settings
        Any of the keys of :data:`DEFAULTS`; missing ones take the default. The batch
        size is clamped to the training-set size.

    Returns
    -------
    LabRun
        ``history.settings`` holds every setting used, including ``dataset`` and
        ``weight_init_std``.

    Raises
    ------
    ValueError
        For a bad setting, or a run that :func:`refusal` refuses (with its message).

    Examples
    --------
    >>> run = run_experiment(dataset="gauss", iters_num=100)
    >>> run.history.settings["dataset"], len(run.history.train_loss)
    ('gauss', 100)
    """
    s = _check_settings(settings)
    reason = refusal(**s)
    if reason is not None:
        raise ValueError(reason)
    data = lab_data(s["dataset"])
    network = TwoLayerNet(
        data.input_size, s["hidden_size"], data.num_classes, s["weight_init_std"], seed=s["seed"]
    )
    history = train(
        network,
        data.x_train,
        data.t_train,
        x_test=data.x_test,
        t_test=data.t_test,
        iters_num=s["iters_num"],
        batch_size=s["batch_size"],
        learning_rate=s["learning_rate"],
        gradient=s["gradient"],
        seed=s["seed"],
        callback=callback,
    )
    history.settings.update(s)
    return LabRun(network, history, data)


# --------------------------------------------------------------------------- drawing


def describe(settings, keys=None):
    """Short text of ``settings`` (only ``keys`` if given), e.g. ``"hidden 10 · lr 1"``."""
    parts = []
    for key in keys if keys is not None else DEFAULTS:
        value = settings[key]
        if key == "gradient":
            parts.append(GRADIENT_NAMES.get(value, str(value)))
        elif key == "dataset" and keys is None:
            parts.append(str(value))
        elif isinstance(value, float):
            parts.append(f"{_LABELS[key]} {value:.3g}")
        else:
            parts.append(f"{_LABELS[key]} {value}")
    return " · ".join(parts)


def _run_labels(histories):
    """Legend labels naming what differs between the runs."""
    keys = [k for k in DEFAULTS if len({repr(h.settings.get(k)) for h in histories}) > 1]
    if not keys:
        return [f"run {i + 1}" for i in range(len(histories))]
    return [describe(h.settings, keys) for h in histories]


def _draw_per_digit(ax, network, data):
    guess = network.predict(data.x_test).argmax(axis=1)
    per_digit = [np.mean(guess[data.t_test == d] == d) for d in range(data.num_classes)]
    ax.bar(np.arange(data.num_classes), per_digit, color=PALETTE[0])
    ax.set_xticks(np.arange(data.num_classes))
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("digit")
    ax.set_ylabel("test accuracy")
    ax.set_title("Test accuracy per digit")
    ax.grid(True, axis="y", alpha=0.3)


def _draw_note(ax, text, title):
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, wrap=True)
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])


def draw_figure(histories, network, data, *, log_scale=False, dpi=DPI):
    """Loss, accuracy and decision boundary (or per-digit accuracy) of the newest run.

    A bare :class:`~matplotlib.figure.Figure` on the Agg canvas: pyplot does not know
    it, so a notebook never shows it by itself. :func:`render_png` turns it into PNG.

    Parameters
    ----------
    histories : list of TrainingHistory
        Runs to draw, oldest first; all but the last are drawn faintly.
    network : TwoLayerNet
        The network of the last run (for the decision boundary or per-digit accuracy).
    data : LabData
        The data of the last run.
    log_scale : bool
        Logarithmic loss axis.
    dpi : float
        Pixels per inch of the PNG.

    Returns
    -------
    matplotlib.figure.Figure
        Three axes: loss per iteration, accuracy per epoch, decision boundary.
    """
    if not histories:
        raise ValueError("histories is empty: nothing to draw")
    current = histories[-1]
    labels = _run_labels(histories) if len(histories) > 1 else [None]
    with mpl.rc_context(STYLE):
        fig = Figure(figsize=FIGSIZE, dpi=dpi)
        FigureCanvasAgg(fig)
        # A fixed layout: constrained layout would double the drawing time.
        fig.subplots_adjust(left=0.055, right=0.99, bottom=0.13, top=0.86, wspace=0.22)
        ax_loss, ax_acc, ax_right = fig.subplots(1, 3, width_ratios=[1.35, 1.0, 0.95])
        count = len(histories)
        for i, (history, label) in enumerate(zip(histories, labels, strict=True)):
            last = i == count - 1
            color = PALETTE[0] if last else EARLIER_COLORS[(count - 2 - i) % len(EARLIER_COLORS)]
            if len(history.train_loss):
                plot_loss(
                    history,
                    title="Mini-batch loss (after each step)",
                    log_scale=log_scale,
                    label=label,
                    color=color,
                    alpha=1.0 if last else EARLIER_ALPHA,
                    ax=ax_loss,
                )
            if not last and len(history.train_acc):
                acc = history.test_acc if len(history.test_acc) else history.train_acc
                ax_acc.plot(history.epochs, acc, color=color, alpha=EARLIER_ALPHA, lw=1.5, ls="--")
        plot_accuracy(current, ax=ax_acc, color=PALETTE[0])
        if count > 1:
            ax_acc.set_title("Accuracy per epoch (faint: earlier runs, test)")
        weights_ok = all(np.isfinite(p).all() for p in network.params.values())
        if not weights_ok:
            _draw_note(ax_right, "no boundary:\nthe weights are no\nlonger finite", "Model")
        elif data.input_size == 2:
            plot_decision_boundary(
                network.predict,
                data.x_train,
                data.t_train,
                ax=ax_right,
                resolution=BOUNDARY_RESOLUTION,
                margin=0.3,
                title="Decision boundary (training data)",
            )
        else:
            _draw_per_digit(ax_right, network, data)
        fig.suptitle(describe(current.settings), fontsize=13)
    return fig


def render_png(histories, network, data, *, log_scale=False, dpi=DPI):
    """:func:`draw_figure` rendered to PNG bytes (the same settings give the same bytes).

    Returns
    -------
    bytes
    """
    fig = draw_figure(histories, network, data, log_scale=log_scale, dpi=dpi)
    buffer = io.BytesIO()
    with mpl.rc_context(STYLE):
        fig.canvas.print_png(buffer, pil_kwargs={"compress_level": 3})  # faster, same size
    return buffer.getvalue()


# --------------------------------------------------------------------------- the lab


def summary(history):
    """The one-line result of a run: last batch loss, accuracies, iterations, seconds.

    The loss is that of the last mini-batch, measured right after its update step.
    """
    s = history.settings
    parts = [f"learning rate {s['learning_rate']:.3g}"]
    finite = history.train_loss[np.isfinite(history.train_loss)]
    if history.diverged:
        last = f"{finite[-1]:.4f}" if len(finite) else "none"
        parts.append(f"last finite batch loss {last}")
    else:
        parts.append(f"last batch loss {history.final_loss:.4f}")
    if len(history.train_acc):
        parts.append(f"train accuracy {history.train_acc[-1]:.3f}")
    if len(history.test_acc):
        parts.append(f"test accuracy {history.test_acc[-1]:.3f}")
    parts.append(f"{len(history.train_loss):,} iterations")
    parts.append(f"{history.seconds:.2f} s")
    return " · ".join(parts)


class TrainingLab:
    """Sliders for the settings of a two-layer net, a live plot, and a summary line.

    Changing any control retrains from scratch with the current settings, in the
    control's own observer, and replaces the PNG in :attr:`image`. Sliders use
    ``continuous_update=False``: a drag retrains once, on release.

    Parameters
    ----------
    keep_runs : bool, default False
        Start with "keep earlier runs" switched on.
    log_scale : bool, default False
        Start with a logarithmic loss axis.
    **defaults
        Start values of the controls, any of the keys of :data:`DEFAULTS`.

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
        One widget per setting, by the names of :data:`DEFAULTS`.
    train_button, keep_runs, log_scale : ipywidgets.Widget
        Retrain now; keep earlier runs in the plot; logarithmic loss axis.
    image : ipywidgets.Image
        The plot; its ``value`` is replaced with new PNG bytes after every run.
    status : ipywidgets.HTML
        The summary of the last run, progress, or why a run was refused.
    history : TrainingHistory or None
        The newest run; ``runs`` the kept ones (oldest first), ``network`` its network.
    widget : ipywidgets.VBox
        The whole lab; a notebook cell ending in ``lab`` displays it.

    Examples
    --------
    >>> lab = TrainingLab(iters_num=200)
    >>> lab.controls["hidden_size"].value = 3  # retrains at once
    >>> lab.history.settings["hidden_size"], len(lab.history.train_loss)
    (3, 200)
    """

    def __init__(self, *, keep_runs=False, log_scale=False, **defaults):
        start = _check_settings(defaults)
        self.controls = _make_controls(start)
        _check_ranges(self.controls, start)
        self.train_button = widgets.Button(
            description="Train", icon="play", button_style="primary", tooltip="retrain now"
        )
        self.keep_runs = widgets.Checkbox(
            value=bool(keep_runs), description="keep earlier runs", indent=False
        )
        self.log_scale = widgets.Checkbox(
            value=bool(log_scale), description="log-scale loss", indent=False
        )
        for box in (self.keep_runs, self.log_scale):
            box.layout = widgets.Layout(width="auto", margin="0 0 0 24px")
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.image.add_class("zerotsuku-lab-plot")
        self.status = widgets.HTML(layout=widgets.Layout(min_height="2.4em", margin="6px 0"))
        self.status.add_class("zerotsuku-lab-status")
        self.history = None
        self.network = None
        self.runs = []
        self._data = None
        self._holding = False

        c = self.controls
        grid = widgets.GridBox(
            [
                c["dataset"],
                c["hidden_size"],
                c["learning_rate"],
                c["batch_size"],
                c["iters_num"],
                c["weight_init_std"],
                c["gradient"],
                c["seed"],
            ],
            layout=widgets.Layout(
                grid_template_columns="repeat(3, minmax(250px, 1fr))", grid_gap="2px 16px"
            ),
        )
        buttons = widgets.HBox(
            [self.train_button, self.keep_runs, self.log_scale],
            layout=widgets.Layout(margin="4px 0 0 0", align_items="center"),
        )
        title = widgets.HTML(
            "<b>Training lab</b> — a two-layer net (numpy, sigmoid hidden layer) retrains "
            "whenever you change a setting"
        )
        self.widget = widgets.VBox([title, grid, buttons, self.status, self.image])
        self.widget.add_class("zerotsuku-lab")

        for name, control in c.items():
            control.add_class(f"zerotsuku-lab-{name}")  # for scripts and style sheets
            control.observe(self._on_control, names="value")
        self.train_button.on_click(lambda _: self.train())
        self.keep_runs.observe(self._on_keep_runs, names="value")
        self.log_scale.observe(lambda _: self._redraw(), names="value")
        self.train()

    # ----------------------------------------------------------------- public

    @property
    def settings(self):
        """The current control values as a settings dict (batch clamped to the data)."""
        return _check_settings({name: w.value for name, w in self.controls.items()})

    def train(self):
        """Retrain with the current settings and redraw.

        Returns
        -------
        TrainingHistory or None
            The new history; None if the settings were refused (see :attr:`status`).
        """
        settings = self.settings
        reason = refusal(**settings)
        if reason is not None:
            self._set_status(reason, color="#C00000")
            return None
        estimate = estimate_seconds(**settings)
        if estimate > 2 * PROGRESS_AFTER:
            self._set_status(
                f"Training… (estimated at most about {_duration(estimate)})", color="#555555"
            )
        run = run_experiment(callback=self._progress(settings["iters_num"]), **settings)
        self.history, self.network, self._data = run.history, run.network, run.data
        kept = self.runs if self.keep_runs.value else []
        self.runs = [*kept, run.history][-MAX_KEPT_RUNS:]
        self._redraw()
        self._show_result()
        return run.history

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self):
        return (
            f"TrainingLab({describe(DEFAULTS if self.history is None else self.history.settings)})"
        )

    # ----------------------------------------------------------------- internals

    def _on_control(self, change):
        if self._holding:
            return
        if change["owner"] is self.controls["dataset"]:
            batch = self.controls["batch_size"]
            self._holding = True
            try:  # lowering max clamps the value, which must not retrain by itself
                batch.max = lab_data(change["new"]).train_size
            finally:
                self._holding = False
        self.train()

    def _on_keep_runs(self, change):
        if not change["new"] and len(self.runs) > 1:
            self.runs = self.runs[-1:]
            self._redraw()

    def _redraw(self):
        if self.history is None:
            return
        self.image.value = render_png(
            self.runs, self.network, self._data, log_scale=self.log_scale.value
        )

    def _progress(self, iters_num):
        start = time.perf_counter()
        shown = [-np.inf]

        def callback(iteration, loss):
            now = time.perf_counter()
            if now - start >= PROGRESS_AFTER and now - shown[0] >= 0.25:
                shown[0] = now
                self._set_status(
                    f"Training… iteration {iteration:,} of {iters_num:,}, "
                    f"loss {loss:.4f}, {now - start:.1f} s so far",
                    color="#555555",
                )

        return callback

    def _show_result(self):
        h = self.history
        lines = [html.escape(summary(h))]
        color = None
        if h.diverged:
            color = "#C00000"
            lines.insert(
                0,
                f"Diverged at iteration {len(h.train_loss):,}: the loss became NaN or "
                "infinite; the plot shows the curve up to there. Try a smaller learning rate.",
            )
        else:
            guess = np.log(h.settings["output_size"])  # the loss of a uniform guess
            tail = h.train_loss[-max(len(h.train_loss) // 10, 1) :]
            if tail.mean() > 1.5 * guess:
                lines.append(
                    f"The loss ends far above ln {h.settings['output_size']} = {guess:.3f}, "
                    "the loss of guessing all classes equally: the net is confidently wrong. "
                    "The learning rate (or the init weight std) may be too large."
                )
        if h.settings["dataset"] == "dummy":
            lines.append(html.escape(DUMMY_NOTE) + ".")
        self._set_status("<br>".join(lines), color=color, escape=False)

    def _set_status(self, text, color=None, escape=True):
        body = html.escape(text) if escape else text
        color_style = f"; color: {color}" if color else ""
        # The settings of the run in the picture, exact, for scripts (the browser test).
        shown = {} if self.history is None else self.history.settings
        data = html.escape(json.dumps(shown), quote=True)
        self.status.value = (
            f'<div data-settings="{data}" style="{STATUS_STYLE}{color_style}">{body}</div>'
        )


def _check_ranges(controls, start):
    """A start value that a widget would clamp is an error, not a silent change."""
    for name, control in controls.items():
        if name in _FLOATS:
            low, high = control.base**control.min, control.base**control.max
        elif hasattr(control, "max"):
            low, high = control.min, control.max
        else:
            continue
        if not low <= start[name] <= high:
            raise ValueError(
                f"{name}={start[name]!r} is outside the lab's range {low:g} to {high:g}"
            )


def _make_controls(s):
    style = {"description_width": "110px"}
    layout = widgets.Layout(width="auto")
    common = dict(continuous_update=False, style=style, layout=layout)
    options = [
        ("circles (2-D)", "circles"),
        ("moons (2-D)", "moons"),
        ("xor (2-D)", "xor"),
        ("gauss (2-D)", "gauss"),
        ("spiral (2-D)", "spiral"),
        ("dummy (random labels)", "dummy"),
        ("MNIST digits", "mnist"),
    ]
    return {
        "dataset": widgets.Dropdown(
            options=options, value=s["dataset"], description="data set", style=style, layout=layout
        ),
        "hidden_size": widgets.IntSlider(
            value=s["hidden_size"], min=1, max=100, description="hidden size", **common
        ),
        "learning_rate": widgets.FloatLogSlider(
            value=s["learning_rate"],
            base=10,
            min=-3,
            max=1,
            step=0.1,
            readout_format=".3g",
            description="learning rate",
            **common,
        ),
        "batch_size": widgets.IntSlider(
            value=s["batch_size"],
            min=1,
            max=lab_data(s["dataset"]).train_size,
            description="batch size",
            **common,
        ),
        "iters_num": widgets.IntSlider(
            value=s["iters_num"], min=10, max=5000, step=10, description="iterations", **common
        ),
        "weight_init_std": widgets.FloatLogSlider(
            value=s["weight_init_std"],
            base=10,
            min=-3,
            max=1,
            step=0.1,
            readout_format=".3g",
            description="init weight std",
            **common,
        ),
        "gradient": widgets.Dropdown(
            options=[(label, value) for value, label in GRADIENT_NAMES.items()],
            value=s["gradient"],
            description="gradient",
            style=style,
            layout=layout,
        ),
        "seed": widgets.BoundedIntText(
            value=s["seed"], min=0, max=2**31 - 1, description="seed", **common
        ),
    }
