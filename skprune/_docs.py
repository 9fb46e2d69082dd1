"""The docstrings the two estimators share: parameters, fitted attributes, ``fit``.

Kept apart from the estimator code; :mod:`._classifier` and
:mod:`._regressor` put them into their class docstrings.
"""

import textwrap

from ._fit.recipes import LARGE_PROBLEM, RECIPES, recipe_values
from ._fit.solvers import SOLVERS
from ._prune.reconstruct import MAX_GRAM_BYTES, gram_bytes

_BASE_PARAMS_DOC = """hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element is the number of neurons in the ith hidden layer,
        before pruning (the widths after pruning are ``hidden_layer_sizes_``).

    activation : {'identity', 'logistic', 'tanh', 'relu'}, default='relu'
        Activation function of the hidden layers.

    __SOLVER_DOC__

    alpha : float, default=1e-4
        Strength of the L2 penalty; the penalty is divided by the sum of the
        sample weights, like the data term.

    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        Step-size schedule of 'gd'. 'invscaling' divides ``learning_rate_init``
        by ``t ** power_t``; 'adaptive' divides the step by 5 each time the
        loss fails to improve by ``tol`` for ``n_iter_no_change`` iterations,
        and stops the phase once the step is below 1e-6. 'adam' does not read
        it: it divides its step by 5 on a stall, at most 3 times (see ``tol``).

    learning_rate_init : float or 'auto', default='auto'
        Step size of the first-order solvers; 'auto' is __AUTO_STEPS__
        ('lbfgs' chooses its steps by line search). Full-batch steps
        use the exact gradient, so they can be larger than stochastic ones. A
        training phase diverged when its loss becomes non-finite, when it ends
        more than 100 times above its start (and above 100), or, for the
        initial training, when it ends above its start by more than a tenth
        of the larger of that start and the loss of the best constant
        prediction. Then the weights with the lowest loss are restored, later
        phases skip training, and a ``ConvergenceWarning`` says so. A
        retraining phase whose loss ends above its start otherwise (a spike
        after a pruning step) keeps its lowest-loss weights and pruning goes on.

    power_t : float, default=0.5
        Exponent of the 'invscaling' schedule.

    max_iter : int, default=200
        Maximum number of solver iterations (full passes over the data, more
        for the line searches of 'lbfgs') before the first pruning step.
        The pruning steps add at most ``retrain_iter_`` iterations after each
        step but the last and ``finetune_iter_`` after the last to
        ``n_iter_``; each phase can stop earlier by its own stopping rule.

    tol : float, default=1e-4
        Tolerance: the loss (or the validation score, with
        ``early_stopping``) has stalled when it has not improved by ``tol``
        for ``n_iter_no_change`` consecutive iterations. A stall stops the
        phase, except that 'adam' first divides its step size by 5 and goes
        on, at most 3 times per phase (full-batch Adam at a fixed step
        oscillates around a minimum), and 'gd' with
        ``learning_rate='adaptive'`` does the same until its step is below
        1e-6.

    n_iter_no_change : int or np.inf, default=10
        See ``tol``; ``np.inf`` never stops early. 'lbfgs' also stops when
        its projected gradient falls below ``tol`` (as scikit-learn's). On
        large problems (see ``n_prune_steps``), when pruning steps and their
        retraining follow, the initial training ends at the first such
        stall, without the smaller steps of 'adam' or of 'adaptive'.

    momentum : float, default=0.9
        Momentum of 'gd', in [0, 1].

    nesterovs_momentum : bool, default=True
        Whether 'gd' uses Nesterov's momentum.

    beta_1, beta_2 : float, default=0.9, 0.999
        Decay rates of Adam's first and second moment estimates, in [0, 1).

    epsilon : float, default=1e-8
        Adam's numerical-stability constant.

    max_fun : int, default=15000
        Most loss evaluations of 'lbfgs' per training phase.

    early_stopping : bool, default=False
        Whether to hold out ``validation_fraction`` of the training data and
        stop the initial training when its score stops improving, restoring
        the best weights. Pruning statistics use the training part only.

    validation_fraction : float, default=0.1
        Fraction of the data held out for ``early_stopping``.

    weight_threshold : float or 'auto', default='auto'
        'auto' is __NO_TARGET_THRESHOLD__ when neither ``sparsity`` nor
        ``neuron_sparsity`` is set and __TARGET_THRESHOLD__ when one is (so
        that ``sparsity_`` lands on the target);
        the value used is ``weight_threshold_``. Weights with ``|w| < weight_threshold`` are set to zero at every
        pruning step and once more at the very end of ``fit``, so every
        stored weight of ``coefs_`` satisfies ``|w| >= weight_threshold``.
        If pruning (by threshold or ``sparsity``) cuts every path from the
        inputs to the outputs, the model is stored as the constant it then
        computes: one neuron per hidden layer, no weight, and a
        ``UserWarning``.

    neuron_threshold : float or 'auto', default='auto'
        'auto' as for ``weight_threshold``. A hidden neuron whose ``neuron_criterion`` score is below this is
        removed at each pruning step (with the default criterion: whose
        sample-weighted mean ``|activation|`` over the training data is);
        its mean output times its outgoing weights is folded into the next
        layer's bias. A layer is never emptied (its best neuron is kept,
        with a warning).

    sparsity : float or None, default=None
        If set, a fraction in [0, 1): the least important weights by
        ``criterion`` are pruned until this fraction of the original
        architecture's weights is zero or removed (``weight_threshold``
        still applies on top). With several pruning steps the target is
        approached on ``schedule`` and reached at the last step.

    criterion : {'auto', 'obd', 'magnitude', 'taylor', 'random'} or object, \
            default='auto'
        Weight importance that ``sparsity`` ranks by: Optimal Brain Damage
        ``h_kk * w ** 2 / 2`` with the Gauss-Newton diagonal ``h_kk`` (a
        pass over the data per pruning step, one backward pass per output
        unit); ``|w|``; the
        first-order Taylor loss change ``|w * dL/dw|`` with the exact
        whole-data gradient; or uniform random scores (a baseline, drawn
        from ``random_state``). 'auto' is 'obd', which keeps the most
        accuracy at 95 % sparsity with gradient retraining
        (``benchmarks/bench_quality.py``), and 'magnitude' for a fit that
        reconstructs (see ``reconstruct``). An
        instance of a :class:`~skprune.WeightCriterion` subclass can take
        their place; what its ``scores(state)`` returns is checked at every
        step. Without ``sparsity`` the criterion is not used
        (``weight_threshold`` always compares ``|w|``).

    neuron_criterion : {'activation', 'entropy', 'variance', 'taylor', \
            'random'} or object, default='activation'
        Neuron importance that ``neuron_threshold`` and ``neuron_sparsity``
        use: sample-weighted mean ``|activation|``; the entropy in bits of
        the neuron's output histogram; ``std(a_j) * ||W_next[j, :]||``, the
        exact RMS error that removing the neuron and folding its mean adds
        to the next layer; the layer-normalised Taylor score
        ``sum_k (w_kj * dL/dw_kj) ** 2``; or random scores. Or an instance
        of a :class:`~skprune.NeuronCriterion` subclass.

    neuron_sparsity : float or None, default=None
        If set, a fraction in [0, 1) of every hidden layer's original neurons
        to remove, lowest ``neuron_criterion`` score first, following
        ``schedule`` like ``sparsity`` (``neuron_threshold`` still applies on
        top). At least one neuron per layer is kept.

    schedule : {'gradual', 'iterative', 'one-shot'} or callable, \
            default='gradual'
        How the targets ``sparsity`` and ``neuron_sparsity`` are approached
        over the ``n_prune_steps`` steps: Zhu & Gupta's cubic
        ``s_k = s (1 - (1 - k / n) ** 3)``; Han et al.'s iterative pruning,
        which removes the same fraction of the surviving weights at every
        step; or everything at the first step. A callable
        ``schedule(step, n_steps, final_sparsity)`` returning the sparsity
        after step ``step`` (counted from 1) can take their place; it is
        evaluated for every step before training starts, and must give
        finite, non-decreasing values in [0, 1) ending at the target.

    prune_scope : {'global', 'layer'}, default='global'
        Whether ``sparsity`` holds over all layers at once, the scores of
        every layer competing for one budget (with the floor
        ``min_layer_density``), or in every layer alike.

    min_layer_density : float, default=0.01
        With ``prune_scope='global'``, every pruning step keeps at least
        this fraction of each layer's original weights (its best ones by
        ``criterion``), so a small layer is never gutted; the floors are
        scaled down if they exceed the whole budget. A neuron cut off from
        all of its inputs is still removed with its outgoing weights, so a
        layer can end up below its floor that way.

    n_prune_steps : int or 'auto', default='auto'
        Number of prune -> retrain rounds after the initial training. 'auto'
        is __NO_TARGET_STEPS__ without a sparsity target; with ``sparsity`` or
        ``neuron_sparsity`` it is the gradual recipe "prune in many small
        steps with short retraining, then fine-tune longer", per retraining
        solver: __TARGET_STEPS__. On large problems (training rows times
        weights of at least __LARGE_PROBLEM__, e.g. MNIST with (300, 100)
        hidden layers), where every pass over the data is expensive,
        __LARGE_STEPS__. The user guide's recipe table gives every value
        and the benchmark that chose it.

    retrain_iter : int or 'auto', default='auto'
        Most solver iterations after each pruning step, with pruned weights
        held at exactly zero. 'auto' is __NO_TARGET_RETRAIN__ without a sparsity
        target; with one, __TARGET_RETRAIN__. On large problems (see
        ``n_prune_steps``) a step after a converged phase whose prune raised
        the training loss by at most ``tol`` is not retrained.

    finetune_iter : int, 'auto' or None, default='auto'
        Most solver iterations after the last pruning step; None means
        ``retrain_iter``. 'auto' is ``retrain_iter`` when that is set or
        there is no sparsity target; otherwise __TARGET_FINETUNE__.

    retrain_solver : {'auto', __SOLVER_NAMES__}, default='auto'
        Solver of the retraining after each pruning step and of the final
        fine-tune (``solver`` does the initial training). 'auto' is 'lbfgs'
        with a sparsity target and no L1 penalty (``l1_alpha=0``), and
        ``solver`` otherwise. Recovering from a pruning step is a short,
        local problem that L-BFGS, with no step size to get wrong, solves
        well: in the package's quality benchmark it gave more accurate
        sparse networks than Adam retraining on digits, and faster fits on
        MNIST-10k, where Adam retraining was more accurate (see the user
        guide, "Recipe for high sparsity"). An L-BFGS retraining phase ends at its
        projected-gradient test at ``tol``, as scikit-learn's L-BFGS does,
        or after its budget (``retrain_iter``, ``finetune_iter``). Running
        it further helps accuracy a little but is not reproducible: below
        that test its iterates follow rounding, and a fit with integer
        sample weights stops matching the fit on repeated rows. A
        first-order retraining solver uses
        ``learning_rate_init`` ('auto': its own default) and the ``tol`` /
        ``n_iter_no_change`` rule.

    reconstruct : bool or 'auto', default='auto'
        Whether each pruning step is followed by a layer-wise least-squares
        reconstruction before its retraining (post-training pruning in the
        manner of Net-Trim, Aghasi et al. 2017, Optimal Brain Compression
        and SparseGPT, Frantar & Alistarh 2022, 2023): layer by layer from
        the input, every output neuron's surviving weights and bias are
        refitted by sample-weighted ridge least squares so that, on the
        pruned network's own inputs, its pre-activation matches the one of
        the *reference*, the network before the first pruning step of this
        fit (after the initial training; with ``warm_start`` or
        :meth:`from_mlp`, the model it starts from). A layer after removed
        neurons is refitted from the neurons left, which compensates for
        them. No gradient step is taken: the statistics are one pass over
        the data per layer (the first layer's only once per fit), summed in
        float64 in row chunks (or on the dask blocks). Then
        ``retrain_solver`` retrains for at most ``retrain_iter`` (after the
        last step ``finetune_iter``) iterations, which may be 0. A warm
        start that reconstructs skips the initial training: the network it
        starts from is trained already, so ``from_mlp(mlp, sparsity=0.9,
        reconstruct=True).fit(X, y)`` prunes a fitted scikit-learn MLP
        without rerunning its training. The solves count no iteration
        (``n_iter_``, ``loss_curve_``) and callbacks see each round at its
        end, as for gradient retraining; each ``pruning_history_`` entry
        adds ``reconstructed_loss``. __RECONSTRUCT_AUTO__ Magnitude pruning
        (what ``criterion='auto'`` then means) suits it best: the refit
        makes up for weights of small magnitude, while the loss-based
        criteria judge a weight by the unrefitted network. It cannot be combined with
        ``rewind`` or ``l1_alpha > 0`` (a ``ValueError`` before any
        training), and a layer of more than __GRAM_FAN_IN__ inputs (a Gram matrix
        over __GRAM_LIMIT__) raises a ``MemoryError``; 'auto' then means False.
        ``early_stopping``'s validation rows are not used by the solves;
        masks (``prune_scope``, ``min_layer_density``), neuron removal,
        the collapse guard (a redone round is reconstructed too) and
        ``weight_bits`` (after the final prune) work as without it.

    rewind : bool, default=False
        Lottery-ticket rewinding (Frankle & Carbin, 2019): after every
        pruning step the surviving weights and the biases are reset to their
        values at the start of ``fit`` before retraining.

    l1_alpha : float, default=0.0
        Strength of an L1 penalty ``l1_alpha * sum|w|`` on the weights,
        divided by the sum of the sample weights like ``alpha``. With 'gd'
        and 'adam' it is applied by a proximal (soft-thresholding) step after
        every step; with 'lbfgs' exactly, by writing each weight as
        ``u - v`` with ``u, v >= 0`` under L-BFGS-B's bounds. Either way it
        produces exact zeros, which the next pruning step removes for good.
        L-BFGS-B's choice of which bounds are active amplifies rounding: two
        fits that differ only in the last bits (sample weights of 2 against
        repeated rows) can end at visibly different weights, which is why
        ``retrain_solver='auto'`` does not pick 'lbfgs' under an L1 penalty.

    weight_bits : int or None, default=None
        If set, an integer in [1, 8]: after the final prune each layer's
        surviving weights share ``2 ** weight_bits`` values (a codebook
        fitted by scikit-learn's :class:`~sklearn.cluster.KMeans` on the
        layer's weights, negative and positive weights coded apart, so no
        weight changes sign or falls below ``weight_threshold``), and the
        shared values and the biases are fine-tuned with every weight's
        code fixed (Han et al., *Deep Compression*, 2016), by at most 30
        full-batch L-BFGS-B iterations; the fine-tune keeps the values with
        the lowest training loss and its losses are appended to
        ``loss_curve_``.
        ``coefs_`` holds the shared values, and a pickle or skops file
        stores each layer as its codebook, ``weight_bits``-bit codes and a
        compact sparsity pattern instead of floats and indices (see
        :func:`~skprune.compression_report`). A warm start trains from the
        shared values. None keeps every weight's own value.

    warm_start : bool, default=False
        Reuse the previous fit's (pruned) network as the starting point.
        Pruned weights and removed neurons stay pruned; ``loss_curve_``,
        ``t_`` and the 'invscaling' schedule continue (``n_iter_`` counts the
        iterations of the latest fit, as in scikit-learn's MLP). The classes
        (or number of targets) and ``hidden_layer_sizes`` must be those of
        the previous fit.

    random_state : int, RandomState instance or None, default=None
        Seed of the weight initialisation and of the ``early_stopping`` split.

    verbose : bool, default=False
        Print the loss at every iteration and a line per pruning step."""

