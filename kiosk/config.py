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
from kiosk.remote import RemoteRule, rules_from_config

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
    queue_page_size: int = 50
    # -- labels and printers --------------------------------------------------
    # Named printers, [printers.NAME] tables: backend = "spool" (folder, format), "cups" (name, media,
    # format) or "raw" (host, port: ZPL over TCP). The printer "spool" (spool_dir, PNG) always exists;
    # `printer` names the one shipping labels go to.
    printers: dict = field(default_factory=dict)
    # Where item stickers print ("" = the shipping label printer) and on which stock.
    item_printer: str = ""
    item_label_size: str = "2.25x1.25"
    # Privacy waybill: the recipient's phone prints masked (138****5678).
    label_privacy: bool = False
    # lp media for shipping labels on a cups printer without its own media ("" = the label size).
    cups_media: str = ""
    # A job that failed because a printer was off is retried this often, this many times in all.
    print_retry_seconds: int = 60
    print_max_attempts: int = 10
    # A claim whose station has not been heard from for this long shows on the supervisor's exceptions list.
    stale_claim_minutes: int = 10
    # Carrier ids this desk ships with (see `kiosk tracking --list`); empty means every known carrier.
    carriers: list[str] = field(default_factory=list)
    # A tracking number comes back only after carriers recycle it: duplicates are refused within this window.
    duplicate_window_days: int = 180
    # [[remote_areas]] tables; empty means the built-in rules (kiosk/remote.py).
    remote_areas: list[dict] = field(default_factory=list)
    # -- reports, manifests and the handover book --------------------------------
    # The business day: an IANA time zone ("" = the machine's) and the local time a day starts, so that a
    # night shift ending at 01:00 belongs to the day it started.
    timezone: str = ""
    day_start: str = "05:00"
    # A paid order not shipped after this many hours is late; [late_after_hours_by_platform] overrides it
    # per platform (taobao = 48).
    late_after_hours: int = 24
    late_after_hours_by_platform: dict = field(default_factory=dict)
    # [[shifts]] tables (name, start "HH:MM"), in any order; handover notes go to the next shift.
    shifts: list[dict] = field(default_factory=lambda: [{"name": "day", "start": "05:00"},
                                                        {"name": "night", "start": "17:00"}])

    @property
    def remote_rules(self) -> tuple[RemoteRule, ...]:
        return rules_from_config(self.remote_areas)


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
        elif isinstance(current, bool) != isinstance(value, bool) or not isinstance(value, type(current)):
            raise KioskError(
                _("{where}: {key} must be {kind}.").format(where=where, key=key, kind=type(current).__name__)
            )
        setattr(config, key, value)
    if config.label_size not in ("4x6", "100x150"):
        raise KioskError(_("{where}: label_size must be 4x6 or 100x150.").format(where=where))
    if config.label_dpi not in (203, 300):
        raise KioskError(_("{where}: label_dpi must be 203 or 300.").format(where=where))
    rules_from_config(config.remote_areas)  # refuses malformed [[remote_areas]] now, not at the first order
    if config.carriers:
        _check_carriers(config, where)
    if config.idle_lock_seconds < 0:
        raise KioskError(_("{where}: idle_lock_seconds cannot be negative.").format(where=where))
    _check_printing(config, where)
    from kiosk.reports.settings import check_report_settings

    check_report_settings(config, where)


def _check_carriers(config: Config, where: str) -> None:
    # Imported here, not at the top: start-up waits for every import, and most desks name no carriers.
    from kiosk.carriers import list_carriers

    unknown = set(config.carriers) - {carrier_id for carrier_id, _name in list_carriers()}
    if unknown:
        raise KioskError(
            _("{where}: unknown carrier {carriers} (see kiosk tracking --list).").format(
                where=where, carriers=", ".join(sorted(unknown))
            )
        )


def _check_printing(config: Config, where: str) -> None:
    """The printer table, the printers named for labels and stickers, and the retry settings."""
    from kiosk.printers import configured_printers
    from printing.item_labels import ITEM_LABEL_SIZES

    names = configured_printers(config, where)
    for key in ("printer", "item_printer"):
        name = getattr(config, key)
        if name and name not in names:
            raise KioskError(
                _("{where}: {key} names printer {name}, which is not configured (known: {known}).").format(
                    where=where, key=key, name=name, known=", ".join(sorted(names))
                )
            )
    if config.item_label_size not in ITEM_LABEL_SIZES:
        raise KioskError(
            _("{where}: item_label_size must be one of {sizes}.").format(where=where, sizes=", ".join(ITEM_LABEL_SIZES))
        )
    if config.print_retry_seconds < 5:
        raise KioskError(_("{where}: print_retry_seconds must be at least 5.").format(where=where))
    if config.print_max_attempts < 1:
        raise KioskError(_("{where}: print_max_attempts must be at least 1.").format(where=where))
