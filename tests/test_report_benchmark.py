"""The dispatch-log benchmark runs on a small generated history and checks its figures against SQL."""

from __future__ import annotations

from benchmarks.dataset import Sizes, build
from benchmarks.report_runs import report_figure


def test_the_report_benchmark_measures_the_same_figures_as_its_floor(tmp_path):
    path = tmp_path / "bench.db"
    build(path, Sizes(paid=10, shipped=2000), lambda _message: None)
    figure = report_figure(path, repeats=1)
    assert figure.samples == figure.floor_samples == 1
    assert figure.value > 0 and figure.floor > 0
    # 2,000 parcels over a year: a handful a day, each with its scans.
    assert figure.detail["history_parcels"] == 2000
    assert 1 <= figure.detail["orders"] <= 10 and figure.detail["scans"] >= figure.detail["orders"]
