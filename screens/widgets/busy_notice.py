"""The App's "waiting for the database" line, over whatever screen is in front."""

from __future__ import annotations

from textual.widgets import Static


class BusyNotice(Static):
    """One line across the top of its screen, above everything on it, dialogs included; hidden
    until the App shows it. The App puts one on every screen it shows (KioskApp.carry_busy_notice)."""

    DEFAULT_CSS = """
    BusyNotice {
        display: none;
        dock: top;
        overlay: screen;
        width: 100%;
        height: 1;
        padding: 0 1;
        text-style: bold;
        background: $warning;
        color: $background;
    }
    """
