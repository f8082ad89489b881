"""The full MNIST data set: download, verify, parse and cache it, safely.

MNIST comes as four gzipped IDX files. ``load`` returns them as uint8 arrays and
keeps a parsed copy in ``data_dir/mnist.npz``. What can go wrong is handled here:

- each mirror is tried in turn, with a timeout on every network wait;
- each file is checked against its sha256 before use;
- a download goes to a temporary file in ``data_dir`` and takes its real name by
  ``os.replace`` only once verified, so a partial or wrong file is never trusted;
- an exclusive lock file makes two processes (two kernels of one class account)
  take turns, so both succeed and the files are fetched once;
- the cache is an ``.npz`` read with ``allow_pickle=False``: no pickle anywhere.

Run ``python -m zerotsuku.mnist download`` once, ahead of a class.
"""

import argparse
import contextlib
import gzip
import hashlib
import http.client
import os
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import numpy as np

from ._checks import positive_number

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
    import msvcrt

__all__ = [
    "DEFAULT_CHECKSUMS",
    "DEFAULT_MIRRORS",
    "FILES",
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

CACHE_NAME = "mnist.npz"
LOCK_NAME = ".mnist.lock"
DEFAULT_TIMEOUT = 30.0
"""Seconds a mirror may stay silent (connecting or mid-transfer) before the next is tried."""
DEFAULT_LOCK_TIMEOUT = 600.0
"""Seconds to wait for another process that is downloading into the same folder."""

_MAGIC = {"x": 0x00000803, "t": 0x00000801}  # unsigned bytes; 3-D images, 1-D labels
_IDX_TYPES = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_CHUNK = 1 << 16
_TEMP_SUFFIX = ".part"


class MNISTDownloadError(OSError):
    """Every mirror failed for a file; ``attempts`` lists (url, reason) of each failed try."""

    def __init__(self, message, attempts=()):
        super().__init__(message)
        self.attempts = list(attempts)

    def __str__(self):
        return self.args[0]


def default_data_dir():
    """Where the full set is cached when no ``data_dir`` is given.

    ``$ZEROTSUKU_DATA`` if set, else ``$XDG_CACHE_HOME/zerotsuku``, else
    ``~/.cache/zerotsuku``. Read at each call; never inside the package.

    Examples
    --------
    >>> isinstance(default_data_dir(), Path)
    True
    """
    if os.environ.get("ZEROTSUKU_DATA"):
        return Path(os.environ["ZEROTSUKU_DATA"]).expanduser()
    cache_home = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache_home).expanduser() / "zerotsuku"


# ----------------------------------------------------------------------------- arguments


def _check_data_dir(data_dir):
    if data_dir is None:
        return default_data_dir()
    if not isinstance(data_dir, (str, os.PathLike)):
        raise TypeError(f"data_dir must be a path (str or os.PathLike), got {data_dir!r}")
    return Path(data_dir).expanduser()


def _check_mirrors(mirrors):
    if mirrors is None:
        return list(DEFAULT_MIRRORS)
    if isinstance(mirrors, (str, bytes)):
        raise TypeError(f"mirrors must be a list of base URLs, not one string: use [{mirrors!r}]")
    mirrors = list(mirrors)
    if not mirrors:
        raise ValueError("mirrors must hold at least one base URL")
    for url in mirrors:
        if not isinstance(url, str) or not url.startswith(("http://", "https://", "file://")):
            raise ValueError(f"each mirror must be an http(s):// or file:// URL, got {url!r}")
    return mirrors


def _check_checksums(checksums):
    if checksums is None:
        return dict(DEFAULT_CHECKSUMS)
    missing = [name for name in FILES.values() if name not in checksums]
    if missing:
        raise ValueError(f"checksums has no entry for {', '.join(missing)}")
    result = {}
    for name in FILES.values():
        value = checksums[name]
        if not isinstance(value, str):
            raise TypeError(f"checksum of {name} must be a str, got {value!r}")
        value = value.strip().lower()
        if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
            raise ValueError(f"checksum of {name} must be 64 hex digits (sha256), got {value!r}")
        result[name] = value
    return result


# ----------------------------------------------------------------------------- IDX format


