"""PrunedMLPClassifier: targets, probabilities, the classifier's public surface."""

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import column_or_1d

from ._base import BasePrunedMLP, lazy_on_dask
from ._docs import _BASE_ATTRS_DOC, _BASE_PARAMS_DOC
from ._from_mlp import classifier_targets, from_mlp


class PrunedMLPClassifier(ClassifierMixin, BasePrunedMLP):
    __doc__ = """Multi-layer perceptron classifier trained by full-batch solvers and pruned.

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

    Parameters
    ----------
    %s

    Attributes
    ----------
    classes_ : ndarray or list of ndarray
        Class labels (for multilabel targets, the column indices).

    %s

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
    >>> type(clf.coefs_[0]).__name__
    'csr_array'
    >>> model.score(X_test, y_test) > 0.9
    True
    """ % (_BASE_PARAMS_DOC, _BASE_ATTRS_DOC)

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
