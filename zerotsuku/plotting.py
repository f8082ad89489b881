"""Figures for the notebooks and the interactive lab.

Every ``plot_*`` function returns a matplotlib :class:`~matplotlib.figure.Figure`. Without
``ax`` it creates a new figure with pyplot, so a notebook shows it by itself; with ``ax`` it
draws into that axes and returns the figure the axes belongs to. Nothing here calls
``plt.show()`` or changes the global ``rcParams``: the readable defaults in :data:`STYLE`
are applied only while a function draws.

In a notebook, assign the figure (``fig = plot_loss(h)``) or end the cell with
``plt.show()``: a pyplot figure that is also the cell's value is shown twice, and a trailing
``;`` does not help under nbval, which runs cells without IPython's output history. To
turn a figure into PNG bytes (the lab does this after every retrain) use
:func:`figure_to_png`, which also closes it.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from contextlib import contextmanager
from numbers import Integral, Real

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

# Okabe-Ito colours: distinguishable with colour-vision deficiency and on a projector.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
WRONG_COLOR = "#C00000"
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "<", ">", "h")

STYLE = {
    "font.size": 12,
    "axes.titlesize": 14,
    "axes.labelsize": 12,
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "legend.fontsize": 11,
    "figure.titlesize": 15,
    "figure.dpi": 100,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": cycler(color=PALETTE),
    "lines.linewidth": 2.0,
    "legend.framealpha": 0.9,
}
"""rcParams used while drawing (font sizes in points, readable when projected)."""

FIGSIZE = (7.0, 4.5)
"""Size in inches of a single-panel figure."""

ALPHA_RAW = 0.3
"""Opacity of the raw per-iteration loss, relative to the smoothed line."""


# --------------------------------------------------------------------------- helpers


@contextmanager
def styled():
    """Apply :data:`STYLE` while the block runs, then restore those keys only.

    Unlike ``matplotlib.rc_context`` it keeps other rcParams changed meanwhile: the first
    figure of a notebook session loads the inline backend, which switches interactive
    mode on; undoing that would stop every later figure from showing.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> with styled():
    ...     fig, ax = plt.subplots()
    >>> fig.dpi == STYLE["figure.dpi"]
    True
    """
    saved = {key: mpl.rcParams[key] for key in STYLE}
    mpl.rcParams.update(STYLE)
    try:
        yield
    finally:
        mpl.rcParams.update(saved)


@contextmanager
def _drawing(ax, figsize=FIGSIZE):
    """Apply STYLE, yield an axes (a new figure's unless ``ax`` is given).

    A figure created here is closed again if drawing raises, so errors leak no figures.
    """
    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    with styled():
        if ax is not None:
            yield ax
            return
        fig, new_ax = plt.subplots(figsize=figsize, layout="constrained")
        try:
            yield new_ax
        except BaseException:
            plt.close(fig)
            raise


def _root_figure(ax: Axes) -> Figure:
    fig = ax.figure
    while not isinstance(fig, Figure):  # an axes inside a SubFigure
        fig = fig.figure
    return fig


def _finish(ax: Axes, *, grid: bool = True) -> None:
    # Stored on the axes, so they hold for ticks made at draw time (after STYLE is left)
    # and for axes the caller created without STYLE.
    ax.tick_params(which="both", labelsize=STYLE["xtick.labelsize"])
    if grid:
        ax.grid(True, alpha=0.3, linewidth=0.8)


def _class_colors(num_classes: int) -> list:
    if num_classes <= len(PALETTE):
        return [to_rgb(c) for c in PALETTE[:num_classes]]
    cmap = plt.get_cmap("tab20")
    return [cmap(i % 20)[:3] for i in range(num_classes)]


def _as_float_array(values, name: str) -> np.ndarray:
    try:
        arr = np.asarray(values)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(f"{name} must be a numeric array, got {type(values).__name__}") from exc
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"{name} must be a numeric array, got dtype {arr.dtype}")
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must be real, got dtype {arr.dtype}")
    return arr.astype(np.float64)


def _check_int(value, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def _check_limits(lim, name: str) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in lim)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a pair of numbers (low, high), got {lim!r}") from exc
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo >= hi:
        raise ValueError(f"{name} must be finite with low < high, got ({lo}, {hi})")
    return lo, hi


def _labels_from(t, n: int, name: str) -> np.ndarray:
    """Integer labels from labels (n,) or one-hot / score rows (n, C)."""
    arr = np.asarray(t)
    if arr.ndim == 2 and arr.shape[0] == n:
        return arr.argmax(axis=1)
    if arr.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},) or ({n}, C), got {arr.shape}")
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"{name} must hold integer labels, got dtype {arr.dtype}")
    if not np.issubdtype(arr.dtype, np.integer):
        if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
            raise ValueError(f"{name} must hold whole-number labels, got non-integer values")
    return arr.astype(np.int64)


def new_figure(nrows=1, ncols=1, *, figsize=None):
    """Create a figure with :data:`STYLE` applied, to combine several plots.

    Parameters
    ----------
    nrows, ncols : int
        Grid of axes.
    figsize : (float, float), optional
        Size in inches. Default: 6.25 x 4.5 inches per axes.

    Returns
    -------
    fig : matplotlib.figure.Figure
    axes : matplotlib.axes.Axes or numpy.ndarray of Axes
        One Axes for a 1 x 1 grid, else an array as from ``plt.subplots``.

    Examples
    --------
    >>> import numpy as np
    >>> fig, (left, right) = new_figure(1, 2)
    >>> _ = plot_loss(np.linspace(2.0, 0.5, 100), ax=left, label="lr 0.1")
    >>> _ = plot_loss(np.linspace(2.0, 1.5, 100), ax=right, label="lr 0.01")
    >>> len(fig.axes)
    2
    """
    nrows, ncols = _check_int(nrows, "nrows", 1), _check_int(ncols, "ncols", 1)
    if figsize is None:
        figsize = (FIGSIZE[0] if ncols == 1 else 6.25 * ncols, FIGSIZE[1] * nrows)
    with styled():
        return plt.subplots(nrows, ncols, figsize=figsize, layout="constrained")


# --------------------------------------------------------------------------- functions


def plot_functions(
    functions,
    x=None,
    *,
    title=None,
    xlabel="x",
    ylabel="y",
    ylim=None,
    ax=None,
):
    """Plot one or more functions of one variable, e.g. activation functions.

    Parameters
    ----------
    functions : mapping of str to callable or array
        Legend label -> function applied element-wise to ``x`` (it must return an array of
        the same shape), or label -> precomputed y values of the same length as ``x``.
        Infinite values are not drawn (they leave a gap, like NaN).
    x : array_like, optional
        1-D array of at least two points. Default ``np.linspace(-5, 5, 501)``.
    title : str, optional
        Axes title. Default: the labels joined by commas.
    xlabel, ylabel : str
        Axis labels.
    ylim : (float, float), optional
        Limits of the y axis. Default: chosen from the data.
    ax : matplotlib.axes.Axes, optional
        Draw into this axes instead of a new figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> fig = plot_functions({"sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    ...                       "ReLU": lambda x: np.maximum(0, x)}, ylim=(-0.5, 2))
    >>> [text.get_text() for text in fig.axes[0].get_legend().get_texts()]
    ['sigmoid', 'ReLU']
    """
    if not isinstance(functions, Mapping):
        raise TypeError(
            "functions must be a dict of label -> callable or array, "
            f"got {type(functions).__name__}"
        )
    if len(functions) == 0:
        raise ValueError("functions is empty: give at least one label -> function")
    x = np.linspace(-5.0, 5.0, 501) if x is None else _as_float_array(x, "x")
    if x.ndim != 1 or x.size < 2:
        raise ValueError(f"x must be a 1-D array of at least 2 points, got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("x contains NaN or inf")
    if ylim is not None:
        ylim = _check_limits(ylim, "ylim")

    curves = []
    for label, f in functions.items():
        y = f(x.copy()) if callable(f) else f
        y = _as_float_array(y, f"values of {label!r}")
        if y.shape != x.shape:
            hint = " (it must work element-wise on an array)" if callable(f) else ""
            raise ValueError(
                f"function {label!r} gave shape {y.shape}, expected {x.shape} like x{hint}"
            )
        curves.append((str(label), np.where(np.isinf(y), np.nan, y)))

    linestyles = ("-", "--", "-.", ":")
    with _drawing(ax) as ax:
        ax.axhline(0.0, color="0.4", linewidth=0.8, zorder=1)
        ax.axvline(0.0, color="0.4", linewidth=0.8, zorder=1)
        for i, (label, y) in enumerate(curves):
            ax.plot(x, y, linestyle=linestyles[i % len(linestyles)], label=label, zorder=3)
        if ylim is not None:
            ax.set_ylim(ylim)
        ax.set_xlim(x.min(), x.max())
        ax.set_title(title if title is not None else ", ".join(lbl for lbl, _ in curves))
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.legend()
        _finish(ax)
    return _root_figure(ax)


# --------------------------------------------------------------------------- loss and accuracy


def smooth(values, window):
    """Centred moving average that ignores NaN and inf.

    ``out[i]`` is the mean of the finite values among ``values[i - (window - 1) // 2]`` to
    ``values[i + window // 2]`` (both included). Near the ends the window is cut short
    rather than padded, so the output has the same length as the input for any length
    >= 1. Non-finite values are skipped; where a window holds no finite value the
    output is NaN.

    Parameters
    ----------
    values : array_like
        1-D sequence of numbers, e.g. the loss of every iteration.
    window : int
        Number of neighbouring values averaged, >= 1. ``window=1`` returns the values
        (with non-finite ones as NaN).

    Returns
    -------
    numpy.ndarray
        float64 array with the shape of ``values``.

    Examples
    --------
    >>> smooth([1.0, 2.0, 3.0, 4.0], 3)
    array([1.5, 2. , 3. , 3.5])
    >>> smooth([1.0, float("nan"), 3.0], 3)
    array([1., 2., 3.])
    """
    window = _check_int(window, "window", 1)
    v = _as_float_array(values, "values")
    if v.ndim != 1:
        raise ValueError(f"values must be 1-D, got shape {v.shape}")
    if v.size == 0:
        raise ValueError("values is empty: nothing to smooth")
    finite = np.isfinite(v)
    sums = np.concatenate(([0.0], np.cumsum(np.where(finite, v, 0.0))))
    counts = np.concatenate(([0], np.cumsum(finite)))
    idx = np.arange(v.size)
    lo = np.clip(idx - (window - 1) // 2, 0, v.size)
    hi = np.clip(idx + window // 2 + 1, 0, v.size)
    count = counts[hi] - counts[lo]
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (sums[hi] - sums[lo]) / count
    out[count == 0] = np.nan
    return out


def _losses_of(history_or_losses):
    if hasattr(history_or_losses, "train_loss"):
        values, name = history_or_losses.train_loss, "history.train_loss"
        diverged = bool(getattr(history_or_losses, "diverged", False))
    else:
        values, name, diverged = history_or_losses, "losses", False
    try:
        losses = _as_float_array(values, name)
    except TypeError as exc:
        raise TypeError(
            "expected a TrainingHistory (anything with .train_loss) or a 1-D array of "
            f"losses, got {type(history_or_losses).__name__}"
        ) from exc
    if losses.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one loss per iteration), got shape {losses.shape}")
    if losses.size == 0:
        raise ValueError(f"{name} is empty: no iterations to plot")
    return losses, diverged


def plot_loss(
    history_or_losses,
    *,
    smooth_window=None,
    log_scale=False,
    label=None,
    ax=None,
    color=None,
    alpha=1.0,
    title="Training loss",
    ylabel="loss (cross-entropy)",
):
    """Plot the loss of every iteration (faint) and its moving average (bold).

    The x axis counts iterations completed (1, 2, ...). If the loss became NaN or
    infinite, or the history says ``diverged``, the curve stops at the last finite loss,
    which is marked and annotated "diverged (loss became NaN/inf)".

    Parameters
    ----------
    history_or_losses : TrainingHistory or array_like
        An object with a ``train_loss`` attribute (and optionally ``diverged``), or a
        1-D array with one loss per iteration.
    smooth_window : int, optional
        Window of the moving average (see :func:`smooth`). Default: 1/50 of the number
        of finite losses, at least 1. With a window of 1 only one line is drawn.
    log_scale : bool
        Use a logarithmic y axis.
    label : str, optional
        Legend label of the smoothed line, to tell several runs apart on one axes.
    ax : matplotlib.axes.Axes, optional
        Draw into this axes instead of a new figure (e.g. to overlay runs).
    color : color, optional
        Colour of both lines. Default: the axes' next colour.
    alpha : float
        Opacity of the smoothed line in [0, 1]; the raw line is fainter still.
    title, ylabel : str
        Axes title and y-axis label.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> losses = 2.3 * np.exp(-np.arange(1000) / 300) + 0.1
    >>> fig = plot_loss(losses, smooth_window=20)
    >>> len(fig.axes[0].get_lines())
    2
    """
    losses, diverged = _losses_of(history_or_losses)
    if not 0.0 <= float(alpha) <= 1.0:
        raise ValueError(f"alpha must be in [0, 1], got {alpha}")
    finite = np.isfinite(losses)
    stop = losses.size if finite.all() else int(np.argmin(finite))
    diverged = diverged or stop < losses.size
    kept = losses[:stop]
    if smooth_window is None:
        window = max(1, stop // 50)
    else:
        window = _check_int(smooth_window, "smooth_window", 1)
    iters = np.arange(1, stop + 1)

    with _drawing(ax) as ax:
        if stop > 0:
            if window > 1:
                name = label if label is not None else f"moving average ({window} iterations)"
                (line,) = ax.plot(
                    iters,
                    smooth(kept, window),
                    color=color,
                    alpha=alpha,
                    lw=2.5,
                    label=name,
                    zorder=3,
                )
                ax.plot(
                    iters,
                    kept,
                    color=line.get_color(),
                    alpha=ALPHA_RAW * alpha,
                    lw=1.0,
                    label="loss per iteration" if label is None else "_raw " + str(label),
                    zorder=2,
                )
            else:
                name = label if label is not None else "loss per iteration"
                ax.plot(iters, kept, color=color, alpha=alpha, lw=1.5, label=name, zorder=3)
        if diverged:
            _mark_divergence(ax, iters, kept)
        if log_scale:
            ax.set_yscale("log")
        ax.set_xlabel("iteration")
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        if ax.get_legend_handles_labels()[0]:
            # A divergence note sits top right, where the curve ends.
            crowded = any(text.get_text() == DIVERGED_TEXT for text in ax.texts)
            ax.legend(loc="upper left" if crowded else "upper right")
        _finish(ax)
    return _root_figure(ax)


DIVERGED_TEXT = "diverged (loss became NaN/inf)"


def _mark_divergence(ax: Axes, iters: np.ndarray, kept: np.ndarray) -> None:
    box = {"boxstyle": "round", "facecolor": "white", "edgecolor": WRONG_COLOR}
    if kept.size == 0:
        ax.text(
            0.5,
            0.5,
            DIVERGED_TEXT + "\nno finite loss to plot",
            transform=ax.transAxes,
            ha="center",
            va="center",
            color=WRONG_COLOR,
            fontsize=13,
            bbox=box,
        )
        return
    x_end, y_end = iters[-1], kept[-1]
    ax.plot(
        [x_end],
        [y_end],
        marker="X",
        markersize=13,
        color=WRONG_COLOR,
        zorder=5,
        linestyle="none",
        label="_last finite loss",
    )
    # Put the note on the side of the point where there is room (relative to all data
    # drawn so far, which includes earlier runs on the same axes).
    lim = ax.dataLim
    right = lim.width == 0 or (x_end - lim.x0) / lim.width > 0.5
    high = lim.height == 0 or (y_end - lim.y0) / lim.height > 0.5
    ax.annotate(
        DIVERGED_TEXT,
        xy=(x_end, y_end),
        xytext=(-20 if right else 20, -40 if high else 40),
        textcoords="offset points",
        ha="right" if right else "left",
        va="center",
        color=WRONG_COLOR,
        fontsize=12,
        bbox=box,
        arrowprops={"arrowstyle": "->", "color": WRONG_COLOR},
        zorder=6,
    )


def _accuracy_arrays(history):
    for attr in ("train_acc", "test_acc"):
        if not hasattr(history, attr):
            raise TypeError(
                f"history must have .train_acc and .test_acc (a TrainingHistory), "
                f"got {type(history).__name__} without .{attr}"
            )
    train = _as_float_array(history.train_acc, "history.train_acc")
    test = _as_float_array(history.test_acc, "history.test_acc")
    if train.ndim != 1:
        raise ValueError(f"history.train_acc must be 1-D, got shape {train.shape}")
    if test.size and test.shape != train.shape:
        raise ValueError(
            f"history.test_acc must be empty or match train_acc {train.shape}, got {test.shape}"
        )
    for name, arr in (("train_acc", train), ("test_acc", test)):
        if arr.size and not (np.all(np.isfinite(arr)) and arr.min() >= 0 and arr.max() <= 1):
            raise ValueError(f"history.{name} must hold accuracies in [0, 1]")

    acc_iters = getattr(history, "acc_iters", None)
    per_epoch = getattr(history, "iter_per_epoch", None)
    if acc_iters is not None and per_epoch is not None:
        acc_iters = _as_float_array(acc_iters, "history.acc_iters")
        if acc_iters.shape != train.shape:
            raise ValueError(
                f"history.acc_iters must match train_acc {train.shape}, got {acc_iters.shape}"
            )
        if not isinstance(per_epoch, Real) or not per_epoch > 0:
            raise ValueError(f"history.iter_per_epoch must be > 0, got {per_epoch!r}")
        epochs = acc_iters / float(per_epoch)
    else:
        epochs = np.arange(1, train.size + 1, dtype=np.float64)
    return epochs, train, test


def plot_accuracy(
    history,
    *,
    ax=None,
    label=None,
    alpha=1.0,
    color=None,
    title="Accuracy per epoch",
):
    """Plot train accuracy (solid) and test accuracy (dashed) per epoch.

    The x position of each record is ``history.acc_iters / history.iter_per_epoch``; a
    history without those attributes is plotted against the record number 1, 2, ...

    Parameters
    ----------
    history : TrainingHistory
        Anything with ``train_acc`` and ``test_acc`` (1-D arrays of accuracies in [0, 1];
        ``test_acc`` may be empty and is then skipped), optionally ``acc_iters`` and
        ``iter_per_epoch``. A history with no accuracy records gives a note in the axes.
    ax : matplotlib.axes.Axes, optional
        Draw into this axes instead of a new figure.
    label : str, optional
        Prefix of the legend entries ("<label> (train)"), to tell runs apart.
    alpha : float
        Opacity of the lines in [0, 1].
    color : color, optional
        Colour of both lines. Default: the axes' next colour.
    title : str
        Axes title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from types import SimpleNamespace
    >>> h = SimpleNamespace(train_acc=np.array([0.5, 0.8, 0.9]),
    ...                     test_acc=np.array([0.5, 0.75, 0.85]),
    ...                     acc_iters=np.array([40, 80, 120]), iter_per_epoch=40)
    >>> fig = plot_accuracy(h)
    >>> fig.axes[0].get_lines()[0].get_xdata().tolist()
    [1.0, 2.0, 3.0]
    """
    epochs, train, test = _accuracy_arrays(history)
    if not 0.0 <= float(alpha) <= 1.0:
        raise ValueError(f"alpha must be in [0, 1], got {alpha}")
    prefix = "" if label is None else f"{label} "
    with _drawing(ax) as ax:
        if train.size == 0:
            ax.text(
                0.5,
                0.5,
                "no accuracy recorded yet\n(fewer iterations than one epoch)",
                transform=ax.transAxes,
                ha="center",
                va="center",
                fontsize=12,
            )
        else:
            marker = "o" if train.size <= 30 else None
            (line,) = ax.plot(
                epochs,
                train,
                color=color,
                alpha=alpha,
                marker=marker,
                markersize=5,
                label=f"{prefix}(train)" if label is not None else "train",
            )
            if test.size:
                ax.plot(
                    epochs,
                    test,
                    color=line.get_color(),
                    alpha=alpha,
                    marker=marker,
                    markersize=5,
                    linestyle="--",
                    label=f"{prefix}(test)" if label is not None else "test",
                )
            ax.legend(loc="lower right")
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel("epoch")
        ax.set_ylabel("accuracy")
        ax.set_title(title)
        _finish(ax)
    return _root_figure(ax)


def plot_history(history, *, log_scale=False, title=None):
    """Loss per iteration (left) and accuracy per epoch (right) in one figure.

    Parameters
    ----------
    history : TrainingHistory
        Anything with ``train_loss``, ``train_acc`` and ``test_acc`` (see
        :func:`plot_loss` and :func:`plot_accuracy`).
    log_scale : bool
        Logarithmic loss axis.
    title : str, optional
        Title above both panels.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from types import SimpleNamespace
    >>> h = SimpleNamespace(train_loss=np.linspace(2.3, 0.3, 200), diverged=False,
    ...                     train_acc=np.array([0.6, 0.9]), test_acc=np.array([0.6, 0.85]),
    ...                     acc_iters=np.array([100, 200]), iter_per_epoch=100)
    >>> fig = plot_history(h, title="784-50-10, lr 0.1")
    >>> [ax.get_title() for ax in fig.axes]
    ['Training loss', 'Accuracy per epoch']
    """
    fig, (ax_loss, ax_acc) = new_figure(1, 2)
    with styled():
        try:
            plot_loss(history, log_scale=log_scale, ax=ax_loss)
            plot_accuracy(history, ax=ax_acc)
            if title is not None:
                fig.suptitle(title)
        except BaseException:
            plt.close(fig)
            raise
    return fig


# --------------------------------------------------------------------------- decision boundary


def _to_probabilities(scores: np.ndarray) -> np.ndarray:
    """Rows already forming probability vectors are kept; other scores go through softmax."""
    if scores.min() >= 0 and scores.max() <= 1 and np.allclose(scores.sum(axis=1), 1, atol=1e-6):
        return scores
    shifted = scores - scores.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


def plot_decision_boundary(
    predict,
    x,
    t,
    *,
    ax=None,
    resolution=200,
    title="Decision boundary",
    margin=0.5,
    class_names=None,
    xlabel="$x_1$",
    ylabel="$x_2$",
):
    """Shade the class a 2-D classifier predicts everywhere, with the data on top.

    ``predict`` is called once on a ``resolution`` x ``resolution`` grid spanning the data
    plus ``margin``. Each grid cell gets the colour of its argmax class; the shading is
    stronger where the classifier is more confident (its largest probability is higher).
    Scores whose rows are not already probabilities are turned into probabilities with
    softmax for that purpose. Black lines mark the boundaries between classes.

    Parameters
    ----------
    predict : callable
        Maps an (m, 2) float64 array to (m, C) class scores or probabilities, C >= 2;
        e.g. ``net.predict``.
    x : array_like, shape (n, 2)
        The data points.
    t : array_like, shape (n,) or (n, C)
        Integer labels in 0..C-1, or one-hot rows.
    ax : matplotlib.axes.Axes, optional
        Draw into this axes instead of a new figure.
    resolution : int
        Grid points per axis, 2..2000.
    title : str
        Axes title.
    margin : float
        Space added around the data on every side, in data units, >= 0.
    class_names : sequence of str, optional
        Legend names of the C classes. Default "class 0", "class 1", ...
    xlabel, ylabel : str
        Axis labels (the two input features).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[-1.0, 0.0], [1.0, 0.5], [0.5, -1.0]])
    >>> t = np.array([0, 1, 1])
    >>> def predict(p):  # class 1 right of x1 = 0
    ...     return np.stack([-p[:, 0], p[:, 0]], axis=1)
    >>> fig = plot_decision_boundary(predict, x, t, resolution=50)
    >>> fig.axes[0].get_xlabel()
    '$x_1$'
    """
    if not callable(predict):
        raise TypeError(f"predict must be callable, got {type(predict).__name__}")
    x = _as_float_array(x, "x")
    if x.ndim != 2 or x.shape[1] != 2 or x.shape[0] == 0:
        raise ValueError(f"x must have shape (n, 2) with n >= 1, got {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("x contains NaN or inf")
    labels = _labels_from(t, x.shape[0], "t")
    tarr = np.asarray(t)
    if tarr.ndim == 2 and not (np.all((tarr == 0) | (tarr == 1)) and np.all(tarr.sum(axis=1) == 1)):
        raise ValueError(
            "t with shape (n, C) must be one-hot (exactly one 1 per row); "
            "pass integer labels of shape (n,) otherwise"
        )
    resolution = _check_int(resolution, "resolution", 2)
    if resolution > 2000:
        raise ValueError(f"resolution must be <= 2000, got {resolution}")
    margin = float(margin)
    if not (math.isfinite(margin) and margin >= 0):
        raise ValueError(f"margin must be a finite number >= 0, got {margin}")

    lows, highs = x.min(axis=0) - margin, x.max(axis=0) + margin
    flat = highs - lows <= 0
    lows[flat], highs[flat] = lows[flat] - 0.5, highs[flat] + 0.5
    gx = np.linspace(lows[0], highs[0], resolution)
    gy = np.linspace(lows[1], highs[1], resolution)
    xx, yy = np.meshgrid(gx, gy)
    grid = np.column_stack([xx.ravel(), yy.ravel()])
    scores = np.asarray(predict(grid))
    if scores.ndim != 2 or scores.shape[0] != grid.shape[0] or scores.shape[1] < 2:
        raise ValueError(
            f"predict must return shape ({grid.shape[0]}, C) with C >= 2 for an input of "
            f"shape {grid.shape}, got {scores.shape}"
        )
    scores = _as_float_array(scores, "predict's output")
    if not np.all(np.isfinite(scores)):
        raise ValueError("predict returned NaN or inf on the grid")
    num_classes = scores.shape[1]
    if labels.min() < 0 or labels.max() >= num_classes:
        raise ValueError(
            f"t holds labels {labels.min()}..{labels.max()} but predict gives "
            f"{num_classes} classes (labels must be in 0..{num_classes - 1})"
        )
    if class_names is None:
        class_names = [f"class {k}" for k in range(num_classes)]
    elif len(class_names) != num_classes:
        raise ValueError(f"class_names has {len(class_names)} names for {num_classes} classes")

    probs = _to_probabilities(scores)
    region = probs.argmax(axis=1).reshape(resolution, resolution)
    confidence = probs.max(axis=1).reshape(resolution, resolution)
    certainty = (confidence - 1 / num_classes) / (1 - 1 / num_classes)
    colors = np.array(_class_colors(num_classes))
    rgba = np.empty((resolution, resolution, 4))
    rgba[..., :3] = colors[region]
    rgba[..., 3] = 0.12 + 0.38 * np.clip(certainty, 0, 1)
    dx, dy = gx[1] - gx[0], gy[1] - gy[0]

    with _drawing(ax, figsize=(6.5, 5.5)) as ax:
        ax.imshow(
            rgba,
            origin="lower",
            interpolation="nearest",
            aspect="auto",
            extent=(gx[0] - dx / 2, gx[-1] + dx / 2, gy[0] - dy / 2, gy[-1] + dy / 2),
        )
        for k in np.unique(region):
            if (region != k).any():
                inside = (region == k).astype(np.float64)
                ax.contour(xx, yy, inside, levels=[0.5], colors="black", linewidths=1.2)
        for k in range(num_classes):
            mask = labels == k
            if mask.any():
                ax.scatter(
                    x[mask, 0],
                    x[mask, 1],
                    s=42,
                    color=colors[k],
                    marker=MARKERS[k % len(MARKERS)],
                    edgecolors="white",
                    linewidths=0.9,
                    label=class_names[k],
                    zorder=3,
                )
        ax.set_xlim(gx[0], gx[-1])
        ax.set_ylim(gy[0], gy[-1])
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.legend(loc="upper right", title="data", markerscale=1.3)
        _finish(ax, grid=False)
    return _root_figure(ax)


# --------------------------------------------------------------------------- gradient field


def _evaluate_on_points(func, points: np.ndarray, name: str, scalar: bool) -> np.ndarray:
    out = []
    for p in points:
        value = np.asarray(func(p.copy()), dtype=np.float64)
        if scalar and value.size != 1:
            raise ValueError(f"{name} must return one number, got shape {value.shape}")
        if not scalar and value.shape != (2,):
            raise ValueError(
                f"{name} must return an array of shape (2,), got shape {value.shape} "
                f"at point {p.tolist()}"
            )
        if not np.all(np.isfinite(value)):
            raise ValueError(f"{name} returned NaN or inf at point {p.tolist()}")
        out.append(value.reshape(-1))
    return np.array(out)


def plot_gradient_field(
    grad,
    *,
    f=None,
    xlim=(-2.0, 2.0),
    ylim=(-2.0, 2.0),
    n=15,
    contour=True,
    path=None,
    ax=None,
    title=r"Arrows: $-\nabla f$ (descent direction)",
    xlabel="$x_0$",
    ylabel="$x_1$",
):
    """Draw the negative gradient of a function of two variables as a field of arrows.

    Arrows point along ``-grad`` (where gradient descent steps). They sit at the centres
    of an n x n grid of cells over the region, centred on their point, with lengths
    proportional to the gradient's size, scaled so the longest nearly fills a cell.

    Parameters
    ----------
    grad : callable
        ``grad(p)`` takes a float64 array ``p`` of shape (2,) (a fresh copy each call)
        and returns the gradient of f at ``p``, shape (2,). With the package's numerical
        gradient: ``lambda p: numerical_gradient(f, p)``.
    f : callable, optional
        ``f(p)`` -> float for ``p`` of shape (2,). If given and ``contour`` is true, its
        contour lines are drawn under the arrows.
    xlim, ylim : (float, float)
        Region shown and covered by the arrows.
    n : int
        Arrows per axis (n x n arrows), 2..60.
    contour : bool
        Draw contour lines of ``f`` (ignored when ``f`` is None).
    path : array_like, shape (k, 2), optional
        Points visited by gradient descent, drawn as connected dots with the start and
        the end marked. Points outside the region are drawn clipped, and a note gives the
        last point; non-finite points end the drawn path.
    ax : matplotlib.axes.Axes, optional
        Draw into this axes instead of a new figure.
    title, xlabel, ylabel : str
        Axes title and axis labels.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> f = lambda p: p[0] ** 2 + p[1] ** 2
    >>> fig = plot_gradient_field(lambda p: 2 * p, f=f, n=5)
    >>> quiver = fig.axes[0].collections[-1]
    >>> quiver.X[:2], quiver.U[:2]  # arrows at cell centres x0 = -1.6, -0.8 show -2 * x0
    (array([-1.6, -0.8]), array([3.2, 1.6]))
    """
    if not callable(grad):
        raise TypeError(f"grad must be callable (p -> gradient at p), got {type(grad).__name__}")
    if f is not None and not callable(f):
        raise TypeError(f"f must be callable or None, got {type(f).__name__}")
    xlim, ylim = _check_limits(xlim, "xlim"), _check_limits(ylim, "ylim")
    n = _check_int(n, "n", 2)
    if n > 60:
        raise ValueError(f"n must be <= 60 (n x n arrows), got {n}")
    if path is not None:
        path = _as_float_array(path, "path")
        if path.ndim != 2 or path.shape[1] != 2 or path.shape[0] == 0:
            raise ValueError(f"path must have shape (k, 2) with k >= 1, got {path.shape}")

    cell_x, cell_y = (xlim[1] - xlim[0]) / n, (ylim[1] - ylim[0]) / n
    gx = xlim[0] + cell_x * (np.arange(n) + 0.5)
    gy = ylim[0] + cell_y * (np.arange(n) + 0.5)
    xx, yy = np.meshgrid(gx, gy)
    points = np.column_stack([xx.ravel(), yy.ravel()])
    g = _evaluate_on_points(grad, points, "grad", scalar=False)
    u, v = -g[:, 0].reshape(xx.shape), -g[:, 1].reshape(xx.shape)
    longest = float(np.hypot(u, v).max())
    scale = longest / (0.9 * min(cell_x, cell_y)) if longest > 0 else 1.0

    levels = None
    if f is not None and contour:
        cx, cy = np.linspace(*xlim, 81), np.linspace(*ylim, 81)
        cxx, cyy = np.meshgrid(cx, cy)
        cpoints = np.column_stack([cxx.ravel(), cyy.ravel()])
        fz = _evaluate_on_points(f, cpoints, "f", scalar=True).reshape(cxx.shape)
        levels = (cxx, cyy, fz)

    with _drawing(ax, figsize=(6.5, 6.0)) as ax:
        if levels is not None:
            fz = levels[2]
            steps = MaxNLocator(8).tick_values(fz.min(), fz.max())
            steps = steps[(steps > fz.min()) & (steps < fz.max())]
            if steps.size:  # a constant f has no contour lines
                shades = plt.get_cmap("viridis")(np.linspace(0.0, 0.75, steps.size))
                cs = ax.contour(*levels, levels=steps, colors=shades, linewidths=1.3)
                ax.clabel(cs, fontsize=11, fmt="%.3g")
        ax.quiver(
            xx,
            yy,
            u,
            v,
            angles="xy",
            scale_units="xy",
            scale=scale,
            color="0.2",
            pivot="mid",
            width=0.005,
            zorder=3,
        )
        if path is not None:
            _draw_path(ax, path, xlim, ylim)
        ax.set_xlim(xlim)
        ax.set_ylim(ylim)
        ax.set_aspect("equal", adjustable="box")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        _finish(ax, grid=False)
    return _root_figure(ax)


def _draw_path(ax: Axes, path: np.ndarray, xlim, ylim) -> None:
    finite = np.all(np.isfinite(path), axis=1)
    stop = path.shape[0] if finite.all() else int(np.argmin(finite))
    shown = path[:stop]
    color = PALETTE[1]
    if stop > 0:
        ax.plot(
            shown[:, 0],
            shown[:, 1],
            "o-",
            color=color,
            markersize=5,
            lw=1.8,
            label=f"path ({stop - 1} steps)",
            zorder=4,
        )
        ax.plot(
            *shown[0],
            marker="s",
            markersize=11,
            color=PALETTE[2],
            linestyle="none",
            markeredgecolor="black",
            label="start",
            zorder=5,
        )
        ax.plot(
            *shown[-1],
            marker="*",
            markersize=18,
            color=PALETTE[4],
            linestyle="none",
            markeredgecolor="black",
            label="end",
            zorder=5,
        )
        ax.legend(loc="lower left", framealpha=0.9)
    end = shown[-1] if stop > 0 else None
    note = None
    if stop < path.shape[0]:
        note = f"path became NaN/inf after {stop} points"
    elif not (xlim[0] <= end[0] <= xlim[1] and ylim[0] <= end[1] <= ylim[1]):
        note = f"path leaves the view; end = ({end[0]:.3g}, {end[1]:.3g})"
    if note:
        ax.text(
            0.02,
            0.02,
            note,
            transform=ax.transAxes,
            color=WRONG_COLOR,
            fontsize=12,
            bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": WRONG_COLOR},
            zorder=6,
        )


# --------------------------------------------------------------------------- digits


def _digit_images(images) -> np.ndarray:
    arr = np.asarray(images)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"images must be a numeric array, got dtype {arr.dtype}")
    if arr.shape in ((784,), (28, 28), (1, 28, 28)):
        arr = arr.reshape(1, 28, 28)
    elif arr.ndim == 2 and arr.shape[1] == 784:
        arr = arr.reshape(-1, 28, 28)
    elif arr.ndim == 4 and arr.shape[1:] == (1, 28, 28):
        arr = arr.reshape(-1, 28, 28)
    elif not (arr.ndim == 3 and arr.shape[1:] == (28, 28)):
        raise ValueError(
            f"images must have shape (n, 784), (n, 28, 28) or (n, 1, 28, 28), got {arr.shape}"
        )
    if arr.shape[0] == 0:
        raise ValueError("images is empty: nothing to show")
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError("images contain NaN or inf")
    return arr


def plot_digits(images, labels=None, predictions=None, *, ncols=10, title=None):
    """Show digit images in a grid, titled with their label and/or prediction.

    Titles read "label 3" (labels only), "pred 5" (predictions only) or "3 → 5"
    (label → prediction, red and bold when they differ). Digits are drawn dark on
    light; uint8 images are scaled 0..255, floats 0..1 (or 0..255 if any value
    exceeds 1).

    Parameters
    ----------
    images : array_like
        Shape (n, 784), (n, 28, 28) or (n, 1, 28, 28), or one image (784,) / (28, 28).
    labels : array_like, optional
        Integer labels (n,) or one-hot rows (n, C).
    predictions : array_like, optional
        Predicted labels (n,) or class scores (n, C), e.g. ``net.predict(x)``.
    ncols : int
        Images per row.
    title : str, optional
        Figure title. With both labels and predictions a key line is added below it.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> images = np.zeros((3, 784), dtype=np.uint8)
    >>> fig = plot_digits(images, labels=[3, 1, 4], predictions=[3, 7, 4])
    >>> [ax.get_title() for ax in fig.axes[:3]]
    ['3 → 3', '1 → 7', '4 → 4']
    """
    arr = _digit_images(images)
    n = arr.shape[0]
    ncols = _check_int(ncols, "ncols", 1)
    true = None if labels is None else _labels_from(labels, n, "labels")
    pred = None if predictions is None else _labels_from(predictions, n, "predictions")
    vmax = 255.0 if (np.asarray(images).dtype == np.uint8 or arr.max() > 1) else 1.0
    vmin = min(0.0, float(arr.min()))

    heading = title
    if true is not None and pred is not None:
        wrong = int(np.sum(true != pred))
        key = f"label → prediction (red: wrong, {wrong} of {n})"
        heading = key if title is None else f"{title}\n{key}"
    cols = min(ncols, n)
    rows = math.ceil(n / cols)
    has_titles = true is not None or pred is not None
    height = rows * (1.45 if has_titles else 1.2)
    if heading is not None:
        height += 0.4 * (1 + heading.count("\n"))
    with styled():
        fig, axes = plt.subplots(
            rows,
            cols,
            figsize=(max(1.25 * cols, 3.5), height),
            layout="constrained",
            squeeze=False,
        )
        fig.get_layout_engine().set(h_pad=0.06, w_pad=0.04)
        try:
            for i, ax in enumerate(axes.flat):
                ax.set_axis_off()
                if i >= n:
                    continue
                ax.imshow(arr[i], cmap="gray_r", vmin=vmin, vmax=vmax, interpolation="nearest")
                if true is not None and pred is not None:
                    bad = true[i] != pred[i]
                    ax.set_title(
                        f"{true[i]} → {pred[i]}",
                        fontsize=12,
                        color=WRONG_COLOR if bad else "black",
                        fontweight="bold" if bad else "normal",
                    )
                elif true is not None:
                    ax.set_title(f"label {true[i]}", fontsize=12)
                elif pred is not None:
                    ax.set_title(f"pred {pred[i]}", fontsize=12)
            if heading is not None:
                fig.suptitle(heading)
        except BaseException:
            plt.close(fig)
            raise
    return fig


# --------------------------------------------------------------------------- output


def figure_to_png(fig, dpi=80):
    """Render a figure to PNG bytes and close it.

    Closing removes the figure from pyplot, so calling plot functions and this in a loop
    (as the interactive lab does) leaves no figures behind, and a notebook does not
    show the figure a second time.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to render (a top-level Figure, e.g. what a ``plot_*`` returns).
    dpi : float
        Pixels per inch; a 7 x 4.5 inch figure at 80 dpi is 560 x 360 pixels.

    Returns
    -------
    bytes
        The PNG file's contents.

    Examples
    --------
    >>> import numpy as np
    >>> png = figure_to_png(plot_loss(np.linspace(2.0, 0.5, 100)), dpi=50)
    >>> png[:4]
    b'\\x89PNG'
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    if isinstance(dpi, bool) or not isinstance(dpi, Real) or not 0 < dpi <= 1000:
        raise ValueError(f"dpi must be a number in (0, 1000], got {dpi!r}")
    buffer = io.BytesIO()
    try:
        with styled():
            fig.savefig(buffer, format="png", dpi=dpi)
    finally:
        plt.close(fig)
    return buffer.getvalue()


__all__ = [
    "STYLE",
    "styled",
    "new_figure",
    "PALETTE",
    "figure_to_png",
    "plot_accuracy",
    "plot_decision_boundary",
    "plot_digits",
    "plot_functions",
    "plot_gradient_field",
    "plot_history",
    "plot_loss",
    "smooth",
]
