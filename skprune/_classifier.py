"""PrunedMLPClassifier: targets, probabilities, the classifier's public surface."""

import numpy as np
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import column_or_1d, validate_data

from ._base import _BASE_ATTRS_DOC, _BASE_PARAMS_DOC, BasePrunedMLP, _atomic_fit
from ._network import OUTPUT_ACTIVATIONS, predict_output


class PrunedMLPClassifier(ClassifierMixin, BasePrunedMLP):
    __doc__ = """Multi-layer perceptron classifier trained by full-batch gradient descent and pruned.

    Training alternates, as in Han et al. (2015): train -> prune -> retrain with the
    pruned weights held at exactly zero -> repeat. Two rules prune: a weight
    with ``|w| < weight_threshold`` is set to zero (or, with ``sparsity``, the
    smallest-``|w|`` weights are pruned to a target fraction), and a hidden
    neuron whose sample-weighted mean ``|activation|`` is below
    ``neuron_threshold`` is removed. After ``fit`` the weights are
    ``scipy.sparse`` CSR arrays and removed neurons are gone from the shapes,
    so the model really is smaller.

    Every gradient step uses the whole training set: the loss is the
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
    ``solver``, ``batch_size`` or ``shuffle``: every step is a full-batch
    gradient step, which also makes the exact gradient available to pruning
    criteria.

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
    ...     PrunedMLPClassifier(sparsity=0.9, n_prune_steps=5, random_state=0),
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

    @_fit_context(prefer_skip_nested_validation=True)
    @_atomic_fit
    def fit(self, X, y, sample_weight=None):
        """Fit the network to ``X`` and ``y``, pruning it as configured.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. float32 is kept float32; other dtypes become float64.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Class labels, or a label-indicator matrix for multilabel targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights. An integer weight is equivalent to
            repeating the sample.

        Returns
        -------
        self : object
            The fitted estimator.

        Raises
        ------
        ValueError
            Besides scikit-learn's standard input errors (invalid parameters,
            empty, NaN, infinite or non-numeric ``X``, inconsistent lengths,
            negative ``sample_weight``), when

            - ``y`` holds fewer than two classes;
            - the sample weights sum to zero;
            - ``early_stopping`` cannot split off a (stratified) validation
              set of at least two samples, with positive total weight on both
              sides;
            - ``warm_start`` refits with classes that the previous fit did not
              see, or with ``hidden_layer_sizes`` that cannot be the previous
              network's original architecture;
            - the loss is not finite at the initial weights (features too
              large for the floating-point type: scale them).

            A failed or interrupted fit (also by ``KeyboardInterrupt``)
            leaves the estimator exactly as it was: unfitted, or with the
            previous fit intact.
        """
        warm = self.warm_start and hasattr(self, "coefs_")
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            dtype=(np.float64, np.float32),
            reset=not warm,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if warm:
            binarizer = self._label_binarizer
            if type_of_target(y) != binarizer.y_type_ or not set(
                np.unique(y) if y.ndim == 1 else range(y.shape[1])
            ) <= set(binarizer.classes_):
                raise ValueError(
                    "warm_start can only be used where `y` has the same classes "
                    "as in the previous call to fit: %s" % (binarizer.classes_,)
                )
        else:
            binarizer = LabelBinarizer().fit(y)
            if len(binarizer.classes_) < 2:
                raise ValueError(
                    "The classifier needs samples of at least 2 classes in the data, "
                    "but the data contains only one class: %r." % binarizer.classes_[0]
                )
        Y = binarizer.transform(y).astype(X.dtype, copy=False)
        loss = "log_loss" if binarizer.y_type_ == "multiclass" else "binary_log_loss"

        target_attrs = {
            "_label_binarizer": binarizer,
            "classes_": binarizer.classes_,
            "out_activation_": "softmax" if loss == "log_loss" else "logistic",
        }
        fitted = self._fit(X, Y, sample_weight, loss, y=y, fitted_attrs=target_attrs)
        for name, value in {**target_attrs, **fitted}.items():
            setattr(self, name, value)
        self._build_inference_plan()
        return self

    def _stratify(self, Y, loss):
        # Stratify single-output targets; multilabel ones cannot be.
        if loss == "log_loss":
            return Y.argmax(axis=1)
        return Y.ravel() if Y.shape[1] == 1 else None

    def _validation_score(self, coefs, intercepts, loss, X, Y, sample_weight):
        out = OUTPUT_ACTIVATIONS[loss]
        P = predict_output(X, coefs, intercepts, self.activation, out)
        if loss == "log_loss":
            correct = P.argmax(axis=1) == Y.argmax(axis=1)
        else:
            correct = ((P > 0.5) == (Y > 0.5)).all(axis=1)
        return float(np.average(correct, weights=sample_weight))

    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

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

    def predict_proba(self, X):
        """Class probabilities.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

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

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probability of each class, in the order of ``classes_``.
        """
        return np.log(self.predict_proba(X))
