"""Curves of functions of one variable: notebooks 01 (activation functions) and 04 (tangents)."""

from collections.abc import Mapping

import numpy as np

from .style import _drawing, _finish, _finite_floats, _float_values, _limits

__all__ = ["plot_functions"]

LINESTYLES = ("-", "--", "-.", ":")
"""Line style of the 1st, 2nd, ... function, so curves differ in print as well as colour."""


def _curves(functions, x):
    """(label, y) of each function on ``x``; infinite y become NaN, a gap in the line."""
    curves = []
    for label, f in functions.items():
        y = _float_values(f"values of {label!r}", f(x.copy()) if callable(f) else f)
        if y.shape != x.shape:
            hint = " (it must work element-wise on an array)" if callable(f) else ""
            raise ValueError(
                f"function {label!r} gave shape {y.shape}, expected {x.shape} like x{hint}"
            )
        curves.append((str(label), np.where(np.isinf(y), np.nan, y)))
    return curves


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

    Used by ``01_activation_functions.ipynb``, section "The three side by side", and
    ``04_numerical_differentiation.ipynb``, section "Tangent lines".

    Parameters
    ----------
    functions : mapping of str to callable or array
        Legend label -> function applied element-wise to ``x`` (it must return an array of
        the same shape), or label -> precomputed y values of the same length as ``x``.
        NaN and infinite values are not drawn (they leave a gap).
    x : array_like, optional
        1-D array of at least two finite points. Default ``np.linspace(-5, 5, 501)``.
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
    x = np.linspace(-5.0, 5.0, 501) if x is None else _finite_floats("x", x)
    if x.ndim != 1 or x.size < 2:
        raise ValueError(f"x must be a 1-D array of at least 2 points, got shape {x.shape}")
    if ylim is not None:
        ylim = _limits("ylim", ylim)
    curves = _curves(functions, x)

    with _drawing(ax) as ax:
        ax.axhline(0.0, color="0.4", linewidth=0.8, zorder=1)
        ax.axvline(0.0, color="0.4", linewidth=0.8, zorder=1)
        for i, (label, y) in enumerate(curves):
            ax.plot(x, y, linestyle=LINESTYLES[i % len(LINESTYLES)], label=label, zorder=3)
        if ylim is not None:
            ax.set_ylim(ylim)
        ax.set_xlim(x.min(), x.max())
        ax.legend()
        if title is None:
            title = ", ".join(label for label, _ in curves)
        return _finish(ax, title, xlabel, ylabel)
