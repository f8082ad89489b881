"""The full-MNIST downloader, tested offline against a web server on 127.0.0.1.

The fixture data are a few dozen random 28x28 images in real gzipped IDX files,
served by ``http.server`` with handlers that misbehave on purpose: 404, hang,
cut the transfer short, send wrong bytes, answer with a web page, go slowly,
dribble bytes for ever, or send far more than the file. A full disk and a
read-only folder are simulated by standing in for the functions that write.
"""

import errno
import gzip
import hashlib
import http.server
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

from zerotsuku import _mnist_download, datasets, mnist
from zerotsuku.datasets import BundledDataWarning, load_mnist
from zerotsuku.mnist import FILES, MNISTDownloadError

REPO = Path(__file__).resolve().parents[1]
N_TRAIN, N_TEST = 40, 20
FAST = 0.5  # seconds: the timeout used against the hanging handler


def dims_header(ndim, dims):
    """An unsigned-byte IDX header declaring ``ndim`` dimensions of sizes ``dims``."""
    return bytes([0, 0, 0x08, ndim]) + b"".join(d.to_bytes(4, "big") for d in dims)


def idx_bytes(array, header=None):
    """Gzipped IDX file of a uint8 array; ``header`` overrides the true one."""
    header = dims_header(array.ndim, array.shape) if header is None else header
    return gzip.compress(header + array.tobytes(), mtime=0)


def sha256(data):
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def fixture_data():
    """The arrays, the four files' bytes, their checksums, and three corrupt variants."""
    rng = np.random.default_rng(5)
    arrays = {
        "x_train": rng.integers(0, 256, (N_TRAIN, 28, 28), dtype=np.uint8),
        "t_train": (np.arange(N_TRAIN) % 10).astype(np.uint8),
        "x_test": rng.integers(0, 256, (N_TEST, 28, 28), dtype=np.uint8),
        "t_test": rng.permutation(np.arange(N_TEST) % 10).astype(np.uint8),
    }
    files = {FILES[key]: idx_bytes(array) for key, array in arrays.items()}
    images, labels = arrays["x_train"], arrays["t_train"]
    corrupt = {
        # the header promises 41 images, 40 follow
        "count": {
            **files,
            FILES["x_train"]: idx_bytes(images, header=dims_header(3, (41, 28, 28))),
        },
        # a labels file whose magic number says images
        "magic": {
            **files,
            FILES["t_train"]: idx_bytes(labels, header=dims_header(3, (N_TRAIN, 1, 1))),
        },
        # the first two bytes of an IDX file must be zero
        "zero": {**files, FILES["t_test"]: gzip.compress(b"\x01\x02" + bytes(100), mtime=0)},
    }
    return {
        "arrays": arrays,
        "files": files,
        "checksums": {name: sha256(data) for name, data in files.items()},
        "corrupt": corrupt,
    }


class Handler(http.server.BaseHTTPRequestHandler):
    """Serves /MODE/FILENAME; MODE says how to (mis)behave."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        server = self.server
        _, mode, name = self.path.split("/", 2)
        server.hits.append((mode, name))
        store = server.data["files"]
        if mode.startswith("corrupt-"):
            store = server.data["corrupt"][mode.removeprefix("corrupt-")]
        if name not in store or mode == "missing":
            self.send_error(404, "Not Found")
            return
        body = store[name]
        if mode == "hang":
            server.stopping.wait(10)
            return
        if mode == "wrong":
            body = body[:-1] + bytes([body[-1] ^ 0xFF])
        if mode == "html":
            body = b"<!DOCTYPE html><html><body>Please log in to the Wi-Fi</body></html>"
        if mode == "slow":
            time.sleep(0.4)
        self.send_response(200)
        if mode != "endless":
            size = 10**12 if mode == "huge" else len(body)
            self.send_header("Content-Length", str(size))
        self.end_headers()
        if mode == "truncated":
            body = body[: len(body) // 2]
        try:
            if mode == "dribble":
                self.dribble(body)
            elif mode in ("endless", "huge"):
                self.endless(body)
            else:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should

    def dribble(self, body):
        """A byte every quarter second: never silent for the timeout, never done."""
        for byte in body:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            if self.server.stopping.wait(0.25):
                return

    def endless(self, body):
        """The file, then zeros until the client hangs up (at most 100 MB)."""
        self.wfile.write(body)
        zeros = bytes(1 << 16)
        for _ in range(1600):
            if self.server.stopping.is_set():
                return
            self.wfile.write(zeros)


class Server:
    """A ThreadingHTTPServer on a free loopback port, in a background thread."""

    def __init__(self, data):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.httpd.data, self.httpd.hits = data, []
        self.httpd.stopping = threading.Event()
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, mode):
        return f"{self.base}/{mode}/"

    @property
    def hits(self):
        return self.httpd.hits

    def stop(self):
        self.httpd.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@pytest.fixture
def server(fixture_data):
    server = Server(fixture_data)
    yield server
    server.stop()


@pytest.fixture
def refused_url():
    """A loopback URL nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/mnist/"


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Never the user's ~/.cache, never a proxy, and a fresh once-a-process warning."""
    monkeypatch.setenv("ZEROTSUKU_DATA", str(tmp_path / "default-cache"))
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(datasets, "_warned_bundled", False)


