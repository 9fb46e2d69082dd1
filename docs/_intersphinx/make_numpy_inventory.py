"""Write ``numpy.inv``, the intersphinx inventory of numpy's public names.

The other inventories in this folder are the ``objects.inv`` files of the
Debian documentation packages (``python3.11-doc``, ``python-sklearn-doc``,
``python-scipy-doc``, ``python-dask-doc``), committed so that the
documentation builds without the network. numpy's documentation has no such
package, so its inventory is written from the installed numpy: every public
function and class of ``numpy``, ``numpy.linalg`` and ``numpy.random`` at the
address numpy's reference gives it (``reference/generated/numpy.NAME.html``;
the scalar types on ``reference/arrays.scalars.html``; the random generators
on ``reference/random/``). Usage, from the repository root::

    python docs/_intersphinx/make_numpy_inventory.py
"""

import inspect
import zlib
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent / "numpy.inv"

#: Names whose page is not ``reference/generated/<name>.html``.
PAGES = {
    "numpy.random.Generator": "reference/random/generator.html",
    "numpy.random.default_rng": "reference/random/generator.html",
    "numpy.random.RandomState": "reference/random/legacy.html",
    "numpy.random.SeedSequence": "reference/random/bit_generators/generated/"
    "numpy.random.SeedSequence.html",
}


def public_objects():
    """``(full name, role)`` of each public function and class."""
    for module, prefix in [(np, "numpy"), (np.linalg, "numpy.linalg"),
                           (np.random, "numpy.random")]:
        names = getattr(module, "__all__", None) or dir(module)
        for name in sorted(set(names)):
            if name.startswith("_"):
                continue
            obj = getattr(module, name, None)
            if inspect.isclass(obj):
                yield "%s.%s" % (prefix, name), "class"
            elif callable(obj):
                yield "%s.%s" % (prefix, name), "function"


def address(name, role):
    if name in PAGES:
        return PAGES[name] + "#$"
    obj = eval(name, {"numpy": np})  # noqa: S307 - a name built from dir() above
    if role == "class" and issubclass(obj, np.generic):
        return "reference/arrays.scalars.html#$"
    return "reference/generated/%s.html#$" % name


def main():
    lines = ["%s py:%s 1 %s -" % (name, role, address(name, role))
             for name, role in public_objects()]
    lines.append("numpy py:module 1 reference/index.html#module-$ -")
    head = ("# Sphinx inventory version 2\n# Project: NumPy\n# Version: %s\n"
            "# The remainder of this file is compressed using zlib.\n"
            % ".".join(np.__version__.split(".")[:2]))
    OUT.write_bytes(head.encode() + zlib.compress(("\n".join(lines) + "\n").encode()))
    print("wrote %d names to %s" % (len(lines), OUT))


if __name__ == "__main__":
    main()
