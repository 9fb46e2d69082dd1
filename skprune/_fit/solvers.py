"""Full-batch solvers: gradient descent, Adam and L-BFGS behind one small interface.

A solver runs one training phase. It knows nothing about networks, pruning,
estimators or stopping rules: it is given

- ``objective(params) -> (value, grads)``: the loss and its gradient at a
  list of arrays (pruned entries already masked out of the gradient); an
  overflow gives an infinite value and ``grads=None``;
- ``params``: the starting arrays, never modified in place;
- ``masks``: per array, a boolean array of the entries that are variables,
  or None when every entry is (L-BFGS optimises only these; the first-order
  solvers see zero gradients elsewhere and never move those entries);
- ``n_iter``: the most iterations to run;
- ``on_iteration(value, evaluated, new) -> signal``: called after every
  iteration with the loss ``value`` at the arrays ``evaluated`` and the
  arrays ``new`` after the step. It answers :data:`CONTINUE`, :data:`STOP`
  or :data:`STALLED` (the loss stopped improving; the solver decides: the
  'adaptive' step-size schedule lowers its step and goes on, the others
  stop).

and returns the last arrays. The caller keeps whatever best weights it wants
from ``on_iteration``. Every step uses the exact whole-data gradient.
"""

import warnings
from collections.abc import Set

import numpy as np
from scipy.optimize import minimize
from sklearn.exceptions import ConvergenceWarning

from .optimizers import Adam, GradientDescent, PlateauRule, soft_threshold

#: Signals returned by ``on_iteration``.
CONTINUE, STOP, STALLED = "continue", "stop", "stalled"


class FirstOrderSolver:
    """The loop every first-order solver shares: step, proximal L1, report, plateau.

    A subclass gives its step rule (:meth:`_optimizer`, an object of
    :mod:`skprune._fit.optimizers` with ``step``, ``learning_rate`` and ``iteration_ends``)
    and its :class:`skprune._fit.optimizers.PlateauRule`; the loop is written once.
    """

    #: Stopped by the caller's rule on the loss (no convergence test of its own).
    stops_by_gradient = False

    def __init__(self, l1=0.0, n_l1=0, t0=0):
        self.l1 = l1
        self.n_l1 = n_l1
        self.t0 = t0

    def _optimizer(self, params):
        raise NotImplementedError

    def _plateau(self):
        raise NotImplementedError

    def run(self, objective, params, masks, n_iter, on_iteration):
        opt, plateau = self._optimizer(params), self._plateau()
        if self.t0:
            opt.iteration_ends(self.t0 - 1)
        for t in range(n_iter):
            value, grads = objective(params)
            if grads is None:
                on_iteration(value, params, params)
                return params
            with np.errstate(over="ignore", invalid="ignore"):  # checked by the caller
                new = opt.step(params, grads)
            if self.l1 > 0:
                shrink = opt.learning_rate * self.l1
                new[: self.n_l1] = [soft_threshold(p, shrink) for p in new[: self.n_l1]]
            opt.iteration_ends(self.t0 + t)
            signal = on_iteration(value, params, new)
            params = new
            if signal == STOP or (signal == STALLED and plateau.on_stall(opt)):
                break
        return params


