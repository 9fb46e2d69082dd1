"""PruningCurveDisplay: score against sparsity, in scikit-learn's Display style.

matplotlib is optional (the ``plot`` extra): it is imported inside the
methods that draw, so ``import skprune`` works without it.
"""


from numbers import Integral

import numpy as np
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.metrics import get_scorer_names
from sklearn.model_selection import check_cv, cross_validate
from sklearn.utils._param_validation import HasMethods, StrOptions

from ._path import check_arguments
from ._sweep import checked_sweep, fitted_sparsity, path_sweep, path_target


def _check_matplotlib(caller):
    try:
        import matplotlib  # noqa: F401
    except ImportError as exc:
        raise ImportError(
            f"{caller} requires matplotlib. Install it with "
            '`pip install matplotlib` (or `pip install ".[plot]"` in a clone of skprune).'
        ) from exc


def _check_score_type(score_type):
    if score_type not in ("test", "train", "both"):
        raise ValueError(
            f"Unknown score_type: {score_type!r}. Should be one of 'test', "
            "'train' or 'both'."
        )


def _score_name(score_name, scoring, negate_score, estimator):
    """Axis label for the score, in the manner of scikit-learn's displays."""
    if score_name is not None:
        return score_name
    if isinstance(scoring, str):
        name = scoring
    elif scoring is None and is_classifier(estimator):
        name = "accuracy"
    elif scoring is None and is_regressor(estimator):
        name = "R2"
    else:
        name = "score"
    if name.startswith("neg_"):
        name = name[4:] if negate_score else "negative_" + name[4:]
    elif negate_score:
        name = "negative_" + name
    name = name.replace("_", " ")
    return name[0].upper() + name[1:]


#: The arguments of ``from_estimator`` (the estimator's own parameters are
#: checked by the sweep, with the estimator's name).
_FROM_ESTIMATOR_CONSTRAINTS = {
    "estimator": [HasMethods(["fit", "get_params"])],
    "X": ["array-like", "sparse matrix"],
    "y": ["array-like"],
    "param_name": [str],
    "param_range": ["array-like"],
    "groups": ["array-like", None],
    "cv": ["cv_object"],
    "scoring": [StrOptions(set(get_scorer_names())), callable, None],
    "unpruned": ["boolean"],
    "n_jobs": [Integral, None],
    "fit_params": [dict, None],
    "negate_score": ["boolean"],
    "score_name": [str, None],
    "score_type": [StrOptions({"test", "train", "both"})],
    "std_display_style": [StrOptions({"fill_between", "errorbar"}), None],
    "label": [str, None],
    "line_kw": [dict, None],
    "fill_between_kw": [dict, None],
    "errorbar_kw": [dict, None],
    "unpruned_kw": [dict, None],
}


