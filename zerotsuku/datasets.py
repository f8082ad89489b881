"""Data sets: real MNIST digits (a bundled subset or the full set) and small 2-D problems.

``load_mnist`` keeps the book's signature and return shape. By default its digits
are 5,000 real MNIST images (500 of each digit) that ship inside this package,
split the same way every time into 4,000 for training and 1,000 for testing. The
full set (60,000 + 10,000) is used once downloaded: see ``zerotsuku.mnist``.

``python -m zerotsuku.datasets download [--data-dir DIR]`` downloads it ahead of time.
"""

import functools
import os
import sys
import warnings
from importlib import resources

import numpy as np

from . import _checks

__all__ = [
    "BundledDataWarning",
    "load_mnist",
    "toy_dataset",
    "TOY_DATASETS",
    "TOY_CLASSES",
    "flip_labels",
    "dummy_dataset",
    "to_one_hot",
    "split_validation",
]

TRAIN_PER_DIGIT = 400
TEST_PER_DIGIT = 100
SPLIT_SEED = 0


def to_one_hot(labels, num_classes=None):
    """One-hot rows (float64) from integer class labels.

    Taught in ``03_loss_functions.ipynb``, section "Labels and one-hot targets".

    Parameters
    ----------
    labels : array_like
        1-D integer class labels (whole-valued floats are accepted).
    num_classes : int, optional
        Number of classes; by default the largest label + 1.

    Examples
    --------
    >>> to_one_hot([0, 2], 3)
    array([[1., 0., 0.],
           [0., 0., 1.]])
    """
    labels = np.asarray(labels)
    if labels.dtype.kind == "f" and labels.ndim == 1:
        if not (np.isfinite(labels).all() and (labels == np.round(labels)).all()):
            raise ValueError("labels must be integers (class indices), not NaN, inf or 2.5")
        labels = labels.astype(np.int64)
    labels, num_classes = _class_labels("labels", labels, num_classes, fewest=0)
    return np.eye(num_classes)[labels]


def _class_labels(name, labels, num_classes, fewest):
    """``labels`` checked as 1-D integer class labels, with the number of classes.

    ``num_classes`` defaults to the largest label + 1 and must be at least ``fewest``.
    """
    if labels.ndim != 1 or labels.dtype.kind not in "iu":
        raise TypeError(
            f"{name} must be a 1-D array of integer labels, got shape {labels.shape} "
            f"dtype {labels.dtype}"
        )
    if num_classes is None:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    num_classes = _checks.whole_number("num_classes", num_classes, fewest)
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f"labels in {name} must lie in 0..{num_classes - 1}, got {labels.min()}..{labels.max()}"
        )
    return labels, num_classes


def split_validation(x, t, validation_rate=0.2, seed=0):
    """Hold out part of the training data as validation data (検証データ).

    Settings such as the hidden size or the learning rate are chosen by the accuracy
    on the validation part; the test data stay untouched until the very end. The
    split is stratified: every class gives the same share, ``round(validation_rate
    * n_c)`` of its ``n_c`` samples, so both parts keep the class balance. Each
    sample lands in exactly one part; the same seed gives the same split. Inputs are
    not changed; the parts are new arrays, each in a shuffled order.

    Parameters
    ----------
    x : array_like
        Samples along the first axis, e.g. (N, 784) images or (N, 2) points.
    t : array_like
        Integer labels (N,) or one-hot rows (N, C); the parts keep the same form.
    validation_rate : float, default 0.2
        Share of each class held out, strictly between 0 and 1.
    seed : int or None, default 0
        Seed of ``np.random.default_rng`` for the shuffles (None: a new split each call).

    Returns
    -------
    ((x_train, t_train), (x_val, t_val))
        The training part and the validation part.

    Raises
    ------
    TypeError
        ``x`` or ``t`` does not hold numbers, labels are not integers, or
        ``validation_rate`` or ``seed`` is not a number of the right kind.
    ValueError
        ``x`` and ``t`` differ in length, a one-hot row is not one-hot, a label is
        negative, ``validation_rate`` is not in (0, 1), or a class has too few
        samples to appear in both parts.

    Taught in ``09_training_on_mnist.ipynb``, section "Validation data".

    Examples
    --------
    >>> x, t = np.arange(20.0).reshape(10, 2), np.array([0, 1] * 5)
    >>> (x_train, t_train), (x_val, t_val) = split_validation(x, t, validation_rate=0.4)
    >>> len(t_train), len(t_val), np.bincount(t_val).tolist()
    (6, 4, [2, 2])
    """
    rate = _checks.finite_number("validation_rate", validation_rate)
    if not 0 < rate < 1:
        raise ValueError(f"validation_rate must lie strictly between 0 and 1, got {rate!r}")
    rng = np.random.default_rng(_checks.seed("seed", seed))
    x, t = np.asarray(x), np.asarray(t)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"x must hold numbers, got an array of dtype {x.dtype}")
    if x.ndim == 0:
        raise ValueError("x must hold one sample per row, got a single number")
    labels = _split_labels(t)
    if len(x) != len(labels):
        raise ValueError(
            f"x has {len(x)} samples but t has {len(labels)} (shape {t.shape}): "
            "they must match row for row"
        )
    train, val = _stratified_indices(labels, rate, rng)
    return (x[train], t[train]), (x[val], t[val])


