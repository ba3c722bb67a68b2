"""``kiosk report``: the same figures as a table, JSON, CSV and PDF, and one-line refusals."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from kiosk.db import open_database
from printing.fonts import missing_glyphs, pick_font
from tests.report_data import busy_day
from tests.test_cli import assert_one_line_refusal, isolated, run  # noqa: F401 - isolated is a fixture

ADDITIVE = ("orders", "parcels", "units", "scans", "accepted_scans", "problem_units")


@pytest.fixture
def report_args(tmp_path: Path, db_path: Path) -> list[str]:
    db = open_database(db_path)
    busy_day(db)
    with db.conn:
        db.execute("UPDATE operators SET name = '王芳' WHERE badge = 'P002'")
    db.conn.close()
    config = tmp_path / "kiosk.toml"
    config.write_text('timezone = "Europe/London"\nday_start = "05:00"\n'
                      "[late_after_hours_by_platform]\ntaobao = 48\n", encoding="utf-8")
    return ["--config", str(config), "--db", str(db_path), "report", "--date", "2026-11-27"]


def test_json_totals_are_the_sums_of_the_rows(capsys, report_args):
    code, out, err = run(capsys, *report_args, "--json")
    assert code == 0, err
    log = json.loads(out)
    rows, totals = log["rows"], log["totals"]
    assert (totals["orders"], totals["parcels"], totals["units"]) == (4, 5, 7)
    assert totals["orders"] == sum(r["completes_order"] for r in rows)
    assert totals["parcels"] == len(rows)
    for key in ("units", "scans", "accepted_scans", "problem_units"):
        assert totals[key] == sum(r[key] for r in rows)
    for group in ("by_carrier", "by_packer"):
        for key in ADDITIVE:
            assert totals[key] == sum(g[key] for g in log[group]), (group, key)
    refused = {}
    for r in rows:
        for kind, n in r["refused"].items():
            refused[kind] = refused.get(kind, 0) + n
    assert totals["refused"] == refused
    assert [o["order_id"] for o in log["late"]] == ["W-04", "W-01"]
    assert log["timezone"] == "Europe/London"


def test_the_table_lists_parcels_and_totals(capsys, report_args):
    code, out, _err = run(capsys, *report_args)
    assert code == 0
    assert out.startswith("Dispatch log 2026-11-27 (11-27 05:00 to 11-28 05:00, Europe/London)")
    assert "1Z0000000000000042" in out and "P002 王芳" in out
    totals_line = out.splitlines()[out.splitlines().index("Totals") + 2].split()
    assert totals_line == ["4", "5", "7", "10", "3", "70.0%", "85.7%", "175", "720"]


def test_csv_parses_back_to_the_json_rows(capsys, tmp_path, report_args):
    target = tmp_path / "day.csv"
    code, out, _err = run(capsys, *report_args, "--csv", str(target))
    assert code == 0 and out == f"Parcels written to {target}\n"
    _code, out, _err = run(capsys, *report_args, "--json")
    rows = json.loads(out)["rows"]
    with target.open(encoding="utf-8", newline="") as handle:
        parsed = list(csv.DictReader(handle))
    assert len(parsed) == len(rows) == 5
    for line, row in zip(parsed, rows, strict=True):
        refused = {key.removeprefix("refused_"): int(value) for key, value in line.items()
                   if key.startswith("refused_") and int(value)}
        assert refused == row["refused"]
        for key, value in row.items():
            if key == "refused":
                continue
            expected = "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
            assert line[key] == expected, key


def test_the_pdf_has_the_pages_and_totals_of_the_json(capsys, tmp_path, report_args):
    target = tmp_path / "day.pdf"
    code, out, err = run(capsys, *report_args, "--pdf", str(target))
    assert code == 0, err
    # Figures and chart, the parcels (5: one page), the day's lists.
    assert out == f"Report written to {target} (3 pages)\n"
    reader = PdfReader(target)
    assert len(reader.pages) == 3
    first = reader.pages[0].extract_text()
    _code, out, _err = run(capsys, *report_args, "--json")
    totals = json.loads(out)["totals"]
    figures = (f"{totals['orders']} {totals['parcels']} {totals['units']} {totals['scans']} "
               f"{totals['scans'] - totals['accepted_scans']} {totals['scan_accuracy'] * 100:.1f}% "
               f"{totals['shipment_accuracy'] * 100:.1f}% {totals['median_seconds_per_item']:g} "
               f"{totals['p90_seconds_per_item']:g}")
    assert figures == "4 5 7 10 3 70.0% 85.7% 175 720"
    assert figures in first
    assert "Orders per hour by carrier" in first and "SF Express" in first
    parcels = reader.pages[1].extract_text()
    assert "1Z0000000000000042" in parcels and "D-03" in parcels
    assert "W-04" in reader.pages[2].extract_text()
    if missing_glyphs(pick_font("王芳"), "王芳"):
        # No CJK font installed: the page says so instead of printing empty boxes.
        assert "cannot draw" in first and "U+738B" in first
        pytest.skip("no CJK font installed: the glyph assertion needs one")
    assert "王芳" in first


@pytest.mark.parametrize(("option", "message"), [
    (["--date", "2026-02-30"], "kiosk: Invalid date 2026-02-30: give a day as YYYY-MM-DD."),
    (["--date", "27/11/2026"], "kiosk: Invalid date 27/11/2026: give a day as YYYY-MM-DD."),
    (["--packer", "P404"], "kiosk: Unknown packer P404."),
    (["--carrier", "Pigeon"], "kiosk: Unknown carrier Pigeon (see kiosk tracking --list)."),
    # Empty is not "all", and a day at the end of the calendar has no next day to end on.
    (["--date", ""], "kiosk: Invalid date : give a day as YYYY-MM-DD."),
    (["--date", "9999-12-31"], "kiosk: Invalid date 9999-12-31: give a day as YYYY-MM-DD."),
    (["--packer", " "], "kiosk: Give a packer's badge."),
    (["--carrier", ""], "kiosk: Give a carrier id or name (see kiosk tracking --list)."),
])
def test_invalid_date_packer_or_carrier_is_refused_on_one_line(capsys, tmp_path, report_args, option, message):
    code, out, err = run(capsys, *report_args, *option, "--pdf", str(tmp_path / "no.pdf"))
    assert code == 1 and out == ""
    assert assert_one_line_refusal(err) == message
    assert not (tmp_path / "no.pdf").exists()


def test_filters_by_packer_and_carrier(capsys, report_args):
    _code, out, _err = run(capsys, *report_args, "--packer", "p002", "--json")
    log = json.loads(out)
    assert log["packer"] == "P002" and {r["packer"] for r in log["rows"]} == {"P002"}
    _code, out, _err = run(capsys, *report_args, "--carrier", "SF Express", "--json")
    assert [r["order_id"] for r in json.loads(out)["rows"]] == ["D-03"]


def test_a_bad_timezone_in_the_config_is_refused_by_name(capsys, tmp_path, report_args):
    Path(report_args[1]).write_text('timezone = "Mars/Olympus"\n', encoding="utf-8")
    code, _out, err = run(capsys, *report_args)
    assert code == 1
    assert "timezone Mars/Olympus is not an IANA time zone name" in assert_one_line_refusal(err)