def read_idx(path):
    """Parse one IDX file, gzipped or not, checking its header against its data.

    An IDX header is two zero bytes, a type code, the number of dimensions, then
    each dimension as a big-endian uint32; the data must fill exactly that shape.

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
    dtype = _IDX_TYPES[type_code]
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
    except FileNotFoundError:
        return None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile):
        return None  # unreadable: rebuilt from the verified files
    for part in ("train", "test"):
        x, t = arrays[f"x_{part}"], arrays[f"t_{part}"]
        if not (
            x.dtype == t.dtype == np.uint8
            and x.ndim == 3
            and x.shape[1:] == (28, 28)
            and t.shape == (len(x),)
        ):
            return None
    return arrays


def _atomic_write(path, write):
    """Call ``write(file)`` on a temporary file beside ``path``, then rename it to ``path``."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=_TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, path)
    finally:
        Path(temp).unlink(missing_ok=True)


def _write_cache(data_dir, arrays, checksums):
    sums = np.array([checksums[name] for name in FILES.values()])
    _atomic_write(data_dir / CACHE_NAME, lambda f: np.savez_compressed(f, sha256=sums, **arrays))


def is_cached(data_dir=None, checksums=None):
    """Whether ``data_dir`` holds a sound cache of the files with these checksums.

    Examples
    --------
    >>> import tempfile
    >>> is_cached(tempfile.mkdtemp())
    False
    """
    data_dir, checksums = _check_data_dir(data_dir), _check_checksums(checksums)
    return _read_cache(data_dir, checksums) is not None


# ----------------------------------------------------------------------------- locking


def _try_lock(fd):
    """Take the exclusive lock on ``fd`` or raise BlockingIOError if another holds it."""
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    else:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError as error:
            raise BlockingIOError(str(error)) from None


def _unlock(fd):
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_UN)
    else:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)


