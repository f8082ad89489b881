import hashlib
import inspect
from importlib import resources

import numpy as np
import pytest

from zerotsuku.datasets import (
    TOY_CLASSES,
    TOY_DATASETS,
    dummy_dataset,
    flip_labels,
    load_mnist,
    to_one_hot,
    toy_dataset,
)

BUNDLED_SHA256 = "970702d994c498f4ed47376383483ffa572089f72cd489dad1f40f362dbc14bf"


def bundled(**kwargs):
    """load_mnist on the bundled subset, whatever the default source is."""
    if "source" in inspect.signature(load_mnist).parameters:
        kwargs["source"] = "bundled"
    return load_mnist(**kwargs)


def test_bundled_file_is_the_one_we_ship():
    data = resources.files("zerotsuku").joinpath("data/mnist_5k.npz").read_bytes()
    assert hashlib.sha256(data).hexdigest() == BUNDLED_SHA256
    assert resources.files("zerotsuku").joinpath("data/NOTICE").is_file()


def test_book_form_defaults():
    (x_train, t_train), (x_test, t_test) = bundled()
    assert x_train.shape == (4000, 784) and x_test.shape == (1000, 784)
    assert x_train.dtype == np.float32 and 0.0 <= x_train.min() and x_train.max() == 1.0
    assert t_train.dtype == np.uint8 and t_train.shape == (4000,)
    assert np.bincount(t_train).tolist() == [400] * 10
    assert np.bincount(t_test).tolist() == [100] * 10


def test_split_is_deterministic_disjoint_and_shuffled():
    (a, ta), (b, tb) = bundled(normalize=False)
    (a2, _), (b2, _) = bundled(normalize=False)
    np.testing.assert_array_equal(a, a2)
    np.testing.assert_array_equal(b, b2)
    train_rows = {row.tobytes() for row in a}
    assert not any(row.tobytes() in train_rows for row in b)
    assert len(set(ta[:20].tolist())) > 3  # not sorted by digit


def test_other_forms():
    (x, t), (xt, tt) = bundled(normalize=False, flatten=False, one_hot_label=True)
    assert x.dtype == np.uint8 and x.shape == (4000, 1, 28, 28) and x.max() == 255
    assert t.shape == (4000, 10) and t.dtype == np.float64
    assert (t.sum(axis=1) == 1).all()
    (flat, labels), _ = bundled(normalize=False)
    np.testing.assert_array_equal(flat.reshape(-1, 1, 28, 28), x)
    np.testing.assert_array_equal(t.argmax(axis=1), labels)


def test_returned_arrays_are_fresh_copies():
    (x, t), _ = bundled(normalize=False)
    x[:] = 0
    t[:] = 0
    (x2, t2), _ = bundled(normalize=False)
    assert x2.any() and t2.any()


def test_load_mnist_flags_must_be_bool():
    with pytest.raises(TypeError, match="normalize"):
        bundled(normalize="yes")


TWO_CLASS = [name for name in sorted(TOY_DATASETS) if TOY_CLASSES[name] == 2]
THREE_CLASS = [name for name in sorted(TOY_DATASETS) if TOY_CLASSES[name] == 3]


@pytest.mark.parametrize("name", TWO_CLASS)
def test_toy_datasets(name):
    x, t = toy_dataset(name, n_samples=101, noise=0.1, seed=3)
    assert x.shape == (101, 2) and x.dtype == np.float64
    assert t.shape == (101,) and t.dtype.kind == "i"
    assert sorted(np.bincount(t).tolist()) == [50, 51]
    assert np.abs(x).max() < 3
    x2, t2 = toy_dataset(name, n_samples=101, noise=0.1, seed=3)
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(t, t2)
    assert not np.array_equal(toy_dataset(name, n_samples=101, seed=4)[0], x)


