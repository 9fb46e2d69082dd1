"""PrunedMLPClassifierCV against GridSearchCV(PrunedMLPClassifier(), {"sparsity": levels}).

Both run on the same splits, with the same scorer, metadata and
``error_score``; with a one-step schedule whose fine-tune is one retraining
step long, a fold's model at each level is the very model GridSearchCV fits
there, so the two must agree on everything: whether ``fit`` succeeds (or the
kind of error it raises), every held-out score (NaN where a fit or a scoring
failed), the ranks, the best score, the warnings about failed fits and
dropped weights, and the metadata the splitter and the scorer received.

Failures are injected into both alike: a fit on a training part without the
row whose first feature is 50 raises (one fold per splitter), and so does
scoring the second level on a test part holding the row whose second feature
is -50.

The default run (CI) takes a pairwise-covering set of the combinations; the
full product, 840 cases and about three CPU minutes, runs with the suite's
long profile (``SKPRUNE_HYPOTHESIS_PROFILE=skprune-long python -m pytest``),
as the property tests' larger budgets do.
"""

import itertools
import os
import warnings

import numpy as np
import pytest
from sklearn import config_context
from sklearn.exceptions import FitFailedWarning
from sklearn.metrics import accuracy_score, make_scorer
from sklearn.model_selection import GridSearchCV, GroupKFold, KFold, StratifiedKFold

from skprune import PrunedMLPClassifier, PrunedMLPClassifierCV

LEVELS = [0.3, 0.7]
# One-shot, and a fine-tune as long as one retraining step: each level of a
# fold is an independent fit, identical to GridSearchCV's.
PARAMS = dict(hidden_layer_sizes=(3,), max_iter=8, schedule="one-shot", n_prune_steps=1,
              retrain_iter=3,
              finetune_iter=3, random_state=0)
N = 36
FIT_SENTINEL, SCORE_SENTINEL = 50.0, -50.0

AXES = {
    "cv": ("int", "KFold", "StratifiedKFold", "GroupKFold", "splits"),
    "scoring": ("None", "None+request", "string", "callable", "callable_sw",
                "make_scorer", "make_scorer+request"),
    "routing": (False, True),
    "sample_weight": (False, True),
    "error_score": (np.nan, "raise"),
    "failure": ("none", "fit", "score"),
}


class InjectedFitError(RuntimeError):
    pass


class InjectedScoreError(RuntimeError):
    pass


