"""Gradient fields and descent paths over a function of two variables (notebook 05)."""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from .style import _WARNING, PALETTE, _drawing, _finish, _float_values, _limits, _whole_in

__all__ = ["plot_gradient_field"]


def _evaluate_on_points(func, points, name, scalar):
    """``func`` at each point: one number each if ``scalar``, else an array of shape (2,)."""
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


def _arrows(grad, xlim, ylim, n):
    """(xx, yy, u, v, scale) of the quiver: -grad at the cell centres, the longest ~a cell."""
    cell_x, cell_y = (xlim[1] - xlim[0]) / n, (ylim[1] - ylim[0]) / n
    gx = xlim[0] + cell_x * (np.arange(n) + 0.5)
    gy = ylim[0] + cell_y * (np.arange(n) + 0.5)
    xx, yy = np.meshgrid(gx, gy)
    g = _evaluate_on_points(grad, np.column_stack([xx.ravel(), yy.ravel()]), "grad", scalar=False)
    u, v = -g[:, 0].reshape(xx.shape), -g[:, 1].reshape(xx.shape)
    longest = float(np.hypot(u, v).max())
    scale = longest / (0.9 * min(cell_x, cell_y)) if longest > 0 else 1.0
    return xx, yy, u, v, scale


def _contour_values(f, xlim, ylim):
    """(x, y, f) on an 81 x 81 grid over the region, for contour lines."""
    cxx, cyy = np.meshgrid(np.linspace(*xlim, 81), np.linspace(*ylim, 81))
    points = np.column_stack([cxx.ravel(), cyy.ravel()])
    return cxx, cyy, _evaluate_on_points(f, points, "f", scalar=True).reshape(cxx.shape)


def _draw_contours(ax, cxx, cyy, fz):
    """Up to 8 labelled contour lines (none for a constant f)."""
    steps = MaxNLocator(8).tick_values(fz.min(), fz.max())
    steps = steps[(steps > fz.min()) & (steps < fz.max())]
    if steps.size:
        shades = plt.get_cmap("viridis")(np.linspace(0.0, 0.75, steps.size))
        cs = ax.contour(cxx, cyy, fz, levels=steps, colors=shades, linewidths=1.3)
        ax.clabel(cs, fontsize=11, fmt="%.3g")


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

    Used by ``05_gradient_and_gradient_descent.ipynb``, sections "Drawing the gradient: a
    field of arrows", "Gradient descent by hand" and "The learning rate".

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
    xlim, ylim = _limits("xlim", xlim), _limits("ylim", ylim)
    n = _whole_in("n", n, 2, 60)
    if path is not None:
        path = _float_values("path", path)
        if path.ndim != 2 or path.shape[1] != 2 or path.shape[0] == 0:
            raise ValueError(f"path must have shape (k, 2) with k >= 1, got {path.shape}")

    xx, yy, u, v, scale = _arrows(grad, xlim, ylim, n)
    levels = _contour_values(f, xlim, ylim) if f is not None and contour else None
    with _drawing(ax, figsize=(6.5, 6.0)) as ax:
        if levels is not None:
            _draw_contours(ax, *levels)
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
        return _finish(ax, title, xlabel, ylabel, grid=False)


def _mark(ax, point, marker, size, color, label):
    ax.plot(
        *point,
        marker=marker,
        markersize=size,
        color=color,
        linestyle="none",
        markeredgecolor="black",
        label=label,
        zorder=5,
    )


def _draw_path(ax, path, xlim, ylim):
    """The descent path up to its first non-finite point; a note if it ends out of view."""
    finite = np.all(np.isfinite(path), axis=1)
    stop = path.shape[0] if finite.all() else int(np.argmin(finite))
    shown = path[:stop]
    if stop > 0:
        steps = f"path ({stop - 1} steps)"
        ax.plot(*shown.T, "o-", color=PALETTE[1], markersize=5, lw=1.8, label=steps, zorder=4)
        _mark(ax, shown[0], "s", 11, PALETTE[2], "start")
        _mark(ax, shown[-1], "*", 18, PALETTE[4], "end")
        ax.legend(loc="lower left", framealpha=0.9)
    note = None
    if stop < path.shape[0]:
        note = f"path became NaN/inf after {stop} points"
    elif not (xlim[0] <= shown[-1, 0] <= xlim[1] and ylim[0] <= shown[-1, 1] <= ylim[1]):
        note = f"path leaves the view; end = ({shown[-1, 0]:.3g}, {shown[-1, 1]:.3g})"
    if note:
        ax.text(0.02, 0.02, note, transform=ax.transAxes, fontsize=12, zorder=6, **_WARNING)
