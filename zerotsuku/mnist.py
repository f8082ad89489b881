"""The full MNIST data set: download, verify, parse and cache it.

MNIST comes as four gzipped IDX files. ``load`` returns them as uint8 arrays and keeps a
parsed copy in ``data_dir/mnist.npz``, an ``.npz`` read with ``allow_pickle=False`` and
tied to the checksums of the files it was made from. Downloading is pooch's, over the
mirrors in turn (``zerotsuku._mnist_download``); parsing is our own IDX reader.

Run ``python -m zerotsuku download`` once, ahead of a class.
"""

import gzip
import os
import sys
import tempfile
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pooch

from . import _mnist_download
from ._checks import positive_number
from ._mnist_download import MNISTDownloadError

__all__ = [
    "DEFAULT_CHECKSUMS",
    "DEFAULT_MIRRORS",
    "FILES",
    "SIZES",
    "MNISTDownloadError",
    "default_data_dir",
    "download",
    "is_cached",
    "load",
    "main",
    "read_idx",
]

DEFAULT_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)
"""Base URLs tried in order; the original host last (it has answered 403/404 for years)."""

FILES = {
    "x_train": "train-images-idx3-ubyte.gz",
    "t_train": "train-labels-idx1-ubyte.gz",
    "x_test": "t10k-images-idx3-ubyte.gz",
    "t_test": "t10k-labels-idx1-ubyte.gz",
}
"""Array name -> name of the file that holds it."""

DEFAULT_CHECKSUMS = {
    "train-images-idx3-ubyte.gz": (
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"
    ),
    "train-labels-idx1-ubyte.gz": (
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"
    ),
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}
"""The published sha256 of each file."""

SIZES = {
    "train-images-idx3-ubyte.gz": 9_912_422,
    "train-labels-idx1-ubyte.gz": 28_881,
    "t10k-images-idx3-ubyte.gz": 1_648_877,
    "t10k-labels-idx1-ubyte.gz": 4_542,
}
"""The size in bytes of each file: a longer download is refused and never written."""

MAX_BYTES = 64_000_000
"""The most a file with another checksum than MNIST's own may have (its size is unknown)."""

CACHE_NAME = "mnist.npz"
DEFAULT_TIMEOUT = 30.0
"""Seconds a mirror may stay silent (connecting or mid-transfer) before the next is tried."""
DEFAULT_TIME_LIMIT = 600.0
"""Seconds one file's download may take in all before the next mirror is tried."""

