"""The lab's widgets: sliders in front of :func:`~zerotsuku.lab.experiment.run_experiment`.

Every change of a control retrains synchronously inside the control's observer (no timers or
threads), then replaces the PNG bytes of one ``ipywidgets.Image``. Nothing is appended to an
Output widget (a burst of slider moves could leave two plots there) and no pyplot figure is
created, so a notebook never shows stray figures.

The plot's accuracy panel shows the training and the validation accuracy (検証データ: what a
setting is chosen by); the status line adds the test accuracy, labelled "test (final check)",
measured once at the end of each run.

A long run shows its progress (a bar and the status line, updated from ``train``'s
callback: the kernel sends widget updates while it is busy) and stops at
:data:`~zerotsuku.lab.experiment.TIME_LIMIT`, or earlier at the notebook's Interrupt (the ■
button, or Kernel → Interrupt Kernel), keeping the iterations done. A Stop button of the
lab's own cannot work: the kernel reads the browser's next widget message only after the
observer that is training returns, so a click would be handled after the run it was meant
to stop (tried in JupyterLab 4.6 with ipykernel 7: a click one second into a six-second
observer was handled after six seconds, with each value of JupyterLab's "comms over
subshells" setting). Reading it mid-run would take a second thread or an asyncio loop. The
Interrupt works because it is a signal, not a message: it raises KeyboardInterrupt inside
the running observer (tried the same way: the loop ended 0.1 s after the click).
"""

import html
import json
import time

import ipywidgets as widgets
import numpy as np

from .._checks import positive_number
from ..training import GRADIENTS
from .data import DATA_SIZES, DUMMY_NOTE, MAX_LABEL_NOISE, VALIDATION_SHARES, data_for
from .experiment import (
    ACTIVATION_NAMES,
    DEFAULTS,
    GRADIENT_NAMES,
    TIME_LIMIT,
    full_settings,
    refusal,
    run_experiment,
    summary,
)
from .figure import LiveFigure, describe, draw_figure, png_bytes
from .live import LiveRun
from .reproduce import run_code

__all__ = ["TrainingLab"]

MAX_KEPT_RUNS = 6
"""With "keep earlier runs", the newest run and at most this many minus one before it."""

PROGRESS_AFTER = 0.5
"""Seconds into a run after which the progress bar and status line show how far it is."""

PROGRESS_EVERY = 0.25
"""Seconds between two progress updates (each one is a message to the browser)."""

PLAY_INTERVAL = 50
"""Milliseconds between two ticks of the Play timer (a tick waits while the kernel is busy)."""

PER_FRAME = (1, 2, 5, 10, 20, 50, 100)
"""Choices of iterations trained between two redraws while playing; 5 by default."""

STEP_CHOICES = (("1 iteration", 1), ("10 iterations", 10), ("1 epoch", "epoch"))
"""What Step runs."""

STATUS_STYLE = "padding: 4px 10px; background: #eef3f8; border-radius: 4px; line-height: 1.5"
ERROR_COLOR = "#C00000"
BUSY_COLOR = "#555555"

SLIDER_RANGES = {
    "hidden_size": (1, 100, 1),
    "iters_num": (10, 5000, 10),
}
"""(min, max, step) of the integer sliders; the batch slider goes from 1 to the training size."""

DATA_SIZE_STEPS = {"mnist": 100}
"""Step of the data-size slider (10 for the 2-D problems and the dummy data); its range is
the data set's :data:`~zerotsuku.lab.data.DATA_SIZES`."""
LOG10_RANGE = (-3, 1, 0.1)
"""Exponents (min, max, step) of the learning-rate and init-std sliders: 0.001 to 10."""

DATASET_LABELS = {
    "circles": "circles (2-D)",
    "moons": "moons (2-D)",
    "xor": "xor (2-D)",
    "gauss": "gauss (2-D)",
    "spiral": "spiral (2-D)",
    "spiral3": "three-arm spiral (2-D, 3 classes)",
    "blobs3": "three blobs (2-D, 3 classes)",
    "dummy": "dummy (random labels)",
    "mnist": "MNIST digits",
}


