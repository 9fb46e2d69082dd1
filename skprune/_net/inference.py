"""The inference plan: fitted weights in the form each product is fastest in.

``coefs_`` holds every layer as a CSR array: the smallest exact form and the
one users read. Multiplying a batch by a CSR array through scipy costs a few
microseconds of dispatch per call and, for dense-ish layers, several times
the work of dense BLAS. The inference plan is a private representation
derived from ``coefs_`` and ``intercepts_`` once, at the end of ``fit`` and
after unpickling (or loading a skops file): per layer, the transposed CSR
array (one pass over the stored entries per row, called without scipy's
dispatch), a dense copy, or both, chosen by the measured cost model of
:mod:`skprune._net.products` for the layer's density and the batch size.

The plan is never pickled, ``predict`` never writes to the estimator, and
``coefs_`` stays the source of truth: the plan remembers the very list and
arrays it was built from (and the fitted arrays are made read-only), so a
model whose ``coefs_`` or ``intercepts_`` were replaced after ``fit`` is
predicted from the new weights, by the generic network pass.

The same mixin stores the skprune version with a saved model, warns when a
model is loaded under another version, and packs each CSR pattern compactly
(a bit mask or 16-bit column indices) in the pickle and the skops file. A
model fitted with ``weight_bits`` is saved as its shared layers instead
(codebooks, bit-packed codes, compact patterns; see :mod:`skprune._net.sharing`) and
its ``coefs_`` decoded from them on load, value for value.
"""

import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted, validate_data

from .network import ACTIVATIONS, activate_output, chunk_rows, predict_output
from .products import plan_prefers_sparse_coefficients
from .storage import (
    current_sharing,
    decode_layer,
    pack_csr,
    pack_shared,
    skprune_version,
    unpack_csr,
    unpack_shared,
)

try:  # scipy's compiled kernels, called without the per-call dispatch of ``@``
    from scipy.sparse._sparsetools import csr_matvec, csr_matvecs
except ImportError:  # pragma: no cover - another scipy layout: use ``@``
    csr_matvec = csr_matvecs = None


class InconsistentVersionWarning(UserWarning):
    """A model is loaded under another skprune version than it was saved with.

    Like scikit-learn's :class:`~sklearn.exceptions.InconsistentVersionWarning`:
    the model may predict differently or fail.

    Parameters
    ----------
    estimator_name : str
        Class name of the loaded estimator.
    current_skprune_version : str
        The skprune version that is loading the model.
    original_skprune_version : str
        The skprune version that saved it (``"pre-0.1.0"`` for models saved
        before the version was stored).
    """

    def __init__(
        self, *, estimator_name, current_skprune_version, original_skprune_version
    ):
        self.estimator_name = estimator_name
        self.current_skprune_version = current_skprune_version
        self.original_skprune_version = original_skprune_version

    def __str__(self):
        return (
            "Trying to unpickle estimator %s from skprune version %s when using "
            "version %s. This might lead to breaking code or invalid results. "
            "Use at your own risk. Refit the model with this version, or load it "
            "with the version that saved it."
            % (
                self.estimator_name,
                self.original_skprune_version,
                self.current_skprune_version,
            )
        )


class _Layer:
    """One layer of the plan: its weights as transposed CSR and/or dense."""

    __slots__ = ("sparse", "dense", "slope", "offset", "shape")

    def __init__(self, W):
        fan_in, fan_out = W.shape
        self.shape = (fan_out, fan_in)
        nnz = W.nnz if sp.issparse(W) else int(np.count_nonzero(W))
        slope, offset = plan_prefers_sparse_coefficients(W.shape, nnz, W.dtype)
        # Sparse is faster for m rows at a time when m * slope + offset < 0.
        self.slope, self.offset = slope, offset
        wants_sparse = slope + offset < 0 or slope < 0
        wants_dense = slope + offset >= 0 or slope >= 0
        self.sparse = self.dense = None
        if wants_sparse:
            WT = sp.csr_array(W).T.tocsr()
            WT.sort_indices()
            self.sparse = WT
        if wants_dense:
            dense = W.toarray() if sp.issparse(W) else np.asarray(W)
            # As scikit-learn's MLP holds it: the same BLAS calls.
            self.dense = np.ascontiguousarray(dense)

    def use_sparse(self, m):
        if self.dense is None:
            return True
        if self.sparse is None:
            return False
        return m * self.slope + self.offset < 0


