"""Station configuration: a TOML file checked against a typed schema once, at start.

`Config` is the schema: every setting with its type, its range and a default that works on a
fresh machine. msgspec converts the file's tables into it and refuses, by name, an unknown
setting, a wrong type or a value out of range; `_refusal` turns msgspec's report into one
translated line naming the setting. Nothing else in the kiosk checks a setting again.
"""

from __future__ import annotations

import os
import re
import socket
import tomllib
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Literal, get_type_hints

import msgspec
import platformdirs

from kiosk.errors import KioskError
from kiosk.i18n import LANGUAGES, N_, _
from kiosk.remote import DEFAULT_RULES, RemoteRule, country_code
from printing.formats import FORMATS
from printing.sizes import ITEM_LABEL_SIZES, LABEL_DPIS, LABEL_SIZES

APP_NAME = "packing-desk-kiosk"
CONFIG_ENV = "KIOSK_CONFIG"
# The printer every station has: PNG files in spool_dir.
BUILTIN_PRINTER = "spool"

# Literal types built from the tables they must match, so a new label size or catalog needs no edit here.
LabelSize = Literal[tuple(LABEL_SIZES)]  # type: ignore[valid-type]
ItemLabelSize = Literal[ITEM_LABEL_SIZES]  # type: ignore[valid-type]
LabelDpi = Literal[LABEL_DPIS]  # type: ignore[valid-type]
Language = Literal[("", *LANGUAGES)]  # type: ignore[valid-type]
SpoolFormat = Literal[FORMATS]  # type: ignore[valid-type]
Text = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


def _range(low: int, high: int) -> Any:
    return Annotated[int, msgspec.Meta(ge=low, le=high)]


def _default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME))


def _host_station() -> str:
    return socket.gethostname().split(".")[0].upper() or "DESK"


# -- printers: one type per backend, told apart by `backend` --------------------------------------


class _PrinterTable(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag_field="backend"):
    pass


class SpoolPrinter(_PrinterTable, tag="spool"):
    """Label files in a folder (another program or a person prints them)."""

    folder: Path | None = None  # default: the config's spool_dir
    format: SpoolFormat = "png"


class CupsPrinter(_PrinterTable, tag="cups"):
    """A CUPS queue, through `lp`."""

    name: Text  # the CUPS printer name, as `lpstat -p` lists it
    media: str = ""  # lp -o media=...; "" = the label's own size
    format: Literal["pdf", "png"] = "pdf"


class RawPrinter(_PrinterTable, tag="raw"):
    """ZPL II over TCP (port 9100 on most label printers)."""

    host: Text
    port: _range(1, 65535) = 9100
    format: Literal["zpl"] = "zpl"
    timeout: Annotated[float, msgspec.Meta(gt=0, le=300)] = 10.0


PrinterTable = SpoolPrinter | CupsPrinter | RawPrinter
BACKENDS: tuple[str, ...] = tuple(member.__struct_config__.tag for member in PrinterTable.__args__)