def load(data_dir, fixture_data, mirrors, **kwargs):
    kwargs.setdefault("progress", False)
    kwargs.setdefault("timeout", FAST)
    return mnist.load(data_dir, mirrors=mirrors, checksums=fixture_data["checksums"], **kwargs)


def assert_same(arrays, fixture_data):
    assert len(arrays) == 4
    for key, array in zip(FILES, arrays, strict=True):
        np.testing.assert_array_equal(array, fixture_data["arrays"][key])
        assert array.dtype == np.uint8


def leftovers(data_dir):
    """Temporary files in ``data_dir``: pooch's (tmpXXXXXXXX) and the cache's (*.part)."""
    return sorted(p.name for p in data_dir.glob("*") if p.name.startswith(("tmp", ".mnist")))


def assert_nothing_trusted(data_dir, *names):
    """No cache, none of ``names``, no temporary file left behind."""
    assert not (data_dir / mnist.CACHE_NAME).exists()
    for name in names:
        assert not (data_dir / name).exists()
    assert leftovers(data_dir) == []


# ----------------------------------------------------------------------------- IDX parsing


def write(tmp_path, data, name="f.gz"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_read_idx_reads_what_was_written(tmp_path):
    images = np.random.default_rng(0).integers(0, 256, (3, 28, 28), dtype=np.uint8)
    np.testing.assert_array_equal(mnist.read_idx(write(tmp_path, idx_bytes(images))), images)
    values = np.array([[1, -2], [300, -400]], dtype=">i2")
    header = bytes([0, 0, 0x0B, 2, 0, 0, 0, 2, 0, 0, 0, 2])
    plain = write(tmp_path, header + values.tobytes(), "plain.idx")  # not gzipped
    result = mnist.read_idx(plain)
    assert result.dtype == np.int16 and result.tolist() == [[1, -2], [300, -400]]


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (gzip.compress(b"\x00\x00\x08\x01\x00\x00\x00\x03\x01\x02"), "3 values|shape \\(3,\\)"),
        (gzip.compress(b"\x00\x00\x08\x01\x00\x00\x00\x01\x01\x02"), "2 bytes follow"),
        (gzip.compress(b"\x00\x00\x07\x01\x00\x00\x00\x01\x01"), "type code 0x07"),
        (gzip.compress(b"\x08\x03\x00\x00\x00\x00"), "not an IDX file"),
        (gzip.compress(b"\x00\x00\x08\x03\x00\x00"), "header cut short"),
        (gzip.compress(b"\x00\x00\x08\x01\x00\x00\x00\x05" + bytes(5))[:-10], "broken gzip"),
    ],
    ids=["too-few-bytes", "too-many-bytes", "type-code", "magic", "short-header", "gzip"],
)
def test_read_idx_rejects_bad_files_naming_them(tmp_path, data, match):
    path = write(tmp_path, data, "broken-idx1-ubyte.gz")
    with pytest.raises(ValueError, match=match) as info:
        mnist.read_idx(path)
    assert "broken-idx1-ubyte.gz" in str(info.value)


