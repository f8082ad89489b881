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
from matplotlib.collections import PathCollection
from matplotlib.contour import ContourSet
from matplotlib.figure import Figure
from PIL import Image

from ..functions import sigmoid
from ..networks import ACTIVATIONS
from ..plotting import PALETTE, STYLE, plot_decision_boundary, plot_loss, smooth
from ..plotting.boundaries import boundary_grid, boundary_shading
from .experiment import DEFAULTS, GRADIENT_NAMES, stopped_early

__all__ = ["LiveFigure", "describe", "draw_figure", "png_bytes", "render_png"]

DPI = 80
"""Pixels per inch of the lab's PNG."""

LAB_FIGSIZE = (16.5, 4.4)
"""Four panels side by side (``zerotsuku.plotting.FIGSIZE`` is the size of one)."""

MAX_UNITS = 16
"""Hidden units drawn one by one (4 x 4); the panel's title counts the others."""

UNIT_RESOLUTION = 32
"""Grid points per axis of each hidden unit's map over the input plane."""

PREVIEW_UNIT_RESOLUTION = 20
"""The same while the lab plays."""

UNIT_CMAP = "RdBu_r"
"""Colours of the hidden-unit maps: blue low, white middle, red high."""

BOUNDARY_RESOLUTION = 100
"""Grid points per axis of the decision-boundary shading."""

MIN_AXIS = 100
"""Iterations the loss axis spans at least while playing (it doubles when the run passes it)."""

PREVIEW_RESOLUTION = 40
"""Grid points per axis of the shading while the lab plays (the pause redraws it finely)."""

BOUNDARY_MARGIN = 0.3
"""Space around the data in the boundary panel, in data units."""

EARLIER_COLORS = (PALETTE[1], PALETTE[2], PALETTE[3], PALETTE[4], PALETTE[7])
EARLIER_ALPHA = 0.55
"""Colours and opacity of kept earlier runs; the newest run is drawn in ``PALETTE[0]``."""

PNG_COMPRESSION = 3
"""zlib level of the PNG: faster than matplotlib's default and about the same size."""

FIXED_TITLES = {"axes.titley": 1.0}
"""Panel titles right above their axes, where matplotlib places them anyway: fixed, it does
not measure every tick label at each drawing to check (a few ms a panel). The ticks are
below and left of each panel, so nothing could push a title up; the pixels are the same."""

PREVIEW_QUALITY = 90
"""JPEG quality of the frames while playing (a pause redraws the figure whole, as PNG)."""

