"""The benchmarks behind ``make bench``; :func:`run` returns RESULTS.md as text.

Each benchmark function returns a :class:`Section`: a heading, a markdown table
and notes, plus the targets it checked. Ratios are always of two things timed in
the same run, taking turns.
"""

import ctypes
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
import warnings
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import book_reference as book
import numpy as np

import zerotsuku.fast_gradient as fast_gradient
from zerotsuku import TwoLayerNet, dummy_dataset, load_mnist, to_one_hot, train
from zerotsuku.fast_gradient import fast_numerical_gradient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


# ------------------------------------------------------------------ timing


@dataclass
class Figure:
    """Seconds of several runs of one thing."""

    times: list

    @property
    def median(self):
        return statistics.median(self.times)

    def cells(self):
        """Median, min, max and number of runs, as table cells."""
        if len(self.times) == 1:
            return [seconds(self.times[0]), "–", "–", "1"]
        return [
            seconds(self.median),
            seconds(min(self.times)),
            seconds(max(self.times)),
            str(len(self.times)),
        ]


def seconds(value):
    if value >= 1:
        return f"{value:.2f} s"
    if value >= 1e-3:
        return f"{value * 1e3:.1f} ms"
    return f"{value * 1e6:.0f} µs"


def per_call(fn, calls, clock=time.perf_counter):
    """Seconds of one call of ``fn``, averaged over ``calls`` calls."""
    start = clock()
    for _ in range(calls):
        fn()
    return (clock() - start) / calls


def interleaved(fns, runs, calls=1, clock=time.perf_counter):
    """Time each of ``fns`` (name -> callable) ``runs`` times, taking turns.

    ``clock=time.process_time`` counts this process's CPU time instead of the wall
    clock: with one BLAS thread, the time the other jobs of a shared machine take
    from us is then left out.
    """
    times = {name: [] for name in fns}
    for _ in range(runs):
        for name, fn in fns.items():
            times[name].append(per_call(fn, calls if np.isscalar(calls) else calls[name], clock))
    return {name: Figure(t) for name, t in times.items()}


def rel_error(a, b):
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / scale) if scale else 0.0


def worst_rel_error(grads, reference):
    return max(rel_error(grads[key], reference[key]) for key in reference)


# ------------------------------------------------------------------ report


@dataclass
class Target:
    what: str
    goal: str
    measured: str
    met: bool


@dataclass
class Section:
    title: str
    text: str
    targets: list = field(default_factory=list)


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


FIGURE_HEADER = ["median", "min", "max", "runs"]


def openblas_info():
    """OpenBLAS's core type and thread count, through threadpoolctl or the library itself."""
    try:
        from threadpoolctl import threadpool_info

        for pool in threadpool_info():
            if pool.get("internal_api") == "openblas":
                return pool.get("architecture"), pool.get("num_threads"), "threadpoolctl"
    except ImportError:
        pass
    libs = sorted((Path(np.__file__).parent.parent / "numpy.libs").glob("libscipy_openblas*"))
    if not libs:
        return None, None, "not found"
    lib = ctypes.CDLL(str(libs[0]))
    for prefix, suffix in (("scipy_openblas_", "64_"), ("scipy_openblas_", ""), ("openblas_", "")):
        try:
            corename = getattr(lib, f"{prefix}get_corename{suffix}")
            threads = getattr(lib, f"{prefix}get_num_threads{suffix}")
        except AttributeError:
            continue
        corename.restype = ctypes.c_char_p
        return corename().decode(), threads(), f"{libs[0].name} (ctypes)"
    return None, None, libs[0].name


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine(blas_threads, user_env):
    blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    core, threads, source = openblas_info()
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",) * 3
    rows = [
        ["CPU", f"{cpu_model()}, {os.cpu_count()} logical CPUs ({platform.machine()})"],
        ["load average at start (1/5/15 min)", " / ".join(f"{v:.2f}" for v in load)],
        ["Python", platform.python_version()],
        ["numpy", np.__version__],
        ["BLAS", f"{blas.get('name')} {blas.get('version')}"],
        ["OpenBLAS core in use", f"{core} (read via {source})"],
        [
            "BLAS threads in the timings",
            f"{threads}" + (" (set by --blas-threads)" if blas_threads > 0 else " (default)"),
        ],
        [
            "OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE",
            f"{user_env.get('OPENBLAS_CORETYPE', 'not set')} / "
            f"{user_env.get('OPENBLAS_L2_SIZE', 'not set')}",
        ],
    ]
    return table(["", ""], rows)