_MAGIC = {"x": 0x00000803, "t": 0x00000801}  # unsigned bytes; 3-D images, 1-D labels
_IDX_TYPES = {0x08: "u1", 0x09: "i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def default_data_dir():
    """Where the full set is cached when no ``data_dir`` is given.

    ``$ZEROTSUKU_DATA`` if set, else the system's cache folder, ``pooch.os_cache``
    (``~/.cache/zerotsuku`` on Linux, ``~/Library/Caches/zerotsuku`` on macOS,
    ``%LOCALAPPDATA%\\zerotsuku\\Cache`` on Windows). Never inside the package.

    Used by ``load`` and ``zerotsuku.datasets.load_mnist``.

    Examples
    --------
    >>> isinstance(default_data_dir(), Path)
    True
    """
    if os.environ.get("ZEROTSUKU_DATA"):
        return Path(os.environ["ZEROTSUKU_DATA"]).expanduser()
    return Path(pooch.os_cache("zerotsuku"))


# ----------------------------------------------------------------------------- arguments


def _check_data_dir(data_dir):
    if data_dir is None:
        path = default_data_dir()
        name = "ZEROTSUKU_DATA" if os.environ.get("ZEROTSUKU_DATA") else "the cache folder"
    elif isinstance(data_dir, (str, os.PathLike)):
        path, name = Path(data_dir).expanduser(), "data_dir"
    else:
        raise TypeError(f"data_dir must be a path (str or os.PathLike), got {data_dir!r}")
    if path.exists() and not path.is_dir():
        raise ValueError(
            f"{name} is {path}, which is a file, not a folder: point {name} at a folder "
            "(it is made if missing) where the full MNIST set may be stored"
        )
    return path


def _check_checksums(checksums):
    if checksums is None:
        return dict(DEFAULT_CHECKSUMS)
    return _mnist_download.check_checksums(checksums, FILES.values())


# ----------------------------------------------------------------------------- IDX format


def read_idx(path):
    """Parse one IDX file, gzipped or not, checking its header against its data.

    An IDX header is two zero bytes, a type code, the number of dimensions, then
    each dimension as a big-endian uint32; the data must fill exactly that shape.
    Used by ``load`` for each of the four MNIST files.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    numpy.ndarray
        Shaped as the header says, in native byte order.

    Raises
    ------
    ValueError
        Broken gzip data, a bad magic number, an unknown type code, or more or
        fewer data bytes than the header announces. The message names the file.

    Examples
    --------
    >>> import gzip, os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "labels.gz")
    >>> with gzip.open(path, "wb") as f:
    ...     _ = f.write(bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1]))
    >>> read_idx(path)
    array([7, 2, 1], dtype=uint8)
    """
    return _read_idx(Path(path))[1]


def _read_idx(path):
    """(magic number, array) of an IDX file."""
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as error:
            raise ValueError(f"{path}: broken gzip data ({error})") from None
    if len(raw) < 4 or raw[:2] != b"\x00\x00":
        raise ValueError(f"{path}: not an IDX file (first bytes {raw[:4].hex() or 'none'})")
    type_code, ndim = raw[2], raw[3]
    if type_code not in _IDX_TYPES:
        raise ValueError(f"{path}: unknown IDX type code 0x{type_code:02x}")
    header = 4 + 4 * ndim
    if ndim == 0 or len(raw) < header:
        raise ValueError(f"{path}: IDX header cut short or without dimensions ({ndim})")
    dims = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    dtype = np.dtype(_IDX_TYPES[type_code])
    expected = int(np.prod(dims, dtype=np.int64)) * dtype.itemsize
    if len(raw) - header != expected:
        raise ValueError(
            f"{path}: header announces shape {dims} ({expected:,} bytes) "
            f"but {len(raw) - header:,} bytes follow it"
        )
    array = np.frombuffer(raw, dtype=dtype, offset=header).reshape(dims)
    return int.from_bytes(raw[:4], "big"), array.astype(dtype.newbyteorder("="))


def _read_mnist_files(data_dir):
    """The four files as arrays, checked for the layout MNIST has."""
    arrays = {}
    for key, name in FILES.items():
        path = data_dir / name
        magic, array = _read_idx(path)
        if magic != _MAGIC[key[0]]:
            kind = "images (3-D)" if key[0] == "x" else "labels (1-D)"
            raise ValueError(
                f"{path}: magic number 0x{magic:08x}, expected 0x{_MAGIC[key[0]]:08x} "
                f"for unsigned-byte {kind}"
            )
        if key[0] == "x" and array.shape[1:] != (28, 28):
            raise ValueError(f"{path}: images are {array.shape[1:]}, MNIST's are (28, 28)")
        if key[0] == "t" and array.size and array.max() > 9:
            raise ValueError(f"{path}: labels must be digits 0..9, found {array.max()}")
        arrays[key] = array
    for part in ("train", "test"):
        n_images, n_labels = len(arrays[f"x_{part}"]), len(arrays[f"t_{part}"])
        if n_images != n_labels:
            raise ValueError(f"{part} files hold {n_images:,} images but {n_labels:,} labels")
    return arrays


# ----------------------------------------------------------------------------- the cache


def _read_cache(data_dir, checksums):
    """The cached arrays if the cache exists, is sound and was built from these files."""
    try:
        with np.load(data_dir / CACHE_NAME, allow_pickle=False) as npz:
            if set(npz.files) != {*FILES, "sha256"}:
                return None
            if npz["sha256"].tolist() != [checksums[name] for name in FILES.values()]:
                return None
            arrays = {key: npz[key] for key in FILES}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile):
        return None  # missing or unreadable: rebuilt from the verified files
    for part in ("train", "test"):
        x, t = arrays[f"x_{part}"], arrays[f"t_{part}"]
        if x.dtype != np.uint8 or t.dtype != np.uint8:
            return None
        if x.shape[1:] != (28, 28) or t.shape != x.shape[:1]:
            return None
    return arrays


def _write_cache(data_dir, arrays, checksums):
    """Write the cache atomically; if ``data_dir`` cannot take it, warn and go on without."""
    sums, temp = np.array([checksums[name] for name in FILES.values()]), None
    try:
        fd, temp = tempfile.mkstemp(dir=data_dir, prefix=f".{CACHE_NAME}.", suffix=".part")
        with os.fdopen(fd, "wb") as f:
            np.savez_compressed(f, sha256=sums, **arrays)
        os.replace(temp, data_dir / CACHE_NAME)
    except OSError as error:
        warnings.warn(
            f"the full MNIST set is loaded, but its cache {CACHE_NAME} was not saved: "
            f"{_mnist_download.folder_error(data_dir, error)} Until then each load parses "
            "the four files again (a few seconds).",
            RuntimeWarning,
            stacklevel=3,
        )
    finally:
        if temp:
            Path(temp).unlink(missing_ok=True)


def is_cached(data_dir=None, checksums=None):
    """Whether ``data_dir`` holds a sound cache of the files with these checksums.

    Taught in ``09_training_on_mnist.ipynb``, section "6 · Optional: the full MNIST data
    set", which runs on the full set only where this is True.

    Examples
    --------
    >>> import tempfile
    >>> is_cached(tempfile.mkdtemp())
    False
    """
    return _read_cache(_check_data_dir(data_dir), _check_checksums(checksums)) is not None