class PruningCurveDisplay:
    """Pruning curve: a score against the sparsity that pruning reached.

    Each point is one value of a pruning parameter (``sparsity``,
    ``weight_threshold``, ``neuron_threshold``, ...): its x coordinate is the
    mean ``sparsity_`` the fitted models reached, its y coordinate the mean
    score, with the spread over the splits drawn around it. A dashed line
    marks the score of the same estimator with pruning switched off.

    Use :meth:`from_estimator` to compute the curve, or
    :meth:`from_cv_results` to draw a CV estimator's; all parameters are
    stored as attributes.

    Read more in the :ref:`User Guide <pruning_curves>`.

    Parameters
    ----------
    param_name : str
        Name of the parameter that was varied.

    param_range : ndarray of shape (n_values,)
        Its values.

    sparsity : ndarray of shape (n_values, n_splits)
        ``sparsity_`` (fraction of the original architecture's weights that
        are zero or removed) of each fitted model.

    test_scores : ndarray of shape (n_values, n_splits)
        Scores on the test sets.

    train_scores : ndarray of shape (n_values, n_splits), default=None
        Scores on the training sets, if computed.

    unpruned_scores : ndarray of shape (n_splits,), default=None
        Test scores of the unpruned estimator, if computed.

    score_name : str, default=None
        Label of the score axis; "Score" if None.

    best_sparsity : float, default=None
        A chosen level to mark with a vertical line, if any (a CV
        estimator's ``best_sparsity_``, see :meth:`from_cv_results`).

    Attributes
    ----------
    ax_ : matplotlib Axes
        Axes with the curve.

    figure_ : matplotlib Figure
        Figure containing the curve.

    lines_ : list of matplotlib Line2D or None
        Mean score lines, with ``std_display_style`` "fill_between" or None.

    fill_between_ : list of matplotlib PolyCollection or None
        Bands of one standard deviation, with ``std_display_style="fill_between"``.

    errorbar_ : list of matplotlib ErrorbarContainer or None
        Error bars (sparsity and score), with ``std_display_style="errorbar"``.

    unpruned_line_ : matplotlib Line2D or None
        Horizontal line at the mean unpruned test score.

    best_line_ : matplotlib Line2D or None
        Vertical line at ``best_sparsity``.

    See Also
    --------
    PrunedMLPClassifierCV : The sparsity chosen from the same scores.
    pruning_path : A fitted model at every sparsity from one run.
    sklearn.model_selection.ValidationCurveDisplay : Score against a parameter.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sklearn.datasets import load_digits
    >>> from skprune import PrunedMLPClassifier, PruningCurveDisplay
    >>> X, y = load_digits(return_X_y=True)
    >>> X, y = X[:600] / 16, y[:600]
    >>> clf = PrunedMLPClassifier(
    ...     hidden_layer_sizes=(16,), max_iter=60, n_prune_steps=3,
    ...     retrain_iter=10, random_state=0,
    ... )
    >>> display = PruningCurveDisplay.from_estimator(
    ...     clf, X, y, param_name="sparsity", param_range=[0.5, 0.8, 0.95], cv=3
    ... )
    >>> display.sparsity.mean(axis=1).round(2)  # each fit lands on its target
    array([0.5 , 0.8 , 0.95])
    >>> display.test_scores.shape, display.unpruned_scores.shape
    ((3, 3), (3,))
    >>> plt.close(display.figure_)
    """

    def __init__(
        self,
        *,
        param_name,
        param_range,
        sparsity,
        test_scores,
        train_scores=None,
        unpruned_scores=None,
        score_name=None,
        best_sparsity=None,
    ):
        self.best_sparsity = best_sparsity
        self.param_name = param_name
        self.param_range = param_range
        self.sparsity = sparsity
        self.test_scores = test_scores
        self.train_scores = train_scores
        self.unpruned_scores = unpruned_scores
        self.score_name = score_name

    def plot(
        self,
        ax=None,
        *,
        negate_score=False,
        score_name=None,
        score_type="test",
        std_display_style="fill_between",
        label=None,
        line_kw=None,
        fill_between_kw=None,
        errorbar_kw=None,
        unpruned_kw=None,
    ):
        """Plot the curve.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to plot on; a new figure is created if None.

        negate_score : bool, default=False
            Whether to negate the scores, e.g. to plot an error from a
            ``neg_*`` scorer.

        score_name : str, default=None
            Label of the score axis; overrides ``self.score_name``.

        score_type : {"test", "train", "both"}, default="test"
            Which scores to plot. "train" and "both" need ``train_scores``.

        std_display_style : {"fill_between", "errorbar"} or None, default="fill_between"
            How to show the standard deviation over the splits: a band, error
            bars (on both the score and the sparsity), or nothing.

        label : str, default=None
            Legend label of the curve ("Test" or "Train" if None); with
            ``score_type="both"``, ", train" and ", test" are appended.

        line_kw : dict, default=None
            Keyword arguments for ``ax.plot`` (the mean score line).

        fill_between_kw : dict, default=None
            Keyword arguments for ``ax.fill_between`` (the band).

        errorbar_kw : dict, default=None
            Keyword arguments for ``ax.errorbar``.

        unpruned_kw : dict, default=None
            Keyword arguments for ``ax.axhline`` (the unpruned score line).

        Returns
        -------
        display : PruningCurveDisplay
            The display, with the matplotlib objects stored on it.
        """
        _check_matplotlib(f"{type(self).__name__}.plot")
        import matplotlib.pyplot as plt

        self._check_plot_args(std_display_style, score_type)
        if ax is None:
            _, ax = plt.subplots()

        sign = -1 if negate_score else 1
        sparsity = np.asarray(self.sparsity, dtype=float)
        # Points are joined in order of the sparsity reached, whatever the
        # order (or direction) of the parameter values.
        order = np.argsort(sparsity.mean(axis=1), kind="stable")
        x, x_std = sparsity.mean(axis=1)[order], sparsity.std(axis=1)[order]

        curves = {}
        if score_type in ("train", "both"):
            curves["train"] = sign * np.asarray(self.train_scores, dtype=float)[order]
        if score_type in ("test", "both"):
            curves["test"] = sign * np.asarray(self.test_scores, dtype=float)[order]

        self.lines_, self.fill_between_, self.errorbar_ = None, None, None
        for kind, scores in curves.items():
            if label is None:
                curve_label = kind.capitalize()
            else:
                curve_label = label if score_type != "both" else f"{label}, {kind}"
            self._draw_curve(ax, x, x_std, scores, curve_label, std_display_style,
                             line_kw, fill_between_kw, errorbar_kw)

        self.unpruned_line_ = None
        if self.unpruned_scores is not None and "test" in curves:
            kw = {"label": "Unpruned", "linestyle": "--", "color": "0.3"}
            self.unpruned_line_ = ax.axhline(
                sign * np.mean(self.unpruned_scores), **{**kw, **(unpruned_kw or {})}
            )

        self.best_line_ = None
        if self.best_sparsity is not None:
            self.best_line_ = ax.axvline(
                self.best_sparsity, linestyle=":", color="0.3",
                label="Chosen (%.3g)" % self.best_sparsity)

        ax.set_xlabel("Sparsity (fraction of weights pruned)")
        ax.set_ylabel(score_name or self.score_name or "Score")
        ax.legend()
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    def _check_plot_args(self, std_display_style, score_type):
        if std_display_style not in ("fill_between", "errorbar", None):
            raise ValueError(
                f"Unknown std_display_style: {std_display_style!r}. Should be one "
                "of 'fill_between', 'errorbar' or None."
            )
        _check_score_type(score_type)
        if score_type != "test" and self.train_scores is None:
            raise ValueError(
                f"score_type={score_type!r} needs train_scores; pass "
                "score_type='train' or 'both' to from_estimator to compute them."
            )

    def _draw_curve(self, ax, x, x_std, scores, label, style, line_kw, fill_between_kw,
                    errorbar_kw):
        """One curve of mean scores (rows: parameter values), with its spread drawn by ``style``."""
        mean, std = scores.mean(axis=1), scores.std(axis=1)
        if style == "errorbar":
            kw = {"label": label, "marker": "o", "capsize": 3}
            container = ax.errorbar(x, mean, yerr=std, xerr=x_std, **{**kw, **(errorbar_kw or {})})
            self.errorbar_ = (self.errorbar_ or []) + [container]
            return
        kw = {"label": label, "marker": "o"}
        (line,) = ax.plot(x, mean, **{**kw, **(line_kw or {})})
        self.lines_ = (self.lines_ or []) + [line]
        if style == "fill_between":
            kw = {"alpha": 0.3, "color": line.get_color()}
            band = ax.fill_between(x, mean - std, mean + std, **{**kw, **(fill_between_kw or {})})
            self.fill_between_ = (self.fill_between_ or []) + [band]

    @classmethod
    def from_cv_results(
        cls,
        cv_estimator,
        *,
        ax=None,
        negate_score=False,
        score_name=None,
        std_display_style="fill_between",
        label=None,
        line_kw=None,
        fill_between_kw=None,
        errorbar_kw=None,
    ):
        """Plot a fitted CV estimator's curve, with its chosen level marked.

        Nothing is fitted: the curve is the held-out score of every level on
        every fold (``scores_path_``) against the level, as
        :class:`~skprune.PrunedMLPClassifierCV` and
        :class:`~skprune.PrunedMLPRegressorCV` computed it, and a dotted
        vertical line marks ``best_sparsity_``.

        Parameters
        ----------
        cv_estimator : PrunedMLPClassifierCV or PrunedMLPRegressorCV
            A fitted CV estimator, or a Pipeline ending with one.

        ax : matplotlib Axes, default=None
            Axes to plot on; a new figure is created if None.

        negate_score : bool, default=False
            Whether to negate the scores.

        score_name : str, default=None
            Label of the score axis; inferred from the estimator's
            ``scoring`` if None.

        std_display_style : {"fill_between", "errorbar"} or None, default="fill_between"
            How to show the standard deviation over the folds.

        label : str, default=None
            Legend label of the curve.

        line_kw, fill_between_kw, errorbar_kw : dict, default=None
            Keyword arguments for the matplotlib calls, as in :meth:`plot`.

        Returns
        -------
        display : PruningCurveDisplay
            The display, with the matplotlib objects.

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> from sklearn.datasets import load_digits
        >>> from skprune import PrunedMLPClassifierCV, PruningCurveDisplay
        >>> X, y = load_digits(return_X_y=True)
        >>> cv = PrunedMLPClassifierCV((16,), sparsities=[0.5, 0.9], cv=2, max_iter=40,
        ...                            random_state=0).fit(X[:400] / 16, y[:400])
        >>> display = PruningCurveDisplay.from_cv_results(cv)
        >>> display.best_line_.get_xdata()[0] == cv.best_sparsity_
        True
        >>> plt.close(display.figure_)
        """
        _check_matplotlib(f"{cls.__name__}.from_cv_results")
        found = cv_estimator.steps[-1][1] if hasattr(cv_estimator, "steps") else cv_estimator
        if not hasattr(found, "scores_path_"):
            raise ValueError(
                f"{type(found).__name__} has no fitted attribute 'scores_path_': "
                "from_cv_results needs a fitted PrunedMLPClassifierCV or "
                "PrunedMLPRegressorCV (or a Pipeline ending with one)."
            )
        levels = np.asarray(found.sparsities_, dtype=float)
        display = cls(
            param_name="sparsity",
            param_range=levels,
            sparsity=np.repeat(levels[:, np.newaxis], found.scores_path_.shape[1], axis=1),
            test_scores=found.scores_path_,
            score_name=_score_name(score_name, found.scoring, negate_score, found),
            best_sparsity=found.best_sparsity_,
        )
        return display.plot(
            ax=ax, negate_score=negate_score, std_display_style=std_display_style,
            label=label, line_kw=line_kw, fill_between_kw=fill_between_kw,
            errorbar_kw=errorbar_kw,
        )

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        *,
        param_name,
        param_range,
        groups=None,
        cv=None,
        scoring=None,
        unpruned=True,
        n_jobs=None,
        fit_params=None,
        ax=None,
        negate_score=False,
        score_name=None,
        score_type="test",
        std_display_style="fill_between",
        label=None,
        line_kw=None,
        fill_between_kw=None,
        errorbar_kw=None,
        unpruned_kw=None,
    ):
        """Fit the estimator for each value of a pruning parameter and plot the curve.

        Every value is evaluated on the same splits, and the x coordinate of
        each point is the ``sparsity_`` the fitted models actually reached,
        so thresholds (which do not fix the sparsity) and sparsity targets
        give comparable curves. A sweep over ``sparsity`` with a schedule of
        several steps fits one pruning path per split (the models of every
        level from one gradual run, see :func:`~skprune.pruning_path`) and
        scores it as :class:`~skprune.PrunedMLPClassifierCV` scores a fold
        (each level's model the run's network after its step's retraining),
        so both report the same scores on the same splits; any other
        parameter, a one-step schedule or a Pipeline with ``fit_params`` fits
        one model per value and split.

        Parameters
        ----------
        estimator : estimator object
            A pruned estimator, such as :class:`~skprune.PrunedMLPClassifier`,
            or a Pipeline ending with one. It is cloned for every fit.

        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Data, split by ``cv`` into training and test sets.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.

        param_name : str
            The parameter to vary, e.g. "sparsity" or "weight_threshold".
            Inside a Pipeline the short name is enough when exactly one
            step has such a parameter; the full name
            ("prunedmlpclassifier__sparsity") works too.

        param_range : array-like of shape (n_values,)
            The values of the parameter.

        groups : array-like of shape (n_samples,), default=None
            Group labels, for a group-aware ``cv``.

        cv : int, cross-validation generator or iterable, default=None
            As in :func:`~sklearn.model_selection.cross_validate`: None for
            5 folds, an int for that many (stratified for classifiers), a
            splitter, or an iterable of ``(train, test)`` index arrays. For a
            single held-out set, pass ``ShuffleSplit(n_splits=1,
            test_size=0.25, random_state=0)`` or ``[(train_idx, test_idx)]``.
            The splits are drawn once and shared by every value.

        scoring : str or callable, default=None
            Scorer, as in :func:`~sklearn.model_selection.cross_validate`;
            the estimator's ``score`` method if None.

        unpruned : bool, default=True
            Whether to also evaluate the estimator with pruning switched off
            (every ``*sparsity`` None, every ``*threshold`` 0, ``l1_alpha``
            0, ``rewind`` False, ``weight_bits`` None, the training budget
            unchanged: see
            ``skprune._report.pruning_off_params``) and draw its mean test
            score as a horizontal line. Every value of ``param_range`` is
            validated before any fit.

        n_jobs : int, default=None
            Number of jobs fitting the splits of one value in parallel.

        fit_params : dict, default=None
            Parameters passed to ``fit`` (e.g. ``sample_weight``).

        ax : matplotlib Axes, default=None
            Axes to plot on; a new figure is created if None.

        negate_score : bool, default=False
            Whether to negate the scores, e.g. to plot an error from a
            ``neg_*`` scorer.

        score_name : str, default=None
            Label of the score axis; inferred from ``scoring`` if None.

        score_type : {"test", "train", "both"}, default="test"
            Which scores to compute and plot.

        std_display_style : {"fill_between", "errorbar"} or None, default="fill_between"
            How to show the standard deviation over the splits.

        label : str, default=None
            Legend label of the curve, to tell several curves on one axes
            apart.

        line_kw : dict, default=None
            Keyword arguments for ``ax.plot``.

        fill_between_kw : dict, default=None
            Keyword arguments for ``ax.fill_between``.

        errorbar_kw : dict, default=None
            Keyword arguments for ``ax.errorbar``.

        unpruned_kw : dict, default=None
            Keyword arguments for ``ax.axhline``.

        Returns
        -------
        display : PruningCurveDisplay
            The display, with the scores, the sparsity reached and the
            matplotlib objects.
        """
        arguments = {name: value for name, value in locals().items()
                     if name in _FROM_ESTIMATOR_CONSTRAINTS}
        check_arguments(_FROM_ESTIMATOR_CONSTRAINTS, arguments,
                        "PruningCurveDisplay.from_estimator")
        _check_matplotlib(f"{cls.__name__}.from_estimator")
        _check_score_type(score_type)
        full_name, param_range, off = checked_sweep(
            estimator, param_name, param_range, unpruned
        )

        # Draw the splits once so that every value (and the unpruned
        # reference) is scored on the same test sets, even with a splitter
        # that shuffles without a fixed seed.
        cv = check_cv(cv, y, classifier=is_classifier(estimator))
        splits = list(cv.split(X, y, groups))
        return_train = score_type != "test"

        def evaluate(params):
            result = cross_validate(
                clone(estimator).set_params(**params),
                X,
                y,
                cv=splits,
                scoring=scoring,
                n_jobs=n_jobs,
                params=fit_params,
                return_train_score=return_train,
                return_estimator=True,
                error_score="raise",
            )
            sparsity = [fitted_sparsity(est) for est in result["estimator"]]
            return sparsity, result["test_score"], result.get("train_score")

        target = path_target(estimator, full_name, param_range, fit_params)
        if target is not None:
            sparsity, test_scores, train_scores = path_sweep(
                target, estimator, X, y, splits, param_range, scoring, n_jobs,
                return_train, fit_params)
        else:
            sparsity, test_scores, train_scores = [], [], []
            for value in param_range:
                s, test, train = evaluate({full_name: value})
                sparsity.append(s)
                test_scores.append(test)
                train_scores.append(train)
        unpruned_scores = evaluate(off)[1] if unpruned else None

        display = cls(
            param_name=full_name,
            param_range=param_range,
            sparsity=np.array(sparsity),
            test_scores=np.array(test_scores),
            train_scores=np.array(train_scores) if return_train else None,
            unpruned_scores=unpruned_scores,
            score_name=_score_name(score_name, scoring, negate_score, estimator),
        )
        return display.plot(
            ax=ax,
            negate_score=negate_score,
            score_type=score_type,
            std_display_style=std_display_style,
            label=label,
            line_kw=line_kw,
            fill_between_kw=fill_between_kw,
            errorbar_kw=errorbar_kw,
            unpruned_kw=unpruned_kw,
        )
