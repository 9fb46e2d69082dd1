"""PruningCurveDisplay: computed values, drawing, errors; matplotlib on the Agg backend."""

import subprocess
import sys

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import ShuffleSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skprune import (
    PrunedMLPClassifier,
    PrunedMLPClassifierCV,
    PruningCurveDisplay,
)
from skprune._fit.path import RETRAIN_LENGTH
from skprune._path import path_models

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 (after the Agg backend is chosen)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:400] / 16, y[:400]


def small_mlp(**params):
    return PrunedMLPClassifier(
        hidden_layer_sizes=(16,),
        solver="gd",
        learning_rate_init=0.1,
        max_iter=40,
        n_prune_steps=2,
        retrain_iter=10,
        random_state=0,
        **params,
    )


def test_from_estimator_values(digits):
    X, y = digits
    display = PruningCurveDisplay.from_estimator(
        small_mlp(), X, y, param_name="sparsity", param_range=[0.5, 0.9], cv=2
    )
    assert display.param_name == "sparsity"
    assert display.sparsity.shape == display.test_scores.shape == (2, 2)
    # A sparsity target is met in every split; weight_threshold may prune more.
    # (up to the rounding of the number of weights to prune).
    assert np.all(display.sparsity >= np.array([[0.5], [0.9]]) - 0.005)
    assert np.all(display.sparsity[1] > display.sparsity[0])
    assert display.train_scores is None
    assert display.unpruned_scores.shape == (2,)

    assert np.all((display.test_scores > 0.5) & (display.test_scores <= 1))

    ax = display.ax_
    line = display.lines_[0]
    np.testing.assert_allclose(line.get_xdata(), display.sparsity.mean(axis=1))
    np.testing.assert_allclose(line.get_ydata(), display.test_scores.mean(axis=1))
    np.testing.assert_allclose(
        display.unpruned_line_.get_ydata(), display.unpruned_scores.mean()
    )
    assert ax.get_ylabel() == "Accuracy"
    assert ax.get_xlabel() == "Sparsity (fraction of weights pruned)"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Test", "Unpruned"]
    assert display.figure_ is ax.figure


def test_unpruned_reference_is_unpruned(digits):
    X, y = digits
    display = PruningCurveDisplay.from_estimator(
        small_mlp(),
        X,
        y,
        param_name="weight_threshold",
        param_range=[0.2],
        cv=ShuffleSplit(n_splits=1, test_size=0.25, random_state=0),
    )
    # One held-out set: one column, and the same fit as done by hand.
    assert display.test_scores.shape == (1, 1)
    train, test = next(
        ShuffleSplit(n_splits=1, test_size=0.25, random_state=0).split(X)
    )
    dense = small_mlp(weight_threshold=0.0, neuron_threshold=0.0).fit(
        X[train], y[train]
    )
    assert dense.sparsity_ == 0
    assert display.unpruned_scores[0] == pytest.approx(dense.score(X[test], y[test]))
    pruned = small_mlp(weight_threshold=0.2).fit(X[train], y[train])
    assert display.sparsity[0, 0] == pytest.approx(pruned.sparsity_)
    assert display.test_scores[0, 0] == pytest.approx(pruned.score(X[test], y[test]))


def test_pipeline_short_param_name_and_train_scores(digits):
    X, y = digits
    pipe = make_pipeline(StandardScaler(), small_mlp())
    display = PruningCurveDisplay.from_estimator(
        pipe,
        X,
        y,
        param_name="sparsity",
        param_range=[0.8, 0.3],
        cv=[(np.arange(0, 300), np.arange(300, 400))],
        score_type="both",
        unpruned=False,
        label="layer",
    )
    assert display.param_name == "prunedmlpclassifier__sparsity"
    assert display.unpruned_scores is None and display.unpruned_line_ is None
    assert display.train_scores.shape == (2, 1)
    texts = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert texts == ["layer, train", "layer, test"]
    # Points are joined in order of sparsity, not of param_range.
    xdata = display.lines_[0].get_xdata()
    assert list(xdata) == sorted(xdata)
    assert xdata[0] >= 0.3 - 0.005 and xdata[1] >= 0.8 - 0.005