# ----------------------------------------------------------------------------- download


def load(
    data_dir=None,
    *,
    mirrors=None,
    checksums=None,
    allow_download=True,
    timeout=DEFAULT_TIMEOUT,
    time_limit=DEFAULT_TIME_LIMIT,
    progress=True,
):
    """The full MNIST set as uint8 arrays, downloaded and cached on first use.

    Taught in ``09_training_on_mnist.ipynb``, section "6 · Optional: the full MNIST data
    set", through ``load_mnist(source="full")``.

    Parameters
    ----------
    data_dir : str or os.PathLike, optional
        Cache folder; default ``default_data_dir()``. A folder you cannot write to will
        do if it holds the verified files (a RuntimeWarning says the cache was not saved)
        or their cache.
    mirrors : list of str, optional
        Base URLs (``http(s)://`` or ``file://``) tried in order; default
        ``DEFAULT_MIRRORS``.
    checksums : dict, optional
        File name -> sha256 of the four files; default ``DEFAULT_CHECKSUMS``. A download
        may be no longer than ``SIZES`` says, or ``MAX_BYTES`` with other checksums.
    allow_download : bool, default True
        If False, use only what ``data_dir`` holds: raise FileNotFoundError when
        a file is missing (files placed there by hand are verified and cached).
    timeout : float, default 30
        Seconds a mirror may stay silent before the next one is tried.
    time_limit : float, default 600
        Seconds one file's download may take in all before the next mirror is tried.
    progress : bool, default True
        Show download progress and mirror failures on stderr.

    Returns
    -------
    (x_train, t_train, x_test, t_test)
        Images uint8 (N, 28, 28), labels uint8 (N,): 60,000 and 10,000 for MNIST.

    Raises
    ------
    MNISTDownloadError
        No mirror delivered a file; the message lists every URL tried and why it
        failed, and how to place the files by hand.
    OSError
        ``data_dir`` cannot be written (full disk, read-only) while a file is missing;
        the message names the folder and what to do.
    FileNotFoundError
        ``allow_download`` is False and a file is missing.
    ValueError
        A file has the right checksum but is not valid MNIST IDX data, or ``data_dir``
        (or ``$ZEROTSUKU_DATA``) names a file rather than a folder.
    """
    data_dir = _check_data_dir(data_dir)
    checksums = _check_checksums(checksums)
    options = {
        "checksums": checksums,
        "allow_download": bool(allow_download),
        "timeout": positive_number("timeout", timeout),
        "time_limit": positive_number("time_limit", time_limit),
        "progress": bool(progress),
    }
    order = list(DEFAULT_MIRRORS) if mirrors is None else _mnist_download.check_mirrors(mirrors)
    arrays = _read_cache(data_dir, checksums)
    if arrays is None:
        if not allow_download and not all((data_dir / n).is_file() for n in FILES.values()):
            raise FileNotFoundError(f"the full MNIST set is not in {data_dir}")
        attempts = []
        for name in FILES.values():
            known = SIZES[name] if checksums[name] == DEFAULT_CHECKSUMS[name] else MAX_BYTES
            limits = options | {"max_bytes": known}
            _mnist_download.ensure_file(data_dir / name, checksums[name], order, attempts, limits)
        arrays = _read_mnist_files(data_dir)
        _write_cache(data_dir, arrays, checksums)
    return tuple(arrays[key] for key in FILES)


def download(data_dir=None, **kwargs):
    """Fetch, verify and cache the full set ahead of time; return the cache's path.

    Takes the keywords of ``load``. Taught in ``09_training_on_mnist.ipynb``, section
    "6 · Optional: the full MNIST data set", as ``python -m zerotsuku.mnist download``.
    """
    load(data_dir, **kwargs)
    return _check_data_dir(data_dir) / CACHE_NAME


# ----------------------------------------------------------------------------- command line


def main(argv=None, prog=None):
    """Command line: ``download`` the full set, or show its ``status``; returns the exit code.

    ``download`` fetches, verifies and caches the four files; ``status`` says which are
    there and whole; ``--help`` lists the options. The same as ``python -m zerotsuku``
    and ``zerotsuku-mnist``; the code is in ``zerotsuku/__main__.py``.

    Taught in ``09_training_on_mnist.ipynb``, section "6 · Optional: the full MNIST data
    set", as ``python -m zerotsuku.mnist download``.

    Examples
    --------
    ``python -m zerotsuku download --data-dir /srv/class/mnist``
    """
    from .__main__ import cli  # imported here: ``__main__`` imports this module

    if prog is None:  # a console script keeps its own name; ``-m`` would say "mnist.py"
        script = Path(sys.argv[0]).name
        prog = "python -m zerotsuku.mnist" if script.endswith(".py") else script
    return cli(argv, prog)


if __name__ == "__main__":
    raise SystemExit(main())
