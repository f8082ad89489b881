"""Cases for a stratified validation split (notebook 09), checked from the definition.

The answer is called as ``answer(x, t, validation_rate, seed)`` and must return
``(x_train, t_train), (x_val, t_val)``. Each sample's first feature is its number, so
the cases can see where every sample went.
"""

import numpy as np

from ._compare import Mismatch, show
from ._feedback import Exercise
from ._running import Case

__all__ = ["SPLIT_VALIDATION"]


def _data(class_sizes):
    """Samples numbered 0, 1, ... (first feature), labels in blocks, shuffled order."""
    t = np.repeat(np.arange(len(class_sizes)), class_sizes)
    order = np.random.default_rng(7).permutation(t.size)
    x = np.column_stack([np.arange(t.size, dtype=float), np.zeros(t.size)])
    return x, t[order]


def _parts(got):
    """The four arrays of a returned split, or a Mismatch saying what came back."""
    try:
        (x_train, t_train), (x_val, t_val) = got
    except (TypeError, ValueError):
        raise Mismatch(
            "the split should return two pairs: (x_train, t_train), (x_val, t_val)",
            got=show(got),
        ) from None
    arrays = [np.asarray(a) for a in (x_train, t_train, x_val, t_val)]
    for name, array in zip(("x_train", "t_train", "x_val", "t_val"), arrays, strict=True):
        if array.dtype.kind not in "biuf":
            raise Mismatch(f"{name} should be an array of numbers, got {show(array)}")
    if len(arrays[0]) != len(arrays[1]) or len(arrays[2]) != len(arrays[3]):
        raise Mismatch("each part's x and t should hold the same number of samples")
    return arrays


def _numbers(x_part):
    return np.asarray(x_part)[:, 0].astype(int) if len(x_part) else np.zeros(0, dtype=int)


def _split_case(name, class_sizes, rate, seed, check, *, essential=False):
    x, t = _data(class_sizes)

    def run(trial, answer):
        parts = _parts(trial.call(answer, x.copy(), t.copy(), rate, seed))
        check(x, t, rate, parts)

    given = f"{len(t)} samples in classes of {list(class_sizes)}, validation_rate = {rate}"
    return Case(name, run, given=given, essential=essential)


def _each_once(x, t, rate, parts):
    numbers = np.concatenate([_numbers(parts[0]), _numbers(parts[2])])
    counts = np.bincount(numbers, minlength=len(t))
    if counts.max(initial=0) > 1:
        raise Mismatch(
            f"sample {int(np.argmax(counts > 1))} is in both parts (or twice in one)",
            hints=("hold out each class's first samples after shuffling, train on the rest",),
        )
    if (counts == 0).any():
        raise Mismatch(
            f"{int((counts == 0).sum())} samples are in neither part, e.g. sample "
            f"{int(np.argmax(counts == 0))}",
        )


def _labels_kept(x, t, rate, parts):
    for x_part, t_part in ((parts[0], parts[1]), (parts[2], parts[3])):
        numbers = _numbers(x_part)
        wrong = np.flatnonzero(t[numbers] != np.asarray(t_part))
        if wrong.size:
            n = int(numbers[wrong[0]])
            raise Mismatch(
                f"sample {n} has label {int(t[n])}, but its label in the split is "
                f"{int(np.asarray(t_part)[wrong[0]])}",
                hints=("take x and t with the same positions: x[chosen], t[chosen]",),
            )


def _stratified(x, t, rate, parts):
    held_out = np.bincount(np.asarray(parts[3], dtype=int), minlength=t.max() + 1)
    wanted = np.array([round(rate * n) for n in np.bincount(t)])
    if not np.array_equal(held_out, wanted):
        raise Mismatch(
            "each class should give round(validation_rate * its size) samples",
            expected=f"held out per class: {wanted.tolist()}",
            got=f"held out per class: {held_out.tolist()}",
            hints=("split each class on its own (stratified), not the whole data at once",),
        )


def _seed_case():
    x, t = _data((12, 12))

    def run(trial, answer):
        first = _parts(trial.call(answer, x.copy(), t.copy(), 0.25, 0))
        again = _parts(trial.call(answer, x.copy(), t.copy(), 0.25, 0))
        other = _parts(trial.call(answer, x.copy(), t.copy(), 0.25, 1))
        if not np.array_equal(_numbers(first[2]), _numbers(again[2])):
            raise Mismatch(
                "the same seed gave two different splits",
                hints=("draw every random number from np.random.default_rng(seed)",),
            )
        if np.array_equal(np.sort(_numbers(first[2])), np.sort(_numbers(other[2]))):
            raise Mismatch(
                "seeds 0 and 1 held out the same samples: the seed is not used",
                hints=("shuffle with rng = np.random.default_rng(seed), then rng.permutation",),
            )

    return Case("the same seed gives the same split, another seed another", run, given="")


SPLIT_VALIDATION = Exercise(
    "split_validation",
    "function",
    (
        _split_case(
            "the split returns (x_train, t_train), (x_val, t_val)",
            (10, 10, 10),
            0.2,
            0,
            lambda *args: None,
            essential=True,
        ),
        _split_case("every sample lands in exactly one part", (10, 20, 30), 0.2, 0, _each_once),
        _split_case("every sample keeps its own label", (10, 20, 30), 0.2, 0, _labels_kept),
        _split_case(
            "each class gives round(validation_rate * its size) samples",
            (10, 21, 34),
            0.3,
            3,
            _stratified,
        ),
        _seed_case(),
    ),
)
