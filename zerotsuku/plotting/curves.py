"""Training curves: loss per iteration and accuracy per epoch (notebooks 08 and 09, the lab)."""

import numpy as np

from .._checks import whole_number
from .style import (
    _WARNING,
    WRONG_COLOR,
    _drawing,
    _finish,
    _float_values,
    _opacity,
)

__all__ = ["smooth", "plot_loss"]

ALPHA_RAW = 0.3
"""Opacity of the raw per-iteration loss, relative to the smoothed line."""

DIVERGED_TEXT = "diverged (loss became NaN/inf)"
"""The note :func:`plot_loss` puts where the loss stopped being finite."""


def smooth(values, window):
    """Centred moving average that ignores NaN and inf.

    ``out[i]`` is the mean of the finite values among ``values[i - (window - 1) // 2]`` to
    ``values[i + window // 2]`` (both included). Near the ends the window is cut short
    rather than padded, so the output has the same length as the input for any length
    >= 1. Non-finite values are skipped; where a window holds no finite value the
    output is NaN.

    Used by ``08_minibatch_training.ipynb``, section "The fix: data with something to
    learn", and by :func:`plot_loss` for its bold line.

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
    window = whole_number("window", window, 1)
    v = _float_values("values", values)
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


# --------------------------------------------------------------------------- loss


def _losses_of(history_or_losses):
    """(losses, diverged) from a TrainingHistory or from an array of losses."""
    if hasattr(history_or_losses, "train_loss"):
        values, name = history_or_losses.train_loss, "history.train_loss"
        diverged = bool(getattr(history_or_losses, "diverged", False))
    else:
        values, name, diverged = history_or_losses, "losses", False
    try:
        losses = _float_values(name, values)
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

    Used by ``08_minibatch_training.ipynb``, section "A well-known experiment,
    reproduced", ``09_training_on_mnist.ipynb``, section "Choosing the learning rate on
    validation data", ``10_interactive_training.ipynb``, section "Experiment A · Learning rate:
    too small, about right, too large", and the training lab's figure.

    Parameters
    ----------
    history_or_losses : TrainingHistory or array_like
        An object with a ``train_loss`` attribute (and optionally ``diverged``), or a
        1-D array with one loss per iteration.
    smooth_window : int, optional
        Window of the moving average (see :func:`smooth`), >= 1. Default: 1/50 of the
        number of finite losses, at least 1. With a window of 1 only one line is drawn.
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
    alpha = _opacity("alpha", alpha)
    finite = np.isfinite(losses)
    stop = losses.size if finite.all() else int(np.argmin(finite))
    diverged = diverged or stop < losses.size
    kept = losses[:stop]
    if smooth_window is None:
        window = max(1, stop // 50)
    else:
        window = whole_number("smooth_window", smooth_window, 1)
    iters = np.arange(1, stop + 1)

    with _drawing(ax) as ax:
        if stop > 0 and window > 1:
            name = label if label is not None else f"moving average ({window} iterations)"
            line_style = {"alpha": alpha, "lw": 2.5, "label": name, "zorder": 3}
            (line,) = ax.plot(iters, smooth(kept, window), color=color, **line_style)
            raw = "loss per iteration" if label is None else "_raw " + str(label)
            raw_style = {"alpha": ALPHA_RAW * alpha, "lw": 1.0, "label": raw, "zorder": 2}
            ax.plot(iters, kept, color=line.get_color(), **raw_style)
        elif stop > 0:
            name = label if label is not None else "loss per iteration"
            ax.plot(iters, kept, color=color, alpha=alpha, lw=1.5, label=name, zorder=3)
        if diverged:
            _mark_divergence(ax, iters, kept)
        if log_scale:
            ax.set_yscale("log")
        if ax.get_legend_handles_labels()[0]:
            # A divergence note sits top right, where the curve ends.
            crowded = any(text.get_text() == DIVERGED_TEXT for text in ax.texts)
            ax.legend(loc="upper left" if crowded else "upper right")
        return _finish(ax, title, "iteration", ylabel)


def _mark_divergence(ax, iters, kept):
    """Mark the last finite loss and say the run diverged, on the side with room."""
    if kept.size == 0:
        ax.text(
            0.5,
            0.5,
            DIVERGED_TEXT + "\nno finite loss to plot",
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=13,
            **_WARNING,
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
    # Room is judged against all data drawn so far, earlier runs on the same axes included.
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
        fontsize=12,
        arrowprops={"arrowstyle": "->", "color": WRONG_COLOR},
        zorder=6,
        **_WARNING,
    )


# --------------------------------------------------------------------------- accuracy
