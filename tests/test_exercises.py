"""Tests for zerotsuku.exercises: right answers pass, the usual wrong ones are named."""

import signal
import threading
import warnings

import numpy as np
import pytest

import zerotsuku
from zerotsuku.exercises import EXERCISE_IDS, Feedback, check
from zerotsuku.gradient import numerical_gradient as package_gradient

# --- helpers ------------------------------------------------------------------------


def assert_passes(feedback):
    text = str(feedback)
    assert feedback, text
    assert feedback.status == "passed"
    assert text.startswith("✓ ") and "checks passed" in text


def assert_fails(feedback, *fragments):
    """The answer is rejected and the text contains every fragment."""
    text = str(feedback)
    assert not feedback, text
    assert feedback.status == "failed", text
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in:\n{text}"


def assert_unfinished(feedback, what="your function"):
    text = str(feedback)
    assert not feedback
    assert feedback.status == "unfinished", text
    assert f"not finished yet: {what} still raises NotImplementedError" in text
    assert "Replace `raise NotImplementedError`" in text


# --- correct answers, written differently from the package ---------------------------


def step_bool(x):
    return x > 0


def step_where(x):
    return np.where(x > 0, 1, 0)


def sigmoid_book(x):
    return 1 / (1 + np.exp(-x))


def sigmoid_tanh(x):
    return 0.5 * (1 + np.tanh(x / 2))


