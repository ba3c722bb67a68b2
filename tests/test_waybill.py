"""The waybill step: enabled carriers, check digits, duplicates, requested couriers, remote areas, parcels."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kiosk.auth import approve_as_supervisor
from kiosk.claims import claim_order
from kiosk.config import parse_config
from kiosk.errors import KioskError
from kiosk.orders import get_order
from kiosk.packing import PackSession
from kiosk.remote import DEFAULT_RULES, RemoteRule, remote_rule_for
from kiosk.shipping import record_waybill
from kiosk.waybill import CarrierChoiceNeeded, WaybillRules, check_waybill, requested_carrier
from tests.conftest import EAN

UPS = "1Z999AA10123456784"
SF = "SF1234567890123"
EMS = "EA123456785CN"
AMBIGUOUS = "986578788855"  # FedEx and SF Express


def packed(db, order_id: str) -> PackSession:
    claim_order(db, order_id, "P001", "DESK-1")
    session = PackSession(db, order_id, "P001", "DESK-1")
    session.acknowledge_notes()
    for progress in list(session.lines):
        for _ in range(progress.line.quantity):
            assert session.scan(EAN[progress.line.sku]).accepted
    return session


def test_carrier_service_and_url_are_stored_with_the_shipment(db):
    record_waybill(packed(db, "SO-1"), UPS, "spool")
    row = db.execute("SELECT carrier_id, carrier, service, tracking_url FROM shipments").fetchone()
    assert row[:2] == ("ups", "UPS")
    assert row[2]
    assert row[3].endswith(UPS)


def test_a_wrong_check_digit_is_refused_with_what_to_do(db):
    session = packed(db, "SO-1")
    with pytest.raises(KioskError, match="check digit wrong for UPS, scan again"):
        record_waybill(session, "1Z999AA10123456785", "spool")
    assert get_order(db, "SO-1")["status"] == "packing"


def test_an_unknown_format_is_refused(db):
    with pytest.raises(KioskError, match="unknown tracking number format"):
        check_waybill(db, "HELLO-WORLD-42", get_order(db, "SO-1"), WaybillRules())


def test_a_carrier_the_desk_does_not_use_is_refused(db):
    rules = WaybillRules(enabled=frozenset({"sf_express", "china_post"}))
    with pytest.raises(KioskError, match="this desk does not ship with it"):
        check_waybill(db, UPS, get_order(db, "SO-1"), rules)
    assert check_waybill(db, SF, get_order(db, "SO-1"), rules).carrier_id == "sf_express"


def test_duplicates_are_refused_inside_the_window_and_allowed_outside(db):
    record_waybill(packed(db, "SO-1"), SF, "spool")
    session = packed(db, "SO-6")
    with pytest.raises(KioskError, match="Tracking number SF1234567890123 is already on order SO-1"):
        record_waybill(session, SF, "spool")
    # The carrier recycled the number long ago: it is free again.
    db.execute("UPDATE shipments SET shipped_at = '2025-01-01T00:00:00.000+00:00'")
    assert record_waybill(session, SF, "spool", WaybillRules(duplicate_window=timedelta(days=180))).order_shipped
    assert db.execute("SELECT order_id, reuse_no FROM shipments ORDER BY id").fetchall() == [("SO-1", 0), ("SO-6", 1)]


def test_a_voided_shipment_frees_its_number_at_once(db):
    record_waybill(packed(db, "SO-1"), SF, "spool")
    db.execute("UPDATE shipments SET voided_at = '2026-11-27'")
    assert record_waybill(packed(db, "SO-6"), SF, "spool").order_shipped


def test_duplicates_are_per_carrier(db):
    # 986578788855 is a FedEx number and an SF Express number: one per carrier may be live.
    record_waybill(packed(db, "SO-1"), AMBIGUOUS, "spool", carrier="fedex")
    assert record_waybill(packed(db, "SO-6"), AMBIGUOUS, "spool", carrier="sf_express").carrier == "SF Express"
    db.execute("UPDATE orders SET status = 'paid', buyer_note = '' WHERE order_id = 'SO-2'")
    with pytest.raises(KioskError, match="Tracking number 986578788855 is already on order SO-1"):
        record_waybill(packed(db, "SO-2"), AMBIGUOUS, "spool", carrier="fedex")


def test_the_duplicate_check_is_made_inside_the_transaction_that_records_the_waybill(db_path, monkeypatch):
    from kiosk import shipping
    from kiosk.db import open_database

    first, second = packed(open_database(db_path), "SO-1"), packed(open_database(db_path), "SO-6")
    checked = shipping.check_waybill

    def other_station_commits_meanwhile(*args, **kwargs):
        waybill = checked(*args, **kwargs)
        monkeypatch.setattr(shipping, "check_waybill", checked)
        # Station 1 records the same number after station 2 checked it, before station 2 writes.
        record_waybill(first, SF, "spool")
        return waybill

    monkeypatch.setattr(shipping, "check_waybill", other_station_commits_meanwhile)
    with pytest.raises(KioskError, match="Tracking number SF1234567890123 is already on order SO-1"):
        record_waybill(second, SF, "spool")
    db = open_database(db_path)
    assert db.execute("SELECT order_id FROM shipments").fetchall() == [("SO-1",)]
    assert get_order(db, "SO-6")["status"] == "packing"


def test_a_unique_index_keeps_one_live_shipment_per_carrier_and_number(db):
    import sqlite3

    record_waybill(packed(db, "SO-1"), SF, "spool")
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE constraint failed: shipments.carrier_id"):
        db.execute("INSERT INTO shipments (order_id, carrier_id, tracking_number, operator, station, shipped_at)"
                   " VALUES ('SO-6', 'sf_express', ?, 'P001', 'DESK-1', '2026-12-01')", [SF])


def test_a_number_that_fits_two_carriers_is_settled_by_the_packers_choice(db):
    session = packed(db, "SO-1")
    with pytest.raises(CarrierChoiceNeeded, match=r"986578788855 fits 1\. FedEx / 2\. SF Express: choose") as asked:
        record_waybill(session, AMBIGUOUS, "spool")
    assert asked.value.candidates == (("fedex", "FedEx"), ("sf_express", "SF Express"))
    assert get_order(db, "SO-1")["status"] == "packing"
    shipment = record_waybill(session, AMBIGUOUS, "spool", carrier="sf_express")
    assert shipment.carrier == "SF Express"
    recorded = db.execute("SELECT json_extract(detail, '$.carrier_chosen') FROM events"
                          " WHERE kind = 'parcel_recorded'").fetchone()[0]
    assert recorded == 1


def test_the_requested_carrier_or_the_only_enabled_one_settles_it_without_asking(db):
    db.execute("UPDATE orders SET buyer_note = '', requested_carrier = 'SF Express' WHERE order_id = 'SO-1'")
    assert record_waybill(packed(db, "SO-1"), AMBIGUOUS, "spool").carrier == "SF Express"
    # 3318810025 fits DHL and Deppon; this desk ships with DHL only of the two.
    db.execute("UPDATE orders SET buyer_note = '' WHERE order_id = 'SO-2'")
    dhl_desk = WaybillRules(enabled=frozenset({"dhl", "ups"}))
    assert record_waybill(packed(db, "SO-2"), "3318810025", "spool", dhl_desk).carrier == "DHL"


def test_requested_courier_comes_from_ship_method_or_notes(db):
    order = dict(get_order(db, "SO-1"))
    assert requested_carrier(order) is None
    assert requested_carrier({**order, "requested_carrier": "SF Express"}) == "sf_express"
    assert requested_carrier({**order, "buyer_note": "麻烦发顺丰，谢谢"}) == "sf_express"
    assert requested_carrier({**order, "seller_note": "ship with UPS"}) == "ups"
    assert requested_carrier({**order, "buyer_note": "不要发中通，发EMS"}) == "china_post"


def test_another_carrier_than_requested_needs_a_supervisor(db):
    session = packed(db, "SO-2")  # the buyer asked for UPS
    with pytest.raises(KioskError, match="this order asks for UPS"):
        record_waybill(session, SF, "spool")
    approve_as_supervisor(db, "S001", "9999", "DESK-1", action="carrier_override", order_id="SO-2")
    shipment = record_waybill(session, SF, "spool")
    assert shipment.carrier == "SF Express"


def test_remote_areas_restrict_carriers(db):
    session = packed(db, "SO-6")  # 新疆
    with pytest.raises(KioskError, match="UPS does not deliver to Xinjiang: use"):
        record_waybill(session, UPS, "spool")
    assert record_waybill(session, EMS, "spool").carrier == "China Post (EMS)"
    assert get_order(db, "SO-6")["status"] == "shipped"


@pytest.mark.parametrize(
    ("country", "province", "postal", "city", "area"),
    [
        ("CN", "新疆维吾尔自治区", "830000", "乌鲁木齐", "Xinjiang"),
        ("CN", "Tibet", "", "Lhasa", "Tibet"),
        ("CN", "北京市", "100000", "北京", None),
        ("US", "HI", "96813", "Honolulu", "Hawaii"),
        ("US", "AE", "09012", "APO", "APO/FPO/DPO"),
        ("US", "NY", "10118", "New York", None),
        ("US", "", "99501", "Anchorage", "Alaska"),
        ("GB", "", "LS1 1AA", "Leeds", None),
    ],
)
def test_default_remote_rules(country, province, postal, city, area):
    rule = remote_rule_for(DEFAULT_RULES, country, province, postal, city)
    assert (rule.name if rule else None) == area


def test_remote_rules_from_config_and_their_refusals():
    config = parse_config({"remote_areas": [{"name": "Highlands", "country": "GB", "postal_prefixes": ["IV", "HS"],
                                             "carriers": ["ups"]}]}, "kiosk.toml")
    assert config.remote_rules == (RemoteRule("Highlands", "GB", postal_prefixes=("IV", "HS"), carriers=("ups",)),)
    assert parse_config({}, "kiosk.toml").remote_rules == DEFAULT_RULES
    with pytest.raises(KioskError, match="remote_areas.1 needs country"):
        parse_config({"remote_areas": [{"name": "x"}]}, "kiosk.toml")
    with pytest.raises(KioskError, match="unknown setting remote_areas.1.zone"):
        parse_config({"remote_areas": [{"name": "x", "country": "GB", "zone": 1}]}, "kiosk.toml")
    with pytest.raises(KioskError, match="remote_areas.1.carriers must be a list"):
        parse_config({"remote_areas": [{"name": "x", "country": "GB", "carriers": "ups"}]}, "kiosk.toml")
    with pytest.raises(KioskError, match="unknown carrier teleport"):
        parse_config({"carriers": ["ups", "teleport"]}, "kiosk.toml")


def test_an_order_ships_in_several_parcels(db):
    session = packed(db, "SO-1")
    session.set_parcel_count(2)
    first = record_waybill(session, UPS, "spool")
    assert (first.package_no, first.package_count, first.order_shipped) == (1, 2, False)
    assert get_order(db, "SO-1")["status"] == "packing"
    with pytest.raises(KioskError, match="can no longer change"):
        session.set_parcel_count(3)
    # A restart in between resumes at parcel 2.
    again = PackSession(db, "SO-1", "P001", "DESK-1")
    assert (again.parcels_recorded, again.parcel_count) == (1, 2)
    with pytest.raises(KioskError, match="already on order SO-1"):
        record_waybill(again, UPS, "spool")
    second = record_waybill(again, "1Z5R89390357567127", "spool")
    assert (second.package_no, second.order_shipped) == (2, True)
    assert get_order(db, "SO-1")["status"] == "shipped"
    assert db.execute("SELECT package_no, package_count FROM shipments ORDER BY id").fetchall() == [(1, 2), (2, 2)]
    with pytest.raises(KioskError, match="1 to 20 parcels"):
        PackSession(db, "SO-2", "P001", "DESK-1").set_parcel_count(0)
