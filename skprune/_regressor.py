"""PrunedMLPRegressor: squared error, identity output, one or several targets."""

import numpy as np
from sklearn.base import RegressorMixin

from ._base import BasePrunedMLP, lazy_on_dask
from ._docs import _BASE_ATTRS_DOC, _BASE_PARAMS_DOC
from ._from_mlp import from_mlp, regressor_targets


class PrunedMLPRegressor(RegressorMixin, BasePrunedMLP):
    __doc__ = """Multi-layer perceptron regressor trained by full-batch solvers and pruned.

    The regression counterpart of :class:`PrunedMLPClassifier`: the same
    train -> prune -> retrain loop, weight and neuron pruning (with bias
    folding) and CSR weights, on the sample-weighted squared error

    ``(sum_i s_i * ||y_i - f(x_i)||^2 / (2 n_outputs) + alpha / 2 * ||W||^2) / sum_i s_i``

    (averaged over the outputs, as :class:`~sklearn.neural_network.MLPRegressor`)

    with an identity output layer, so several targets can be fitted at once.

    Parameters
    ----------
    %s

    Attributes
    ----------
    %s

    n_outputs_ : int
        Number of targets.

    out_activation_ : str
        Output activation, always 'identity'.

    loss_ : float
        Loss at the last iteration.

    loss_curve_ : list of float
        Loss at every iteration.

    best_loss_ : float or None
        Lowest loss reached; None with ``early_stopping``.

    validation_scores_ : list of float or None
        R² on the held-out split at every iteration (``early_stopping``
        only).

    best_validation_score_ : float or None
        Best of ``validation_scores_`` during the initial training.

    See Also
    --------
    PrunedMLPClassifier : The classifier built on the same machinery.
    sklearn.neural_network.MLPRegressor : The dense, unpruned perceptron.

    Notes
    -----
    The loss is not scale-free: its gradient grows with the scale of ``y``.
    The default solver 'adam' (whose steps do not grow with the gradient)
    and 'lbfgs' (line search) train raw targets; with ``solver='gd'`` a
    step of 0.1 (with momentum 0.9) diverges on targets in the hundreds:
    standardise the targets, for instance with
    :class:`~sklearn.compose.TransformedTargetRegressor` and a
    :class:`~sklearn.preprocessing.StandardScaler`, or lower
    ``learning_rate_init``. A fit whose loss becomes non-finite stops, keeps
    the best finite weights and raises a
    :class:`~sklearn.exceptions.ConvergenceWarning`.

    Examples
    --------
    >>> from sklearn.compose import TransformedTargetRegressor
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.model_selection import train_test_split
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skprune import PrunedMLPRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    >>> model = TransformedTargetRegressor(
    ...     make_pipeline(
    ...         StandardScaler(),
    ...         PrunedMLPRegressor(hidden_layer_sizes=(8,), sparsity=0.8, random_state=0),
    ...     ),
    ...     transformer=StandardScaler(),
    ... ).fit(X_train, y_train)
    >>> reg = model.regressor_[-1]
    >>> round(reg.sparsity_, 2)  # rounded to whole weights
    0.8
    >>> model.score(X_test, y_test) > 0.2
    True
    """ % (_BASE_PARAMS_DOC, _BASE_ATTRS_DOC)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.multi_output = True
        return tags

    _y_numeric = True

    def _fit_targets(self, y, warm):
        n_outputs = 1 if y.ndim == 1 else y.shape[1]
        if warm and n_outputs != self.n_outputs_:
            raise ValueError(
                "warm_start can only be used where `y` has the same number of "
                "targets as in the previous call to fit: %d, got %d."
                % (self.n_outputs_, n_outputs)
            )
        return "squared_error", {"out_activation_": "identity"}

    @staticmethod
    def _encode_y(y, dtype, target_attrs):
        return (y.reshape(-1, 1) if y.ndim == 1 else y).astype(dtype, copy=False)

    def _scorer(self, loss):
        return _R2()

    @classmethod
    def from_mlp(cls, mlp, **params):
        """A regressor that starts from a fitted :class:`~sklearn.neural_network.MLPRegressor`.

        The result carries ``mlp``'s weights, biases, architecture,
        activation and input width (and feature names), with
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
        iterations after the pruning steps. On a regression set of 2,000
        rows (``make_regression``, 30 features) this pruned a fitted
        ``MLPRegressor()`` to 90 % sparsity with an R² 0.013 above its own
        for about a tenth of its fit time (user guide, "Layer-wise
        reconstruction").

        Parameters
        ----------
        mlp : :class:`~sklearn.neural_network.MLPRegressor`
            A fitted model (for a pipeline, its last step ``pipeline[-1]``;
            then fit on the data the earlier steps transform).
        **params : dict
            Parameters of the new estimator. ``hidden_layer_sizes`` and
            ``activation`` are ``mlp``'s and cannot be changed, and
            ``warm_start`` is True.

        Returns
        -------
        estimator : PrunedMLPRegressor
            Fitted-looking, with ``sparsity_`` 0, ready to ``fit``.

        Examples
        --------
        >>> import warnings
        >>> import numpy as np
        >>> from sklearn.neural_network import MLPRegressor
        >>> from skprune import PrunedMLPRegressor
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(300, 5))
        >>> y = X @ rng.normal(size=5)
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     mlp = MLPRegressor(hidden_layer_sizes=(16,), max_iter=300, random_state=0).fit(X, y)
        >>> reg = PrunedMLPRegressor.from_mlp(mlp, sparsity=0.5, random_state=0)
        >>> bool(np.allclose(reg.predict(X), mlp.predict(X)))
        True
        >>> round(reg.fit(X, y).sparsity_, 1)
        0.5
        """
        from sklearn.neural_network import MLPRegressor

        return from_mlp(cls, mlp, params, MLPRegressor, regressor_targets)

    @lazy_on_dask
    def predict(self, X):
        """Predict target values.

        Parameters
        ----------
        X : {array-like, sparse matrix, dask array} of shape (n_samples, n_features)
            Input data. A dask array or DataFrame gives a lazy dask array,
            computed block by block.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predicted values; one-dimensional when there is a single target
            (as :class:`~sklearn.neural_network.MLPRegressor` does).
        """
        P = self._forward_fitted(X)
        return P.ravel() if self.n_outputs_ == 1 else P

    @lazy_on_dask
    def score(self, X, y, sample_weight=None):
        """Sample-weighted coefficient of determination R², averaged over the outputs.

        Parameters
        ----------
        X : {array-like, sparse matrix, dask array} of shape (n_samples, n_features)
            Test samples.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            R²; a lazy dask scalar when ``X`` is a dask collection.
        """
        return super().score(X, y, sample_weight=sample_weight)


class _R2:
    """Sample-weighted R², averaged over the outputs, from per-block sums.

    The terms of scikit-learn's ``r2_score``, added up over the blocks (the
    weighted mean of the targets first, once): with one block, the same
    number. A constant target scores 1 if fitted exactly, else 0.
    """

    def target_sums(self, X, Y, sw):
        weight = sw[:, np.newaxis]
        dtype = np.result_type(Y.dtype, sw.dtype)
        return (np.multiply(Y, weight, dtype=dtype).sum(axis=0),
                weight.sum(axis=0, dtype=dtype))

    def target(self, sums):
        return sums[0] / sums[1]

    def sums(self, P, Y, sw, mean):
        weight = sw[:, np.newaxis]
        return ((weight * (Y - P) ** 2).sum(axis=0), (weight * (Y - mean) ** 2).sum(axis=0))

    def finish(self, sums):
        numerator, denominator = sums
        scores = np.ones(numerator.shape, dtype=numerator.dtype)
        valid = (denominator != 0) & (numerator != 0)
        scores[valid] = 1 - numerator[valid] / denominator[valid]
        scores[(numerator != 0) & (denominator == 0)] = 0.0
        return float(np.average(scores))
