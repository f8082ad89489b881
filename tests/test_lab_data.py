"""The lab's data: labelled samples split into training and validation data, a test set apart."""

import numpy as np
import pytest

from zerotsuku.datasets import dummy_dataset, flip_labels, load_mnist, split_validation, toy_dataset
from zerotsuku.lab.data import (
    DATA_SIZES,
    DATASETS,
    VALIDATION_SHARES,
    check_data_settings,
    data_for,
    lab_data,
)


@pytest.mark.parametrize("name", DATASETS)
def test_every_data_set_is_read_only_float_inputs_and_integer_labels(name):
    data = lab_data(name)
    assert data.name == name and data.x_train.dtype == np.float64
    assert data.t_train.dtype.kind == "i" and data.t_train.shape == (data.train_size,)
    assert data.x_val.shape[1] == data.x_test.shape[1] == data.input_size
    for x, t in ((data.x_val, data.t_val), (data.x_test, data.t_test)):
        assert x.dtype == np.float64 and t.dtype.kind == "i" and t.shape == (len(x),)
    for t in (data.t_train, data.t_val, data.t_test):
        assert set(np.unique(t)) <= set(range(data.num_classes))
    for array in (data.x_train, data.t_train, data.x_val, data.t_val, data.x_test, data.t_test):
        assert not array.flags.writeable
    assert lab_data(name) is data  # made once
    assert data.data_size == DATA_SIZES[name][1]  # the standard size by default


def rows(x):
    return {row.tobytes() for row in x}


@pytest.mark.parametrize("name", DATASETS)
def test_training_validation_and_test_data_share_no_sample(name):
    data = lab_data(name, data_size=DATA_SIZES[name][2], validation_share=0.5)
    train, val, test = rows(data.x_train), rows(data.x_val), rows(data.x_test)
    if name != "mnist":  # real digits may repeat across MNIST's own training and test sets
        assert not train & test and not val & test
    assert not train & val


@pytest.mark.parametrize("name", ["circles", "spiral3"])
@pytest.mark.parametrize(("size", "share"), [(250, 0.2), (40, 0.1), (1000, 0.5), (333, 0.35)])
def test_a_2d_problem_splits_its_labelled_draw_and_keeps_a_fixed_test_draw(name, size, share):
    data = lab_data(name, data_size=size, validation_share=share)
    x, t = toy_dataset(name, size, seed=0)
    (x_train, t_train), (x_val, t_val) = split_validation(x, t, share, seed=0)
    np.testing.assert_array_equal(data.x_train, x_train)
    np.testing.assert_array_equal(data.t_train, t_train)
    np.testing.assert_array_equal(data.x_val, x_val)
    np.testing.assert_array_equal(data.t_val, t_val)
    np.testing.assert_array_equal(data.x_test, toy_dataset(name, 200, seed=1)[0])
    assert data.data_size == size
    assert f"{len(t_val)} held out for validation" in data.note


def test_a_bigger_validation_share_leaves_fewer_training_points():
    sizes = [lab_data("moons", validation_share=share).train_size for share in (0.1, 0.3, 0.5)]
    assert sizes == [224, 174, 124]  # each class of 125 holds out round(share * 125)
    assert lab_data("moons", data_size=500).train_size == 400


def test_the_standard_sizes_keep_the_training_sets_of_the_notebooks():
    assert lab_data("circles").train_size == 200 and len(lab_data("circles").t_val) == 50
    assert lab_data("dummy").train_size == 100
    assert lab_data("mnist").train_size == 3200 and len(lab_data("mnist").t_val) == 800


def test_mnist_validation_is_a_stratified_share_of_the_bundled_training_digits():
    data = lab_data("mnist")
    (x, t), (x_test, t_test) = load_mnist(source="bundled")
    (x_train, t_train), (x_val, t_val) = split_validation(x, t, 0.2, seed=0)
    np.testing.assert_array_equal(data.x_train, x_train)
    np.testing.assert_array_equal(data.t_val, t_val)
    assert np.bincount(data.t_val).tolist() == [80] * 10  # 400 of each digit, a fifth held out
    np.testing.assert_array_equal(data.x_test, x_test)  # the test digits are untouched
    np.testing.assert_array_equal(data.t_test, t_test)


