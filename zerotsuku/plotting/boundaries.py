"""Decision boundaries of a 2-D classifier (notebooks 08 and 09, the lab)."""

import numpy as np

from .._checks import finite_number
from .style import MARKERS, _class_colors, _drawing, _finish, _finite_floats, _labels, _whole_in

__all__ = ["boundary_grid", "boundary_shading", "plot_decision_boundary"]


def _checked_labels(t, n):
    """Labels of the ``n`` points from integer labels (n,) or one-hot rows (n, C)."""
    labels = _labels("t", t, n)
    rows = np.asarray(t)
    if rows.ndim == 2 and not (np.all((rows == 0) | (rows == 1)) and np.all(rows.sum(axis=1) == 1)):
        raise ValueError(
            "t with shape (n, C) must be one-hot (exactly one 1 per row); "
            "pass integer labels of shape (n,) otherwise"
        )
    return labels


def _grid_axes(x, margin, resolution):
    """Grid coordinates along each axis, spanning the data plus ``margin``."""
    lows, highs = x.min(axis=0) - margin, x.max(axis=0) + margin
    flat = highs - lows <= 0
    lows[flat], highs[flat] = lows[flat] - 0.5, highs[flat] + 0.5
    return np.linspace(lows[0], highs[0], resolution), np.linspace(lows[1], highs[1], resolution)


def boundary_grid(x, margin=0.5, resolution=200):
    """The grid :func:`plot_decision_boundary` shades: its axes and its points, row by row.

    Parameters
    ----------
    x : array_like
        The (n, 2) data the grid spans, plus ``margin`` on every side.
    margin : float, default 0.5
    resolution : int, default 200
        Grid points per axis.

    Returns
    -------
    gx, gy : numpy.ndarray
        The ``resolution`` coordinates along each axis.
    points : numpy.ndarray
        Shape (resolution * resolution, 2): every grid point, ``gx`` varying fastest.

    Used by the lab of ``10_interactive_training.ipynb`` (its boundary while playing and its
    hidden-unit maps); :func:`plot_decision_boundary` shades the same grid.

    Examples
    --------
    >>> gx, gy, points = boundary_grid([[0.0, 0.0], [1.0, 2.0]], margin=0.0, resolution=3)
    >>> gy.tolist(), points.shape
    ([0.0, 1.0, 2.0], (9, 2))
    """
    x = _finite_floats("x", x)
    if x.ndim != 2 or x.shape[1] != 2 or x.shape[0] == 0:
        raise ValueError(f"x must have shape (n, 2) with n >= 1, got {x.shape}")
    margin = finite_number("margin", margin)
    if margin < 0:
        raise ValueError(f"margin must be a finite number >= 0, got {margin}")
    resolution = _whole_in("resolution", resolution, 2, 2000)
    gx, gy = _grid_axes(x.copy(), margin, resolution)
    xx, yy = np.meshgrid(gx, gy)
    return gx, gy, np.column_stack([xx.ravel(), yy.ravel()])


def _scores_on(predict, grid, labels):
    """``predict(grid)``, checked: (m, C) finite scores with C above every label."""
    scores = np.asarray(predict(grid))
    if scores.ndim != 2 or scores.shape[0] != grid.shape[0] or scores.shape[1] < 2:
        raise ValueError(
            f"predict must return shape ({grid.shape[0]}, C) with C >= 2 for an input of "
            f"shape {grid.shape}, got {scores.shape}"
        )
    try:
        scores = _finite_floats("predict's output", scores)
    except ValueError:
        raise ValueError("predict returned NaN or inf on the grid") from None
    num_classes = scores.shape[1]
    if labels.min() < 0 or labels.max() >= num_classes:
        raise ValueError(
            f"t holds labels {labels.min()}..{labels.max()} but predict gives "
            f"{num_classes} classes (labels must be in 0..{num_classes - 1})"
        )
    return scores


def _to_probabilities(scores):
    """Rows already forming probability vectors are kept; other scores go through softmax."""
    if scores.min() >= 0 and scores.max() <= 1 and np.allclose(scores.sum(axis=1), 1, atol=1e-6):
        return scores
    shifted = scores - scores.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


def _shading(probs, colors, resolution):
    """(region, rgba): the argmax class of each cell, and its colour, more opaque where sure."""
    num_classes = probs.shape[1]
    region = probs.argmax(axis=1).reshape(resolution, resolution)
    confidence = probs.max(axis=1).reshape(resolution, resolution)
    certainty = (confidence - 1 / num_classes) / (1 - 1 / num_classes)
    rgba = np.empty((resolution, resolution, 4))
    rgba[..., :3] = colors[region]
    rgba[..., 3] = 0.12 + 0.38 * np.clip(certainty, 0, 1)
    return region, rgba


