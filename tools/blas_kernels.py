"""OpenBLAS kernels for the test matrix: which ones this CPU can run, and a check that one is used.

numpy's wheels ship an OpenBLAS built for many CPUs at once; it picks its kernels from the CPU,
and ``OPENBLAS_CORETYPE`` forces another. Different kernels round matrix products differently
in the last bits, which is what a learner's laptop or a fork's CI runner does to our stored
outputs. ``make test-kernels`` re-runs every notebook under each kernel listed here.

Usage::

    python tools/blas_kernels.py             # the kernels to test, besides the native one
    python tools/blas_kernels.py --check K   # exit 1 unless OpenBLAS now runs kernel K
    python tools/blas_kernels.py --report    # the kernel OpenBLAS runs in this process
"""

import os
import platform
import subprocess
import sys
from pathlib import Path

import numpy  # noqa: F401  (loads OpenBLAS, so that threadpoolctl sees it)
import threadpoolctl

# OpenBLAS core types for x86-64, each with the CPU flags its kernels execute.
# A kernel whose instructions the CPU lacks would crash, so those are never chosen.
KERNELS = {
    "SkylakeX": {"avx512f", "avx512vl", "avx512bw", "avx512dq", "avx512cd"},
    "Haswell": {"avx2", "fma"},
    "Zen": {"avx2", "fma"},
    "Sandybridge": {"avx"},
    "Nehalem": {"sse4_2"},
    "Prescott": {"pni"},
}
MOST = 3  # kernels per run, besides the native one


def cpu_flags(cpuinfo=Path("/proc/cpuinfo")):
    """The CPU's feature flags, read from Linux's /proc/cpuinfo (empty elsewhere)."""
    if not cpuinfo.is_file():
        return set()
    for line in cpuinfo.read_text().splitlines():
        if line.startswith("flags"):
            return set(line.partition(":")[2].split())
    return set()


def current_kernel():
    """The kernel name OpenBLAS reports in this process, e.g. 'Haswell'."""
    for info in threadpoolctl.threadpool_info():
        if info.get("internal_api") == "openblas":
            return info.get("architecture")
    raise SystemExit("numpy here does not use OpenBLAS: there is no kernel to switch")


def kernel_when_forced(coretype):
    """The kernel OpenBLAS reports in a new process run with OPENBLAS_CORETYPE=coretype.

    Some names share kernels (Zen runs Haswell's), some report an older name (Prescott:
    Katmai), so what counts is what OpenBLAS says it runs.
    """
    environment = {**os.environ, "OPENBLAS_CORETYPE": coretype}
    command = [sys.executable, __file__, "--report"]
    return subprocess.run(command, env=environment, capture_output=True, text=True).stdout.strip()


def kernels_to_test(flags, native):
    """Up to MOST core types this CPU can run whose kernels differ from ``native`` and from
    each other, most modern first."""
    chosen, seen = [], {native}
    for coretype, needs in KERNELS.items():
        if needs <= flags and len(chosen) < MOST:
            kernel = kernel_when_forced(coretype)
            if kernel and kernel not in seen:
                chosen.append(coretype)
                seen.add(kernel)
    return chosen


def main(args):
    if args == ["--report"]:
        print(current_kernel())
        return 0
    if args[:1] == ["--check"] and len(args) == 2:
        wanted, running = args[1], current_kernel()
        if running != kernel_when_forced(wanted) or wanted not in KERNELS:
            print(f"OPENBLAS_CORETYPE={wanted} was asked for, but OpenBLAS runs {running}")
            return 1
        print(f"OPENBLAS_CORETYPE={wanted}: OpenBLAS runs the {running} kernel")
        return 0
    if args:
        print(__doc__)
        return 2
    if platform.machine() not in ("x86_64", "AMD64"):
        print(f"no kernel matrix on {platform.machine()}: its OpenBLAS kernels are not listed")
        return 1
    chosen = kernels_to_test(cpu_flags(), current_kernel())
    if len(chosen) < 3:
        print(f"this CPU runs only {chosen} besides its own kernel; the matrix needs three")
        return 1
    print(" ".join(chosen))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