def _solver_doc():
    """The ``solver`` entry, from the solver registry (:data:`skprune._fit.solvers.SOLVERS`)."""
    names = ", ".join("'%s'" % name for name in SOLVERS)
    body = (
        "Full-batch solver; every step uses the exact gradient over all "
        "training rows. "
        + "; ".join("'%s' is %s" % (name, cls.summary) for name, cls in SOLVERS.items())
        + ". 'adam' is the default because it matched scikit-learn's "
        "``MLPClassifier()`` on scaled data and trained unscaled regression "
        "targets in the package's quality benchmark."
    )
    return "solver : {%s}, default='adam'\n%s" % (
        names, textwrap.fill(body, 76, initial_indent=" " * 8, subsequent_indent=" " * 8)
    )


def _number(value):
    """``value`` as the docs write it: 0, 0.01, 15, 1e8."""
    return ("%.0e" % value).replace("e+0", "e") if value >= 1e5 else "%g" % value


def _by_solver(field, targeted=True, large=False):
    """The recipe's ``field`` per retraining solver: "15 for 'lbfgs' and 'gd', 10 for 'adam'"."""
    groups = {}
    for name in SOLVERS:
        value = recipe_values(targeted, name, large)[field]
        groups.setdefault(value, []).append("'%s'" % name)
    if len(groups) == 1:
        return _number(next(iter(groups)))
    return ", ".join("%s for %s" % (_number(value), " and ".join(names))
                     for value, names in groups.items())


