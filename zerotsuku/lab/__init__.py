"""The training lab of notebook 10: move a slider, the two-layer net retrains and is redrawn.

:class:`TrainingLab` is a small ipywidgets app in the spirit of TensorFlow Playground, built on
our own numpy :class:`~zerotsuku.networks.TwoLayerNet` and :func:`~zerotsuku.training.train`.
The package is split by job:

- ``data``: the data sets, split into training, validation and test data;
- ``experiment``: the settings, one run (:func:`run_experiment`), its summary; no widgets,
  so a notebook can print comparable numbers for fixed settings;
- ``live``: :class:`LiveRun`, the run that Play, Step and Reset advance in chunks;
- ``reproduce``: :func:`run_code`, the public-API code of a run;
- ``figure``: the lab's figure and its PNG bytes;
- ``widgets``: :class:`TrainingLab`, the controls in front of all of them.
"""

from .data import DATA_SIZES, DATASETS, VALIDATION_SHARES, LabData, lab_data
from .experiment import (
    DEFAULTS,
    GRADIENT_NAMES,
    TIME_LIMIT,
    LabRun,
    full_settings,
    refusal,
    run_experiment,
    summary,
)
from .figure import LiveFigure, draw_figure, render_png
from .live import LiveRun
from .reproduce import run_code
from .widgets import TrainingLab

__all__ = [
    "DATASETS",
    "DATA_SIZES",
    "DEFAULTS",
    "GRADIENT_NAMES",
    "TIME_LIMIT",
    "VALIDATION_SHARES",
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
