"""How much to prune at each pruning step.

A schedule is a plain function ``schedule(step, n_steps, final_sparsity)``
returning the sparsity to reach after pruning step ``step`` (counted from 1).
Every schedule is non-decreasing in ``step`` and reaches ``final_sparsity``
exactly at ``step == n_steps``, so masks that only shrink can follow it.
:func:`schedule_targets` evaluates a whole schedule, built-in or not, before
any training and checks those promises.
"""

import math
from numbers import Real


def one_shot_sparsity(step, n_steps, final_sparsity, initial_sparsity=0.0):
    """Prune to the target at the first step; later steps only retrain.

    Examples
    --------
    >>> from skprune._prune.schedules import one_shot_sparsity
    >>> [one_shot_sparsity(k, 3, 0.9) for k in (1, 2, 3)]
    [0.9, 0.9, 0.9]
    """
    return final_sparsity if step >= 1 else initial_sparsity


def geometric_sparsity(step, n_steps, final_sparsity, initial_sparsity=0.0):
    """Han et al. (2015) iterative pruning: the same fraction of the survivors per step.

    The fraction of weights kept after step ``k`` is
    ``(1 - s_i) * ((1 - s_f) / (1 - s_i)) ** (k / n)``, so every step removes
    ``1 - ((1 - s_f) / (1 - s_i)) ** (1 / n)`` of the weights still alive --
    the lottery-ticket papers' "prune p % per round" with ``p`` chosen so
    that the target is reached at the last round.

    Examples
    --------
    >>> from skprune._prune.schedules import geometric_sparsity
    >>> [round(geometric_sparsity(k, 2, 0.96), 3) for k in (1, 2)]
    [0.8, 0.96]
    """
    progress = min(step / n_steps, 1.0)
    kept_ratio = (1.0 - final_sparsity) / (1.0 - initial_sparsity)
    return 1.0 - (1.0 - initial_sparsity) * kept_ratio**progress


def cubic_sparsity(step, n_steps, final_sparsity, initial_sparsity=0.0):
    """Zhu & Gupta (2017) gradual schedule, evaluated after pruning step ``step``.

    ``s_k = s_f + (s_i - s_f) * (1 - k / n) ** 3`` for ``k = 1, ..., n``: prune
    fast while redundancy is abundant and slowly near the target, which is
    reached exactly at the last step.

    Parameters
    ----------
    step : int
        Pruning step, counted from 1 (``step=0`` gives ``initial_sparsity``).
    n_steps : int
        Number of pruning steps.
    final_sparsity : float
        Target reached at ``step == n_steps``.
    initial_sparsity : float, default=0.0
        Sparsity at step 0.

    Examples
    --------
    >>> from skprune._prune.schedules import cubic_sparsity
    >>> [round(cubic_sparsity(k, 2, 0.8), 3) for k in (1, 2)]
    [0.7, 0.8]
    """
    progress = min(step / n_steps, 1.0)
    return final_sparsity + (initial_sparsity - final_sparsity) * (1 - progress) ** 3


#: The ``schedule`` parameter's names.
SCHEDULES = {
    "one-shot": one_shot_sparsity,
    "iterative": geometric_sparsity,
    "gradual": cubic_sparsity,
}


def _schedule_name(schedule):
    return getattr(schedule, "__name__", None) or repr(schedule)


def schedule_targets(schedule, n_steps, final_sparsity):
    """The sparsity after every pruning step, computed and checked up front.

    Parameters
    ----------
    schedule : str or callable
        A name of :data:`SCHEDULES` or a callable
        ``schedule(step, n_steps, final_sparsity)``.
    n_steps : int
        Number of pruning steps.
    final_sparsity : float or None
        The target; None (no target) gives ``[None] * n_steps``.

    Returns
    -------
    targets : list of float
        ``targets[k - 1]`` is the sparsity after step ``k``.

    Raises
    ------
    ValueError
        If a value is not a finite float in ``[0, 1)``, the values decrease,
        or the last one is not ``final_sparsity``.

    Examples
    --------
    >>> from skprune._prune.schedules import schedule_targets
    >>> [round(t, 3) for t in schedule_targets("gradual", 2, 0.8)]
    [0.7, 0.8]
    >>> schedule_targets(lambda k, n, s: 2.0, 2, 0.5)
    Traceback (most recent call last):
    ...
    ValueError: schedule <lambda> returned 2.0 at step 1 of 2: ...
    """
    if final_sparsity is None:
        return [None] * n_steps
    function = SCHEDULES.get(schedule, schedule) if isinstance(schedule, str) else schedule
    name = _schedule_name(function)
    where = "schedule %s returned %%r at step %%d of %d" % (name, n_steps)
    targets = []
    for step in range(1, n_steps + 1):
        try:
            value = function(step, n_steps, final_sparsity)
        except Exception as exc:
            raise ValueError(
                "schedule %s raised %s at step %d of %d: %s"
                % (name, type(exc).__name__, step, n_steps, exc)
            ) from exc
        is_number = isinstance(value, Real) and not isinstance(value, bool)
        number = float(value) if is_number else math.nan
        if not (math.isfinite(number) and 0.0 <= number < 1.0):
            raise ValueError(
                (where + ": a sparsity must be a finite number in [0, 1).") % (value, step)
            )
        if targets and number < targets[-1]:
            raise ValueError(
                (where + ", below %r at the step before: masks only shrink, so a "
                 "schedule must be non-decreasing.") % (value, step, targets[-1])
            )
        targets.append(number)
    if not math.isclose(targets[-1], final_sparsity, rel_tol=1e-9, abs_tol=1e-12):
        raise ValueError(
            (where + ": the last step must reach the target %r.")
            % (targets[-1], n_steps, final_sparsity)
        )
    return targets
