"""The documentation's figures and tables come from the benchmarks' saved output."""

from pathlib import Path

import pytest
from _bench import load_script

ROOT = Path(__file__).resolve().parents[1]


def test_md_to_rst_keeps_parenthesised_numbers_as_text():
    md_to_rst = load_script("benchmarks/md_to_rst.py")
    text = md_to_rst.convert(
        "### Title\n\n| hidden | ms |\n|---|---|\n| (100) | 1.5 |\n| 256-128 | |\n"
    )
    assert ".. rubric:: Title\n" in text
    assert "   :header-rows: 1" in text
    assert "   * - \\(100)" in text and "     - 1.5" in text
    assert "   * - 256-128\n     -\n" in text  # an empty cell stays a cell


def test_md_to_rst_keeps_trailing_underscores_as_text():
    # "sparsity_" is a fitted attribute, not a reference to a target.
    md_to_rst = load_script("benchmarks/md_to_rst.py")
    text = md_to_rst.convert("its sparsity_ column\n\n| sparsity_ | retrain_solver |\n|---|---|\n")
    assert "its sparsity\\_ column" in text
    assert "   * - sparsity\\_\n     - retrain_solver" in text


@pytest.mark.parametrize("name", ["accuracy", "predict", "epoch"])
def test_figures_draw_from_the_saved_benchmark_output(name, tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    figures = load_script("docs/images/make_figures.py")
    monkeypatch.setattr(figures, "IMAGES", tmp_path)
    figures.main([name])
    out = tmp_path / figures.FIGURES[name][1]
    assert out.stat().st_size > 10_000
    # Every committed figure has its benchmark output next to the benchmarks.
    assert (figures.RESULTS / figures.SOURCES[name][0]).is_file()
    assert (ROOT / "docs" / "images" / figures.FIGURES[name][1]).is_file()


def test_accuracy_figure_reads_every_row():
    figures = load_script("docs/images/make_figures.py")
    text = (figures.RESULTS / "accuracy_vs_sparsity_digits.md").read_text()
    fig = figures.accuracy_figure(text)
    lines = [line for ax in fig.axes for line in ax.get_lines()]
    # Three panels, each with its schedules, random pruning and the unpruned line.
    assert len(fig.axes) == 3 and len(lines) >= 3 * 4
