"""Running a learner's code safely: warnings captured, errors caught, a time limit.

The time limit uses a POSIX interval timer (``signal.setitimer``): when a case runs over,
the timer's signal raises :class:`OutOfTime` inside the learner's code, which stops a
pure-Python endless loop. It needs the main thread of a Unix-like system (where Jupyter
and nbval run cell code) and a timer nobody else is using; elsewhere (Windows, a worker
thread, under pytest-timeout) cases simply run without a limit. Other ways
were weighed: a thread cannot be stopped, so its endless loop keeps burning a core; a
subprocess cannot receive a function defined in a notebook cell. ``OutOfTime`` derives
from ``BaseException`` so that an ``except Exception`` in the learner's code does not
swallow it; the timer re-fires every 0.1 s, and when the learner's code has swallowed
one (a bare ``except:`` in a loop), a trace function raises it again at the learner's
next line, from where it cannot be caught by the same ``try``. The signal is acted on
only while the learner's own code runs, never in the checker's clean-up (such as
restoring the warning filters), so a time-out cannot leave anything half restored.
"""

import contextlib
import re
import signal
import sys
import sysconfig
import threading
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ._compare import Mismatch, show

__all__ = ["Case", "Trial", "TimeBudget", "Unfinished", "AnswerRaised", "OutOfTime", "Skip"]

_NUMPY_DIR = str(Path(np.__file__).parent)
_OUR_DIR = str(Path(__file__).parent)
_LIBRARY_DIRS = (_NUMPY_DIR, sysconfig.get_paths()["stdlib"])


def _in_learner_code(frame):
    """Whether the innermost frame that is neither numpy nor the standard library is
    the learner's (and not the checker's own, e.g. restoring the warning filters)."""
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith(_OUR_DIR):
            return False
        if not filename.startswith(_LIBRARY_DIRS):
            return True
        frame = frame.f_back
    return False


class OutOfTime(BaseException):
    """Raised inside the learner's code when a case runs over its time limit."""


class Unfinished(Exception):
    """The learner's code raised NotImplementedError: a stub not filled in yet."""

    def __init__(self, what):
        super().__init__(what)
        self.what = what


class AnswerRaised(Exception):
    """The learner's code raised an exception; keeps its type, message and line."""

    def __init__(self, what, error):
        super().__init__(what)
        self.what = what
        self.error = error
        self.line = _learner_line(error)

    def hints(self):
        """Advice for the error messages in :data:`KNOWN_ERRORS`."""
        message = str(self.error)
        return tuple(hint for fragment, hint in KNOWN_ERRORS if fragment in message)

    def describe(self):
        """One line: 'raised ValueError: message'."""
        message = re.sub(r" at 0x[0-9a-fA-F]+", "", " ".join(str(self.error).split()))
        if len(message) > 160:
            message = message[:157] + "..."
        name = type(self.error).__name__
        return f"{self.what} raised {name}: {message}" if message else f"{self.what} raised {name}"


KNOWN_ERRORS = (
    (
        "has no attribute 'int'",
        "np.int was removed from numpy (1.24): write int instead, as in .astype(int)",
    ),
    (
        "truth value of an array",
        "`if` needs one True or False, and an array holds many: "
        "compare the whole array instead (x > 0 gives an array of True/False)",
    ),
    (
        "can be converted to Python scalars",
        "math.exp and friends take one number: use np.exp, which works on whole arrays",
    ),
    (
        "could not be broadcast",
        "the shapes do not fit together; print the .shape of each array in that line",
    ),
)
"""Error messages learners meet often, with what usually causes them."""


class Skip(Exception):
    """A case that does not apply to this answer (e.g. an optional method is missing)."""


def _learner_line(error):
    """Source text of the deepest frame of the learner's own code, if it can be found."""
    frames = traceback.extract_tb(error.__traceback__)
    for frame in reversed(frames):
        if not frame.filename.startswith((_NUMPY_DIR, _OUR_DIR)) and frame.line:
            return frame.line.strip()
    return None


@dataclass(frozen=True)
class Case:
    """One check: a name in the learner's words and ``run(trial, answer)``.

    ``run`` raises :class:`Mismatch` when the answer is wrong. ``given`` describes the
    input, ``hints_on_error`` is advice shown when the answer raises. An ``essential``
    case that fails stops the remaining cases (they would all fail for the same reason).
    """

    name: str
    run: object
    given: str = ""
    hints_on_error: tuple = ()
    essential: bool = False


