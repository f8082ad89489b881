"""The maintenance scripts in tools/: the lock and oldest-version pins, the BLAS kernel choice."""

import importlib.util
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[1] / "tools"


def load(name):
    spec = importlib.util.spec_from_file_location(name, TOOLS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def pins():
    return load("pins")


@pytest.fixture(scope="module")
def blas_kernels():
    return load("blas_kernels")


def test_oldest_constraints_are_the_lower_bounds(pins):
    lines = pins.oldest_constraints().splitlines()
    assert "numpy==1.24" in lines and "matplotlib==3.8" in lines
    assert all("==" in line for line in lines)


def test_lock_pins_environment_yml(pins):
    text = "dependencies:\n  - numpy>=1.24\n  - playwright-python>=1.40  # conda name\n"
    pinned = pins.pin_environment_lines(text, {"numpy": "2.4.6", "playwright": "1.65.2"})
    assert pinned == (
        "dependencies:\n  - numpy==2.4.6\n  - playwright-python==1.65.2  # conda name\n"
    )


def test_freeze_reading_skips_comments_and_editables(pins):
    text = "# comment\nNumPy==2.4.6\n-e file:///x\nzerotsuku==0.1.0\n"
    assert pins.read_freeze(text) == {"numpy": "2.4.6", "zerotsuku": "0.1.0"}


def test_kernels_need_their_cpu_flags(blas_kernels, monkeypatch):
    reported = {"Haswell": "Haswell", "Zen": "Haswell", "Sandybridge": "Sandybridge"}
    monkeypatch.setattr(blas_kernels, "kernel_when_forced", reported.get)
    flags = {"avx", "avx2", "fma", "sse4_2"}  # no AVX-512: SkylakeX would crash
    assert blas_kernels.kernels_to_test(flags, "Haswell") == ["Sandybridge"]
    assert blas_kernels.kernels_to_test({"avx", "avx2", "fma"}, "Sandybridge") == ["Haswell"]


def test_cpu_flags_read_from_cpuinfo(blas_kernels, tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu sse4_2 avx\n")
    assert blas_kernels.cpu_flags(cpuinfo) == {"fpu", "sse4_2", "avx"}
    assert blas_kernels.cpu_flags(tmp_path / "missing") == set()