def boundary_shading(scores, resolution):
    """The shading of :func:`plot_decision_boundary` from a classifier's scores on its grid.

    Parameters
    ----------
    scores : numpy.ndarray
        Shape (resolution * resolution, C), C >= 2: ``predict`` on the points of
        :func:`boundary_grid`. Rows that are probability vectors are taken as they are;
        other scores go through softmax.
    resolution : int

    Returns
    -------
    region : numpy.ndarray
        (resolution, resolution) int: the class with the highest score in each cell.
    rgba : numpy.ndarray
        (resolution, resolution, 4) float: that class's colour, more opaque where the
        classifier is sure.

    Used by the lab of ``10_interactive_training.ipynb`` (its boundary while playing);
    :func:`plot_decision_boundary` shades the same way.

    Examples
    --------
    >>> region, rgba = boundary_shading(np.array([[0.9, 0.1], [0.2, 0.8]] * 2), 2)
    >>> region.tolist(), rgba.shape
    ([[0, 1], [0, 1]], (2, 2, 4))
    """
    resolution = _whole_in("resolution", resolution, 2, 2000)
    scores = _finite_floats("scores", scores)
    if scores.ndim != 2 or scores.shape[1] < 2:
        raise ValueError(f"scores must have shape (m, C) with C >= 2, got {scores.shape}")
    if scores.shape[0] != resolution * resolution:
        raise ValueError(
            f"scores has {scores.shape[0]} rows, the grid {resolution} x {resolution} points"
        )
    colors = np.array(_class_colors(scores.shape[1]))
    return _shading(_to_probabilities(scores), colors, resolution)


def _draw_regions(ax, gx, gy, region, rgba):
    """The shaded regions, with a black line around each class's region."""
    dx, dy = gx[1] - gx[0], gy[1] - gy[0]
    ax.imshow(
        rgba,
        origin="lower",
        interpolation="nearest",
        aspect="auto",
        extent=(gx[0] - dx / 2, gx[-1] + dx / 2, gy[0] - dy / 2, gy[-1] + dy / 2),
    )
    xx, yy = np.meshgrid(gx, gy)
    for k in np.unique(region):
        if (region != k).any():
            inside = (region == k).astype(np.float64)
            ax.contour(xx, yy, inside, levels=[0.5], colors="black", linewidths=1.2)


def _draw_points(ax, x, labels, colors, class_names):
    """The data, one colour and marker per class."""
    for k, name in enumerate(class_names):
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
                label=name,
                zorder=3,
            )


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

    Used by ``08_minibatch_training.ipynb``, sections "Diagnosis: there is nothing to
    learn" and "The fix: data with something to learn", ``10_interactive_training.ipynb``,
    section "Experiment B · Hidden size and start weights on the spiral", and the training
    lab's figure.

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
    x = _finite_floats("x", x)
    if x.ndim != 2 or x.shape[1] != 2 or x.shape[0] == 0:
        raise ValueError(f"x must have shape (n, 2) with n >= 1, got {x.shape}")
    labels = _checked_labels(t, x.shape[0])
    resolution = _whole_in("resolution", resolution, 2, 2000)
    margin = finite_number("margin", margin)
    if margin < 0:
        raise ValueError(f"margin must be a finite number >= 0, got {margin}")
    if isinstance(class_names, str):
        raise TypeError(f"class_names must be a sequence of names, got the string {class_names!r}")

    gx, gy = _grid_axes(x, margin, resolution)
    xx, yy = np.meshgrid(gx, gy)
    scores = _scores_on(predict, np.column_stack([xx.ravel(), yy.ravel()]), labels)
    num_classes = scores.shape[1]
    if class_names is None:
        class_names = [f"class {k}" for k in range(num_classes)]
    elif len(class_names) != num_classes:
        raise ValueError(f"class_names has {len(class_names)} names for {num_classes} classes")
    colors = np.array(_class_colors(num_classes))
    region, rgba = _shading(_to_probabilities(scores), colors, resolution)

    with _drawing(ax, figsize=(6.5, 5.5)) as ax:
        _draw_regions(ax, gx, gy, region, rgba)
        _draw_points(ax, x, labels, colors, class_names)
        ax.set_xlim(gx[0], gx[-1])
        ax.set_ylim(gy[0], gy[-1])
        ax.legend(loc="upper right", title="data", markerscale=1.3)
        return _finish(ax, title, xlabel, ylabel, grid=False)