class InferencePlan:
    """Per-layer product forms for one fitted network (private, derived).

    Parameters
    ----------
    coefs : list of {CSR array, ndarray}
    intercepts : list of ndarray

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from skprune._net.inference import InferencePlan
    >>> coefs = [sp.csr_array(np.full((3, 2), 0.5)), sp.csr_array(np.ones((2, 1)))]
    >>> intercepts = [np.zeros(2), np.zeros(1)]
    >>> plan = InferencePlan(coefs, intercepts)
    >>> plan.matches(coefs, intercepts)
    True
    >>> plan.forward(np.ones((2, 3)), "relu", "identity")
    array([[3.],
           [3.]])
    """

    def __init__(self, coefs, intercepts):
        self._coefs, self._intercepts = coefs, intercepts
        self._arrays = tuple(coefs) + tuple(intercepts)
        self.dtype = np.result_type(*intercepts)
        self.layers = [_Layer(W) for W in coefs]
        self.biases = [np.asarray(b, dtype=self.dtype) for b in intercepts]
        self.widths = [layer.shape[0] for layer in self.layers]

    def matches(self, coefs, intercepts):
        """Whether this plan was built from exactly these lists and arrays."""
        if coefs is not self._coefs or intercepts is not self._intercepts:
            return False
        current = tuple(coefs) + tuple(intercepts)
        return len(current) == len(self._arrays) and all(
            a is b for a, b in zip(current, self._arrays)
        )

    def forward(self, X, activation, out_activation):
        """The network's output for a dense C-ordered ``X`` of the plan's dtype."""
        n = X.shape[0]
        hidden = ACTIVATIONS[activation]
        if n == 1:
            return self._activate(
                self._forward_row(X[0], hidden)[np.newaxis, :], X, activation, out_activation
            )
        chunk = chunk_rows(n, self.widths, self.dtype.itemsize)
        if not any(layer.use_sparse(n) for layer in self.layers):
            # Dense BLAS only: one product per layer over the whole batch, as
            # scikit-learn's MLP does (BLAS blocks for the cache itself).
            chunk = n
        output = np.empty((n, self.widths[-1]), dtype=self.dtype)
        for start in range(0, n, chunk):
            stop = min(start + chunk, n)
            output[start:stop] = self._forward_block(X[start:stop], hidden)
        return self._activate(output, X, activation, out_activation)

    def _activate(self, Z, X, activation, out_activation):
        """The output activation; rows that overflowed are recomputed from ``X``."""
        return activate_output(
            Z, X, self._coefs, self._intercepts, activation, out_activation
        )

    def _forward_row(self, a, hidden):
        last = len(self.layers) - 1
        for i, (layer, b) in enumerate(zip(self.layers, self.biases)):
            if layer.use_sparse(1):
                WT = layer.sparse
                if csr_matvec is None:  # pragma: no cover
                    z = WT @ a + b
                else:
                    z = b.copy()
                    csr_matvec(*WT.shape, WT.indptr, WT.indices, WT.data, a, z)
            else:
                z = a @ layer.dense
                z += b
            if i < last:
                hidden(z)
            a = z
        return a

    def _forward_block(self, A, hidden):
        """Rows ``A`` through the network, each layer in its chosen form.

        Dense layers multiply rows (``A @ W``); sparse ones run scipy's
        multi-vector kernel over the contiguous rows of ``A.T`` and return the
        transposed result (a Fortran-ordered view), so no layout is copied
        twice.
        """
        m = A.shape[0]
        last = len(self.layers) - 1
        for i, (layer, b) in enumerate(zip(self.layers, self.biases)):
            if layer.use_sparse(m):
                WT = layer.sparse
                AT = np.ascontiguousarray(A.T)
                if csr_matvecs is None:  # pragma: no cover
                    ZT = WT @ AT + b[:, np.newaxis]
                else:
                    ZT = np.empty((WT.shape[0], m), dtype=self.dtype)
                    ZT[...] = b[:, np.newaxis]
                    csr_matvecs(
                        *WT.shape,
                        m,
                        WT.indptr,
                        WT.indices,
                        WT.data,
                        AT.ravel(),
                        ZT.ravel(),
                    )
                Z = ZT.T
            else:
                Z = A @ layer.dense
                Z += b
            if i < last:
                hidden(Z)
            A = Z
        return A


