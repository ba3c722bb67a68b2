"""The benchmark harness, end to end on a tiny database, so it cannot rot.

Nothing here is timed: figures on a shared test machine mean nothing. What is checked is
the shape of the report (every figure measured, beside a floor, with a ratio and its sample
counts) and that each floor does the work its docstring promises.
"""

from __future__ import annotations

import io
import json
import math
import sqlite3
from pathlib import Path

import pytest
from PIL import Image

from benchmarks import report, run
from benchmarks.floor_label import HEIGHT, WIDTH, label_png
from benchmarks.label_runs import sample_label
from benchmarks.report import file_system, statfs_type
from benchmarks.run import TARGETS, Options, RamDisk, check_file_systems, parse_args, run_benchmarks

FIGURES = [
    "scan to feedback p50",
    "scan to feedback p99",
    "queue open (median)",
    "last scan to shipped (median)",
    "label render (median)",
    "start-up to first screen (median)",
    "peak memory (median)",
    "shift memory growth",
    "shift scan p99",
    "import of 300 order rows",
    "dispatch log of a busy day (median)",
    "dispatch log screen, first full frame (median)",
    "lookup by phone tail (median)",
    "lookup by name (median)",
    "lookup by tracking (median)",
    "search to results on screen (median)",
    "scan p99 among 2 paced stations",
    "waybill to shipped among 2 paced stations (median)",
    "scan p99 among 2 stations flat out",
    "waybill to shipped among 2 stations flat out (median)",
]


def test_a_quick_run_reports_every_figure_beside_its_floor(tmp_path):
    options = Options.quick(cache_dir=tmp_path / "cache")
    report = run_benchmarks(options, progress=lambda _message: None)

    assert [figure.name for figure in report.figures] == FIGURES
    for figure in report.figures:
        assert figure.value > 0 and figure.floor > 0, figure.name
        assert 0 < figure.ratio < math.inf, figure.name
        assert figure.target in TARGETS.values()
        assert figure.samples > 0 and figure.floor_samples > 0, figure.name
    figures = {figure.name: figure for figure in report.figures}
    assert report.sizes["shift_orders"] == options.shift_orders
    shipped = figures["last scan to shipped (median)"]
    # Every parcel of the shift is either timed or counted as a failed label, never both.
    assert shipped.samples + report.sizes["label_failures"] == options.shift_orders
    assert shipped.detail["label_durable_median_ms"] > 0 and shipped.detail["frame_median_ms"] > 0
    assert shipped.floor_samples == min(options.samples, shipped.samples)
    assert figures["shift memory growth"].samples == options.shift_orders
    assert figures["shift memory growth"].floor_samples == options.shift_orders // 2
    assert figures["queue open (median)"].samples == options.queue_opens
    assert figures["scan to feedback p50"].floor_samples == options.samples
    assert report.machine["cores"] and report.machine["textual"] and report.machine["sqlite"]
    assert set(report.machine["file_systems"]) == {"database", "spool"}
    assert {"build", "copy", "report_lookup", "log_screen", "lookup_screen", "import", "processes", "kiosk",
            "floor_apps", "labels", "contention", "total"} <= set(report.timings)
    # One station among 2 others (the quick run's), against itself alone: 2 orders of 3 scans each.
    contended = figures["scan p99 among 2 paced stations"]
    assert (contended.samples, contended.floor_samples) == (6, 6)
    assert contended.target == TARGETS["contention"] == 1.5
    assert contended.detail["slowest_1pct_ms"]["wall"] > 0
    assert figures["scan p99 among 2 stations flat out"].detail["others_shipped"] > 0
    # The quick run leaves the browser out, and says so.
    assert report.skipped == {"browser scan to feedback p50": "--browser-scans 0"}
    assert "browser scan to feedback p50: --browser-scans 0" in report.table()
    assert figures["import of 300 order rows"].detail["orders"] > 0
    assert figures["search to results on screen (median)"].samples == options.lookups
    assert figures["lookup by name (median)"].samples == options.lookups
    log_screen = figures["dispatch log screen, first full frame (median)"]
    assert log_screen.samples == log_screen.floor_samples == options.report_repeats
    assert log_screen.detail["day"] == figures["dispatch log of a busy day (median)"].detail["day"]
    assert log_screen.detail["parcels"] >= 1

    as_json = json.loads(json.dumps(report.as_json()))
    assert [figure["name"] for figure in as_json["figures"]] == FIGURES
    assert as_json["skipped"] == report.skipped
    assert all(figure["ratio"] > 0 and isinstance(figure["met"], bool) for figure in as_json["figures"])
    table = report.table()
    assert all(name in table for name in FIGURES)
    assert "machine:" in table and "file systems: database" in table

    # The ship floor committed one shipment row per parcel it timed; the cached file is untouched.
    assert len(list((tmp_path / "cache").glob("*.db"))) == 1
    cached = sqlite3.connect(next((tmp_path / "cache").glob("*.db")))
    assert not cached.execute("SELECT 1 FROM sqlite_master WHERE name = 'bench_floor_shipments'").fetchone()


