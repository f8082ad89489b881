"""Figures for the notebooks and the training lab, one module per topic (numbers: notebooks).

- ``style``: the shared look (:data:`PALETTE`, :data:`STYLE`, :data:`FIGSIZE`,
  :func:`styled`), used by every notebook;
- ``functions``: :func:`plot_functions`, curves of functions of one variable (01, 04);
- ``curves``: :func:`smooth` and :func:`plot_loss`, the training curves (08, 09, 10);
- ``boundaries``: :func:`plot_decision_boundary` of a 2-D classifier (08, 09, the lab), and
  its grid and shading for the lab's live figure;
- ``fields``: :func:`plot_gradient_field`, arrows of the gradient and descent paths (05);
- ``digits``: :func:`plot_digits`, MNIST images with labels and predictions (00, 02, 08).

Every ``plot_*`` function returns a matplotlib :class:`~matplotlib.figure.Figure`. Without
``ax`` it creates a new figure with pyplot, so a notebook shows it by itself; with ``ax`` it
draws into that axes and returns the figure the axes belongs to. Nothing here calls
``plt.show()`` or changes the global ``rcParams``: the readable defaults in :data:`STYLE`
are applied only while a function draws.

In a notebook, assign the figure (``fig = plot_loss(h)``) or end the cell with
``plt.show()``: a pyplot figure that is also the cell's value is shown twice, and a trailing
``;`` does not help under nbval, which runs cells without IPython's output history.
"""

from .boundaries import plot_decision_boundary
from .curves import plot_loss, smooth
from .digits import plot_digits
from .fields import plot_gradient_field
from .functions import plot_functions
from .style import FIGSIZE, PALETTE, STYLE, styled

__all__ = [
    "PALETTE",
    "STYLE",
    "FIGSIZE",
    "styled",
    "plot_functions",
    "smooth",
    "plot_loss",
    "plot_decision_boundary",
    "plot_gradient_field",
    "plot_digits",
]
