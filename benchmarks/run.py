"""Run the benchmarks of zerotsuku and rewrite benchmarks/RESULTS.md.

Usage::

    python benchmarks/run.py                      # everything, a few minutes
    python benchmarks/run.py --only training      # one benchmark (names: --list)
    python benchmarks/run.py --blas-threads 0     # leave OpenBLAS's thread count alone

Every figure is the median of several runs, with min and max; each ratio compares
two things timed in the same run, interleaved, so that the load of a shared
machine hits both alike. With ``--only`` the results are printed and RESULTS.md
is left as it is, unless ``--write`` is given.
"""

import argparse
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", metavar="NAME", help="run only NAME")
    parser.add_argument("--list", action="store_true", help="list the benchmark names")
    parser.add_argument(
        "--blas-threads",
        type=int,
        default=1,
        help="OpenBLAS threads for the timings (default 1: steadier on a shared machine; "
        "0 leaves the default). Notebooks run with the thread setting you started with.",
    )
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (at least 5)")
    parser.add_argument(
        "--notebook-runs", type=int, default=5, help="executions of each notebook (default 5)"
    )
    parser.add_argument("--write", action="store_true", help="write RESULTS.md with --only")
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    # The thread count must be set before numpy is imported, so the suite comes after.
    user_env = dict(os.environ)
    if args.blas_threads > 0:
        os.environ["OPENBLAS_NUM_THREADS"] = str(args.blas_threads)
    sys.path.insert(0, str(HERE))
    import suite

    if args.list:
        print("\n".join(suite.BENCHMARKS))
        return 0
    unknown = sorted(set(args.only or ()) - set(suite.BENCHMARKS))
    if unknown:
        print(f"unknown benchmark(s) {unknown}; choose from {list(suite.BENCHMARKS)}")
        return 2
    if args.runs < 5:
        print("--runs must be at least 5")
        return 2
    report = suite.run(
        names=args.only or list(suite.BENCHMARKS),
        runs=args.runs,
        notebook_runs=args.notebook_runs,
        blas_threads=args.blas_threads,
        user_env=user_env,
    )
    print(report)
    if args.only is None or args.write:
        args.output.write_text(report, encoding="utf-8")
        print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