# ------------------------------------------------------------------ data


def mnist_batch(batch=100):
    (x, t), _ = load_mnist(source="bundled")
    return np.ascontiguousarray(x[:batch], dtype=np.float64), t[:batch].astype(np.int64)


def small_batch():
    x, _ = dummy_dataset(seed=0)
    rng = np.random.default_rng(1)
    return x[:10], rng.integers(0, 2, 10)


def book_copy(net):
    """The reference net of book_reference.py holding a copy of ``net``'s parameters."""
    reference = book.ReferenceNet(1, 1, 1, rng=np.random.default_rng(0))
    reference.params = {key: value.copy() for key, value in net.params.items()}
    return reference


def forced(strategy, net, x, t):
    """fast_numerical_gradient with its evaluation forced to ``strategy``."""
    saved = fast_gradient._STACKED_UP_TO
    fast_gradient._STACKED_UP_TO = np.inf if strategy == "stacked" else 0
    try:
        return fast_numerical_gradient(net, x, t)
    finally:
        fast_gradient._STACKED_UP_TO = saved


# ------------------------------------------------------------------ benchmarks


_LOOP_TIMES = {}  # loop timings of bench_gradient, reused by bench_backprop


def bench_gradient(runs, **_):
    """Fast vs loop numerical gradient on the two shapes, and their agreement."""
    rows, targets, notes = [], [], []
    shapes = (("2-3-2", (2, 3, 2), small_batch()), ("784-50-10", (784, 50, 10), mnist_batch()))
    for name, sizes, (x, t) in shapes:
        net = TwoLayerNet(*sizes, seed=0)
        reference = book_copy(net)
        onehot = to_one_hot(t, sizes[2])
        small = sizes[0] < 10
        if small:
            figs = interleaved(
                {
                    "fast": partial(fast_numerical_gradient, net, x, t),
                    "book": partial(reference.numerical_gradient, x, onehot),
                    "loop": partial(net.numerical_gradient, x, t),
                    "structured": partial(forced, "structured", net, x, t),
                },
                runs,
                calls={"fast": 200, "book": 20, "loop": 20, "structured": 200},
            )
            loop = net.numerical_gradient(x, t)
            by_book = reference.numerical_gradient(x, onehot)
        else:  # the loops take tens of seconds: one run each, their results kept
            figs = interleaved({"fast": partial(fast_numerical_gradient, net, x, t)}, runs)
            start = time.perf_counter()
            by_book = reference.numerical_gradient(x, onehot)
            figs["book"] = Figure([time.perf_counter() - start])
            start = time.perf_counter()
            loop = net.numerical_gradient(x, t)
            figs["loop"] = Figure([time.perf_counter() - start])
        fast = fast_numerical_gradient(net, x, t)
        _LOOP_TIMES[name] = figs["book"] if not small else figs["loop"]
        agreement = worst_rel_error(fast, loop)
        agreement_book = worst_rel_error(fast, by_book)
        speedup = figs["book"].median / figs["fast"].median
        labels = [("book-style loop", "book"), ("our loop", "loop"), ("fast", "fast")]
        if small:
            labels.append(("fast, structured way forced", "structured"))
        for label, key in labels:
            ratio = f"{figs[key].median / figs['fast'].median:.1f}×" if key != "fast" else "1×"
            rows.append([f"{name}, batch {x.shape[0]}", label, *figs[key].cells(), ratio])
        rows.append(
            [
                f"{name}, batch {x.shape[0]}",
                "agreement (worst parameter)",
                f"{agreement:.1e} vs our loop",
                "–",
                "–",
                "–",
                f"{agreement_book:.1e} vs book loop",
            ]
        )
        goal = 100 if not small else 10
        targets.append(
            Target(
                f"fast vs book-style loop, {name}",
                f">= {goal}×",
                f"{speedup:.1f}×",
                speedup >= goal,
            )
        )
        targets.append(
            Target(
                f"agreement with the loop, {name}", "<= 1e-8", f"{agreement:.1e}", agreement <= 1e-8
            )
        )
    notes.append(
        "Gradient of the loss for every parameter at the initial weights (std 0.01, seed 0). "
        "'fast' is `zerotsuku.fast_gradient.fast_numerical_gradient(net, x, t)` (input "
        "checks included), which stacks the nudged parameter sets for small nets and uses "
        "the net's structure for large ones; 'fast, structured way forced' shows what the "
        "structured way alone would cost on the small net. 'Our loop' is "
        "`TwoLayerNet.numerical_gradient(x, t)`; the book-style loop is "
        "`benchmarks/book_reference.py` (in-place nudges, no input checks). "
        "Speed-up = median of the row / median of 'fast'. On 784-50-10 the loops ran once. "
        "Agreement: the largest over W1, b1, W2, b2 of ||a - b|| / (||a|| + ||b||); the "
        "loop's own rounding error is about 1e-12 per element, which bounds it."
    )
    text = table(["net", "method", *FIGURE_HEADER, "time / fast"], rows)
    return Section(
        "Numerical gradient: fast vs element loop", text + "\n\n" + " ".join(notes), targets
    )


