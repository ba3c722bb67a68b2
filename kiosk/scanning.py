"""What counts as a readable scan, before any rule looks at it."""

from __future__ import annotations

from kiosk.errors import KioskError
from kiosk.i18n import _

# Long enough for GS1 forms (FedEx 34-digit, SSCC with AI), short enough to
# catch two codes that ran together or a key held down.
MAX_SCAN_LENGTH = 64


def clean_scan(raw: str) -> str:
    """The code a scan carries, without the whitespace scanners add around it.

    Raises KioskError for an empty scan, one with control characters (a
    scanner in the wrong mode) or one too long to be a single barcode.
    """
    code = raw.strip()
    if not code:
        raise KioskError(_("Empty scan: scan the barcode again."))
    if not code.isprintable():
        raise KioskError(_("Unreadable scan (control characters): check the scanner's mode and scan again."))
    if len(code) > MAX_SCAN_LENGTH:
        raise KioskError(
            _("Scan too long ({length} characters, at most {limit}): scan one barcode at a time.").format(
                length=len(code), limit=MAX_SCAN_LENGTH
            )
        )
    return code