def _split_labels(t):
    """The class of each row of ``t`` (labels or one-hot) for ``split_validation``."""
    from .functions import to_labels

    if t.ndim not in (1, 2):
        raise ValueError(f"t must be labels (N,) or one-hot rows (N, C), got shape {t.shape}")
    if t.size == 0:
        raise ValueError(f"t is empty (shape {t.shape}): there is nothing to split")
    if t.ndim == 2:
        return to_labels(t, t.shape, name="t")
    if t.dtype.kind not in "iu":
        raise TypeError(f"labels in t must be integers (class numbers), got dtype {t.dtype}")
    if t.min() < 0:
        raise ValueError(f"labels in t must be 0 or more, got {t.min()}")
    return t


def _stratified_indices(labels, rate, rng):
    """Shuffled (train, validation) indices with ``round(rate * n_c)`` of class c held out."""
    train, val = [], []
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        n_val = int(np.floor(rate * len(members) + 0.5))
        if not 0 < n_val < len(members):
            raise ValueError(
                f"class {label} has {len(members)} sample(s): with validation_rate={rate:g} "
                f"{'none' if n_val == 0 else 'all'} would be held out, so it would be missing "
                "from one part; give more samples of it or another validation_rate"
            )
        val.append(members[:n_val])
        train.append(members[n_val:])
    return rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(val))


@functools.lru_cache(maxsize=1)
def _bundled_split():
    """The bundled digits, split stratified into train and test (read once)."""
    with resources.files(__package__).joinpath("data/mnist_5k.npz").open("rb") as f:
        with np.load(f, allow_pickle=False) as data:
            images, labels = data["images"], data["labels"]
    rng = np.random.default_rng(SPLIT_SEED)
    train, test = [], []
    for digit in range(10):
        index = rng.permutation(np.flatnonzero(labels == digit))
        train.append(index[:TRAIN_PER_DIGIT])
        test.append(index[TRAIN_PER_DIGIT : TRAIN_PER_DIGIT + TEST_PER_DIGIT])
    train = rng.permutation(np.concatenate(train))
    test = rng.permutation(np.concatenate(test))
    arrays = (images[train], labels[train], images[test], labels[test])
    for array in arrays:
        array.flags.writeable = False
    return arrays


def _prepare(images, labels, normalize, flatten, one_hot_label):
    x = images.astype(np.float32) / 255.0 if normalize else images.copy()
    if not flatten:
        x = x.reshape(-1, 1, 28, 28)
    t = to_one_hot(labels.astype(np.int64), 10) if one_hot_label else labels.copy()
    return x, t


class BundledDataWarning(UserWarning):
    """``load_mnist(source="auto")`` fell back on the bundled subset (said once a process).

    Used by ``load_mnist``; ``09_training_on_mnist.ipynb``, section "Optional: the full
    MNIST data set", says how to get the full set instead.
    """


_SOURCES = ("auto", "bundled", "full")
_warned_bundled = False