def _large_steps():
    """What the rows of large problems change in the gradual recipe, per retraining solver."""
    changes = []
    for name in SOLVERS:
        small, large = (recipe_values(True, name, size) for size in (False, True))
        if small["n_prune_steps"] != large["n_prune_steps"]:
            changes.append("'%s' retraining takes %d steps" % (name, large["n_prune_steps"]))
        if large["initial_tol_factor"] != small["initial_tol_factor"]:
            changes[-1] += (", after an initial training that stops at ``%s * tol`` (the "
                            "steps retrain anyway)" % _number(large["initial_tol_factor"]))
    return "; ".join(changes) or "the recipe is the same"


def _largest_fan_in():
    """The most inputs a layer can have for reconstruction (:data:`MAX_GRAM_BYTES`)."""
    fan_in = int((MAX_GRAM_BYTES / 8) ** 0.5) - 1
    return fan_in if gram_bytes(fan_in + 1) > MAX_GRAM_BYTES else fan_in + 1


def _reconstruct_auto():
    """What ``reconstruct='auto'`` means and the recipe with it, from the recipe table."""
    where = [
        "%s%s%s" % ("a warm start (``warm_start`` or ``from_mlp``)" if rule.warm else "a fit",
                    " of a large problem (see ``n_prune_steps``)" if rule.large else "",
                    {True: " with a sparsity target", False: " without one",
                     None: ""}[rule.target])
        for rule in RECIPES if rule.reconstruct
    ]
    text = ("'auto' is True for %s, where it measured faster at the same accuracy, and "
            "False otherwise." % " and ".join(where)) if where else "'auto' is False."
    small, large = (recipe_values(True, "lbfgs", size, reconstructing=True)
                    for size in (False, True))
    return text + (" With it, the 'auto' recipe is %s pruning step, %s retraining "
                   "iterations and a fine-tune of %s iterations (%s on large problems)."
                   % (_number(small["n_prune_steps"]), _number(small["retrain_iter"]),
                      _number(small["finetune_iter"]), _number(large["finetune_iter"])))


