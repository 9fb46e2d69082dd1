"""How a fitted network is stored: compact CSR patterns, shared codes, the version.

What a pickle or skops file of a fitted model holds beyond plain arrays is
written and read here, and only here: a CSR layer's pattern as a bit mask or
16-bit column indices (:func:`pack_csr`), a weight-shared layer as its
codebook, bit-packed codes and a pattern of relative positions (Han et al.,
*Deep Compression*, ICLR 2016; :func:`pack_shared`), and the version of
skprune that saved the model. :mod:`skprune._net.inference` (pickling) and
:mod:`skprune._net.sharing` (fitting codebooks) both read it.
"""

import numpy as np
import scipy.sparse as sp

from .._version import __version__


# ---------------------------------------------------------------------- #
# Compact CSR patterns for pickle and skops files.
# ---------------------------------------------------------------------- #
def pack_csr(W):
    """A CSR array as a dict of small numpy arrays (see :func:`unpack_csr`).

    The values are kept as they are; the pattern is stored as a packed bit
    mask (one bit per weight) or as 16-bit column indices plus row pointers,
    whichever is smaller, instead of 4- or 8-byte column indices.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from skprune._net.storage import pack_csr, unpack_csr
    >>> W = sp.random_array((50, 40), density=0.1, format="csr", rng=0)
    >>> packed = pack_csr(W)
    >>> sorted(packed)
    ['data', 'mask', 'shape']
    >>> bool((unpack_csr(packed) != W).nnz == 0)
    True
    """
    W = W.copy()
    W.sum_duplicates()
    W.sort_indices()
    n_rows, n_cols = W.shape
    packed = {"shape": np.array(W.shape, dtype=np.int64), "data": np.array(W.data)}
    mask_bytes = (n_rows * n_cols + 7) // 8
    if n_cols <= 2**16 and 2 * W.nnz + 4 * (n_rows + 1) < mask_bytes:
        packed["indices"] = W.indices.astype(np.uint16)
        packed["indptr"] = W.indptr.astype(np.int64)
    else:
        mask = np.zeros(n_rows * n_cols, dtype=bool)
        rows = np.repeat(np.arange(n_rows, dtype=np.int64), np.diff(W.indptr))
        mask[rows * n_cols + W.indices] = True
        packed["mask"] = np.packbits(mask)
    return packed


