"""Write the MNIST test split where the benchmarks read it, from OpenML.

The benchmarks and the MNIST gallery example read the official 10,000-image
MNIST test split as its two gzip-compressed IDX files,
``t10k-images-idx3-ubyte.gz`` and ``t10k-labels-idx1-ubyte.gz``. This script
downloads MNIST with :func:`sklearn.datasets.fetch_openml` (``"mnist_784"``,
about 15 MB, cached in scikit-learn's data home), whose last 10,000 rows are
that test split, and writes the two files into a folder. Then pass the
folder as ``--mnist-dir`` to a benchmark, or set ``SKPRUNE_MNIST_DIR`` (the
gallery example and the benchmarks' default read it)::

    python benchmarks/get_mnist.py ~/data/mnist
    python benchmarks/bench_compare.py --mnist-dir ~/data/mnist
"""

import argparse
import gzip
import struct
from pathlib import Path

import numpy as np

IMAGES, LABELS = "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"


def fetch_test_split():
    """The 10,000 test images (uint8, 10000 x 784) and labels (uint8) from OpenML."""
    from sklearn.datasets import fetch_openml

    X, y = fetch_openml("mnist_784", version=1, return_X_y=True, as_frame=False)
    return X[-10_000:].astype(np.uint8), y[-10_000:].astype(np.uint8)


def write_idx(folder, images, labels):
    """Write ``images`` (n x 784 uint8) and ``labels`` as the two IDX files."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    images = np.ascontiguousarray(images, dtype=np.uint8)
    labels = np.ascontiguousarray(labels, dtype=np.uint8)
    if images.ndim != 2 or images.shape[1] != 784 or len(labels) != len(images):
        raise ValueError(
            "expected n x 784 images and n labels, got %s and %s"
            % (images.shape, labels.shape)
        )
    n = len(images)
    with gzip.open(folder / IMAGES, "wb") as f:
        f.write(struct.pack(">IIII", 2051, n, 28, 28) + images.tobytes())
    with gzip.open(folder / LABELS, "wb") as f:
        f.write(struct.pack(">II", 2049, n) + labels.tobytes())
    return folder / IMAGES, folder / LABELS


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="where to write the two files")
    args = parser.parse_args(argv)
    for path in write_idx(args.folder, *fetch_test_split()):
        print("wrote", path)


if __name__ == "__main__":
    main()