class RemoteArea(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One ``[[remote_areas]]`` table: where an address is remote, and who delivers there."""

    name: Text
    country: Text  # ISO code or a common name ("China", "USA")
    provinces: tuple[str, ...] = ()
    postal_prefixes: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    carriers: tuple[str, ...] = ()  # carrier ids; empty means any carrier

    def rule(self) -> RemoteRule:
        return RemoteRule(self.name, country_code(self.country), self.provinces, self.postal_prefixes,
                          self.cities, self.carriers)


# -- the settings ----------------------------------------------------------------------------------


class Config(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    station: Name = msgspec.field(default_factory=_host_station)
    database: Path = msgspec.field(default_factory=lambda: _default_data_dir() / "kiosk.db")
    spool_dir: Path = msgspec.field(default_factory=lambda: _default_data_dir() / "spool")
    # The printer shipping labels go to: "spool" or a [printers.NAME] table.
    printer: Name = BUILTIN_PRINTER
    label_size: LabelSize = "4x6"
    label_dpi: LabelDpi = 203
    label_font: str = ""
    sender: Annotated[list[Annotated[str, msgspec.Meta(max_length=200)]], msgspec.Meta(max_length=8)] = (
        msgspec.field(default_factory=lambda: ["Packing Desk", "1 Warehouse Road"]))
    # Lock the screen after this long without a key press (0 turns it off; at most a day).
    idle_lock_seconds: _range(0, 86_400) = 300
    language: Language = ""
    queue_page_size: _range(1, 1000) = 50
    # Named printers, [printers.NAME] tables of SpoolPrinter, CupsPrinter or RawPrinter. Kept here
    # as the tables were written (kiosk/printers.py reads them); `printer_tables()` gives them typed.
    printers: dict[str, Any] = {}
    # Where item stickers print ("" = the shipping label printer) and on which stock.
    item_printer: Annotated[str, msgspec.Meta(max_length=64)] = ""
    item_label_size: ItemLabelSize = "2.25x1.25"
    # Privacy waybill: the recipient's phone prints masked (138****5678).
    label_privacy: bool = False
    # lp media for shipping labels on a cups printer without its own media ("" = the label size).
    cups_media: str = ""
    # A job that failed because a printer was off is retried this often, this many times in all.
    print_retry_seconds: _range(5, 86_400) = 60
    print_max_attempts: _range(1, 1000) = 10
    # A claim whose station has not been heard from for this long shows on the supervisor's exceptions list.
    stale_claim_minutes: _range(1, 10_080) = 10
    # Carrier ids this desk ships with (see `kiosk tracking --list`); empty means every known carrier.
    carriers: list[Name] = []
    # A tracking number comes back only after carriers recycle it: duplicates are refused within this window.
    duplicate_window_days: _range(1, 3660) = 180
    # [[remote_areas]] tables; empty means the built-in rules (kiosk/remote.py).
    remote_areas: list[RemoteArea] = []
    # Supervisors' PINs are at least this many digits (PINs are 4 to 8 digits).
    min_supervisor_pin_length: _range(4, 8) = 6
    # -- reports, manifests and the handover book --------------------------------
    # The business day: an IANA time zone ("" = the machine's) and the local time a day starts, so that a
    # night shift ending at 01:00 belongs to the day it started (checked by kiosk.reports.settings).
    timezone: Annotated[str, msgspec.Meta(max_length=64)] = ""
    day_start: Annotated[str, msgspec.Meta(max_length=5)] = "05:00"
    # A paid order not shipped after this many hours is late; [late_after_hours_by_platform] overrides it
    # per platform (taobao = 48).
    late_after_hours: _range(1, 24 * 366) = 24
    late_after_hours_by_platform: dict[Name, int] = {}
    # [[shifts]] tables (name, start "HH:MM"), in any order; handover notes go to the next shift.
    shifts: list[dict[str, str]] = msgspec.field(default_factory=lambda: [{"name": "day", "start": "05:00"},
                                                                          {"name": "night", "start": "17:00"}])

    @property
    def remote_rules(self) -> tuple[RemoteRule, ...]:
        return tuple(area.rule() for area in self.remote_areas) or DEFAULT_RULES

    def printer_tables(self) -> dict[str, PrinterTable]:
        """The [printers.NAME] tables as their typed backend settings (checked at load)."""
        return {name: msgspec.convert(entry, PrinterTable, dec_hook=_decode_path)
                for name, entry in self.printers.items()}


def config_path(explicit: str | Path | None = None) -> Path:
    """Where the configuration is read from: --config, then KIOSK_CONFIG, then the user folder."""
    if explicit:
        return Path(explicit)
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    return Path(platformdirs.user_config_dir(APP_NAME)) / "kiosk.toml"


def load_config(explicit: str | Path | None = None) -> Config:
    """Read the TOML file if there is one; anything the schema refuses is refused by name."""
    path = config_path(explicit)
    if not path.exists():
        if explicit or os.environ.get(CONFIG_ENV):
            raise KioskError(_("Config file {path} does not exist.").format(path=path))
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise KioskError(_("Config file {path} cannot be read: {error}").format(path=path, error=error)) from error
    return parse_config(data, str(path))


def parse_config(data: dict[str, Any], where: str) -> Config:
    """The settings of one TOML document, checked; `where` names the file in refusals."""
    try:
        config = msgspec.convert(data, Config, dec_hook=_decode_path)
    except msgspec.ValidationError as error:
        raise _refusal(error, Config, data, "", where) from None
    for name, entry in config.printers.items():
        try:
            msgspec.convert(entry, PrinterTable, dec_hook=_decode_path)
        except msgspec.ValidationError as error:
            raise _refusal(error, PrinterTable, entry, f"printers.{name}", where) from None
    _check_names(config, where)
    from kiosk.reports.settings import check_report_settings  # zoneinfo loads only with a config file

    check_report_settings(config, where)
    return config


def _decode_path(kind: type, value: Any) -> Any:
    if kind is Path and isinstance(value, str | Path):
        return Path(value).expanduser()
    raise TypeError


def _check_names(config: Config, where: str) -> None:
    """Settings that name something: a configured printer, a known carrier."""
    printers = {BUILTIN_PRINTER, *config.printers}
    for key in ("printer", "item_printer"):
        name = getattr(config, key)
        if name and name not in printers:
            raise KioskError(
                _("{where}: {key} names printer {name}, which is not configured (known: {known}).").format(
                    where=where, key=key, name=name, known=", ".join(sorted(printers))
                )
            )
    named = set(config.carriers) | {c for area in config.remote_areas for c in area.carriers}
    if named:
        # Imported here, not at the top: start-up waits for every import, and most desks name no carriers.
        from kiosk.carriers import list_carriers

        unknown = named - {carrier_id for carrier_id, _name in list_carriers()}
        if unknown:
            raise KioskError(
                _("{where}: unknown carrier {carriers} (see kiosk tracking --list).").format(
                    where=where, carriers=", ".join(sorted(unknown))
                )
            )


# -- refusals: msgspec's report as one line naming the setting -------------------------------------

# "Expected `int` >= 5 - at `$.print_retry_seconds`" -> the problem, and the path after `$`.
_REPORT = re.compile(r"^(?P<problem>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)
_STEP = re.compile(r"\.([^.\[]+)|\[(\d+|\.\.\.)\]")
# What a missing required setting is, where its name alone does not say.
_NEEDS = {
    (CupsPrinter, "name"): N_("the CUPS printer name (lpstat -p lists them)"),
    (RawPrinter, "host"): N_("the printer's address"),
}


def _refusal(error: msgspec.ValidationError, root: Any, data: Any, prefix: str, where: str) -> KioskError:
    report = _REPORT.match(str(error))
    problem, path = report["problem"], report["path"] or ""
    # List positions are counted from 1, as a person counts [[remote_areas]] tables.
    steps = [name or (str(int(index) + 1) if index.isdigit() else index) for name, index in _STEP.findall(path)]
    if unknown := re.fullmatch(r"Object contains unknown field `(.+)`", problem):
        setting = _dotted(prefix, *steps)
        kind = _walk(root, data, steps)[0]
        if _is_printer(kind):
            return KioskError(_("{where}: {name}: unknown setting {key} for a {backend} printer.").format(
                where=where, name=setting, key=unknown[1], backend=kind.__struct_config__.tag))
        return KioskError(_("{where}: unknown setting {key}.").format(
            where=where, key=_dotted(setting, unknown[1])))
    if missing := re.fullmatch(r"Object missing required field `(.+)`", problem):
        kind = _walk(root, data, steps)[0]
        hint = _NEEDS.get((kind, missing[1]))
        if hint:
            return KioskError(_("{where}: {key} needs {field}, {hint}.").format(
                where=where, key=_dotted(prefix, *steps), field=missing[1], hint=_(hint)))
        return KioskError(_("{where}: {key} needs {field}.").format(
            where=where, key=_dotted(prefix, *steps), field=missing[1]))
    key = _dotted(prefix, *steps) or prefix
    kind, meta = _walk(root, data, steps)
    if problem.startswith(("Invalid enum value", "Invalid value")):
        return KioskError(_("{where}: {key} must be one of {choices}.").format(
            where=where, key=key, choices=", ".join(str(choice) for choice in _choices(kind) if choice != "")))
    if (expected := re.match(r"Expected `(\w+)`, got", problem)) or problem == "":
        wanted = expected[1] if expected else ""
        if kind is Path or wanted == "Path":
            return KioskError(_("{where}: {key} must be a path in quotes.").format(where=where, key=key))
        if wanted == "object":
            return KioskError(_("{where}: {key} must be a table.").format(where=where, key=key))
        if wanted == "array":
            return KioskError(_("{where}: {key} must be a list.").format(where=where, key=key))
        return KioskError(_("{where}: {key} must be {kind}.").format(where=where, key=key, kind=wanted))
    if "of length" in problem:
        low, high = meta.get("min_length", 0), meta.get("max_length")
        if low and problem.endswith(f">= {low}"):
            return KioskError(_("{where}: {key} cannot be empty.").format(where=where, key=key))
        if kind is str:
            return KioskError(_("{where}: {key} can have at most {count} characters.").format(
                where=where, key=key, count=high))
        return KioskError(_("{where}: {key} can have at most {count} entries.").format(
            where=where, key=key, count=high))
    low, high = meta.get("ge", meta.get("gt")), meta.get("le")
    if low is not None and high is not None:
        if "gt" in meta:
            return KioskError(_("{where}: {key} must be more than {low} and at most {high}.").format(
                where=where, key=key, low=low, high=high))
        return KioskError(_("{where}: {key} must be {low} to {high}.").format(where=where, key=key, low=low,
                                                                              high=high))
    return KioskError(_("{where}: {key}: {reason}").format(where=where, key=key, reason=problem))


def _dotted(*parts: str) -> str:
    return ".".join(part for part in parts if part)


def _walk(root: Any, data: Any, steps: list[str]) -> tuple[Any, dict[str, Any]]:
    """The schema type at `steps` below `root` (following `data` into the tagged printer types), with its limits."""
    kind, meta = _unwrap(root, data)
    for step in steps:
        origin = getattr(kind, "__origin__", None)
        if (kind is BACKENDS or _is_printer(kind)) and step == "backend":
            return BACKENDS, {}
        if isinstance(kind, type) and issubclass(kind, msgspec.Struct):
            kind = get_type_hints(kind, include_extras=True).get(step)
        elif origin in (list, tuple):
            kind = kind.__args__[0]
        elif origin is dict:
            kind = kind.__args__[1]
        else:
            return None, {}
        data = _child(data, step)
        kind, meta = _unwrap(kind, data)
    return kind, meta


def _unwrap(kind: Any, data: Any) -> tuple[Any, dict[str, Any]]:
    """Strip Annotated (keeping its limits); the printer union becomes the type `data` is tagged as."""
    meta: dict[str, Any] = {}
    while getattr(kind, "__metadata__", None) is not None:
        for item in kind.__metadata__:
            if isinstance(item, msgspec.Meta):
                meta.update({name: getattr(item, name) for name in ("ge", "gt", "le", "min_length", "max_length")
                             if getattr(item, name) is not None})
        kind = kind.__origin__
    if isinstance(kind, UnionType) and type(None) in kind.__args__:  # X | None: the X
        kind = next(member for member in kind.__args__ if member is not type(None))
    if kind == PrinterTable:
        tag = data.get("backend") if isinstance(data, dict) else None
        kind = next((m for m in PrinterTable.__args__ if m.__struct_config__.tag == tag), BACKENDS)
    return kind, meta


def _is_printer(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, _PrinterTable)


def _choices(kind: Any) -> tuple[Any, ...]:
    if isinstance(kind, tuple):
        return kind
    return tuple(kind.__args__) if getattr(kind, "__origin__", None) is Literal else ()


def _child(data: Any, step: str) -> Any:
    if isinstance(data, dict):
        return data.get(step)
    if isinstance(data, list) and step.isdigit() and 0 < int(step) <= len(data):
        return data[int(step) - 1]
    return None
