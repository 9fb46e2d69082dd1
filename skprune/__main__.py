"""``python -m skprune``: the command-line demo (see :mod:`skprune._cli`)."""

from ._cli import main

if __name__ == "__main__":
    raise SystemExit(main())
