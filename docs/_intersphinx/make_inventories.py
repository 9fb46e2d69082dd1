"""Write the intersphinx inventories of the projects the documentation links to.

The documentation builds without the network, so the inventories it links
with are committed here. The projects' own ``objects.inv`` files cannot be
downloaded where this package is developed (only package registries are
reachable, and no package on PyPI ships them; Debian's documentation
packages hold scikit-learn 1.2, scipy 1.10 and dask 2022.12). So this script
writes each inventory from the *installed* package, by introspection:

- every public module of the project (``scikit-learn`` and ``scipy``: each
  importable module whose dotted name has no part starting with ``_`` and is
  not a test module; the others: the modules listed in :data:`PROJECTS`);
- every public name such a module exports (its ``__all__``, else its names
  without a leading underscore) that is a class or a function of the project
  itself, under its public dotted name; the first module in that order
  names it, and its other public names, and the private module that defines
  it, become aliases for the same page;
- every public method, property and attribute of those classes, their
  base classes of the same project included (as the API pages list them).

Each name gets the address of its page under the project's documented URL
scheme (for example ``modules/generated/sklearn.X.html#sklearn.X`` for
scikit-learn, ``reference/generated/scipy.X.html`` for scipy), written in
:func:`address`. These schemes were read from the earlier published
inventories and the projects' sites; the addresses are not checked against
the live sites, which cannot be reached here. ``python.inv`` is not written
here: it is the ``objects.inv`` of Debian's ``python3.11-doc`` package
(Python 3.11.2; the package runs on the Python it documents).

Usage, from the repository root, with the ``docs`` and ``test`` extras
installed (they bring the packages)::

    python docs/_intersphinx/make_inventories.py            # every project
    python docs/_intersphinx/make_inventories.py sklearn    # one of them
"""

import importlib
import inspect
import pkgutil
import sys
import warnings
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parent

#: name in conf.py -> (project title, distribution root package, modules).
#: ``None`` as the modules walks every public module of the package.
PROJECTS = {
    "sklearn": ("scikit-learn", "sklearn", None),
    "scipy": ("SciPy", "scipy", None),
    "numpy": ("NumPy", "numpy", ["numpy", "numpy.linalg", "numpy.random", "numpy.fft",
                                 "numpy.testing", "numpy.typing", "numpy.exceptions"]),
    "dask": ("Dask", "dask", ["dask", "dask.array", "dask.dataframe", "dask.bag",
                              "dask.delayed", "dask.distributed", "dask.diagnostics"]),
    "distributed": ("Dask.distributed", "distributed", ["distributed"]),
    "matplotlib": ("Matplotlib", "matplotlib", [
        "matplotlib", "matplotlib.pyplot", "matplotlib.figure", "matplotlib.axes",
        "matplotlib.colors", "matplotlib.cm", "matplotlib.ticker", "matplotlib.lines",
        "matplotlib.patches", "matplotlib.text", "matplotlib.collections",
        "matplotlib.legend", "matplotlib.image", "matplotlib.artist"]),
    "joblib": ("joblib", "joblib", ["joblib"]),
}


def public_modules(root, listed):
    """The public modules of package ``root``: ``listed`` in order, or all of them.

    All of them: shallow ones first, the package itself last, since it
    re-exports names that its subpackages document (``sklearn.clone`` is
    ``sklearn.base.clone``).
    """
    if listed is not None:
        names = listed
    else:
        package = importlib.import_module(root)
        names = [root] + [
            info.name for info in pkgutil.walk_packages(package.__path__, root + ".")
            if not any(part.startswith("_") or part in ("tests", "testing", "conftest")
                       for part in info.name.split(".")[1:])
        ]
        names = sorted(set(names), key=lambda n: (n == root, n.count("."), n))
    modules = []
    for name in names:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                modules.append(importlib.import_module(name))
        except Exception:  # noqa: BLE001 - an optional dependency is missing: skip it
            continue
    return modules


def _exported(module):
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in vars(module) if not n.startswith("_")]
    return sorted({n for n in names if isinstance(n, str) and not n.startswith("_")})


def _kind(obj, root):
    """``"class"``, ``"exception"``, ``"function"`` or None (not the project's own)."""
    module = getattr(obj, "__module__", None) or ""
    if not (module == root or module.startswith(root + ".")):
        return None
    if inspect.isclass(obj):
        return "exception" if issubclass(obj, BaseException) else "class"
    if inspect.isfunction(obj) or inspect.isbuiltin(obj) or callable(obj):
        return "function"
    return None


