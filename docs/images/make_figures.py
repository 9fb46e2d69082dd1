"""Draw the documentation's benchmark figures from the benchmarks' own output.

Each figure reads the markdown a script under ``benchmarks/`` printed, saved
in ``benchmarks/results/``; ``--run`` reruns that script first (minutes):

========================================  ==========================================================
figure                                    benchmark output it reads (and the command behind it)
========================================  ==========================================================
``accuracy_vs_sparsity_digits.png``       ``accuracy_vs_sparsity_digits.md``:
                                          ``python benchmarks/accuracy_vs_sparsity.py --datasets digits``
``predict_speedup_vs_sparsity.png``       ``bench_predict.md``: ``python benchmarks/bench_predict.py``
``epoch_time_vs_sklearn.png``             ``bench_epoch.md``: ``python benchmarks/bench_epoch.py``
========================================  ==========================================================

Usage (from the repository root; needs matplotlib)::

    python docs/images/make_figures.py            # redraw from the saved outputs
    python docs/images/make_figures.py --run      # rerun the benchmarks, then redraw
    python docs/images/make_figures.py accuracy   # one figure: accuracy, predict or epoch
"""

import argparse
import re
import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import PercentFormatter  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results"
IMAGES = Path(__file__).resolve().parent

#: figure name -> (benchmark output file, command that makes it)
SOURCES = {
    "accuracy": ("accuracy_vs_sparsity_digits.md",
                 ["benchmarks/accuracy_vs_sparsity.py", "--datasets", "digits"]),
    "predict": ("bench_predict.md", ["benchmarks/bench_predict.py"]),
    "epoch": ("bench_epoch.md", ["benchmarks/bench_epoch.py"]),
}


def run_benchmark(name):
    output, command = SOURCES[name]
    print("running", " ".join(command), file=sys.stderr)
    text = subprocess.run([sys.executable, *command], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout
    (RESULTS / output).write_text(text)


def table_rows(text, first_cell=None):
    """The cells of every markdown table row (header and rule rows excluded)."""
    rows = []
    for line in text.splitlines():
        if not line.startswith("|") or set(line) <= set("|-: "):
            continue
        cells = [c.strip().strip("*") for c in line.strip().strip("|").split("|")]
        if first_cell is None or re.fullmatch(first_cell, cells[0]):
            rows.append(cells)
    return rows


def _mean_std(cell):
    mean, _, std = cell.partition("±")
    return float(mean), float(std or 0)


# ---------------------------------------------------------------------- #
def accuracy_figure(text):
    """Accuracy vs sparsity on digits: one panel per criterion, a line per schedule."""
    section = text.split("### digits: test accuracy (%) versus weight sparsity")[1]
    section = section.split("###")[0]
    dense = _mean_std(re.search(r"dense reference: ([\d.± ]+) %", section).group(1))
    header = next(line for line in section.splitlines() if line.startswith("| criterion"))
    sparsities = [float(c.strip(" %")) / 100 for c in header.strip("|").split("|")[3:]]
    rows = table_rows(section, r"magnitude|taylor|obd|random")
    panels = ["magnitude", "obd", "taylor"]
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.8), sharey=True, layout="constrained")
    styles = {("one-shot", "layer"): ("tab:red", "o", "one-shot"),
              ("iterative", "layer"): ("tab:orange", "s", "iterative (Han)"),
              ("gradual", "layer"): ("tab:blue", "D", "gradual (Zhu & Gupta)"),
              ("gradual", "global"): ("tab:green", "^", "gradual, global scope")}
    random_row = next((r for r in rows if r[0] == "random"), None)
    for ax, criterion in zip(axes, panels):
        for cells in rows:
            if cells[0] != criterion or (cells[1], cells[2]) not in styles:
                continue
            color, marker, label = styles[cells[1], cells[2]]
            values = [_mean_std(c) for c in cells[3:]]
            ax.errorbar(sparsities, [m for m, _ in values], [s for _, s in values],
                        color=color, marker=marker, capsize=2, label=label)
        if random_row is not None:
            values = [_mean_std(c) for c in random_row[3:]]
            ax.plot(sparsities, [m for m, _ in values], color="gray", ls=":",
                    marker="x", label="random (gradual)")
        ax.axhline(dense[0], color="black", ls="--", lw=1, label="unpruned")
        ax.set_title("criterion=%r" % criterion)
        ax.set_xscale("logit")
        ax.set_xticks(sparsities)
        ax.xaxis.set_major_formatter(PercentFormatter(1, decimals=0))
        ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        # Room on both sides, so that no point sits on the frame.
        ax.set_xlim(0.4, 0.99)
        ax.set_ylim(85, 100)
        ax.set_xlabel("weights pruned")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("test accuracy (%)")
    axes[0].legend(loc="lower left", fontsize=8)
    fig.suptitle("digits, 64-100-10 network: mean ± std over 3 seeds "
                 "(points below 85 % are off the axis)", fontsize=10)
    return fig


