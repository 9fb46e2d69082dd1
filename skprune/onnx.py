"""ONNX export of pruned MLPs (needs the ``onnx`` extra: skl2onnx, onnx, onnxruntime).

Call :func:`register` once; then ``skl2onnx.to_onnx`` converts skprune's
estimators, alone or in a pipeline::

    import skl2onnx
    import skprune.onnx

    skprune.onnx.register()
    onx = skl2onnx.to_onnx(pipeline, X[:1].astype("float32"))

Removed neurons are absent from the graph and each pruned weight matrix is
stored in its smallest exact form (see :doc:`/deploying`).
"""

from ._onnx import register

__all__ = ["register"]