def recipe_table_rst():
    """The 'auto' recipes (:data:`skprune._fit.recipes.RECIPES`) as the user guide's rst table.

    ``docs/includes/recipes.rst`` holds its output; a test checks it is current.

    Examples
    --------
    >>> from skprune._docs import recipe_table_rst
    >>> print(recipe_table_rst().splitlines()[0])
    .. list-table:: The 'auto' recipes
    """
    header = ("sparsity target", "retraining solver", "problem size",
              "``weight_threshold``, ``neuron_threshold``", "``n_prune_steps``",
              "``retrain_iter``", "``finetune_iter``", "initial training's ``tol``",
              "short phases", "reconstruction", "chosen with")
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


def _recipe_docs(doc):
    """``doc`` with the numbers of the 'auto' recipes (:data:`skprune._fit.recipes.RECIPES`) filled in."""
    steps = {name: cls.auto_learning_rate for name, cls in SOLVERS.items()
             if cls.auto_learning_rate is not None}
    filled = dict(
        AUTO_STEPS=" and ".join("%s for '%s'" % (_number(v), k) for k, v in steps.items()),
        NO_TARGET_THRESHOLD=_by_solver("weight_threshold", targeted=False),
        TARGET_THRESHOLD=_by_solver("weight_threshold"),
        NO_TARGET_STEPS=_by_solver("n_prune_steps", targeted=False),
        TARGET_STEPS=_by_solver("n_prune_steps"),
        LARGE_PROBLEM=_number(LARGE_PROBLEM),
        LARGE_STEPS=_large_steps(),
        NO_TARGET_RETRAIN=_by_solver("retrain_iter", targeted=False),
        TARGET_RETRAIN=_by_solver("retrain_iter"),
        TARGET_FINETUNE=_by_solver("finetune_iter"),
        RECONSTRUCT_AUTO=_reconstruct_auto(),
        GRAM_FAN_IN="{:,}".format(_largest_fan_in()),
        GRAM_LIMIT="%g GiB" % (MAX_GRAM_BYTES / 2**30),
    )
    entries = doc.split("\n\n")
    for i, entry in enumerate(entries):
        if not any("__%s__" % key in entry for key in filled):
            continue
        for key, text in filled.items():
            entry = entry.replace("__%s__" % key, text)
        # One paragraph under the entry's first line, wrapped again.
        first, body = entry.split("\n", 1)
        entries[i] = first + "\n" + textwrap.fill(
            " ".join(body.split()), 76, initial_indent=" " * 8, subsequent_indent=" " * 8,
            break_on_hyphens=False, break_long_words=False)
    return "\n\n".join(entries)