def test_toy_labels_follow_the_rule_without_noise():
    x, t = toy_dataset("xor", n_samples=400, noise=0.0)
    np.testing.assert_array_equal(t, (x[:, 0] * x[:, 1] < 0).astype(int))
    x, t = toy_dataset("circles", n_samples=400, noise=0.0)
    radius = np.hypot(x[:, 0], x[:, 1])
    assert radius[t == 0].max() < 0.5 < 0.7 < radius[t == 1].min()


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(name="swirl"), ValueError, "unknown data set 'swirl'"),
        (dict(name="xor", n_samples=1), ValueError, ">= 2"),
        (dict(name="xor", n_samples=2.0), TypeError, "whole number"),
        (dict(name="xor", noise=-1), ValueError, "noise"),
        (dict(name="xor", noise=float("nan")), ValueError, "noise"),
        (dict(name="xor", noise="0.1"), TypeError, "noise"),
        (dict(name="xor", seed=1.5), TypeError, "seed"),
        (dict(name="xor", seed="0"), TypeError, "seed"),
        (dict(name=3), TypeError, "name must be one of"),
        (dict(name="spiral3", n_samples=2), ValueError, "n_samples must be a whole number >= 3"),
        (dict(name="xor", label_noise=1.5), ValueError, "label_noise must be a share"),
        (dict(name="xor", label_noise=-0.1), ValueError, "label_noise"),
        (dict(name="xor", label_noise=float("inf")), ValueError, "label_noise"),
        (dict(name="xor", label_noise="0.1"), TypeError, "label_noise"),
        (dict(name="xor", label_noise=None), TypeError, "label_noise"),
    ],
)
def test_toy_dataset_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        toy_dataset(**kwargs)


# toy_dataset(name) with the default arguments, as the code before the three-class
# problems and the label noise made it (notebooks store these points): the first point,
# the sum of all points, and the first 40 labels.
TWO_CLASS_REFERENCE = {
    "xor": (
        [0.34036206693325755, 0.35462627845750166],
        [12.539231329504332, -4.080748593789028],
        "0010010011000011010000001110010011000001",
    ),
    "spiral": (
        [-0.6015313864280997, -0.38583820332260993],
        [-1.2662620636282211, -0.33894546136075304],
        "1001001001000010100000100001010110110101",
    ),
    "moons": (
        [0.7339873808969335, -0.6120588087593689],
        [-1.0810590356575218, 1.3378347207097492],
        "1001001001000010100000100001010110110101",
    ),
    "circles": (
        [-0.8570882192902815, -0.5335495401970486],
        [-14.255302172981324, -2.605674267624124],
        "1110010110111011111010100001101000110101",
    ),
    "gauss": (
        [-1.2410512179225, -0.8372822252907319],
        [-8.818758088375422, 2.227161668270312],
        "0111001000111010010110001111010101111100",
    ),
}


@pytest.mark.parametrize("name", TWO_CLASS)
def test_two_class_problems_are_unchanged(name):
    first, total, labels = TWO_CLASS_REFERENCE[name]
    x, t = toy_dataset(name)
    np.testing.assert_allclose(x[0], first, rtol=1e-13)
    np.testing.assert_allclose(x.sum(axis=0), total, rtol=1e-12)
    assert "".join(map(str, t[:40].tolist())) == labels
    assert x.shape == (200, 2) and t.dtype == np.int64
    x0, t0 = toy_dataset(name, label_noise=0.0)
    np.testing.assert_array_equal(x0, x)
    np.testing.assert_array_equal(t0, t)


def test_the_names_and_their_classes():
    assert sorted(TOY_DATASETS) == sorted(TOY_CLASSES)
    assert THREE_CLASS == ["blobs3", "spiral3"]
    assert set(TWO_CLASS) == {"xor", "spiral", "moons", "circles", "gauss"}


@pytest.mark.parametrize("name", THREE_CLASS)
@pytest.mark.parametrize("n, counts", [(300, [100, 100, 100]), (101, [34, 34, 33]), (3, [1, 1, 1])])
def test_three_class_problems(name, n, counts):
    x, t = toy_dataset(name, n_samples=n, noise=0.1, seed=3)
    assert x.shape == (n, 2) and x.dtype == np.float64
    assert t.shape == (n,) and t.dtype == np.int64
    assert np.bincount(t, minlength=3).tolist() == counts
    assert np.abs(x).max() < 3
    x2, t2 = toy_dataset(name, n_samples=n, noise=0.1, seed=3)
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(t, t2)
    assert not np.array_equal(toy_dataset(name, n_samples=n, seed=4)[0], x)


