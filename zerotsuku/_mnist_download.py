"""Getting the MNIST files: pooch verifies and stores them, this module chooses and bounds.

``pooch.retrieve`` streams a download into a temporary file in the target folder, checks
its sha256 and only then gives it its name, so a cut, wrong or foreign download is never
kept, and two processes filling one folder both end with whole files. What pooch leaves
to us lives here: trying the mirrors in turn, a downloader that cannot run away
(``BoundedDownloader``), and errors that say what was tried and what to do.
"""

import errno
import functools
import hashlib
import http.client
import re
import ssl
import sys
import time
import urllib.error
import urllib.request

import certifi
import pooch

_CHUNK = 1 << 16


class MNISTDownloadError(OSError):
    """Every mirror failed for a file; ``attempts`` lists (url, reason) of each failed try."""

    __module__ = "zerotsuku.mnist"  # where it is documented and imported from

    def __init__(self, message, attempts=()):
        super().__init__(message)
        self.attempts = list(attempts)


def check_mirrors(mirrors):
    """``mirrors`` as a list of base URLs of the kinds ``BoundedDownloader`` reads."""
    if isinstance(mirrors, (str, bytes)):
        raise TypeError(f"mirrors must be a list of base URLs, not one string: use [{mirrors!r}]")
    mirrors = list(mirrors)
    if not mirrors:
        raise ValueError("mirrors must hold at least one base URL")
    for url in mirrors:
        if not isinstance(url, str) or not url.startswith(("http://", "https://", "file://")):
            raise ValueError(f"each mirror must be an http(s):// or file:// URL, got {url!r}")
    return mirrors


def check_checksums(checksums, names):
    """``checksums`` as file name -> sha256 (64 lowercase hex digits) of each of ``names``."""
    if missing := [name for name in names if name not in checksums]:
        raise ValueError(f"checksums has no entry for {', '.join(missing)}")
    result = {}
    for name in names:
        value = checksums[name]
        if not isinstance(value, str):
            raise TypeError(f"checksum of {name} must be a str, got {value!r}")
        value = value.strip().lower()
        if not re.fullmatch("[0-9a-f]{64}", value):
            raise ValueError(f"checksum of {name} must be 64 hex digits (sha256), got {value!r}")
        result[name] = value
    return result


@functools.lru_cache(maxsize=1)
def _tls():
    """The certificate roots requests (and so pooch) trusts, loaded once."""
    return ssl.create_default_context(cafile=certifi.where())


class MirrorFailure(Exception):
    """Why one mirror did not deliver one file. Not an OSError: those belong to the disk."""


def say(enabled, message):
    if enabled:
        print(message, file=sys.stderr, flush=True)


def _size(n_bytes):
    if n_bytes < 1e3:
        return f"{n_bytes} B"
    return f"{n_bytes / 1e6:.1f} MB" if n_bytes >= 1e6 else f"{n_bytes / 1e3:.1f} kB"