_BASE_PARAMS_DOC = _recipe_docs(_BASE_PARAMS_DOC.replace("__SOLVER_DOC__", _solver_doc()).replace(
    "__SOLVER_NAMES__", ", ".join("'%s'" % name for name in SOLVERS)))



# Fitted attributes shared by the classifier and the regressor.
_BASE_ATTRS_DOC = """coefs_ : list of scipy.sparse.csr_array
        ``coefs_[i]`` holds the weights from layer ``i`` to layer ``i + 1``,
        of shape ``(fan_in, fan_out)`` after neuron removal, with no explicit
        zeros stored.

    intercepts_ : list of ndarray
        ``intercepts_[i]`` is the bias vector of layer ``i + 1``.

    hidden_layer_sizes_ : tuple of int
        Hidden layer widths after neuron removal.

    layer_units_original_ : tuple of int
        Units of every layer of the architecture the fit started from:
        ``(n_features_in_, *hidden_layer_sizes, n_outputs_)``. Every figure
        about the original network (``sparsity_``, ``compression_report``,
        the command line's report) is counted from it.

    n_weights_original_ : int
        Number of weights of that architecture.

    sparsity_ : float
        Fraction of the original architecture's weights that are zero or
        were removed with their neuron.

    layer_sparsity_ : ndarray of shape (n_layers - 1,)
        The same fraction per layer.

    feature_mask_ : ndarray of bool of shape (`n_features_in_`,)
        ``True`` for the input features that still have a non-zero outgoing
        weight; the others are never read by ``predict``.

    n_features_used_ : int
        Number of input features still used (``feature_mask_.sum()``).

    pruning_history_ : list of dict
        One record per pruning step: ``step``, ``iteration``,
        ``target_sparsity``, ``target_neuron_sparsity``, ``weights_kept``,
        ``neurons_kept`` and ``loss`` (measured right after pruning, before
        retraining); with ``reconstruct``, also ``reconstructed_loss``, the
        loss after the reconstruction.

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``, when ``X`` has string column
        names.

    n_iter_ : int
        Number of solver iterations run by the latest ``fit``, retraining
        included (``loss_curve_`` keeps those of earlier warm-started fits).

    weight_threshold_, neuron_threshold_ : float
        The thresholds used (``'auto'`` resolved).

    n_prune_steps_ : int
        The number of pruning steps used (``'auto'`` resolved).

    retrain_iter_, finetune_iter_ : int
        The most iterations after each pruning step and after the last one
        (``'auto'`` and None resolved).

    retrain_solver_ : str
        The solver of the retraining phases (``'auto'`` resolved).

    t_ : int
        Number of training samples seen by the solver (``n_iter_ * n_samples``).

    n_layers_ : int
        Number of layers, input and output included."""

