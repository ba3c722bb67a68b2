"""Business days and shifts in the shop's time zone.

A business day runs from `day_start` on its date to `day_start` on the next date, local time: a night
shift ending at 01:00 belongs to the day it started. On a daylight-saving change day it lasts 23 or
25 hours. The database stores UTC; these helpers turn local days and shifts into UTC bounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from kiosk.reports.settings import ReportSettings, Shift


def stamp(moment: datetime) -> str:
    """A moment as the database stores it (ISO 8601 UTC, milliseconds): comparable as text."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def shop_clock(stored: str, settings: ReportSettings) -> str:
    """A stored moment as the shop's wall clock ("11-27 23:59"), whatever zone the station runs in."""
    return datetime.fromisoformat(stored).astimezone(settings.zone).strftime("%m-%d %H:%M")


def _local(day: date, clock, zone: tzinfo) -> datetime:
    # Through UTC and back: a wall time in a daylight-saving gap becomes a real moment.
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC).astimezone(zone)


@dataclass(frozen=True)
class BusinessDay:
    day: date
    start: datetime  # aware, local
    end: datetime

    @property
    def bounds(self) -> tuple[str, str]:
        """[start, end) as stored text."""
        return stamp(self.start), stamp(self.end)

    @property
    def hours(self) -> float:
        # In UTC: between two times of one zone Python subtracts wall clocks, daylight saving ignored.
        return (self.end.astimezone(UTC) - self.start.astimezone(UTC)).total_seconds() / 3600


def business_day(day: date, settings: ReportSettings) -> BusinessDay:
    return BusinessDay(day, _local(day, settings.day_start, settings.zone),
                       _local(day + timedelta(days=1), settings.day_start, settings.zone))


def business_date_of(moment: datetime, settings: ReportSettings) -> date:
    local = moment.astimezone(settings.zone)
    return local.date() - timedelta(days=1) if local.time() < settings.day_start else local.date()


def today(settings: ReportSettings, now: datetime | None = None) -> BusinessDay:
    return business_day(business_date_of(now or datetime.now(UTC), settings), settings)


@dataclass(frozen=True)
class ShiftSpan:
    """One occurrence of a shift: its name and the local moments it starts and ends."""

    shift: Shift
    start: datetime
    end: datetime

    @property
    def name(self) -> str:
        return self.shift.name


def _occurrences(around: date, settings: ReportSettings) -> list[tuple[Shift, datetime]]:
    starts = [(shift, _local(around + timedelta(days=offset), shift.start, settings.zone))
              for offset in (-1, 0, 1, 2) for shift in settings.shifts]
    return sorted(starts, key=lambda pair: pair[1])


def shift_at(moment: datetime, settings: ReportSettings) -> ShiftSpan:
    """The shift running at `moment`."""
    starts = _occurrences(moment.astimezone(settings.zone).date(), settings)
    index = max(i for i, (_shift, start) in enumerate(starts) if start <= moment)
    shift, start = starts[index]
    return ShiftSpan(shift, start, starts[index + 1][1])


def next_shift(moment: datetime, settings: ReportSettings) -> ShiftSpan:
    """The shift after the one running at `moment`."""
    return shift_at(shift_at(moment, settings).end, settings)
