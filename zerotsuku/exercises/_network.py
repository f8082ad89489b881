"""Cases for the ``TwoLayerNet`` class (notebooks 07 and later).

Each case builds the learner's net with the book's constructor, puts the same fixed
parameters into ``net.params``, and compares a method's result with the value worked
out here: affine -> sigmoid -> affine -> softmax, the mean cross-entropy with the 1e-7
guard, central differences with h = 1e-4, and backpropagation's closed form.
"""

import numpy as np

from ._activations import _softmax_rows
from ._compare import Mismatch, expect_array, expect_number, show
from ._feedback import Exercise
from ._running import Case, Skip

__all__ = ["TWO_LAYER_NET"]

KEYS = ("W1", "b1", "W2", "b2")
SIZES = (3, 4, 2)
SHAPES = {"W1": (3, 4), "b1": (4,), "W2": (4, 2), "b2": (2,)}
PARAMS = {
    "W1": np.array([[0.5, -1.2, 0.8, 0.1], [-0.3, 0.9, -0.7, 1.1], [1.0, 0.2, -0.4, -0.9]]),
    "b1": np.array([0.1, -0.2, 0.05, 0.3]),
    "W2": np.array([[1.2, -0.8], [-1.0, 0.6], [0.7, 0.9], [-0.5, -1.1]]),
    "b2": np.array([-0.4, 0.3]),
}
X = np.array(
    [[0.5, -1.0, 2.0], [1.5, 0.3, -0.7], [-1.2, 0.8, 0.4], [0.0, -0.5, -1.5], [2.0, 1.0, 0.5]]
)
GIVEN = "x: 5 samples of 3 features; W1, b1, W2, b2 set to fixed values"


def _forward(params, x, hidden="sigmoid", output="softmax"):
    a1 = x @ params["W1"] + params["b1"]
    z1 = 1 / (1 + np.exp(-a1)) if hidden == "sigmoid" else np.maximum(0, a1)
    scores = z1 @ params["W2"] + params["b2"]
    if output == "softmax":
        return _softmax_rows(scores)
    return scores if output == "none" else 1 / (1 + np.exp(-scores))


def _loss(params, x, labels):
    y = _forward(params, x)
    return -np.sum(np.log(y[np.arange(len(labels)), labels] + 1e-7)) / len(labels)


PREDICTED = _forward(PARAMS, X).argmax(axis=1)
LABELS = np.where(np.arange(5) < 3, PREDICTED, 1 - PREDICTED)
"""Targets with 3 of the 5 samples right, so accuracy is 0.6."""
T = np.eye(2)[LABELS]


def _numerical(params, x, labels, h=1e-4):
    params = {key: value.copy() for key, value in params.items()}
    grads = {}
    for key in KEYS:
        grad = np.zeros_like(params[key])
        for index in np.ndindex(grad.shape):
            keep = params[key][index]
            params[key][index] = keep + h
            plus = _loss(params, x, labels)
            params[key][index] = keep - h
            minus = _loss(params, x, labels)
            params[key][index] = keep
            grad[index] = (plus - minus) / (2 * h)
        grads[key] = grad
    return grads


def _backprop(params, x, t):
    a1 = x @ params["W1"] + params["b1"]
    z1 = 1 / (1 + np.exp(-a1))
    dy = (_forward(params, x) - t) / len(x)
    da1 = (dy @ params["W2"].T) * z1 * (1 - z1)
    return {"W1": x.T @ da1, "b1": da1.sum(axis=0), "W2": z1.T @ dy, "b2": dy.sum(axis=0)}


def _new_net(trial, answer, *args, **kwargs):
    shown = ", ".join([*map(str, args), *(f"{k}={v}" for k, v in kwargs.items())])
    return trial.call(lambda: answer(*args, **kwargs), what=f"TwoLayerNet({shown})")


def _params_of(net, made):
    params = getattr(net, "params", None)
    if not isinstance(params, dict) or set(params) != set(KEYS):
        shown = f"a dict with {_keys(params)}" if isinstance(params, dict) else show(params)
        raise Mismatch(
            f"{made} should have a dict net.params with the keys 'W1', 'b1', 'W2', 'b2'",
            got=f"net.params is {shown}",
        )
    return params


def _net_with_params(trial, answer):
    """The learner's TwoLayerNet(3, 4, 2) holding copies of the fixed PARAMS."""
    net = _new_net(trial, answer, *SIZES)
    params = _params_of(net, "TwoLayerNet(3, 4, 2)")
    try:
        own = {key: np.array(value, dtype=np.float64) for key, value in params.items()}
    except (TypeError, ValueError):
        own = None  # not numbers: the checks below will say so
    for key in KEYS:
        params[key] = PARAMS[key].copy()
    return net, own