def unpack_csr(packed):
    """The CSR array that :func:`pack_csr` packed."""
    n_rows, n_cols = (int(s) for s in packed["shape"])
    data = np.array(packed["data"])
    if "mask" in packed:
        mask = np.unpackbits(packed["mask"], count=n_rows * n_cols).view(bool)
        flat = np.flatnonzero(mask)
        indices = flat % n_cols
        indptr = np.zeros(n_rows + 1, dtype=np.int64)
        np.cumsum(np.bincount(flat // n_cols, minlength=n_rows), out=indptr[1:])
    else:
        indices, indptr = packed["indices"], packed["indptr"]
    index_dtype = np.int32 if max(n_rows, n_cols, len(data)) < 2**31 else np.int64
    return sp.csr_array(
        (data, indices.astype(index_dtype), indptr.astype(index_dtype)),
        shape=(n_rows, n_cols),
    )


def skprune_version():
    """The version of skprune that is running (and that writes saved files)."""
    return __version__


def _canonical(W):
    W = sp.csr_array(W, copy=True)
    W.sum_duplicates()
    W.sort_indices()
    return W


def pack_codes(codes, n_bits):
    """Codes packed ``n_bits`` to a value into bytes (see :func:`unpack_codes`).

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._net.storage import pack_codes, unpack_codes
    >>> packed = pack_codes(np.array([5, 0, 7, 3]), 3)
    >>> packed.nbytes, unpack_codes(packed, 4, 3).tolist()
    (2, [5, 0, 7, 3])
    """
    codes = np.asarray(codes, dtype=np.uint32)
    shifts = np.arange(n_bits - 1, -1, -1, dtype=np.uint32)
    bits = ((codes[:, np.newaxis] >> shifts) & 1).astype(np.uint8)
    return np.packbits(bits.ravel())


def unpack_codes(packed, n_values, n_bits):
    """The codes that :func:`pack_codes` packed."""
    bits = np.unpackbits(packed, count=n_values * n_bits).reshape(n_values, n_bits)
    weights = (1 << np.arange(n_bits - 1, -1, -1)).astype(np.uint32)
    return bits.astype(np.uint32) @ weights


def pack_gaps(W, max_bits=8):
    """A CSR pattern as relative positions of ``gap_bits`` bits each (Han et al.).

    The stored entries' row-major positions are coded as the number of empty
    positions before each; a gap too long for ``gap_bits`` bits is split by
    filler symbols (the largest code, which skips that many positions and
    stores no weight). The width giving the fewest bytes is chosen.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from skprune._net.storage import pack_gaps, unpack_gaps
    >>> W = sp.random_array((60, 50), density=0.08, format="csr", rng=0)
    >>> packed = pack_gaps(W)
    >>> packed["gaps"].nbytes < W.indices.nbytes / 4
    True
    >>> indptr, indices = unpack_gaps(packed)
    >>> bool((indptr == W.indptr).all() and (indices == W.indices).all())
    True
    """
    W = _canonical(W)
    n_rows, n_cols = W.shape
    rows = np.repeat(np.arange(n_rows, dtype=np.int64), np.diff(W.indptr))
    positions = rows * n_cols + W.indices
    gaps = np.diff(positions, prepend=-1) - 1
    best = None
    for bits in range(1, max_bits + 1):
        top = 2**bits - 1
        fillers = gaps // top
        n_symbols = int(fillers.sum()) + len(gaps)
        if best is None or n_symbols * bits < best[0]:
            best = (n_symbols * bits, bits, fillers)
    _, bits, fillers = best
    top = 2**bits - 1
    symbols = np.full(int(fillers.sum()) + len(gaps), top, dtype=np.uint32)
    ends = np.cumsum(fillers + 1) - 1  # each weight's symbol follows its fillers
    symbols[ends] = gaps - fillers * top
    return {
        "shape": np.array(W.shape, dtype=np.int64),
        "gaps": pack_codes(symbols, bits),
        "gap_bits": np.int64(bits),
        "n_symbols": np.int64(len(symbols)),
        "nnz": np.int64(W.nnz),
    }


def unpack_gaps(packed):
    """``(indptr, indices)`` of the pattern that :func:`pack_gaps` packed."""
    n_rows, n_cols = (int(s) for s in packed["shape"])
    bits = int(packed["gap_bits"])
    top = 2**bits - 1
    symbols = unpack_codes(packed["gaps"], int(packed["n_symbols"]), bits)
    symbols = symbols.astype(np.int64)
    weight = symbols < top
    advance = np.where(weight, symbols + 1, top)
    positions = (np.cumsum(advance) - 1)[weight]
    rows, indices = np.divmod(positions, n_cols)
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n_rows), out=indptr[1:])
    return indptr, indices


def layer_codes(shared):
    """The unpacked codes of a shared layer, one per stored weight."""
    pattern = shared["pattern"]
    n_bits = int(shared["n_bits"])
    if "nnz" in pattern:
        nnz = int(pattern["nnz"])
    elif "indptr" in pattern:
        nnz = int(pattern["indptr"][-1])
    else:
        n_rows, n_cols = (int(s) for s in pattern["shape"])
        mask = np.unpackbits(pattern["mask"], count=n_rows * n_cols)
        nnz = int(np.count_nonzero(mask))
    return unpack_codes(shared["codes"], nnz, n_bits)


def decode_layer(shared, codebook=None):
    """The CSR array of a shared layer's decoded values."""
    codebook = shared["codebook"] if codebook is None else codebook
    codes = layer_codes(shared)
    pattern = dict(shared["pattern"])
    data = np.asarray(codebook)[codes]
    if "gaps" in pattern:
        indptr, indices = unpack_gaps(pattern)
        pattern = {"shape": pattern["shape"], "data": data,
                   "indices": indices, "indptr": indptr}
    pattern["data"] = data
    return unpack_csr(pattern)


def stored_bytes(shared_layers, intercepts):
    """Bytes per part of shared layers and biases, and bits per stored weight.

    Returns
    -------
    parts : dict
        ``values`` (codebooks), ``indices`` (packed codes), ``pattern``
        (sparsity patterns), ``biases``, ``total`` and
        ``bits_per_weight`` (all but the biases, per stored weight).
    """
    parts = {"values": 0, "indices": 0, "pattern": 0}
    n_stored = 0
    for shared in shared_layers:
        parts["values"] += shared["codebook"].nbytes
        parts["indices"] += shared["codes"].nbytes
        parts["pattern"] += sum(a.nbytes for a in shared["pattern"].values())
        n_stored += len(layer_codes(shared))
    parts["biases"] = int(sum(np.asarray(b).nbytes for b in intercepts))
    parts["total"] = int(sum(parts.values()))
    weights = parts["values"] + parts["indices"] + parts["pattern"]
    parts["bits_per_weight"] = 8.0 * weights / n_stored if n_stored else 0.0
    return parts


