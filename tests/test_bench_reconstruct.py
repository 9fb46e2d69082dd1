"""The reconstruction benchmark at smoke-test size."""

import numpy as np
from _bench import assert_tables_whole, load_script


def test_bench_reconstruct_quick(tmp_path, capsys):
    bench = load_script("benchmarks/bench_reconstruct.py")
    out = tmp_path / "reconstruct.md"
    rows = bench.main(["--quick", "--datasets", "digits,regression", "--sparsities", "0.9",
                       "--finetune", "2", "--out", str(out)])
    text = out.read_text()
    assert "bench_reconstruct.py --quick --datasets digits,regression --sparsities 0.9 " \
        "--finetune 2 --out" in text.splitlines()[0]
    assert_tables_whole(text)
    kinds = {(r["data"], r["kind"]) for r in rows}
    for data in ("digits", "regression"):
        for kind in ("masks only", "reconstruction", "reconstruction + fine-tune",
                     "masks + fine-tune"):
            assert (data, kind) in kinds
    # Reconstruction recovers much of what pruning alone loses on digits.
    by = {(r["kind"], r["method"], r.get("ridge")): r["score"] for r in rows
          if r["data"] == "digits"}
    assert by[("reconstruction", "magnitude", bench.RIDGES[1])] > by[("masks only", "magnitude", None)]
    assert "regression at 0.90" in text and "nan" not in text.lower()


def test_bench_reconstruct_api_quick(tmp_path):
    bench = load_script("benchmarks/bench_reconstruct.py")
    out = tmp_path / "reconstruct_api.md"
    rows = bench.main(["--part", "api", "--quick", "--datasets", "regression",
                       "--sparsities", "0.9", "--criteria", "auto", "--out", str(out)])
    text = out.read_text()
    assert_tables_whole(text)
    (row,) = rows
    assert row["part"] == "from_mlp" and row["sparsity"] == 0.9
    assert abs(row["reached"] - 0.9) < 0.01 and np.isfinite(row["score"])
    assert "regression, `from_mlp(mlp, sparsity=s, reconstruct=True)` at 0.90" in text
