"""The command line's input: scikit-learn's digits, or a user's CSV file and its target.

Valid files are parsed by numpy's C parser; a file it rejects is read again
row by row, only to name the line and column at fault. Every problem is a
:class:`CLIError`: one line for the user and an exit status.
"""

import csv
import warnings

import numpy as np
from sklearn.utils.multiclass import type_of_target


class CLIError(Exception):
    """An error to report to the user in one line, with an exit status."""

    def __init__(self, message, status=1):
        super().__init__(message)
        self.status = status


def load_digits_data():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    return X, y, "digits (scikit-learn's embedded 8x8 images)"


def _open_error(path, exc):
    if isinstance(exc, FileNotFoundError):
        return CLIError(f"{path}: no such file")
    if isinstance(exc, IsADirectoryError):
        return CLIError(f"{path}: is a directory, not a CSV file")
    if isinstance(exc, UnicodeDecodeError):
        return CLIError(f"{path}: not a UTF-8 text file")
    return CLIError(f"{path}: cannot read: {exc}")


def _read_header(path, delimiter):
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            for row in csv.reader(f, delimiter=delimiter):
                if row:
                    return [name.strip() for name in row]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise _open_error(path, exc) from None
    raise CLIError(f"{path}: needs a header row and at least one data row")


def _load_columns(path, delimiter, columns, dtype):
    """Columns of the data rows, read by numpy's C parser."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numpy's notes on blank lines
        return np.loadtxt(
            path, delimiter=delimiter, dtype=dtype, usecols=columns, skiprows=1,
            ndmin=2, comments=None, quotechar='"', encoding="utf-8-sig",
        )


def read_csv(path, target=None, delimiter=","):
    """Read a numeric CSV with a header row into ``X`` and the raw target column.

    Valid files are parsed by numpy's C parser; a file it rejects is read
    again row by row, only to name the line and column at fault.
    """
    if len(delimiter) != 1:
        raise CLIError(
            f"--delimiter must be a single character, got {delimiter!r}", status=2
        )
    header = _read_header(path, delimiter)
    # A trailing delimiter (``a,b,label,``) ends the header with unnamed
    # columns; they must be empty in every row, and are dropped.
    width = len(header)
    while header and not header[-1]:
        header.pop()
    if len(header) < 2:
        raise CLIError(
            f"{path}: found a single column; is the delimiter "
            f"{delimiter!r} right? (option --delimiter)"
        )
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise CLIError(
            f"{path}: the header names more than one column "
            + ", ".join(map(repr, duplicates))
            + "; give every column its own name"
        )
    if target is None:
        target_index = len(header) - 1
    elif target in header:
        target_index = header.index(target)
    else:
        raise CLIError(
            f"{path}: no column named {target!r}; the columns are "
            + ", ".join(map(repr, header))
        )
    features = [i for i in range(len(header)) if i != target_index]
    X = _load_fast(path, delimiter, (len(header), width), features, target_index)
    if X is None:
        # Find what numpy rejected, with its line number.
        X, y = _read_rows(path, delimiter, header, width, target_index)
    else:
        X, y = X
    if not np.isfinite(X).all():
        raise CLIError(f"{path}: the features contain NaN or infinite values")
    if y.dtype.kind == "U" and any(not value for value in y):
        raise CLIError(f"{path}: missing values in the target column")
    name = f"{path} (target column {header[target_index]!r})"
    return X, y, name


def _load_fast(path, delimiter, widths, features, target_index):
    """``(X, y)`` by numpy's C parser, in one pass if every column is numeric; None if rejected.

    ``widths`` are the number of named columns and of all columns (more when
    the header ends with unnamed ones, which must be empty). A numeric target
    is returned as floats (classification or regression is inferred from the
    numbers anyway), a text target as stripped strings.
    """
    n_columns, width = widths
    try:
        try:
            data = _load_columns(path, delimiter, list(range(n_columns)), np.float64)
            X, y = data[:, features], data[:, target_index]
        except ValueError:
            X = _load_columns(path, delimiter, features, np.float64)
            y = np.char.strip(_load_columns(path, delimiter, [target_index], str)[:, 0])
        if width > n_columns:
            unnamed = _load_columns(path, delimiter, list(range(n_columns, width)), str)
            if np.char.str_len(np.char.strip(unnamed)).any():
                return None
    except (ValueError, IndexError, csv.Error):
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise _open_error(path, exc) from None
    return (X, y) if X.shape[0] else None


def _read_rows(path, delimiter, header, width, target_index):
    """The slow, exact reader: a float() per cell and a message naming the first bad one.

    ``header`` names the columns; ``width`` counts unnamed trailing ones too.
    """
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            rows = [row for row in csv.reader(f, delimiter=delimiter) if row][1:]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise _open_error(path, exc) from None
    if not rows:
        raise CLIError(f"{path}: needs a header row and at least one data row")
    X = np.empty((len(rows), len(header) - 1))
    y = []
    features = [i for i in range(len(header)) if i != target_index]
    for line, row in enumerate(rows, start=2):
        if len(row) != width:
            raise CLIError(
                f"{path}, line {line}: {len(row)} fields, but the header has {width}"
            )
        if any(value.strip() for value in row[len(header):]):
            raise CLIError(
                f"{path}, line {line}: a value in column {len(header) + 1}, which "
                "has no name in the header; name it"
            )
        y.append(row[target_index].strip())
        for j, i in enumerate(features):
            value = row[i].strip()
            if not value:
                raise CLIError(
                    f"{path}, line {line}: missing value in column {header[i]!r}"
                )
            try:
                X[line - 2, j] = float(value)
            except ValueError:
                raise CLIError(
                    f"{path}, line {line}: column {header[i]!r} is not numeric "
                    f"({value!r}); encode categorical features as numbers first"
                ) from None
    return X, np.array(y)


#: A numeric target with more distinct values than this is taken for regression.
MAX_CLASSES = 20


def target_and_task(y, task):
    """Numeric targets where possible, and the task they call for."""
    try:
        numeric = y.astype(float)
    except ValueError:
        numeric = None
    if numeric is not None and not np.isfinite(numeric).all():
        raise CLIError("the target column contains NaN or infinite values")
    if task == "regression":
        if numeric is None:
            raise CLIError("--task regression needs a numeric target column")
        return numeric, task
    if numeric is not None:
        # Numbers are classes only if they are few and whole.
        few = len(np.unique(numeric)) <= MAX_CLASSES
        if task == "auto" and (type_of_target(numeric) == "continuous" or not few):
            return numeric, "regression"
        if np.all(numeric == np.round(numeric)):
            y = numeric.astype(int)
    return y, "classification"
