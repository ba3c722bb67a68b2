"""The import figure's function, on a small file so it cannot rot (nothing here is timed)."""

from __future__ import annotations

from benchmarks.import_runs import measure_import
from kiosk.db import open_database


def test_the_import_figure_imports_every_row_and_measures_its_floor(tmp_path):
    figure = measure_import(tmp_path, rows=2000)
    assert figure.rows == 2000 and figure.orders > 0
    assert figure.seconds > 0 and figure.floor_seconds > 0 and figure.ratio > 0
    imported = open_database(tmp_path / "imported.db")
    floor = open_database(tmp_path / "floor.db")
    for table in ("orders", "order_lines"):
        assert list(imported.query(f"SELECT * FROM {table}")) == list(floor.query(f"SELECT * FROM {table}"))
    assert imported.execute("SELECT SUM(quantity > 0) FROM order_lines").fetchone()[0] == 2000