def objects(root, modules):
    """``{full name: (role, canonical name)}`` of the project's public API."""
    found, canonical_of = {}, {}
    for module in modules:
        found[module.__name__] = ("module", module.__name__)
        for name in _exported(module):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                obj = getattr(module, name, None)
            kind = _kind(obj, root)
            if kind is None:
                continue
            full = "%s.%s" % (module.__name__, name)
            canonical = canonical_of.setdefault(id(obj), full)
            found.setdefault(full, (kind, canonical))
            # Where it is defined, the name a signature or a docstring may use.
            defined = "%s.%s" % (obj.__module__, getattr(obj, "__qualname__", name))
            found.setdefault(defined, (kind, canonical))
            if kind in ("class", "exception") and canonical == full:
                found.update(_members(obj, full, root))
    return found


def _members(cls, full, root):
    """The public methods, properties and attributes of ``cls``, under ``full``."""
    members = {}
    for base in reversed(cls.__mro__):
        if not (getattr(base, "__module__", "") or "").startswith(root):
            continue
        for name, value in vars(base).items():
            if name.startswith("_"):
                continue
            if isinstance(value, property):
                role = "property"
            elif inspect.isroutine(value) or isinstance(value, (classmethod, staticmethod)):
                role = "method"
            elif inspect.isclass(value) or callable(value):
                continue
            else:
                role = "attribute"
            members["%s.%s" % (full, name)] = (role, "%s.%s" % (full, name))
    return members


#: numpy names whose page is not ``reference/generated/<name>.html``.
NUMPY_PAGES = {
    "numpy.random.Generator": "reference/random/generator.html",
    "numpy.random.default_rng": "reference/random/generator.html",
    "numpy.random.RandomState": "reference/random/legacy.html",
    "numpy.random.SeedSequence": "reference/random/bit_generators/generated/"
    "numpy.random.SeedSequence.html",
}


def _numpy_page(canonical, role):
    """numpy's own pages: the random generators, and one page for the scalar types."""
    import numpy as np

    owner = canonical.rpartition(".")[0]
    for name in (canonical, owner):
        if name in NUMPY_PAGES:
            return "%s#%s" % (NUMPY_PAGES[name], canonical)
    obj = getattr(np, canonical.partition(".")[2], None) if role == "class" else None
    if inspect.isclass(obj) and issubclass(obj, np.generic):
        return "reference/arrays.scalars.html#%s" % canonical
    return None


def address(project, name, role, canonical):
    """The page, relative to the project's documentation root, of ``canonical``."""
    owner = canonical.rpartition(".")[0]
    is_member = role in ("method", "property", "attribute")
    if role == "module":
        return {
            "sklearn": "api/%s.html#module-$" % ".".join(canonical.split(".")[:2]),
            "scipy": "reference/%s.html#module-$" % (canonical.partition(".")[2] or "index"),
            "numpy": "reference/index.html#module-$",
            "dask": "api.html#module-$",
            "distributed": "api.html#module-$",
            "matplotlib": "api/index.html#module-$",
            "joblib": "index.html#module-$",
        }[project].replace("$", canonical)
    if project == "sklearn":
        page = owner if is_member else canonical
        return "modules/generated/%s.html#%s" % (page, canonical)
    if project == "numpy" and _numpy_page(canonical, role):
        return _numpy_page(canonical, role)
    if project in ("scipy", "numpy", "dask"):
        prefix = {"scipy": "reference/generated/", "numpy": "reference/generated/",
                  "dask": "generated/"}[project]
        return "%s%s.html#%s" % (prefix, canonical, canonical)
    if project == "distributed":
        return "api.html#%s" % canonical
    if project == "matplotlib":
        # Axes methods have a page each; other classes list theirs on one page.
        own_page = not is_member or owner == "matplotlib.axes.Axes"
        return "api/_as_gen/%s.html#%s" % (canonical if own_page else owner, canonical)
    return "generated/%s.html#%s" % (owner if is_member else canonical, canonical)


def write(project):
    title, root, listed = PROJECTS[project]
    package = importlib.import_module(root)
    found = objects(root, public_modules(root, listed))
    lines = []
    for name, (role, canonical) in sorted(found.items()):
        uri = address(project, name, role, canonical)
        if uri.endswith("#" + name):
            uri = uri[: -len(name)] + "$"  # the format's shorthand for the name
        lines.append("%s py:%s 1 %s -" % (name, role, uri))
    version = ".".join(package.__version__.split(".")[:2])
    head = ("# Sphinx inventory version 2\n# Project: %s\n# Version: %s\n"
            "# The remainder of this file is compressed using zlib.\n" % (title, version))
    path = OUT / ("%s.inv" % project)
    path.write_bytes(head.encode() + zlib.compress(("\n".join(lines) + "\n").encode(), 9))
    print("%s: %d names of %s %s" % (path.name, len(lines), title, package.__version__))


def main(argv=None):
    names = (sys.argv[1:] if argv is None else argv) or list(PROJECTS)
    for name in names:
        write(name)


if __name__ == "__main__":
    main()
