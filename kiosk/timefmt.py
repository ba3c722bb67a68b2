"""Times as people at the desk read them (local time, short)."""

from __future__ import annotations

from datetime import datetime


def parse_stored(value: str) -> datetime:
    return datetime.fromisoformat(value)


def short_time(value: str | None, now: datetime | None = None) -> str:
    """``14:05`` for today, ``26 Nov 14:05`` for another day, in the station's local time."""
    if not value:
        return "-"
    moment = parse_stored(value).astimezone()
    today = (now or datetime.now().astimezone()).date()
    if moment.date() == today:
        return moment.strftime("%H:%M")
    return moment.strftime("%d %b %H:%M").lstrip("0")


def waiting_for(value: str | None, now: datetime | None = None) -> str:
    """How long since ``value``: ``45m``, ``5h 10m``, ``2d 3h``."""
    if not value:
        return "-"
    minutes = int(((now or datetime.now().astimezone()) - parse_stored(value)).total_seconds() // 60)
    minutes = max(minutes, 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m"