# ----------------------------------------------------------------------------- downloading


def test_download_then_reuse_cache_with_server_stopped(tmp_path, server, fixture_data):
    data_dir = tmp_path / "data"
    assert_same(load(data_dir, fixture_data, [server.url("ok")]), fixture_data)
    assert sorted(server.hits) == sorted(("ok", name) for name in FILES.values())
    for name, data in fixture_data["files"].items():
        assert (data_dir / name).read_bytes() == data
    with np.load(data_dir / mnist.CACHE_NAME, allow_pickle=False) as npz:
        assert set(npz.files) == {*FILES, "sha256"}
    assert leftovers(data_dir) == []

    server.stop()
    for name in FILES.values():  # the cache alone must do
        (data_dir / name).unlink()
    assert_same(load(data_dir, fixture_data, [server.url("ok")]), fixture_data)
    assert mnist.is_cached(data_dir, fixture_data["checksums"])
    assert not mnist.is_cached(data_dir)  # built from other files than the real MNIST


def test_progress_goes_to_stderr(tmp_path, server, fixture_data, capsys):
    load(tmp_path, fixture_data, [server.url("ok")], progress=True)
    captured = capsys.readouterr()
    assert captured.out == ""
    for name in FILES.values():
        assert name in captured.err
    assert "100%" in captured.err


def test_first_mirror_404_then_second(tmp_path, server, fixture_data):
    arrays = load(tmp_path, fixture_data, [server.url("missing"), server.url("ok")])
    assert_same(arrays, fixture_data)
    # the 404 mirror is tried once; the next files go straight to the one that worked
    assert server.hits[0] == ("missing", FILES["x_train"])
    assert [mode for mode, _ in server.hits] == ["missing"] + ["ok"] * 4


def test_wrong_checksum_is_an_error_and_nothing_is_cached(tmp_path, server, fixture_data):
    with pytest.raises(MNISTDownloadError, match="sha256 mismatch") as info:
        load(tmp_path, fixture_data, [server.url("wrong")])
    assert fixture_data["checksums"][FILES["x_train"]] in str(info.value)
    assert_nothing_trusted(tmp_path, *FILES.values())


def test_wrong_bytes_are_dropped_and_next_mirror_used(tmp_path, server, fixture_data):
    arrays = load(tmp_path, fixture_data, [server.url("wrong"), server.url("ok")])
    assert_same(arrays, fixture_data)
    assert leftovers(tmp_path) == []


def test_truncated_transfer_is_never_kept(tmp_path, server, fixture_data):
    with pytest.raises(MNISTDownloadError, match="cut short") as info:
        load(tmp_path, fixture_data, [server.url("truncated")])
    size = len(fixture_data["files"][FILES["x_train"]])
    assert f"{size // 2:,} of {size:,} bytes" in str(info.value)
    assert_nothing_trusted(tmp_path, *FILES.values())
    assert_same(
        load(tmp_path, fixture_data, [server.url("truncated"), server.url("ok")]), fixture_data
    )


def test_hanging_mirror_times_out_then_next(tmp_path, server, fixture_data):
    start = time.perf_counter()
    arrays = load(tmp_path, fixture_data, [server.url("hang"), server.url("ok")])
    elapsed = time.perf_counter() - start
    assert_same(arrays, fixture_data)
    assert FAST <= elapsed < 4 * FAST  # one timeout, not one per file
    assert [mode for mode, _ in server.hits].count("hang") == 1


def test_hanging_mirror_alone_is_reported(tmp_path, server, fixture_data):
    with pytest.raises(MNISTDownloadError, match=f"timed out: no data for {FAST:g} s"):
        load(tmp_path, fixture_data, [server.url("hang")])
    assert_nothing_trusted(tmp_path, *FILES.values())


@pytest.mark.parametrize(
    ("kind", "match"),
    [
        ("count", r"shape \(41, 28, 28\)"),
        ("magic", "magic number 0x00000803, expected 0x00000801"),
        ("zero", "not an IDX file"),
    ],
)
def test_corrupt_idx_header_is_an_error(tmp_path, server, fixture_data, kind, match):
    files = fixture_data["corrupt"][kind]
    checksums = {name: sha256(data) for name, data in files.items()}
    with pytest.raises(ValueError, match=match):
        mnist.load(tmp_path, mirrors=[server.url(f"corrupt-{kind}")], checksums=checksums)
    assert not (tmp_path / mnist.CACHE_NAME).exists()
    assert not mnist.is_cached(tmp_path, checksums)


