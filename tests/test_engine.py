"""One path engine and one place that finishes a fit.

Every way to get a model -- ``fit``, a level of a pruning path, the CV
estimators' fold scoring and refit, the pruning curve's sweep, ``from_mlp``
-- runs the same engine and finishes in :func:`skprune._fit.finish.finish`,
so each gets the same model: weight sharing included, the same attributes.
"""

import ast
import inspect
import os

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.model_selection import KFold

import skprune
from skprune import (
    PrunedMLPClassifier,
    PrunedMLPClassifierCV,
    PrunedMLPRegressor,
    PrunedMLPRegressorCV,
    PruningCurveDisplay,
    pruning_path,
)

LEVELS = [0.5, 0.8]


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:400] / 16, y[:400]


def _small(**params):
    return PrunedMLPClassifier(**{"hidden_layer_sizes": (24,), "max_iter": 60,
                                  "random_state": 0, **params})


def _state_names(model):
    return {k for k in vars(model) if k.endswith("_") or k in ("_shared_layers",
                                                              "_shared_coefs", "_plan")}


@pytest.mark.parametrize("bits", [1, 2])
def test_every_path_level_is_shared_like_an_independent_fit(digits, bits):
    X, y = digits
    est = _small(weight_bits=bits)
    levels, models = pruning_path(est, X, y, LEVELS)
    for level, model in zip(levels, models):
        alone = clone(est).set_params(sparsity=level).fit(X, y)
        assert _state_names(model) == _state_names(alone)
        assert model._shared_layers is not None
        for W, shared in zip(model.coefs_, model._shared_layers):
            assert len(np.unique(W.data)) <= 2**bits
            assert len(shared["codebook"]) == len(alone._shared_layers[0]["codebook"])
        report = skprune.compression_report(model)
        assert report["bits_per_weight"] < 32


def test_cv_scores_shared_models(digits):
    X, y = digits
    distinct = []

    def scorer(model, X, y):
        distinct.append(max(len(np.unique(W.data)) for W in model.coefs_))
        return model.score(X, y)

    PrunedMLPClassifierCV((24,), sparsities=LEVELS, cv=2, weight_bits=2, max_iter=60,
                          scoring=scorer, random_state=0).fit(X, y)
    assert len(distinct) == 2 * len(LEVELS) and max(distinct) <= 4


def test_the_curve_and_the_cv_estimator_report_the_same_scores(digits):
    pytest.importorskip("matplotlib")
    X, y = digits
    splits = list(KFold(3, shuffle=True, random_state=0).split(X))
    params = dict(hidden_layer_sizes=(24,), max_iter=60, random_state=0)
    cv = PrunedMLPClassifierCV(sparsities=LEVELS + [0.9], cv=splits, **params).fit(X, y)
    display = PruningCurveDisplay.from_estimator(
        PrunedMLPClassifier(**params), X, y, param_name="sparsity",
        param_range=LEVELS + [0.9], cv=splits, unpruned=False)
    np.testing.assert_array_equal(display.test_scores, cv.scores_path_)


@pytest.mark.parametrize("cv_class, base", [(PrunedMLPClassifierCV, PrunedMLPClassifier),
                                            (PrunedMLPRegressorCV, PrunedMLPRegressor)])
def test_cv_constructors_are_literal_and_match_the_base(cv_class, base):
    init = cv_class.__init__
    assert init.__qualname__ == cv_class.__name__ + ".__init__"
    assert "__signature__" not in vars(init)
    kinds = {p.kind for p in inspect.signature(init).parameters.values()}
    assert inspect.Parameter.VAR_POSITIONAL not in kinds
    assert inspect.Parameter.VAR_KEYWORD not in kinds
    ours = inspect.signature(init).parameters
    theirs = inspect.signature(base.__init__).parameters
    for name, parameter in theirs.items():
        if name in ("sparsity", "warm_start"):
            assert name not in ours
            continue
        assert ours[name].default == parameter.default, name
        assert ours[name].kind == parameter.kind, name
    assert cv_class._parameter_constraints.keys() == set(ours) - {"self"}
    assert base._parameter_constraints.keys() == set(theirs) - {"self"}


def _import_graph(root):
    modules = {}
    for folder, _, files in os.walk(root):
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                dotted = os.path.relpath(path[:-3], os.path.dirname(root)).replace(os.sep, ".")
                modules[dotted.removesuffix(".__init__")] = path
    graph = {m: set() for m in modules}
    for module, path in modules.items():
        package = module if path.endswith("__init__.py") else module.rpartition(".")[0]
        with open(path) as f:
            tree = ast.parse(f.read())
        for node in ast.walk(tree):  # function-local imports included
            if isinstance(node, ast.ImportFrom):
                base = package.split(".")[: len(package.split(".")) - max(node.level - 1, 0)]
                target = ".".join(base + [node.module] if node.module else base) \
                    if node.level else node.module
                for name in [target] + [target + "." + a.name for a in node.names]:
                    if name in modules and name != module:
                        graph[module].add(name)
            elif isinstance(node, ast.Import):
                graph[module].update(a.name for a in node.names if a.name in modules)
    return graph


