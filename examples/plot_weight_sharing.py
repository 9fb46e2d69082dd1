"""
=================================================
Share weights, then export to ONNX
=================================================

``weight_bits=b`` makes the surviving weights of each layer share ``2 ** b``
values (Han, Mao & Dally's *Deep Compression*): after the final prune,
scikit-learn's :class:`~sklearn.cluster.KMeans` clusters each layer's
weights into a codebook, and the shared values are fine-tuned with every
weight's code fixed. A saved model then stores a codebook, one ``b``-bit
code per weight and a compact sparsity pattern per layer;
:func:`~skprune.compression_report` counts those parts.

The last section exports the model to ONNX with skl2onnx
(:func:`skprune.onnx.register`), which keeps the codebooks in the file. It
needs the ``onnx`` extra (``pip install ".[onnx]"``) and is skipped without it.
"""

# %%
# Pruned, with and without sharing
# --------------------------------
import pickle

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skprune import PrunedMLPClassifier, compression_report

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train = scaler.transform(X_train).astype(np.float32)
X_test = scaler.transform(X_test).astype(np.float32)

models = {}
for bits in [None, 5, 4, 3]:
    models[bits] = PrunedMLPClassifier(
        sparsity=0.9, weight_bits=bits, random_state=0
    ).fit(X_train, y_train)

print("weight_bits  accuracy  stored bytes  bits/weight  pickle bytes")
for bits, model in models.items():
    report = compression_report(model)
    print(
        f"{str(bits):>11}  {model.score(X_test, y_test):8.4f}  "
        f"{report['stored_bytes']:12d}  {report['bits_per_weight']:11.2f}  "
        f"{len(pickle.dumps(model)):12d}"
    )

# %%
# Where the bytes go
# ------------------
# ``stored_bytes`` is the sum of the codebooks (``values_bytes``; without
# sharing, the values themselves), the codes, the sparsity patterns and the
# biases. ``dense_bytes`` is what the original architecture's dense weights
# and biases take in the model's dtype.
parts = ["values_bytes", "codes_bytes", "pattern_bytes", "biases_bytes"]
labels = [str(bits) for bits in models]
reports = [compression_report(model) for model in models.values()]
fig, ax = plt.subplots(figsize=(6.4, 3.8), layout="constrained")
bottom = np.zeros(len(reports))
for part in parts:
    sizes = np.array([report[part] for report in reports], dtype=float)
    ax.bar(labels, sizes, bottom=bottom, label=part.removesuffix("_bytes"))
    bottom += sizes
ax.set_xlabel("weight_bits (None: no sharing)")
ax.set_ylabel("stored bytes")
ax.set_title(f"digits, 90 % pruned; dense weights: {reports[0]['dense_bytes']} bytes")
ax.legend()
plt.show()

# %%
# The shared values
# -----------------
# ``coefs_`` is still a list of CSR arrays: with ``weight_bits=3`` each layer
# holds at most 8 distinct values.
for layer, W in enumerate(models[3].coefs_):
    print(f"layer {layer}: {W.nnz} weights, {np.unique(W.data).size} distinct values")

# %%
# ONNX export
# -----------
# Register skprune's converters once, then convert as for any scikit-learn
# model. The file stores each shared layer as its codebook, bit-packed codes
# and sparsity pattern; onnxruntime expands them when the session starts.
try:
    import onnxruntime
    import skl2onnx

    import skprune.onnx
except ImportError:
    print("skl2onnx or onnxruntime is not installed: the ONNX export is skipped.")
else:
    skprune.onnx.register()
    for bits in [None, 3]:
        onx = skl2onnx.to_onnx(models[bits], X_test[:1], options={"zipmap": False})
        session = onnxruntime.InferenceSession(
            onx.SerializeToString(), providers=["CPUExecutionProvider"]
        )
        _, proba = session.run(None, {"X": X_test})
        gap = np.abs(proba - models[bits].predict_proba(X_test)).max()
        print(
            f"weight_bits={bits}: ONNX file {len(onx.SerializeToString())} bytes, "
            f"largest difference from predict_proba {gap:.1e}"
        )
