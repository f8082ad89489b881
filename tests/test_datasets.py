import hashlib
import inspect
from importlib import resources

import numpy as np
import pytest

from zerotsuku.datasets import TOY_DATASETS, dummy_dataset, load_mnist, to_one_hot, toy_dataset

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


@pytest.mark.parametrize("name", sorted(TOY_DATASETS))
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
    ],
)
def test_toy_dataset_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        toy_dataset(**kwargs)


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