def test_three_class_problems_follow_their_shape_without_noise():
    x, t = toy_dataset("blobs3", n_samples=600, noise=0.0)
    angle = np.pi / 2 + 2 * np.pi / 3 * np.arange(3)
    centres = np.column_stack([np.cos(angle), np.sin(angle)])
    nearest = np.argmin(((x[:, None, :] - centres) ** 2).sum(axis=2), axis=1)
    assert np.mean(nearest == t) > 0.9  # blobs of std 0.3, centres 1.7 apart
    x, t = toy_dataset("spiral3", n_samples=600, noise=0.0)
    r = np.hypot(x[:, 0], x[:, 1])
    arm = np.mod(np.arctan2(x[:, 1], x[:, 0]) - 2.5 * np.pi * r, 2 * np.pi) / (2 * np.pi / 3)
    assert np.abs(arm - np.round(arm)).max() < 1e-9  # every point lies on an arm
    assert (np.round(arm).astype(int) % 3 == t).all()


@pytest.mark.parametrize("name", ["xor", "spiral3", "blobs3"])
@pytest.mark.parametrize("share", [0.0, 0.1, 0.25, 0.5, 1.0])
def test_label_noise_flips_exactly_its_share_and_keeps_the_points(name, share):
    x, t = toy_dataset(name, n_samples=201, seed=5)
    x_noisy, t_noisy = toy_dataset(name, n_samples=201, seed=5, label_noise=share)
    np.testing.assert_array_equal(x_noisy, x)
    assert (t_noisy != t).sum() == int(np.floor(share * 201 + 0.5))
    assert t_noisy.dtype == t.dtype and 0 <= t_noisy.min() and t_noisy.max() < TOY_CLASSES[name]
    again = toy_dataset(name, n_samples=201, seed=5, label_noise=share)[1]
    np.testing.assert_array_equal(again, t_noisy)


def test_a_larger_label_noise_flips_the_same_labels_and_more():
    t = toy_dataset("spiral3", seed=2)[1]
    small = toy_dataset("spiral3", seed=2, label_noise=0.1)[1]
    large = toy_dataset("spiral3", seed=2, label_noise=0.3)[1]
    flipped = small != t
    assert flipped.sum() == 20 and (large != t).sum() == 60
    np.testing.assert_array_equal(large[flipped], small[flipped])
    again = toy_dataset("spiral3", seed=2, label_noise=0.1)[1]
    np.testing.assert_array_equal(again, small)
    assert not np.array_equal(flip_labels(t, 0.1, seed=3), flip_labels(t, 0.1, seed=4))


def test_flip_labels():
    t = np.array([0, 1, 2, 0, 1, 2, 0, 1, 2, 0])
    before = t.copy()
    noisy = flip_labels(t, 0.5, seed=1)
    np.testing.assert_array_equal(t, before)  # the input is left alone
    assert (noisy != t).sum() == 5 and noisy.dtype == t.dtype
    np.testing.assert_array_equal(flip_labels(t, 0.5, seed=1), noisy)
    np.testing.assert_array_equal(flip_labels(t, 0.0), t)
    assert (flip_labels(t, 1.0, seed=0) != t).all()
    np.testing.assert_array_equal(flip_labels([0, 1, 1, 0], 1.0), [1, 0, 0, 1])  # 2 classes
    # every other class is reached, about equally often
    many = np.zeros(3000, dtype=np.int64)
    counts = np.bincount(flip_labels(many, 1.0, num_classes=3, seed=0))
    assert counts[0] == 0 and abs(counts[1] - counts[2]) < 200
    assert flip_labels(np.array([], dtype=np.int64), 0.5, num_classes=2).size == 0