def bench_memory(runs, **_):
    """Peak extra memory of one fast numerical gradient (tracemalloc)."""
    rows = []
    for name, sizes, (x, t) in (
        ("2-3-2, batch 10", (2, 3, 2), small_batch()),
        ("784-50-10, batch 100", (784, 50, 10), mnist_batch()),
    ):
        net = TwoLayerNet(*sizes, seed=0)
        fast_numerical_gradient(net, x, t)  # warm caches outside the measurement
        peaks = []
        for _ in range(runs):
            tracemalloc.start()
            tracemalloc.reset_peak()
            base = tracemalloc.get_traced_memory()[0]
            fast_numerical_gradient(net, x, t)
            peaks.append(tracemalloc.get_traced_memory()[1] - base)
            tracemalloc.stop()
        params = sum(v.nbytes for v in net.params.values())
        rows.append([name, f"{max(peaks) / 2**20:.2f} MiB", f"{params / 2**20:.2f} MiB"])
    peak = float(rows[-1][1].split()[0])
    text = table(["net", "peak extra memory (max of runs)", "size of the parameters"], rows)
    text += (
        "\n\nMeasured with tracemalloc (numpy reports its allocations to it) around one call "
        "of `fast_numerical_gradient(net, x, t)`; chunks are kept to about 16 MiB of nudged "
        "values, which runs fastest."
    )
    return Section(
        "Peak extra memory of the fast numerical gradient",
        text,
        [Target("peak extra memory, 784-50-10", "<= 256 MiB", f"{peak:.1f} MiB", peak <= 256)],
    )


