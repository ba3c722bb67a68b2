"""What a waybill scan or a typed number becomes before any carrier format is tried.

Scanners and people add things around the number: an AIM symbology
identifier (``]C1`` for a GS1-128 barcode), the GS character a GS1 barcode
puts after a variable-length field, a carriage return, spaces and dashes
printed for readability, full-width digits from a Chinese input method,
lower case. Those go. Barcodes that hold more than the number (USPS IMpb
``420`` + ZIP, FedEx 22/34-digit) are taken apart by the spec formats; the
one wrapper no spec describes is GS1's ``00`` application identifier in
front of an 18-digit SSCC, which ``candidates`` unwraps.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from kiosk.scanning import MAX_SCAN_LENGTH

# AIM identifiers whose data is a GS1 element string (application identifiers first):
# GS1-128, GS1 DataBar, GS1 DataMatrix, GS1 QR, GS1 DotCode.
GS1_SYMBOLOGIES = {"C1", "e0", "d2", "Q3", "J1"}
_AIM = re.compile(r"\](?P<code>[A-Za-z][0-9A-Za-z])")
# "(00) 0 0123450 000000002 7": the way GS1 prints application identifiers for people.
_HUMAN_AI = re.compile(r"\(\d{2,4}\)")
_SSCC_WITH_AI = re.compile(r"00[0-9]{18}")


@dataclass(frozen=True, slots=True)
class Scan:
    raw: str
    text: str  # upper case, without separators, wrappers or control characters
    symbology: str | None  # the AIM identifier's code when the scanner sent one ("C1")
    gs1: bool  # the data is a GS1 element string, so it starts with an application identifier

    def candidates(self) -> tuple[str, ...]:
        """The texts to try against the formats: the scan itself and what a GS1 wrapper holds."""
        if not self.text or len(self.text) > MAX_SCAN_LENGTH:
            return ()
        if _SSCC_WITH_AI.fullmatch(self.text):
            # AI 00 + SSCC. Known to be GS1, it can only be that; a bare 20-digit number
            # starting 00 could also be a USPS 20-digit number, so both are tried.
            return (self.text[2:],) if self.gs1 else (self.text, self.text[2:])
        return (self.text,)


def _is_separator(char: str) -> bool:
    """Spaces, dashes, control and format characters (GS, CR, zero-width space) anywhere in a scan."""
    category = unicodedata.category(char)
    return char.isspace() or category in ("Pd", "Cc", "Cf", "Zs", "Zl", "Zp")


def normalise(raw: str) -> Scan:
    """The scan as the formats see it, and as tracking numbers are stored; never fails, whatever the input."""
    # NFKC turns full-width "ＳＦ１２３" and the ideographic space into ASCII.
    text = unicodedata.normalize("NFKC", raw).strip()
    symbology = None
    aim = _AIM.match(text)
    if aim:
        symbology = aim.group("code")
        text = text[aim.end() :]
    gs1 = symbology in GS1_SYMBOLOGIES
    if _HUMAN_AI.match(text.lstrip()):
        gs1 = True
        text = text.replace("(", "").replace(")", "")
    text = "".join(char for char in text if not _is_separator(char))
    return Scan(raw=raw, text=text.upper(), symbology=symbology, gs1=gs1)