@pytest.mark.parametrize(
    "args, kwargs, error, message",
    [
        (([0, 1], 1.5), {}, ValueError, "share must be a share between 0 and 1"),
        (([0, 1], -0.1), {}, ValueError, "share"),
        (([0, 1], float("nan")), {}, ValueError, "share"),
        (([0, 1], "0.1"), {}, TypeError, "share"),
        (([0.5, 1], 0.1), {}, TypeError, "integer labels"),
        (([[0, 1]], 0.1), {}, TypeError, "1-D"),
        (([0, 3], 0.1), {"num_classes": 3}, ValueError, r"0\.\.2"),
        (([0, -1], 0.1), {"num_classes": 3}, ValueError, r"0\.\.2"),
        (([0, 0], 0.1), {}, ValueError, "num_classes must be a whole number >= 2"),
        (([0, 1], 0.1), {"num_classes": 2.0}, TypeError, "num_classes"),
        (([0, 1], 0.1), {"seed": 1.5}, TypeError, "seed"),
    ],
)
def test_flip_labels_bad_arguments(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        flip_labels(*args, **kwargs)


def test_dummy_dataset_is_the_well_known_random_data():
    x, t = dummy_dataset(seed=0)
    assert x.shape == (100, 2) and t.shape == (100, 2)
    assert 0 <= x.min() and x.max() < 1
    assert set(np.unique(t).tolist()) == {0, 1}
    rows = {tuple(r) for r in t.tolist()}
    assert rows == {(0, 0), (0, 1), (1, 0), (1, 1)}  # not one-hot
    np.testing.assert_array_equal(dummy_dataset(seed=0)[1], t)
    with pytest.raises(ValueError, match=">= 1"):
        dummy_dataset(0)
    with pytest.raises(TypeError, match="seed"):
        dummy_dataset(seed=0.5)


def test_to_one_hot():
    np.testing.assert_array_equal(to_one_hot(np.array([2, 0]), 3), [[0, 0, 1], [1, 0, 0]])
    with pytest.raises(ValueError, match=r"0\.\.2"):
        to_one_hot(np.array([3]), 3)
    with pytest.raises(ValueError, match="integers"):
        to_one_hot(np.array([0.5]))
    for bad in (np.inf, np.nan):
        with pytest.raises(ValueError, match="integers"):
            to_one_hot(np.array([1.0, bad]))
    np.testing.assert_array_equal(to_one_hot(np.array([1.0, 0.0]), 2), [[0, 1], [1, 0]])
    for wrong_kind in (2.5, "3", True):
        with pytest.raises(TypeError, match="num_classes"):
            to_one_hot([0, 1], wrong_kind)


# --- split_validation ------------------------------------------------------------------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from zerotsuku.datasets import split_validation  # noqa: E402


def test_split_validation_on_the_bundled_digits_is_stratified():
    (x, t), _ = bundled()
    (x_train, t_train), (x_val, t_val) = split_validation(x, t)
    assert x_train.shape == (3200, 784) and x_val.shape == (800, 784)
    assert x_val.dtype == x.dtype and t_val.dtype == t.dtype
    assert np.bincount(t_train).tolist() == [320] * 10
    assert np.bincount(t_val).tolist() == [80] * 10
    assert len(np.unique(t_val[:20])) > 1  # shuffled, not sorted by class


def test_split_validation_puts_every_sample_in_exactly_one_part():
    t = np.repeat(np.arange(3), [5, 10, 7])
    ids = np.arange(len(t))
    (id_train, t_train), (id_val, t_val) = split_validation(ids, t, validation_rate=0.3, seed=4)
    np.testing.assert_array_equal(np.sort(np.concatenate([id_train, id_val])), ids)
    np.testing.assert_array_equal(t[id_train], t_train)  # each sample keeps its label
    np.testing.assert_array_equal(t[id_val], t_val)
    assert np.bincount(t_val).tolist() == [2, 3, 2]  # round(0.3 * n) of each class


def test_split_validation_is_deterministic_and_seeded():
    x, t = toy_dataset("moons", n_samples=60)
    first = split_validation(x, t, seed=1)
    again = split_validation(x, t, seed=1)
    for part, same in zip(first, again, strict=True):
        np.testing.assert_array_equal(part[0], same[0])
        np.testing.assert_array_equal(part[1], same[1])
    other = split_validation(x, t, seed=2)
    assert not np.array_equal(first[1][0], other[1][0])
    np.testing.assert_array_equal(split_validation(x, t)[1][0], split_validation(x, t)[1][0])


def test_split_validation_keeps_one_hot_targets_and_the_same_split():
    (x, t), _ = bundled()
    (x_a, t_a), (x_b, t_b) = split_validation(x, t, seed=3)
    (x_c, t_c), (x_d, t_d) = split_validation(x, to_one_hot(t.astype(int), 10), seed=3)
    assert t_c.shape == (3200, 10) and t_d.shape == (800, 10)
    np.testing.assert_array_equal(t_c.argmax(axis=1), t_a)
    np.testing.assert_array_equal(x_d, x_b)


def test_split_validation_leaves_its_inputs_alone():
    x = np.arange(40.0).reshape(20, 2)
    t = np.arange(20) % 2
    x_before, t_before = x.copy(), t.copy()
    x.flags.writeable = t.flags.writeable = False  # read-only inputs work too
    (x_train, t_train), (x_val, t_val) = split_validation(x, t)
    np.testing.assert_array_equal(x, x_before)
    np.testing.assert_array_equal(t, t_before)
    x_train[...] = -1
    t_val[...] = 5
    np.testing.assert_array_equal(x, x_before)
    np.testing.assert_array_equal(t, t_before)


def test_split_validation_keeps_the_shape_of_each_sample():
    images = np.zeros((30, 1, 28, 28), dtype=np.uint8)
    (x_train, _), (x_val, _) = split_validation(images, np.arange(30) % 3, validation_rate=0.2)
    assert x_train.shape == (24, 1, 28, 28) and x_val.shape == (6, 1, 28, 28)
    (x_train, _), (x_val, _) = split_validation([[0], [1], [2], [3]], [0, 0, 1, 1], 0.5)
    assert x_train.shape == x_val.shape == (2, 1)


@given(
    counts=st.lists(st.integers(2, 40), min_size=1, max_size=5),
    rate=st.floats(0.05, 0.95),
    seed=st.integers(0, 2**32),
)
def test_split_validation_holds_out_round_rate_of_each_class(counts, rate, seed):
    n_val = [int(np.floor(rate * n + 0.5)) for n in counts]
    t = np.repeat(np.arange(len(counts)), counts)
    ids = np.arange(len(t))
    if not all(0 < k < n for k, n in zip(n_val, counts, strict=True)):
        with pytest.raises(ValueError, match="would be missing from one part"):
            split_validation(ids, t, rate, seed)
        return
    (id_train, t_train), (id_val, t_val) = split_validation(ids, t, rate, seed)
    assert np.bincount(t_val, minlength=len(counts)).tolist() == n_val
    np.testing.assert_array_equal(np.sort(np.concatenate([id_train, id_val])), ids)
    np.testing.assert_array_equal(t[id_val], t_val)


GOOD_T = np.arange(10) % 2


@pytest.mark.parametrize(
    "args, kwargs, error, message",
    [
        ((np.zeros((10, 2)), GOOD_T), dict(validation_rate=0), ValueError, "strictly between"),
        ((np.zeros((10, 2)), GOOD_T), dict(validation_rate=1.0), ValueError, "strictly between"),
        ((np.zeros((10, 2)), GOOD_T), dict(validation_rate=-0.2), ValueError, "strictly between"),
        ((np.zeros((10, 2)), GOOD_T), dict(validation_rate=float("nan")), ValueError, "finite"),
        ((np.zeros((10, 2)), GOOD_T), dict(validation_rate="0.2"), TypeError, "validation_rate"),
        ((np.zeros((10, 2)), GOOD_T), dict(validation_rate=True), TypeError, "validation_rate"),
        ((np.zeros((10, 2)), GOOD_T), dict(seed=-1), ValueError, "seed"),
        ((np.zeros((10, 2)), GOOD_T), dict(seed=1.5), TypeError, "seed"),
        ((np.zeros((9, 2)), GOOD_T), {}, ValueError, "x has 9 samples but t has 10"),
        ((np.array(["a"] * 10), GOOD_T), {}, TypeError, "x must hold numbers"),
        ((np.float64(1.0), GOOD_T), {}, ValueError, "one sample per row"),
        ((np.zeros((10, 2)), GOOD_T.astype(float)), {}, TypeError, "must be integers"),
        ((np.zeros((10, 2)), GOOD_T - 1), {}, ValueError, "0 or more"),
        ((np.zeros((10, 2)), np.ones((10, 2))), {}, ValueError, "one-hot"),
        ((np.zeros((10, 2)), np.zeros((10, 2, 1))), {}, ValueError, "labels"),
        ((np.zeros((0, 2)), np.zeros(0, dtype=int)), {}, ValueError, "nothing to split"),
        ((np.zeros((10, 2)), np.array([0] * 9 + [1])), {}, ValueError, "class 1 has 1 sample"),
        ((np.zeros((4, 2)), np.array([0, 0, 1, 1])), dict(validation_rate=0.1), ValueError, "none"),
        ((np.zeros((4, 2)), np.array([0, 0, 1, 1])), dict(validation_rate=0.9), ValueError, "all"),
    ],
)
def test_split_validation_bad_arguments(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        split_validation(*args, **kwargs)