def bench_backprop(runs, **_):
    """Backprop vs numerical gradient on the same net: the ratio learners are told about."""
    rows = []
    for name, sizes, (x, t), loop_runs in (
        ("2-3-2, batch 10", (2, 3, 2), small_batch(), runs),
        ("784-50-10, batch 100", (784, 50, 10), mnist_batch(), 0),
    ):
        net = TwoLayerNet(*sizes, seed=0)
        calls = {"backprop": 200 if sizes[0] < 10 else 20, "fast": 200 if sizes[0] < 10 else 1}
        fns = {
            "backprop": partial(net.gradient, x, t),
            "fast": partial(fast_numerical_gradient, net, x, t),
        }
        figs = interleaved(fns, runs, calls)
        back, fast = figs["backprop"].median, figs["fast"].median
        if name.split(",")[0] not in _LOOP_TIMES:  # run alone: time one loop call here
            start = time.perf_counter()
            if loop_runs:
                net.numerical_gradient(x, t)
            else:
                book_copy(net).numerical_gradient(x, to_one_hot(t, sizes[2]))
            _LOOP_TIMES[name.split(",")[0]] = Figure([time.perf_counter() - start])
        loop = _LOOP_TIMES[name.split(",")[0]].median
        error = worst_rel_error(net.gradient(x, t), fast_numerical_gradient(net, x, t))
        rows.append(
            [
                name,
                *figs["backprop"].cells(),
                *figs["fast"].cells()[:1],
                f"{fast / back:.1f}×",
                f"{loop / back:,.0f}×",
                f"{error:.1e}",
            ]
        )
    text = table(
        [
            "net",
            "backprop median",
            "min",
            "max",
            "runs",
            "fast numerical",
            "fast / backprop",
            "loop / backprop",
            "backprop vs numerical (worst rel. error)",
        ],
        rows,
    )
    text += (
        "\n\nThe loop time of the ratio is taken from the benchmark above (2-3-2: our loop; "
        "784-50-10: the book-style loop, one run). The relative error between backprop and "
        "the central differences is the O(h²) error of the differences, not a bug."
    )
    return Section("Backprop vs numerical gradient on the same net", text)


def _train_ours(xs, t_train, t_test, settings, results):
    net = TwoLayerNet(784, 50, 10, seed=0)
    history = train(
        net,
        xs[0],
        t_train,
        x_test=xs[1],
        t_test=t_test,
        seed=0,
        sampling="replacement",
        **settings,
    )
    results["ours"] = history.test_acc[-1]


def _train_book(xs, t_train, t_test, settings, results, lean=False):
    net = book.ReferenceNet(784, 50, 10, rng=np.random.default_rng(0), lean=lean)
    _, _, test_acc = book.run_training_script(
        net,
        (xs[0], t_train),
        (xs[1], t_test),
        settings["iters_num"],
        settings["batch_size"],
        settings["learning_rate"],
        np.random.default_rng(0),
    )
    results["lean" if lean else "book"] = test_acc[-1]


TRAINING_RATIO_GOAL = 1.05


def bench_training(runs, **_):
    """train() vs a book-style training loop on the bundled MNIST subset."""
    (x_train, t_train), (x_test, t_test) = load_mnist(source="bundled", one_hot_label=True)
    settings = dict(iters_num=2000, batch_size=100, learning_rate=0.1)
    rows, targets, results = [], [], {}
    for variant, convert in (("float32 as loaded", None), ("float64 given to both", np.float64)):
        xs = [x if convert is None else x.astype(convert) for x in (x_train, x_test)]
        fns = {
            "train()": partial(_train_ours, xs, t_train, t_test, settings, results),
            "book-style loop": partial(_train_book, xs, t_train, t_test, settings, results),
            "lean loop": partial(_train_book, xs, t_train, t_test, settings, results, True),
        }
        for clock_name, clock in (("wall", time.perf_counter), ("CPU", time.process_time)):
            figs = interleaved(fns, runs, clock=clock)
            ratio = figs["train()"].median / figs["book-style loop"].median
            lean_ratio = figs["train()"].median / figs["lean loop"].median
            for name, key in (
                ("train()", "ours"),
                ("book-style loop", "book"),
                ("lean loop", "lean"),
            ):
                fig = figs[name]
                rows.append(
                    [
                        f"{variant}, {clock_name} time",
                        name,
                        *fig.cells(),
                        f"{settings['iters_num'] / fig.median:,.0f}",
                        f"{results[key]:.3f}",
                        f"{ratio:.3f} ({lean_ratio:.3f} vs lean)" if name == "train()" else "",
                    ]
                )
            targets.append(
                Target(
                    f"training time ratio, {variant} ({clock_name} time)",
                    f"<= {TRAINING_RATIO_GOAL}",
                    f"{ratio:.3f}",
                    ratio <= TRAINING_RATIO_GOAL,
                )
            )
    text = table(
        ["data", "loop", *FIGURE_HEADER, "iterations/s", "final test acc.", "time ratio"], rows
    )
    text += (
        "\n\n784-50-10 sigmoid net, 4,000 training / 1,000 test digits (one-hot targets, as "
        "the book's script loads them), 2,000 iterations, batch 100, lr 0.1, batches drawn "
        "with replacement (the same draws for both), train and test accuracy once per epoch "
        "(40 iterations). `train()` also measures accuracy after the last iteration (51 "
        "measurements against the script's 50), checks its data once and every call's "
        "inputs again (cheaply: see `TwoLayerNet._check_inputs`), and applies each update "
        "whole. The book-style loop is `benchmarks/book_reference.py`: the book's arithmetic "
        "(the sigmoid twice in its slope, softmax's exponentials twice), no checks; the lean "
        "loop computes each of those once. Time ratio = train() / book-style loop (and / "
        "lean loop); 'CPU time' counts only this "
        "process (one BLAS thread), so the load of a shared machine disturbs it less."
    )
    return Section("Training throughput: train() vs the book-style loop", text, targets)


