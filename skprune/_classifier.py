"""PrunedMLPClassifier: targets, probabilities, the classifier's public surface."""

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import column_or_1d

from ._base import BasePrunedMLP, lazy_on_dask
from ._from_mlp import classifier_targets, from_mlp


class PrunedMLPClassifier(ClassifierMixin, BasePrunedMLP):
    """Multi-layer perceptron classifier trained by full-batch solvers and pruned.

    Training alternates, as in Han et al. (2015): train -> prune -> retrain with the
    pruned weights held at exactly zero -> repeat. Two rules prune: a weight
    with ``|w| < weight_threshold`` is set to zero (or, with ``sparsity``,
    the least important weights by ``criterion`` are pruned to a target
    fraction), and a hidden neuron whose sample-weighted mean
    ``|activation|`` is below ``neuron_threshold`` is removed. After ``fit`` the weights are
    ``scipy.sparse`` CSR arrays and removed neurons are gone from the shapes,
    so the model really is smaller.

    Every solver step ('adam', 'lbfgs' or 'gd') uses the whole training set: the loss is the
    sample-weighted log-loss plus an L2 penalty, divided by the sum of the
    sample weights.

    Read more in the :ref:`User Guide <user_guide>`.

    Parameters
    ----------
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element is the number of neurons in the ith hidden layer,
        before pruning (the widths after pruning are ``hidden_layer_sizes_``).

    activation : {'identity', 'logistic', 'tanh', 'relu'}, default='relu'
        Activation function of the hidden layers.

    solver : {'adam', 'lbfgs', 'gd'}, default='adam'
        Full-batch solver; every step uses the exact gradient over all
        training rows. 'adam' is Adam (Kingma & Ba) with ``beta_1``,
        ``beta_2``, ``epsilon``, whose step is divided by 5 when the loss
        stalls (at most 3 times); 'lbfgs' is L-BFGS (scipy's L-BFGS-B) over
        the alive weights only, restarted after every pruning step, with at
        most ``max_fun`` loss evaluations per phase; 'gd' is gradient
        descent with (Nesterov) ``momentum`` and the ``learning_rate``
        schedule. 'adam' is the default because it matched scikit-learn's
        ``MLPClassifier()`` on scaled data and trained unscaled regression
        targets in the package's quality benchmark.

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
        Step size of the first-order solvers; 'auto' is 0.01 for 'adam' and
        0.1 for 'gd' ('lbfgs' chooses its steps by line search). Full-batch
        steps use the exact gradient, so they can be larger than stochastic
        ones. A training phase diverged when its loss becomes non-finite,
        when it ends more than 100 times above its start (and above 100),
        or, for the initial training, when it ends above its start by more
        than a tenth of the larger of that start and the loss of the best
        constant prediction. Then the weights with the lowest loss are
        restored, later phases skip training, and a ``ConvergenceWarning``
        says so. A retraining phase whose loss ends above its start
        otherwise (a spike after a pruning step) keeps its lowest-loss
        weights and pruning goes on.

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
        'auto' is 0.01 when neither ``sparsity`` nor ``neuron_sparsity`` is
        set and 0 when one is (so that ``sparsity_`` lands on the target);
        the value used is ``weight_threshold_``. Weights with ``|w| <
        weight_threshold`` are set to zero at every pruning step and once
        more at the very end of ``fit``, so every stored weight of
        ``coefs_`` satisfies ``|w| >= weight_threshold``. If pruning (by
        threshold or ``sparsity``) cuts every path from the inputs to the
        outputs, the model is stored as the constant it then computes: one
        neuron per hidden layer, no weight, and a ``UserWarning``.

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

    criterion : {'auto', 'obd', 'magnitude', 'taylor', 'random'} or object,             default='auto'
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

    neuron_criterion : {'activation', 'entropy', 'variance', 'taylor',             'random'} or object, default='activation'
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

    schedule : {'gradual', 'iterative', 'one-shot'} or callable,             default='gradual'
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
        is 1 without a sparsity target; with ``sparsity`` or
        ``neuron_sparsity`` it is the gradual recipe "prune in many small
        steps with short retraining, then fine-tune longer", per retraining
        solver: 20 for 'adam' and 'gd', 10 for 'lbfgs'. On large problems
        (training rows times weights of at least 5e8, e.g. MNIST with (300,
        100) hidden layers), where every pass over the data is expensive,
        'lbfgs' retraining takes 5 steps, after an initial training that
        stops at ``10 * tol`` (the steps retrain anyway). The user guide's
        recipe table gives every value and the benchmark that chose it.

    retrain_iter : int or 'auto', default='auto'
        Most solver iterations after each pruning step, with pruned weights
        held at exactly zero. 'auto' is 50 without a sparsity target; with
        one, 10 for 'adam', 15 for 'lbfgs' and 'gd'. On large problems (see
        ``n_prune_steps``) a step after a converged phase whose prune raised
        the training loss by at most ``tol`` is not retrained.

    finetune_iter : int, 'auto' or None, default='auto'
        Most solver iterations after the last pruning step; None means
        ``retrain_iter``. 'auto' is ``retrain_iter`` when that is set or
        there is no sparsity target; otherwise 150 for 'adam', 100 for
        'lbfgs' and 'gd'.

    retrain_solver : {'auto', 'adam', 'lbfgs', 'gd'}, default='auto'
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
        adds ``reconstructed_loss``. 'auto' is True for a warm start
        (``warm_start`` or ``from_mlp``) of a large problem (see
        ``n_prune_steps``) with a sparsity target, where it measured faster
        at the same accuracy, and False otherwise. With it, the 'auto'
        recipe is 1 pruning step, 0 retraining iterations and a fine-tune of
        30 iterations (0 on large problems). Magnitude pruning (what
        ``criterion='auto'`` then means) suits it best: the refit makes up
        for weights of small magnitude, while the loss-based criteria judge
        a weight by the unrefitted network. It cannot be combined with
        ``rewind`` or ``l1_alpha > 0`` (a ``ValueError`` before any
        training), and a layer of more than 11,584 inputs (a Gram matrix
        over 1 GiB) raises a ``MemoryError``; 'auto' then means False.
        ``early_stopping``'s validation rows are not used by the solves;
        masks (``prune_scope``, ``min_layer_density``), neuron removal, the
        collapse guard (a redone round is reconstructed too) and
        ``weight_bits`` (after the final prune) work as without it. In a
        pruning path (:func:`~skprune.pruning_path`, the CV estimators'
        folds, :class:`~skprune.PruningCurveDisplay`) a fit that
        reconstructs reaches its levels by solves: one dense fit, then each
        level pruned from the one below and refitted to the dense network,
        with no retraining between levels: a level costs a solve and
        ``fit``'s fine-tune (none on large problems).

        .. versionadded:: 0.3

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

        .. versionadded:: 0.3

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
        Print the loss at every iteration and a line per pruning step.

    Attributes
    ----------
    classes_ : ndarray or list of ndarray
        Class labels (for multilabel targets, the column indices).

    coefs_ : list of scipy.sparse.csr_matrix or scipy.sparse.csr_array
        ``coefs_[i]`` holds the weights from layer ``i`` to layer ``i + 1``,
        of shape ``(fan_in, fan_out)`` after neuron removal, with no explicit
        zeros stored. The sparse type is scikit-learn's ``sparse_interface``
        at fit time (``sklearn.set_config(sparse_interface="sparray")`` gives
        ``csr_array``; scikit-learn 1.9's default ``"spmatrix"``
        ``csr_matrix``; ``csr_array`` with a scikit-learn without the
        setting); a saved model loads with the type it was fitted with.

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
        Number of layers, input and output included.

    n_outputs_ : int
        Number of output units.

    out_activation_ : str
        Output activation: 'logistic' (binary, multilabel) or 'softmax'.

    loss_ : float
        Loss at the last iteration.

    loss_curve_ : list of float
        Loss at every iteration.

    best_loss_ : float or None
        Lowest loss reached; None with ``early_stopping``.

    validation_scores_ : list of float or None
        Accuracy on the held-out split at every iteration (``early_stopping``
        only).

    best_validation_score_ : float or None
        Best of ``validation_scores_`` during the initial training.

    See Also
    --------
    PrunedMLPClassifierCV : The sparsity chosen by cross-validation.
    PrunedMLPRegressor : The regressor built on the same machinery.
    pruning_path : A fitted model at every sparsity from one run.
    compression_report : What the pruned model stores, and its bytes.
    sklearn.neural_network.MLPClassifier : The dense, unpruned perceptron.

    Notes
    -----
    Unlike :class:`~sklearn.neural_network.MLPClassifier` there is no
    ``batch_size`` or ``shuffle``: every solver takes full-batch steps, which
    also makes the exact gradient available to pruning criteria.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.model_selection import train_test_split
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn.pipeline import make_pipeline
    >>> from skprune import PrunedMLPClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    >>> model = make_pipeline(
    ...     StandardScaler(),
    ...     PrunedMLPClassifier(sparsity=0.9, random_state=0),
    ... ).fit(X_train, y_train)
    >>> clf = model[-1]
    >>> round(clf.sparsity_, 2)
    0.9
    >>> clf.coefs_[0].format  # csr_matrix or csr_array, as sklearn.set_config says
    'csr'
    >>> model.score(X_test, y_test) > 0.9
    True
    """

    _predict_attributes = BasePrunedMLP._predict_attributes + (
        "_label_binarizer",
        "classes_",
    )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.classifier_tags.multi_label = True
        return tags

    def _fit_targets(self, y, warm):
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if warm:
            binarizer = self._label_binarizer
            seen = np.unique(y) if y.ndim == 1 else np.arange(y.shape[1])
            if type_of_target(y) != binarizer.y_type_ or not np.array_equal(
                np.sort(seen), np.sort(binarizer.classes_)
            ):
                raise ValueError(
                    "warm_start can only be used where `y` has the same classes "
                    "as in the previous call to fit. Previously got %s, `y` has %s"
                    % (binarizer.classes_, seen)
                )
        else:
            binarizer = LabelBinarizer().fit(y)
            if len(binarizer.classes_) < 2:
                raise ValueError(
                    "The classifier needs samples of at least 2 classes in the data, "
                    "but the data contains only one class: %r." % binarizer.classes_[0]
                )
        loss = "log_loss" if binarizer.y_type_ == "multiclass" else "binary_log_loss"
        return loss, {
            "_label_binarizer": binarizer,
            "classes_": binarizer.classes_,
            "out_activation_": "softmax" if loss == "log_loss" else "logistic",
        }

    @staticmethod
    def _encode_y(y, dtype, target_attrs):
        if y.ndim == 2 and y.shape[1] == 1:
            y = y.ravel()
        return target_attrs["_label_binarizer"].transform(y).astype(dtype, copy=False)

    def _scorer(self, loss):
        return _Accuracy(loss)

    def _stratify(self, Y, loss):
        # Stratify single-output targets; multilabel ones cannot be.
        if loss == "log_loss":
            return Y.argmax(axis=1)
        return Y.ravel() if Y.shape[1] == 1 else None

    @classmethod
    def from_mlp(cls, mlp, **params):
        """A classifier that starts from a fitted :class:`~sklearn.neural_network.MLPClassifier`.

        The result carries ``mlp``'s weights, biases, architecture,
        activation, classes (its label binarizer) and input width (and feature names), with
        ``warm_start=True``: its next ``fit`` prunes and retrains from these
        weights instead of a fresh start. Before that ``fit`` it predicts as
        ``mlp`` does (the same network). The training record (loss curve,
        iteration counts) and ``mlp``'s solver state are not kept, and
        every training parameter is this estimator's own (its defaults, or
        those passed in ``params``): set ``sparsity`` there or with
        ``set_params``. :func:`~sklearn.base.clone` (cross-validation, grid
        search) drops the weights and fits from scratch.

        Without reconstruction, that ``fit`` first reruns the initial
        training (up to ``max_iter`` iterations) from ``mlp``'s weights,
        then the pruning steps. With ``reconstruct=True`` (or where
        ``reconstruct='auto'`` chooses it) it skips the initial training,
        since ``mlp`` is trained already: the sparsity is reached by
        layer-wise least-squares reconstruction to ``mlp``'s network (one
        pruning step in the 'auto' recipe, or each step of ``schedule``
        followed by a solve), then an optional masked fine-tune of
        ``finetune_iter`` iterations; ``n_iter_`` counts only the
        iterations after the pruning steps. On MNIST with (300, 100) hidden
        layers this pruned a fitted ``MLPClassifier`` to 90 % sparsity at
        its accuracy for about a tenth of its fit time (user guide,
        "Layer-wise reconstruction").

        Parameters
        ----------
        mlp : :class:`~sklearn.neural_network.MLPClassifier`
            A fitted model (for a pipeline, its last step ``pipeline[-1]``;
            then fit on the data the earlier steps transform).
        **params : dict
            Parameters of the new estimator. ``hidden_layer_sizes`` and
            ``activation`` are ``mlp``'s and cannot be changed, and
            ``warm_start`` is True.

        Returns
        -------
        estimator : PrunedMLPClassifier
            Fitted-looking, with ``sparsity_`` 0, ready to ``fit``.

        Examples
        --------
        >>> import warnings
        >>> from sklearn.datasets import load_digits
        >>> from sklearn.neural_network import MLPClassifier
        >>> from skprune import PrunedMLPClassifier
        >>> X, y = load_digits(return_X_y=True)
        >>> X = X / 16
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     mlp = MLPClassifier((32,), max_iter=100, random_state=0).fit(X, y)
        >>> clf = PrunedMLPClassifier.from_mlp(mlp, sparsity=0.9, random_state=0)
        >>> bool((clf.predict(X) == mlp.predict(X)).all())
        True
        >>> clf = clf.fit(X, y)
        >>> round(clf.sparsity_, 2), bool((clf.classes_ == mlp.classes_).all())
        (0.9, True)
        >>> clf.score(X, y) > 0.95
        True
        """
        from sklearn.neural_network import MLPClassifier

        return from_mlp(cls, mlp, params, MLPClassifier, classifier_targets)

    @lazy_on_dask
    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix, dask array} of shape (n_samples, n_features)
            Input data. A dask array or DataFrame gives a lazy dask array,
            computed block by block.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_classes)
            Predicted labels (an indicator matrix for multilabel targets).
        """
        P = self._forward_fitted(X)
        binarizer = self._label_binarizer
        if not binarizer.sparse_input_:
            # LabelBinarizer.inverse_transform's decoding, without its
            # per-call checks (they cost as much as a small network's pass).
            if binarizer.y_type_ == "multiclass":
                return binarizer.classes_[P.argmax(axis=1)]
            if binarizer.y_type_ == "binary":
                threshold = (binarizer.pos_label + binarizer.neg_label) / 2.0
                return binarizer.classes_[(P.ravel() > threshold).astype(np.intp)]
        if self.n_outputs_ == 1:
            P = P.ravel()
        return binarizer.inverse_transform(P)

    @lazy_on_dask
    def predict_proba(self, X):
        """Class probabilities.

        Parameters
        ----------
        X : {array-like, sparse matrix, dask array} of shape (n_samples, n_features)
            Input data. A dask array or DataFrame gives a lazy dask array,
            computed block by block.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probability of each class, in the order of ``classes_``; for
            multilabel targets, the probability of each label independently.
        """
        P = self._forward_fitted(X)
        if self.n_outputs_ == 1 and self._label_binarizer.y_type_ == "binary":
            P = np.hstack([1 - P, P])
        return P

    @lazy_on_dask
    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix, dask array} of shape (n_samples, n_features)
            Input data. A dask array or DataFrame gives a lazy dask array,
            computed block by block.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probability of each class, in the order of ``classes_``.
        """
        return np.log(self.predict_proba(X))

    @lazy_on_dask
    def score(self, X, y, sample_weight=None):
        """Sample-weighted accuracy (exact match for multilabel targets).

        Parameters
        ----------
        X : {array-like, sparse matrix, dask array} of shape (n_samples, n_features)
            Test samples.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            Accuracy; a lazy dask scalar when ``X`` is a dask collection.
        """
        return super().score(X, y, sample_weight=sample_weight)


class _Accuracy:
    """Sample-weighted accuracy (exact match for several outputs) from per-block sums.

    The terms of ``numpy.average(correct, weights=sample_weight)``, added up
    over the blocks: with one block, the same number.
    """

    def __init__(self, loss):
        self.loss = loss

    def target_sums(self, X, Y, sw):
        return ()

    def target(self, sums):
        return None

    def sums(self, P, Y, sw, target):
        if self.loss == "log_loss":
            correct = P.argmax(axis=1) == Y.argmax(axis=1)
        else:
            correct = ((P > 0.5) == (Y > 0.5)).all(axis=1)
        return (np.multiply(correct, sw, dtype=np.float64).sum(),
                sw.sum(dtype=np.float64))

    def finish(self, sums):
        return float(sums[0] / sums[1])