def test_error_lists_every_mirror_and_the_manual_way(tmp_path, server, fixture_data, refused_url):
    modes = ["missing", "hang", "truncated", "wrong", "html"]
    mirrors = [server.url(mode) for mode in modes] + [refused_url]
    with pytest.raises(MNISTDownloadError) as info:
        load(tmp_path, fixture_data, mirrors)
    message = str(info.value)
    first = FILES["x_train"]
    reasons = ["HTTP 404", "timed out", "cut short", "sha256 mismatch", "web page", "refused"]
    for base, reason in zip(mirrors, reasons, strict=True):
        line = next(line for line in message.splitlines() if base + first in line)
        assert reason in line
    assert [url for url, _ in info.value.attempts] == [base + first for base in mirrors]
    assert str(tmp_path) in message
    for name, checksum in fixture_data["checksums"].items():
        assert re.search(rf"^  {re.escape(name)} +sha256 {checksum}$", message, re.MULTILINE)
    assert 'source="full"' in message and "python -m zerotsuku.mnist download" in message
    assert isinstance(info.value, OSError)


def test_partial_files_and_leftovers_are_never_trusted(tmp_path, server, fixture_data):
    for other, data in fixture_data["files"].items():
        (tmp_path / other).write_bytes(data)
    name = FILES["x_train"]
    good = fixture_data["files"][name]
    (tmp_path / name).write_bytes(good[: len(good) // 3])  # what the book's loader leaves
    leftover = tmp_path / "tmpk1l2m3n4"  # what a killed download leaves (pooch's temporary)
    leftover.write_bytes(good[: len(good) // 2])
    with pytest.raises(ValueError, match="sha256"):
        load(tmp_path, fixture_data, [server.url("ok")], allow_download=False)
    assert not (tmp_path / mnist.CACHE_NAME).exists()
    assert_same(load(tmp_path, fixture_data, [server.url("ok")]), fixture_data)
    assert server.hits == [("ok", name)]  # only the bad file is fetched again
    assert (tmp_path / name).read_bytes() == good


def test_broken_cache_is_rebuilt_from_verified_files(tmp_path, server, fixture_data):
    load(tmp_path, fixture_data, [server.url("ok")])
    server.stop()
    (tmp_path / mnist.CACHE_NAME).write_bytes(b"PK\x03\x04 not really a zip")
    assert not mnist.is_cached(tmp_path, fixture_data["checksums"])
    assert_same(load(tmp_path, fixture_data, [server.url("ok")]), fixture_data)
    assert mnist.is_cached(tmp_path, fixture_data["checksums"])


def test_file_urls_work_as_a_mirror(tmp_path, fixture_data):
    source = tmp_path / "usb-stick"
    source.mkdir()
    for name, data in fixture_data["files"].items():
        (source / name).write_bytes(data)
    assert_same(load(tmp_path / "data", fixture_data, [source.as_uri() + "/"]), fixture_data)


# ----------------------------------------------------------------------------- runaway servers


DRIBBLE = {"timeout": 3, "time_limit": 1.5}  # the silences (0.25 s) stay well under both


def test_dribbling_mirror_stops_at_the_time_limit_then_next(tmp_path, server, fixture_data):
    start = time.perf_counter()
    arrays = load(tmp_path, fixture_data, [server.url("dribble"), server.url("ok")], **DRIBBLE)
    assert_same(arrays, fixture_data)
    assert time.perf_counter() - start < 15  # not the hours the whole file would take
    assert [mode for mode, _ in server.hits].count("dribble") == 1
    with pytest.raises(MNISTDownloadError, match=r"too slow: \d+ bytes in the time limit, 1.5 s"):
        load(tmp_path / "alone", fixture_data, [server.url("dribble")], **DRIBBLE)
    assert_nothing_trusted(tmp_path / "alone", *FILES.values())


class Disk:
    """Stands in for ``open`` in the downloader: counts the bytes written to each file,
    and, given ``space``, fails as a full disk does once more than that is written."""

    def __init__(self, space=None):
        self.space, self.written = space, {}

    def __call__(self, path, mode):
        self.path, self.file = path, open(path, mode)
        self.written[path] = 0
        return self

    def write(self, data):
        if self.space is not None and sum(self.written.values()) + len(data) > self.space:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.written[self.path] += len(data)
        return self.file.write(data)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.file.close()


@pytest.mark.parametrize("mode", ["endless", "huge"])
def test_far_too_much_data_is_refused_unwritten_then_next(
    tmp_path, server, fixture_data, monkeypatch, mode
):
    disk = Disk()
    monkeypatch.setattr(_mnist_download, "open", disk, raising=False)
    limit = 100_000  # the fixture's files have other checksums than MNIST's: capped at this
    monkeypatch.setattr(mnist, "MAX_BYTES", limit)
    match = f"sent more than the {limit:,} bytes" if mode == "endless" else "announces 1,000,000,"
    with pytest.raises(MNISTDownloadError, match=match):
        load(tmp_path, fixture_data, [server.url(mode)])
    assert max(disk.written.values(), default=0) <= limit
    assert_nothing_trusted(tmp_path, *FILES.values())
    arrays = load(tmp_path, fixture_data, [server.url(mode), server.url("ok")])
    assert_same(arrays, fixture_data)


def test_mnist_files_are_capped_at_their_published_size(tmp_path, server):
    with pytest.raises(MNISTDownloadError, match="the file has 9,912,422"):
        mnist.load(tmp_path, mirrors=[server.url("huge")], progress=False)


# ----------------------------------------------------------------------------- bad folders


def test_full_disk_is_a_clear_error_leaving_nothing(tmp_path, server, fixture_data, monkeypatch):
    monkeypatch.setattr(_mnist_download, "open", Disk(space=1000), raising=False)
    with pytest.raises(OSError, match="disk is full") as info:
        load(tmp_path, fixture_data, [server.url("ok"), server.url("ok")])
    assert info.value.errno == errno.ENOSPC
    assert not isinstance(info.value, MNISTDownloadError)  # no mirror is to blame
    assert str(tmp_path) in str(info.value) and "another folder" in str(info.value)
    assert [mode for mode, _ in server.hits] == ["ok"]  # the next mirror would not help
    assert_nothing_trusted(tmp_path, *FILES.values())


def test_full_disk_for_the_cache_still_returns_the_arrays(
    tmp_path, server, fixture_data, monkeypatch
):
    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(mnist.np, "savez_compressed", no_space)
    with pytest.warns(RuntimeWarning, match=f"not saved: cannot write into {tmp_path}"):
        arrays = load(tmp_path, fixture_data, [server.url("ok")])
    assert_same(arrays, fixture_data)
    assert leftovers(tmp_path) == [] and not mnist.is_cached(tmp_path, fixture_data["checksums"])


def read_only(monkeypatch, folder):
    """Make ``folder`` read-only for this process: root ignores permission bits, so the
    os functions that create, replace or delete files fail there as they would."""
    folder = os.path.abspath(folder)

    def inside(path):
        return os.path.abspath(os.fspath(path)).startswith(folder)

    def refuse(path):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(path))

    real = {name: getattr(os, name) for name in ("open", "mkdir", "replace", "rename", "unlink")}

    def guarded_open(path, flags, *args, **kwargs):
        if inside(path) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            refuse(path)
        return real["open"](path, flags, *args, **kwargs)

    def guarded_mkdir(path, *args, **kwargs):
        if inside(path):
            if os.path.exists(path):
                raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), os.fspath(path))
            refuse(path)
        return real["mkdir"](path, *args, **kwargs)

    def guarded(name):
        def call(path, *args, **kwargs):
            if inside(path):
                refuse(path)
            return real[name](path, *args, **kwargs)

        return call

    monkeypatch.setattr(os, "open", guarded_open)
    monkeypatch.setattr(os, "mkdir", guarded_mkdir)
    for name in ("replace", "rename", "unlink"):
        monkeypatch.setattr(os, name, guarded(name))


def place_files(folder, fixture_data):
    folder.mkdir(exist_ok=True)
    for name, data in fixture_data["files"].items():
        (folder / name).write_bytes(data)


def test_read_only_folder_of_verified_files_is_used(tmp_path, fixture_data, monkeypatch):
    place_files(tmp_path, fixture_data)
    read_only(monkeypatch, tmp_path)
    with pytest.warns(RuntimeWarning, match="read-only"):
        arrays = load(tmp_path, fixture_data, ["http://127.0.0.1:9/never-asked/"])
    assert_same(arrays, fixture_data)
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILES.values())