@contextlib.contextmanager
def _exclusive_lock(path, timeout, progress):
    """Hold ``path`` locked; yields False where the file system cannot lock.

    Without a lock the result is still correct, because every file reaches its
    name by atomic replacement; the downloads are merely not shared.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    locked = False
    try:
        deadline = time.monotonic() + timeout
        while not locked:
            try:
                _try_lock(fd)
                locked = True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise TimeoutError(
                        f"another process has held {path} for over {timeout:g} s (a download "
                        "into the same folder?); try again once it has finished, or end it "
                        "if it hangs: the lock goes with its process"
                    ) from None
                _say(progress, f"waiting for another process to finish with {path.parent} ...")
                progress = False
                time.sleep(0.05)
            except OSError:
                break  # e.g. a network file system without flock
        yield locked
    finally:
        if locked:
            _unlock(fd)
        os.close(fd)


def _remove_leftovers(data_dir):
    """Delete temporary files a killed process left; only safe while holding the lock."""
    for name in (*FILES.values(), CACHE_NAME):
        for temp in data_dir.glob(f".{name}.*{_TEMP_SUFFIX}"):
            temp.unlink(missing_ok=True)


# ----------------------------------------------------------------------------- download


def _say(enabled, message):
    if enabled:
        print(message, file=sys.stderr, flush=True)


def _size(n_bytes):
    return f"{n_bytes / 1e6:.1f} MB" if n_bytes >= 1e6 else f"{n_bytes / 1e3:.1f} kB"


class _Progress:
    """One self-rewriting line on stderr (works in a terminal and in a notebook)."""

    def __init__(self, label, total, enabled):
        self.label, self.total, self.enabled = label, total, enabled
        self.last = 0.0

    def update(self, done, force=False):
        now = time.monotonic()
        if not self.enabled or (not force and now - self.last < 0.2):
            return
        self.last = now
        text = _size(done)
        if self.total:
            text += f" of {_size(self.total)} {100 * done / self.total:3.0f}%"
        sys.stderr.write(f"\r{self.label}  {text:<28}")
        sys.stderr.flush()

    def close(self, done):
        if self.enabled:
            self.update(done, force=True)
            sys.stderr.write("\n")
            sys.stderr.flush()


class _Failure(Exception):
    """Why one mirror did not deliver one file."""


def _sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _fetch(url, path, expected, timeout, progress):
    """Download ``url`` to ``path`` via a temporary file, or raise _Failure."""
    request = urllib.request.Request(url, headers={"User-Agent": "zerotsuku-mnist/1"})

    def write(out):
        with urllib.request.urlopen(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length", "")
            total = int(length) if length.isdigit() else None
            digest, received, head = hashlib.sha256(), 0, b""
            bar = _Progress(path.name, total, progress)
            try:
                while chunk := response.read(_CHUNK):
                    head = head or chunk[:16]
                    out.write(chunk)
                    digest.update(chunk)
                    received += len(chunk)
                    bar.update(received)
            finally:
                bar.close(received)
        if total is not None and received != total:
            raise _Failure(f"transfer cut short: {received:,} of {total:,} bytes arrived")
        if digest.hexdigest() != expected:
            raise _Failure(_mismatch(received, digest.hexdigest(), expected, head))

    try:
        _atomic_write(path, write)
    except urllib.error.HTTPError as error:
        raise _Failure(f"HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise _Failure(f"timed out: no data for {timeout:g} s") from None
        raise _Failure(f"unreachable: {error.reason}") from None
    except TimeoutError:
        raise _Failure(f"timed out: no data for {timeout:g} s") from None
    except http.client.IncompleteRead as error:
        raise _Failure(f"transfer cut short: {len(error.partial):,} bytes arrived") from None
    except (http.client.HTTPException, OSError) as error:
        raise _Failure(f"{type(error).__name__}: {error}") from None


def _mismatch(size, actual, expected, head):
    text = f"sha256 mismatch: got {size:,} bytes hashing to {actual}, expected {expected}"
    if head.lstrip()[:1] == b"<":
        text += " (it looks like a web page: a proxy or a login portal?)"
    return text


def _failure_message(name, data_dir, attempts, checksums, note):
    lines = [f"Could not download {name} of the full MNIST set. Every mirror failed:"]
    lines += [f"  - {url}: {reason}" for url, reason in attempts]
    if note:
        lines.append(f"Also: {note}.")
    lines += [
        "",
        "To install the full set by hand, fetch these four files from an MNIST mirror (the",
        "URLs above, on a machine that reaches them) and put them, with these names and",
        f"still gzipped, in {data_dir}:",
        *(f"  {n:28s} sha256 {checksums[n]}" for n in FILES.values()),
        'Then run `python -m zerotsuku.mnist download` or load_mnist(source="full") again:',
        "the files are checked against these sha256 values and cached, with no network.",
        'Meanwhile load_mnist(source="bundled") serves the 5,000 digits shipped with zerotsuku.',
    ]
    return "\n".join(lines)


def _ensure_file(data_dir, name, expected, order, attempts, options):
    """Make ``data_dir/name`` a verified copy; ``order`` lists mirrors, best first."""
    path = data_dir / name
    note = None
    if path.is_file():
        actual = _sha256_file(path)
        if actual == expected:
            return
        note = f"{path} was already there with sha256 {actual}, expected {expected}"
    if not options["allow_download"]:
        if note:
            raise ValueError(f"{note}: delete it or put the right file in its place")
        raise FileNotFoundError(f"{path} is missing and downloading is off")
    for base in list(order):
        url = base.rstrip("/") + "/" + name
        try:
            _fetch(url, path, expected, options["timeout"], options["progress"])
        except _Failure as failure:
            attempts.append((url, str(failure)))
            _say(options["progress"], f"{url}: {failure}; trying the next mirror")
            continue
        order.remove(base)
        order.insert(0, base)  # the next files try the mirror that worked first
        return
    raise MNISTDownloadError(
        _failure_message(name, data_dir, attempts, options["checksums"], note), attempts
    )


def load(
    data_dir=None,
    *,
    mirrors=None,
    checksums=None,
    allow_download=True,
    timeout=DEFAULT_TIMEOUT,
    lock_timeout=DEFAULT_LOCK_TIMEOUT,
    progress=True,
):
    """The full MNIST set as uint8 arrays, downloaded and cached on first use.

    Parameters
    ----------
    data_dir : str or os.PathLike, optional
        Cache folder; default ``default_data_dir()``.
    mirrors : list of str, optional
        Base URLs tried in order; default ``DEFAULT_MIRRORS``.
    checksums : dict, optional
        File name -> sha256 of the four files; default ``DEFAULT_CHECKSUMS``.
    allow_download : bool, default True
        If False, use only what ``data_dir`` holds: raise FileNotFoundError when
        a file is missing (files placed there by hand are verified and cached).
    timeout : float, default 30
        Seconds a mirror may stay silent before the next one is tried.
    lock_timeout : float, default 600
        Seconds to wait while another process fills the same folder.
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
    ValueError
        A file has the right checksum but is not valid MNIST IDX data.
    TimeoutError
        Another process held the lock for longer than ``lock_timeout``.
    """
    data_dir = _check_data_dir(data_dir)
    options = {
        "checksums": _check_checksums(checksums),
        "allow_download": bool(allow_download),
        "timeout": positive_number("timeout", timeout),
        "progress": bool(progress),
    }
    order = _check_mirrors(mirrors)
    lock_timeout = positive_number("lock_timeout", lock_timeout)
    checksums = options["checksums"]
    arrays = _read_cache(data_dir, checksums)
    if arrays is None:
        if not allow_download:
            missing = [n for n in FILES.values() if not (data_dir / n).is_file()]
            if missing:
                raise FileNotFoundError(f"the full MNIST set is not in {data_dir}")
        data_dir.mkdir(parents=True, exist_ok=True)
        with _exclusive_lock(data_dir / LOCK_NAME, lock_timeout, options["progress"]) as locked:
            arrays = _read_cache(data_dir, checksums)  # another process may have just made it
            if arrays is None:
                if locked:
                    _remove_leftovers(data_dir)
                attempts = []
                for name in FILES.values():
                    _ensure_file(data_dir, name, checksums[name], order, attempts, options)
                arrays = _read_mnist_files(data_dir)
                _write_cache(data_dir, arrays, checksums)
    return tuple(arrays[key] for key in FILES)


def download(data_dir=None, **kwargs):
    """Fetch, verify and cache the full set ahead of time; return the cache's path.

    Takes the keyword arguments of ``load``.
    """
    load(data_dir, **kwargs)
    return _check_data_dir(data_dir) / CACHE_NAME


# ----------------------------------------------------------------------------- command line


def _read_checksum_file(path):
    """Checksums from a ``sha256sum``-style file: "HASH  NAME" per line."""
    checksums = {}
    for number, line in enumerate(Path(path).read_text().splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 2:
            raise ValueError(f"{path}:{number}: expected 'SHA256  FILENAME', got {line!r}")
        checksums[parts[1].lstrip("*")] = parts[0]
    return _check_checksums(checksums)


def _status(data_dir, checksums):
    print(f"MNIST folder: {data_dir}")
    for name in FILES.values():
        path = data_dir / name
        if not path.is_file():
            state = "missing"
        else:
            state = "ok" if _sha256_file(path) == checksums[name] else "WRONG sha256"
        print(f"  {name:28s} {state}")
    arrays = _read_cache(data_dir, checksums)
    if arrays is None:
        print(f"  {CACHE_NAME:28s} missing: run `python -m zerotsuku.mnist download`")
        return 1
    train, test = len(arrays["x_train"]), len(arrays["x_test"])
    print(f"  {CACHE_NAME:28s} ok: {train:,} training and {test:,} test images")
    return 0


def main(argv=None, prog=None):
    """Command line: ``download`` the full set, or show its ``status``; returns the exit code.

    Examples
    --------
    ``python -m zerotsuku.mnist download --data-dir /srv/class/mnist``
    """
    if prog is None:  # a console script keeps its own name; ``-m`` would say "mnist.py"
        script = Path(sys.argv[0]).name
        prog = "python -m zerotsuku.mnist" if script.endswith(".py") else script
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Download, verify and cache the full MNIST set (70,000 images).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    get = commands.add_parser("download", help="download, verify and cache the full set")
    status = commands.add_parser("status", help="show where the full set is and if it is whole")
    for command in (get, status):
        command.add_argument(
            "--data-dir",
            help=f"cache folder (default $ZEROTSUKU_DATA, else ~/.cache/zerotsuku; "
            f"here: {default_data_dir()})",
        )
        command.add_argument(
            "--checksums", metavar="FILE", help="sha256sum-style file to use instead of MNIST's"
        )
    get.add_argument(
        "--mirror",
        action="append",
        dest="mirrors",
        metavar="URL",
        help="base URL to try; repeat for more, tried in order (default: "
        + ", ".join(DEFAULT_MIRRORS)
        + ")",
    )
    get.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help=f"seconds a mirror may stay silent (default {DEFAULT_TIMEOUT:g})",
    )
    get.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = parser.parse_args(argv)
    data_dir = _check_data_dir(args.data_dir)
    try:
        checksums = _read_checksum_file(args.checksums) if args.checksums else None
    except (OSError, ValueError) as error:
        parser.error(str(error))
    if args.command == "status":
        return _status(data_dir, _check_checksums(checksums))
    try:
        x_train, _, x_test, _ = load(
            data_dir,
            mirrors=args.mirrors,
            checksums=checksums,
            timeout=args.timeout,
            progress=not args.quiet,
        )
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(
        f"MNIST is ready in {data_dir}: {len(x_train):,} training and {len(x_test):,} test images."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