def bench_dummy(runs, **_):
    """The well-known 10,000-iteration numerical-gradient run on the dummy data."""
    x, t_pairs = dummy_dataset(seed=0)
    labels = t_pairs.argmax(axis=1)  # what the book's cross-entropy makes of these rows
    settings = dict(iters_num=10000, batch_size=10, learning_rate=0.1)

    def ours():
        net = TwoLayerNet(2, 3, 2, seed=0)
        train(net, x, labels, gradient="fast_numerical", seed=0, sampling="replacement", **settings)

    def reference():
        net = book.ReferenceNet(2, 3, 2, rng=np.random.default_rng(0))
        rng = np.random.default_rng(0)
        for _ in range(settings["iters_num"]):
            rows = rng.integers(0, len(x), settings["batch_size"])
            grad = net.numerical_gradient(x[rows], t_pairs[rows])
            for key in ("W1", "b1", "W2", "b2"):
                net.params[key] -= settings["learning_rate"] * grad[key]
            net.loss(x[rows], t_pairs[rows])

    fast = interleaved({"ours": ours}, runs)["ours"]
    slow = Figure([per_call(reference, 1)])
    text = table(
        ["loop", *FIGURE_HEADER, "time / train()"],
        [
            ['train(..., gradient="fast_numerical")', *fast.cells(), "1×"],
            [
                "book-style loop (numerical gradient)",
                *slow.cells(),
                f"{slow.median / fast.median:.1f}×",
            ],
        ],
    )
    text += (
        "\n\nTwoLayerNet(2, 3, 2), the 100 dummy points, batch 10, lr 0.1, 10,000 iterations, "
        "numerical gradient every iteration. The dummy targets are pairs of coin flips; "
        "`train()` gets the labels the book's cross-entropy reads from them (argmax), so "
        "both do the same arithmetic. The book-style loop ran once (it takes seconds).\n\n"
    )
    text += _dummy_iteration(runs, x, labels, settings["iters_num"], fast.median)
    return Section(
        "The well-known dummy-data run (10,000 numerical-gradient iterations)",
        text,
        [
            Target(
                "dummy run, fast_numerical",
                "about 1 s (<= 2 s)",
                seconds(fast.median),
                fast.median <= 2,
            )
        ],
    )


