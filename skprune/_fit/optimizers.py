"""Full-batch first-order step rules, side by side, and the plateau rule they share.

Tiny optimizer objects in the manner of scikit-learn's
``_stochastic_optimizers``, but they never mutate the parameter arrays they
are given: ``step`` returns new arrays, so the caller still holds the
previous (finite) weights if a step diverges. Each has a ``learning_rate``
(the current step size, which :class:`PlateauRule` may lower) and an
``iteration_ends(t)`` hook for step-size schedules.
"""

import numpy as np


class GradientDescent:
    """Gradient descent with (Nesterov) momentum and a step-size schedule.

    Parameters
    ----------
    params : list of ndarray
        The parameters to be optimised; only their shapes and dtypes are read.
    learning_rate_init : float
        Initial step size.
    learning_rate : {"constant", "invscaling", "adaptive"}
        ``"invscaling"`` divides the step by ``t ** power_t`` after iteration
        ``t``; ``"adaptive"`` is applied by the solver's :class:`PlateauRule`
        (the step divided by 5 whenever the loss stops improving).
    momentum : float
        Momentum coefficient in ``[0, 1]``.
    nesterov : bool
        Whether to use Nesterov's momentum.
    power_t : float
        Exponent of ``"invscaling"``.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._fit.optimizers import GradientDescent
    >>> opt = GradientDescent([np.zeros(2)], 0.5, momentum=0.0)
    >>> opt.step([np.ones(2)], [np.ones(2)])
    [array([0.5, 0.5])]
    """

    def __init__(
        self,
        params,
        learning_rate_init,
        learning_rate="constant",
        momentum=0.9,
        nesterov=True,
        power_t=0.5,
    ):
        self.learning_rate_init = learning_rate_init
        self.lr_schedule = learning_rate
        self.learning_rate = float(learning_rate_init)
        self.momentum = momentum
        self.nesterov = nesterov
        self.power_t = power_t
        self.velocities = [np.zeros_like(p) for p in params]

    def step(self, params, grads):
        """Return the parameters after one step; ``params`` is left untouched."""
        lr, mu = self.learning_rate, self.momentum
        new_params = []
        for i, (p, g) in enumerate(zip(params, grads)):
            v = mu * self.velocities[i] - lr * g
            self.velocities[i] = v
            if self.nesterov:
                new_params.append(p + (mu * v - lr * g))
            else:
                new_params.append(p + v)
        return new_params

    def iteration_ends(self, time_step):
        """Update the step size after iteration ``time_step`` (counted from 0)."""
        if self.lr_schedule == "invscaling":
            self.learning_rate = float(self.learning_rate_init) / (
                (time_step + 1) ** self.power_t
            )


class Adam:
    """Adam's step rule (Kingma & Ba, 2015), with scikit-learn's parameter names.

    The moment estimates start at zero and their bias correction counts from
    the first step of this object: every training phase starts afresh.

    Parameters
    ----------
    params : list of ndarray
        The parameters to be optimised; only their shapes and dtypes are read.
    learning_rate_init : float
        Initial step size.
    beta_1, beta_2 : float
        Decay rates of the first and second moment estimates.
    epsilon : float
        Numerical-stability constant.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._fit.optimizers import Adam
    >>> opt = Adam([np.zeros(2)], 0.1, 0.9, 0.999, 1e-12)
    >>> opt.step([np.ones(2)], [np.ones(2)])  # the first step moves by about lr
    [array([0.9, 0.9])]
    """

    def __init__(self, params, learning_rate_init, beta_1, beta_2, epsilon):
        self.learning_rate = float(learning_rate_init)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self.first_moments = [np.zeros_like(p) for p in params]
        self.second_moments = [np.zeros_like(p) for p in params]
        self.t = 0

    def step(self, params, grads):
        """Return the parameters after one step; ``params`` is left untouched."""
        b1, b2 = self.beta_1, self.beta_2
        self.t += 1
        t = self.t
        # A Python float: a numpy float64 would promote float32 weights.
        lr = float(self.learning_rate * np.sqrt(1 - b2**t) / (1 - b1**t))
        ms, vs = self.first_moments, self.second_moments
        new_params = []
        for i, (p, g) in enumerate(zip(params, grads)):
            ms[i] = b1 * ms[i] + (1 - b1) * g
            vs[i] = b2 * vs[i] + (1 - b2) * g * g
            new_params.append(p - lr * ms[i] / (np.sqrt(vs[i]) + self.epsilon))
        return new_params

    def iteration_ends(self, time_step):
        """Adam has no step-size schedule of its own."""


class PlateauRule:
    """What a first-order solver does when the watched value stops improving.

    Divide the step size by ``factor`` and go on, at most ``max_decays``
    times and while the step is above ``min_learning_rate``; after that, the
    next stall stops the phase. ``max_decays=0`` stops at the first stall.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._fit.optimizers import GradientDescent, PlateauRule
    >>> opt = GradientDescent([np.zeros(1)], 1.0)
    >>> rule = PlateauRule(factor=5.0, max_decays=2)
    >>> [rule.on_stall(opt) for _ in range(3)], opt.learning_rate
    ([False, False, True], 0.04)
    """

    def __init__(self, factor=5.0, max_decays=0, min_learning_rate=0.0):
        self.factor = factor
        self.max_decays = max_decays
        self.min_learning_rate = min_learning_rate
        self.decays = 0

    def on_stall(self, optimizer):
        """Lower ``optimizer.learning_rate``; return True if the phase should stop."""
        if self.decays >= self.max_decays or (
            optimizer.learning_rate <= self.min_learning_rate
        ):
            return True
        self.decays += 1
        optimizer.learning_rate /= self.factor
        return False


def soft_threshold(W, shrink):
    """Proximal operator of ``shrink * ||W||_1``: move every entry ``shrink`` towards 0.

    Entries within ``shrink`` of zero become exactly zero, which is how an
    L1 penalty yields sparse weights under gradient descent.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._fit.optimizers import soft_threshold
    >>> soft_threshold(np.array([0.5, -0.05, -2.0]), 0.1)
    array([ 0.4,  0. , -1.9])
    """
    # Adding 0.0 turns the -0.0 of negative entries set to zero into +0.0.
    return np.sign(W) * np.maximum(np.abs(W) - shrink, 0) + 0.0