def current_sharing(estimator):
    """The shared layers of a fitted estimator whose ``coefs_`` are still theirs, else None."""
    state = estimator.__dict__
    layers, source = state.get("_shared_layers"), state.get("_shared_coefs")
    coefs = state.get("coefs_")
    if layers is None or source is None or not isinstance(coefs, list):
        return None
    if len(coefs) != len(source) or any(a is not b for a, b in zip(coefs, source)):
        return None
    return layers


# One byte buffer for all shared layers: a pickle or skops file then holds
# one small array instead of a dozen tiny ones, each with its own header.
_FLOATS = {0: np.dtype("<f4"), 1: np.dtype("<f8")}


_PATTERNS = ("mask", "indices", "gaps")


_HEADER = np.dtype([("dtype", "u1"), ("n_bits", "u1"), ("pattern", "u1"),
                    ("gap_bits", "u1"), ("n_codes", "<u4"), ("n_rows", "<u8"),
                    ("n_cols", "<u8"), ("nnz", "<u8"), ("n_symbols", "<u8")])


def pack_shared(layers):
    """Shared layers (see :func:`share_layer`) as one uint8 array.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from skprune._net.sharing import share_layer
    >>> from skprune._net.storage import decode_layer, pack_shared, unpack_shared
    >>> W = sp.random_array((30, 20), density=0.2, format="csr", rng=0)
    >>> buffer = pack_shared([share_layer(W, 3, random_state=0)])
    >>> buffer.dtype, buffer.nbytes < W.data.nbytes / 4
    (dtype('uint8'), True)
    >>> (decode_layer(unpack_shared(buffer)[0]) != decode_layer(
    ...     share_layer(W, 3, random_state=0))).nnz
    0
    """
    parts = []
    for layer in layers:
        pattern = layer["pattern"]
        kind = next(i for i, name in enumerate(_PATTERNS) if name in pattern)
        book = np.asarray(layer["codebook"])
        header = np.zeros(1, dtype=_HEADER)
        header[0] = (int(book.dtype.itemsize == 8), int(layer["n_bits"]), kind,
                     int(pattern.get("gap_bits", 0)), len(book), *pattern["shape"],
                     len(layer_codes(layer)), int(pattern.get("n_symbols", 0)))
        blocks = [header, book.astype(_FLOATS[header["dtype"][0]]), layer["codes"]]
        if kind == 1:
            blocks += [pattern["indices"].astype("<u2"), pattern["indptr"].astype("<i8")]
        else:
            blocks.append(pattern[_PATTERNS[kind]])
        parts.extend(np.ascontiguousarray(b).view(np.uint8).ravel() for b in blocks)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint8)


def unpack_shared(buffer):
    """The shared layers that :func:`pack_shared` packed."""
    buffer, offset, layers = np.asarray(buffer, dtype=np.uint8), 0, []

    def take(dtype, count):
        nonlocal offset
        dtype = np.dtype(dtype)
        block = buffer[offset: offset + dtype.itemsize * count].view(dtype)
        offset += dtype.itemsize * count
        return block.astype(dtype.newbyteorder("="))

    while offset < len(buffer):
        head = buffer[offset: offset + _HEADER.itemsize].view(_HEADER)[0]
        offset += _HEADER.itemsize
        n_rows, n_cols, nnz, n_bits = (int(head[k]) for k in ("n_rows", "n_cols", "nnz",
                                                              "n_bits"))
        book = take(_FLOATS[int(head["dtype"])], int(head["n_codes"]))
        codes = take("u1", (nnz * n_bits + 7) // 8)
        shape = np.array([n_rows, n_cols], dtype=np.int64)
        kind = _PATTERNS[int(head["pattern"])]
        if kind == "mask":
            pattern = {"shape": shape, "mask": take("u1", (n_rows * n_cols + 7) // 8)}
        elif kind == "indices":
            pattern = {"shape": shape, "indices": take("<u2", nnz),
                       "indptr": take("<i8", n_rows + 1)}
        else:
            gap_bits, n_symbols = int(head["gap_bits"]), int(head["n_symbols"])
            pattern = {"shape": shape, "gaps": take("u1", (n_symbols * gap_bits + 7) // 8),
                       "gap_bits": np.int64(gap_bits), "n_symbols": np.int64(n_symbols),
                       "nnz": np.int64(nnz)}
        layers.append({"codebook": book, "codes": codes, "n_bits": np.int64(n_bits),
                       "pattern": pattern})
    return layers