def load_mnist(
    normalize=True,
    flatten=True,
    one_hot_label=False,
    *,
    source="auto",
    data_dir=None,
    mirrors=None,
    checksums=None,
):
    """Real MNIST digits, in the book's form.

    Taught in ``02_forward_pass_and_softmax.ipynb``, section "MNIST: a batch of real
    digits"; the full set in ``09_training_on_mnist.ipynb``, section "Optional: the
    full MNIST data set".

    Parameters
    ----------
    normalize : bool, default True
        Pixels as float32 in [0, 1]; otherwise uint8 in 0..255.
    flatten : bool, default True
        Each image as 784 numbers; otherwise shape (1, 28, 28).
    one_hot_label : bool, default False
        Labels as one-hot float rows (N, 10); otherwise uint8 digits 0..9.
    source : {"auto", "bundled", "full"}, default "auto"
        ``"bundled"``: the 5,000 digits shipped with the package. ``"full"``: the
        real 70,000, downloaded, verified and cached on first use. ``"auto"``: the
        full set if ``data_dir`` already holds it, else the subset, with a
        ``BundledDataWarning`` (once a process) saying how to get the full set.
        Pass ``"bundled"`` wherever the result must be the same on every machine.
    data_dir : str or os.PathLike, optional
        Cache of the full set; default ``$ZEROTSUKU_DATA``, else ``~/.cache/zerotsuku``.
    mirrors : list of str, optional
        Base URLs of the full set, tried in order (``zerotsuku.mnist.DEFAULT_MIRRORS``).
    checksums : dict, optional
        File name -> sha256 of the four files (``zerotsuku.mnist.DEFAULT_CHECKSUMS``).

    Returns
    -------
    ((x_train, t_train), (x_test, t_test))
        Bundled: 4,000 training and 1,000 test images, 400 and 100 of each digit.
        Full: 60,000 and 10,000, in MNIST's own order.

    Raises
    ------
    zerotsuku.mnist.MNISTDownloadError
        ``source="full"`` and no mirror delivered the data; the message lists each
        URL tried, why it failed, and how to place the files by hand.
    ValueError
        Files in ``data_dir`` fail their sha256 or are not valid MNIST IDX data
        (with ``source="auto"`` too: a broken full set is reported, not skipped).

    Examples
    --------
    >>> (x_train, t_train), (x_test, t_test) = load_mnist(source="bundled")
    >>> x_train.shape, t_train.shape, x_test.shape, x_train.dtype
    ((4000, 784), (4000,), (1000, 784), dtype('float32'))
    """
    for name, value in (
        ("normalize", normalize),
        ("flatten", flatten),
        ("one_hot_label", one_hot_label),
    ):
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"{name} must be True or False, got {value!r}")
    if source not in _SOURCES:
        raise ValueError(f"source must be one of {_SOURCES}, got {source!r}")
    arrays = None
    if source != "bundled":
        arrays = _full_arrays(source, data_dir, mirrors, checksums)
    x_train, t_train, x_test, t_test = arrays or _bundled_split()
    return (
        _prepare(x_train, t_train, normalize, flatten, one_hot_label),
        _prepare(x_test, t_test, normalize, flatten, one_hot_label),
    )


def _full_arrays(source, data_dir, mirrors, checksums):
    """The full set flattened like the bundled one, or None when "auto" finds none."""
    # Imported here so that ``python -m zerotsuku.mnist`` finds it not yet imported.
    from . import mnist

    try:
        arrays = mnist.load(
            data_dir, mirrors=mirrors, checksums=checksums, allow_download=source == "full"
        )
    except FileNotFoundError:
        _warn_bundled(mnist, data_dir)
        return None
    x_train, t_train, x_test, t_test = arrays
    return x_train.reshape(len(x_train), -1), t_train, x_test.reshape(len(x_test), -1), t_test


def _warn_bundled(mnist, data_dir):
    global _warned_bundled
    if _warned_bundled:
        return
    _warned_bundled = True
    folder = mnist.default_data_dir() if data_dir is None else os.fspath(data_dir)
    warnings.warn(
        f"the full MNIST set is not in {folder}, so load_mnist() serves the bundled "
        "subset: 4,000 training and 1,000 test digits. For all 70,000, run "
        "`python -m zerotsuku.mnist download` once (needs internet) or call "
        'load_mnist(source="full"). Pass source="bundled" to choose the subset '
        "and silence this.",
        BundledDataWarning,
        stacklevel=4,
    )


def _xor(rng, n, noise):
    t = np.arange(n) % 2
    sign0 = rng.choice([-1.0, 1.0], n)
    sign1 = np.where(t == 0, sign0, -sign0)  # class 1: x0 and x1 have opposite signs
    x = rng.uniform(0.05, 1.0, (n, 2)) * np.column_stack([sign0, sign1])
    return x + noise * rng.standard_normal((n, 2)), t


