"""How much to prune at each pruning step.

A schedule is a plain function ``schedule(step, n_steps, final_sparsity)``
returning the sparsity to reach after pruning step ``step`` (counted from 1).
Every schedule is non-decreasing in ``step`` and reaches ``final_sparsity``
exactly at ``step == n_steps``, so masks that only shrink can follow it.
"""


def one_shot_sparsity(step, n_steps, final_sparsity, initial_sparsity=0.0):
    """Prune to the target at the first step; later steps only retrain.

    Examples
    --------
    >>> from skprune._schedules import one_shot_sparsity
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
    >>> from skprune._schedules import geometric_sparsity
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
    >>> from skprune._schedules import cubic_sparsity
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
