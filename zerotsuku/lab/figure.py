"""The lab's figure: loss, accuracy and decision boundary of a run, and its PNG bytes.

The accuracy panels show the training and the validation data (検証データ), the ones settings
are chosen by; the test accuracy is not drawn (the status line reports it as the final check).

:func:`draw_figure` builds a bare :class:`~matplotlib.figure.Figure` on the Agg canvas, which
pyplot does not know, so a notebook never shows it by itself; :func:`png_bytes` is the one
path from a figure to PNG bytes. The same runs give the same bytes, which is what the browser
test checks the page against.
"""

import io

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..plotting import PALETTE, STYLE, plot_decision_boundary, plot_loss
from .experiment import DEFAULTS, GRADIENT_NAMES, stopped_early

__all__ = ["describe", "draw_figure", "png_bytes", "render_png"]

DPI = 80
"""Pixels per inch of the lab's PNG."""

LAB_FIGSIZE = (13.5, 4.4)
"""Three panels side by side (``zerotsuku.plotting.FIGSIZE`` is the size of one)."""

BOUNDARY_RESOLUTION = 100
"""Grid points per axis of the decision-boundary shading."""

EARLIER_COLORS = (PALETTE[1], PALETTE[2], PALETTE[3], PALETTE[4], PALETTE[7])
EARLIER_ALPHA = 0.55
"""Colours and opacity of kept earlier runs; the newest run is drawn in ``PALETTE[0]``."""

PNG_COMPRESSION = 3
"""zlib level of the PNG: faster than matplotlib's default and about the same size."""

_SHORT_NAMES = {
    "dataset": "data",
    "hidden_size": "hidden",
    "learning_rate": "lr",
    "batch_size": "batch",
    "iters_num": "iters",
    "weight_init_std": "init std",
    "gradient": "gradient",
    "seed": "seed",
}


def describe(settings, keys=None):
    """Short text of ``settings`` (only ``keys`` if given), e.g. ``"hidden 10 · lr 1"``.

    Used by :func:`draw_figure` for its title and legend.

    Examples
    --------
    >>> describe({"hidden_size": 10, "learning_rate": 1.0}, ["hidden_size", "learning_rate"])
    'hidden 10 · lr 1'
    """
    parts = []
    for key in keys if keys is not None else DEFAULTS:
        value = settings[key]
        if key == "gradient":
            parts.append(GRADIENT_NAMES.get(value, str(value)))
        elif key == "dataset" and keys is None:
            parts.append(str(value))
        elif isinstance(value, float):
            parts.append(f"{_SHORT_NAMES[key]} {value:.3g}")
        else:
            parts.append(f"{_SHORT_NAMES[key]} {value}")
    return " · ".join(parts)


def _run_labels(histories):
    """Legend labels naming what differs between the runs."""
    keys = [k for k in DEFAULTS if len({repr(h.settings.get(k)) for h in histories}) > 1]
    if not keys:
        return [f"run {i + 1}" for i in range(len(histories))]
    return [describe(h.settings, keys) for h in histories]


def _title(history):
    title = describe(history.settings)
    if stopped_early(history):
        title += f" · stopped at iteration {len(history.train_loss):,}"
    return title


def _draw_losses(ax_loss, ax_acc, histories, log_scale):
    """Every run's loss curve; the accuracy of the earlier runs, faint and dashed."""
    labels = _run_labels(histories) if len(histories) > 1 else [None]
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


def _draw_accuracy(ax, history, faint_runs):
    """Training (solid) and validation (dashed) accuracy of the newest run, per epoch."""
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy")
    ax.grid(True, alpha=0.3)
    ax.set_title(
        "Accuracy (faint: earlier runs' validation)" if faint_runs else "Accuracy per epoch"
    )
    if not len(history.train_acc):
        ax.text(0.5, 0.5, "no accuracy yet", transform=ax.transAxes, ha="center", va="center")
        return
    style = {"color": PALETTE[0], "marker": "o" if len(history.train_acc) <= 30 else None}
    ax.plot(history.epochs, history.train_acc, label="train", **style)
    if len(history.test_acc):  # the held-out set of train(): here the validation data
        ax.plot(history.epochs, history.test_acc, ls="--", label="validation", **style)
    ax.legend(loc="lower right")


def _draw_per_digit(ax, network, data):
    guess = network.predict(data.x_val).argmax(axis=1)
    per_digit = [np.mean(guess[data.t_val == d] == d) for d in range(data.num_classes)]
    ax.bar(np.arange(data.num_classes), per_digit, color=PALETTE[0])
    ax.set_xticks(np.arange(data.num_classes))
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("digit")
    ax.set_ylabel("validation accuracy")
    ax.set_title("Validation accuracy per digit")
    ax.grid(True, axis="y", alpha=0.3)


def _draw_note(ax, text, title):
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, wrap=True)
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])


def _draw_model(ax, network, data):
    """The decision boundary (2-D data) or the validation accuracy per digit (MNIST)."""
    if not all(np.isfinite(p).all() for p in network.params.values()):
        _draw_note(ax, "no boundary:\nthe weights are no\nlonger finite", "Model")
    elif data.input_size == 2:
        plot_decision_boundary(
            network.predict,
            data.x_train,
            data.t_train,
            ax=ax,
            resolution=BOUNDARY_RESOLUTION,
            margin=0.3,
            title="Decision boundary (training data)",
        )
    else:
        _draw_per_digit(ax, network, data)


def draw_figure(histories, network, data, *, log_scale=False, dpi=DPI):
    """Loss, accuracy and decision boundary (or per-digit accuracy) of the newest run.

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
        Three axes: loss per iteration, training and validation accuracy per epoch,
        decision boundary (or validation accuracy per digit).

    Used by :class:`~zerotsuku.lab.TrainingLab` (through :func:`render_png`).
    """
    if not histories:
        raise ValueError("histories is empty: nothing to draw")
    current = histories[-1]
    with mpl.rc_context(STYLE):
        fig = Figure(figsize=LAB_FIGSIZE, dpi=dpi)
        FigureCanvasAgg(fig)
        # A fixed layout: constrained layout would double the drawing time.
        fig.subplots_adjust(left=0.055, right=0.99, bottom=0.13, top=0.86, wspace=0.22)
        ax_loss, ax_acc, ax_model = fig.subplots(1, 3, width_ratios=[1.35, 1.0, 0.95])
        _draw_losses(ax_loss, ax_acc, histories, log_scale)
        _draw_accuracy(ax_acc, current, faint_runs=len(histories) > 1)
        _draw_model(ax_model, network, data)
        fig.suptitle(_title(current), fontsize=13)
    return fig


def png_bytes(fig):
    """``fig`` rendered to PNG bytes: the lab's one way to a picture.

    Used by :func:`render_png`.
    """
    buffer = io.BytesIO()
    with mpl.rc_context(STYLE):
        fig.canvas.print_png(buffer, pil_kwargs={"compress_level": PNG_COMPRESSION})
    return buffer.getvalue()


def render_png(histories, network, data, *, log_scale=False, dpi=DPI):
    """:func:`draw_figure` as PNG bytes (the same runs give the same bytes).

    Returns
    -------
    bytes

    Used by :class:`~zerotsuku.lab.TrainingLab` and the browser test.

    Examples
    --------
    >>> from zerotsuku.lab import run_experiment
    >>> run = run_experiment(iters_num=20)
    >>> render_png([run.history], run.network, run.data)[:4]
    b'\\x89PNG'
    """
    return png_bytes(draw_figure(histories, network, data, log_scale=log_scale, dpi=dpi))