def _gauss(rng, n, noise):
    t = np.arange(n) % 2
    centres = np.where(t[:, None] == 0, -1.0, 1.0) * np.array([1.0, 1.0])
    return centres + (0.35 + noise) * rng.standard_normal((n, 2)), t


def _circles(rng, n, noise):
    t = np.arange(n) % 2
    radius = np.where(t == 0, rng.uniform(0, 0.5, n), rng.uniform(0.7, 1.0, n))
    angle = rng.uniform(0, 2 * np.pi, n)
    x = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return x + noise * rng.standard_normal((n, 2)), t


def _moons(rng, n, noise):
    t = np.arange(n) % 2
    angle = rng.uniform(0, np.pi, n)
    upper = np.column_stack([np.cos(angle), np.sin(angle)])
    lower = np.column_stack([1 - np.cos(angle), 0.5 - np.sin(angle)])
    x = np.where(t[:, None] == 0, upper, lower) - [0.5, 0.25]
    return x + noise * rng.standard_normal((n, 2)), t


def _spiral(rng, n, noise):
    t = np.arange(n) % 2
    r = rng.uniform(0.05, 1.0, n)
    angle = 3.5 * np.pi * r + np.pi * t
    x = r[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return x + noise * rng.standard_normal((n, 2)), t


def _spiral3(rng, n, noise):
    t = np.arange(n) % 3
    r = rng.uniform(0.05, 1.0, n)
    angle = 2.5 * np.pi * r + 2 * np.pi / 3 * t  # three arms, a third of a turn apart
    x = r[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return x + noise * rng.standard_normal((n, 2)), t


def _blobs3(rng, n, noise):
    t = np.arange(n) % 3
    angle = np.pi / 2 + 2 * np.pi / 3 * t  # centres on the unit circle, 120 degrees apart
    centres = np.column_stack([np.cos(angle), np.sin(angle)])
    return centres + (0.3 + noise) * rng.standard_normal((n, 2)), t


TOY_DATASETS = {
    "xor": _xor,
    "spiral": _spiral,
    "moons": _moons,
    "circles": _circles,
    "gauss": _gauss,
    "spiral3": _spiral3,
    "blobs3": _blobs3,
}
"""Generators of the 2-D problems, by name."""

TOY_CLASSES = {name: 3 if name.endswith("3") else 2 for name in TOY_DATASETS}
"""The number of classes of each 2-D problem, by name: 2, or 3 for "spiral3" and "blobs3"."""


def toy_dataset(name, n_samples=200, noise=0.1, seed=0, *, label_noise=0.0):
    """A small 2-D problem with two or three classes, like those of TensorFlow Playground.

    Used by ``08_minibatch_training.ipynb``, section "The fix: data with something to
    learn", and by the lab of ``10_interactive_training.ipynb`` (which also offers the
    three-class problems and the label noise).

    Parameters
    ----------
    name : {"xor", "spiral", "moons", "circles", "gauss", "spiral3", "blobs3"}
        "spiral3" (three spiral arms) and "blobs3" (three Gaussian blobs) have three
        classes, the others two (see ``TOY_CLASSES``).
    n_samples : int, default 200
        Points in all, at least one per class; the classes get equal shares (when
        ``n_samples`` is not a multiple of their number, the first ones one point more).
    noise : float, default 0.1
        Standard deviation of the Gaussian jitter added to every point.
    seed : int, default 0
        The same seed gives the same points (and the same flipped labels).
    label_noise : float, default 0.0
        Share of the labels, between 0 and 1, replaced by another class: exactly
        ``round(label_noise * n_samples)`` of them, chosen at random (see
        :func:`flip_labels`). The points stay the same as without it, and a larger
        share flips the labels a smaller one flips, and more.

    Returns
    -------
    x : numpy.ndarray
        float64, shape (n_samples, 2), roughly within [-1.5, 1.5].
    t : numpy.ndarray
        int64 labels 0 .. classes - 1, shape (n_samples,).

    Examples
    --------
    >>> x, t = toy_dataset("moons", n_samples=10)
    >>> x.shape, t.shape, sorted(set(t.tolist()))
    ((10, 2), (10,), [0, 1])
    >>> x, t = toy_dataset("spiral3", n_samples=300)
    >>> np.bincount(t).tolist()
    [100, 100, 100]
    >>> _, noisy = toy_dataset("spiral3", n_samples=300, label_noise=0.1)
    >>> int((noisy != t).sum())
    30
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be one of {sorted(TOY_DATASETS)}, got {name!r}")
    if name not in TOY_DATASETS:
        raise ValueError(f"unknown data set {name!r}; choose one of {sorted(TOY_DATASETS)}")
    n_samples = _checks.whole_number("n_samples", n_samples, max(2, TOY_CLASSES[name]))
    noise = _checks.finite_number("noise", noise)
    if noise < 0:
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
    share = _check_share(label_noise)
    rng = np.random.default_rng(_checks.seed("seed", seed))
    x, t = TOY_DATASETS[name](rng, int(n_samples), float(noise))
    order = rng.permutation(len(t))
    x, t = x[order], t[order]
    if share > 0:
        t = _flip(t, share, TOY_CLASSES[name], rng)
    return x, t


def flip_labels(t, share, *, num_classes=None, seed=0):
    """Labels ``t`` with a share of them replaced by a different class: label noise.

    Exactly ``round(share * len(t))`` labels change (halves round up), each to one of
    the other classes with equal chance; which ones and to what is drawn from
    ``np.random.default_rng(seed)``. For one seed and one length, a larger share
    flips the same labels as a smaller one (to the same classes), and more. ``t``
    itself is not changed.

    Used by ``toy_dataset(..., label_noise=...)`` and by the lab of
    ``10_interactive_training.ipynb`` (its "label noise" control).

    Parameters
    ----------
    t : array_like
        1-D integer labels 0 .. num_classes - 1.
    share : float
        Between 0 and 1.
    num_classes : int, optional
        Number of classes, at least 2; by default the largest label + 1.
    seed : int or None, default 0
        Seed of the draws (None: different each call).

    Returns
    -------
    numpy.ndarray
        A new array of the labels, dtype as ``t``.

    Examples
    --------
    >>> t = np.array([0, 1, 2, 0, 1, 2, 0, 1, 2, 0])
    >>> noisy = flip_labels(t, 0.3, seed=0)
    >>> int((noisy != t).sum()), bool(noisy.max() <= 2)
    (3, True)
    """
    share = _check_share(share, "share")
    t, num_classes = _class_labels("t", np.asarray(t), num_classes, fewest=2)
    rng = np.random.default_rng(_checks.seed("seed", seed))
    return _flip(t, share, num_classes, rng)


def _check_share(value, name="label_noise"):
    share = _checks.finite_number(name, value)
    if not 0 <= share <= 1:
        raise ValueError(f"{name} must be a share between 0 and 1, got {value!r}")
    return share


def _flip(t, share, num_classes, rng):
    """A copy of ``t`` with the first round(share * n) labels of a random order changed."""
    n = len(t)
    order = rng.permutation(n)
    offsets = rng.integers(1, num_classes, n)  # to another class: never an offset of 0
    flipped = order[: int(np.floor(share * n + 0.5))]
    noisy = t.copy()
    noisy[flipped] = (t[flipped] + offsets[: len(flipped)]) % num_classes
    return noisy


def dummy_dataset(n_samples=100, seed=0):
    """The random data of a well-known retelling of chapter 4, which cannot be learned.

    Taught in ``08_minibatch_training.ipynb``, sections "A well-known experiment,
    reproduced" and "Diagnosis: there is nothing to learn".

    ``x`` is uniform in [0, 1)²; each row of ``t`` is two independent coin flips, so
    it reads [0, 0], [0, 1], [1, 0] or [1, 1]: not one-hot, and unrelated to ``x``.

    Returns
    -------
    x : numpy.ndarray
        float64, shape (n_samples, 2).
    t : numpy.ndarray
        int64, shape (n_samples, 2), values 0 or 1.

    Examples
    --------
    >>> x, t = dummy_dataset()
    >>> x.shape, t.shape
    ((100, 2), (100, 2))
    """
    n_samples = _checks.whole_number("n_samples", n_samples, 1)
    rng = np.random.default_rng(_checks.seed("seed", seed))
    return rng.random((n_samples, 2)), rng.integers(0, 2, (n_samples, 2))


if __name__ == "__main__":
    from zerotsuku.mnist import main

    sys.exit(main(prog="python -m zerotsuku.datasets"))
