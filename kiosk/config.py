"""Station configuration from a TOML file, with defaults that work on a fresh machine."""

from __future__ import annotations

import os
import socket
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import platformdirs

from kiosk.errors import KioskError
from kiosk.i18n import _

APP_NAME = "packing-desk-kiosk"
CONFIG_ENV = "KIOSK_CONFIG"


def _default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME))


@dataclass
class Config:
    station: str = field(default_factory=lambda: socket.gethostname().split(".")[0].upper())
    database: Path = field(default_factory=lambda: _default_data_dir() / "kiosk.db")
    spool_dir: Path = field(default_factory=lambda: _default_data_dir() / "spool")
    printer: str = "spool"
    label_size: str = "4x6"
    label_dpi: int = 203
    label_font: str = ""
    sender: list[str] = field(default_factory=lambda: ["Packing Desk", "1 Warehouse Road"])
    # Lock the screen after this long without a key press (0 turns it off).
    idle_lock_seconds: int = 300
    language: str = ""
    queue_page_size: int = 200
    # A claim whose station has not been heard from for this long shows on the supervisor's exceptions list.
    stale_claim_minutes: int = 10


_PATH_FIELDS = {"database", "spool_dir"}


def config_path(explicit: str | Path | None = None) -> Path:
    """Where the configuration is read from: --config, then KIOSK_CONFIG, then the user folder."""
    if explicit:
        return Path(explicit)
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    return Path(platformdirs.user_config_dir(APP_NAME)) / "kiosk.toml"


def load_config(explicit: str | Path | None = None) -> Config:
    """Read the TOML file if there is one; unknown keys and wrong types are refused by name."""
    path = config_path(explicit)
    config = Config()
    if not path.exists():
        if explicit or os.environ.get(CONFIG_ENV):
            raise KioskError(_("Config file {path} does not exist.").format(path=path))
        return config
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise KioskError(_("Config file {path} cannot be read: {error}").format(path=path, error=error)) from error
    apply_settings(config, data, str(path))
    return config


def apply_settings(config: Config, data: dict[str, Any], where: str) -> None:
    known = {f.name: f for f in fields(Config)}
    for key, value in data.items():
        if key not in known:
            raise KioskError(_("{where}: unknown setting {key}.").format(where=where, key=key))
        current = getattr(config, key)
        if key in _PATH_FIELDS:
            if not isinstance(value, str):
                raise KioskError(_("{where}: {key} must be a path in quotes.").format(where=where, key=key))
            value = Path(value).expanduser()
        elif isinstance(current, bool) or not isinstance(value, type(current)):
            raise KioskError(
                _("{where}: {key} must be {kind}.").format(where=where, key=key, kind=type(current).__name__)
            )
        setattr(config, key, value)
    if config.label_size not in ("4x6", "100x150"):
        raise KioskError(_("{where}: label_size must be 4x6 or 100x150.").format(where=where))
    if config.label_dpi not in (203, 300):
        raise KioskError(_("{where}: label_dpi must be 203 or 300.").format(where=where))
    if config.idle_lock_seconds < 0:
        raise KioskError(_("{where}: idle_lock_seconds cannot be negative.").format(where=where))
