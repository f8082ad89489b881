"""``python -m zerotsuku download|status``: the full MNIST set, fetched ahead of a class.

The same command line answers as ``python -m zerotsuku.mnist`` and as the
``zerotsuku-mnist`` script, both through ``zerotsuku.mnist.main``. It uses only the
public functions of ``zerotsuku.mnist``.
"""

import argparse
import sys
from pathlib import Path

import pooch

from . import mnist


def read_checksum_file(path):
    """Checksums from a ``sha256sum``-style file: "HASH  NAME" per line."""
    checksums = {}
    for number, line in enumerate(Path(path).read_text().splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 2:
            raise ValueError(f"{path}:{number}: expected 'SHA256  FILENAME', got {line!r}")
        checksums[parts[1].lstrip("*")] = parts[0].lower()
    return checksums


def _status(data_dir, checksums):
    print(f"MNIST folder: {data_dir}")
    for name in mnist.FILES.values():
        path = data_dir / name
        if not path.is_file():
            state = "missing"
        else:
            state = "ok" if pooch.file_hash(str(path)) == checksums[name] else "WRONG sha256"
        print(f"  {name:28s} {state}")
    if not mnist.is_cached(data_dir, checksums):
        print(f"  {mnist.CACHE_NAME:28s} missing: run `python -m zerotsuku download`")
        return 1
    x_train, _, x_test, _ = mnist.load(data_dir, checksums=checksums, allow_download=False)
    print(f"  {mnist.CACHE_NAME:28s} ok: {len(x_train):,} training and {len(x_test):,} test images")
    return 0


def _parser(prog):
    parser = argparse.ArgumentParser(
        prog=prog, description="Download, verify and cache the full MNIST set (70,000 images)."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    get = commands.add_parser("download", help="download, verify and cache the full set")
    status = commands.add_parser("status", help="show where the full set is and if it is whole")
    folder = mnist.default_data_dir()
    for command in (get, status):
        command.add_argument(
            "--data-dir",
            metavar="DIR",
            help=f"cache folder (default $ZEROTSUKU_DATA, else the system's cache; here {folder})",
        )
        command.add_argument(
            "--checksums", metavar="FILE", help="sha256sum-style file to use instead of MNIST's"
        )
    mirrors = ", ".join(mnist.DEFAULT_MIRRORS)
    get.add_argument(
        "--mirror",
        action="append",
        dest="mirrors",
        metavar="URL",
        help=f"base URL to try; repeat for more, tried in order (default: {mirrors})",
    )
    for option, default, what in (
        ("--timeout", mnist.DEFAULT_TIMEOUT, "a mirror may stay silent"),
        ("--time-limit", mnist.DEFAULT_TIME_LIMIT, "one file may take in all"),
    ):
        get.add_argument(
            option, type=float, default=default, metavar="S", help=f"seconds {what} ({default:g})"
        )
    get.add_argument("--quiet", action="store_true", help="no progress on stderr")
    return parser


def cli(argv=None, prog="python -m zerotsuku"):
    """Run the command line; returns the exit code (``zerotsuku.mnist.main`` documents it)."""
    parser = _parser(prog)
    args = parser.parse_args(argv)
    data_dir = Path(args.data_dir).expanduser() if args.data_dir else mnist.default_data_dir()
    try:
        checksums = read_checksum_file(args.checksums) if args.checksums else None
        mnist.is_cached(args.data_dir, checksums)  # checks the folder and the checksums
    except (OSError, ValueError) as error:
        parser.error(str(error))
    if args.command == "status":
        return _status(data_dir, checksums or mnist.DEFAULT_CHECKSUMS)
    try:
        x_train, _, x_test, _ = mnist.load(
            args.data_dir,
            mirrors=args.mirrors,
            checksums=checksums,
            timeout=args.timeout,
            time_limit=args.time_limit,
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
    raise SystemExit(cli())