class TrainingLab:
    """Sliders for the settings of a two-layer net, a live plot, and a summary line.

    Changing any control retrains from scratch with the current settings, in the
    control's own observer, and replaces the PNG in :attr:`image`. Sliders use
    ``continuous_update=False``: a drag retrains once, on release.

    Parameters
    ----------
    keep_runs : bool, default False
        Start with "keep earlier runs" switched on.
    log_scale : bool, default False
        Start with a logarithmic loss axis.
    time_limit : float, default TIME_LIMIT
        Seconds after which a run stops, keeping the iterations done.
    **defaults
        Start values of the controls, any of the keys of :data:`DEFAULTS`.

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
        One widget per setting, by the names of :data:`DEFAULTS`.
    train_button, keep_runs, log_scale : ipywidgets.Widget
        Retrain now; keep earlier runs in the plot; logarithmic loss axis.
    image : ipywidgets.Image
        The plot; its ``value`` is replaced with new PNG bytes after every run.
    progress : ipywidgets.IntProgress
        Iterations done, shown during a long run.
    status : ipywidgets.HTML
        The summary of the last run (training and validation accuracy, then the test
        accuracy as the final check), progress, or why a run was refused.
    time_limit : float
        Seconds after which a run stops.
    run : LabRun or None
        The newest run; ``history`` and ``network`` are its own, ``runs`` the kept
        histories (oldest first).
    widget : ipywidgets.VBox
        The whole lab; a notebook cell ending in ``lab`` displays it.

    Taught in ``10_interactive_training.ipynb``, section "1 · The lab".

    Examples
    --------
    >>> lab = TrainingLab(iters_num=200)
    >>> lab.controls["hidden_size"].value = 3  # retrains at once
    >>> lab.history.settings["hidden_size"], len(lab.history.train_loss)
    (3, 200)
    """

    def __init__(self, *, keep_runs=False, log_scale=False, time_limit=TIME_LIMIT, **defaults):
        start = full_settings(**defaults)
        self.time_limit = positive_number("time_limit", time_limit)
        self.controls = _make_controls(start)
        _check_ranges(self.controls, start)
        self.train_button = widgets.Button(
            description="Train", icon="play", button_style="primary", tooltip="retrain now"
        )
        self.keep_runs = _checkbox(keep_runs, "keep earlier runs")
        self.log_scale = _checkbox(log_scale, "log-scale loss")
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.image.add_class("zerotsuku-lab-plot")
        self.progress = widgets.IntProgress(
            min=0, max=1, layout=widgets.Layout(width="50%", display="none")
        )
        self.progress.add_class("zerotsuku-lab-progress")
        self.status = widgets.HTML(layout=widgets.Layout(min_height="2.4em", margin="6px 0"))
        self.status.add_class("zerotsuku-lab-status")
        self.play = widgets.Play(
            value=0,
            min=0,
            max=10**9,
            interval=PLAY_INTERVAL,
            show_repeat=False,
            description="play",
            tooltip="play / pause / stop (= pause)",
        )
        self.play.add_class("zerotsuku-lab-play")
        self.per_frame = widgets.Dropdown(
            options=PER_FRAME,
            value=5,
            description="per frame",
            style={"description_width": "70px"},
            layout=widgets.Layout(width="150px"),
        )
        self.step_size = widgets.Dropdown(
            options=STEP_CHOICES, value=1, layout=widgets.Layout(width="130px")
        )
        self.step_button = widgets.Button(description="Step", icon="step-forward")
        self.step_button.add_class("zerotsuku-lab-step")
        self.reset_button = widgets.Button(description="Reset", icon="undo")
        self.reset_button.add_class("zerotsuku-lab-reset")
        self.show_code = widgets.ToggleButton(
            value=False, description="show code", icon="code", tooltip="the code of this run"
        )
        self.show_code.add_class("zerotsuku-lab-show-code")
        self.code_view = widgets.HTML(layout=widgets.Layout(display="none"))
        self.code_view.add_class("zerotsuku-lab-code")
        self.counter = widgets.HTML()
        self.counter.add_class("zerotsuku-lab-counter")
        self.run = None
        self.live = None
        self.runs = []
        self._live_figure = None
        self._figure = None
        self._holding = False
        self.widget = self._layout()
        self._connect()
        self.train()

    # ----------------------------------------------------------------- public

    @property
    def settings(self):
        """The current control values as a settings dict (batch clamped to the data)."""
        return full_settings(**{name: w.value for name, w in self.controls.items()})

    @property
    def history(self):
        """The TrainingHistory of the newest run (None before the first)."""
        return None if self.run is None else self.run.history

    @property
    def network(self):
        """The network of the newest run (None before the first)."""
        return None if self.run is None else self.run.network

    def train(self):
        """Retrain with the current settings and redraw.

        The run stops at :attr:`time_limit` seconds or at the notebook's Interrupt,
        keeping the iterations done; the status line says how far it got.

        Returns
        -------
        TrainingHistory or None
            The new history; None if the settings were refused (see :attr:`status`).
        """
        settings = self.settings
        reason = refusal(**settings)
        if reason is not None:
            self._set_status(reason, color=ERROR_COLOR)
            return None
        try:
            self.run = run_experiment(
                time_limit=self.time_limit,
                stop_on_interrupt=True,
                callback=self._progress(settings),
                **settings,
            )
        finally:
            self.progress.layout.display = "none"
        kept = self.runs if self.keep_runs.value else []
        self.runs = [*kept, self.run.history][-MAX_KEPT_RUNS:]
        self.live = None
        self._redraw()
        done = len(self.run.history.train_loss)
        self.counter.value = f"<b>iteration {done:,}</b> of {settings['iters_num']:,}"
        self._show_result()
        return self.run.history

    @property
    def code(self):
        """Python that reproduces the run in the picture, with the package's public API.

        Run with ``exec`` in a fresh namespace it leaves that run's TrainingHistory in
        ``history`` (same losses, same final loss). None before the first run.
        """
        if self.run is None:
            return None
        return run_code(self.history.settings, len(self.history.train_loss))

    def step(self, iterations=None):
        """Train ``iterations`` more (default: the Step choice) from where the picture is.

        After a finished run the steps continue it (a run of the same settings is replayed
        to there first); the result is bit for bit that of ``train()`` for all the
        iterations done. Returns the new TrainingHistory, or None if refused.
        """
        if iterations is None:
            iterations = self.step_size.value
        if self._continue_live() is None:
            return None
        if iterations == "epoch":
            iterations = self.live.iter_per_epoch
        self.live.advance(iterations, time_limit=self.time_limit)
        self._show_live(final=True)
        return self.history

    def reset(self):
        """Back to the start weights (iteration 0) of the current settings; pauses Play."""
        self.play.playing = False
        if self._start_live() is not None:
            self._show_live(final=True)

    def _continue_live(self):
        """The live run to go on with: the current one, or the shown run replayed."""
        if self.live is not None and self.live.settings == self.settings:
            return self.live
        done = 0
        if self.run is not None and self.history.settings.get("iters_num") is not None:
            same = all(self.history.settings.get(k) == v for k, v in self.settings.items())
            done = len(self.history.train_loss) if same else 0
        if self._start_live() is not None:
            self.live.advance(done)
        return self.live

    def _start_live(self):
        """A fresh live run of the current settings (None and a message if refused)."""
        settings = self.settings
        reason = refusal(**settings)
        if reason is not None:
            self.play.playing = False
            self.live = None
            self._set_status(reason, color=ERROR_COLOR)
            return None
        self.live = LiveRun(**settings)
        kept = self.runs if self.keep_runs.value else []
        self.runs = [*kept, self.live.history()][-MAX_KEPT_RUNS:]
        self._live_figure = None
        return self.live

    def _on_tick(self, change):
        """One frame of Play: a few iterations, then a cheap redraw."""
        if not self.play.playing:
            return
        if self.live is None or self.live.finished or self.live.settings != self.settings:
            if self._start_live() is None:
                return
        self.live.advance(self.per_frame.value, time_limit=self.time_limit)
        final = self.live.finished
        if final:
            self.play.playing = False
        self._show_live(final=final)

    def _on_show_code(self, change):
        self.code_view.layout.display = None if change["new"] else "none"
        self._update_code()

    def _update_code(self):
        if self.show_code.value and self.run is not None:
            self.code_view.value = f"<pre>{html.escape(self.code)}</pre>"

    def _on_pause(self, change):
        """Paused mid-run: the summary of where the run is (the picture is already there)."""
        if not change["new"] and self.live is not None and not self.live.finished:
            self._show_result()

    def _show_live(self, final):
        self.run = self.live.lab_run()
        self.runs = [*self.runs[:-1], self.run.history]
        self._redraw(preview=not final)
        done, target = self.live.done, self.live.settings["iters_num"]
        self.counter.value = f"<b>iteration {done:,}</b> of {target:,}"
        if final:
            self._show_result()

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self):
        return f"TrainingLab({describe(DEFAULTS if self.run is None else self.history.settings)})"

    # ----------------------------------------------------------------- internals

    def _layout(self):
        grid = widgets.GridBox(
            list(self.controls.values()),
            layout=widgets.Layout(
                grid_template_columns="repeat(3, minmax(250px, 1fr))", grid_gap="2px 16px"
            ),
        )
        buttons = widgets.HBox(
            [self.train_button, self.keep_runs, self.log_scale, self.show_code],
            layout=widgets.Layout(margin="4px 0 0 0", align_items="center"),
        )
        player = widgets.HBox(
            [
                self.play,
                self.per_frame,
                self.step_button,
                self.step_size,
                self.reset_button,
                self.counter,
            ],
            layout=widgets.Layout(margin="4px 0 0 0", align_items="center", grid_gap="8px"),
        )
        title = widgets.HTML(
            "<b>Training lab</b> — a two-layer net (numpy, sigmoid or ReLU hidden layer) retrains "
            "whenever you change a setting; ▶ trains it before your eyes"
        )
        parts = [title, grid, buttons, player, self.progress, self.status, self.image]
        parts.append(self.code_view)
        box = widgets.VBox(parts)
        box.add_class("zerotsuku-lab")
        return box

    def _connect(self):
        for name, control in self.controls.items():
            control.add_class(f"zerotsuku-lab-{name}")  # for scripts and style sheets
            control.observe(self._on_control, names="value")
        self.train_button.on_click(lambda _: self.train())
        self.keep_runs.observe(self._on_keep_runs, names="value")
        self.log_scale.observe(lambda _: self._redraw(), names="value")
        self.show_code.observe(self._on_show_code, names="value")
        self.play.observe(self._on_tick, names="value")
        self.play.observe(self._on_pause, names="playing")
        self.step_button.on_click(lambda _: self.step())
        self.reset_button.on_click(lambda _: self.reset())

    def _on_control(self, change):
        if self._holding:
            return
        owner = change["owner"]
        if owner in (self.controls[name] for name in ("dataset", "data_size", "validation_share")):
            self._holding = True
            try:  # a new range clamps a value, which must not retrain by itself
                if owner is self.controls["dataset"]:
                    _fit_data_size(self.controls["data_size"], change["new"])
                train_size = data_for({n: w.value for n, w in self.controls.items()}).train_size
                self.controls["batch_size"].max = train_size
            finally:
                self._holding = False
        if self.play.playing:
            self._start_live()  # restart from the new settings and play on
        else:
            self.train()

    def _on_keep_runs(self, change):
        if not change["new"] and len(self.runs) > 1:
            self.runs = self.runs[-1:]
            self._redraw()

    def _redraw(self, preview=False):
        """Replace the picture: cheaply from the kept LiveFigure while playing, else whole."""
        if self.run is None:
            return
        if preview:
            jpeg = self._preview_frame()
            if jpeg is not None:
                self._show_picture("jpeg", jpeg)
                return
        self._live_figure = None
        # Drawn into the previous picture's figure: its axes and ticks are kept (same pixels).
        self._figure = draw_figure(
            self.runs,
            self.run.network,
            self.run.data,
            log_scale=self.log_scale.value,
            into=self._figure,
        )
        self._show_picture("png", png_bytes(self._figure))

    def _show_picture(self, kind, data):
        with self.image.hold_sync():  # format and bytes in one message
            self.image.format = kind
            self.image.value = data

    def _preview_frame(self):
        """A frame of the LiveFigure (made anew when missing or out of its bounds)."""
        for fresh in (False, True):
            if fresh or self._live_figure is None:
                self._live_figure = LiveFigure(
                    self.runs, self.run.network, self.run.data, log_scale=self.log_scale.value
                )
            png = self._live_figure.frame(self.run.history, self.run.network)
            if png is not None:
                return png
        return None

    def _progress(self, settings):
        """A train() callback that shows how far the run is, from PROGRESS_AFTER on."""
        iters_num = settings["iters_num"]
        start = time.perf_counter()
        shown = [-np.inf]

        def callback(iteration, loss):
            now = time.perf_counter()
            if now - start < PROGRESS_AFTER or now - shown[0] < PROGRESS_EVERY:
                return
            shown[0] = now
            self.progress.max = iters_num
            self.progress.value = iteration
            self.progress.layout.display = None
            self._set_status(
                f"Training… iteration {iteration:,} of {iters_num:,}, loss {loss:.4f}, "
                f"{now - start:.1f} s so far. The lab stops a run at {self.time_limit:.3g} s; "
                "the notebook's Interrupt (■) stops it now.",
                color=BUSY_COLOR,
            )

        return callback

    def _show_result(self):
        run, h = self.run, self.run.history
        lines = [html.escape(summary(run))]
        color = None
        if h.diverged:
            color = ERROR_COLOR
            lines.insert(
                0,
                f"Diverged at iteration {len(h.train_loss):,}: the loss became NaN or "
                "infinite; the plot shows the curve up to there. Try a smaller learning rate.",
            )
        elif not run.stopped and _confidently_wrong(h):  # a stopped run may not have begun
            classes = h.settings["output_size"]
            lines.append(
                f"The loss ends far above ln {classes} = {np.log(classes):.3f}, "
                "the loss of guessing all classes equally: the net is confidently wrong. "
                "The learning rate (or the init weight std) may be too large."
            )
        if run.interrupted:
            lines.append("Interrupted: the plot shows the iterations done until then.")
        elif self.live is not None and not self.live.finished:
            lines.append(
                f"Paused at iteration {self.live.done:,}: ▶ plays on to "
                f"{self.live.settings['iters_num']:,}, Step goes on, Reset starts again."
            )
        elif run.stopped:
            lines.append(
                f"The lab stops every run at {run.time_limit:.3g} s. Fewer iterations, a "
                "smaller batch or hidden size, or a faster gradient would finish in time."
            )
        if h.settings["dataset"] == "dummy":
            lines.append(html.escape(DUMMY_NOTE) + ".")
        self._set_status("<br>".join(lines), color=color, escape=False)
        self._update_code()

    def _set_status(self, text, color=None, escape=True):
        body = html.escape(text) if escape else text
        color_style = f"; color: {color}" if color else ""
        # The settings of the run in the picture, exact, for scripts (the browser test).
        shown = {} if self.run is None else self.history.settings
        data = html.escape(json.dumps(shown), quote=True)
        self.status.value = (
            f'<div data-settings="{data}" style="{STATUS_STYLE}{color_style}">{body}</div>'
        )