# ---------------------------------------------------------------------- #
def tables(text):
    """Every markdown table of ``text``: a list of ``{column: cell}`` rows per table."""
    found, header = [], None
    for line in text.splitlines() + [""]:
        if not line.startswith("|"):
            header = None
            continue
        cells = [c.strip().strip("*") for c in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
            found.append([])
        elif not set(line) <= set("|-: "):
            found[-1].append(dict(zip(header, cells)))
    return found


def table_with(text, columns):
    """The rows of the first table that has every one of ``columns``."""
    for rows in tables(text):
        if rows and set(columns) <= set(rows[0]):
            return rows
    raise ValueError(
        "no table with the columns %s: rerun the benchmark (--run) to get its "
        "current output" % sorted(columns)
    )


PREDICT_COLUMNS = ["dtype", "batch", "method", "model", "skprune speed-up"]


def predict_series(text, dtype="float64", method="predict_proba"):
    """``{batch: [(fraction of weights pruned, speed-up), ...]}`` and the neuron-pruned points.

    The speed-up is scikit-learn's dense ``MLPClassifier`` time over
    skprune's, for the rows of ``dtype`` and ``method``.
    """
    lines, neurons = {}, {}
    for row in table_with(text, PREDICT_COLUMNS):
        if row["dtype"] != dtype or row["method"] != method:
            continue
        batch, speed = int(row["batch"]), float(row["skprune speed-up"])
        pruned = re.fullmatch(r"([\d.]+) % pruned", row["model"])
        if pruned:
            lines.setdefault(batch, []).append((float(pruned.group(1)) / 100, speed))
            continue
        overall = re.search(r"\(([\d.]+) % of the original weights pruned\)", row["model"])
        if overall:
            neurons[batch] = (float(overall.group(1)) / 100, speed)
    return lines, neurons


def predict_figure(text):
    """predict_proba speed-up of skprune over scikit-learn's dense MLPClassifier."""
    lines, neurons = predict_series(text)
    fig, ax = plt.subplots(figsize=(6.4, 4.2), layout="constrained")
    for batch, color in zip(sorted(lines), ["tab:blue", "tab:orange", "tab:green"]):
        ax.plot(*zip(*sorted(lines[batch])), marker="o", color=color,
                label="batch %s" % format(batch, ","))
        if batch in neurons:
            ax.plot(*neurons[batch], marker="*", ms=12, color=color, ls="none")
    ax.plot([], [], marker="*", ms=12, color="gray", ls="none",
            label="half the neurons removed, then 90 % of the weights")
    ax.axhline(1, color="black", ls="--", lw=1, label="as fast as MLPClassifier")
    ax.set_xlabel("weights pruned (784-300-100-10 network, float64)")
    ax.set_ylabel("predict_proba: MLPClassifier time / skprune time")
    ax.xaxis.set_major_formatter(PercentFormatter(1, decimals=0))
    ax.set_xlim(-0.03, 1.01)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    return fig


# ---------------------------------------------------------------------- #
EPOCH_COLUMNS = ["data", "hidden", "dtype", "sklearn ms", "skprune ms"]


def epoch_series(text):
    """``[(label, dtype, skprune time / MLPClassifier time), ...]`` per row of the epoch table."""
    return [
        ("%s\nhidden %s, %s" % (r["data"], r["hidden"], r["dtype"]), r["dtype"],
         float(r["skprune ms"]) / float(r["sklearn ms"]))
        for r in table_with(text, EPOCH_COLUMNS)
    ]


def epoch_figure(text):
    """Milliseconds per full-batch epoch, skprune against MLPClassifier."""
    rows = epoch_series(text)
    labels = [label for label, _, _ in rows]
    ratio = [value for _, _, value in rows]
    fig, ax = plt.subplots(figsize=(6.4, 0.5 + 0.45 * len(rows)), layout="constrained")
    y = range(len(rows))
    ax.barh(y, ratio, color=["tab:blue" if d == "float64" else "tab:cyan" for _, d, _ in rows])
    for i, value in zip(y, ratio):
        ax.text(value + 0.01, i, "%.2f" % value, va="center", fontsize=8)
    ax.axvline(1, color="black", ls="--", lw=1)
    ax.set_yticks(list(y), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, max(1.1, max(ratio) * 1.15))
    ax.set_xlabel("time per full-batch epoch: skprune / MLPClassifier (below 1: faster)")
    return fig


FIGURES = {
    "accuracy": (accuracy_figure, "accuracy_vs_sparsity_digits.png"),
    "predict": (predict_figure, "predict_speedup_vs_sparsity.png"),
    "epoch": (epoch_figure, "epoch_time_vs_sklearn.png"),
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("figures", nargs="*", metavar="figure",
                        help="any of %s (default: all)" % ", ".join(FIGURES))
    parser.add_argument("--run", action="store_true",
                        help="rerun the benchmarks first (minutes each)")
    args = parser.parse_args(argv)
    unknown = set(args.figures) - set(FIGURES)
    if unknown:
        parser.error("unknown figure(s) %s; choose from %s" % (sorted(unknown), list(FIGURES)))
    for name in args.figures or list(FIGURES):
        if args.run:
            run_benchmark(name)
        draw, filename = FIGURES[name]
        fig = draw((RESULTS / SOURCES[name][0]).read_text())
        fig.savefig(IMAGES / filename, dpi=110)
        plt.close(fig)
        print("wrote", IMAGES / filename)


if __name__ == "__main__":
    main()
