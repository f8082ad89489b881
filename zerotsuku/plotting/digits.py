"""MNIST digits in a grid, with their labels and predictions (notebooks 00, 02 and 08)."""

import math

import matplotlib.pyplot as plt
import numpy as np

from .._checks import whole_number
from .style import WRONG_COLOR, _closed_on_error, _finite_floats, _labels, styled

__all__ = ["plot_digits"]

SHAPES = ((784,), (28, 28), (1, 28, 28))
"""Shapes of one image; several come as (n, 784), (n, 28, 28) or (n, 1, 28, 28)."""


def _digit_images(images):
    """(n, 28, 28) float64 images from any of the accepted layouts."""
    arr = np.asarray(images)
    if arr.shape in SHAPES:
        arr = arr.reshape(1, 28, 28)
    elif (arr.ndim == 2 and arr.shape[1] == 784) or (arr.ndim == 4 and arr.shape[1:] == SHAPES[2]):
        arr = arr.reshape(-1, 28, 28)
    elif not (arr.ndim == 3 and arr.shape[1:] == (28, 28)):
        raise ValueError(
            f"images must have shape (n, 784), (n, 28, 28) or (n, 1, 28, 28), got {arr.shape}"
        )
    if arr.shape[0] == 0:
        raise ValueError("images is empty: nothing to show")
    return _finite_floats("images", arr)


def _title(ax, true, pred):
    """ "label → prediction" (red and bold when wrong), "label 3" or "pred 5"."""
    if true is not None and pred is not None:
        bad = true != pred
        ax.set_title(
            f"{true} → {pred}",
            fontsize=12,
            color=WRONG_COLOR if bad else "black",
            fontweight="bold" if bad else "normal",
        )
    elif true is not None:
        ax.set_title(f"label {true}", fontsize=12)
    elif pred is not None:
        ax.set_title(f"pred {pred}", fontsize=12)


def _heading(title, true, pred):
    """The figure title, with a key line that counts the wrong predictions, if any."""
    if true is None or pred is None:
        return title
    key = f"label → prediction (red: wrong, {int(np.sum(true != pred))} of {true.size})"
    return key if title is None else f"{title}\n{key}"


def plot_digits(images, labels=None, predictions=None, *, ncols=10, title=None):
    """Show digit images in a grid, titled with their label and/or prediction.

    Titles read "label 3" (labels only), "pred 5" (predictions only) or "3 → 5"
    (label → prediction, red and bold when they differ). Digits are drawn dark on
    light; uint8 images are scaled 0..255, floats 0..1 (or 0..255 if any value
    exceeds 1).

    Used by ``00_start_here.ipynb``, section "Environment check",
    ``02_forward_pass_and_softmax.ipynb``, section "MNIST: a batch of real digits", and
    ``09_training_on_mnist.ipynb``, section "The test data, once".

    Parameters
    ----------
    images : array_like
        Shape (n, 784), (n, 28, 28) or (n, 1, 28, 28), or one image (784,) / (28, 28).
    labels : array_like, optional
        Integer labels (n,) or one-hot rows (n, C).
    predictions : array_like, optional
        Predicted labels (n,) or class scores (n, C), e.g. ``net.predict(x)``.
    ncols : int
        Images per row, >= 1.
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
    ncols = whole_number("ncols", ncols, 1)
    true = None if labels is None else _labels("labels", labels, n)
    pred = None if predictions is None else _labels("predictions", predictions, n)
    vmax = 255.0 if (np.asarray(images).dtype == np.uint8 or arr.max() > 1) else 1.0
    vmin = min(0.0, float(arr.min()))

    heading = _heading(title, true, pred)
    cols = min(ncols, n)
    rows = math.ceil(n / cols)
    height = rows * (1.2 if true is None and pred is None else 1.45)
    if heading is not None:
        height += 0.4 * (1 + heading.count("\n"))
    with styled():
        fig, axes = plt.subplots(
            rows, cols, figsize=(max(1.25 * cols, 3.5), height), layout="constrained", squeeze=False
        )
        fig.get_layout_engine().set(h_pad=0.06, w_pad=0.04)
        with _closed_on_error(fig):
            for i, ax in enumerate(axes.flat):
                ax.set_axis_off()
                if i < n:
                    ax.imshow(arr[i], cmap="gray_r", vmin=vmin, vmax=vmax, interpolation="nearest")
                    _title(ax, None if true is None else true[i], None if pred is None else pred[i])
            if heading is not None:
                fig.suptitle(heading)
    return fig
