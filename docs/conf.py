"""Sphinx configuration: numpydoc, the pydata theme, autosummary and sphinx-gallery.

Build (from the repository root, with the ``docs`` extra installed)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

The gallery (``examples/plot_*.py``) runs during the build; add
``-D plot_gallery=0`` to skip running it.
"""

import os
import re
import warnings
from pathlib import Path

from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

import skprune

# The gallery fits many small networks in this process. On a shared 2-core
# machine a multi-threaded BLAS is much slower on such small matrices than a
# single thread (one example took 118 s instead of 9 s under load), so the
# build uses one BLAS thread unless SKPRUNE_DOCS_BLAS_THREADS says otherwise.
threadpool_limits(
    int(os.environ.get("SKPRUNE_DOCS_BLAS_THREADS", "1")), user_api="blas"
)

# Examples keep their training budgets short on purpose, so that the gallery
# builds in minutes; the resulting ConvergenceWarnings would only be noise.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

project = "skprune"
author = "The skprune developers"
copyright = "The skprune developers"
release = skprune.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
# includes/ holds benchmark output that pages pull in with ``.. include::``.
exclude_patterns = ["_build", "generated/backreferences", "includes", "images"]
root_doc = "index"

# -- Links to other projects' documentation -----------------------------------
# API names of these projects link to their documentation. The inventories
# are committed under _intersphinx/ (make_inventories.py there writes them
# from the installed packages and says how), so the build reads no network.
_INVENTORIES = Path(__file__).resolve().parent / "_intersphinx"
intersphinx_mapping = {
    name: (url, str(_INVENTORIES / f"{name}.inv"))
    for name, url in [
        ("python", "https://docs.python.org/3/"),
        ("numpy", "https://numpy.org/doc/stable/"),
        ("scipy", "https://docs.scipy.org/doc/scipy/"),
        ("sklearn", "https://scikit-learn.org/stable/"),
        ("dask", "https://docs.dask.org/en/stable/"),
        ("distributed", "https://distributed.dask.org/en/stable/"),
        ("matplotlib", "https://matplotlib.org/stable/"),
        ("joblib", "https://joblib.readthedocs.io/en/stable/"),
    ]
}
# Only explicit roles (``:class:`~sklearn.pipeline.Pipeline```) link out; a
# bare ``:ref:`` or ``:doc:`` stays within these pages.
intersphinx_disabled_reftypes = ["std:doc", "std:label"]

# -- API reference ----------------------------------------------------------
autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": True}
# numpydoc renders the sections; the class template lists the members, so
# numpydoc must not add a second, autosummary-based list of them.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# Check the docstring sections that matter to users, in the public API only:
# a broken section becomes a warning, hence an error under -W.
numpydoc_validation_checks = {"GL08", "PR01", "PR02", "PR07", "RT03"}
numpydoc_validation_exclude = {
    # Methods inherited from scikit-learn are its docstrings, not ours.
    r"\.get_params$",
    r"\.set_params$",
    r"\.get_metadata_routing$",
    r"\.set_\w+_request$",
    r"\.score$",
    r"\.__init__$",
}

# -- HTML ------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"skprune {release}"
html_static_path = ["_static"]
html_theme_options = {
    "navigation_with_keys": False,
    "show_prev_next": False,
    "secondary_sidebar_items": ["page-toc"],
    "header_links_before_dropdown": 8,
}
html_show_sourcelink = False
# Only the API pages have sibling pages worth a left-hand navigation; on every
# top-level page it would be an empty column, so those pages have none. The
# list is every top-level page, so a new page gets no empty sidebar either.
# (Exact names, no wildcards: no page may match two wildcard patterns.)
html_sidebars = {
    "generated/*": ["sidebar-nav-bs"],
    "auto_examples/*": [],
    "auto_examples/index": [],
    **{path.stem: [] for path in Path(__file__).resolve().parent.glob("*.rst")},
}

# -- Gallery ---------------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": ["../examples"],
    "gallery_dirs": ["auto_examples"],
    "filename_pattern": r"/plot_",
    "within_subsection_order": "FileNameSortKey",
    "doc_module": ("skprune",),
    "backreferences_dir": os.path.join("generated", "backreferences"),
    "remove_config_comments": True,
    "image_scrapers": ("matplotlib",),
    "min_reported_time": 1,
}


# -- Inherited scikit-learn docstrings ---------------------------------------------
# The API pages show the methods inherited from scikit-learn (score,
# get_params, set_fit_request, ...). Their docstrings point into
# scikit-learn's own user guide and glossary (``:ref:``, ``:term:``), whose
# labels the committed scikit-learn inventory (_intersphinx/sklearn.inv, its
# API generated from the installed package) does not have; keep the text,
# drop the link.
_SKLEARN_ROLE = re.compile(r":(?:ref|term|doc):`(?:([^`<]*?)\s*<[^`>]*>|([^`]*))`")


def _unlink_sklearn_roles(app, what, name, obj, options, lines):
    module = getattr(obj, "__module__", None) or ""
    if not module.startswith("sklearn"):
        return
    lines[:] = [
        _SKLEARN_ROLE.sub(lambda m: m.group(1) or m.group(2), line) for line in lines
    ]
    _drop_version_notes(lines)


def _drop_version_notes(lines):
    """Remove ``.. versionadded::`` / ``versionchanged`` blocks, in place.

    They give *scikit-learn's* version (the inherited ``set_*_request``
    methods say "Added in version 1.3"), which a reader would take for
    skprune's.
    """
    kept, skipping, indent = [], False, 0
    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith((".. versionadded::", ".. versionchanged::")):
            skipping, indent = True, len(line) - len(stripped)
            continue
        if skipping:
            if not stripped or len(line) - len(stripped) > indent:
                continue
            skipping = False
        kept.append(line)
    lines[:] = kept


def setup(app):
    app.connect("autodoc-process-docstring", _unlink_sklearn_roles)