def sigmoid_stable(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def relu_where(x):
    return np.where(x > 0, x, 0.0)


def relu_product(x):
    return x * (x > 0)


def softmax_logsumexp(x):
    top = np.max(x, axis=-1, keepdims=True)
    log_total = np.log(np.sum(np.exp(x - top), axis=-1, keepdims=True)) + top
    return np.exp(x - log_total)


def softmax_book(a):
    if a.ndim == 2:
        a = a.T
        a = a - np.max(a, axis=0)
        y = np.exp(a) / np.sum(np.exp(a), axis=0)
        return y.T
    a = a - np.max(a)
    return np.exp(a) / np.sum(np.exp(a))


def sse_dot(y, t):
    d = y - t
    return 0.5 * d @ d


def cee_book(y, t):
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    if t.size == y.size:
        t = t.argmax(axis=1)
    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size


def cee_one_hot_conversion(y, t):
    y = np.atleast_2d(y)
    if np.size(t) != y.size:
        t = np.eye(y.shape[1])[np.reshape(t, -1).astype(int)]
    return float(np.mean(-np.sum(np.reshape(t, y.shape) * np.log(y + 1e-7), axis=1)))


def diff_book(f, x):
    h = 1e-4
    return (f(x + h) - f(x - h)) / (2 * h)


def diff_halves(f, x, h=1e-4):
    return (f(x + h) - f(x - h)) / h / 2


def gradient_nditer(f, x):
    h = 1e-4
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        idx = it.multi_index
        tmp_val = x[idx]
        x[idx] = tmp_val + h
        fxh1 = f(x)
        x[idx] = tmp_val - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = tmp_val
        it.iternext()
    return grad


def gradient_flat(f, x):
    h = 1e-4
    grad = np.zeros(x.size)
    flat = x.reshape(-1)  # a view: changes reach x
    for i in range(flat.size):
        keep = flat[i]
        flat[i] = keep + h
        up = f(x)
        flat[i] = keep - h
        down = f(x)
        flat[i] = keep
        grad[i] = (up - down) / (2 * h)
    return grad.reshape(x.shape)


def descent_book(f, init_x, lr=0.01, step_num=100):
    x = init_x
    for _ in range(step_num):
        x -= lr * package_gradient(f, x)
    return x


def descent_history(f, init_x, lr=0.01, step_num=100):
    x = init_x
    x_history = []
    for _ in range(step_num):
        x_history.append(x.copy())
        x -= lr * gradient_nditer(f, x)
    return x, np.array(x_history)


def descent_history_with_end(f, init_x, lr=0.01, step_num=100):
    x = np.array(init_x, dtype=float)
    history = [x.copy()]
    for _ in range(step_num):
        x = x - lr * gradient_flat(f, x)
        history.append(x)
    return x, history


def _softmax(a):
    e = np.exp(a - a.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


class BookNet:
    """The book's chapter-4 TwoLayerNet, written out here."""

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {}
        self.params["W1"] = weight_init_std * np.random.randn(input_size, hidden_size)
        self.params["b1"] = np.zeros(hidden_size)
        self.params["W2"] = weight_init_std * np.random.randn(hidden_size, output_size)
        self.params["b2"] = np.zeros(output_size)

    def predict(self, x):
        W1, W2 = self.params["W1"], self.params["W2"]
        b1, b2 = self.params["b1"], self.params["b2"]
        z1 = _sigmoid(np.dot(x, W1) + b1)
        return _softmax(np.dot(z1, W2) + b2)

    def loss(self, x, t):
        return cee_book(self.predict(x), t)

    def accuracy(self, x, t):
        y = np.argmax(self.predict(x), axis=1)
        t = np.argmax(t, axis=1)
        return np.sum(y == t) / float(x.shape[0])

    def numerical_gradient(self, x, t):
        def loss_W(W):
            return self.loss(x, t)

        return {key: gradient_nditer(loss_W, self.params[key]) for key in ("W1", "b1", "W2", "b2")}

    def gradient(self, x, t):
        W1, W2 = self.params["W1"], self.params["W2"]
        batch_num = x.shape[0]
        z1 = _sigmoid(np.dot(x, W1) + self.params["b1"])
        y = _softmax(np.dot(z1, W2) + self.params["b2"])
        dy = (y - t) / batch_num
        da1 = np.dot(dy, W2.T) * z1 * (1 - z1)
        return {
            "W1": np.dot(x.T, da1),
            "b1": np.sum(da1, axis=0),
            "W2": np.dot(z1.T, dy),
            "b2": np.sum(dy, axis=0),
        }


class NetWithoutGradient(BookNet):
    gradient = None


RIGHT_ANSWERS = [
    ("step_function", step_where),
    ("step_function", zerotsuku.step_function),
    ("sigmoid", sigmoid_tanh),
    ("sigmoid", sigmoid_stable),
    ("sigmoid", zerotsuku.sigmoid),
    ("relu", relu_where),
    ("relu", relu_product),
    ("relu", zerotsuku.relu),
    ("softmax", softmax_logsumexp),
    ("softmax", softmax_book),
    ("softmax", zerotsuku.softmax),
    ("sum_squared_error", sse_dot),
    ("sum_squared_error", zerotsuku.sum_squared_error),
    ("cross_entropy_error", cee_book),
    ("cross_entropy_error", cee_one_hot_conversion),
    ("cross_entropy_error", zerotsuku.cross_entropy_error),
    ("numerical_diff", diff_book),
    ("numerical_diff", diff_halves),
    ("numerical_diff", zerotsuku.numerical_diff),
    ("numerical_gradient", gradient_nditer),
    ("numerical_gradient", gradient_flat),
    ("numerical_gradient", zerotsuku.numerical_gradient),
    ("gradient_descent", descent_book),
    ("gradient_descent", descent_history),
    ("gradient_descent", descent_history_with_end),
    ("gradient_descent", zerotsuku.gradient_descent),
    ("TwoLayerNet", BookNet),
    ("TwoLayerNet", zerotsuku.TwoLayerNet),
    ("split_validation", zerotsuku.split_validation),
]


@pytest.mark.parametrize(
    ("exercise_id", "answer"), RIGHT_ANSWERS, ids=[f"{e}-{a.__name__}" for e, a in RIGHT_ANSWERS]
)
def test_right_answers_pass(exercise_id, answer):
    assert_passes(check(exercise_id, answer))


def test_every_exercise_has_a_right_answer_here():
    assert {exercise for exercise, _ in RIGHT_ANSWERS} == set(EXERCISE_IDS)


def test_a_boolean_step_function_passes_with_a_note():
    feedback = check("step_function", step_bool)
    assert_passes(feedback)
    assert "returns True/False" in str(feedback)


def test_the_overflow_warning_of_the_plain_sigmoid_is_a_note_not_a_failure(recwarn):
    feedback = check("sigmoid", sigmoid_book)
    assert_passes(feedback)
    assert "Note: " in str(feedback) and "overflow encountered in exp" in str(feedback)
    assert "only a note" in str(feedback)
    assert len(recwarn) == 0  # captured, not leaked


def test_warnings_are_captured_even_when_warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert_passes(check("sigmoid", sigmoid_book))


def test_a_learners_global_numpy_error_setting_does_not_change_the_verdict():
    with np.errstate(all="raise"):
        assert_passes(check("sigmoid", sigmoid_book))


def test_a_net_without_gradient_passes_and_says_gradient_was_skipped():
    feedback = check("TwoLayerNet", NetWithoutGradient)
    assert_passes(feedback)
    assert "– gradient(x, t)" in str(feedback) and "no gradient method yet" in str(feedback)


# --- wrong answers that learners write ------------------------------------------------


def step_greater_equal(x):
    return (x >= 0).astype(int)


def step_with_if(x):
    if x > 0:
        return 1
    return 0


def sigmoid_sign_flipped(x):
    return 1 / (1 + np.exp(x))


def sigmoid_ratio(x):
    return np.exp(x) / (1 + np.exp(x))  # nan at x = 1000: inf / inf


def relu_in_place(x):
    x[x < 0] = 0
    return x


def relu_list(x):
    return [max(0.0, v) for v in np.ravel(x)]


def relu_abs(x):
    return np.abs(x)


def relu_no_return(x):
    np.maximum(0, x)


def softmax_without_max(x):
    e = np.exp(x)
    return e / np.sum(e, axis=-1, keepdims=True)


def softmax_whole_batch(x):
    e = np.exp(x - np.max(x))
    return e / np.sum(e)


def softmax_global_max(x):
    e = np.exp(x - np.max(x))
    return e / np.sum(e, axis=-1, keepdims=True)


def softmax_in_place(x):
    x -= np.max(x, axis=-1, keepdims=True)
    e = np.exp(x)
    return e / np.sum(e, axis=-1, keepdims=True)


def sse_without_half(y, t):
    return np.sum((y - t) ** 2)


def sse_mean(y, t):
    return 0.5 * np.mean((y - t) ** 2)


def sse_no_sum(y, t):
    return 0.5 * (y - t) ** 2


def cee_sum_not_mean(y, t):
    return cee_book(y, t) * np.atleast_2d(y).shape[0]


def cee_no_guard(y, t):
    y2 = np.atleast_2d(y)
    labels = np.reshape(t, (y2.shape[0], -1)).argmax(axis=1) if np.size(t) == y.size else t
    return -np.sum(np.log(y2[np.arange(y2.shape[0]), np.reshape(labels, -1)])) / y2.shape[0]


def cee_one_hot_only(y, t):
    y2, t2 = np.atleast_2d(y), np.atleast_2d(t)
    return -np.sum(t2 * np.log(y2 + 1e-7)) / y2.shape[0]


def cee_tiny_guard(y, t):
    if y.ndim == 1:
        t, y = t.reshape(1, t.size), y.reshape(1, y.size)
    if t.size == y.size:
        t = t.argmax(axis=1)
    return -np.sum(np.log(y[np.arange(y.shape[0]), t] + 1e-10)) / y.shape[0]


def cee_guard_in_place(y, t):
    y += 1e-7
    return cee_book(y, t) + 0.0


def diff_forward(f, x):
    h = 1e-4
    return (f(x + h) - f(x)) / h


def diff_tiny_h(f, x):
    h = 1e-50
    return (f(x + h) - f(x - h)) / (2 * h)


def diff_other_h(f, x):
    h = 1e-5
    return (f(x + h) - f(x - h)) / (2 * h)


def diff_no_two(f, x):
    h = 1e-4
    return (f(x + h) - f(x - h)) / h


def gradient_forward(f, x):
    h = 1e-4
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        keep = x[idx]
        base = f(x)
        x[idx] = keep + h
        grad[idx] = (f(x) - base) / h
        x[idx] = keep
    return grad


def gradient_no_restore(f, x):
    h = 1e-4
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        keep = x[idx]
        x[idx] = keep + h
        up = f(x)
        x[idx] = keep - h
        grad[idx] = (up - f(x)) / (2 * h)
    return grad


def gradient_add_subtract(f, x):
    h = 1e-4
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        x[idx] += h
        up = f(x)
        x[idx] -= 2 * h
        down = f(x)
        x[idx] += h  # rounding: not always the value it started with
        grad[idx] = (up - down) / (2 * h)
    return grad


def gradient_only_1d(f, x):
    h = 1e-4
    grad = np.zeros_like(x)
    for idx in range(x.size):
        tmp_val = x[idx]
        x[idx] = tmp_val + h
        fxh1 = f(x)
        x[idx] = tmp_val - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = tmp_val
    return grad


def gradient_on_copies(f, x):
    h = 1e-4
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[idx] += h
        down[idx] -= h
        grad[idx] = (f(up) - f(down)) / (2 * h)
    return grad


def gradient_flattened(f, x):
    return gradient_nditer(f, x).reshape(-1)


def gradient_tiny_h(f, x):
    h = 1e-50
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        keep = x[idx]
        x[idx] = keep + h
        up = f(x)
        x[idx] = keep - h
        down = f(x)
        x[idx] = keep
        grad[idx] = (up - down) / (2 * h)
    return grad


def descent_ascent(f, init_x, lr=0.01, step_num=100):
    x = init_x
    for _ in range(step_num):
        x += lr * package_gradient(f, x)
    return x


def descent_without_lr(f, init_x, lr=0.01, step_num=100):
    x = init_x
    for _ in range(step_num):
        x -= package_gradient(f, x)
    return x


def descent_one_step_too_many(f, init_x, lr=0.01, step_num=100):
    x = init_x
    for _ in range(step_num + 1):
        x -= lr * package_gradient(f, x)
    return x


def descent_history_aliased(f, init_x, lr=0.01, step_num=100):
    x = init_x
    history = []
    for _ in range(step_num):
        history.append(x)  # the same array each time
        x -= lr * package_gradient(f, x)
    return x, history


def descent_list(f, init_x, lr=0.01, step_num=100):
    return descent_book(f, init_x, lr, step_num).tolist()


def descent_no_return(f, init_x, lr=0.01, step_num=100):
    descent_book(f, init_x, lr, step_num)


WRONG_ANSWERS = [
    ("step_function", step_greater_equal, ["x = 0 gives 0", "use x > 0, not x >= 0"]),
    ("step_function", step_with_if, ["raised ValueError", "if x > 0:", "whole arrays at once"]),
    ("sigmoid", sigmoid_sign_flipped, ["the sign is flipped", "expected 0.1192"]),
    ("sigmoid", relu_where, ["that is ReLU"]),
    ("sigmoid", sigmoid_ratio, ["✗ large inputs", "is nan, expected 1", "overflowed"]),
    ("relu", relu_in_place, ["changed its input (argument 1) in place", "x -= c"]),
    ("relu", relu_list, ["should be a numpy array of shape (5,), got a list", "not a list"]),
    ("relu", relu_abs, ["negative numbers must become 0"]),
    ("relu", relu_no_return, ["got None", "forget the `return`"]),
    ("relu", step_where, ["that is the step function"]),
    ("softmax", softmax_without_max, ["✗ large scores", "is nan", "subtract the largest score"]),
    ("softmax", softmax_whole_batch, ["each row must sum to 1", "row 0 sums to 0.9611, not 1"]),
    ("softmax", softmax_whole_batch, ["the whole batch sums to 1 instead of each row"]),
    ("softmax", softmax_global_max, ["✗ a batch of large scores far apart", "row's own maximum"]),
    ("softmax", softmax_in_place, ["changed its input"]),
    ("sum_squared_error", sse_without_half, ["is 0.195, expected 0.0975", "multiply by 0.5"]),
    ("sum_squared_error", sse_mean, ["is 0.00975, expected 0.0975", "does not take the mean"]),
    ("sum_squared_error", sse_no_sum, ["should be one number, got an array of shape (10,)"]),
    ("cross_entropy_error", cee_sum_not_mean, ["the mean over the batch", "is 2.254, expected"]),
    ("cross_entropy_error", cee_sum_not_mean, ["divide by the batch size"]),
    ("cross_entropy_error", cee_no_guard, ["is inf, expected 16.12", "np.log(y + 1e-7)"]),
    ("cross_entropy_error", cee_no_guard, ["divide by zero encountered in log"]),
    ("cross_entropy_error", cee_tiny_guard, ["is 23.03, expected 16.12", "delta = 1e-7"]),
    ("cross_entropy_error", cee_one_hot_only, ["✗ one sample (1-D) with its label", "labels"]),
    (
        "cross_entropy_error",
        cee_one_hot_only,
        ["✗ a batch with label targets, t = [2, 0, 1]: your"],
    ),
    ("cross_entropy_error", cee_guard_in_place, ["changed its input (argument 1)"]),
    ("numerical_diff", diff_forward, ["is 0.200001, expected 0.2", "forward difference"]),
    ("numerical_diff", diff_tiny_h, ["is 0, expected 0.2", "h is far too small"]),
    ("numerical_diff", diff_other_h, ["✗ f(x) = x³ at x = 1", "3.0000000001", "use h = 1e-4"]),
    ("numerical_diff", diff_no_two, ["divide by 2 * h"]),
    ("numerical_gradient", gradient_forward, ["forward difference"]),
    ("numerical_gradient", gradient_tiny_h, ["every element came out 0", "h far too small"]),
    ("numerical_gradient", gradient_no_restore, ["x[0] was 3.0 before the call and is 2.9999"]),
    ("numerical_gradient", gradient_add_subtract, ["0.19999999999999998 after it", "tmp = x"]),
    ("numerical_gradient", gradient_only_1d, ["✗ a 2-D x", "raised IndexError", "np.ndindex"]),
    ("numerical_gradient", gradient_on_copies, ["✗ an f that reads the array itself"]),
    ("numerical_gradient", gradient_on_copies, ["in x itself and call f(x)"]),
    ("numerical_gradient", gradient_flattened, ["has shape (6,), expected (2, 3)"]),
    ("numerical_gradient", relu_list, ["raised TypeError"]),
    ("gradient_descent", descent_ascent, ["-3.6, expected -2.4", "gradient ascent"]),
    ("gradient_descent", descent_ascent, ["the final x at [0] is -2.484e+08"]),
    ("gradient_descent", descent_without_lr, ["multiply the gradient by the learning rate lr"]),
    ("gradient_descent", descent_one_step_too_many, ["one step too many"]),
    ("gradient_descent", descent_history_aliased, ["the history should start at init_x"]),
    ("gradient_descent", descent_history_aliased, ["append x.copy(), not x"]),
    ("gradient_descent", descent_list, ["should be a numpy array of shape (2,), got a list"]),
    ("gradient_descent", descent_no_return, ["got None", "`return`"]),
]


@pytest.mark.parametrize(
    ("exercise_id", "answer", "fragments"),
    WRONG_ANSWERS,
    ids=[f"{e}-{a.__name__}-{n}" for n, (e, a, _) in enumerate(WRONG_ANSWERS)],
)
def test_wrong_answers_are_rejected_with_a_useful_message(exercise_id, answer, fragments):
    assert_fails(check(exercise_id, answer), *fragments)


def test_the_first_failure_shows_input_expected_and_got():
    text = str(check("softmax", softmax_whole_batch))
    assert "      input:    x = [[0.3, 2.9, 4], [0, 0, 0]]" in text
    assert "      expected: [[0.01821, 0.2452, 0.7366], [0.3333, 0.3333, 0.3333]]" in text
    assert "      got:      [[0.0175, 0.2357, 0.7079], [0.01297, 0.01297, 0.01297]]" in text
    assert "  ✓ one sample (1-D): positive outputs that sum to 1" in text
    assert text.startswith("✗ softmax: 2 of 6 checks failed.")


# --- wrong nets -------------------------------------------------------------------------


class NetWithoutSoftmax(BookNet):
    def predict(self, x):
        p = self.params
        return _sigmoid(x @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]


class NetWithReLU(BookNet):
    def predict(self, x):
        p = self.params
        return _softmax(np.maximum(0, x @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"])


class NetWithSigmoidOutput(BookNet):
    def predict(self, x):
        p = self.params
        return _sigmoid(_sigmoid(x @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"])


class NetWithOwnCopies(BookNet):
    """Keeps its start weights in attributes: new values put in params are not used."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.W1, self.b1 = self.params["W1"].copy(), self.params["b1"].copy()
        self.W2, self.b2 = self.params["W2"].copy(), self.params["b2"].copy()

    def predict(self, x):
        return _softmax(_sigmoid(x @ self.W1 + self.b1) @ self.W2 + self.b2)


class NetIgnoringInitStd(BookNet):
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        super().__init__(input_size, hidden_size, output_size, 0.01)


class NetWithUniformWeights(BookNet):
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        super().__init__(input_size, hidden_size, output_size, weight_init_std)
        self.params["W1"] = weight_init_std * np.random.rand(input_size, hidden_size)


class NetWithTransposedW1(BookNet):
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        super().__init__(input_size, hidden_size, output_size, weight_init_std)
        self.params["W1"] = self.params["W1"].T.copy()


class NetWithCountAccuracy(BookNet):
    def accuracy(self, x, t):
        return np.sum(np.argmax(self.predict(x), axis=1) == np.argmax(t, axis=1))


class NetWithSummedLoss(BookNet):
    def loss(self, x, t):
        return cee_book(self.predict(x), t) * len(x)


class NetWhoseGradientForgetsTheBatchSize(BookNet):
    def gradient(self, x, t):
        grads = super().gradient(x, t)
        return {key: value * x.shape[0] for key, value in grads.items()}


class NetWithTransposedGradient(BookNet):
    def gradient(self, x, t):
        grads = super().gradient(x, t)
        grads["W1"] = grads["W1"].T
        return grads


class NetWithRowBiasGradient(BookNet):
    def gradient(self, x, t):
        grads = super().gradient(x, t)
        grads["b1"] = grads["b1"].reshape(1, -1)
        return grads


class NetWithoutB2Gradient(BookNet):
    def numerical_gradient(self, x, t):
        grads = super().numerical_gradient(x, t)
        del grads["b2"]
        return grads


class NetThatMovesItsWeights(BookNet):
    def numerical_gradient(self, x, t):
        grads = {}
        for key in ("W1", "b1", "W2", "b2"):
            grads[key] = gradient_no_restore(lambda W: self.loss(x, t), self.params[key])
        return grads


class NetWithReLUGradient(BookNet):
    """Backprop through ReLU in a sigmoid net: like against unlike."""

    def gradient(self, x, t):
        p = self.params
        a1 = x @ p["W1"] + p["b1"]
        z1 = np.maximum(0, a1)
        dy = (self.predict(x) - t) / x.shape[0]
        da1 = (dy @ p["W2"].T) * (a1 > 0)
        return {"W1": x.T @ da1, "b1": da1.sum(0), "W2": z1.T @ dy, "b2": dy.sum(0)}


class NetWithNonZeroBias(BookNet):
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        super().__init__(input_size, hidden_size, output_size, weight_init_std)
        self.params["b1"] = np.ones(hidden_size)


class NetWithoutParams:
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.W1 = np.zeros((input_size, hidden_size))


class NetWithBadConstructor:
    def __init__(self, input_size, hidden_size):
        self.params = {}


WRONG_NETS = [
    (NetWithoutSoftmax, ["✗ predict(x) of a batch", "the scores before softmax"]),
    (NetWithReLU, ["uses sigmoid, not ReLU"]),
    (NetWithSigmoidOutput, ["the output layer uses softmax, not sigmoid"]),
    (NetWithOwnCopies, ["predict must read the weights from self.params"]),
    (NetIgnoringInitStd, ["weight_init_std=0.5) has mean", "and spread about 0.5"]),
    (NetWithUniformWeights, ["expected mean about 0", "np.random.randn"]),
    (NetWithTransposedW1, ["params['W1'] has shape (4, 3), expected (3, 4)", "transposed"]),
    (NetWithCountAccuracy, ["accuracy(x, t) is 3, expected 0.6", "divide by the number"]),
    (NetWithSummedLoss, ["that is the sum over the batch; the loss is the mean"]),
    (NetWhoseGradientForgetsTheBatchSize, ["✗ gradient(x, t)", "divide by the batch size"]),
    (NetWithTransposedGradient, ["gradient(x, t)['W1'] has shape (4, 3), expected (3, 4)"]),
    (NetWithTransposedGradient, ["rows and columns are swapped"]),
    (NetWithRowBiasGradient, ["gradient(x, t)['b1'] has shape (1, 4), expected (4,)"]),
    (NetWithoutB2Gradient, ["got a dict with keys 'W1', 'W2', 'b1'"]),
    (NetThatMovesItsWeights, ["changed during numerical_gradient", "put back exactly"]),
    (NetWithReLUGradient, ["✗ gradient(x, t) by backpropagation"]),
    (NetWithNonZeroBias, ["params['b1'] should start at 0"]),
    (NetWithoutParams, ["should have a dict net.params", "net.params is None"]),
    (NetWithBadConstructor, ["TwoLayerNet(3, 4, 2) raised TypeError"]),
]


@pytest.mark.parametrize(("net", "fragments"), WRONG_NETS, ids=[n.__name__ for n, _ in WRONG_NETS])
def test_wrong_nets_are_rejected_with_a_useful_message(net, fragments):
    assert_fails(check("TwoLayerNet", net), *fragments)


def test_a_broken_constructor_stops_the_other_net_cases():
    text = str(check("TwoLayerNet", NetWithoutParams))
    assert "(8 not run)" in text and "  · predict(x) of a batch" in text


# --- unfinished stubs ------------------------------------------------------------------


def stub_one(x):
    raise NotImplementedError


def stub_two(y, t):
    raise NotImplementedError("your code here")


def stub_f(f, x):
    raise NotImplementedError


def stub_descent(f, init_x, lr=0.01, step_num=100):
    raise NotImplementedError


STUBS = {
    "step_function": stub_one,
    "sigmoid": stub_one,
    "relu": stub_one,
    "softmax": stub_one,
    "sum_squared_error": stub_two,
    "cross_entropy_error": stub_two,
    "numerical_diff": stub_f,
    "numerical_gradient": stub_f,
    "gradient_descent": stub_descent,
}


@pytest.mark.parametrize("exercise_id", sorted(STUBS))
def test_a_stub_is_reported_as_not_finished(exercise_id):
    feedback = check(exercise_id, STUBS[exercise_id])
    assert_unfinished(feedback)
    assert str(feedback).count("\n") == 1  # two short lines, nothing about wrong values


class StubNet:
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        raise NotImplementedError


class HalfDoneNet(BookNet):
    def loss(self, x, t):
        raise NotImplementedError


def test_a_stub_class_is_reported_as_not_finished():
    assert_unfinished(check("TwoLayerNet", StubNet), "TwoLayerNet(3, 4, 2)")


def test_a_half_done_class_names_the_unfinished_method_and_what_passed():
    feedback = check("TwoLayerNet", HalfDoneNet)
    assert_unfinished(feedback, "net.loss(x, t)")
    assert "  ✓ predict(x) of a batch" in str(feedback)


def test_a_stub_after_a_failure_counts_as_a_failure_and_is_marked_unfinished():
    class WrongAndUnfinished(NetWithoutSoftmax):
        def loss(self, x, t):
            raise NotImplementedError

    text = str(check("TwoLayerNet", WrongAndUnfinished))
    assert text.startswith("✗ TwoLayerNet")
    assert "✎ loss(x, t) with one-hot targets" in text and "not finished" in text


# --- the boundary: ids and kinds of answers --------------------------------------------


def test_an_unknown_id_lists_the_valid_ones_and_suggests_the_closest():
    with pytest.raises(ValueError, match="exercise_id must be one of") as error:
        check("sofmax", softmax_book)
    assert "'numerical_gradient'" in str(error.value) and "Did you mean 'softmax'?" in str(
        error.value
    )


def test_an_id_that_is_not_a_string_is_a_type_error():
    with pytest.raises(TypeError, match="exercise_id must be one of"):
        check(3, softmax_book)


def test_a_value_instead_of_a_function_is_a_type_error():
    with pytest.raises(TypeError, match=r"pass softmax, not softmax\(\.\.\.\)"):
        check("softmax", softmax_book(np.array([1.0, 2.0])))


def test_a_class_where_a_function_belongs_is_a_type_error():
    with pytest.raises(TypeError, match="must be a function for 'relu', got the class BookNet"):
        check("relu", BookNet)


def test_an_instance_or_a_function_where_the_class_belongs_is_a_type_error():
    with pytest.raises(TypeError, match="got an instance; pass the class"):
        check("TwoLayerNet", BookNet(2, 3, 2))
    with pytest.raises(TypeError, match="must be your class itself"):
        check("TwoLayerNet", relu_where)


@pytest.mark.parametrize(("limit", "kind"), [(0, ValueError), (-1.0, ValueError), ("5", TypeError)])
def test_a_bad_time_limit_is_refused(limit, kind):
    with pytest.raises(kind, match="time_limit"):
        check("relu", relu_where, time_limit=limit)


# --- it never raises, whatever the answer does ------------------------------------------

JUNK = [None, "text", object(), [1.0], {"a": 1}, np.array([np.nan]), 1j, (1, 2, 3), np.array("s")]


@pytest.mark.parametrize("exercise_id", [e for e in EXERCISE_IDS if e != "TwoLayerNet"])
@pytest.mark.parametrize("junk", JUNK, ids=[type(j).__name__ for j in JUNK])
def test_any_returned_value_gives_feedback_not_an_exception(exercise_id, junk):
    feedback = check(exercise_id, lambda *args: junk)
    assert not feedback and "0x" not in str(feedback)


@pytest.mark.parametrize("junk", JUNK, ids=[type(j).__name__ for j in JUNK])
def test_a_net_whose_methods_return_junk_gives_feedback(junk):
    class JunkNet(BookNet):
        def predict(self, x):
            return junk

        def loss(self, x, t):
            return junk

        def accuracy(self, x, t):
            return junk

        def numerical_gradient(self, x, t):
            return junk

        def gradient(self, x, t):
            return junk

    assert_fails(check("TwoLayerNet", JunkNet))


@pytest.mark.parametrize("error", [ZeroDivisionError("oops"), SystemExit(1), RecursionError()])
def test_an_exception_in_the_answer_is_reported(error):
    def broken(x):
        raise error

    assert_fails(check("relu", broken), f"your function raised {type(error).__name__}")


def test_keyboard_interrupt_still_stops_the_check():
    def interrupted(x):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        check("relu", interrupted)


# --- the time limit ------------------------------------------------------------------------


def endless(x):
    while True:
        pass


def endless_swallowing(x):
    while True:
        try:
            while True:
                pass
        except BaseException:  # a bare except that would swallow a one-shot alarm
            pass


needs_timer = pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="no POSIX timer")


@needs_timer
@pytest.mark.parametrize("answer", [endless, endless_swallowing])
def test_an_endless_loop_is_stopped_and_reported(answer):
    feedback = check("relu", answer, time_limit=0.2)
    assert_fails(feedback, "still running after 0.2 s, so it was stopped", "loop that never ends")
    assert "(4 not run)" in str(feedback)


@needs_timer
def test_the_timer_handler_warning_filters_and_numpy_settings_are_left_as_they_were():
    before = signal.getsignal(signal.SIGALRM)
    filters, show, errors = list(warnings.filters), warnings.showwarning, np.geterr()
    check("relu", endless, time_limit=0.1)
    check("relu", endless_swallowing, time_limit=0.1)
    check("relu", relu_where)
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert warnings.filters == filters and warnings.showwarning is show
    assert np.geterr() == errors


def test_without_a_time_limit_and_in_a_thread_the_check_still_works():
    assert_passes(check("relu", relu_where, time_limit=None))
    results = []
    thread = threading.Thread(target=lambda: results.append(check("softmax", softmax_book)))
    thread.start()
    thread.join()
    assert_passes(results[0])


# --- the display ---------------------------------------------------------------------------


def test_the_notebook_display_is_plain_text_only_and_equals_str():
    from IPython.core.formatters import DisplayFormatter

    feedback = check("softmax", softmax_whole_batch)
    data, metadata = DisplayFormatter().format(feedback)
    assert set(data) == {"text/plain"}  # nbval compares text; one mime type, no HTML twin
    assert data["text/plain"] == str(feedback) == repr(feedback)


def test_the_text_is_the_same_on_every_run():
    assert str(check("TwoLayerNet", NetWithReLU)) == str(check("TwoLayerNet", NetWithReLU))
    assert str(check("sigmoid", sigmoid_book)) == str(check("sigmoid", sigmoid_book))


def test_the_feedback_is_truthy_exactly_when_everything_passed():
    assert isinstance(check("relu", relu_where), Feedback)
    assert bool(check("relu", relu_where)) is True
    assert bool(check("relu", relu_abs)) is False
    assert bool(check("relu", stub_one)) is False


def test_failures_lists_the_failed_cases():
    feedback = check("step_function", step_greater_equal)
    assert [r.name for r in feedback.failures] == [
        "x = 0 gives 0 (the step is x > 0, not x >= 0)",
        "a 2-D array: each element on its own",
        "a 3-D array",
    ]


def test_a_float32_result_is_named():
    def sigmoid_float32(x):
        return (1 / (1 + np.exp(-x))).astype(np.float32)

    assert_fails(check("sigmoid", sigmoid_float32), "the result is float32")


@needs_timer
def test_a_swallowed_time_limit_leaves_no_trace_function_behind():
    import sys

    before = sys.gettrace()
    check("relu", endless_swallowing, time_limit=0.1)
    assert sys.gettrace() is before


def test_the_books_np_int_gets_a_hint():
    def step_book(x):
        y = x > 0
        return y.astype(np.int)  # removed from numpy 1.24

    assert_fails(check("step_function", step_book), "raised AttributeError", "np.int was removed")


def test_math_exp_on_an_array_gets_a_hint():
    import math

    def sigmoid_math(x):
        return 1 / (1 + math.exp(-x))

    assert_fails(check("sigmoid", sigmoid_math), "use np.exp")


@pytest.mark.parametrize("junk", JUNK, ids=[type(j).__name__ for j in JUNK])
def test_a_net_whose_params_are_junk_gives_feedback(junk):
    class JunkParams(BookNet):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.params["W1"] = junk

    assert_fails(check("TwoLayerNet", JunkParams))


def test_an_error_message_with_an_address_is_shown_without_it():
    def mentions_an_object(x):
        raise TypeError(f"cannot use {object()}")

    text = str(check("relu", mentions_an_object))
    assert "raised TypeError: cannot use <object object>" in text and "0x" not in text


# --------------------------------------------------------------------------- split_validation


def _split_right(x, t, validation_rate, seed):
    rng = np.random.default_rng(seed)
    train, val = [], []
    for label in np.unique(t):
        members = rng.permutation(np.flatnonzero(t == label))
        n_val = round(validation_rate * len(members))
        val.append(members[:n_val])
        train.append(members[n_val:])
    train, val = np.concatenate(train), np.concatenate(val)
    return (x[train], t[train]), (x[val], t[val])


def test_split_validation_accepts_the_package_and_a_hand_written_split():
    from zerotsuku.datasets import split_validation

    assert check("split_validation", split_validation)
    assert check("split_validation", _split_right)


def _split_not_stratified(x, t, validation_rate, seed):
    order = np.random.default_rng(seed).permutation(len(t))
    n_val = round(validation_rate * len(t))
    return (x[order[n_val:]], t[order[n_val:]]), (x[order[:n_val]], t[order[:n_val]])


def _split_overlapping(x, t, validation_rate, seed):
    (_, _), (x_val, t_val) = _split_right(x, t, validation_rate, seed)
    return (x, t), (x_val, t_val)


def _split_ignoring_seed(x, t, validation_rate, seed):
    return _split_right(x, t, validation_rate, 0)


def _split_shuffling_labels(x, t, validation_rate, seed):
    (x_train, t_train), (x_val, t_val) = _split_right(x, t, validation_rate, seed)
    return (x_train, t_train[::-1]), (x_val, t_val)


def _split_in_place(x, t, validation_rate, seed):
    np.random.default_rng(seed).shuffle(t)
    return _split_right(x, t, validation_rate, seed)


@pytest.mark.parametrize(
    "answer, message",
    [
        (_split_not_stratified, "each class should give round(validation_rate * its size)"),
        (_split_overlapping, "is in both parts"),
        (_split_ignoring_seed, "the seed is not used"),
        (_split_shuffling_labels, "but its label in the split is"),
        (_split_in_place, "changed its input"),
        (lambda x, t, rate, seed: (x, t), "should return two pairs"),
    ],
)
def test_split_validation_rejects_what_learners_write(answer, message):
    feedback = check("split_validation", answer)
    assert not feedback and message in str(feedback), str(feedback)