def test_read_only_folder_with_only_the_cache_is_used(tmp_path, server, fixture_data, monkeypatch):
    load(tmp_path, fixture_data, [server.url("ok")])
    for name in FILES.values():
        (tmp_path / name).unlink()
    server.stop()
    read_only(monkeypatch, tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert_same(load(tmp_path, fixture_data, [server.url("ok")]), fixture_data)
    assert mnist.is_cached(tmp_path, fixture_data["checksums"])


def test_read_only_folder_missing_a_file_says_so(tmp_path, server, fixture_data, monkeypatch):
    place_files(tmp_path, fixture_data)
    (tmp_path / FILES["t_test"]).unlink()
    read_only(monkeypatch, tmp_path)
    with pytest.raises(PermissionError, match="read-only") as info:
        load(tmp_path, fixture_data, [server.url("ok")])
    assert str(tmp_path) in str(info.value) and "by hand" in str(info.value)


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="needs POSIX permission bits"
)
def test_read_only_folder_by_permission_bits(tmp_path, fixture_data):
    folder = tmp_path / "class"
    place_files(folder, fixture_data)
    folder.chmod(0o555)
    try:
        with pytest.warns(RuntimeWarning, match="read-only"):
            assert_same(load(folder, fixture_data, ["http://127.0.0.1:9/x/"]), fixture_data)
    finally:
        folder.chmod(0o755)


