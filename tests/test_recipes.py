"""The 'auto' recipes: one table, read by the resolver, shown by the docs."""

import re
import sys
from pathlib import Path

import pytest

from skprune import PrunedMLPClassifier, PrunedMLPRegressor
from skprune._fit.recipes import LARGE_PROBLEM, RECIPES, RecipeRule, resolve_recipe
from skprune._fit.solvers import SOLVERS

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "docs"))

from recipe_table import recipe_table_rst  # noqa: E402

PARAMS = PrunedMLPClassifier().get_params()


def _resolved(retrain_solver, target=True, size=None, **params):
    sparsity = 0.9 if target else None
    return resolve_recipe({**PARAMS, "sparsity": sparsity, "retrain_solver": retrain_solver,
                           **params}, size)


def _row(target, retrain_solver, large):
    (rule,) = [r for r in RECIPES if (r.target, r.retrain_solver, r.large) == (
        target, retrain_solver, large)]
    return rule


@pytest.mark.parametrize("retrain_solver", list(SOLVERS))
def test_the_resolver_reads_the_table(retrain_solver):
    row = _row(True, retrain_solver, False)
    for size in (None, int(LARGE_PROBLEM) - 1):
        recipe = _resolved(retrain_solver, size=size)
        assert (recipe["weight_threshold"], recipe["neuron_threshold"]) == (
            row.weight_threshold, row.neuron_threshold)
        assert (recipe["n_prune_steps"], recipe["retrain_iter"], recipe["finetune_iter"]) == (
            row.n_prune_steps, row.retrain_iter, row.finetune_iter)
        assert recipe["initial_tol"] == PARAMS["tol"] and not recipe["short_phases"]
    dense_row = _row(False, None, False)
    recipe = _resolved(retrain_solver, target=False)
    assert (recipe["weight_threshold"], recipe["n_prune_steps"], recipe["retrain_iter"]) == (
        dense_row.weight_threshold, dense_row.n_prune_steps, dense_row.retrain_iter)
    assert recipe["finetune_iter"] == recipe["retrain_iter"]  # the row sets none


@pytest.mark.parametrize("target", [True, False])
@pytest.mark.parametrize("retrain_solver", list(SOLVERS))
def test_a_problem_of_the_large_size_gets_the_large_rows(target, retrain_solver):
    small = _resolved(retrain_solver, target, int(LARGE_PROBLEM) - 1)
    for size in (int(LARGE_PROBLEM), 10 * int(LARGE_PROBLEM)):
        large = _resolved(retrain_solver, target, size)
        assert large["short_phases"] and not small["short_phases"]
        rows = [r for r in RECIPES if r.large and r.target in (None, target)
                and r.retrain_solver in (None, retrain_solver)]
        changed = {name for r in rows for name in ("n_prune_steps", "retrain_iter",
                                                   "finetune_iter") if getattr(r, name)}
        for name in ("weight_threshold", "n_prune_steps", "retrain_iter", "finetune_iter"):
            if name in changed:
                assert large[name] == [getattr(r, name) for r in rows if getattr(r, name)][-1]
            else:
                assert large[name] == small[name]
    if target and retrain_solver == "lbfgs":  # the row the MNIST timing chose
        row = _row(True, "lbfgs", True)
        assert large["n_prune_steps"] == row.n_prune_steps < small["n_prune_steps"]
        assert large["initial_tol"] == row.initial_tol_factor * PARAMS["tol"] > PARAMS["tol"]


def test_an_explicit_parameter_beats_the_table():
    recipe = _resolved("lbfgs", size=int(LARGE_PROBLEM), n_prune_steps=3, retrain_iter=7)
    assert (recipe["n_prune_steps"], recipe["retrain_iter"], recipe["finetune_iter"]) == (3, 7, 7)


def test_every_row_names_a_benchmark_result_that_exists():
    for rule in RECIPES:
        assert isinstance(rule, RecipeRule)
        assert rule.source.startswith("benchmarks/results/"), rule
        assert (ROOT / rule.source).is_file(), rule.source
        assert rule.retrain_solver is None or rule.retrain_solver in SOLVERS
    with pytest.raises(AttributeError):
        RECIPES[0].n_prune_steps = 3  # frozen


def test_the_user_guide_shows_the_table():
    include = ROOT / "docs" / "includes" / "recipes.rst"
    assert include.read_text() == recipe_table_rst(), (
        "regenerate: python docs/recipe_table.py > docs/includes/recipes.rst")
    guide = (ROOT / "docs" / "user_guide.rst").read_text()
    section = guide[guide.index("Recipe for high sparsity"):guide.index("Layer or global scope")]
    assert ".. include:: includes/recipes.rst" in section
    for rule in RECIPES:
        assert rule.source in include.read_text()