class GDSolver(FirstOrderSolver):
    """Full-batch gradient descent ``w <- w - lr * grad`` with (Nesterov) momentum.

    Parameters
    ----------
    learning_rate_init : float
        Step size.
    learning_rate : {'constant', 'invscaling', 'adaptive'}
        Step-size schedule (see :class:`skprune._fit.optimizers.GradientDescent`); 'adaptive'
        divides the step by 5 at every stall down to 1e-6, the others stop
        at the first stall.
    momentum : float
        Momentum coefficient.
    nesterov : bool
        Whether to use Nesterov's momentum.
    power_t : float
        Exponent of 'invscaling'.
    l1 : float, default=0.0
        L1 strength (already divided by the sum of sample weights); applied
        to the first ``n_l1`` arrays by a proximal (soft-thresholding) step
        after every gradient step.
    n_l1 : int, default=0
        Number of leading arrays (the weights) the L1 penalty applies to.
    t0 : int, default=0
        Iterations already run by earlier fits ('invscaling' continues from
        there on a warm start).

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._fit.solvers import GDSolver, CONTINUE
    >>> solver = GDSolver(0.5, "constant", 0.0, False, 0.5)
    >>> quadratic = lambda p: (float(p[0] @ p[0]) / 2, [p[0].copy()])
    >>> solver.run(quadratic, [np.ones(2)], [None], 3, lambda *a: CONTINUE)
    [array([0.125, 0.125])]
    """

    name = "gd"
    summary = ("gradient descent with (Nesterov) ``momentum`` and the "
               "``learning_rate`` schedule")
    #: The step size 'auto' means.
    auto_learning_rate = 0.1

    def __init__(
        self, learning_rate_init, learning_rate, momentum, nesterov, power_t,
        l1=0.0, n_l1=0, t0=0,
    ):
        super().__init__(l1, n_l1, t0)
        self.learning_rate_init = learning_rate_init
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.nesterov = nesterov
        self.power_t = power_t

    @staticmethod
    def settings(learning_rate_init, params):
        """The constructor's arguments from the estimator's parameters."""
        return dict(learning_rate_init=learning_rate_init,
                    learning_rate=params["learning_rate"], momentum=params["momentum"],
                    nesterov=params["nesterovs_momentum"], power_t=params["power_t"])

    @staticmethod
    def bytes_per_weight(itemsize):
        """Training memory per weight: value, gradient, velocity, next iterate, mask."""
        return 4 * itemsize + 1

    def _optimizer(self, params):
        return GradientDescent(
            params, self.learning_rate_init, self.learning_rate, self.momentum,
            self.nesterov, self.power_t,
        )

    def _plateau(self):
        if self.learning_rate == "adaptive":
            return PlateauRule(5.0, max_decays=np.inf, min_learning_rate=1e-6)
        return PlateauRule(max_decays=0)


class AdamSolver(FirstOrderSolver):
    """Full-batch Adam (Kingma & Ba, 2015), with scikit-learn's parameter names.

    Parameters
    ----------
    learning_rate_init : float
        Step size.
    beta_1, beta_2 : float
        Decay rates of the first and second moment estimates.
    epsilon : float
        Numerical-stability constant.
    l1, n_l1 : float, int
        As in :class:`GDSolver`: a proximal L1 step after every Adam step
        (with the current step size).
    plateau_factor : float, default=5.0
        When the watched value stalls (``on_iteration`` answers
        :data:`STALLED`), the step size is divided by this factor and
        training goes on ...
    plateau_decays : int, default=3
        ... at most this many times; the next stall stops the phase. Full-batch
        Adam at a fixed step oscillates around a minimum and stalls early,
        most of all on badly scaled features; a smaller step then still
        lowers the loss (a reduce-on-plateau schedule).
    t0 : int, default=0
        Unused: every phase restarts Adam's moment estimates.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._fit.solvers import AdamSolver, CONTINUE
    >>> solver = AdamSolver(0.1, 0.9, 0.999, 1e-8)
    >>> quadratic = lambda p: (float(p[0] @ p[0]) / 2, [p[0].copy()])
    >>> out = solver.run(quadratic, [np.ones(2)], [None], 100, lambda *a: CONTINUE)
    >>> bool(abs(out[0]).max() < 0.1)
    True
    """

    name = "adam"
    summary = ("Adam (Kingma & Ba) with ``beta_1``, ``beta_2``, ``epsilon``, whose "
               "step is divided by 5 when the loss stalls (at most 3 times)")
    auto_learning_rate = 0.01

    def __init__(
        self, learning_rate_init, beta_1, beta_2, epsilon, l1=0.0, n_l1=0,
        plateau_factor=5.0, plateau_decays=3, t0=0,
    ):
        # Adam's bias correction restarts with every phase: t0 is not used.
        super().__init__(l1, n_l1, 0)
        self.learning_rate_init = learning_rate_init
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.plateau_factor = plateau_factor
        self.plateau_decays = plateau_decays

    @staticmethod
    def settings(learning_rate_init, params):
        """The constructor's arguments from the estimator's parameters."""
        return dict(learning_rate_init=learning_rate_init, beta_1=params["beta_1"],
                    beta_2=params["beta_2"], epsilon=params["epsilon"])

    @staticmethod
    def bytes_per_weight(itemsize):
        """Training memory per weight: value, gradient, two moments, next iterate, mask."""
        return 5 * itemsize + 1

    def _optimizer(self, params):
        return Adam(params, self.learning_rate_init, self.beta_1, self.beta_2,
                    self.epsilon)

    def _plateau(self):
        return PlateauRule(self.plateau_factor, max_decays=self.plateau_decays)


