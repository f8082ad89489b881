"""The training lab of notebook 09: move a slider, the two-layer net retrains and is redrawn.

:class:`TrainingLab` is a small ipywidgets app in the spirit of TensorFlow Playground, built on
our own numpy :class:`~zerotsuku.networks.TwoLayerNet` and :func:`~zerotsuku.training.train`.
The package is split by job:

- ``experiment``: the data sets, one run (:func:`run_experiment`), its summary; no widgets,
  so a notebook can print comparable numbers for fixed settings;
- ``figure``: the lab's figure and its PNG bytes;
- ``widgets``: :class:`TrainingLab`, the controls in front of both.
"""

from .experiment import (
    DATASETS,
    DEFAULTS,
    GRADIENT_NAMES,
    TIME_LIMIT,
    LabData,
    LabRun,
    LiveRun,
    full_settings,
    lab_data,
    refusal,
    run_code,
    run_experiment,
    summary,
)
from .figure import LiveFigure, draw_figure, render_png
from .widgets import TrainingLab

__all__ = [
    "DATASETS",
    "DEFAULTS",
    "GRADIENT_NAMES",
    "TIME_LIMIT",
    "LabData",
    "LabRun",
    "LiveFigure",
    "LiveRun",
    "TrainingLab",
    "draw_figure",
    "full_settings",
    "lab_data",
    "refusal",
    "render_png",
    "run_code",
    "run_experiment",
    "summary",
]
