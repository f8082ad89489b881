"""The lab's data: each data set split into training, validation and test data.

Three data sets per problem, as in notebook 09: training data (訓練データ) to learn from,
validation data (検証データ) whose accuracy is measured once per epoch and is what a setting is
chosen by, and test data (テストデータ), scored once at the end of a run as the final check,
never for choosing.

The learner has ``data_size`` labelled points (or digits) and holds out ``validation_share``
of them, stratified by :func:`~zerotsuku.datasets.split_validation`: a bigger validation share
measures more steadily and leaves fewer points to train on. Validation data cost training
data. The test data are a fixed set apart from them.
"""

import functools
from dataclasses import dataclass

import numpy as np

from .._checks import choice, finite_number, whole_number
from ..datasets import (
    TOY_CLASSES,
    TOY_DATASETS,
    dummy_dataset,
    flip_labels,
    load_mnist,
    split_validation,
    toy_dataset,
)

__all__ = [
    "DATASETS",
    "DATA_SIZES",
    "DUMMY_NOTE",
    "MAX_LABEL_NOISE",
    "TEST_SIZES",
    "VALIDATION_SHARES",
    "LabData",
    "check_data_settings",
    "data_for",
    "lab_data",
]

DATASETS = ("circles", "moons", "xor", "gauss", "spiral", "spiral3", "blobs3", "dummy", "mnist")
"""Data sets of the lab: five two-class and two three-class 2-D problems, the unlearnable
dummy data, MNIST digits."""

MAX_LABEL_NOISE = 0.5
"""The largest share of training labels the lab flips."""

DATA_SIZES = {
    **{name: (40, 250, 1000) for name in TOY_DATASETS},
    "dummy": (40, 125, 1000),
    "mnist": (500, 4000, 4000),
}
"""(smallest, standard, largest) number of labelled samples of each data set, before the
validation share is held out. The standard sizes leave 200 training points of a 2-D problem,
100 of the dummy data (as notebook 08) and notebook 09's 3,200 MNIST digits."""

VALIDATION_SHARES = (0.1, 0.5)
"""The smallest and the largest share of the labelled samples the lab holds out."""

DEFAULT_VALIDATION_SHARE = 0.2
"""The share held out unless chosen otherwise: a fifth, as in notebook 09."""

TEST_SIZES = {**{name: 200 for name in TOY_DATASETS}, "dummy": 100, "mnist": 1000}
"""Samples of each test set: fresh draws (seed 1) for the 2-D problems and the dummy data,
the bundled 1,000 test digits for MNIST."""

SEEDS = {"labelled": 0, "test": 1}
"""Seeds of the labelled draw (and its split and label noise) and of the test draw."""

DUMMY_NOTE = (
    "dummy data: x is random, each target row is two independent coin flips such as "
    "[1, 1] (not one-hot); the lab trains on each row's argmax, which is what the book's "
    "cross_entropy_error silently does, so [0, 0], [1, 0] and [1, 1] all mean class 0"
)


@dataclass(frozen=True)
class LabData:
    """Training, validation and test data of one lab data set (arrays are read-only).

    Attributes
    ----------
    name : str
    x_train, t_train, x_val, t_val, x_test, t_test : numpy.ndarray
        float64 inputs, one sample per row; integer class labels. Settings are chosen by
        the accuracy on the validation data (検証データ); the test data are the final check.
    num_classes : int
    note : str
        One sentence on where the data comes from.

    Taught in ``10_interactive_training.ipynb``, section "Training, validation and test data".
    """

    name: str
    x_train: np.ndarray
    t_train: np.ndarray
    x_val: np.ndarray
    t_val: np.ndarray
    x_test: np.ndarray
    t_test: np.ndarray
    num_classes: int
    note: str

    @property
    def input_size(self):
        return self.x_train.shape[1]

    @property
    def train_size(self):
        """Samples trained on: the labelled ones less the validation share."""
        return self.x_train.shape[0]

    @property
    def data_size(self):
        """Labelled samples: training and validation data together."""
        return self.x_train.shape[0] + self.x_val.shape[0]


def check_data_settings(name, label_noise=0.0, data_size=None, validation_share=None):
    """The data settings of the lab checked, with the standard size and share filled in.

    Raises
    ------
    TypeError
        For a value of the wrong kind (``data_size=2.5``, ``validation_share="0.2"``).
    ValueError
        For a value outside the lab's range, with the range for the data set ``name``.

    Used by :func:`lab_data` and :func:`~zerotsuku.lab.experiment.full_settings`.

    Examples
    --------
    >>> check_data_settings("mnist")
    ('mnist', 0.0, 4000, 0.2)
    """
    choice("name", name, DATASETS)
    noise = finite_number("label_noise", label_noise)
    if not 0 <= noise <= MAX_LABEL_NOISE:
        raise ValueError(f"label_noise must be between 0 and {MAX_LABEL_NOISE}, got {noise}")
    low, standard, high = DATA_SIZES[name]
    size = standard if data_size is None else whole_number("data_size", data_size)
    if not low <= size <= high:
        raise ValueError(f"data_size must be {low:,} to {high:,} for {name}, got {size:,}")
    share = DEFAULT_VALIDATION_SHARE if validation_share is None else validation_share
    share = finite_number("validation_share", share)
    if not VALIDATION_SHARES[0] <= share <= VALIDATION_SHARES[1]:
        raise ValueError(
            f"validation_share must be between {VALIDATION_SHARES[0]} and "
            f"{VALIDATION_SHARES[1]}, got {share}"
        )
    return name, noise, size, share


