"""Configuration: defaults that work, and clear refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import load_config
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


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("station = ", "cannot be read"),
        ('colour = "red"', "unknown setting colour"),
        ('idle_lock_seconds = "soon"', "idle_lock_seconds must be int"),
        ("label_dpi = 600", "label_dpi must be 203 or 300"),
        ('label_size = "A4"', "label_size must be 4x6 or 100x150"),
        ("min_supervisor_pin_length = 3", "min_supervisor_pin_length must be 4 to 8"),
        ("min_supervisor_pin_length = 9", "min_supervisor_pin_length must be 4 to 8"),
    ],
)
def test_bad_config_is_refused_by_name(tmp_path, text, reason):
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KioskError, match=reason):
        load_config(path)


def test_missing_explicit_file_is_refused(tmp_path):
    with pytest.raises(KioskError, match="does not exist"):
        load_config(tmp_path / "nope.toml")