def _data():
    rng = np.random.default_rng(0)
    y = rng.permutation(np.repeat([0, 1, 2], N // 3))
    X = rng.normal(size=(N, 3)) + y[:, np.newaxis]
    X[0, 0] = FIT_SENTINEL
    X[1, 1] = SCORE_SENTINEL
    return X, y, np.arange(N) % 6, rng.uniform(0.5, 2.0, N)


X, Y, GROUPS, WEIGHTS = _data()

# What every scorer and splitter received, in call order (cleared per run).
RECEIVED = []


def _weights(sample_weight):
    return None if sample_weight is None else tuple(np.round(sample_weight, 12))


class _Recording:
    def split(self, X, y=None, groups=None):
        RECEIVED.append(("split", None if groups is None else tuple(groups)))
        return super().split(X, y, groups)


class RecordingKFold(_Recording, KFold):
    pass


class RecordingStratifiedKFold(_Recording, StratifiedKFold):
    pass


class RecordingGroupKFold(_Recording, GroupKFold):
    pass


def _splitter(name):
    return {
        "int": 3,
        "KFold": RecordingKFold(3),
        "StratifiedKFold": RecordingStratifiedKFold(3),
        "GroupKFold": RecordingGroupKFold(3),
        "splits": list(KFold(3, shuffle=True, random_state=1).split(X)),
    }[name]


def _recorded_accuracy(y_true, y_pred, sample_weight=None):
    RECEIVED.append(("score", len(y_true), _weights(sample_weight)))
    return accuracy_score(y_true, y_pred, sample_weight=sample_weight)


def _plain_scorer(estimator, X_part, y_part):
    RECEIVED.append(("score", len(y_part), None))
    return accuracy_score(y_part, estimator.predict(X_part))


def _weighted_scorer(estimator, X_part, y_part, sample_weight=None):
    RECEIVED.append(("score", len(y_part), _weights(sample_weight)))
    return accuracy_score(y_part, estimator.predict(X_part), sample_weight=sample_weight)


def _scoring(name):
    """The ``scoring`` value, and whether the estimator's own score request is set."""
    if name in ("None", "None+request"):
        return None, name == "None+request"
    if name == "string":
        return "accuracy", False
    if name == "callable":
        return _plain_scorer, False
    if name == "callable_sw":
        return _weighted_scorer, False
    scorer = make_scorer(_recorded_accuracy)
    if name == "make_scorer+request":
        scorer = scorer.set_score_request(sample_weight=True)
    return scorer, False


@pytest.fixture
def injected(monkeypatch):
    """Both searches fail where the case says; the default scorer's metadata is recorded."""
    failure = {"kind": "none"}
    fit, forward, score = (PrunedMLPClassifier._fit, PrunedMLPClassifier._forward_fitted,
                           PrunedMLPClassifier.score)

    def failing_fit(self, X_fit, *args, **kwargs):
        if failure["kind"] == "fit" and len(X_fit) < N and FIT_SENTINEL not in X_fit[:, 0]:
            raise InjectedFitError("fit failed")
        return fit(self, X_fit, *args, **kwargs)

    def failing_forward(self, X_in):
        if (failure["kind"] == "score" and getattr(self, "sparsity", None) == LEVELS[1]
                and SCORE_SENTINEL in np.asarray(X_in)[:, 1]):
            raise InjectedScoreError("scoring failed")
        return forward(self, X_in)

    def recorded_score(self, X_in, y, sample_weight=None):
        RECEIVED.append(("score", len(y), _weights(sample_weight)))
        return score(self, X_in, y, sample_weight=sample_weight)

    monkeypatch.setattr(PrunedMLPClassifier, "_fit", failing_fit)
    monkeypatch.setattr(PrunedMLPClassifier, "_forward_fitted", failing_forward)
    monkeypatch.setattr(PrunedMLPClassifier, "score", recorded_score)
    return failure


def _searches(case):
    """``(GridSearchCV, PrunedMLPClassifierCV)`` for one case, requests set as it says."""
    with config_context(enable_metadata_routing=True):
        # Requests are set with routing on; without it they are ignored.
        scoring, own_request = _scoring(case["scoring"])
        common = dict(cv=_splitter(case["cv"]), scoring=scoring,
                      error_score=case["error_score"])
        mlp = PrunedMLPClassifier(**PARAMS).set_fit_request(sample_weight=True)
        ours = PrunedMLPClassifierCV(sparsities=LEVELS, **PARAMS, **common)
        if own_request:
            mlp.set_score_request(sample_weight=True)
            ours.set_score_request(sample_weight=True)
    # A fresh splitter for each: each records what it gets.
    grid = GridSearchCV(mlp, {"sparsity": LEVELS}, **{**common, "cv": _splitter(case["cv"])})
    return grid, ours


def _run(search, case):
    """What ``fit`` did: the outcome, the scores, the warnings and the metadata received."""
    RECEIVED.clear()
    params = {}
    if case["sample_weight"]:
        params["sample_weight"] = WEIGHTS
    if case["cv"] == "GroupKFold":
        params["groups"] = GROUPS
    with warnings.catch_warnings(record=True) as caught, \
            config_context(enable_metadata_routing=case["routing"]):
        warnings.simplefilter("always")
        try:
            search.fit(X, Y, **params)
        except Exception as exc:  # noqa: BLE001 -- the kind is what is compared
            return {"error": type(exc)}
    results = search.cv_results_
    messages = [str(w.message) for w in caught]
    return {
        "error": None,
        "scores": np.column_stack([results["split%d_test_score" % k] for k in range(3)]),
        "mean": results["mean_test_score"],
        "rank": results["rank_test_score"].tolist(),
        "best_score": search.best_score_,
        "fit_failed": any(issubclass(w.category, FitFailedWarning) for w in caught),
        "score_failed": any("Scoring failed" in m for m in messages),
        "weights_dropped": any("does not support sample_weight" in m for m in messages),
        "received": sorted(RECEIVED, key=repr),
    }


def check_case(case, injected):
    injected["kind"] = case["failure"]
    grid, ours = _searches(case)
    theirs, mine = _run(grid, case), _run(ours, case)
    assert mine["error"] == theirs["error"], (mine["error"], theirs["error"])
    if mine["error"] is not None:
        return mine["error"]
    np.testing.assert_array_equal(mine["scores"], theirs["scores"])
    np.testing.assert_array_equal(mine["mean"], theirs["mean"])
    assert mine["rank"] == theirs["rank"]
    if np.isfinite(theirs["best_score"]):
        assert mine["best_score"] == theirs["best_score"]
    else:
        # A failed fold makes every mean NaN, and GridSearchCV's best score
        # too; the choice here is made on the folds that were fitted (see
        # best_score_).
        assert np.isnan(theirs["mean"]).all() and np.isfinite(mine["best_score"])
    for key in ("fit_failed", "score_failed", "weights_dropped", "received"):
        assert mine[key] == theirs[key], key
    return None


def pairwise(axes):
    """A small set of cases holding every pair of values of any two axes (greedy)."""
    names = list(axes)
    full = [dict(zip(names, values)) for values in itertools.product(*axes.values())]

    def pairs(case):
        return {((a, repr(case[a])), (b, repr(case[b])))
                for a, b in itertools.combinations(names, 2)}

    uncovered = set().union(*(pairs(case) for case in full))
    chosen = []
    while uncovered:
        best = max(full, key=lambda case: len(pairs(case) & uncovered))
        chosen.append(best)
        uncovered -= pairs(best)
    return chosen


def _id(case):
    return "-".join(str(v) for v in case.values())


PAIRWISE = pairwise(AXES)
FULL = [dict(zip(AXES, values)) for values in itertools.product(*AXES.values())]


def test_the_pairwise_set_covers_every_pair():
    for a, b in itertools.combinations(AXES, 2):
        seen = {(repr(case[a]), repr(case[b])) for case in PAIRWISE}
        assert len(seen) == len(AXES[a]) * len(AXES[b]), (a, b)
    assert len(PAIRWISE) < len(FULL) / 10


@pytest.mark.parametrize("case", PAIRWISE, ids=_id)
def test_same_as_grid_search(case, injected):
    check_case(case, injected)


#: The long profile (a release, a change to the CV code) checks every combination.
LONG = os.environ.get("SKPRUNE_HYPOTHESIS_PROFILE") == "skprune-long"

if LONG:

    @pytest.mark.slow
    @pytest.mark.parametrize("case", [c for c in FULL if c not in PAIRWISE], ids=_id)
    def test_same_as_grid_search_full_product(case, injected):
        check_case(case, injected)


def test_the_cases_reach_every_outcome(injected):
    """The comparison is not vacuous: successes, each injected failure and routing errors."""
    base = dict(cv="KFold", scoring="make_scorer", routing=False, sample_weight=True,
                error_score=np.nan, failure="none")
    assert check_case(base, injected) is None
    assert check_case({**base, "failure": "fit", "error_score": "raise"},
                      injected) is InjectedFitError
    assert check_case({**base, "failure": "score", "error_score": "raise"},
                      injected) is InjectedScoreError
    routed = {**base, "routing": True}
    assert issubclass(check_case(routed, injected), ValueError)  # an unset request
    assert check_case({**routed, "scoring": "make_scorer+request"}, injected) is None
