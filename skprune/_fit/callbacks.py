"""Reporting a fit to scikit-learn's callbacks (``sklearn.callback``, new in 1.9).

A fit is reported as a task tree: the root task ``fit`` has one subtask per
phase -- ``train`` (the initial training, up to ``max_iter`` iterations),
then one ``prune-retrain`` per pruning step (the prune, then up to
``retrain_iter`` iterations) -- and every solver iteration is a
leaf task of its phase. :class:`sklearn.callback.ProgressBar` therefore
shows one bar for the fit and one per phase, and
:class:`sklearn.callback.ScoringMonitor` scores the network after every
iteration.

With scikit-learn < 1.9, which has no ``sklearn.callback``, the estimators
have no ``set_callbacks`` and every object here does nothing. Without any
callback set, no per-iteration context is created, so the training loop
pays three no-op method calls per iteration.
"""

try:
    from sklearn.callback import CallbackSupportMixin
except ImportError:  # scikit-learn < 1.9

    class CallbackSupportMixin:
        """Stand-in for scikit-learn < 1.9: no callback support."""


class _NoTask:
    """A task that reports to nobody."""

    def begin(self):
        pass

    def end(self, attributes=None):
        return False

    def subtask(self, name, max_subtasks):
        return self


_NO_TASK = _NoTask()


class _Task:
    """One node of the fit's task tree, bound to a sklearn ``CallbackContext``.

    ``attributes`` (given to :meth:`end`) may be a callable returning the
    fitted attributes that make a copy of the estimator predict as if the
    fit had stopped there; callbacks that need it (``ScoringMonitor``) call
    it, the others never pay for it.
    """

    def __init__(self, context, hooks):
        self.context = context
        self.hooks = hooks

    def begin(self):
        self.context.call_on_fit_task_begin(**self.hooks)

    def end(self, attributes=None):
        """Report the end of the task; return True if a callback asks to stop."""
        return bool(
            self.context.call_on_fit_task_end(
                reconstruction_attributes=attributes, **self.hooks
            )
        )

    def subtask(self, name, max_subtasks):
        return _Task(
            self.context.subcontext(task_name=name, max_subtasks=max_subtasks),
            self.hooks,
        )


def fit_task(estimator, X, y, sample_weight, n_phases):
    """The root task of a fit, already begun.

    Parameters
    ----------
    estimator : BasePrunedMLP
        The estimator being fitted.
    X, y : array-like
        The validated training data and (unencoded) targets, given to the
        callbacks' hooks.
    sample_weight : array-like or None
        As passed to ``fit``; given to the hooks as metadata.
    n_phases : int
        Number of phases: the initial training plus one per pruning step.

    Returns
    -------
    task : object
        A task with ``begin``, ``end`` and ``subtask`` methods; a no-op one
        when scikit-learn has no callback support.
    """
    if not hasattr(estimator, "_init_callback_context"):
        return _NO_TASK
    # Always open the root context: it links this fit into the task tree of
    # a meta-estimator (Pipeline, GridSearchCV) even when no callback is set
    # here, as scikit-learn's own estimators do.
    context = estimator._init_callback_context(max_subtasks=n_phases)
    if not getattr(estimator, "_skl_callbacks", None):
        return _NO_TASK
    metadata = None if sample_weight is None else {"sample_weight": sample_weight}
    task = _Task(context, {"estimator": estimator, "X": X, "y": y, "metadata": metadata})
    task.begin()
    return task