def _all_finite(X):
    """Whether every value of a float array is finite, without warnings.

    A sum that overflows to inf says False: the caller then takes the full
    path, whose element-wise check decides.
    """
    if X.size <= 8192:
        return bool(np.isfinite(X).all())
    with np.errstate(over="ignore", invalid="ignore"):
        return bool(np.isfinite(X.sum()))


def _freeze_in_place(arrays):
    """Make the fitted arrays themselves (a sparse array's buffers) raise on any write."""
    for a in arrays:
        for part in (a.data, a.indices, a.indptr) if sp.issparse(a) else (a,):
            if isinstance(part, np.ndarray):
                part.flags.writeable = False


class InferenceMixin:
    """Prediction through the inference plan, and persistence of the plan's source.

    Fitted attributes needed to predict are listed in ``_predict_attributes``.
    """

    _predict_attributes = (
        "coefs_",
        "intercepts_",
        "n_outputs_",
        "out_activation_",
        "n_features_in_",
        "activation",
    )

    def _build_inference_plan(self):
        """(Re)build the plan from ``coefs_`` and ``intercepts_`` (fit and load only)."""
        self.__dict__.pop("_plan", None)
        if all(hasattr(self, name) for name in self._predict_attributes):
            _freeze_in_place(list(self.coefs_) + list(self.intercepts_))
            self._plan = InferencePlan(self.coefs_, self.intercepts_)

    def _forward_fitted(self, X):
        """Validate ``X`` for prediction and return the network's output."""
        out = self._forward_fast(X)
        if out is not None:
            return out
        check_is_fitted(self)
        X = validate_data(
            self,
            X,
            accept_sparse=["csr", "csc"],
            dtype=(np.float64, np.float32),
            reset=False,
        )
        plan = self.__dict__.get("_plan")
        if (
            plan is not None
            and not sp.issparse(X)
            and X.dtype == plan.dtype
            and plan.matches(self.coefs_, self.intercepts_)
        ):
            return plan.forward(X, self.activation, self.out_activation_)
        # coefs_ set by hand, sparse input or a dtype the plan is not in: the
        # generic pass reads coefs_ itself (nothing is cached).
        self._check_predict_attributes()
        if sp.issparse(X):
            # scipy multiplies two sparse matrices only when their dtypes agree.
            X = X.astype(self.coefs_[0].dtype, copy=False)
        Z = predict_output(X, self.coefs_, self.intercepts_, self.activation, "identity")
        return activate_output(
            Z, X, self.coefs_, self.intercepts_, self.activation, self.out_activation_
        )

    def _forward_fast(self, X):
        """The output for input that full validation would pass unchanged, else None.

        The common case of a service scoring a few rows: a contiguous numpy
        array of the plan's dtype with the fitted number of columns, a model
        fitted without feature names, and finite values. For it,
        ``validate_data`` would return ``X`` itself, so skipping it gives the
        same result; anything else (lists, sparse input, DataFrames, another
        dtype or width, non-finite values) returns None and takes the full
        path, with its errors and warnings.
        """
        state = self.__dict__
        plan = state.get("_plan")
        if (
            plan is None
            or type(X) is not np.ndarray
            or X.ndim != 2
            or X.dtype != plan.dtype
            or X.shape[0] == 0
            or X.shape[1] != state.get("n_features_in_")
            or not (X.flags.c_contiguous or X.flags.f_contiguous)
            or "feature_names_in_" in state
            or not plan.matches(state.get("coefs_"), state.get("intercepts_"))
            or not _all_finite(X)
        ):
            return None
        return plan.forward(X, self.activation, self.out_activation_)

    def _check_predict_attributes(self):
        missing = [n for n in self._predict_attributes if n not in self.__dict__]
        if missing:
            saved = self.__dict__.get("_skprune_version_saved", "an unknown version")
            raise NotFittedError(
                "This %s was saved by skprune %s and lacks %s, which skprune %s "
                "needs to predict. Refit it with this version, or load it with the "
                "version that saved it."
                % (
                    type(self).__name__,
                    saved,
                    ", ".join(repr(n) for n in missing),
                    skprune_version(),
                )
            )

    def __getstate__(self):
        state = super().__getstate__()
        state = {
            k: v
            for k, v in state.items()
            if k not in ("_plan", "_skprune_version_saved", "_shared_coefs")
        }
        if any(sp.isspmatrix(W) for W in self.__dict__.get("coefs_") or ()):
            # Packed and decoded weights come back as csr_array: the fitted
            # type (scikit-learn's sparse_interface at fit time) is restored on load.
            state["_coefs_type"] = "spmatrix"
        shared = current_sharing(self)
        if shared is not None:
            # Codebooks, packed codes and patterns: coefs_ is decoded on load.
            del state["coefs_"]
            state["_shared_layers"] = pack_shared(shared)
        elif state.get("_shared_layers") is not None:
            state["_shared_layers"] = None  # coefs_ replaced since fit: kept as they are
        coefs = state.get("coefs_")
        if isinstance(coefs, list) and coefs and all(sp.issparse(W) for W in coefs):
            state["coefs_"] = [pack_csr(W) for W in coefs]
        state["_skprune_version"] = skprune_version()
        return state

    def __setstate__(self, state):
        state = dict(state)
        saved = state.pop("_skprune_version", "pre-0.1.0")
        current = skprune_version()
        if saved != current:
            warnings.warn(
                InconsistentVersionWarning(
                    estimator_name=type(self).__name__,
                    current_skprune_version=current,
                    original_skprune_version=saved,
                )
            )
        # The stored forms decoded back into the fitted attributes a fit
        # finishes with; the model then adopts them as after a fit.
        stored = {}
        coefs = state.pop("coefs_", None)
        if isinstance(coefs, list) and coefs and all(isinstance(W, dict) for W in coefs):
            coefs = [unpack_csr(W) for W in coefs]
        if coefs is not None:
            stored["coefs_"] = coefs
        shared = state.get("_shared_layers")
        if shared is not None and coefs is None:
            stored["_shared_layers"] = shared = unpack_shared(shared)
            stored["coefs_"] = [decode_layer(layer) for layer in shared]
        if state.pop("_coefs_type", None) == "spmatrix" and "coefs_" in stored:
            stored["coefs_"] = [sp.csr_matrix(W) for W in stored["coefs_"]]
        if "_shared_layers" in stored:
            stored["_shared_coefs"] = tuple(stored["coefs_"])
        super().__setstate__(state)
        self._skprune_version_saved = saved
        self._adopt(stored)

    def _adopt(self, fitted):
        """Become the model ``fitted`` describes: the one place fitted attributes are set.

        ``fitted`` is what :func:`skprune._fit.finish.finish` returned (with the
        target attributes), or what a saved file stored; the inference plan is
        then built from it.
        """
        for name, value in fitted.items():
            setattr(self, name, value)
        self._build_inference_plan()