def _method(trial, net, name, *args):
    method = getattr(net, name, None)
    if not callable(method):
        raise Mismatch(f"the class needs a method {name}({', '.join('xt'[: len(args)])})")
    return trial.call(method, *args, what=f"net.{name}({', '.join('xt'[: len(args)])})")


def _construct(trial, answer):
    net = _new_net(trial, answer, *SIZES)
    params = _params_of(net, "TwoLayerNet(3, 4, 2)")
    for key in KEYS:
        value = params[key]
        if not isinstance(value, np.ndarray):
            raise Mismatch(f"params[{key!r}] should be a numpy array, got {show(value)}")
        if value.shape != SHAPES[key]:
            hints = ["the shape is transposed"] if value.shape == SHAPES[key][::-1] else []
            raise Mismatch(
                f"params[{key!r}] has shape {value.shape}, expected {SHAPES[key]}",
                hints=hints + ["W1 is (input_size, hidden_size), W2 (hidden_size, output_size)"],
            )
        if key.startswith("b") and np.any(np.asarray(value) != 0):
            raise Mismatch(
                f"params[{key!r}] should start at 0, got {show(value)}",
                hints=("biases start at zero: np.zeros(hidden_size)",),
            )
    if not np.any(params["W1"]) or not np.any(params["W2"]):
        raise Mismatch("the start weights are all 0: draw them at random (np.random.randn)")


def _spread(trial, answer):
    """W1 and W2 drawn with mean 0 and the asked spread, by default and for 0.5.

    The learner's draw is unseeded, so the test is statistical: with 1,200 and 600
    draws the sample spread is within about 3% of the true one (one standard error)
    and the mean within 4% of a spread, so the ±30% and 50% margins never fail by chance.
    """
    for std, kwargs in ((0.01, {}), (0.5, {"weight_init_std": 0.5})):
        net = _new_net(trial, answer, 40, 30, 20, **kwargs)
        params = _params_of(net, "TwoLayerNet(40, 30, 20)")
        for key in ("W1", "W2"):
            value = np.asarray(params[key], dtype=np.float64)
            spread, centre = float(value.std()), float(value.mean())
            if not (0.7 * std <= spread <= 1.3 * std and abs(centre) <= 0.5 * std):
                shown = ", ".join(f"{k}={v}" for k, v in kwargs.items())
                raise Mismatch(
                    f"params[{key!r}] of TwoLayerNet(40, 30, 20{', ' + shown if shown else ''}) "
                    f"has mean {show(centre)} and spread (standard deviation) {show(spread)}; "
                    f"expected mean about 0 and spread about {std:g}",
                    hints=(
                        "draw standard-normal numbers and scale them: weight_init_std * "
                        "np.random.randn(input_size, hidden_size)",
                    ),
                )


def _prediction_alternatives(x, own):
    alternatives = [
        (
            _forward(PARAMS, x, output="none"),
            "these are the scores before softmax: predict "
            "ends with softmax, so each row holds probabilities",
        ),
        (
            _forward(PARAMS, x, hidden="relu"),
            "the hidden layer of this chapter's net uses "
            "sigmoid, not ReLU (ReLU comes with backpropagation in chapter 5)",
        ),
        (_forward(PARAMS, x, output="sigmoid"), "the output layer uses softmax, not sigmoid"),
    ]
    try:
        with_own_weights = _forward(own, x)
    except (TypeError, ValueError, KeyError):  # start weights of the wrong shape or kind
        return alternatives
    hint = (
        "these come from the net's own start weights: predict must read the weights "
        "from self.params (the checker puts its own there)"
    )
    return [*alternatives, (with_own_weights, hint)]


def _predict_case(name, x):
    expected = _forward(PARAMS, x)

    def run(trial, answer):
        net, own = _net_with_params(trial, answer)
        got = _method(trial, net, "predict", x.copy())
        expect_array(
            got,
            expected,
            rtol=1e-7,
            atol=1e-10,
            what="predict(x)",
            alternatives=_prediction_alternatives(x, own),
        )

    return Case(name, run, given=f"x = {show(x)}; W1, b1, W2, b2 set to fixed values")


