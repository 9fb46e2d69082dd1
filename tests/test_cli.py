"""The command line: the digits demo, CSV files, and clear errors."""

import re
import subprocess
import sys

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, load_iris

from skprune import PrunedMLPClassifier
from skprune._cli import main

HAS_CALLBACKS = hasattr(PrunedMLPClassifier(), "set_callbacks")

# Small settings for the tests that only check plumbing.
QUICK = ["--max-iter", "30", "--n-prune-steps", "2", "--retrain-iter", "5"]


def report_rows(out):
    """The report table as {row title: [cells]}."""
    rows = {}
    for line in out.splitlines():
        cells = re.split(r"\s{2,}", line.strip())
        if len(cells) >= 2:
            rows[cells[0]] = cells[1:]
    return rows


def test_demo_defaults(capsys):
    assert main([]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("Data: digits")
    rows = report_rows(out)
    dense_acc, pruned_acc = map(float, rows["accuracy"])
    assert dense_acc > 0.95 and pruned_acc > 0.93
    dense_sparsity, pruned_sparsity = map(float, rows["sparsity (%)"])
    assert dense_sparsity == 0 and pruned_sparsity >= 90
    dense_w, pruned_w = map(int, rows["stored weights"])
    assert dense_w == 64 * 100 + 100 * 10 and pruned_w <= 0.1 * dense_w
    assert float(rows["compression"][1].rstrip("x")) >= 10
    dense_bytes, pruned_bytes = map(int, rows["model bytes (pickled)"])
    assert pruned_bytes < dense_bytes
    for key in ("neurons kept", "predict time (ms)", "fit time (s)"):
        assert len(rows[key]) == 2
    # Progress is shown while training, on stderr: a line per phase where
    # scikit-learn has callbacks (>= 1.9), else a line per network.
    assert "Training the pruned network" in err
    if HAS_CALLBACKS:
        # The last step of the 'auto' recipe's gradual schedule.
        assert re.search(r"pruning step (\d+)/\1: \d+ iterations?,", err)


def test_quiet_and_no_dense(capsys):
    assert main(["-q", "--no-dense", *QUICK]) == 0
    out, err = capsys.readouterr()
    # Only warnings (here: 30 iterations do not converge) reach stderr.
    assert all(line.startswith("  warning: ") for line in err.splitlines())
    table = out.split("\n\n")[1]
    assert table.splitlines()[0].split() == ["pruned"]


@pytest.fixture
def iris_csv(tmp_path):
    X, y = load_iris(return_X_y=True)
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    path = tmp_path / "iris.csv"
    lines = ["sepal_l,sepal_w,species,petal_l,petal_w"]
    lines += [f"{a},{b},{s},{c},{d}" for (a, b, c, d), s in zip(X, names)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_csv_classification(iris_csv, capsys):
    argv = ["--data", str(iris_csv), "--target", "species", "-q", *QUICK]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "150 samples x 4 features, classification, 3 classes" in out
    assert float(report_rows(out)["accuracy"][1]) > 0.8


def test_csv_regression(tmp_path, capsys):
    X, y = load_diabetes(return_X_y=True)
    path = tmp_path / "diabetes.csv"
    rows = [";".join(map(str, [*x, t])) for x, t in zip(X, y)]
    path.write_text(";".join(f"x{i}" for i in range(10)) + ";y\n" + "\n".join(rows))
    argv = ["--data", str(path), "--delimiter", ";", "--no-dense", "-q", *QUICK]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "442 samples x 10 features, regression" in out
    assert float(report_rows(out)["R²"][0]) > 0


@pytest.mark.parametrize("labels", ["numbers", "names"])
def test_trailing_delimiter_adds_no_column(tmp_path, capsys, labels):
    # Spreadsheets often end every line with the delimiter: the empty,
    # unnamed last column is not the target.
    X, y = load_iris(return_X_y=True)
    names = y if labels == "numbers" else np.array(["setosa", "versicolor", "virginica"])[y]
    path = tmp_path / "trailing.csv"
    lines = ["a,b,c,d,label,"] + [f"{a},{b},{c},{d},{t}," for (a, b, c, d), t in zip(X, names)]
    path.write_text("\n".join(lines) + "\n")
    assert main(["--data", str(path), "-q", "--no-dense", *QUICK]) == 0
    out = capsys.readouterr().out
    assert "(target column 'label')" in out
    assert "150 samples x 4 features, classification, 3 classes" in out
    # A value under the unnamed column is named, not dropped.
    path.write_text("\n".join(lines[:5] + ["1,2,3,4,0,9"] + lines[5:]) + "\n")
    assert main(["--data", str(path), "-q", "--no-dense", *QUICK]) == 1
    assert "line 6: a value in column 6, which has no name" in capsys.readouterr().err


def test_dense_reference_is_not_weight_shared(iris_csv, capsys):
    argv = ["--data", str(iris_csv), "--target", "species", "-q", *QUICK]
    assert main(argv) == 0
    plain = report_rows(capsys.readouterr().out)
    assert main([*argv, "--weight-bits", "4"]) == 0
    shared = report_rows(capsys.readouterr().out)
    # The dense column is the same model with or without --weight-bits.
    for row in ("accuracy", "stored weights", "model bytes (pickled)"):
        assert shared[row][0] == plain[row][0], row
    assert int(shared["model bytes (pickled)"][1]) < int(plain["model bytes (pickled)"][1])


def test_dense_reference_trains_for_max_iter(iris_csv, capsys):
    # Three iterations cannot converge: both networks say so, naming the
    # --max-iter budget of their (initial) training.
    argv = ["--data", str(iris_csv), "--target", "species", "-q", *QUICK]
    assert main([*argv, "--max-iter", "3"]) == 0
    err = capsys.readouterr().err
    assert set(re.findall(r"maximum iterations \((\d+)\) reached", err)) == {"3"}


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "needs a header row"),
        ("a,b,c\n1,2,3\n4,5\n", "line 3: 2 fields, but the header has 3"),
        ("a,b,c\n1,x,0\n", "column 'b' is not numeric ('x')"),
        ("a,b,c\n1,,0\n", "line 2: missing value in column 'b'"),
        ("a;b;c\n1;2;3\n", "is the delimiter ',' right?"),
        ("a,b\n1,0\n2,0\n3,0\n", "single class"),
        ("a,b\nnan,0\n2,0\n3,1\n", "features contain NaN or infinite"),
        ("a,b\n1,nan\n2,0\n3,1\n", "target column contains NaN or infinite"),
    ],
)
def test_bad_csv(tmp_path, capsys, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    assert main(["--data", str(path), "-q"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("skprune: error: ") and message in err
    assert "Traceback" not in err


def test_bad_files(tmp_path, capsys):
    binary = tmp_path / "model.bin"
    binary.write_bytes(bytes(range(256)))
    for path, message in [
        (tmp_path / "absent.csv", "no such file"),
        (tmp_path, "is a directory"),
        (binary, "not a UTF-8 text file"),
    ]:
        assert main(["--data", str(path)]) == 1
        assert message in capsys.readouterr().err


def test_bad_target(iris_csv, capsys):
    assert main(["--data", str(iris_csv), "--target", "colour"]) == 1
    assert "no column named 'colour'; the columns are 'sepal_l'" in capsys.readouterr().err
    assert main(["--data", str(iris_csv), "--target", "species", "--task", "regression"]) == 1
    assert "needs a numeric target" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--sparsity", "1.5"], "option --sparsity must be None or a float in the range"),
        (["--max-iter", "0"], "option --max-iter must be an int in the range [1, inf)"),
        (["--hidden-layer-sizes", "10,x"], "expected positive integers"),
        (["--activation", "swish"], "invalid choice: 'swish'"),
        (["--test-size", "1"], "--test-size must be a fraction"),
        (["--threads", "0"], "--threads must be at least 1"),
        (["--no-such-option"], "unrecognized arguments"),
    ],
)
def test_bad_options(capsys, argv, message):
    try:
        status = main(argv)
    except SystemExit as exc:  # argparse's own errors
        status = exc.code
    assert status == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_help_lists_every_option(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for option in (
        "--data", "--target", "--task", "--delimiter", "--test-size",
        "--hidden-layer-sizes", "--sparsity", "--weight-threshold",
        "--neuron-threshold", "--prune-scope", "--n-prune-steps", "--retrain-iter",
        "--max-iter", "--learning-rate-init", "--alpha", "--activation",
        "--random-state", "--threads", "--no-dense", "--quiet", "--verbose",
    ):
        assert option in out


def test_python_dash_m():
    result = subprocess.run(
        [sys.executable, "-m", "skprune", "--sparsity", "2"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().startswith("skprune: error: option --sparsity")


def test_empty_or_long_delimiter_is_a_bad_option(iris_csv, capsys):
    for delimiter in ("", ";;"):
        assert main(["--data", str(iris_csv), "--delimiter", delimiter]) == 2
        err = capsys.readouterr().err
        assert "--delimiter must be a single character" in err
        assert "Traceback" not in err


def test_closed_pipe_exits_quietly():
    # `python -m skprune ... | head -1`: head closes the pipe after one line.
    result = subprocess.run(
        f"{sys.executable} -m skprune -q --max-iter 5 --n-prune-steps 1 "
        "--retrain-iter 1 | head -1; echo \"status ${PIPESTATUS[0]}\"",
        shell=True, executable="/bin/bash", capture_output=True, text=True,
        timeout=300, check=False,
    )
    assert result.stdout.splitlines()[0].startswith("Data: digits")
    assert "status 141" in result.stdout
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr


@pytest.mark.parametrize(
    "error, status, message",
    [
        (MemoryError("Unable to allocate 13.4 GiB"), 1, "not enough memory (Unable to allocate"),
        (KeyboardInterrupt(), 130, "interrupted"),
        (RuntimeError("boom"), 1, "RuntimeError: boom"),
    ],
)
def test_failures_are_one_line(monkeypatch, capsys, error, status, message):
    import skprune._cli as cli

    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(cli, "_fit_both", fail)
    assert main(["-q"]) == status
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert err.count("\n") == 1


def test_constant_model_is_flagged(capsys):
    argv = ["-q", "--no-dense", "--weight-threshold", "100", *QUICK]
    assert main(argv) == 0
    rows = report_rows(capsys.readouterr().out)
    assert rows["accuracy"][0].endswith("(constant model)")
    assert rows["stored weights"] == ["0"]


def test_values_too_large_to_scale_are_named(tmp_path, capsys):
    path = tmp_path / "huge.csv"
    path.write_text("a,b,y\n1e300,1,0\n2,3,1\n4,5,0\n1,2,1\n")
    assert main(["--data", str(path), "-q"]) == 1
    err = capsys.readouterr().err
    assert "too large to standardise" in err and "1e+300" in err
    assert "NaN" not in err
    path.write_text("a,b,y\n1,1,1e300\n2,3,1.5\n4,5,0.2\n1,2,1\n")
    assert main(["--data", str(path), "-q", "--task", "regression"]) == 1
    assert "the target hold values up to 1e+300" in capsys.readouterr().err


def test_report_counts_the_fitted_architecture(capsys):
    argv = ["-q", "--hidden-layer-sizes", "20", *QUICK]
    assert main(argv) == 0
    rows = report_rows(capsys.readouterr().out)
    assert rows["neurons kept"][0] == "20 of 20"
    assert rows["stored weights"][0] == str(64 * 20 + 20 * 10)


def test_csv_quoted_fields_and_blank_lines(tmp_path, capsys):
    path = tmp_path / "quoted.csv"
    rows = [f'{i % 7},"{(i * 3) % 5}",{"yes" if i % 2 else "no"}' for i in range(40)]
    path.write_text("a,b,label\n" + "\n\n".join(rows) + "\n")
    from skprune._cli_input import read_csv

    X, y, _ = read_csv(str(path))
    assert X.shape == (40, 2) and X[3].tolist() == [3.0, 4.0]
    assert sorted(set(y)) == ["no", "yes"]


def test_every_estimator_parameter_has_an_option(capsys):
    from skprune._cli import _NO_OPTION, estimator_options

    expressible = set(PrunedMLPClassifier().get_params()) - _NO_OPTION
    assert expressible <= set(estimator_options())
    argv = ["-q", "--no-dense", "--schedule", "iterative", "--criterion", "obd",
            "--neuron-sparsity", "0.3", "--rewind", "true", "--finetune-iter", "none",
            *QUICK]
    assert main(argv) == 0
    kept, _, total = report_rows(capsys.readouterr().out)["neurons kept"][0].split()
    assert total == "100" and int(kept) <= 70  # neuron_sparsity reached the estimator
    for argv, message in [
        (["--rewind", "maybe"], "expected true or false"),
        (["--criterion", "l2"], "invalid choice: 'l2'"),
        (["--neuron-sparsity", "1.5"], "option --neuron-sparsity must be None or a float"),
    ]:
        try:
            status = main(argv)
        except SystemExit as exc:
            status = exc.code
        assert status == 2
        assert message in capsys.readouterr().err


@pytest.mark.parametrize("value, parsed", [("auto", "auto"), ("true", True), ("no", False)])
def test_an_option_of_a_name_or_a_boolean_takes_both(value, parsed):
    from skprune._cli import build_parser

    args = build_parser().parse_args(["--reconstruct", value])
    assert args.reconstruct == parsed


def test_an_option_of_a_name_or_a_boolean_names_both_in_its_error(capsys):
    with pytest.raises(SystemExit):
        main(["--reconstruct", "maybe"])
    assert "expected auto, true or false, got 'maybe'" in capsys.readouterr().err
