"""The lab's live run: Play, Step and Reset advance one run a few iterations at a time.

After N iterations, in whatever chunks, its network is bit for bit the one
:func:`~zerotsuku.training.train` gives after N iterations with the same settings.
"""

import time

import numpy as np

from .._checks import whole_number
from ..fast_gradient import fast_numerical_gradient
from ..training import TrainingHistory, batch_indices, loss_or_nan
from .data import data_for
from .experiment import LabRun, final_check, fresh_network, full_settings, refusal

__all__ = ["LiveRun"]


class LiveRun:
    """A run that advances a few iterations at a time: the lab's Play, Step and Reset.

    It draws its batches from one generator kept across chunks and updates the parameters
    exactly as :func:`~zerotsuku.training.train` does, so after N iterations, in whatever
    chunks, its network has the same parameters, bit for bit, as ``train()`` with the same
    settings and ``iters_num=N`` (and :meth:`history` is that run's history).

    Parameters
    ----------
    **settings
        Any of the keys of :data:`~zerotsuku.lab.experiment.DEFAULTS`; ``iters_num`` is
        where Play stops.

    Attributes
    ----------
    settings : dict
    data : LabData
    network : TwoLayerNet
        Trained in place.
    done : int
        Iterations done so far.

    Used by :class:`~zerotsuku.lab.TrainingLab`.

    Examples
    --------
    >>> live = LiveRun(dataset="gauss")
    >>> live.advance(7), live.advance(3), live.done
    (7, 3, 10)
    >>> live.reset(); live.done
    0
    """

    def __init__(self, **settings):
        self.settings = full_settings(**settings)
        reason = refusal(**self.settings)
        if reason is not None:
            raise ValueError(reason)
        self.data = data_for(self.settings)
        self.network = fresh_network(self.settings, self.data)
        self._start = {key: value.copy() for key, value in self.network.params.items()}
        self.reset()

    @property
    def iter_per_epoch(self):
        return max(self.data.train_size // self.settings["batch_size"], 1)

    @property
    def diverged(self):
        return bool(self.losses) and not np.isfinite(self.losses[-1])

    @property
    def finished(self):
        """True at ``iters_num`` iterations or after divergence."""
        return self.diverged or self.done >= self.settings["iters_num"]

    def reset(self):
        """Back to the start weights and the first batch."""
        for key, value in self._start.items():
            self.network.params[key] = value.copy()
        # train()'s own batch iterator, kept for the whole run (its length is only a bound).
        self._batches = batch_indices(
            self.data.train_size,
            self.settings["batch_size"],
            2**62,
            rng=np.random.default_rng(self.settings["seed"]),
        )
        self.losses, self._accuracies = [], []
        self._seconds = 0.0
        self._measure()

    @property
    def done(self):
        return len(self.losses)

    def advance(self, iterations, *, time_limit=None, callback=None):
        """Run up to ``iterations`` more iterations (fewer at divergence or ``time_limit`` s).

        Returns
        -------
        int
            The iterations run.
        """
        iterations = whole_number("iterations", iterations, 0)
        start = time.perf_counter()
        deadline = start + (np.inf if time_limit is None else time_limit)
        count = 0
        while count < iterations and not self.diverged:
            self._step()
            count += 1
            if callback is not None:
                callback(self.done, self.losses[-1])
            if time.perf_counter() > deadline:
                break
        self._seconds += time.perf_counter() - start
        return count

    def _step(self):
        """One iteration of train(): gradient, whole update, loss, accuracy at epoch ends."""
        batch = next(self._batches)
        x_batch, t_batch = self.data.x_train[batch], self.data.t_train[batch]
        gradient = self.settings["gradient"]
        if gradient == "backprop":
            grads = self.network.gradient(x_batch, t_batch)
        elif gradient == "numerical":
            grads = self.network.numerical_gradient(x_batch, t_batch)
        else:
            grads = fast_numerical_gradient(self.network, x_batch, t_batch)
        rate, params = self.settings["learning_rate"], self.network.params
        with np.errstate(over="ignore", invalid="ignore"):
            updated = {key: value - rate * grads[key] for key, value in params.items()}
        params.update(updated)  # one step: an interrupt cannot land between two keys
        self.losses.append(float(loss_or_nan(self.network, x_batch, t_batch)))
        if not self.diverged and self.done % self.iter_per_epoch == 0:
            self._measure()

    def _measure(self):
        train_acc = self.network.accuracy(self.data.x_train, self.data.t_train)
        val_acc = self.network.accuracy(self.data.x_val, self.data.t_val)
        self._accuracies.append((self.done, train_acc, val_acc))

    def history(self):
        """The TrainingHistory of ``train()`` stopped here (``iters_num`` = iterations done)."""
        accuracies = list(self._accuracies)
        if not self.diverged and accuracies[-1][0] != self.done:
            accuracies.append(
                (
                    self.done,
                    self.network.accuracy(self.data.x_train, self.data.t_train),
                    self.network.accuracy(self.data.x_val, self.data.t_val),
                )
            )
        iters, train_acc, val_acc = zip(*accuracies, strict=True)
        s = self.settings
        settings = {
            **s,
            "iters_num": self.done,
            "sampling": "epoch",
            "train_size": self.data.train_size,
            "input_size": self.network.input_size,
            "output_size": self.network.output_size,
        }
        return TrainingHistory(
            train_loss=np.array(self.losses, dtype=np.float64),
            train_acc=np.array(train_acc, dtype=np.float64),
            test_acc=np.array(val_acc, dtype=np.float64),
            acc_iters=np.array(iters, dtype=np.int64),
            iter_per_epoch=self.iter_per_epoch,
            seconds=self._seconds,
            diverged=self.diverged,
            settings=settings,
        )

    def lab_run(self):
        """This run as a :class:`~zerotsuku.lab.experiment.LabRun`.

        The test accuracy is measured now, as the final check.
        """
        history = self.history()
        history.settings["iters_num"] = self.settings["iters_num"]
        return LabRun(self.network, history, self.data, final_check(self.network, self.data))