class BoundedDownloader:
    """A pooch downloader for ``http(s)://`` and ``file://`` URLs that never runs away.

    pooch's ``HTTPDownloader`` (requests) times out only a silent connection: it reads
    fixed-size chunks, each waiting until it is full, so a server that dribbles a byte a
    second holds it for ever; and it writes whatever the server sends. This one reads
    with ``read1`` (which returns as soon as any bytes arrive), stops after
    ``time_limit`` seconds and as soon as more than ``max_bytes`` arrive (writing
    nothing past ``max_bytes``), also reads ``file://`` mirrors (pooch has no downloader
    for them), and reports a failure as MirrorFailure with a short reason. Errors of the
    local disk stay OSError. It keeps the sha256 of what it received, for the message
    when pooch finds that it is not the expected file.
    """

    def __init__(self, max_bytes, timeout, time_limit, progress):
        self.max_bytes, self.time_limit, self.progress = max_bytes, time_limit, progress
        self.wait = min(timeout, time_limit)
        self.received, self.head, self.sha256 = 0, b"", None

    def __call__(self, url, output_file, caller):  # pooch passes itself (or None) as caller
        self.deadline = time.monotonic() + self.time_limit
        with self._open(url) as response, open(output_file, "wb") as out:
            for chunk in self._chunks(url, response):
                out.write(chunk)

    def _open(self, url):
        request = urllib.request.Request(url, headers={"User-Agent": "zerotsuku-mnist/2"})
        tls = _tls() if url.startswith("https:") else None
        try:
            return urllib.request.urlopen(request, timeout=self.wait, context=tls)
        except urllib.error.HTTPError as error:
            error.close()
            raise MirrorFailure(f"HTTP {error.code} {error.reason}") from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise MirrorFailure(f"timed out: no data for {self.wait:g} s") from None
            raise MirrorFailure(f"unreachable: {error.reason}") from None
        except (OSError, ValueError, http.client.HTTPException) as error:
            raise MirrorFailure(self._reason(error)) from None

    def _chunks(self, url, response):
        """The response's bytes, stopped at the time limit and past ``max_bytes``."""
        length = response.headers.get("Content-Length", "")
        total = int(length) if length.isdigit() else None
        if total is not None and total > self.max_bytes:
            raise MirrorFailure(f"announces {total:,} bytes; the file has {self.max_bytes:,}")
        digest, label, shown = hashlib.sha256(), url.rsplit("/", 1)[-1], 0.0
        try:
            while chunk := self._read(response):
                if self.received + len(chunk) > self.max_bytes:
                    raise MirrorFailure(f"sent more than the {self.max_bytes:,} bytes the file has")
                self.received += len(chunk)
                self.head = self.head or chunk[:16]
                digest.update(chunk)
                yield chunk
                if self.progress and time.monotonic() - shown > 0.2:
                    shown = self._show(label, total)
        finally:
            if self.progress and self.received:
                self._show(label, total, end="\n")
        if total is not None and self.received != total:
            raise MirrorFailure(f"transfer cut short: {self.received:,} of {total:,} bytes arrived")
        self.sha256 = digest.hexdigest()

    def _read(self, response):
        if time.monotonic() > self.deadline:
            limit = f"{self.time_limit:g} s"
            raise MirrorFailure(f"too slow: {self.received:,} bytes in the time limit, {limit}")
        try:
            return response.read1(_CHUNK)
        except (OSError, http.client.HTTPException) as error:
            raise MirrorFailure(self._reason(error)) from None

    def _show(self, label, total, end=""):
        text = _size(self.received)
        if total:
            text += f" of {_size(total)} {100 * self.received / total:3.0f}%"
        print(f"\r{label}  {text:<28}", end=end, file=sys.stderr, flush=True)
        return time.monotonic()

    def _reason(self, error):
        if isinstance(error, TimeoutError):
            return f"timed out: no data for {self.wait:g} s"
        return f"{type(error).__name__}: {error}"

    def mismatch(self, expected):
        """The reason to give when what arrived hashes to something else."""
        text = f"sha256 mismatch: got {self.received:,} bytes hashing to {self.sha256}, "
        text += f"expected {expected}"
        if self.head.lstrip()[:1] == b"<":
            text += " (it looks like a web page: a proxy or a login portal?)"
        return text


def folder_error(folder, error):
    """``error`` (an OSError from writing into ``folder``) retold: what is wrong, what to do."""
    if isinstance(error.__cause__, OSError):  # pooch's retelling of a PermissionError
        error = error.__cause__
    if error.errno == errno.ENOSPC:
        problem, advice = "the disk is full", "free some space there or choose another folder"
    elif isinstance(error, PermissionError) or error.errno == errno.EROFS:
        problem = "it is read-only for this user"
        advice = "choose a folder you can write to, or place the files there by hand"
    else:
        problem, advice = "it cannot be written", "check it, or choose another folder"
    retold = type(error)(
        f"cannot write into {folder}: {problem} ({error.strerror or error}). To go on, "
        f"{advice} (--data-dir DIR, data_dir=..., or the ZEROTSUKU_DATA variable). "
        "No partial file was kept."
    )
    retold.errno = error.errno
    return retold