def test_the_label_floor_draws_a_one_bit_4x6_label_at_203_dpi_with_both_codes():
    image = Image.open(io.BytesIO(label_png(sample_label("SO-00001234", "1ZBENCH1030000012"))))
    assert (image.format, image.mode, image.size) == ("PNG", "1", (WIDTH, HEIGHT)) == ("PNG", "1", (812, 1218))
    assert round(image.info["dpi"][0]) == 203
    # Black bars across a code's rows: a row through the tracking code changes colour many times.
    row = [image.getpixel((x, 180)) for x in range(WIDTH)]
    assert sum(1 for a, b in zip(row, row[1:], strict=False) if a != b) > 40


def test_a_ram_disk_is_refused_unless_allowed(tmp_path, monkeypatch):
    monkeypatch.setattr(run, "file_system", lambda _path: "tmpfs")
    with pytest.raises(RamDisk, match=r"the spool folder .* is on tmpfs, where fsync costs nothing"):
        check_file_systems({"spool": tmp_path}, allow_tmpfs=False)
    check_file_systems({"spool": tmp_path}, allow_tmpfs=True)


def test_the_file_system_is_read_from_the_mount_table(tmp_path):
    assert file_system(tmp_path) not in ("", "unknown")
    assert not file_system(tmp_path).startswith("unknown")


def test_without_the_mount_table_the_file_system_comes_from_statfs(tmp_path, monkeypatch):
    # A chroot whose root is not a mount point sees no mount above its files.
    empty = tmp_path / "mounts"
    empty.write_text("")
    known = statfs_type(tmp_path)
    monkeypatch.setattr(report, "MOUNT_TABLE", empty)
    assert file_system(tmp_path) == known
    assert not known.startswith("unknown")


def test_a_ram_disk_is_refused_even_where_the_mount_table_does_not_show_it(tmp_path, monkeypatch):
    shm = Path("/dev/shm")
    if not shm.is_dir() or statfs_type(shm) != "tmpfs":
        pytest.skip("this machine has no tmpfs at /dev/shm to try")
    empty = tmp_path / "mounts"
    empty.write_text("")
    monkeypatch.setattr(report, "MOUNT_TABLE", empty)
    with pytest.raises(RamDisk, match=r"the spool folder /dev/shm is on tmpfs, where fsync costs nothing"):
        check_file_systems({"spool": shm}, allow_tmpfs=False)


def test_command_line_options():
    options, as_json = parse_args(["--quick", "--orders", "50", "--samples", "7", "--shift-orders", "9", "--json",
                                   "--allow-tmpfs", "--import-rows", "40", "--browser-scans", "5",
                                   "--contention-orders", "0", "--contention-others", "3"])
    assert (options.contention_orders, options.contention_others) == (0, 3)
    assert (options.orders, options.shipped, options.samples, options.shift_orders, options.allow_tmpfs, as_json) \
        == (50, Options.quick().shipped, 7, 9, True, True)
    assert (options.import_rows, options.browser_scans, options.lookups) == (40, 5, Options.quick().lookups)
    defaults, as_json = parse_args([])
    assert (defaults.orders, defaults.shipped, defaults.shift_orders, defaults.samples, as_json) \
        == (100_000, 1_000_000, 2_000, 500, False)
    assert defaults.allow_tmpfs is False
    assert (defaults.import_rows, defaults.browser_scans) == (100_000, 30)
    assert (defaults.contention_orders, defaults.contention_others) == (200, 7)


def test_too_few_orders_for_the_run_is_a_usage_error(capsys):
    with pytest.raises(SystemExit, match="2") as exited:
        parse_args(["--orders", "100", "--shift-orders", "200"])
    assert exited.value.code == 2
    assert "--orders 100 is too few: the run packs 300 orders" in capsys.readouterr().err


def test_the_browser_figure_is_reported_beside_its_floor():
    """Chromium is not needed here: the figure is built from the scans the browser run returns."""
    from benchmarks.browser_runs import BrowserScans

    samples = run.Samples(None, [], [], [], [], [], [], [], browser=BrowserScans([30.0, 40.0, 50.0], [20.0, 25.0]))
    [figure] = run.extra_figures(samples)
    assert (figure.name, figure.value, figure.floor, figure.samples, figure.floor_samples) \
        == ("browser scan to feedback p50", 0.04, 0.0225, 3, 2)
    assert figure.target == TARGETS["browser"]


def test_a_machine_without_chromium_leaves_the_browser_figure_out_with_the_reason(monkeypatch, tmp_path):
    monkeypatch.setattr(run.browser_runs, "CHROMIUM", str(tmp_path / "no-chromium"))
    assert run.browser_runs.available() == f"no Chromium at {tmp_path / 'no-chromium'}"