_SHORT_NAMES = {
    "dataset": "data",
    "data_size": "labelled",
    "validation_share": "val",
    "hidden_size": "hidden",
    "learning_rate": "lr",
    "batch_size": "batch",
    "iters_num": "iters",
    "weight_init_std": "init std",
    "gradient": "gradient",
    "seed": "seed",
    "activation": "activation",
    "label_noise": "label noise",
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
        elif key == "activation":
            parts.append({"relu": "ReLU"}.get(value, str(value)))
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
        elif last:
            ax_loss.set_title("Mini-batch loss (after each step)")
            ax_loss.set_xlabel("iteration")
            ax_loss.set_ylabel("loss")
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


def _per_digit(network, data):
    """Validation accuracy of each class."""
    guess = network.predict(data.x_val).argmax(axis=1)
    return [np.mean(guess[data.t_val == d] == d) for d in range(data.num_classes)]


def _draw_per_digit(ax, network, data):
    per_digit = _per_digit(network, data)
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


def _draw_model(ax, network, data, resolution=BOUNDARY_RESOLUTION):
    """The decision boundary (2-D data) or the validation accuracy per digit (MNIST)."""
    if not all(np.isfinite(p).all() for p in network.params.values()):
        _draw_note(ax, "no boundary:\nthe weights are no\nlonger finite", "Model")
    elif data.input_size == 2:
        plot_decision_boundary(
            network.predict,
            data.x_train,
            data.t_train,
            ax=ax,
            resolution=resolution,
            margin=BOUNDARY_MARGIN,
            title="Decision boundary (training data)",
        )
    else:
        _draw_per_digit(ax, network, data)


def unit_maps(network, data, resolution=UNIT_RESOLUTION):
    """What the first ``MAX_UNITS`` hidden units show: maps over the plane, or weights.

    For 2-D data, each unit's output (its activation of its weighted input) on a
    ``resolution`` x ``resolution`` grid over the data; for MNIST, each unit's 784
    incoming weights as a 28 x 28 image (rows bottom up, as the maps are drawn). Returns
    ``(maps, (low, high))``: an array of
    shape (units, rows, cols) and the colour range.

    Used by :func:`draw_hidden_units` and :class:`LiveFigure`.
    """
    W1, b1 = network.params["W1"][:, :MAX_UNITS], network.params["b1"][:MAX_UNITS]
    if data.input_size != 2:
        side = int(round(np.sqrt(data.input_size)))
        maps = W1.T.reshape(-1, side, side)[:, ::-1]  # upright when drawn with origin="lower"
        top = float(np.abs(maps).max()) or 1.0
        return maps, (-top, top)
    grid = boundary_grid(data.x_train, BOUNDARY_MARGIN, resolution)[2]
    activation = ACTIVATIONS[getattr(network, "activation", "sigmoid")][0]
    with np.errstate(over="ignore"):
        outputs = activation(grid @ W1 + b1)
    top = 1.0 if activation is sigmoid else float(outputs.max()) or 1.0  # ReLU: 0 up
    return outputs.T.reshape(-1, resolution, resolution), (0.0, top)


def unit_mosaic(maps):
    """The maps of ``unit_maps`` tiled four to a row, first row on top, NaN gaps between.

    Used by :func:`draw_hidden_units` and :class:`LiveFigure`: one image is far cheaper
    to draw than one axes per unit.
    """
    count, rows, cols = maps.shape
    gap = max(1, rows // 10)
    lines = -(-count // 4)
    mosaic = np.full((lines * (rows + gap) - gap, 4 * (cols + gap) - gap), np.nan)
    for k, values in enumerate(maps):
        line, column = divmod(k, 4)
        y, x = (lines - 1 - line) * (rows + gap), column * (cols + gap)  # origin="lower"
        mosaic[y : y + rows, x : x + cols] = values
    return mosaic


def draw_hidden_units(ax, network, data):
    """One small map per hidden unit (4 to a row, at most ``MAX_UNITS``) on ``ax``.

    Returns the mosaic's image (None if the weights are no longer finite).

    Used by :func:`draw_figure`.
    """
    hidden = network.params["W1"].shape[1]
    ax.set_axis_off()
    what = "output over the plane" if data.input_size == 2 else "weights in, 28 × 28"
    more = f"\nfirst {MAX_UNITS} of {hidden} shown" if hidden > MAX_UNITS else ""
    ax.set_title(f"Hidden units: {what}{more}", fontsize=11)
    if not all(np.isfinite(p).all() for p in network.params.values()):
        return None
    maps, (low, high) = unit_maps(network, data)
    cmap = mpl.colormaps[UNIT_CMAP].with_extremes(bad="white")
    return ax.imshow(
        unit_mosaic(maps),
        cmap=cmap,
        vmin=low,
        vmax=high,
        origin="lower",
        interpolation="nearest",
        aspect="auto",
    )


def _layout_key(histories, network, data, log_scale, dpi):
    """What a figure's axes keep between two drawings; a figure is reused only for the same."""
    finite = all(np.isfinite(p).all() for p in network.params.values())
    return (log_scale, dpi, data.input_size == 2, finite, any(len(h.train_loss) for h in histories))


def _emptied(fig):
    """``fig``'s four axes with every drawn thing removed, their ticks and texts kept.

    Creating the axes and their ticks anew is a good part of a drawing's time; their titles
    and labels are set again by the drawing, their limits found again from the new data.
    """
    for ax in fig.axes:
        for artist in [*ax.lines, *ax.collections, *ax.images, *ax.patches, *ax.texts]:
            artist.remove()
        if ax.get_legend() is not None:
            ax.get_legend().remove()
        ax.ignore_existing_data_limits = True
        ax.relim()
        ax.set_autoscale_on(True)
    return fig.axes


def draw_figure(
    histories, network, data, *, log_scale=False, dpi=DPI, resolution=BOUNDARY_RESOLUTION, into=None
):
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
    resolution : int
        Grid points per axis of the decision-boundary shading.
    into : matplotlib.figure.Figure, optional
        A figure this function drew before: drawn into again, its axes and their ticks
        kept, when it has the same layout (same log scale and dpi, the same kind of model
        panel), which saves much of the time; a new figure otherwise. The picture is the
        same as a new figure's, pixel for pixel.

    Returns
    -------
    matplotlib.figure.Figure
        Its first three axes: loss per iteration, training and validation accuracy per
        epoch, decision boundary (or validation accuracy per digit), and the hidden units:
        a mosaic of one small map per unit (at most :data:`MAX_UNITS`), its output over the
        input plane (2-D data) or its incoming weights as a 28 x 28 image (MNIST).

    Used by :class:`~zerotsuku.lab.TrainingLab` (through :func:`render_png`).
    """
    if not histories:
        raise ValueError("histories is empty: nothing to draw")
    current = histories[-1]
    key = _layout_key(histories, network, data, log_scale, dpi)
    with mpl.rc_context({**STYLE, **FIXED_TITLES}):
        if into is not None and getattr(into, "_lab_layout", None) == key:
            fig = into
            ax_loss, ax_acc, ax_model, ax_units = _emptied(fig)
        else:
            fig = Figure(figsize=LAB_FIGSIZE, dpi=dpi)
            FigureCanvasAgg(fig)
            # A fixed layout: constrained layout would double the drawing time.
            grid = fig.add_gridspec(
                1,
                4,
                width_ratios=[1.35, 1.0, 0.95, 0.8],
                left=0.045,
                right=0.995,
                bottom=0.13,
                top=0.86,
                wspace=0.22,
            )
            ax_loss, ax_acc, ax_model, ax_units = (fig.add_subplot(grid[0, i]) for i in range(4))
            fig._lab_layout = key
        _draw_losses(ax_loss, ax_acc, histories, log_scale)
        _draw_accuracy(ax_acc, current, faint_runs=len(histories) > 1)
        _draw_model(ax_model, network, data, resolution)
        draw_hidden_units(ax_units, network, data)
        fig.suptitle(_title(current), fontsize=13)
    return fig


def png_bytes(fig):
    """``fig`` rendered to PNG bytes: the lab's one way to a picture.

    Used by :func:`render_png`.
    """
    with mpl.rc_context(STYLE):
        fig.canvas.draw()
    return _encode(fig.canvas)


def _encode(canvas, preview=False):
    """The pixels ``canvas`` holds now as PNG bytes, or JPEG for a frame while playing."""
    buffer = io.BytesIO()
    pixels = np.asarray(canvas.buffer_rgba())
    if preview:  # JPEG: about a tenth of PNG's encoding time, and no smaller
        Image.fromarray(pixels[..., :3]).save(buffer, format="jpeg", quality=PREVIEW_QUALITY)
    else:
        Image.fromarray(pixels).save(buffer, format="png", compress_level=PNG_COMPRESSION)
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


class LiveFigure:
    """The lab's figure while it plays: drawn whole once, then only its moving parts.

    The axes, ticks, legends and earlier runs are drawn once and kept as a background
    image; each frame restores that image and draws on it the parts that move: the loss
    curve, the accuracy lines, the boundary shading (at :data:`PREVIEW_RESOLUTION`) with the
    points on top, or the per-digit bars, and the title with the iteration count. The axes
    limits stay fixed meanwhile (the loss axis is made with room to spare, the iteration
    axis twice as long as the run so far); a run past them, or weights no longer finite,
    make :meth:`frame` answer None, and the lab makes a new LiveFigure, or draws the frame
    whole.

    Parameters
    ----------
    histories, network, data, log_scale
        As for :func:`draw_figure`; ``histories[-1].settings["iters_num"]`` is the end
        of the loss axis.

    Used by :class:`~zerotsuku.lab.TrainingLab` while playing.
    """

    def __init__(self, histories, network, data, *, log_scale=False):
        current = histories[-1]
        self.data, self.log_scale = data, log_scale
        self.iters_num = max(current.settings["iters_num"], 1)
        # The iteration axis grows by doubling as the run goes (each time drawn anew).
        self.x_end = min(self.iters_num, max(MIN_AXIS, 2 * len(current.train_loss)))
        self.fig = draw_figure(
            histories, network, data, log_scale=log_scale, resolution=PREVIEW_RESOLUTION
        )
        self.ax_loss, self.ax_acc, self.ax_model = self.fig.axes[:3]
        self.moving = []
        self._loss_lines(current, network)
        self._accuracy_lines(current)
        self._model_parts()
        self.unit_image = self.fig.axes[3].images[0] if self.fig.axes[3].images else None
        self.moving += [self.unit_image] if self.unit_image is not None else []
        # Centred in the width right of the counter, which stands at the top left.
        self.fig.suptitle(describe(current.settings), fontsize=13, x=0.56)
        self.counter = self.fig.text(0.005, 0.97, "", ha="left", va="top", fontsize=12)
        self.moving.append(self.counter)
        for artist in self.moving:
            artist.set_animated(True)
        with mpl.rc_context(STYLE):
            self.fig.canvas.draw()
        self.background = self.fig.canvas.copy_from_bbox(self.fig.bbox)

    def _loss_lines(self, history, network):
        ax = self.ax_loss
        for line in [line for line in ax.lines if line.get_color() == PALETTE[0]]:
            line.remove()
        finite = history.train_loss[np.isfinite(history.train_loss)]
        start = network.loss(self.data.x_train, self.data.t_train)
        top = 1.25 * max(finite.max(initial=0.0), start, np.log(self.data.num_classes))
        self.loss_range = (1e-3 if self.log_scale else 0.0, top)
        ax.set_xlim(0, self.x_end)
        ax.set_ylim(*self.loss_range)
        self.raw_line = ax.plot([], [], color=PALETTE[0], lw=1.0, alpha=0.3, zorder=2)[0]
        self.smooth_line = ax.plot([], [], color=PALETTE[0], lw=2.5, zorder=3)[0]
        self.moving += [self.raw_line, self.smooth_line]

    def _accuracy_lines(self, history):
        ax = self.ax_acc
        for line in [line for line in ax.lines if line.get_color() == PALETTE[0]]:
            line.remove()
        for text in list(ax.texts):  # "no accuracy yet"
            text.remove()
        ax.set_xlim(0, self.x_end / history.iter_per_epoch)
        self.train_acc = ax.plot([], [], color=PALETTE[0], marker="o", ms=4)[0]
        self.val_acc = ax.plot([], [], color=PALETTE[0], ls="--", marker="o", ms=4)[0]
        self.moving += [self.train_acc, self.val_acc]

    def _model_parts(self):
        ax = self.ax_model
        if self.data.input_size == 2 and ax.images:
            self.shading = ax.images[0]
            for contour in [c for c in ax.collections if isinstance(c, ContourSet)]:
                contour.remove()  # the class borders: the shading shows them while playing
            points = [c for c in ax.collections if isinstance(c, PathCollection)]
            self.moving += [self.shading, *points, ax.get_legend()]
            self.grid = boundary_grid(self.data.x_train, BOUNDARY_MARGIN, PREVIEW_RESOLUTION)[2]
            self.bars = []
        else:
            self.shading = None
            self.bars = list(ax.patches)
            self.moving += self.bars

    def frame(self, history, network):
        """JPEG bytes of the figure for ``history`` and ``network``; None if out of bounds."""
        losses = history.train_loss
        if not all(np.isfinite(p).all() for p in network.params.values()):
            return None
        if len(losses) and not (
            self.loss_range[0] <= losses.min() and losses.max() <= self.loss_range[1]
        ):
            return None
        if len(losses) > self.x_end:
            return None
        iters = np.arange(1, len(losses) + 1)
        self.raw_line.set_data(iters, losses)
        self.smooth_line.set_data(iters, smooth(losses, max(1, len(losses) // 50)))
        self.train_acc.set_data(history.epochs, history.train_acc)
        self.val_acc.set_data(history.epochs, history.test_acc)
        if self.shading is not None:
            scores = network.predict(self.grid)
            self.shading.set_data(boundary_shading(scores, PREVIEW_RESOLUTION)[1])
        else:
            for bar, height in zip(self.bars, _per_digit(network, self.data), strict=True):
                bar.set_height(height)
        if self.unit_image is not None:
            maps, (low, high) = unit_maps(network, self.data, PREVIEW_UNIT_RESOLUTION)
            self.unit_image.set_data(unit_mosaic(maps))
            self.unit_image.set_clim(low, high)
        self.counter.set_text(f"iteration {len(losses):,} of {self.iters_num:,}")
        canvas = self.fig.canvas
        with mpl.rc_context(STYLE):
            canvas.restore_region(self.background)
            for artist in self.moving:
                self.fig.draw_artist(artist)
        return _encode(canvas, preview=True)