def _loss_case(name, t):
    expected = float(_loss(PARAMS, X, LABELS))

    def run(trial, answer):
        net, _ = _net_with_params(trial, answer)
        got = _method(trial, net, "loss", X.copy(), t.copy())
        expect_number(
            got,
            expected,
            rtol=1e-6,
            atol=1e-9,
            what="loss(x, t)",
            alternatives=[
                (expected * len(X), "that is the sum over the batch; the loss is the mean"),
            ],
        )

    return Case(name, run, given=f"{GIVEN}; t = {show(t)}")


def _accuracy(trial, answer):
    net, _ = _net_with_params(trial, answer)
    got = _method(trial, net, "accuracy", X.copy(), T.copy())
    expect_number(
        got,
        0.6,
        rtol=0,
        atol=1e-12,
        what="accuracy(x, t)",
        alternatives=[
            (3, "that is the number of right answers: divide by the number of samples"),
            (60, "give a fraction between 0 and 1, not a percentage"),
        ],
    )


def _keys(mapping):
    return "keys " + ", ".join(sorted(repr(key) for key in mapping)) if mapping else "no keys"


def _expect_grads(got, expected, name, hints=()):
    """Each gradient close to ``expected``, within 1e-5 of that array's largest entry."""
    if not isinstance(got, dict) or set(got) != set(KEYS):
        shown = f"a dict with {_keys(got)}" if isinstance(got, dict) else show(got)
        raise Mismatch(
            f"{name} should return a dict with the keys 'W1', 'b1', 'W2', 'b2', got {shown}"
        )
    for key in KEYS:
        expect_array(
            got[key],
            expected[key],
            rtol=1e-5,
            atol=1e-5 * float(np.abs(expected[key]).max()),
            what=f"{name}[{key!r}]",
            alternatives=[
                (
                    expected[key] * len(X),
                    "this is batch-size times too large: divide by the batch size",
                )
            ],
            hints=hints,
        )


def _numerical_gradient(trial, answer):
    expected = _numerical(PARAMS, X, LABELS)
    net, _ = _net_with_params(trial, answer)
    got = _method(trial, net, "numerical_gradient", X.copy(), T.copy())
    for key in KEYS:
        if not np.array_equal(net.params[key], PARAMS[key]):
            raise Mismatch(
                f"net.params[{key!r}] changed during numerical_gradient: every weight must "
                "be put back exactly as it was"
            )
    _expect_grads(got, expected, "numerical_gradient(x, t)")


def _gradient(trial, answer):
    if not callable(getattr(answer, "gradient", None)):
        raise Skip("no gradient method yet; it is checked once the class has one")
    net, _ = _net_with_params(trial, answer)
    got = _method(trial, net, "gradient", X.copy(), T.copy())
    _expect_grads(
        got,
        _backprop(PARAMS, X, T),
        "gradient(x, t)",
        hints=(
            "compare with the derivation: at the output dy = (y - t) / batch_size; back "
            "through the sigmoid, multiply by z1 * (1 - z1); a bias's gradient is the sum "
            "over the batch (axis=0), a weight's is its layer input, transposed, @ the delta",
        ),
    )


TWO_LAYER_NET = Exercise(
    "TwoLayerNet",
    "class",
    (
        Case(
            "TwoLayerNet(3, 4, 2) makes params W1 (3, 4), b1 (4,), W2 (4, 2), b2 (2,); biases 0",
            _construct,
            given="TwoLayerNet(3, 4, 2)",
            essential=True,
        ),
        Case(
            "weight_init_std sets the spread of the start weights (0.01 by default)",
            _spread,
            given="TwoLayerNet(40, 30, 20) and TwoLayerNet(40, 30, 20, weight_init_std=0.5)",
        ),
        _predict_case("predict(x) of a batch: softmax probabilities, one row per sample", X),
        _predict_case("predict(x) of one sample (1-D x)", X[0]),
        _loss_case("loss(x, t) with one-hot targets: the mean cross-entropy", T),
        _loss_case("loss(x, t) with label targets", LABELS),
        Case(
            "accuracy(x, t) with one-hot targets: the fraction right (3 of 5 here)",
            _accuracy,
            given=f"{GIVEN}; t = {show(T)}",
        ),
        Case(
            "numerical_gradient(x, t): central differences for every parameter, weights put back",
            _numerical_gradient,
            given=f"{GIVEN}; t = {show(T)}",
        ),
        Case(
            "gradient(x, t) by backpropagation, if the class has it: the same gradients",
            _gradient,
            given=f"{GIVEN}; t = {show(T)}",
        ),
    ),
)