def test_data_folder_that_is_a_file_is_named(tmp_path, monkeypatch):
    a_file = tmp_path / "mnist-data"
    a_file.write_text("not a folder")
    monkeypatch.setenv("ZEROTSUKU_DATA", str(a_file))
    for call in (load_mnist, mnist.load, mnist.is_cached):
        with pytest.raises(ValueError, match=f"ZEROTSUKU_DATA is {re.escape(str(a_file))}, which"):
            call()
    with pytest.raises(ValueError, match="data_dir is .*, which is a file"):
        mnist.load(a_file)
    with pytest.raises(SystemExit) as info:
        mnist.main(["status"])
    assert info.value.code == 2
    assert a_file.read_text() == "not a folder"


TWO_PROCESSES = """
import hashlib, json, sys, time
from zerotsuku import mnist
start = time.time()
arrays = mnist.load(sys.argv[1], mirrors=[sys.argv[2]], checksums=json.loads(sys.argv[3]))
digest = hashlib.sha256(b"".join(a.tobytes() for a in arrays)).hexdigest()
print(json.dumps({"start": start, "end": time.time(), "digest": digest}))
"""


def python_env():
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def test_two_processes_loading_at_once_both_succeed(tmp_path, server, fixture_data):
    args = [str(tmp_path), server.url("slow"), json.dumps(fixture_data["checksums"])]
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", TWO_PROCESSES, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=python_env(),
        )
        for _ in range(2)
    ]
    results = []
    for run in runs:
        out, err = run.communicate(timeout=60)
        assert run.returncode == 0, err
        results.append(json.loads(out))
    expected = hashlib.sha256(
        b"".join(fixture_data["arrays"][key].tobytes() for key in FILES)
    ).hexdigest()
    assert [r["digest"] for r in results] == [expected, expected]
    a, b = results
    assert a["start"] < b["end"] and b["start"] < a["end"], "the two loads did not overlap"
    # no lock: each may fetch a file the other is fetching; each file lands whole, once
    for name in FILES.values():
        assert server.hits.count(("slow", name)) in (1, 2)
    assert {p.name for p in tmp_path.iterdir()} == {*FILES.values(), mnist.CACHE_NAME}
    assert mnist.is_cached(tmp_path, fixture_data["checksums"])


