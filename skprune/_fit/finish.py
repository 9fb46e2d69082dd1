"""The one place a trained network becomes a fitted model.

Every way to get a model -- ``fit``, each level of a pruning path, the CV
estimators' refit, ``from_mlp`` and the view a callback gets in the middle
of a fit -- hands its network here: :func:`finish` checks that the fit
learned something, shares the weights (``weight_bits``) and returns every
fitted attribute, private ones included; the estimator only sets them
(``_adopt``). So a model reached any of these ways is the same kind of
model, and a new fitted attribute is added in one place.
"""

import numpy as np
import scipy.sparse as sp
from sklearn import get_config

from .._net.sharing import share_network, shared_attributes
from .._net.surgery import Network, to_csr
from .loop import check_learned


def finish(config, data, net, record, history, validation, *, weight_bits=None,
           n_iter_before=0, t_before=0, check=True):
    """Every fitted attribute of the model that trained network ``net`` is.

    Parameters
    ----------
    config : FitConfig
        The fit's configuration (for a path level, with the level's sparsity).
    data : DataSource or None
        The training rows: the learned-check and weight sharing read them;
        None (``from_mlp``, which has no rows yet) skips both.
    net : Network
        The trained, pruned network (dense weights and masks).
    record : Record
        The fit's record; weight sharing appends its fine-tune's losses.
    history : list of dict
        The pruning history.
    validation : DataSource or None
        The early-stopping part, if any.
    weight_bits : int or None
        Share each layer's weights at this many bits (after pruning).
    n_iter_before, t_before : int
        Iterations and ``t_`` of earlier fits (a warm start continues them).
    check : bool
        Whether to warn when the model ends no better than the prior.

    Returns
    -------
    fitted : dict
        Attribute name to value.
    """
    if check and data is not None and not record.diverged:
        check_learned(data, config, record, net, n_iter_before)
    shared = None
    if weight_bits is not None and data is not None:
        net, shared = share_network(config, data, net, record, weight_bits)
    fitted = fitted_attributes(config, record, net, history, validation)
    fitted.update(shared_attributes(shared))
    if shared is not None:
        # The decoded layers, in the configured type; current_sharing knows
        # them by identity, so _shared_coefs holds the very same arrays.
        fitted["coefs_"] = [sparse_interface(W) for W in fitted["coefs_"]]
        fitted["_shared_coefs"] = tuple(fitted["coefs_"])
    n_iter = record.n_iter - n_iter_before
    fitted["n_iter_"] = n_iter  # this fit's iterations, as in scikit-learn's MLP
    if data is not None:
        fitted["t_"] = t_before + n_iter * data.n_samples
    return fitted


def sparse_interface(W):
    """CSR weights ``W`` in scikit-learn's configured sparse type (``sparse_interface``).

    ``sklearn.set_config(sparse_interface="spmatrix")`` (scikit-learn 1.9's
    default) gives :class:`scipy.sparse.csr_matrix`, ``"sparray"``
    :class:`scipy.sparse.csr_array`; a scikit-learn without the setting gives
    ``csr_array``. The buffers are shared, not copied.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp, sklearn
    >>> from skprune._fit.finish import sparse_interface
    >>> W = sp.csr_array(np.eye(2))
    >>> with sklearn.config_context(sparse_interface="spmatrix"):
    ...     type(sparse_interface(W)).__name__
    'csr_matrix'
    >>> with sklearn.config_context(sparse_interface="sparray"):
    ...     type(sparse_interface(W)).__name__
    'csr_array'
    """
    kind = get_config().get("sparse_interface", "sparray")
    if kind == "spmatrix":
        return W if sp.isspmatrix_csr(W) else sp.csr_matrix(W)
    if kind == "sparray":
        return sp.csr_array(W) if sp.isspmatrix(W) else W
    raise ValueError("scikit-learn's sparse_interface is %r; it should be 'sparray' or "
                     "'spmatrix'." % (kind,))


def fitted_attributes(config, record, net, history, validation):
    """The fitted attributes that follow from the network and the record alone.

    Also the view of a fit in progress that callbacks get (see
    :func:`midfit_view`).
    """
    coefs, intercepts, _ = net
    coefs_csr = [sparse_interface(to_csr(W)) for W in coefs]
    kept = np.array([W.nnz for W in coefs_csr])
    n_original = np.array(config.n_original)
    # An input feature with no surviving outgoing weight is never read.
    feature_mask = np.diff(coefs_csr[0].indptr) > 0
    validated = validation is not None
    return {
        "coefs_": coefs_csr,
        "intercepts_": intercepts,
        "n_iter_": record.n_iter,
        "n_layers_": len(coefs) + 1,
        "n_outputs_": config.layer_units[-1],
        "hidden_layer_sizes_": tuple(int(W.shape[1]) for W in coefs[:-1]),
        "layer_units_original_": tuple(int(u) for u in config.layer_units),
        "n_weights_original_": int(n_original.sum()),
        "weight_threshold_": config.weight_threshold,
        "neuron_threshold_": config.neuron_threshold,
        "n_prune_steps_": config.n_prune_steps,
        "retrain_iter_": config.retrain_iter,
        "finetune_iter_": config.finetune_iter,
        "retrain_solver_": config.retrain_solver,
        "sparsity_": float(1 - kept.sum() / n_original.sum()),
        "layer_sparsity_": 1 - kept / n_original,
        "feature_mask_": feature_mask,
        "n_features_used_": int(feature_mask.sum()),
        "pruning_history_": history,
        "loss_": _final_loss(record),
        "loss_curve_": record.loss_curve,
        "best_loss_": None if validated else min(record.loss_curve, default=np.nan),
        "validation_scores_": record.validation_scores if validated else None,
        # None too when training diverged before any finite score.
        "best_validation_score_": (
            record.best_validation_score
            if validated and np.isfinite(record.best_validation_score)
            else None
        ),
    }


def _final_loss(record):
    """The loss the fit ended with: its last iteration's, or its last round's without one.

    A fit reached by reconstruction alone (``from_mlp`` with no fine-tune)
    runs no iteration; the loss of its last pruning round is then known.
    """
    if record.n_iter == record.start and record.end_loss is not None:
        return record.end_loss
    return record.loss_curve[-1] if record.loss_curve else np.nan


def midfit_view(config, record, validation, target_attrs):
    """``attributes(coefs, intercepts)`` for the loop: a callable giving a callback's view.

    The view is the model as if the fit stopped at these weights: the
    attributes :func:`fitted_attributes` gives (no learned-check, no
    sharing), computed only when a callback asks for them.
    """

    def attributes(coefs, intercepts):
        def view():
            net = Network(list(coefs), list(intercepts), None)
            return {**fitted_attributes(config, record, net, [], validation),
                    **shared_attributes(None), **target_attrs}

        return view

    return attributes
