"""The dispatch log on constructed days whose answers are known."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from kiosk.auth import Operator
from kiosk.errors import KioskError
from kiosk.reports.day import business_date_of, business_day, shop_clock
from kiosk.reports.dispatch import dispatch_log, resolve_carrier, resolve_packer
from kiosk.reports.settings import ReportSettings
from kiosk.timefmt import short_time
from tests.report_data import LONDON, NEW_YORK, SHANGHAI, at, busy_day, put_order, put_parcel

SUPERVISOR = Operator("S001", "Zhang Min", "supervisor")
LI_WEI = Operator("P001", "Li Wei", "packer")
SETTINGS = ReportSettings(zone=LONDON, late_after_by_platform={"taobao": timedelta(hours=48)})
DAY = date(2026, 11, 27)
NOON = at("2026-11-27T12:00")


@pytest.fixture
def busy(db):
    busy_day(db)
    return db


def log_of(db, day=DAY, settings=SETTINGS, viewer=SUPERVISOR, now=None, **filters):
    return dispatch_log(db, viewer, business_day(day, settings), settings, now=now or at("2026-12-01T12:00"),
                        **filters)


def test_the_day_runs_from_its_day_start_to_the_next_one(busy):
    log = log_of(busy)
    # 04:59 belongs to the 26th, 05:00 to the 27th, and 00:30 on the 28th to the night shift of the 27th.
    assert [(r.order_id, r.package_no) for r in log.rows] == [
        ("D-02", 1), ("D-05", 1), ("D-03", 1), ("D-04", 1), ("D-04", 2)]
    assert [r.order_id for r in log_of(busy, date(2026, 11, 26)).rows] == ["D-01"]
    assert [r.order_id for r in log_of(busy, date(2026, 11, 28)).rows] == ["D-07"]


def test_totals_have_the_known_answers(busy):
    totals = log_of(busy).totals
    assert (totals.orders, totals.parcels, totals.units) == (4, 5, 7)
    assert (totals.scans, totals.accepted_scans) == (10, 7)
    assert totals.refused == {"line_complete": 1, "unknown_code": 1, "wrong_variant": 1}
    assert totals.scan_accuracy == 0.7
    # One unit of D-02 was reported missing two days later: 6 of 7 units went out right.
    assert (totals.problem_units, totals.shipment_accuracy) == (1, round(6 / 7, 4))
    # Seconds per item: 150 (D-02), 720 (D-05), 60 (D-03), 200 (D-04).
    assert (totals.median_seconds_per_item, totals.p90_seconds_per_item) == (175.0, 720.0)


def test_each_row_says_what_went_out(busy):
    rows = {(r.order_id, r.package_no): r for r in log_of(busy).rows}
    d04 = rows["D-04", 2]
    assert (d04.carrier, d04.tracking_number, d04.packer_name, d04.items, d04.units) == (
        "UPS", "1Z0000000000000042", "Li Wei", 2, 3)
    assert d04.pack_seconds == 600 and d04.local_time == "2026-11-28T00:30:00+00:00"
    # The first parcel of two carries no units: they go with the parcel that completes the order.
    assert (rows["D-04", 1].units, rows["D-04", 1].completes_order) == (0, False)
    assert rows["D-05", 1].short and not rows["D-02", 1].short
    assert rows["D-03", 1].carrier == "SF Express" and rows["D-03", 1].platform == "taobao"


def test_totals_per_packer_and_per_carrier(busy):
    log = log_of(busy)
    p001, p002 = log.by_packer
    assert (p001.key, p001.orders, p001.parcels, p001.units, p001.scans, p001.accepted_scans) == ("P001", 2, 3, 5, 7, 5)
    assert (p001.scan_accuracy, p001.shipment_accuracy, p001.median_seconds_per_item) == (0.7143, 0.8, 175.0)
    assert (p002.key, p002.orders, p002.refused, p002.median_seconds_per_item, p002.p90_seconds_per_item) == (
        "P002", 2, {"unknown_code": 1}, 390.0, 720.0)
    assert [(c.key, c.name, c.orders, c.units) for c in log.by_carrier] == [
        ("sf_express", "SF Express", 1, 1), ("ups", "UPS", 3, 6)]
    board = [(e.size, e.rank, e.packer, e.median_seconds_per_item) for e in log.leaderboard]
    assert board == [("1", 1, "P002", 390.0), ("2-3", 1, "P001", 175.0)]


def test_problems_shorts_holds_reprints_and_voids_with_who_approved(busy):
    log = log_of(busy)
    assert [(p.order_id, p.kind, p.approved_by, p.opened_in_day) for p in log.problems] == [
        ("D-05", "damaged", "S001", True)]
    assert [(s.order_id, s.ordered_units, s.shipped_units, s.approved_by) for s in log.shorts] == [
        ("D-05", 2, 1, "S001")]
    assert [(h.order_id, h.operator, h.reason) for h in log.holds] == [("SO-5", "P002", "address check")]
    assert [(r.order_id, r.operator, r.reason) for r in log.reprints] == [("D-05", "S001", "label smudged")]
    assert [(v.order_id, v.operator, v.reason, v.tracking_numbers) for v in log.voids] == [
        ("D-06", "S001", "wrong address", ("1Z0000000000000006",))]
    assert "D-06" not in {r.order_id for r in log.rows}


def test_the_late_list_is_oldest_first_with_per_platform_limits(busy):
    late = log_of(busy).late
    # At the end of the day (28th 05:00): W-04 (taobao, 48 h) and W-01 (24 h) are 23 h late; W-02 (taobao,
    # paid with W-01) is not late yet, and neither is the held W-03.
    assert [(o.order_id, o.late_seconds) for o in late] == [("W-04", 23 * 3600), ("W-01", 23 * 3600)]
    # During the day, the list is as of now.
    assert [o.order_id for o in log_of(busy, now=at("2026-11-27T06:30")).late] == ["W-04", "W-01"]
    assert log_of(busy, now=at("2026-11-27T05:30")).late == []


def test_hourly_throughput_by_carrier(busy):
    hours = log_of(busy).hourly
    assert len(hours) == 24 and hours[0].hour == "05:00" and hours[-1].hour == "04:00"
    counted = {h.hour: h.orders for h in hours if h.orders}
    assert counted == {"05:00": {"UPS": 1}, "13:00": {"UPS": 1}, "23:00": {"SF Express": 1}, "00:00": {"UPS": 1}}


def test_another_time_zone_moves_the_day(busy):
    shanghai = ReportSettings(zone=SHANGHAI)
    # 27 November in Shanghai runs from 26th 21:00 UTC to 27th 21:00 UTC.
    assert [r.order_id for r in log_of(busy, settings=shanghai).rows] == ["D-01", "D-02", "D-05"]
    assert business_date_of(at("2026-11-27T23:59"), shanghai) == date(2026, 11, 28)


@pytest.mark.parametrize(("day", "hours"), [(date(2026, 3, 7), 23), (date(2026, 10, 31), 25), (DAY, 24)])
def test_a_daylight_saving_change_day_is_23_or_25_hours(day, hours):
    settings = ReportSettings(zone=NEW_YORK)
    assert business_day(day, settings).hours == hours


def test_shipments_on_a_daylight_saving_day_land_in_the_right_hour(db):
    settings = ReportSettings(zone=NEW_YORK)
    with db.conn:
        for n, wall in enumerate(("2026-03-07T05:00", "2026-03-08T01:30", "2026-03-08T03:30", "2026-03-08T04:59",
                                  "2026-03-08T05:00"), 1):
            put_order(db, f"N-{n}", [("MUG-01", 1)], paid_at=at("2026-03-06T10:00", NEW_YORK))
            put_parcel(db, f"N-{n}", packer="P001", shipped_at=at(wall, NEW_YORK), tracking=f"1Z00000000000000N{n}")
    log = log_of(db, date(2026, 3, 7), settings)
    assert [r.order_id for r in log.rows] == ["N-1", "N-2", "N-3", "N-4"]
    assert len(log.hourly) == 23
    # 02:00 does not exist that night: 01:00 is followed by 03:00.
    assert [h.hour for h in log.hourly[-4:]] == ["00:00", "01:00", "03:00", "04:00"]
    counted = {h.hour: sum(h.orders.values()) for h in log.hourly if h.orders}
    assert counted == {"05:00": 1, "01:00": 1, "03:00": 1, "04:00": 1}
    assert "02:00" not in [h.hour for h in log.hourly]


def test_filters_by_packer_and_carrier(busy):
    mine = log_of(busy, packer="P001")
    assert {r.packer for r in mine.rows} == {"P001"} and mine.totals.orders == 2
    assert [p.key for p in mine.by_packer] == ["P001"]
    assert mine.late == []
    sf = log_of(busy, carrier="sf_express")
    assert [r.order_id for r in sf.rows] == ["D-03"] and sf.voids == [] and sf.holds == []


def test_a_packer_reads_only_their_own_figures_of_today(busy):
    own = log_of(busy, viewer=LI_WEI, now=NOON)
    assert {r.packer for r in own.rows} == {"P001"} and own.late == [] and own.notes == []
    with pytest.raises(KioskError, match="A packer sees only their own figures, not those of P002"):
        log_of(busy, viewer=LI_WEI, now=NOON, packer="P002")
    with pytest.raises(KioskError, match="A packer sees only today's figures"):
        log_of(busy, date(2026, 11, 26), viewer=LI_WEI, now=NOON)
    # A supervisor reads anyone's, any day.
    assert log_of(busy, viewer=SUPERVISOR, now=NOON, packer="P002").totals.orders == 2


def test_unknown_packer_and_carrier_are_refused(busy):
    assert resolve_packer(busy, " p001 ") == "P001"
    assert resolve_carrier(busy, "UPS") == "ups" and resolve_carrier(busy, "sf_express") == "sf_express"
    with pytest.raises(KioskError, match="Unknown packer NOBODY"):
        resolve_packer(busy, "nobody")
    with pytest.raises(KioskError, match="Unknown carrier Pigeon Post"):
        resolve_carrier(busy, "Pigeon Post")


def test_day_start_is_configurable(busy):
    midnight = ReportSettings(zone=LONDON, day_start=time(0, 0))
    assert [r.order_id for r in log_of(busy, settings=midnight).rows] == ["D-01", "D-02", "D-05", "D-03"]


def test_a_stored_time_reads_as_the_shop_s_wall_clock():
    stored = "2026-11-27T23:30:00.000+00:00"
    assert shop_clock(stored, ReportSettings(zone=LONDON)) == "11-27 23:30"
    assert shop_clock(stored, ReportSettings(zone=SHANGHAI)) == "11-28 07:30"
    assert shop_clock("2026-07-01T12:00:00.000+00:00", ReportSettings(zone=NEW_YORK)) == "07-01 08:00"


def test_a_short_time_reads_in_the_zone_asked_for():
    stored = "2026-11-27T23:30:00.000+00:00"
    # In Shanghai it is already the next morning: today's time, without a day.
    now = at("2026-11-28T10:00", SHANGHAI)
    in_shanghai, in_london = short_time(stored, now=now, zone=SHANGHAI), short_time(stored, now=now, zone=LONDON)
    assert "7:30" in in_shanghai and "28" not in in_shanghai
    # In London it is 02:00 on the 28th: the note is from yesterday evening, with its day.
    assert "11:30" in in_london and "27" in in_london
