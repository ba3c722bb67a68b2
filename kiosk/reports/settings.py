"""The report settings of the config: time zone, day start, late limits and shifts, checked and parsed."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import time, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk.errors import KioskError
from kiosk.i18n import _

if TYPE_CHECKING:
    from kiosk.config import Config

_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_LOCALTIME = Path("/etc/localtime")


@dataclass(frozen=True)
class Shift:
    name: str
    start: time


@dataclass(frozen=True)
class ReportSettings:
    zone: tzinfo
    day_start: time = time(5, 0)
    late_after: timedelta = timedelta(hours=24)
    late_after_by_platform: dict[str, timedelta] = field(default_factory=dict)
    # Sorted by start time.
    shifts: tuple[Shift, ...] = (Shift("day", time(5, 0)), Shift("night", time(17, 0)))

    def late_limit(self, platform: str) -> timedelta:
        return self.late_after_by_platform.get(platform.lower(), self.late_after)

    @classmethod
    def from_config(cls, config: Config) -> ReportSettings:
        check_report_settings(config, "config")
        return cls(
            zone=resolve_zone(config.timezone),
            day_start=parse_clock(config.day_start),
            late_after=timedelta(hours=config.late_after_hours),
            late_after_by_platform={name.lower(): timedelta(hours=hours)
                                    for name, hours in config.late_after_hours_by_platform.items()},
            shifts=tuple(sorted((Shift(s["name"], parse_clock(s["start"])) for s in config.shifts),
                                key=lambda shift: shift.start)),
        )


def parse_clock(value: str) -> time:
    found = _CLOCK.match(value)
    if not found:
        raise ValueError(value)
    return time(int(found[1]), int(found[2]))


def machine_zone() -> tzinfo:
    """The machine's own zone, with its daylight-saving rules (a fixed UTC offset would lose them)."""
    name = os.environ.get("TZ", "").lstrip(":")
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    # /etc/localtime is usually a link into the zone database, whose path names the zone.
    target = str(_LOCALTIME.resolve())
    if "zoneinfo/" in target:
        try:
            return ZoneInfo(target.split("zoneinfo/", 1)[1])
        except (ZoneInfoNotFoundError, ValueError):
            pass
    try:
        with _LOCALTIME.open("rb") as handle:
            return ZoneInfo.from_file(handle, key="localtime")
    except (OSError, ValueError):
        return ZoneInfo("UTC")


def resolve_zone(name: str) -> tzinfo:
    if not name:
        return machine_zone()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise KioskError(_("Unknown time zone {zone}: use an IANA name such as Asia/Shanghai.").format(
            zone=name)) from error


def check_report_settings(config: Config, where: str) -> None:
    """Refuse, by name, report settings that would make a business day or a shift ambiguous."""
    if config.timezone:
        try:
            ZoneInfo(config.timezone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise KioskError(_("{where}: timezone {zone} is not an IANA time zone name (e.g. Asia/Shanghai).").format(
                where=where, zone=config.timezone)) from error
    if not _CLOCK.match(config.day_start):
        raise KioskError(_("{where}: day_start must be a time such as 05:00.").format(where=where))
    limits = {"late_after_hours": config.late_after_hours, **{
        f"late_after_hours_by_platform.{name}": hours for name, hours in config.late_after_hours_by_platform.items()}}
    for key, hours in limits.items():
        if isinstance(hours, bool) or not isinstance(hours, int) or hours < 1:
            raise KioskError(_("{where}: {key} must be a whole number of hours, at least 1.").format(
                where=where, key=key))
    if not config.shifts:
        raise KioskError(_("{where}: shifts needs at least one [[shifts]] table.").format(where=where))
    names, starts = set(), set()
    for shift in config.shifts:
        name, start = shift.get("name"), shift.get("start")
        if not isinstance(name, str) or not name.strip() or not isinstance(start, str) or not _CLOCK.match(start) \
                or set(shift) - {"name", "start"}:
            raise KioskError(_("{where}: each [[shifts]] table needs a name and a start such as 17:00.").format(
                where=where))
        if name in names or start in starts:
            raise KioskError(_("{where}: two shifts share the name or start time {value}.").format(
                where=where, value=name if name in names else start))
        names.add(name)
        starts.add(start)
