"""The series' look, shared by every figure: colours, font sizes, figure size, axes finishing.

The public names (:data:`PALETTE`, :data:`STYLE`, :data:`FIGSIZE`, :func:`styled`) are
re-exported by :mod:`zerotsuku.plotting`. The names starting with
an underscore serve the plotting modules beside this one: opening an axes, finishing it,
and the argument checks only figures need (axis limits, labels, opacities). Checks every
module needs come from :mod:`zerotsuku._checks`.
"""

from contextlib import contextmanager

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

from .._checks import finite_number, float_array, whole_number

__all__ = ["PALETTE", "STYLE", "FIGSIZE", "styled"]

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
"""Okabe-Ito colours: told apart with colour-vision deficiency and on a projector.

Used by every figure of the series, e.g. ``color=PALETTE[0]`` in the notebooks' own plots.
"""

WRONG_COLOR = "#C00000"
"""Colour of whatever went wrong: a wrong prediction, a diverged loss, a path out of view."""

MARKERS = ("o", "s", "^", "D", "v", "P", "X", "<", ">", "h")
"""Marker of each class in a scatter plot, so classes differ in shape as well as colour."""

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
"""rcParams used while drawing (font sizes in points, readable when projected).

Used by every notebook, whose first cell runs ``plt.rcParams.update(STYLE)``.
"""

FIGSIZE = (7.0, 4.5)
"""Size in inches of a single-panel figure."""

_WARNING = {
    "color": WRONG_COLOR,
    "bbox": {"boxstyle": "round", "facecolor": "white", "edgecolor": WRONG_COLOR},
}
"""Text keywords of a note that something went wrong (red text in a red-edged box)."""


@contextmanager
def styled():
    """Apply :data:`STYLE` while the block runs, then restore those keys only.

    Unlike ``matplotlib.rc_context`` it keeps other rcParams changed meanwhile: the first
    figure of a notebook session loads the inline backend, which switches interactive
    mode on; undoing that would stop every later figure from showing.

    Used by every ``plot_*`` function of :mod:`zerotsuku.plotting`.

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
def _closed_on_error(fig):
    """Close ``fig``, made by the caller, if drawing into it raises: errors leak no figures."""
    try:
        yield fig
    except BaseException:
        plt.close(fig)
        raise


@contextmanager
def _drawing(ax, figsize=FIGSIZE):
    """Apply STYLE and yield an axes: ``ax`` if given, else that of a new figure."""
    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    with styled():
        if ax is not None:
            yield ax
            return
        fig, new_ax = plt.subplots(figsize=figsize, layout="constrained")
        with _closed_on_error(fig):
            yield new_ax


def _finish(ax, title, xlabel, ylabel, *, grid=True):
    """Title and label the axes; fix tick sizes (and the grid) on the axes itself.

    Stored on the axes, the sizes hold for ticks made at draw time (after STYLE is left)
    and for axes the caller created without STYLE. Returns the top-level figure of ``ax``,
    also for an axes inside a SubFigure.
    """
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.tick_params(which="both", labelsize=STYLE["xtick.labelsize"])
    if grid:
        ax.grid(True, alpha=0.3, linewidth=0.8)
    fig = ax.figure
    while not isinstance(fig, Figure):
        fig = fig.figure
    return fig


def _class_colors(num_classes):
    """RGB colour of each class: PALETTE while it lasts, then the 20 colours of tab20."""
    if num_classes <= len(PALETTE):
        return [to_rgb(c) for c in PALETTE[:num_classes]]
    cmap = plt.get_cmap("tab20")
    return [cmap(i % 20)[:3] for i in range(num_classes)]


# --------------------------------------------------------------------------- argument checks


def _float_values(name, value):
    """:func:`~zerotsuku._checks.float_array` as float64, where NaN is allowed.

    NaN and inf mean something in a figure: a gap in a curve, a loss that diverged, a path
    that flew off. ``float_array`` raises ValueError only for NaN, after the kind of
    ``value`` was checked, so that error is the one let through here.
    """
    try:
        array = float_array(name, value)
    except ValueError:
        array = np.asarray(value)
    return array.astype(np.float64, copy=False)


def _finite_floats(name, value):
    """``float_array`` as float64, with inf refused as well as NaN."""
    array = float_array(name, value).astype(np.float64, copy=False)
    if np.isinf(array).any():
        raise ValueError(f"{name} contains inf (shape {array.shape})")
    return array


def _limits(name, value):
    """An axis range ``(low, high)`` of finite numbers with low < high."""
    try:
        low, high = value
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a pair of numbers (low, high), got {value!r}") from None
    low, high = finite_number(name, low), finite_number(name, high)
    if low >= high:
        raise ValueError(f"{name} must be finite with low < high, got ({low}, {high})")
    return low, high


def _opacity(name, value):
    """An alpha value: a number in [0, 1]."""
    number = finite_number(name, value)
    if not 0.0 <= number <= 1.0:
        raise ValueError(f"{name} must be a number in [0, 1], got {value!r}")
    return number


def _whole_in(name, value, low, high):
    """:func:`~zerotsuku._checks.whole_number` from ``low`` to ``high``."""
    number = whole_number(name, value, low)
    if number > high:
        raise ValueError(f"{name} must be a whole number <= {high}, got {value!r}")
    return number


def _labels(name, value, n):
    """Integer labels from ``n`` labels (n,) or from one-hot or score rows (n, C) (argmax)."""
    array = np.asarray(value)
    if array.ndim == 2 and array.shape[0] == n:
        return _finite_floats(name, array).argmax(axis=1)
    if array.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},) or ({n}, C), got {array.shape}")
    if array.dtype == bool or not np.issubdtype(array.dtype, np.number):
        raise TypeError(f"{name} must hold integer labels, got dtype {array.dtype}")
    if not np.issubdtype(array.dtype, np.integer):
        if not np.all(np.isfinite(array)) or np.any(array != np.round(array)):
            raise ValueError(f"{name} must hold whole-number labels, got non-integer values")
    return array.astype(np.int64)
