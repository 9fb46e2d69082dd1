"""Where a class seen only with zero sample weight ranks among the predicted probabilities.

For each seed: 300 rows of 3 Gaussian classes, class 2 given sample weight 0,
default PrunedMLPClassifier. Prints on how many rows the hidden class is
predicted (the argmax) and on how many it is the least likely class.

    python benchmarks/zero_weight_class.py
"""

import sys
import warnings
from pathlib import Path

import numpy as np

from skprune import PrunedMLPClassifier

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import provenance  # noqa: E402


def main(seeds=range(5), n_rows=300):
    print(provenance(__file__, []) + "\n")
    print("seed  rows  predicted  least-likely")
    for seed in seeds:
        rng = np.random.default_rng(seed)
        centers = rng.normal(scale=3, size=(3, 6))
        y = rng.integers(3, size=n_rows)
        X = centers[y] + rng.normal(size=(n_rows, 6))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf = PrunedMLPClassifier(random_state=seed).fit(
                X, y, sample_weight=(y != 2).astype(float)
            )
        proba = clf.predict_proba(X)
        predicted = int(np.sum(proba.argmax(axis=1) == 2))
        least = int(np.sum(proba.argmin(axis=1) == 2))
        print(f"{seed:4d}  {n_rows:4d}  {predicted:9d}  {least:12d}")


if __name__ == "__main__":
    main()