def _retrieve(url, sha256, path, downloader):
    """``pooch.retrieve`` into ``path``, its log lines held back (``fetch`` speaks)."""
    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel("WARNING")
    try:
        pooch.retrieve(
            url,
            known_hash=f"sha256:{sha256}",
            fname=path.name,
            path=path.parent,
            downloader=downloader,
        )
    finally:
        logger.setLevel(level)


def fetch(path, sha256, order, attempts, *, max_bytes, timeout, time_limit, progress):
    """Put a verified copy of ``path.name`` at ``path`` from the first mirror that has it.

    ``order`` lists base URLs, best first; the one that delivers moves to the front, so
    the next file tries it first. Each failed try is appended to ``attempts`` as
    (url, reason). Returns True once the file is there, False if every mirror failed.
    Raises OSError (retold by ``folder_error``) when the folder cannot be written.
    """
    for base in list(order):
        url = base.rstrip("/") + "/" + path.name
        downloader = BoundedDownloader(max_bytes, timeout, time_limit, progress)
        say(progress, f"Downloading {url}")
        try:
            _retrieve(url, sha256, path, downloader)
        except MirrorFailure as failure:
            reason = str(failure)
        except ValueError:
            if downloader.sha256 is None:  # not pooch's hash check failing: not ours to retell
                raise
            reason = downloader.mismatch(sha256)
        except OSError as error:
            raise folder_error(path.parent, error) from error
        else:
            order.remove(base)
            order.insert(0, base)
            return True
        attempts.append((url, reason))
        say(progress, f"{url}: {reason}; trying the next mirror")
    return False


def failure_message(name, folder, attempts, checksums, note):
    """What to say when every mirror failed for ``name``: each try, and the way by hand."""
    lines = [f"Could not download {name} of the full MNIST set. Every mirror failed:"]
    lines += [f"  - {url}: {reason}" for url, reason in attempts]
    if note:
        lines.append(f"Also: {note}.")
    lines += [
        "",
        "To install the full set by hand, fetch these four files from an MNIST mirror (the",
        "URLs above, on a machine that reaches them) and put them, with these names and",
        f"still gzipped, in {folder}:",
        *(f"  {n:28s} sha256 {sha256}" for n, sha256 in checksums.items()),
        'Then run `python -m zerotsuku.mnist download` or load_mnist(source="full") again:',
        "the files are checked against these sha256 values and cached, with no network.",
        'Meanwhile load_mnist(source="bundled") serves the 5,000 digits shipped with zerotsuku.',
    ]
    return "\n".join(lines)


def ensure_file(path, sha256, order, attempts, options):
    """Make ``path`` a verified copy: keep it if its sha256 is right, else download it.

    A right file is only read, so a read-only folder of verified files will do.
    ``options`` holds ``allow_download``, ``checksums`` (for the failure message) and
    the keywords of ``fetch``. Raises MNISTDownloadError when every mirror fails.
    """
    note = None
    if path.is_file():
        actual = pooch.file_hash(str(path))
        if actual == sha256:
            return
        note = f"{path} was already there with sha256 {actual}, expected {sha256}"
    if not options["allow_download"]:
        if note:
            raise ValueError(f"{note}: delete it or put the right file in its place")
        raise FileNotFoundError(f"{path} is missing and downloading is off")
    limits = {key: options[key] for key in ("max_bytes", "timeout", "time_limit", "progress")}
    if not fetch(path, sha256, order, attempts, **limits):
        message = failure_message(path.name, path.parent, attempts, options["checksums"], note)
        raise MNISTDownloadError(message, attempts)
