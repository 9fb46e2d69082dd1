"""Full-batch gradient-descent step rules.

A tiny optimizer object in the manner of scikit-learn's
``_stochastic_optimizers.SGDOptimizer``, but it never mutates the parameter
arrays it is given: :meth:`GradientDescent.step` returns new arrays, so the
caller still holds the previous (finite) weights if a step diverges.
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
        ``t``; ``"adaptive"`` divides it by 5 whenever the loss stops improving
        (see :meth:`trigger_stopping`).
    momentum : float
        Momentum coefficient in ``[0, 1]``.
    nesterov : bool
        Whether to use Nesterov's momentum.
    power_t : float
        Exponent of ``"invscaling"``.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._optim import GradientDescent
    >>> opt = GradientDescent([np.zeros(2)], 0.5, momentum=0.0)
    >>> opt.step([np.ones(2)], [np.ones(2)])
    [array([0.5, 0.5])]
    """

    #: ``"adaptive"`` stops once the step falls below this.
    min_learning_rate = 1e-6

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

    def trigger_stopping(self, msg, verbose):
        """React to a stalled loss: return True if training should stop.

        ``"adaptive"`` divides the step size by 5 and carries on until it
        falls below :attr:`min_learning_rate`; the other schedules stop.
        """
        if self.lr_schedule != "adaptive":
            if verbose:
                print(msg + " Stopping.")
            return True
        if self.learning_rate <= self.min_learning_rate:
            if verbose:
                print(msg + " Learning rate too small. Stopping.")
            return True
        self.learning_rate /= 5.0
        if verbose:
            print(msg + " Setting learning rate to %f" % self.learning_rate)
        return False


def soft_threshold(W, shrink):
    """Proximal operator of ``shrink * ||W||_1``: move every entry ``shrink`` towards 0.

    Entries within ``shrink`` of zero become exactly zero, which is how an
    L1 penalty yields sparse weights under gradient descent.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._optim import soft_threshold
    >>> soft_threshold(np.array([0.5, -0.05, -2.0]), 0.1)
    array([ 0.4,  0. , -1.9])
    """
    # Adding 0.0 turns the -0.0 of negative entries set to zero into +0.0.
    return np.sign(W) * np.maximum(np.abs(W) - shrink, 0) + 0.0
