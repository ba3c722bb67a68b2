"""The contention benchmark on a tiny run: it measures both phases and says the ratios (the figures
themselves mean nothing at this size)."""

from __future__ import annotations

from benchmarks.contention_runs import TARGET, measure_contention
from kiosk.db import open_database
from tests.invariants import violations


def test_a_tiny_contention_run_measures_one_station_alone_and_among_others(tmp_path):
    figures = measure_contention(tmp_path, orders=2, others=2)
    assert (figures.orders, figures.others) == (2, 2)
    assert min(figures.alone_scan_p99_ms, figures.busy_scan_p99_ms, figures.alone_ship_ms, figures.busy_ship_ms) > 0
    text = "\n".join(figures.lines())
    assert f"ratio {figures.scan_ratio:.2f} (target <= {TARGET})" in text
    assert f"ratio {figures.ship_ratio:.2f} (target <= {TARGET})" in text
    db = open_database(tmp_path / "contention.db")
    # The measured station shipped its 2 + 2 orders; the others shipped theirs exactly once too.
    assert db.execute("SELECT COUNT(*) FROM shipments WHERE order_id LIKE 'S00-%'").fetchone()[0] == 4
    assert db.execute("SELECT COUNT(*) FROM shipments").fetchone()[0] == 4 + figures.others_shipped
    assert violations(db) == []
