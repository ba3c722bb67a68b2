"""What counts as a readable scan, before any rule looks at it."""

from __future__ import annotations

import sqlite3

from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.inert import inert

# Long enough for GS1 forms (FedEx 34-digit, SSCC with AI), short enough to
# catch two codes that ran together or a key held down.
MAX_SCAN_LENGTH = 64

# Stored in place of a code that could be someone's PIN (see looks_like_pin).
HIDDEN_CODE = "(hidden)"

# An input method in full-width mode types these for ASCII "!" to "~" (and the ideographic space
# for a space): a scanner typing through it still means the ASCII code.
FULL_WIDTH_OFFSET = 0xFEE0
FULL_WIDTH_FORMS = range(0xFF01, 0xFF5F)
IDEOGRAPHIC_SPACE = "\u3000"
# How much of an input method's text a refusal quotes.
QUOTED_TEXT_LIMIT = 20


def looks_like_pin(code: str) -> bool:
    """A code that could be a PIN typed into the wrong field: 4 to 8 digits and nothing else.

    Such a code is refused without being shown or stored *unless* it is a barcode, order number
    or waybill number the desk knows: a real EAN-8 (or a shop's four-digit order number) still
    works, and EAN-13 / UPC-A codes are longer than any PIN. The caller checks that it is unknown.
    """
    return code.isascii() and code.isdigit() and 4 <= len(code) <= 8


def not_a_barcode() -> KioskError:
    """The refusal for an unknown code that looks like a PIN: it quotes nothing."""
    return KioskError(_("That is no barcode this desk knows, and it could be a PIN: it was neither shown nor kept."
                        " Scan the barcode."))


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


def packed_by_line(conn: sqlite3.Connection, order_id: str) -> dict[int, int]:
    """Units counted per order line: accepted scans not undone."""
    return dict(
        conn.execute(
            "SELECT line_no, SUM(quantity) FROM scans WHERE order_id = ?"
            " AND result = 'accepted' AND undone_at IS NULL GROUP BY line_no",
            (order_id,),
        ).fetchall()
    )


def barcode_character(char: str) -> str | None:
    """The character a barcode field keeps for one typed character, or None when no barcode holds it.

    Barcodes, badges, order and waybill numbers are printable ASCII. A full-width form, which a
    Chinese input method in full-width mode types for a scanner's key, is read as its ASCII
    character; anything else outside printable ASCII (Chinese text an input method composed) is
    no part of a scan.
    """
    if " " <= char <= "~":
        return char
    if char == IDEOGRAPHIC_SPACE:
        return " "
    if len(char) == 1 and ord(char) in FULL_WIDTH_FORMS:
        return chr(ord(char) - FULL_WIDTH_OFFSET)
    return None


def input_method_text(text: str) -> str:
    """The refusal for text a barcode field left out (see barcode_character): it names the cause."""
    quoted = text if len(text) <= QUOTED_TEXT_LIMIT else text[:QUOTED_TEXT_LIMIT] + "…"
    return _("“{text}” is typed text, not a barcode: it was left out of the scan field. Switch the input method"
             " to English before scanning.").format(text=inert(quoted))