def _per_solver(text):
    """{solver: number} from "20 for 'adam' and 'gd', 10 for 'lbfgs'" (or one number)."""
    if re.fullmatch(r"[\d.]+", text):
        return {name: float(text) for name in SOLVERS}
    found = {}
    for number, names in re.findall(r"([\d.e]+) for ((?:'\w+'(?: and )?)+)", text):
        found.update((name, float(number)) for name in re.findall(r"'(\w+)'", names))
    return found


def _doc_entry(doc, name):
    entry = doc[doc.index("\n    %s :" % name):]
    return " ".join(entry[: entry.index("\n\n")].split())


@pytest.mark.parametrize("Est", [PrunedMLPClassifier, PrunedMLPRegressor])
def test_the_parameter_docs_give_the_tables_numbers(Est):
    doc = Est.__doc__
    steps = _doc_entry(doc, "n_prune_steps")
    per_solver = _per_solver(re.search(r"per retraining solver: (.*?)\. On", steps)[1])
    assert per_solver == {s: _resolved(s)["n_prune_steps"] for s in SOLVERS}
    assert "at least %s," % ("%.0e" % LARGE_PROBLEM).replace("e+0", "e") in steps
    large = _resolved("lbfgs", size=int(LARGE_PROBLEM))
    assert "'lbfgs' retraining takes %d steps" % large["n_prune_steps"] in steps
    assert "stops at ``%g * tol``" % (large["initial_tol"] / PARAMS["tol"]) in steps
    retrain = _doc_entry(doc, "retrain_iter")
    dense, targeted = re.search(r"'auto' is (\d+) without .*? with one, (.*?)\. On", retrain
                                ).groups()
    assert int(dense) == _resolved("adam", target=False)["retrain_iter"]
    assert _per_solver(targeted) == {s: _resolved(s)["retrain_iter"] for s in SOLVERS}
    finetune = _doc_entry(doc, "finetune_iter")
    text = re.search(r"otherwise (.*?)\.$", finetune)[1]
    assert _per_solver(text) == {s: _resolved(s)["finetune_iter"] for s in SOLVERS}
    threshold = _doc_entry(doc, "weight_threshold")
    no, yes = re.search(r"'auto' is ([\d.]+) when neither .*? and ([\d.]+) when one", threshold
                        ).groups()
    assert float(no) == _resolved("adam", target=False)["weight_threshold"]
    assert {float(yes)} == {_resolved(s)["weight_threshold"] for s in SOLVERS}
    step = _doc_entry(doc, "learning_rate_init")
    for name, cls in SOLVERS.items():
        if cls.auto_learning_rate is not None:
            assert "%g for '%s'" % (cls.auto_learning_rate, name) in step


def test_readme_and_benchmark_page_restate_the_tables_numbers():
    readme = (ROOT / "README.md").read_text()
    row = re.search(r"\| `weight_threshold` \('auto'\) \|.*", readme)[0]
    no, yes = re.search(r"'auto' is ([\d.]+) without a sparsity target and ([\d.]+) with one",
                        row).groups()
    assert float(no) == _resolved("adam", target=False)["weight_threshold"]
    assert {float(yes)} == {_resolved(s)["weight_threshold"] for s in SOLVERS}
    solver_row = re.search(r"\| `solver` \('adam'\) \|.*", readme)[0]
    assert "'auto' = %g" % SOLVERS["adam"].auto_learning_rate in solver_row
    assert "'auto' step %g" % SOLVERS["gd"].auto_learning_rate in solver_row
    # The pruning benchmark writes the default recipe out on digits.
    page = " ".join((ROOT / "docs" / "pruning_benchmark.rst").read_text().split())
    numbers = re.search(r"On digits these are (\d+), (\d+) and (\d+), the numbers "
                        r"``'auto'`` picks for a sparsity target", page).groups()
    recipe = _resolved("auto")
    assert tuple(map(int, numbers)) == (
        recipe["n_prune_steps"], recipe["retrain_iter"], recipe["finetune_iter"])
    script = (ROOT / "benchmarks" / "accuracy_vs_sparsity.py").read_text()
    digits = re.search(r'"recipe": dict\(max_iter=300, n_prune_steps=(\d+), '
                       r'retrain_iter=(\d+), finetune_iter=(\d+)\)', script).groups()
    assert digits == numbers
