"""Running the cases of one exercise and the feedback object that reports on them."""

from dataclasses import dataclass, field

import numpy as np

from ._compare import Mismatch
from ._running import AnswerRaised, OutOfTime, Skip, TimeBudget, Trial, Unfinished

__all__ = ["Exercise", "CaseResult", "Feedback", "run_exercise"]

MARKS = {"passed": "✓", "failed": "✗", "unfinished": "✎", "skipped": "–", "not run": "·"}


@dataclass(frozen=True)
class Exercise:
    """An exercise: its id, the kind of answer ("function" or "class") and its cases.

    ``warning_note`` maps a warning message fragment to a sentence explaining it.
    """

    id: str
    kind: str
    cases: tuple
    warning_note: dict = field(default_factory=dict)


@dataclass(frozen=True)
class CaseResult:
    """What happened in one case; the text fields are already formatted."""

    name: str
    outcome: str
    given: str = ""
    problem: str = ""
    expected: str | None = None
    got: str | None = None
    line: str | None = None
    hints: tuple = ()


@dataclass(frozen=True)
class Feedback:
    """The verdict of :func:`zerotsuku.exercises.check`: truthy exactly when all passed.

    Attributes
    ----------
    exercise : str
        The exercise id.
    status : {"passed", "failed", "unfinished"}
        "unfinished" when the answer still raises NotImplementedError (and nothing failed).
    results : tuple of CaseResult
        One per case, in order.
    notes : tuple of str
        Remarks that do not fail the answer, e.g. a harmless overflow warning.

    ``str()`` and the notebook display give the same plain text; it holds no addresses,
    timings or unrounded numbers, so a stored notebook output compares equal anywhere.
    """

    exercise: str
    status: str
    results: tuple
    notes: tuple = ()

    def __bool__(self):
        return self.status == "passed"

    @property
    def failures(self):
        """The results of the failed cases."""
        return tuple(r for r in self.results if r.outcome == "failed")

    def __str__(self):
        lines = [self._headline()]
        if self.status == "unfinished":
            lines.append(
                "  Replace `raise NotImplementedError` with your code, then run this again."
            )
        detailed = False
        for result in self.results:
            if self.status == "unfinished" and result.outcome in ("unfinished", "not run"):
                continue
            lines.append(f"  {MARKS[result.outcome]} {result.name}")
            if result.outcome == "failed" and not detailed:
                lines += _details(result)
                detailed = True
            elif result.outcome == "unfinished":
                lines[-1] += f": not finished ({result.problem} raises NotImplementedError)"
            elif result.outcome in ("failed", "skipped") and result.problem:
                lines[-1] += f": {result.problem}"
        lines += [f"  Note: {note}" for note in self.notes]
        return "\n".join(lines)

    def __repr__(self):
        return str(self)

    def _repr_pretty_(self, printer, cycle):
        printer.text(str(self))

    def _headline(self):
        counted = [r for r in self.results if r.outcome != "skipped"]
        if self.status == "passed":
            return f"✓ {self.exercise}: all {len(counted)} checks passed."
        if self.status == "unfinished":
            what = next(r for r in self.results if r.outcome == "unfinished").problem
            return f"✎ {self.exercise}: not finished yet: {what} still raises NotImplementedError."
        failed = len(self.failures)
        not_run = sum(r.outcome == "not run" for r in self.results)
        left = f" ({not_run} not run)" if not_run else ""
        return f"✗ {self.exercise}: {failed} of {len(counted)} checks failed{left}."


def _details(result):
    rows = [("input", result.given), ("problem", result.problem)]
    if result.line:
        rows.append(("in line", result.line))
    rows += [("expected", result.expected), ("got", result.got)]
    rows += [("hint", hint) for hint in result.hints]
    return [f"      {label + ':':<10}{text}" for label, text in rows if text]


def _run_case(case, answer, trial):
    trial.case = case.name
    try:
        case.run(trial, answer)
    except Mismatch as wrong:
        return CaseResult(
            case.name,
            "failed",
            case.given,
            wrong.problem,
            wrong.expected,
            wrong.got,
            hints=wrong.hints,
        )
    except AnswerRaised as raised:
        return CaseResult(
            case.name,
            "failed",
            case.given,
            raised.describe(),
            line=raised.line,
            hints=raised.hints() + case.hints_on_error,
        )
    except Unfinished as stub:
        return CaseResult(case.name, "unfinished", case.given, stub.what)
    except Skip as skip:
        return CaseResult(case.name, "skipped", problem=str(skip))
    except Exception as error:  # the answer gave something the checker cannot read
        problem = f"the checker could not read what came back ({type(error).__name__}: {error})"
        return CaseResult(case.name, "failed", case.given, problem)
    return CaseResult(case.name, "passed")


def _timed_out(case, seconds):
    return CaseResult(
        case.name,
        "failed",
        case.given,
        f"still running after {seconds:g} s, so it was stopped",
        hints=("is there a loop that never ends (a `while` whose condition stays true)?",),
    )


def _status(results):
    outcomes = {r.outcome for r in results}
    if "failed" in outcomes:
        return "failed"
    return "unfinished" if "unfinished" in outcomes else "passed"


def run_exercise(exercise, answer, time_limit):
    """Run every case of ``exercise`` on ``answer``; return a :class:`Feedback`.

    Cases stop at the first unfinished part, at a time-out, and after a failed
    essential case; the cases left are reported as not run. The checker's own
    arithmetic ignores the caller's numpy error settings; the answer runs with
    numpy's defaults (see :meth:`Trial.call`).
    """
    results, trial, stop = [], Trial(), False
    with TimeBudget(time_limit) as budget, np.errstate(all="ignore"):
        for case in exercise.cases:
            if stop:
                results.append(CaseResult(case.name, "not run"))
                continue
            try:
                with budget.armed():
                    result = _run_case(case, answer, trial)
            except OutOfTime:
                result, stop = _timed_out(case, time_limit), True
            results.append(result)
            stop = stop or result.outcome == "unfinished"
            stop = stop or (case.essential and result.outcome == "failed")
    notes = trial.notes + _warning_notes(trial.warnings, exercise.warning_note)
    return Feedback(exercise.id, _status(results), tuple(results), tuple(notes))


def _warning_notes(caught, explanations):
    """One note per distinct warning, naming the first case that raised it."""
    first_case = {}
    for case, category, message in caught:
        first_case.setdefault((category, message), case)
    notes = []
    for (category, message), case in first_case.items():
        note = f"in “{case}” your code warned ({category}: {message})."
        for fragment, explanation in explanations.items():
            if fragment in message:
                note += " " + explanation
        notes.append(note)
    return notes