def test_same_splits_for_every_value(digits):
    X, y = digits
    seen = []

    def recording_scorer(estimator, X_test, y_test):
        seen.append(frozenset(map(bytes, X_test)))
        return estimator.score(X_test, y_test)

    PruningCurveDisplay.from_estimator(
        small_mlp(),
        X,
        y,
        param_name="sparsity",
        param_range=[0.5, 0.7],
        cv=ShuffleSplit(n_splits=2, test_size=0.2),  # no seed: splits drawn once
        scoring=recording_scorer,
    )
    # 2 values + the unpruned reference, 2 splits each: only 2 distinct test sets.
    assert len(seen) == 6
    assert len(set(seen)) == 2


def test_plot_from_arrays():
    display = PruningCurveDisplay(
        param_name="sparsity",
        param_range=np.array([0.9, 0.5]),
        sparsity=np.array([[0.9, 0.92], [0.5, 0.5]]),
        test_scores=np.array([[0.8, 0.9], [0.95, 0.97]]),
        train_scores=np.array([[0.85, 0.95], [1.0, 1.0]]),
        unpruned_scores=np.array([0.96, 0.98]),
        score_name="Accuracy",
    )
    display.plot(std_display_style="errorbar", score_type="both")
    assert display.lines_ is None and display.fill_between_ is None
    assert len(display.errorbar_) == 2
    test_line = display.errorbar_[1].lines[0]
    np.testing.assert_allclose(test_line.get_xdata(), [0.5, 0.91])
    np.testing.assert_allclose(test_line.get_ydata(), [0.96, 0.85])

    _, ax = plt.subplots()
    display.plot(ax=ax, negate_score=True, score_name="Error", std_display_style=None)
    assert display.ax_ is ax and display.fill_between_ is None
    np.testing.assert_allclose(display.lines_[0].get_ydata(), [-0.96, -0.85])
    np.testing.assert_allclose(display.unpruned_line_.get_ydata(), -0.97)
    assert ax.get_ylabel() == "Error"

    display.plot(line_kw={"label": "mine", "color": "red"})
    assert display.lines_[0].get_label() == "mine"
    band = display.fill_between_[0].get_paths()[0].vertices
    # The band spans mean +- std: 0.85 +- 0.05 at the sparser point.
    assert band[:, 1].min() == pytest.approx(0.80)
    assert band[:, 1].max() == pytest.approx(0.97)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"std_display_style": "bars"}, "Unknown std_display_style"),
        ({"score_type": "all"}, "Unknown score_type"),
        ({"score_type": "train"}, "needs train_scores"),
    ],
)
def test_plot_errors(kwargs, match):
    display = PruningCurveDisplay(
        param_name="sparsity",
        param_range=np.array([0.5]),
        sparsity=np.array([[0.5]]),
        test_scores=np.array([[0.9]]),
    )
    with pytest.raises(ValueError, match=match):
        display.plot(**kwargs)


def test_from_estimator_errors(digits):
    X, y = digits
    with pytest.raises(ValueError, match="has no parameter 'sparsty'"):
        PruningCurveDisplay.from_estimator(
            small_mlp(), X, y, param_name="sparsty", param_range=[0.5]
        )
    with pytest.raises(ValueError, match="non-empty 1d"):
        PruningCurveDisplay.from_estimator(
            small_mlp(), X, y, param_name="sparsity", param_range=[]
        )
    two = make_pipeline(small_mlp(), small_mlp())
    with pytest.raises(ValueError, match="ambiguous"):
        PruningCurveDisplay.from_estimator(
            two, X, y, param_name="sparsity", param_range=[0.5]
        )
    logreg = LogisticRegression(max_iter=50)
    with pytest.raises(ValueError, match="Pass unpruned=False"):
        PruningCurveDisplay.from_estimator(
            logreg, X, y, param_name="C", param_range=[1.0], cv=2
        )
    with pytest.raises(ValueError, match="no fitted attribute 'sparsity_'"):
        PruningCurveDisplay.from_estimator(
            logreg, X, y, param_name="C", param_range=[1.0], cv=2, unpruned=False
        )