def _dummy_iteration(runs, x, labels, iterations, run_seconds):
    """Where one iteration of the dummy run goes: the calls on one batch of 10."""
    net = TwoLayerNet(2, 3, 2, seed=0)
    unchecked = book.ReferenceNet(2, 3, 2, rng=np.random.default_rng(0), lean=True)
    unchecked.params = net.params  # the same numbers, without the checks
    x_batch, t_batch = x[:10].copy(), labels[:10].copy()
    calls = {
        "fast_numerical_gradient(net, x, t)": partial(
            fast_numerical_gradient, net, x_batch, t_batch
        ),
        "net.loss(x, t)": partial(net.loss, x_batch, t_batch),
        "the same loss without checks (benchmarks/book_reference.py, lean)": partial(
            unchecked.loss, x_batch, t_batch
        ),
    }
    figures = interleaved(calls, runs, calls=2000)
    per_iteration = run_seconds / iterations
    known = figures["fast_numerical_gradient(net, x, t)"].median + figures["net.loss(x, t)"].median
    rows = [[name, *fig.cells()] for name, fig in figures.items()]
    rows.append(
        [
            "one iteration of the run above (its median / 10,000)",
            seconds(per_iteration),
            "–",
            "–",
            "–",
        ]
    )
    rows.append(
        [
            "the rest of an iteration (batch draw, update, record, accuracy every epoch)",
            seconds(per_iteration - known),
            "–",
            "–",
            "–",
        ]
    )
    return table(["one call, batch of 10", *FIGURE_HEADER], rows) + (
        "\n\nEach call timed alone, 2,000 calls per run, taking turns. The gradient and the "
        "loss are the two calls of every iteration; the unchecked loss shows what the checks "
        "of `predict`, `sigmoid`, `softmax` and `cross_entropy_error` cost on a net this small. "
        "Called in the training loop, between other work, each call takes somewhat longer "
        "than alone, so 'the rest' is an upper bound."
    )


def _new_seed(lab, seeds):
    lab.controls["seed"].value = next(seeds)  # a new value retrains and redraws


def _lab_frames(runs):
    """Frame and redraw times of the lab while it plays (default settings, 2-D data)."""
    from zerotsuku.lab import TrainingLab

    lab = TrainingLab(iters_num=5000)
    lab.play.playing = True
    lab.play.value += 1  # the first frame draws the figure's background

    def tick():
        lab.play.value += 1

    def redraw():
        lab._live_figure.frame(lab.run.history, lab.run.network)

    return {
        "playing: one frame (5 iterations + redraw)": interleaved({"f": tick}, runs)["f"],
        "playing: the redraw alone": interleaved({"r": redraw}, runs)["r"],
    }


def bench_lab(runs, **_):
    """Retrain + redraw time of the interactive lab at default settings."""
    try:
        from zerotsuku.lab import DEFAULTS, TrainingLab
    except ImportError as error:
        return Section("Interactive lab", f"Skipped: zerotsuku.lab is not there ({error}).")
    rows, targets = [], []
    for name, overrides in (
        ("default settings", {}),
        ("default, numerical gradient (vectorised)", {"gradient": "fast_numerical"}),
        ("default, numerical gradient (element loop)", {"gradient": "numerical"}),
    ):
        lab = TrainingLab(**overrides)
        seeds = iter(range(1, 10**6))
        fig = interleaved({"change": partial(_new_seed, lab, seeds)}, runs)["change"]
        rows.append([name, *fig.cells()])
        if not overrides:
            targets.append(
                Target(
                    "lab retrain + redraw, default settings",
                    "<= 0.3 s",
                    seconds(fig.median),
                    fig.median <= 0.3,
                )
            )
    frames = _lab_frames(runs)
    for name, fig in frames.items():
        rows.append([name, *fig.cells()])
    frame = frames["playing: one frame (5 iterations + redraw)"]
    targets.append(
        Target(
            "lab frame while playing, default settings (8 a second)",
            "<= 0.125 s",
            seconds(frame.median),
            frame.median <= 0.125,
        )
    )
    described = ", ".join(f"{k}={v}" for k, v in DEFAULTS.items())
    text = table(["lab", *FIGURE_HEADER], rows)
    text += (
        f"\n\nTime to set one control (the seed) to a new value, which retrains and redraws "
        "synchronously in the control's observer (accuracy on the training and validation "
        "data once per epoch, on the test data once at the end). While playing, one frame "
        "is one tick of the Play timer: the iterations of a frame, then the redraw of only "
        "the figure's moving parts (LiveFigure); the redraw alone is timed apart. "
        f"Defaults: {described}."
    )
    return Section("Interactive lab: retrain + redraw", text, targets)


