"""Where the benchmarks find MNIST: ``--mnist-dir``, one shared default, and a writer."""

from pathlib import Path

import numpy as np
import pytest
from _bench import load_script

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def timing():
    return load_script("benchmarks/_timing.py")


def test_get_mnist_writes_what_the_benchmarks_read(timing, tmp_path):
    get_mnist = load_script("benchmarks/get_mnist.py")
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(7, 784)).astype(np.uint8)
    labels = rng.integers(0, 10, size=7).astype(np.uint8)
    get_mnist.write_idx(tmp_path / "mnist", images, labels)
    X, y = timing.load_mnist(tmp_path / "mnist")
    np.testing.assert_allclose(X, images / 255.0)
    np.testing.assert_array_equal(y, labels)
    with pytest.raises(ValueError, match="784"):
        get_mnist.write_idx(tmp_path, images[:, :10], labels)


def test_default_mnist_dir_reads_the_environment_first(timing, tmp_path, monkeypatch):
    monkeypatch.setenv("SKPRUNE_MNIST_DIR", str(tmp_path))
    assert timing.default_mnist_dir() == tmp_path


def test_default_mnist_dir_finds_the_copy_above_a_worktree(timing, tmp_path, monkeypatch):
    # A checkout two folders below the one holding shared/ (a git worktree).
    monkeypatch.delenv("SKPRUNE_MNIST_DIR", raising=False)
    data = tmp_path / "shared" / "data" / "mnist"
    data.mkdir(parents=True)
    fake_script = tmp_path / "wt" / "repo" / "benchmarks" / "_timing.py"
    monkeypatch.setattr(timing, "__file__", str(fake_script))
    assert timing.default_mnist_dir() == tmp_path / "wt" / "shared" / "data" / "mnist"
    for name in timing.MNIST_FILES:
        (data / name).write_bytes(b"")
    assert timing.default_mnist_dir() == data


def test_every_benchmark_reading_mnist_takes_mnist_dir():
    readers = [
        path for path in sorted((ROOT / "benchmarks").glob("*.py"))
        if "load_mnist(" in path.read_text() and path.name != "_timing.py"
    ]
    assert len(readers) >= 6
    for path in readers:
        text = path.read_text()
        assert "--mnist-dir" in text, path.name
        # One default for all of them.
        assert "default_mnist_dir()" in text, path.name
