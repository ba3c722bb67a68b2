"""Packing desk kiosk: the core (no user interface in here)."""

__version__ = "0.1.0"
