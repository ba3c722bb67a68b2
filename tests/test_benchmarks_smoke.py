"""The benchmark harness, end to end on a tiny database, so it cannot rot.

Nothing here is timed: figures on a shared test machine mean nothing. What is checked is
the shape of the report: every figure measured, beside a floor, with a ratio.
"""

from __future__ import annotations

import json
import math

from benchmarks.run import TARGETS, Options, parse_args, run_benchmarks

FIGURES = [
    "scan to feedback p50",
    "scan to feedback p99",
    "queue open (median)",
    "last scan to shipped (median)", "label render (median)",
    "start-up to first screen (median)",
    "peak memory (median)",
]


def test_a_quick_run_reports_every_figure_beside_its_floor(tmp_path):
    options = Options.quick(cache_dir=tmp_path / "cache")
    report = run_benchmarks(options, progress=lambda _message: None)

    assert [figure.name for figure in report.figures] == FIGURES
    for figure in report.figures:
        assert figure.value > 0 and figure.floor > 0, figure.name
        assert 0 < figure.ratio < math.inf, figure.name
        assert figure.target in TARGETS.values()
        assert figure.samples > 0 and figure.floor_samples > 0
    assert report.sizes["scans"] >= options.scans
    assert report.sizes["parcels_shipped"] >= 1
    assert report.figures[3].detail["label_failures"] == 0
    assert report.machine["cores"] and report.machine["textual"]
    assert {"build", "copy", "kiosk", "total"} <= set(report.timings)

    as_json = json.loads(json.dumps(report.as_json()))
    assert [figure["name"] for figure in as_json["figures"]] == FIGURES
    assert all(figure["ratio"] > 0 and isinstance(figure["met"], bool) for figure in as_json["figures"])
    table = report.table()
    assert all(name in table for name in FIGURES)
    assert "machine:" in table

    # The built database is cached by size: a second build is skipped.
    assert len(list((tmp_path / "cache").glob("*.db"))) == 1


def test_command_line_options():
    options, as_json = parse_args(["--quick", "--orders", "50", "--scans", "7", "--json"])
    assert (options.orders, options.shipped, options.scans, as_json) == (50, Options.quick().shipped, 7, True)
    defaults, as_json = parse_args([])
    assert (defaults.orders, defaults.shipped, defaults.scans, as_json) == (100_000, 1_000_000, 500, False)