def _snapshot(value):
    if isinstance(value, np.ndarray):
        return value.copy()
    return None


class Trial:
    """What a case uses to call the learner's code; collects warnings as notes."""

    def __init__(self):
        self.case = ""
        self.warnings = []
        self.notes = []

    def note(self, text):
        """Add a remark that does not fail the answer (each distinct text once)."""
        if text not in self.notes:
            self.notes.append(text)

    def call(self, fn, *args, what="your function", may_change=False):
        """``fn(*args)`` with warnings recorded and exceptions turned into ours.

        Unless ``may_change``, an array argument changed by the call is a
        :class:`Mismatch`: the book's function leaves its input alone.
        """
        before = [_snapshot(arg) for arg in args]
        with (
            warnings.catch_warnings(record=True) as caught,
            np.errstate(all="warn", under="ignore"),
        ):
            warnings.simplefilter("always")
            try:
                result = fn(*args)
            except NotImplementedError:
                raise Unfinished(what) from None
            except (OutOfTime, KeyboardInterrupt):
                raise
            except BaseException as error:  # SystemExit too: a learner's exit() is feedback
                raise AnswerRaised(what, error) from None
            finally:
                for item in caught:
                    self.warnings.append((self.case, item.category.__name__, str(item.message)))
        if not may_change:
            _check_unchanged(args, before, what)
        return result


def _check_unchanged(args, before, what):
    for number, (arg, copy) in enumerate(zip(args, before, strict=True)):
        if copy is not None and not (
            arg.shape == copy.shape and np.array_equal(arg, copy, equal_nan=True)
        ):
            raise Mismatch(
                f"{what} changed its input (argument {number + 1}) in place",
                expected=f"the input left as it was: {show(copy)}",
                got=f"the input afterwards: {show(arg)}",
                hints=(
                    "work on new arrays: `x = x - c` makes a new array, `x -= c` or "
                    "`x[...] = ...` overwrites the caller's array",
                ),
            )


class TimeBudget:
    """A per-case time limit (seconds, or None for none); see the module docstring.

    Use as a context manager around all the cases, and :meth:`armed` around each one.
    """

    def __init__(self, seconds):
        self.seconds = seconds
        self.active = False
        self._armed = False
        self._alarms = 0
        self._previous_handler = None
        self._previous_trace = None

    def __enter__(self):
        self.active = (
            self.seconds is not None
            and hasattr(signal, "setitimer")
            and threading.current_thread() is threading.main_thread()
            and signal.getitimer(signal.ITIMER_REAL)[0] == 0
        )
        if self.active:
            self._previous_handler = signal.signal(signal.SIGALRM, self._on_alarm)
        return self

    def __exit__(self, *exc_info):
        if self.active:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._previous_handler)
            self.active = False

    @contextlib.contextmanager
    def armed(self):
        """The limit runs for the duration of the ``with`` block."""
        if not self.active:
            yield
            return
        self._armed, self._alarms = True, 0
        self._previous_trace = sys.gettrace()
        signal.setitimer(signal.ITIMER_REAL, self.seconds, 0.1)
        try:
            yield
        finally:
            self._armed = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            if self._alarms > 1:
                sys.settrace(self._previous_trace)

    def _on_alarm(self, signum, frame):
        if not (self._armed and _in_learner_code(frame)):
            return  # the checker's own code is running: the next alarm, 0.1 s on, will do
        self._alarms += 1
        if self._alarms > 1:
            self._trap(frame)
        raise OutOfTime

    def _trap(self, frame):
        """The last OutOfTime was swallowed: raise it again at the next line of the
        learner's code, which escapes even a bare ``except:`` inside a loop."""

        def tracer(frame, event, arg):
            if frame.f_code.co_filename.startswith(_OUR_DIR):
                return None
            if event == "line" and self._armed and _in_learner_code(frame):
                raise OutOfTime
            return tracer

        while frame is not None and not frame.f_code.co_filename.startswith(_OUR_DIR):
            frame.f_trace = tracer  # only the learner's frames, up to our Trial.call
            frame = frame.f_back
        sys.settrace(tracer)
