"""ONNX export of pruned MLPs through skl2onnx (optional dependency).

:func:`register` tells ``skl2onnx`` how to convert
:class:`~skprune.PrunedMLPClassifier` and :class:`~skprune.PrunedMLPRegressor`,
so ``skl2onnx.to_onnx(model_or_pipeline, X[:1])`` works as for scikit-learn's
own MLPs. The graph is the network as fitted: removed neurons are absent
from every shape, and each weight matrix is stored in the smallest of three
forms -- a dense initializer, an ONNX sparse initializer (values and their
int64 positions), or its nonzero values plus a one-bit-per-weight mask that
a few constant nodes expand into the dense matrix (onnxruntime folds them
once, when the session is created). A model fitted with ``weight_bits``
stores each layer's values as its codebook and its codes, packed
``weight_bits`` to a weight, which constant nodes unpack the same way, and
its pattern as the bit mask or, when smaller, as relative positions that
constant nodes scatter the values to. skl2onnx, onnx and onnxruntime are
imported only here, only when called.
"""

import numpy as np
import scipy.sparse as sp

_ACTIVATIONS = {
    "identity": "Identity",
    "tanh": "Tanh",
    "logistic": "Sigmoid",
    "relu": "Relu",
    "softmax": "Softmax",
}


def weight_form(W, itemsize):
    """Cheapest storage of one weight matrix: ``'dense'``, ``'sparse'`` or ``'mask'``.

    Bytes: ``size * itemsize`` dense; ``nnz * (itemsize + 8)`` as a sparse
    initializer (int64 positions, as the ONNX standard requires);
    ``nnz * itemsize + size / 8`` as values plus a bit mask.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from skprune._onnx import weight_form
    >>> [weight_form(sp.random_array((100, 100), density=d, rng=0), 4)
    ...  for d in (1.0, 0.1, 0.005)]
    ['dense', 'mask', 'sparse']
    """
    size = W.shape[0] * W.shape[1]
    nnz = W.nnz if sp.issparse(W) else int(np.count_nonzero(W))
    costs = {
        "dense": size * itemsize,
        "sparse": nnz * (itemsize + 8),
        "mask": nnz * itemsize + (size + 7) // 8 + 64,
    }
    return min(costs, key=costs.get)


#: About the bytes of the nodes that unpack a shared layer's codes, and of
#: those that turn relative positions into the matrix.
_SHARED_NODES_BYTES = 700
_GAP_NODES_BYTES = 1000


