"""Shared test settings."""

from hypothesis import settings

# No per-example deadline: a deadline is a timing assertion, and timings belong in
# benchmarks/. Derandomized, so a failure repeats on every run and every machine.
settings.register_profile("zerotsuku", deadline=None, derandomize=True)
settings.load_profile("zerotsuku")