_FIT_DOC = """Fit the network to ``X`` and ``y``, pruning it as configured.

        Parameters
        ----------
        X : {array-like, sparse matrix, dask array} of shape (n_samples, n_features)
            Training data. float32 is kept float32; other dtypes become float64.
            A dask array or DataFrame is fitted where its blocks live, on the
            current ``dask.distributed`` client's cluster (see the Scaling page).
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Class labels, or a label-indicator matrix for multilabel targets
            (classifier); target values (regressor). A dask array or Series
            with dask ``X``.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights. An integer weight is equivalent to
            repeating the sample. A dask array with dask ``X``.

        Returns
        -------
        self : object
            The fitted estimator.

        Raises
        ------
        ValueError
            Besides scikit-learn's standard input errors (invalid parameters,
            empty, NaN, infinite or non-numeric ``X`` or ``y``, inconsistent
            lengths, negative ``sample_weight``), when

            - a classifier's ``y`` holds fewer than two classes;
            - the sample weights sum to zero;
            - ``early_stopping`` cannot split off a (stratified) validation
              set of at least two samples, with positive total weight on both
              sides;
            - ``warm_start`` refits with other classes than the previous fit
              saw, another number of regression targets, or another
              ``hidden_layer_sizes`` than the previous network's original
              architecture;
            - the loss is not finite at the initial weights (features or
              targets too large for the floating-point type: scale them).

            A failed or interrupted fit (also by ``KeyboardInterrupt``)
            leaves the estimator exactly as it was: unfitted, or with the
            previous fit intact.
        """


def drop_entries(doc, names):
    """A numpydoc parameter list without the entries of ``names``."""
    chunks = doc.split("\n\n    ")
    entries = []
    for chunk in chunks:
        if entries and chunk.startswith(" "):  # a second paragraph of one entry
            entries[-1] += "\n\n    " + chunk
        else:
            entries.append(chunk)
    kept = [e for e in entries if e.split(" :", 1)[0].strip() not in names]
    return "\n\n    ".join(kept)
