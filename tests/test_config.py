"""Configuration: defaults that work, one schema, and every bad value refused at start by name."""

from __future__ import annotations

import string
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.config import Config, CupsPrinter, RawPrinter, SpoolPrinter, load_config, parse_config
from kiosk.errors import KioskError


def test_defaults_work_without_a_file(tmp_path, monkeypatch):
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    config = load_config()
    assert config.database.name == "kiosk.db"
    assert config.printer == "spool"
    assert config.station


def test_file_settings_override_defaults(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text('station = "DESK-7"\ndatabase = "~/k.db"\nidle_lock_seconds = 60\n'
                    'sender = ["Shop", "1 Road"]\n', encoding="utf-8")
    config = load_config(path)
    assert config.station == "DESK-7"
    assert config.database == Path("~/k.db").expanduser()
    assert config.idle_lock_seconds == 60
    assert config.sender == ["Shop", "1 Road"]


def test_env_variable_names_the_file(tmp_path, monkeypatch):
    path = tmp_path / "desk.toml"
    path.write_text('station = "DESK-9"\n', encoding="utf-8")
    monkeypatch.setenv("KIOSK_CONFIG", str(path))
    assert load_config().station == "DESK-9"


def test_each_printer_backend_is_its_own_type(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text('printer = "zebra"\nitem_printer = "office"\n'
                    '[printers.zebra]\nbackend = "raw"\nhost = "192.0.2.10"\n'
                    '[printers.office]\nbackend = "cups"\nname = "Brother_QL"\n'
                    '[printers.archive]\nbackend = "spool"\nfolder = "~/labels"\nformat = "zpl"\n', encoding="utf-8")
    tables = load_config(path).printer_tables()
    assert tables == {
        "zebra": RawPrinter(host="192.0.2.10"),
        "office": CupsPrinter(name="Brother_QL"),
        "archive": SpoolPrinter(folder=Path("~/labels").expanduser(), format="zpl"),
    }
    assert (tables["zebra"].port, tables["zebra"].format, tables["office"].format) == (9100, "zpl", "pdf")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("station = ", "cannot be read"),
        ('colour = "red"', "unknown setting colour"),
        ('idle_lock_seconds = "soon"', "idle_lock_seconds must be int"),
        ("idle_lock_seconds = -1", "idle_lock_seconds must be 0 to 86400"),
        ("label_dpi = 600", "label_dpi must be one of 203, 300"),
        ('label_size = "A4"', "label_size must be one of 4x6, 100x150"),
        ("queue_page_size = 0", "queue_page_size must be 1 to 1000"),
        ("queue_page_size = -3", "queue_page_size must be 1 to 1000"),
        ("queue_page_size = 2.5", "queue_page_size must be int"),
        # Each of these loaded before and crashed later: F9, every waybill, or checked nothing.
        ("stale_claim_minutes = 99999999999999", "stale_claim_minutes must be 1 to 10080"),
        ("duplicate_window_days = 99999999999999", "duplicate_window_days must be 1 to 3660"),
        ("duplicate_window_days = -1", "duplicate_window_days must be 1 to 3660"),
        ("print_max_attempts = 0", "print_max_attempts must be 1 to 1000"),
        ('language = "fr"', "language must be one of en, zh_CN"),
        ('station = ""', "station cannot be empty"),
        ("database = 3", "database must be a path in quotes"),
        ('printer = "zebra"', r"printer names printer zebra, which is not configured \(known: spool\)"),
        ('item_printer = "desk"', "item_printer names printer desk, which is not configured"),
        ('[printers.x]\nbackend = "raw"\nhost = "p"\ntimeout = 0', "printers.x.timeout must be more than 0"),
        ('[printers.x]\nformat = "png"', "printers.x needs backend"),
        ("[[remote_areas]]\ncountry = \"CN\"", "remote_areas.1 needs name"),
        ('[[remote_areas]]\nname = "x"\ncountry = "CN"\ncarriers = ["pigeon"]', "unknown carrier pigeon"),
        ('sender = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]', "sender can have at most 8 entries"),
        ("min_supervisor_pin_length = 3", "min_supervisor_pin_length must be 4 to 8"),
        ("min_supervisor_pin_length = 9", "min_supervisor_pin_length must be 4 to 8"),
    ],
)
def test_bad_config_is_refused_by_name(tmp_path, text, reason):
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KioskError, match=reason):
        load_config(path)


def test_a_refusal_is_one_line(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text("[printers.x]\nbackend = \"raw\"\nhost = \"p\"\nport = 70000\n", encoding="utf-8")
    with pytest.raises(KioskError, match="printers.x.port must be 1 to 65535") as refused:
        load_config(path)
    assert "\n" not in str(refused.value)


def test_missing_explicit_file_is_refused(tmp_path):
    with pytest.raises(KioskError, match="does not exist"):
        load_config(tmp_path / "nope.toml")


def test_settings_code_changes_after_loading_stay_settable(tmp_path):
    config = Config(spool_dir=tmp_path)
    config.printers = {"hot": {"backend": "spool"}}
    assert config.printer_tables() == {"hot": SpoolPrinter()}


# -- anything a TOML file can hold: refused with KioskError or accepted, never another error --------

_SETTINGS = sorted(Config.__struct_fields__)
_scalars = st.one_of(
    st.booleans(), st.integers(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
    st.sampled_from(["spool", "raw", "cups", "4x6"]),
    st.datetimes(timezones=st.just(UTC)), st.dates(), st.times(),
)
_keys = st.one_of(st.sampled_from(_SETTINGS), st.sampled_from(["backend", "host", "port", "name", "country", "format"]),
                  st.text(string.ascii_lowercase + "_", min_size=1, max_size=8))
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_keys, inner, max_size=4),
                       max_leaves=12)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_keys, _values, max_size=6))
def test_arbitrary_toml_values_are_accepted_or_refused_never_crash(data):
    try:
        config = parse_config(data, "kiosk.toml")
    except KioskError as error:
        assert str(error).startswith("kiosk.toml: ") and "\n" not in str(error)
    else:
        assert isinstance(config, Config)


def test_toml_dates_are_refused_where_text_is_expected():
    for value in (datetime(2024, 1, 1, tzinfo=UTC), date(2024, 1, 1), time(8, 0)):
        with pytest.raises(KioskError, match="station must be str"):
            parse_config({"station": value}, "kiosk.toml")
