"""The code of a lab run: public API only, and it reproduces the run in a fresh namespace."""

import numpy as np
import pytest

from zerotsuku.lab import TrainingLab
from zerotsuku.lab.reproduce import run_code


def same_params(a, b):
    return all(np.array_equal(a.params[k], b.params[k]) for k in a.params)


@pytest.mark.parametrize(
    "settings",
    [
        {"iters_num": 60},
        {"dataset": "spiral", "learning_rate": 10**0.1, "hidden_size": 7, "iters_num": 40},
        {"dataset": "dummy", "gradient": "fast_numerical", "iters_num": 20},
        {"dataset": "mnist", "hidden_size": 6, "batch_size": 50, "iters_num": 30},
        {"data_size": 70, "validation_share": 0.45, "label_noise": 0.15, "iters_num": 30},
        {"dataset": "blobs3", "data_size": 1000, "validation_share": 0.1, "iters_num": 30},
        {"dataset": "dummy", "data_size": 300, "validation_share": 0.5, "iters_num": 20},
        {
            "dataset": "mnist",
            "data_size": 700,
            "validation_share": 0.3,
            "label_noise": 0.2,
            "hidden_size": 5,
            "iters_num": 20,
        },
    ],
)
def test_the_code_reproduces_the_run_in_a_fresh_namespace(settings):
    lab = TrainingLab(**settings)
    namespace = {}
    exec(lab.code, namespace)
    history = namespace["history"]
    assert history.final_loss == lab.history.final_loss
    np.testing.assert_array_equal(history.train_loss, lab.history.train_loss)
    np.testing.assert_array_equal(history.test_acc, lab.run.val_acc)
    assert same_params(namespace["network"], lab.network)
    data = lab.run.data
    for part in ("x_train", "t_train", "x_val", "t_val", "x_test", "t_test"):
        np.testing.assert_array_equal(namespace[part], getattr(data, part))
    test_acc = namespace["network"].accuracy(namespace["x_test"], namespace["t_test"])
    assert test_acc == lab.run.test_acc


def test_the_code_of_a_paused_run_trains_to_where_it_is():
    lab = TrainingLab(iters_num=100)
    lab.reset()
    lab.step(13)
    assert "iters_num=13," in lab.code
    namespace = {}
    exec(lab.code, namespace)
    assert namespace["history"].final_loss == lab.history.final_loss


@pytest.mark.parametrize(
    "settings",
    [
        {"iters_num": 20},
        {"dataset": "dummy", "iters_num": 20, "label_noise": 0.1},
        {"dataset": "mnist", "data_size": 600, "iters_num": 20, "hidden_size": 3},
    ],
)
def test_the_code_uses_only_the_public_api(settings):
    code = TrainingLab(**settings).code
    imports = [line for line in code.splitlines() if "import" in line]
    assert imports and all(" _" not in line and "._" not in line for line in imports)
    assert "zerotsuku.lab" not in code  # the data are rebuilt from zerotsuku.datasets


@pytest.mark.parametrize(
    "settings",
    [
        {"dataset": "moons", "hidden_size": 4, "learning_rate": 0.5, "iters_num": 50, "seed": 3},
        {"dataset": "spiral", "data_size": 90, "validation_share": 0.45, "iters_num": 20},
        {"dataset": "mnist", "data_size": 800, "validation_share": 0.15, "iters_num": 20},
    ],
)
def test_the_settings_rebuild_the_same_lab(settings):
    lab = TrainingLab(**settings)
    again = TrainingLab(**lab.settings)
    assert again.settings == lab.settings
    assert again.controls["data_size"].value == lab.controls["data_size"].value
    np.testing.assert_array_equal(again.history.train_loss, lab.history.train_loss)


def test_run_code_without_a_lab_gives_the_run_of_its_settings():
    from zerotsuku.lab import run_experiment

    settings = {"dataset": "xor", "data_size": 120, "validation_share": 0.25, "label_noise": 0.1}
    namespace = {}
    exec(run_code(settings, 40), namespace)
    expected = run_experiment(iters_num=40, **settings)
    np.testing.assert_array_equal(namespace["history"].train_loss, expected.history.train_loss)
    assert same_params(namespace["network"], expected.network)


@pytest.mark.parametrize(("iterations", "error"), [(-1, ValueError), (2.5, TypeError)])
def test_bad_iterations_are_named(iterations, error):
    with pytest.raises(error, match="iterations"):
        run_code({}, iterations)
