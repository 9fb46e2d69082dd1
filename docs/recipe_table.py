"""The user guide's table of the 'auto' recipes, rendered from the package's recipe table.

    python docs/recipe_table.py > docs/includes/recipes.rst

:data:`skprune._fit.recipes.RECIPES` is the one source; ``tests/test_recipes.py``
checks that ``docs/includes/recipes.rst`` is this script's output. Kept out of
the package: rendering documentation is not something a fitted model needs.
"""

from skprune._fit.recipes import LARGE_PROBLEM, RECIPES


def _number(value):
    """``value`` as the docs write it: 0, 0.01, 15, 1e8."""
    return ("%.0e" % value).replace("e+0", "e") if value >= 1e5 else "%g" % value


def recipe_table_rst():
    """The 'auto' recipes (:data:`skprune._fit.recipes.RECIPES`) as the user guide's rst table.

    ``docs/includes/recipes.rst`` holds its output; a test checks it is current.

    Examples
    --------
    >>> from recipe_table import recipe_table_rst
    >>> print(recipe_table_rst().splitlines()[0])
    .. list-table:: The 'auto' recipes
    """
    header = ("sparsity target", "retraining solver", "problem size",
              "``weight_threshold``, ``neuron_threshold``", "``n_prune_steps``",
              "``retrain_iter``", "``finetune_iter``", "initial training's ``tol``",
              "short phases", "reconstruction", "measured in")
    lines = [".. list-table:: The 'auto' recipes", "   :header-rows: 1", ""]
    for row in (header, *(_recipe_row(rule) for rule in RECIPES)):
        lines += ["   * - " + row[0], *(("     - " + cell).rstrip() for cell in row[1:])]
    return "\n".join(lines) + "\n"


def _recipe_row(rule):
    """The cells of one :class:`skprune._fit.recipes.RecipeRule`; empty where it sets nothing."""
    def cell(value, text="%s"):
        return "" if value is None else text % _number(value)

    thresholds = rule.weight_threshold, rule.neuron_threshold
    return (
        {None: "any", True: "yes", False: "no"}[rule.target],
        "any" if rule.retrain_solver is None else "'%s'" % rule.retrain_solver,
        "≥ %s rows × weights" % _number(LARGE_PROBLEM) if rule.large else "any",
        "" if thresholds == (None, None) else ", ".join(_number(t) for t in thresholds),
        cell(rule.n_prune_steps), cell(rule.retrain_iter),
        cell(rule.finetune_iter) or ("``retrain_iter``" if rule.retrain_iter else ""),
        cell(rule.initial_tol_factor, "%s × ``tol``"),
        {None: "", True: "yes", False: "no"}[rule.short_phases],
        "; ".join(text for text, on in (
            ("for fits that reconstruct", rule.reconstructing),
            ("for warm starts", rule.warm),
            ("'auto' reconstructs", rule.reconstruct),
            ("``criterion``: '%s'" % rule.criterion, rule.criterion)) if on),
        "``%s``" % rule.source,
    )


if __name__ == "__main__":
    print(recipe_table_rst(), end="")