class LBFGSSolver:
    """L-BFGS over the variables only, by :func:`scipy.optimize.minimize` ('L-BFGS-B').

    Entries outside ``masks`` (pruned weights) are not variables: the
    optimiser's vector holds the alive entries alone, and every phase starts
    a fresh curvature memory, since pruning changes the space. An L1 penalty
    is handled exactly by the usual split ``w = u - v`` with ``u, v >= 0``
    (bound constraints, which L-BFGS-B supports), so weights can reach
    exact zeros; the next pruning step removes them.

    Parameters
    ----------
    max_fun : int
        Most loss evaluations per phase (as scikit-learn's ``max_fun``).
    tol : float
        Projected-gradient tolerance (scipy's ``gtol``), as scikit-learn's
        L-BFGS uses ``tol``.
    l1, n_l1 : float, int
        As in :class:`GDSolver`.

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._fit.solvers import LBFGSSolver, CONTINUE
    >>> quadratic = lambda p: (float(p[0] @ p[0]) / 2, [p[0].copy()])
    >>> LBFGSSolver(100, 1e-8).run(
    ...     quadratic, [np.ones(2)], [None], 10, lambda *a: CONTINUE)
    [array([0., 0.])]
    """

    name = "lbfgs"
    summary = ("L-BFGS (scipy's L-BFGS-B) over the alive weights only, restarted "
               "after every pruning step, with at most ``max_fun`` loss "
               "evaluations per phase")
    #: Chooses its steps by line search: no step size.
    auto_learning_rate = None
    #: Stops by its own projected-gradient test (``tol``), as scikit-learn's.
    stops_by_gradient = True

    def __init__(self, max_fun, tol, l1=0.0, n_l1=0, t0=0):
        self.max_fun = max_fun
        self.tol = tol
        self.l1 = l1
        self.n_l1 = n_l1

    @staticmethod
    def settings(learning_rate_init, params):
        """The constructor's arguments from the estimator's parameters."""
        return dict(max_fun=params["max_fun"], tol=params["tol"])

    @staticmethod
    def bytes_per_weight(itemsize):
        """Training memory per weight: value, gradient and their unpacked copy, the
        float64 vector, its gradient and L-BFGS-B's work space of 2 * 10
        correction pairs plus 5 more vectors (scipy's ``wa``), and the mask."""
        return 3 * itemsize + 8 * (2 + 2 * 10 + 5) + 1

    def run(self, objective, params, masks, n_iter, on_iteration):
        vec = _AliveVector(params, masks, self.n_l1 if self.l1 > 0 else 0)

        def fun(x):
            value, grads = objective(vec.unpack(x))
            if grads is None or not np.isfinite(value):
                # The line search backs off from a non-finite point.
                return np.inf, np.zeros_like(x)
            return vec.split_l1(x, value, vec.pack(grads), self.l1)

        called = []

        def callback(intermediate_result):
            called.append(1)
            new = vec.unpack(intermediate_result.x)
            if on_iteration(float(intermediate_result.fun), new, new) != CONTINUE:
                raise StopIteration

        x0, bounds = vec.start(params)
        result = minimize(
            fun, x0, jac=True, method="L-BFGS-B", bounds=bounds, callback=callback,
            options={"maxiter": n_iter, "maxfun": self.max_fun, "gtol": self.tol},
        )
        if result.nfev >= self.max_fun and result.nit < n_iter:
            warnings.warn(
                "L-BFGS: maximum number of loss evaluations max_fun=%d reached; "
                "increase max_fun." % self.max_fun,
                ConvergenceWarning,
            )
        final = vec.unpack(result.x)
        if not called:
            # The line search found no step at all (e.g. a non-finite loss
            # nearby): report the point once, so the caller sees its loss.
            on_iteration(float(result.fun), final, final)
        return final


