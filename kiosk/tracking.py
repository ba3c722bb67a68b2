"""The shape every stored tracking number has (letters and digits, a sane length); which carrier it
belongs to and whether its check digit holds is kiosk/carriers (the waybill step uses that)."""

from __future__ import annotations

import re

from kiosk.carriers.scan import normalise
from kiosk.errors import KioskError
from kiosk.i18n import _

MIN_LENGTH = 8
MAX_LENGTH = 40
_ALLOWED = re.compile(r"^[A-Z0-9]+$")


def check_tracking_format(raw: str) -> str:
    """The normalised number, or KioskError saying why it cannot be a waybill number."""
    number = normalise(raw).text
    if not number:
        raise KioskError(_("Empty waybill scan: scan the tracking number barcode."))
    # normalise drops control characters silently; inside a number they mean a garbled scan.
    if not raw.strip().isprintable() or not _ALLOWED.match(number):
        raise KioskError(
            _("{number} is not a tracking number (letters and digits only): scan the waybill barcode.").format(
                number=number[:40]
            )
        )
    if not MIN_LENGTH <= len(number) <= MAX_LENGTH:
        raise KioskError(
            _(
                "{number} is not a tracking number ({length} characters, expected {minimum} to {maximum}):"
                " scan the waybill barcode."
            ).format(number=number[:40], length=len(number), minimum=MIN_LENGTH, maximum=MAX_LENGTH)
        )
    return number
