"""How much to prune at each pruning step."""


def cubic_sparsity(step, n_steps, final_sparsity, initial_sparsity=0.0):
    """Zhu & Gupta (2017) gradual schedule, evaluated after pruning step ``step``.

    ``s_k = s_f + (s_i - s_f) * (1 - k / n) ** 3`` for ``k = 1, ..., n``: prune
    fast while redundancy is abundant and slowly near the target, which is
    reached exactly at the last step.

    Parameters
    ----------
    step : int
        Pruning step, counted from 1.
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
