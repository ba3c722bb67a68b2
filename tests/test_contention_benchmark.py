"""The contention benchmark on a tiny run: it measures the three phases and says the ratios (the
figures themselves mean nothing at this size)."""

from __future__ import annotations

from benchmarks.contention_runs import TARGET, measure_contention
from kiosk.db import open_database
from tests.invariants import violations


def test_a_tiny_contention_run_measures_one_station_alone_among_paced_stations_and_among_busy_ones(tmp_path):
    figures = measure_contention(tmp_path, orders=2, others=2, pace=0.01, rounds=2)
    assert (figures.orders, figures.others, figures.pace_seconds) == (2, 2, 0.01)
    for phase in (figures.alone, figures.paced, figures.flat_out):
        assert phase.scan_p99_ms > 0 and phase.ship_ms > 0
        # The slowest scans are taken apart: their lock wait and hold are parts of their time.
        breakdown = phase.breakdown
        assert 0 <= breakdown.lock_wait_ms + breakdown.lock_held_ms <= breakdown.wall_ms
    assert figures.alone.others_shipped == 0 and figures.flat_out.others_shipped > 0
    text = "\n".join(figures.lines())
    for phase in (figures.paced, figures.flat_out):
        scan, ship = figures.ratios(phase)
        assert f"ratios {scan:.2f} and {ship:.2f} (target <= {TARGET})" in text
    assert "slowest 1 %" in text and "runnable processes" in text
    db = open_database(tmp_path / "contention.db")
    # The measured station shipped its 2 orders in each phase; the others shipped theirs exactly once too.
    assert db.execute("SELECT COUNT(*) FROM shipments WHERE order_id LIKE 'S00-%'").fetchone()[0] == 6
    others = figures.paced.others_shipped + figures.flat_out.others_shipped
    assert db.execute("SELECT COUNT(*) FROM shipments").fetchone()[0] == 6 + others
    assert violations(db) == []
