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
from kiosk.waybill import WaybillRules, check_waybill, requested_carrier
from tests.conftest import EAN

UPS = "1Z999AA10123456784"
SF = "SF1234567890123"
EMS = "EA123456785CN"


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
    order = get_order(db, "SO-6")
    with pytest.raises(KioskError, match="already on order SO-1"):
        check_waybill(db, SF, order, WaybillRules())
    # The carrier recycled the number long ago: it is free again.
    db.execute("UPDATE shipments SET shipped_at = '2025-01-01T00:00:00.000+00:00'")
    assert check_waybill(db, SF, order, WaybillRules(duplicate_window=timedelta(days=180))).number == SF
    # A voided shipment frees its number at once.
    db.execute("UPDATE shipments SET shipped_at = '2026-11-27T00:00:00.000+00:00', voided_at = '2026-11-27'")
    assert check_waybill(db, SF, order, WaybillRules()).number == SF


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
