"""Times as people at the desk read them: local time, short, in their language."""

from __future__ import annotations

from datetime import datetime, tzinfo

from kiosk.i18n import _, format_clock, format_day_and_time


def parse_stored(value: str) -> datetime:
    return datetime.fromisoformat(value)


def short_time(value: str | None, now: datetime | None = None, zone: tzinfo | None = None) -> str:
    """A time of day for today, a day and a time otherwise, in `zone` (default: the station's local time)."""
    if not value:
        return "-"
    moment = parse_stored(value).astimezone(zone)
    today = (now or datetime.now().astimezone()).astimezone(zone).date()
    if moment.date() == today:
        return format_clock(moment)
    return format_day_and_time(moment)


def waiting_for(value: str | None, now: datetime | None = None) -> str:
    """How long since ``value``: ``45m``, ``5h 10m``, ``2d 3h``."""
    if not value:
        return "-"
    minutes = int(((now or datetime.now().astimezone()) - parse_stored(value)).total_seconds() // 60)
    minutes = max(minutes, 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("{days}d {hours}h").format(days=days, hours=hours)
    if hours:
        return _("{hours}h {minutes}m").format(hours=hours, minutes=minutes)
    return _("{minutes}m").format(minutes=minutes)