def _cycles(graph):
    """Strongly connected groups of more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in graph:
        if v not in index:
            visit(v)
    return groups


def test_no_import_cycles():
    graph = _import_graph(os.path.dirname(skprune.__file__))
    assert len(graph) > 30
    assert _cycles(graph) == []
    # The check sees cycles: two modules importing each other are one.
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]


def test_layers_import_nothing_above_them():
    graph = _import_graph(os.path.dirname(skprune.__file__))
    floors = ["skprune._net", "skprune._data", "skprune._prune", "skprune._fit"]
    for module, targets in graph.items():
        floor = next((k for k, f in enumerate(floors) if module.startswith(f + ".")), None)
        if floor is None:
            continue
        for target in targets:
            if target == "skprune._version":
                continue
            assert any(target.startswith(f + ".") or target == f
                       for f in floors[: floor + 1]), (module, target)


def test_no_documentation_machinery_in_the_package():
    """Docstrings are text in the source; rst is rendered under docs/, not by the package."""
    root = os.path.dirname(skprune.__file__)
    for folder, _, files in os.walk(root):
        for name in files:
            if not name.endswith(".py"):
                continue
            with open(os.path.join(folder, name)) as f:
                source = f.read()
            assert "list-table::" not in source, name
            tree = ast.parse(source)
            for node in ast.walk(tree):
                # A docstring assembled at import: __doc__ assigned, or %-formatted.
                if isinstance(node, ast.Assign):
                    targets = [getattr(t, "attr", getattr(t, "id", None)) for t in node.targets]
                    assert "__doc__" not in targets, name
    for cls in (PrunedMLPClassifier, PrunedMLPRegressor, PrunedMLPClassifierCV,
                PrunedMLPRegressorCV):
        source = inspect.getsource(cls)
        assert inspect.getdoc(cls).splitlines()[0] in source
        assert "%s" not in cls.__doc__


@pytest.mark.parametrize("cv_class, base", [(PrunedMLPClassifierCV, PrunedMLPClassifier),
                                            (PrunedMLPRegressorCV, PrunedMLPRegressor)])
def test_shared_parameter_text_is_the_same_everywhere(cv_class, base):
    """The parameters both estimators take are documented by the same words in both."""
    from numpydoc.docscrape import ClassDoc

    def entries(cls):
        # "beta_1, beta_2 : float" documents two parameters.
        return {name.strip(): p for p in ClassDoc(cls)["Parameters"]
                for name in p.name.split(",")}

    ours, theirs = entries(cv_class), entries(base)
    other = PrunedMLPRegressor if base is PrunedMLPClassifier else PrunedMLPClassifier
    siblings = entries(other)
    signature = set(inspect.signature(cv_class.__init__).parameters) - {"self"}
    assert set(ours) == signature
    assert set(theirs) == set(inspect.signature(base.__init__).parameters) - {"self"}
    for name, entry in theirs.items():
        assert siblings[name].desc == entry.desc, name
        if name in ours:
            assert ours[name].desc == entry.desc and ours[name].type == entry.type, name


def test_fitted_state_is_set_in_one_place():
    """Only ``_adopt`` sets fitted attributes (``_check_dask_features`` sets the input's width).

    Every way to get a model hands its attributes to ``_adopt``; a second place
    that sets them would be a second way to finish a fit.
    """
    allowed = {"_adopt", "_check_dask_features"}
    root = os.path.dirname(skprune.__file__)
    found = []
    for folder, _, files in os.walk(root):
        for name in files:
            if not name.endswith(".py") or name == "_plot.py":  # the display's matplotlib objects
                continue
            path = os.path.join(folder, name)
            with open(path) as f:
                tree = ast.parse(f.read())
            for function in ast.walk(tree):
                if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                for node in ast.walk(function):
                    sets = (
                        isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
                        and isinstance(node.value, ast.Name) and node.value.id == "self"
                        and node.attr.endswith("_") and not node.attr.startswith("__")
                    ) or (
                        isinstance(node, ast.Call) and getattr(node.func, "id", None) == "setattr"
                    )
                    if sets and function.name not in allowed:
                        found.append("%s:%s" % (name, function.name))
    assert found == []
