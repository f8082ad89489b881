"""The code of a lab run: Python, public API only, that reproduces it from scratch.

The data are rebuilt from :mod:`zerotsuku.datasets` as :mod:`zerotsuku.lab.data` builds them,
the net and its training are :class:`~zerotsuku.networks.TwoLayerNet` and
:func:`~zerotsuku.training.train`: what notebooks 07 to 09 taught.
"""

import textwrap

from .._checks import whole_number
from ..datasets import TOY_DATASETS
from .data import DATA_SIZES, SEEDS, TEST_SIZES, data_for
from .experiment import DEFAULTS, full_settings

__all__ = ["run_code"]


def run_code(settings, iterations):
    """Python that reproduces a lab run with the package's public API alone.

    Parameters
    ----------
    settings : dict
        The run's settings (any of the keys of :data:`~zerotsuku.lab.experiment.DEFAULTS`).
    iterations : int
        Iterations done, the ``iters_num`` of the code's ``train()`` call.

    Returns
    -------
    str
        Code that, run in a fresh namespace, leaves the run's TrainingHistory in
        ``history``, its network in ``network`` and its data in ``x_train`` ... ``t_test``.

    Used by :attr:`~zerotsuku.lab.TrainingLab.code`.

    Examples
    --------
    >>> namespace = {}
    >>> exec(run_code({"dataset": "gauss"}, 50), namespace)  # doctest: +ELLIPSIS
    last batch loss 0.0...
    test (final check) 1.000
    >>> len(namespace["history"].train_loss)
    50
    """
    s = full_settings(**{key: value for key, value in settings.items() if key in DEFAULTS})
    iterations = whole_number("iterations", iterations, 0)
    data = data_for(s)
    name, size, share, noise = s["dataset"], s["data_size"], s["validation_share"], s["label_noise"]
    if name in TOY_DATASETS:
        source = [f"x, t = toy_dataset({name!r}, {size}, seed={SEEDS['labelled']})"]
        test = [f"x_test, t_test = toy_dataset({name!r}, {TEST_SIZES[name]}, seed={SEEDS['test']})"]
        loaders = ["toy_dataset"]
    elif name == "dummy":
        source = [
            f"x, rows = dummy_dataset({size}, seed={SEEDS['labelled']})  # coin flips, not one-hot",
            "t = rows.argmax(axis=1)  # the class the book's cross_entropy_error reads",
        ]
        test = [
            f"x_test, rows_test = dummy_dataset({TEST_SIZES[name]}, seed={SEEDS['test']})",
            "t_test = rows_test.argmax(axis=1)",
        ]
        loaders = ["dummy_dataset"]
    else:
        source = ['(x, t), (x_test, t_test) = load_mnist(source="bundled")']
        if size < DATA_SIZES["mnist"][2]:
            source.append(f"x, t = x[:{size}], t[:{size}]  # the first {size:,} training digits")
        test = []
        loaders = ["load_mnist"]
    split = [
        f"(x_train, t_train), (x_val, t_val) = split_validation(x, t, {share!r}, "
        f"seed={SEEDS['labelled']})"
    ]
    if noise:
        loaders.append("flip_labels")
        split.append(
            f"t_train = flip_labels(t_train, {noise!r}, num_classes={data.num_classes}, "
            f"seed={SEEDS['labelled']})  # label noise: training labels only"
        )
    imports = ", ".join(sorted([*loaders, "split_validation"]))
    lines = [
        f"from zerotsuku.datasets import {imports}",
        "from zerotsuku.networks import TwoLayerNet",
        "from zerotsuku.training import train",
        "",
        *(f"# {line}" for line in textwrap.wrap(data.note, 94)),
        *source,
        *split,
        *test,
    ]
    lines += [
        f"network = TwoLayerNet({data.input_size}, {s['hidden_size']}, {data.num_classes}, "
        f"weight_init_std={s['weight_init_std']!r}, seed={s['seed']}, "
        f"activation={s['activation']!r})",
        "history = train(",
        "    network,",
        "    x_train,",
        "    t_train,",
        "    x_test=x_val,  # the validation data: accuracy once per epoch",
        "    t_test=t_val,",
        f"    iters_num={iterations},",
        f"    batch_size={s['batch_size']},",
        f"    learning_rate={s['learning_rate']!r},",
        f"    gradient={s['gradient']!r},",
        f"    seed={s['seed']},",
        ")",
        'print(f"last batch loss {history.final_loss:.4f}")',
        'print(f"test (final check) {network.accuracy(x_test, t_test):.3f}")',
    ]
    return "\n".join(lines) + "\n"