# ----------------------------------------------------------------------------- load_mnist


def test_full_source_in_book_form(tmp_path, server, fixture_data):
    (x_train, t_train), (x_test, t_test) = load_mnist(
        source="full",
        data_dir=tmp_path,
        mirrors=[server.url("ok")],
        checksums=fixture_data["checksums"],
    )
    assert x_train.shape == (N_TRAIN, 784) and x_train.dtype == np.float32
    assert x_test.shape == (N_TEST, 784) and t_test.dtype == np.uint8
    expected = fixture_data["arrays"]["x_train"].reshape(N_TRAIN, 784) / np.float32(255)
    np.testing.assert_array_equal(x_train, expected)
    np.testing.assert_array_equal(t_train, fixture_data["arrays"]["t_train"])
    (x, t), _ = load_mnist(
        False, False, True, source="full", data_dir=tmp_path, checksums=fixture_data["checksums"]
    )
    assert x.shape == (N_TRAIN, 1, 28, 28) and x.dtype == np.uint8
    assert t.shape == (N_TRAIN, 10) and t.dtype == np.float64
    np.testing.assert_array_equal(t.argmax(axis=1), fixture_data["arrays"]["t_train"])


def test_auto_falls_back_to_the_subset_warning_once(tmp_path):
    default_dir = Path(os.environ["ZEROTSUKU_DATA"])
    with pytest.warns(BundledDataWarning, match="python -m zerotsuku.mnist download") as record:
        (x_train, t_train), (x_test, _) = load_mnist()
    assert str(default_dir) in str(record[0].message)
    assert record[0].filename == __file__  # points at the caller
    assert x_train.shape == (4000, 784) and x_test.shape == (1000, 784)
    np.testing.assert_array_equal(t_train, load_mnist(source="bundled")[0][1])
    with warnings.catch_warnings(record=True) as again:
        warnings.simplefilter("always")
        load_mnist(source="auto", data_dir=tmp_path / "elsewhere")
    assert [w for w in again if issubclass(w.category, BundledDataWarning)] == []
    assert not default_dir.exists() and not (tmp_path / "elsewhere").exists()


def test_auto_uses_the_full_cache_when_present(tmp_path, server, fixture_data, monkeypatch):
    load(tmp_path, fixture_data, [server.url("ok")])
    server.stop()
    monkeypatch.setenv("ZEROTSUKU_DATA", str(tmp_path))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (x_train, _), (x_test, t_test) = load_mnist(checksums=fixture_data["checksums"])
    assert x_train.shape == (N_TRAIN, 784) and x_test.shape == (N_TEST, 784)
    np.testing.assert_array_equal(t_test, fixture_data["arrays"]["t_test"])
    # files that fail the real checksums are an error, not a silent fallback
    with pytest.raises(ValueError, match="already there with sha256"):
        load_mnist()
    # a cache of other files than the real MNIST is no cache of it: "auto" takes the subset
    for name in FILES.values():
        (tmp_path / name).unlink()
    with pytest.warns(BundledDataWarning):
        assert load_mnist()[0][0].shape == (4000, 784)


def test_auto_uses_files_placed_by_hand(tmp_path, fixture_data, refused_url):
    for name, data in fixture_data["files"].items():
        (tmp_path / name).write_bytes(data)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (x_train, _), _ = load_mnist(
            source="auto",
            data_dir=tmp_path,
            mirrors=[refused_url],
            checksums=fixture_data["checksums"],
        )
    assert x_train.shape == (N_TRAIN, 784)
    assert mnist.is_cached(tmp_path, fixture_data["checksums"])