def _confidently_wrong(history):
    """True if the last tenth of the losses lies far above the loss of a uniform guess."""
    guess = np.log(history.settings["output_size"])
    tail = history.train_loss[-max(len(history.train_loss) // 10, 1) :]
    return tail.mean() > 1.5 * guess


def _checkbox(value, description):
    box = widgets.Checkbox(value=bool(value), description=description, indent=False)
    box.layout = widgets.Layout(width="auto", margin="0 0 0 24px")
    return box


def _check_ranges(controls, start):
    """A start value that a widget would clamp is an error, not a silent change."""
    for name, control in controls.items():
        if isinstance(control, widgets.FloatLogSlider):
            low, high = control.base**control.min, control.base**control.max
        elif hasattr(control, "max"):
            low, high = control.min, control.max
        else:
            continue
        if not low <= start[name] <= high:
            raise ValueError(
                f"{name}={start[name]!r} is outside the lab's range {low:g} to {high:g}"
            )


def _fit_data_size(slider, dataset):
    """The data-size slider set to the range and the standard size of ``dataset``."""
    low, standard, high = DATA_SIZES[dataset]
    if low > slider.max:  # the new range lies above the old one: widen upwards first
        slider.max = high
    slider.min, slider.max = low, high
    slider.step = DATA_SIZE_STEPS.get(dataset, 10)
    slider.value = standard


def _make_controls(s):
    style = {"description_width": "110px"}
    layout = widgets.Layout(width="auto")
    common = dict(continuous_update=False, style=style, layout=layout)
    low, high, step = LOG10_RANGE
    log_slider = dict(base=10, min=low, max=high, step=step, readout_format=".3g", **common)

    def int_slider(name, description, **range_):
        return widgets.IntSlider(value=s[name], description=description, **range_, **common)

    def dropdown(name, description, labels):
        options = [(label, value) for value, label in labels.items()]
        return widgets.Dropdown(
            options=options, value=s[name], description=description, style=style, layout=layout
        )

    hidden, iters = SLIDER_RANGES["hidden_size"], SLIDER_RANGES["iters_num"]
    train_size = data_for(s).train_size
    low, _, high = DATA_SIZES[s["dataset"]]
    return {
        "dataset": dropdown("dataset", "data set", DATASET_LABELS),
        "data_size": int_slider(
            "data_size",
            "labelled data",
            min=low,
            max=high,
            step=DATA_SIZE_STEPS.get(s["dataset"], 10),
        ),
        "validation_share": widgets.FloatSlider(
            value=s["validation_share"],
            min=VALIDATION_SHARES[0],
            max=VALIDATION_SHARES[1],
            step=0.05,
            description="validation share",
            readout_format=".0%",
            **common,
        ),
        "hidden_size": int_slider(
            "hidden_size", "hidden size", min=hidden[0], max=hidden[1], step=hidden[2]
        ),
        "learning_rate": widgets.FloatLogSlider(
            value=s["learning_rate"], description="learning rate", **log_slider
        ),
        "batch_size": int_slider("batch_size", "batch size", min=1, max=train_size),
        "iters_num": int_slider(
            "iters_num", "iterations", min=iters[0], max=iters[1], step=iters[2]
        ),
        "weight_init_std": widgets.FloatLogSlider(
            value=s["weight_init_std"], description="init weight std", **log_slider
        ),
        "gradient": dropdown("gradient", "gradient", {g: GRADIENT_NAMES[g] for g in GRADIENTS}),
        "activation": dropdown("activation", "hidden activation", ACTIVATION_NAMES),
        "label_noise": widgets.FloatSlider(
            value=s["label_noise"],
            min=0.0,
            max=MAX_LABEL_NOISE,
            step=0.05,
            description="label noise",
            readout_format=".0%",
            **common,
        ),
        "seed": widgets.BoundedIntText(
            value=s["seed"], min=0, max=2**31 - 1, description="seed", **common
        ),
    }
