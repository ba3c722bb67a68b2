"""GS1 check digits (EAN-13, UPC-A, EAN-8, GTIN-14): the catalogue import and the demo fixtures check them."""

from __future__ import annotations


def gtin_check_digit(body: str) -> int:
    """The GS1 check digit of an EAN-13, UPC-A or EAN-8 body (all digits but the last).

    Weights 3 and 1 alternate from the rightmost body digit, which is why the
    same function serves every GTIN length.
    """
    if not body.isdigit():
        raise ValueError(f"a GTIN body is digits only, not {body!r}")
    total = sum(int(digit) * (3 if i % 2 == 0 else 1) for i, digit in enumerate(reversed(body)))
    return (10 - total % 10) % 10