def test_fewer_mnist_digits_are_the_first_of_the_bundled_training_digits():
    data = lab_data("mnist", data_size=600, validation_share=0.5)
    (x, t), (x_test, _) = load_mnist(source="bundled")
    (x_train, _), (x_val, _) = split_validation(x[:600], t[:600], 0.5, seed=0)
    np.testing.assert_array_equal(data.x_train, x_train)
    np.testing.assert_array_equal(data.x_val, x_val)
    assert data.data_size == 600 and len(data.t_test) == 1000


def test_dummy_data_are_trained_on_the_argmax_of_coin_flip_rows():
    x, coin_rows = dummy_dataset(125, seed=0)
    assert not np.all(coin_rows.sum(axis=1) == 1)  # the rows really are not one-hot
    (_, t_train), (_, t_val) = split_validation(x, coin_rows.argmax(axis=1), 0.2, seed=0)
    np.testing.assert_array_equal(lab_data("dummy").t_train, t_train)
    np.testing.assert_array_equal(lab_data("dummy").t_val, t_val)
    np.testing.assert_array_equal(lab_data("dummy").t_test, dummy_dataset(seed=1)[1].argmax(axis=1))
    assert "argmax" in lab_data("dummy").note


@pytest.mark.parametrize("name", ["blobs3", "dummy", "mnist"])
def test_label_noise_flips_the_training_labels_only(name):
    clean, noisy = lab_data(name), lab_data(name, 0.3)
    num_classes = clean.num_classes
    expected = flip_labels(clean.t_train, 0.3, num_classes=num_classes, seed=0)
    np.testing.assert_array_equal(noisy.t_train, expected)
    assert (noisy.t_train != clean.t_train).sum() == round(0.3 * clean.train_size)
    np.testing.assert_array_equal(noisy.x_train, clean.x_train)
    np.testing.assert_array_equal(noisy.t_val, clean.t_val)
    np.testing.assert_array_equal(noisy.t_test, clean.t_test)


@pytest.mark.parametrize("name", DATASETS)
def test_every_size_and_share_in_range_splits(name):
    low, _, high = DATA_SIZES[name]
    for size in (low, low + 1, high):
        for share in VALIDATION_SHARES:
            data = lab_data(name, data_size=size, validation_share=share)
            assert data.data_size == size
            assert set(np.unique(data.t_val)) == set(np.unique(data.t_train))


def test_data_for_reads_the_data_keys_of_a_settings_dict():
    settings = {"dataset": "xor", "data_size": 100, "validation_share": 0.3, "hidden_size": 3}
    assert data_for(settings) is lab_data("xor", data_size=100, validation_share=0.3)


@pytest.mark.parametrize(("name", "error"), [("iris", ValueError), (3, TypeError)])
def test_an_unknown_data_set_is_named(name, error):
    with pytest.raises(error, match="name must be one of"):
        lab_data(name)


@pytest.mark.parametrize(
    ("settings", "error", "match"),
    [
        ({"data_size": 2.5}, TypeError, "data_size must be a whole number"),
        ({"data_size": "100"}, TypeError, "data_size"),
        ({"data_size": 39}, ValueError, "data_size must be 40 to 1,000 for circles, got 39"),
        ({"data_size": 1001}, ValueError, "data_size must be 40 to 1,000"),
        ({"name": "mnist", "data_size": 400}, ValueError, "500 to 4,000 for mnist"),
        ({"validation_share": "0.2"}, TypeError, "validation_share must be a number"),
        ({"validation_share": float("nan")}, ValueError, "validation_share"),
        ({"validation_share": 0.05}, ValueError, "validation_share must be between 0.1 and 0.5"),
        ({"validation_share": 0.6}, ValueError, "validation_share must be between"),
        ({"label_noise": 0.6}, ValueError, "label_noise must be between 0 and 0.5"),
        ({"label_noise": None}, TypeError, "label_noise"),
    ],
)
def test_bad_data_settings_are_named(settings, error, match):
    settings = {"name": "circles", **settings}
    with pytest.raises(error, match=match):
        check_data_settings(**settings)
    with pytest.raises(error, match=match):
        lab_data(**settings)