def _form_bytes(W, form, itemsize):
    size = W.shape[0] * W.shape[1]
    return {"dense": size * itemsize, "sparse": W.nnz * (itemsize + 8),
            "mask": W.nnz * itemsize + (size + 7) // 8 + 64}[form]


def _shared_forms(W, shared, itemsize):
    """About the bytes of a shared layer with each form of its pattern, ``{form: bytes}``."""
    values = len(shared["codebook"]) * itemsize + len(shared["codes"]) + _SHARED_NODES_BYTES
    forms = {"mask": (W.shape[0] * W.shape[1] + 7) // 8 + 64 + values}
    if "gaps" in shared["pattern"]:
        forms["gaps"] = len(shared["pattern"]["gaps"]) + _GAP_NODES_BYTES + values
    return forms


def _add_weights(scope, container, W, dtype, proto_dtype, shared=None):
    """Add the weight matrix ``W`` to the graph; return the name of its dense value.

    ``shared``, a layer of a model fitted with ``weight_bits``, stores the
    values as its codebook and bit-packed codes, and the pattern as its
    relative positions (scattered into a zero matrix) or its bit mask, when
    that is smaller than the layer's own form.
    """
    from skl2onnx.proto import onnx_proto

    W = sp.csr_array(W).astype(dtype)
    W.sum_duplicates()
    W.sort_indices()
    itemsize = np.dtype(dtype).itemsize
    form = weight_form(W, itemsize)
    gaps = False
    if shared is not None and W.nnz:
        forms = _shared_forms(W, shared, itemsize)
        best = min(forms, key=forms.get)
        if forms[best] < _form_bytes(W, form, itemsize):
            form, gaps = "mask", best == "gaps"
        else:
            shared = None
    else:
        shared = None
    name = scope.get_unique_variable_name("coefficient")
    if form == "dense":
        container.add_initializer(name, proto_dtype, W.shape, W.toarray().ravel())
        return name
    coo = sp.coo_matrix(W)  # row-major order: the positions ascend
    if form == "sparse":
        container.add_initializer(name, proto_dtype, W.shape, coo)
        return name
    size = W.shape[0] * W.shape[1]
    flat = np.zeros(size, dtype=bool)
    flat[coo.row.astype(np.int64) * W.shape[1] + coo.col] = True

    def const(stem, onnx_type, shape, values):
        cname = scope.get_unique_variable_name(stem)
        container.add_initializer(cname, onnx_type, shape, values)
        return cname

    def node(op, inputs, stem, **attrs):
        out = scope.get_unique_variable_name(stem)
        container.add_node(
            op, inputs, out, name=scope.get_unique_operator_name(op), **attrs
        )
        return out

    U8, I64 = onnx_proto.TensorProto.UINT8, onnx_proto.TensorProto.INT64
    if gaps:
        # Relative positions: the stored values scattered into a zero matrix.
        values = _shared_values(shared, W.nnz, dtype, proto_dtype, const, node)
        zeros = node("Expand", [const("zero_value", proto_dtype, [1], np.zeros(1, dtype=dtype)),
                                const("size", I64, [1], [size])], "zeros")
        positions = _gap_positions(shared["pattern"], const, node)
        dense = node("ScatterElements", [zeros, positions, values], "scattered", axis=0)
        return node("Reshape", [dense, const("shape", I64, [2], list(W.shape))], name)
    packed = np.packbits(flat)
    bits = const("mask_bits", U8, [len(packed), 1], packed)
    shifts = const("mask_shifts", U8, [1, 8], np.arange(7, -1, -1, dtype=np.uint8))
    two = const("two", U8, [], np.uint8(2))
    unpacked = node(
        "Mod",
        [node("BitShift", [bits, shifts], "shifted", direction="RIGHT"), two],
        "bits",
    )
    flat_bits = node("Reshape", [unpacked, const("flat", I64, [1], [-1])], "flat_bits")
    mask_flat = node(
        "Slice",
        [flat_bits, const("zero", I64, [1], [0]), const("size", I64, [1], [size])],
        "mask_flat",
    )
    # Entry k of the matrix is values[cumsum(mask)[k] - 1] where the mask is set.
    as_int = node("Cast", [mask_flat], "mask_int", to=I64)
    axis = const("axis", I64, [], np.int64(0))
    cumsum = node("CumSum", [as_int, axis], "cumsum")
    slot = node("Sub", [cumsum, const("one", I64, [1], [1])], "slot")
    if shared is None or not W.nnz:
        values = const("values", proto_dtype, [W.nnz], coo.data)
    else:
        values = _shared_values(shared, W.nnz, dtype, proto_dtype, const, node)
    gathered = node("Gather", [values, slot], "gathered", axis=0)
    zero = const("zero_value", proto_dtype, [1], np.zeros(1, dtype=dtype))
    is_set = node("Cast", [mask_flat], "mask_bool", to=onnx_proto.TensorProto.BOOL)
    dense = node("Where", [is_set, gathered, zero], "scattered")
    return node("Reshape", [dense, const("shape", I64, [2], list(W.shape))], name)


def _unpacked(packed, count, n_bits, stem, const, node):
    """Int64 nodes of the ``count`` codes of ``n_bits`` bits packed in ``packed``."""
    from skl2onnx.proto import onnx_proto

    U8, I64 = onnx_proto.TensorProto.UINT8, onnx_proto.TensorProto.INT64
    F32 = onnx_proto.TensorProto.FLOAT
    packed = np.asarray(packed, dtype=np.uint8)
    bits = node("BitShift", [const(stem + "_bytes", U8, [len(packed), 1], packed),
                             const(stem + "_shifts", U8, [1, 8],
                                   np.arange(7, -1, -1, dtype=np.uint8))],
                stem + "_shifted", direction="RIGHT")
    bits = node("Mod", [bits, const(stem + "_two", U8, [], np.uint8(2))], stem + "_bits")
    bits = node("Reshape", [bits, const(stem + "_flat", I64, [1], [-1])], stem + "_flat")
    bits = node("Slice", [bits, const(stem + "_start", I64, [1], [0]),
                          const(stem + "_stop", I64, [1], [count * n_bits])], stem + "_kept")
    bits = node("Reshape", [bits, const(stem + "_rows", I64, [2], [count, n_bits])],
                stem + "_rows")
    # Each code is its bits times the powers of two (exact in float32 up to 8 bits).
    powers = (2.0 ** np.arange(n_bits - 1, -1, -1)).astype(np.float32).reshape(-1, 1)
    codes = node("MatMul", [node("Cast", [bits], stem + "_float", to=F32),
                            const(stem + "_powers", F32, [n_bits, 1], powers)],
                 stem + "_sums")
    codes = node("Reshape", [codes, const(stem + "_vector", I64, [1], [-1])],
                 stem + "_vector")
    return node("Cast", [codes], stem + "s", to=I64)


def _shared_values(shared, nnz, dtype, proto_dtype, const, node):
    """The stored values of a shared layer: its codebook gathered by its unpacked codes."""
    codes = _unpacked(shared["codes"], nnz, int(shared["n_bits"]), "code", const, node)
    book = np.asarray(shared["codebook"], dtype=dtype)
    codebook = const("codebook", proto_dtype, [len(book)], book)
    return node("Gather", [codebook, codes], "shared_values", axis=0)


def _gap_positions(pattern, const, node):
    """Row-major positions of the stored weights from relative positions (see ``pack_gaps``)."""
    from skl2onnx.proto import onnx_proto

    I64 = onnx_proto.TensorProto.INT64
    bits = int(pattern["gap_bits"])
    top = const("gap_top", I64, [], np.int64(2**bits - 1))
    symbols = _unpacked(pattern["gaps"], int(pattern["n_symbols"]), bits, "gap", const, node)
    # A symbol below the top code is a weight after that many empty
    # positions; the top code skips that many and stores nothing.
    is_weight = node("Less", [symbols, top], "gap_is_weight")
    one = const("gap_one", I64, [], np.int64(1))
    advance = node("Where", [is_weight, node("Add", [symbols, one], "gap_step"), top],
                   "gap_advance")
    ends = node("CumSum", [advance, const("gap_axis", I64, [], np.int64(0))], "gap_ends")
    positions = node("Sub", [ends, one], "gap_positions")
    return node("Compress", [positions, is_weight], "positions", axis=0)


def _network(scope, container, model, input_name, dtype, proto_dtype):
    """Add the network's layers; return the name of the output activation."""
    from skl2onnx.common._apply_operation import apply_add, apply_cast

    name = scope.get_unique_variable_name("cast_input")
    apply_cast(scope, input_name, name, container, to=proto_dtype)
    last = len(model.coefs_) - 1
    from ._net.storage import current_sharing

    shared = current_sharing(model) or [None] * len(model.coefs_)
    for i, (W, b) in enumerate(zip(model.coefs_, model.intercepts_)):
        weights = _add_weights(scope, container, W, dtype, proto_dtype, shared[i])
        bias = scope.get_unique_variable_name("intercepts")
        container.add_initializer(
            bias, proto_dtype, [1, len(b)], np.asarray(b, dtype=dtype)
        )
        product = scope.get_unique_variable_name("mul_result")
        container.add_node(
            "MatMul",
            [name, weights],
            product,
            name=scope.get_unique_operator_name("MatMul"),
        )
        added = scope.get_unique_variable_name("add_result")
        apply_add(scope, [product, bias], added, container, broadcast=1)
        act = _ACTIVATIONS[model.out_activation_ if i == last else model.activation]
        name = scope.get_unique_variable_name("activations")
        container.add_node(act, added, name, name=scope.get_unique_operator_name(act))
    return name


def _proto_dtype(operator):
    from skl2onnx.common.data_types import guess_proto_type
    from skl2onnx.proto import onnx_proto

    proto = guess_proto_type(operator.inputs[0].type)
    if proto == onnx_proto.TensorProto.DOUBLE:
        return np.float64, proto
    return np.float32, onnx_proto.TensorProto.FLOAT


def _convert_regressor(scope, operator, container):
    from skl2onnx.common._apply_operation import apply_reshape

    model = operator.raw_operator
    dtype, proto = _proto_dtype(operator)
    out = _network(scope, container, model, operator.inputs[0].full_name, dtype, proto)
    apply_reshape(
        scope,
        out,
        operator.outputs[0].full_name,
        container,
        desired_shape=(-1, model.n_outputs_),
    )


def _convert_classifier(scope, operator, container):
    from skl2onnx.common._apply_operation import (
        apply_cast,
        apply_concat,
        apply_identity,
        apply_reshape,
        apply_sub,
    )
    from skl2onnx.proto import onnx_proto

    model = operator.raw_operator
    dtype, proto = _proto_dtype(operator)
    P = _network(scope, container, model, operator.inputs[0].full_name, dtype, proto)
    proba = operator.outputs[1].full_name
    if _zipmap_takes_float(container, model, operator.inputs[0].type):
        # Labels from the float64 probabilities; ZipMap gets them as float32.
        proba = scope.get_unique_variable_name("probabilities")
        apply_cast(scope, proba, operator.outputs[1].full_name, container,
                   to=onnx_proto.TensorProto.FLOAT)
    binarizer = model._label_binarizer
    if binarizer.y_type_ == "binary":
        one = scope.get_unique_variable_name("unity")
        container.add_initializer(one, proto, [], [1])
        negative = scope.get_unique_variable_name("negative_class_proba")
        apply_sub(scope, [one, P], negative, container, broadcast=1)
        apply_concat(scope, [negative, P], proba, container, axis=1)
    else:
        apply_identity(scope, P, proba, container)
    labels = operator.outputs[0].full_name
    if binarizer.y_type_ == "multilabel-indicator":
        binary = scope.get_unique_variable_name("binarized")
        container.add_node(
            "Binarizer", P, binary, threshold=0.5, op_domain="ai.onnx.ml"
        )
        apply_cast(scope, binary, labels, container, to=onnx_proto.TensorProto.INT64)
        return
    classes, class_type = _class_labels(model.classes_)
    classes_name = scope.get_unique_variable_name("classes")
    container.add_initializer(classes_name, class_type, classes.shape, classes)
    argmax = scope.get_unique_variable_name("argmax_output")
    container.add_node(
        "ArgMax", proba, argmax, axis=1, name=scope.get_unique_operator_name("ArgMax")
    )
    picked = scope.get_unique_variable_name("array_feature_extractor_result")
    container.add_node(
        "ArrayFeatureExtractor",
        [classes_name, argmax],
        picked,
        op_domain="ai.onnx.ml",
        name=scope.get_unique_operator_name("ArrayFeatureExtractor"),
    )
    if class_type == onnx_proto.TensorProto.STRING:
        apply_reshape(scope, picked, labels, container, desired_shape=(-1,))
    else:
        flat = scope.get_unique_variable_name("reshaped_result")
        apply_reshape(scope, picked, flat, container, desired_shape=(-1,))
        apply_cast(scope, flat, labels, container, to=onnx_proto.TensorProto.INT64)


def _class_labels(classes):
    from skl2onnx.proto import onnx_proto

    classes = np.asarray(classes)
    if classes.dtype.kind in "iub":
        return classes.astype(np.int64), onnx_proto.TensorProto.INT64
    if classes.dtype.kind == "f":
        as_int = classes.astype(np.int64)
        if not np.array_equal(as_int, classes):
            raise ValueError(
                "ONNX export needs integer or string class labels; got %r." % classes
            )
        return as_int, onnx_proto.TensorProto.INT64
    encoded = np.array([str(c).encode("utf-8") for c in classes])
    return encoded, onnx_proto.TensorProto.STRING


def _zipmap_takes_float(scope, model, input_type):
    """Whether float64 probabilities must become float32 for skl2onnx's ZipMap.

    ONNX's ``ZipMap`` takes float tensors only (its output maps hold
    floats), and skl2onnx builds one for float64 input too, which
    onnxruntime then refuses to load. ``scope`` is skl2onnx's scope or
    container (both give the conversion options).
    """
    from skl2onnx.common.data_types import DoubleTensorType

    zipmap = scope.get_options(model, dict(zipmap=True))["zipmap"]
    return (
        isinstance(input_type, DoubleTensorType)
        and zipmap is not False
        and not (isinstance(zipmap, str) and zipmap == "columns")
        and model._label_binarizer.y_type_ != "multilabel-indicator"
    )


def _shape_classifier(operator):
    from skl2onnx.common.data_types import (
        DoubleTensorType,
        FloatTensorType,
        Int64TensorType,
        StringTensorType,
    )

    model = operator.raw_operator
    N = operator.inputs[0].get_first_dimension()
    dtype_cls = (
        DoubleTensorType
        if isinstance(operator.inputs[0].type, DoubleTensorType)
        else FloatTensorType
    )
    n_classes = len(model.classes_)
    if model._label_binarizer.y_type_ == "multilabel-indicator":
        operator.outputs[0].type = Int64TensorType(shape=[N, n_classes])
    elif np.asarray(model.classes_).dtype.kind in "iubf":
        operator.outputs[0].type = Int64TensorType(shape=[N])
    else:
        operator.outputs[0].type = StringTensorType(shape=[N])
    if _zipmap_takes_float(operator.scope_inst, model, operator.inputs[0].type):
        dtype_cls = FloatTensorType
    operator.outputs[1].type = dtype_cls(shape=[N, n_classes])


def _shape_regressor(operator):
    from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType

    N = operator.inputs[0].get_first_dimension()
    dtype_cls = (
        DoubleTensorType
        if isinstance(operator.inputs[0].type, DoubleTensorType)
        else FloatTensorType
    )
    operator.outputs[0].type = dtype_cls(shape=[N, operator.raw_operator.n_outputs_])


def _parse_classifier(scope, model, inputs, custom_parsers=None):
    """Labels and probabilities as two tensors, or through skl2onnx's ZipMap."""
    from skl2onnx._parse import _apply_zipmap, _parse_sklearn_classifier
    from skl2onnx._supported_operators import _get_sklearn_operator_name
    from skl2onnx.common.data_types import FloatTensorType, Int64TensorType

    zipmap_float = _zipmap_takes_float(scope, model, inputs[0].type)
    multilabel = model._label_binarizer.y_type_ == "multilabel-indicator"
    if not (multilabel or zipmap_float):
        return _parse_sklearn_classifier(
            scope, model, inputs, custom_parsers=custom_parsers
        )
    # Multilabel: an indicator matrix and per-label probabilities (no
    # ZipMap). Float64 input with ZipMap: float32 probabilities into it.
    operator = scope.declare_local_operator(
        _get_sklearn_operator_name(type(model)), model
    )
    operator.inputs = inputs
    proba_type = FloatTensorType if zipmap_float else inputs[0].type.__class__
    operator.outputs.append(scope.declare_local_variable("label", Int64TensorType()))
    operator.outputs.append(scope.declare_local_variable("probabilities", proba_type()))
    if zipmap_float:
        return _apply_zipmap(True, scope, model, FloatTensorType(), operator.outputs)
    return operator.outputs


def register():
    """Register skprune's estimators with skl2onnx (idempotent).

    Afterwards ``skl2onnx.to_onnx`` converts a fitted
    :class:`~skprune.PrunedMLPClassifier` or :class:`~skprune.PrunedMLPRegressor`,
    alone or inside a :class:`~sklearn.pipeline.Pipeline`, in float32 or
    float64 (the type of the example input). The classifier outputs ``label``
    and ``probabilities`` (through skl2onnx's ZipMap unless
    ``options={"zipmap": False}``; multilabel models output the indicator
    matrix and per-label probabilities as tensors). ONNX's ZipMap holds
    float32 values: with float64 input the graph computes in float64 and
    casts the probabilities to float32 before it (``zipmap=False`` or
    ``"columns"`` keep them in float64).

    Raises
    ------
    ImportError
        If skl2onnx is not installed (``pip install ".[onnx]"``).
    """
    try:
        from skl2onnx import update_registered_converter
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "ONNX export needs skl2onnx, onnx and onnxruntime: "
            "pip install 'skprune[onnx]'."
        ) from exc
    from ._classifier import PrunedMLPClassifier
    from ._regressor import PrunedMLPRegressor

    update_registered_converter(
        PrunedMLPClassifier,
        "SkprunePrunedMLPClassifier",
        _shape_classifier,
        _convert_classifier,
        parser=_parse_classifier,
        options={"zipmap": [True, False, "columns"], "nocl": [False, True]},
        overwrite=True,
    )
    update_registered_converter(
        PrunedMLPRegressor,
        "SkprunePrunedMLPRegressor",
        _shape_regressor,
        _convert_regressor,
        overwrite=True,
    )