def bench_notebooks(runs, notebook_runs=1, user_env=None, **_):
    """Execution time of each notebook with nbclient, in a temporary copy."""
    import nbformat
    from nbclient import NotebookClient

    paths = sorted(NOTEBOOKS.glob("*.ipynb"))
    if not paths:
        return Section("Notebooks", "Skipped: no notebooks in notebooks/.")
    rows, targets, total = [], [], 0.0
    env = dict(user_env or os.environ)  # the kernels get the thread setting you started with
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "notebooks"
        shutil.copytree(NOTEBOOKS, copy, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        for path in sorted(copy.glob("*.ipynb")):
            times = []
            for _ in range(notebook_runs):
                nb = nbformat.read(path, as_version=4)
                client = NotebookClient(
                    nb,
                    timeout=600,
                    kernel_name="python3",
                    allow_errors=True,
                    extra_arguments=["--IPKernelApp.log_level=ERROR"],
                    resources={"metadata": {"path": str(copy)}},
                )
                start = time.perf_counter()
                client.execute(env=env)
                times.append(time.perf_counter() - start)
                errors = sum(
                    output.get("output_type") == "error"
                    for cell in nb.cells
                    if cell.cell_type == "code"
                    for output in cell.get("outputs", [])
                )
            fig = Figure(times)
            total += fig.median
            rows.append([path.name, *fig.cells(), str(errors)])
            targets.append(
                Target(f"notebook {path.name}", "<= 15 s", seconds(fig.median), fig.median <= 15)
            )
    rows.append(["**series total**", seconds(total), "", "", "", ""])
    targets.append(Target("notebook series total", "<= 90 s", seconds(total), total <= 90))
    text = table(["notebook", *FIGURE_HEADER, "error outputs"], rows)
    text += (
        "\n\n'error outputs' counts cells that stored an error (cells marked to raise on "
        "purpose included), so a notebook that broke does not pass as fast. "
        f"Each notebook executed top to bottom in a fresh kernel (nbclient, as CI's nbval "
        f"does), kernel start included, {notebook_runs} run(s) each. Notebooks: "
        f"{', '.join(p.name for p in paths)}."
    )
    return Section("Notebooks: execution time", text, targets)


BENCHMARKS = {
    "gradient": bench_gradient,
    "memory": bench_memory,
    "backprop": bench_backprop,
    "training": bench_training,
    "dummy": bench_dummy,
    "lab": bench_lab,
    "notebooks": bench_notebooks,
}
"""Benchmarks by name, in the order they run (the notebooks last: they change most)."""


def run(names, runs, notebook_runs, blas_threads, user_env):
    """Run the named benchmarks; return the text of RESULTS.md."""
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    clock_start = time.perf_counter()
    header = machine(blas_threads, user_env)
    sections = []
    warnings.simplefilter("ignore", RuntimeWarning)
    for name in names:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        begin = time.perf_counter()
        section = BENCHMARKS[name](runs, notebook_runs=notebook_runs, user_env=user_env)
        print(f"  {name}: {time.perf_counter() - begin:.1f} s", file=sys.stderr, flush=True)
        sections.append(section)
    targets = [target for section in sections for target in section.targets]
    summary = table(
        ["target", "goal", "measured", "met"],
        [[t.what, t.goal, t.measured, "yes" if t.met else "**no**"] for t in targets],
    )
    parts = [
        "# Benchmark results",
        f"Written by `benchmarks/run.py` (`make bench`) on {started}; the whole run took "
        f"{time.perf_counter() - clock_start:.0f} s. Every figure is the median of "
        f"{runs} runs unless its row says otherwise; ratios compare things timed in the same "
        "run, taking turns. The machine is shared, so single figures vary by tens of percent "
        "from run to run; the ratios vary less.",
        "## Machine",
        header,
        "## Targets",
        summary,
    ]
    for section in sections:
        parts += [f"## {section.title}", section.text]
    return "\n\n".join(parts) + "\n"