@pytest.mark.parametrize(
    "scoring, negate, expected",
    [
        (None, False, "Accuracy"),
        ("balanced_accuracy", False, "Balanced accuracy"),
        ("neg_log_loss", False, "Negative log loss"),
        ("neg_log_loss", True, "Log loss"),
    ],
)
def test_score_name_inferred(digits, scoring, negate, expected):
    X, y = digits
    display = PruningCurveDisplay.from_estimator(
        small_mlp(),
        X,
        y,
        param_name="sparsity",
        param_range=[0.5],
        cv=[(np.arange(300), np.arange(300, 400))],
        scoring=scoring,
        negate_score=negate,
        unpruned=False,
    )
    assert display.score_name == expected
    assert display.ax_.get_ylabel() == expected
    if negate:
        assert display.lines_[0].get_ydata()[0] == -display.test_scores[0, 0] > 0


def test_clear_error_without_matplotlib(monkeypatch, digits):
    X, y = digits
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"pip install matplotlib.*\.\[plot\]"):
        PruningCurveDisplay.from_estimator(
            small_mlp(), X, y, param_name="sparsity", param_range=[0.5]
        )


def test_package_imports_without_matplotlib():
    code = (
        "import sys; sys.modules['matplotlib'] = None; import skprune; "
        "print(skprune.PruningCurveDisplay.__name__)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "PruningCurveDisplay"


def test_regressor_curve():
    from sklearn.datasets import make_regression

    from skprune import PrunedMLPRegressor

    X, y = make_regression(n_samples=200, n_features=8, noise=1.0, random_state=0)
    reg = PrunedMLPRegressor(
        hidden_layer_sizes=(16,),
        learning_rate_init=0.01,
        max_iter=50,
        retrain_iter=10,
        random_state=0,
    )
    display = PruningCurveDisplay.from_estimator(
        reg, X, y / y.std(), param_name="sparsity", param_range=[0.5, 0.9], cv=2
    )
    assert display.score_name == "R2"
    assert np.all(display.sparsity >= np.array([[0.5], [0.9]]) - 0.005)
    assert np.isfinite(display.test_scores).all()


def test_unpruned_reference_switches_off_neuron_pruning(digits, monkeypatch):
    import skprune._plot as plot

    X, y = digits
    fitted = []
    real = plot.cross_validate

    def recording(*args, **kwargs):
        result = real(*args, **kwargs)
        fitted.extend(result["estimator"])
        return result

    monkeypatch.setattr(plot, "cross_validate", recording)
    PruningCurveDisplay.from_estimator(
        small_mlp(neuron_sparsity=0.5, l1_alpha=0.5), X, y, param_name="sparsity",
        param_range=[0.5], cv=2,
    )
    reference = fitted[-2:]
    assert all(est.sparsity_ == 0 for est in reference)
    assert all(est.hidden_layer_sizes_ == est.layer_units_original_[1:-1]
               for est in reference)


def test_every_param_range_value_is_validated_before_any_fit(digits, monkeypatch):
    import skprune._plot as plot

    def no_fit(*args, **kwargs):
        raise AssertionError("fitted before validating param_range")

    monkeypatch.setattr(plot, "cross_validate", no_fit)
    X, y = digits
    with pytest.raises(ValueError, match=r"param_range\[2\]=1\.5 is not a valid value: .*'sparsity'"):
        PruningCurveDisplay.from_estimator(
            small_mlp(), X, y, param_name="sparsity", param_range=[0.2, 0.5, 1.5], cv=2
        )
    pipe = make_pipeline(StandardScaler(), small_mlp())
    with pytest.raises(ValueError, match=r"param_range\[1\]=-1"):
        PruningCurveDisplay.from_estimator(
            pipe, X, y, param_name="weight_threshold", param_range=[0.1, -1], cv=2
        )


def test_a_sparsity_sweep_is_one_pruning_path_per_split(digits, monkeypatch):
    from skprune import _model_selection
    from skprune._fit.path import RETRAIN_LENGTH

    X, y = digits
    runs = []
    real = _model_selection.path_models

    def counting(*args, **kwargs):
        runs.append(args[3])
        return real(*args, **kwargs)

    monkeypatch.setattr(_model_selection, "path_models", counting)
    cv = [(np.arange(0, 300), np.arange(300, 400)), (np.arange(100, 400), np.arange(0, 100))]
    display = PruningCurveDisplay.from_estimator(
        small_mlp(), X, y, param_name="sparsity", param_range=[0.9, 0.5, 0.9], cv=cv,
        unpruned=False, score_type="both",
    )
    assert len(runs) == 2  # one path per split, every level in it
    assert all(list(levels) == [0.5, 0.9] for levels in runs)
    for k, (train, test) in enumerate(cv):
        models = real(small_mlp(), X[train], y[train], [0.5, 0.9], None, RETRAIN_LENGTH)
        expected = [m.score(X[test], y[test]) for m in models]
        # Rows follow param_range, repeats included.
        np.testing.assert_allclose(display.test_scores[:, k], [expected[1], expected[0],
                                                               expected[1]])
        np.testing.assert_allclose(display.sparsity[:, k], [models[1].sparsity_,
                                                            models[0].sparsity_,
                                                            models[1].sparsity_])
        assert display.train_scores[0, k] == pytest.approx(models[1].score(X[train], y[train]))


def test_a_pipeline_sweep_uses_the_path_on_the_transformed_data(digits):
    X, y = digits
    cv = [(np.arange(0, 300), np.arange(300, 400))]
    display = PruningCurveDisplay.from_estimator(
        make_pipeline(StandardScaler(), small_mlp()), X, y, param_name="sparsity",
        param_range=[0.5, 0.8], cv=cv, unpruned=False,
    )
    scaler = StandardScaler().fit(X[:300])
    # Scored as the CV estimators score a fold: a retraining step's fine-tune.
    models = path_models(small_mlp(), scaler.transform(X[:300]), y[:300], [0.5, 0.8],
                         None, RETRAIN_LENGTH)
    np.testing.assert_allclose(
        display.test_scores[:, 0],
        [m.score(scaler.transform(X[300:]), y[300:]) for m in models])


def test_one_step_schedules_fit_one_model_per_value(digits):
    X, y = digits
    cv = [(np.arange(0, 300), np.arange(300, 400))]
    display = PruningCurveDisplay.from_estimator(
        small_mlp(schedule="one-shot"), X, y, param_name="sparsity", param_range=[0.6],
        cv=cv, unpruned=False,
    )
    fit = small_mlp(schedule="one-shot", sparsity=0.6).fit(X[:300], y[:300])
    assert display.test_scores[0, 0] == pytest.approx(fit.score(X[300:], y[300:]))


def test_from_cv_results_marks_the_chosen_level(digits):
    X, y = digits
    cv = PrunedMLPClassifierCV((16,), sparsities=[0.5, 0.8, 0.95], cv=2, max_iter=40,
                               random_state=0).fit(X, y)
    display = PruningCurveDisplay.from_cv_results(cv)
    np.testing.assert_allclose(display.lines_[0].get_xdata(), [0.5, 0.8, 0.95])
    np.testing.assert_allclose(display.lines_[0].get_ydata(), cv.scores_path_.mean(axis=1))
    assert display.best_line_.get_xdata()[0] == cv.best_sparsity_
    assert display.ax_.get_ylabel() == "Accuracy"
    labels = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert labels == ["Test", "Chosen (%.3g)" % cv.best_sparsity_]
    pipe = make_pipeline(StandardScaler(), clone(cv).set_params(scoring="neg_log_loss"))
    display = PruningCurveDisplay.from_cv_results(pipe.fit(X, y), negate_score=True)
    assert display.ax_.get_ylabel() == "Log loss"
    with pytest.raises(ValueError, match="scores_path_"):
        PruningCurveDisplay.from_cv_results(small_mlp().fit(X, y))