def test_bad_arguments_are_named(tmp_path):
    with pytest.raises(ValueError, match="source"):
        load_mnist(source="internet")
    with pytest.raises(TypeError, match="not one string"):
        load_mnist(source="full", data_dir=tmp_path, mirrors="http://127.0.0.1/")
    with pytest.raises(ValueError, match="at least one"):
        mnist.load(tmp_path, mirrors=[])
    with pytest.raises(ValueError, match="http"):
        mnist.load(tmp_path, mirrors=["ftp://example.org/"])
    with pytest.raises(ValueError, match="no entry for train-labels"):
        mnist.load(tmp_path, checksums={FILES["x_train"]: "0" * 64})
    bad = {name: "0" * 64 for name in FILES.values()} | {FILES["t_test"]: "xyz"}
    with pytest.raises(ValueError, match="64 hex digits"):
        mnist.load(tmp_path, checksums=bad)
    with pytest.raises(TypeError, match="data_dir"):
        mnist.load(3)
    with pytest.raises(ValueError, match="timeout"):
        mnist.load(tmp_path, timeout=0)
    with pytest.raises(TypeError, match="time_limit"):
        mnist.load(tmp_path, time_limit="1")
    assert list(tmp_path.iterdir()) == []


def test_default_data_dir(tmp_path, monkeypatch):
    assert mnist.default_data_dir() == tmp_path / "default-cache"
    monkeypatch.delenv("ZEROTSUKU_DATA")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert mnist.default_data_dir() == tmp_path / "xdg" / "zerotsuku"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert mnist.default_data_dir() == tmp_path / "home" / ".cache" / "zerotsuku"
    package = Path(mnist.__file__).parent
    assert package not in mnist.default_data_dir().parents


# ----------------------------------------------------------------------------- command line


def checksum_file(tmp_path, fixture_data):
    path = tmp_path / "SHA256SUMS"
    path.write_text("".join(f"{h}  {n}\n" for n, h in fixture_data["checksums"].items()))
    return str(path)


def test_cli_download_and_status(tmp_path, server, fixture_data, capsys):
    data_dir, sums = str(tmp_path / "data"), checksum_file(tmp_path, fixture_data)
    status = ["status", "--data-dir", data_dir, "--checksums", sums]
    assert mnist.main(status) == 1
    assert "missing" in capsys.readouterr().out
    mirrors = ["--mirror", server.url("missing"), "--mirror", server.url("ok")]
    assert mnist.main(["download", "--data-dir", data_dir, "--checksums", sums, *mirrors]) == 0
    captured = capsys.readouterr()
    assert f"{N_TRAIN} training and {N_TEST} test images" in captured.out
    assert server.url("missing") + FILES["x_train"] in captured.err  # said while trying
    assert mnist.main(status) == 0
    out = capsys.readouterr().out
    assert out.count(" ok") == 5 and "WRONG" not in out


def test_cli_failure_exits_1_with_the_whole_story(tmp_path, server, fixture_data, capsys):
    args = ["download", "--data-dir", str(tmp_path), "--quiet", "--timeout", str(FAST)]
    args += ["--checksums", checksum_file(tmp_path, fixture_data), "--mirror", server.url("html")]
    assert mnist.main(args) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "error: Could not download" in captured.err and "web page" in captured.err
    with pytest.raises(SystemExit) as info:
        mnist.main(["download", "--checksums", str(tmp_path / "absent")])
    assert info.value.code == 2


def test_cli_passes_the_time_limit_on(tmp_path, server, capsys):
    args = ["download", "--data-dir", str(tmp_path), "--mirror", server.url("ok")]
    assert mnist.main([*args, "--time-limit", "0"]) == 1
    assert "time_limit must be a finite number > 0" in capsys.readouterr().err
    assert server.hits == []


@pytest.mark.parametrize("module", ["zerotsuku", "zerotsuku.mnist", "zerotsuku.datasets"])
def test_cli_as_a_module(tmp_path, server, fixture_data, module):
    command = [sys.executable, "-m", module, "download", "--data-dir", str(tmp_path / "d")]
    command += ["--checksums", checksum_file(tmp_path, fixture_data), "--mirror", server.url("ok")]
    run = subprocess.run(command, capture_output=True, text=True, env=python_env(), timeout=60)
    assert run.returncode == 0, run.stderr
    assert f"{N_TRAIN} training and {N_TEST} test images" in run.stdout
    assert mnist.is_cached(tmp_path / "d", fixture_data["checksums"])
    if module == "zerotsuku.mnist":  # not imported by the package: runpy has nothing to say
        assert "RuntimeWarning" not in run.stderr