def lab_data(name, label_noise=0.0, *, data_size=None, validation_share=None):
    """The data set ``name`` as the lab uses it (cached, read-only arrays).

    Parameters
    ----------
    name : {"circles", "moons", "xor", "gauss", "spiral", "spiral3", "blobs3", "dummy", "mnist"}
        A 2-D problem draws ``data_size`` labelled points (seed 0) and a fresh test set of
        200 points (seed 1). "dummy" is the well-known unlearnable data, drawn the same way
        (100 test points), with labels = argmax of each target row. "mnist" is the bundled
        subset as float64: the first ``data_size`` of its 4,000 training images (they are in
        a shuffled order), and its 1,000 test images as the test set.
    label_noise : float, default 0.0
        Share of the training labels flipped to another class (at most
        :data:`MAX_LABEL_NOISE`; seed 0, see :func:`~zerotsuku.datasets.flip_labels`).
        The validation and test labels stay clean, so over-fitting the noise shows as a
        gap between training and validation accuracy.
    data_size : int, optional
        Labelled samples, within the range :data:`DATA_SIZES` gives for ``name``; by
        default its standard size: 250 points of a 2-D problem, 125 of the dummy data,
        all 4,000 MNIST training digits.
    validation_share : float, optional
        Share of each class of the labelled samples held out as validation data by
        :func:`~zerotsuku.datasets.split_validation` (seed 0), between 0.1 and 0.5;
        0.2 by default. The rest is the training data.

    Returns
    -------
    LabData

    Taught in ``10_interactive_training.ipynb``, section "Training, validation and test data".

    Examples
    --------
    >>> data = lab_data("circles")
    >>> data.x_train.shape, data.x_val.shape, data.x_test.shape
    ((200, 2), (50, 2), (200, 2))
    >>> data = lab_data("mnist", data_size=1000, validation_share=0.5)
    >>> len(data.t_train), len(data.t_val), len(data.t_test)
    (498, 502, 1000)
    """
    return _lab_data(*check_data_settings(name, label_noise, data_size, validation_share))


@functools.lru_cache(maxsize=8)
def _lab_data(name, label_noise, data_size, validation_share):
    """:func:`lab_data` of checked arguments, cached (MNIST variants are 25 MB each)."""
    if name in TOY_DATASETS:
        x, t = toy_dataset(name, data_size, seed=SEEDS["labelled"])
        test = toy_dataset(name, TEST_SIZES[name], seed=SEEDS["test"])
        num_classes, source = TOY_CLASSES[name], f"{name}: {data_size:,} labelled points"
    elif name == "dummy":
        x, rows = dummy_dataset(data_size, seed=SEEDS["labelled"])
        t = rows.argmax(axis=1)
        x_test, rows_test = dummy_dataset(TEST_SIZES[name], seed=SEEDS["test"])
        test = (x_test, rows_test.argmax(axis=1))
        num_classes, source = 2, f"{DUMMY_NOTE}; {data_size:,} labelled points"
    else:
        (x, t), test = load_mnist(source="bundled")
        x, t = x[:data_size], t[:data_size]
        num_classes = 10
        source = f"mnist: {data_size:,} of the bundled 4,000 training digits"
    (x_train, t_train), validation = split_validation(
        x, t, validation_share, seed=SEEDS["labelled"]
    )
    t_train = flip_labels(t_train, label_noise, num_classes=num_classes, seed=SEEDS["labelled"])
    arrays = [
        a.astype(np.int64) if i % 2 else a.astype(np.float64)
        for i, a in enumerate([x_train, t_train, *validation, *test])
    ]
    for array in arrays:
        array.flags.writeable = False
    note = (
        f"{source}; {len(t_train):,} for training, {len(validation[1]):,} held out for "
        f"validation ({validation_share:.0%}); {len(test[1]):,} test samples"
    )
    if label_noise:
        note += f"; {label_noise:.0%} of the training labels flipped"
    return LabData(name, *arrays, num_classes=num_classes, note=note)


def data_for(settings):
    """:func:`lab_data` of a lab's ``settings`` dict (its data keys; the others are ignored).

    Used by :func:`~zerotsuku.lab.experiment.run_experiment`,
    :class:`~zerotsuku.lab.live.LiveRun` and :class:`~zerotsuku.lab.TrainingLab`.

    Examples
    --------
    >>> data_for({"dataset": "gauss", "data_size": 100, "validation_share": 0.5}).train_size
    50
    """
    return lab_data(
        settings["dataset"],
        settings.get("label_noise", 0.0),
        data_size=settings.get("data_size"),
        validation_share=settings.get("validation_share"),
    )