class _AliveVector:
    """The alive entries of a list of arrays as one float64 vector, and back.

    With ``n_l1`` > 0 the entries of the first ``n_l1`` arrays (the weights)
    are written ``w = u - v`` with ``u, v >= 0``, so the vector holds ``u``,
    ``v`` and then the other entries.
    """

    def __init__(self, params, masks, n_l1):
        self.template = [np.array(p, dtype=np.float64) for p in params]
        self.dtypes = [p.dtype for p in params]
        self.masks = masks
        sizes = [p.size if m is None else int(m.sum()) for p, m in zip(params, masks)]
        self.bounds_at = np.cumsum([0] + sizes)
        self.n_l1 = int(self.bounds_at[n_l1]) if n_l1 else 0

    def pack(self, arrays):
        return np.concatenate([
            (a if m is None else a[m]).ravel().astype(np.float64)
            for a, m in zip(arrays, self.masks)
        ])

    def unpack(self, x):
        n = self.n_l1
        if n:
            x = np.concatenate([x[:n] - x[n : 2 * n], x[2 * n :]])
        out = []
        for k, (p, m) in enumerate(zip(self.template, self.masks)):
            part = x[self.bounds_at[k] : self.bounds_at[k + 1]]
            if m is None:
                p = part.reshape(p.shape)
            else:
                p = p.copy()
                p[m] = part
            out.append(p.astype(self.dtypes[k], copy=False))
        return out

    def start(self, params):
        """The starting vector and L-BFGS-B's bounds (None without L1)."""
        x0, n = self.pack(params), self.n_l1
        if not n:
            return x0, None
        w = x0[:n]
        x0 = np.concatenate([np.maximum(w, 0), np.maximum(-w, 0), x0[n:]])
        return x0, [(0, None)] * (2 * n) + [(None, None)] * (x0.size - 2 * n)

    def split_l1(self, x, value, g, l1):
        """Loss and gradient over the split variables.

        The objective counts ``l1 * |u - v|``; the split's penalty is
        ``l1 * (u + v)``, the same at every optimum.
        """
        n = self.n_l1
        if not n:
            return value, g
        u, v = x[:n], x[n : 2 * n]
        value += l1 * float((u + v).sum() - np.abs(u - v).sum())
        return value, np.concatenate([g[:n] + l1, l1 - g[:n], g[n:]])


def _registry(*classes):
    return {cls.name: cls for cls in classes}


#: Every solver by name: the estimators' ``solver`` and ``retrain_solver``
#: options, the 'auto' step sizes and recipes, the memory estimate and the
#: parameter docs all read this table. A new solver is one class with the
#: attributes above (``name``, ``summary``, ``auto_learning_rate``,
#: ``stops_by_gradient``, ``settings``, ``bytes_per_weight``, ``run``) and
#: one more entry here.
SOLVERS = _registry(AdamSolver, LBFGSSolver, GDSolver)


class SolverNames(Set):
    """The names in :data:`SOLVERS`, read when asked (plus ``extra`` names).

    The estimators' parameter constraints hold this set, so a solver
    registered after import is accepted like the built-in ones.

    Examples
    --------
    >>> from skprune._fit.solvers import SolverNames
    >>> sorted(SolverNames({"auto"}))
    ['adam', 'auto', 'gd', 'lbfgs']
    """

    def __init__(self, extra=()):
        self.extra = frozenset(extra)

    @classmethod
    def _from_iterable(cls, iterable):
        return frozenset(iterable)  # set algebra gives plain sets

    def __contains__(self, name):
        return name in self.extra or name in SOLVERS

    def __iter__(self):
        return iter(sorted(self.extra | set(SOLVERS)))

    def __len__(self):
        return len(self.extra | set(SOLVERS))


def make_solver(name, learning_rate_init, params, l1, n_l1, t0):
    """A fresh solver ``name`` for one phase, configured from the estimator's parameters."""
    cls = SOLVERS[name]
    return cls(**cls.settings(learning_rate_init, params), l1=l1, n_l1=n_l1, t0=t0)
