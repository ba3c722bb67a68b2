"""Every check digit the kiosk computes or checks: GS1 (EAN-13, UPC-A, EAN-8) and the couriers'.

The ``*_digit`` functions compute a check digit; the functions in ``ALGORITHMS`` are the
algorithms the courier spec data names (kiosk/carriers/data/CHECKSUM_ALGORITHMS.md): each takes
the serial number and the check digit exactly as the spec's regex captured them (letters upper
case, no spaces) and the checksum's parameters from the JSON, and says whether the check digit is
right. They follow the reference Ruby implementations (the tracking_number gem), quirks included,
so that the data's test numbers mean the same thing here. The demo fixtures use the same
functions to write valid numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Params = Mapping[str, Any]
_ALPHABET_36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _digit(char: str) -> int:
    """Ruby's ``String#to_i`` on one character: a digit's value, anything else 0."""
    return int(char) if "0" <= char <= "9" else 0


def _mod10_check(total: int) -> int:
    return (10 - total % 10) % 10


def mod10_digit(serial: str, *, evens: int | None = None, odds: int | None = None, reverse: bool = False) -> int:
    """Weighted mod 10 (UPS, USPS, FedEx Ground, Canada Post, OnTrac, and GS1 as `gtin_check_digit`).

    Positions count from 0 on the left (or the right with `reverse`); even positions are
    multiplied by `evens` and odd ones by `odds`. A letter counts as ``(ord - 3) % 10``, which is
    how UPS turns the letters of a 1Z number into digits.
    """
    chars = serial[::-1] if reverse else serial
    total = 0
    for index, char in enumerate(chars):
        value = int(char) if "0" <= char <= "9" else (ord(char) - 3) % 10
        if odds is not None and index % 2 == 1:
            value *= int(odds)
        elif evens is not None and index % 2 == 0:
            value *= int(evens)
        total += value
    return _mod10_check(total)


def gtin_check_digit(body: str) -> int:
    """The GS1 check digit of an EAN-13, UPC-A or EAN-8 body (all digits but the last).

    Weights 3 and 1 alternate from the rightmost body digit, which is why the same function
    serves every GTIN length.
    """
    if not body.isdigit():
        raise ValueError(f"a GTIN body is digits only, not {body!r}")
    return mod10_digit(body, evens=3, odds=1, reverse=True)


def gtin_valid(code: str, length: int) -> bool:
    """`code` is a GTIN of `length` digits whose last digit is its check digit."""
    return len(code) == length and code.isdigit() and gtin_check_digit(code[:-1]) == int(code[-1])


def s10_digit(serial: str, weights: list[int] | None = None, modulo: int = 11) -> int:
    """UPU S10: eight digits weighted 8,6,4,2,3,5,9,7, mod 11; remainder 1 gives 0 and 0 gives 5."""
    weights = weights or [8, 6, 4, 2, 3, 5, 9, 7]
    total = sum(_digit(char) * int(weight) for char, weight in zip(serial, weights, strict=False))
    remainder = total % int(modulo)
    return {1: 0, 0: 5}.get(remainder, 11 - remainder)


def mod10(serial: str, check: str, params: Params) -> bool:
    """Weighted mod 10, with the spec's ``evens_multiplier``, ``odds_multiplier`` and ``reverse``."""
    return mod10_digit(serial, evens=params.get("evens_multiplier"), odds=params.get("odds_multiplier"),
                       reverse=bool(params.get("reverse"))) == _digit(check)


def mod7(serial: str, check: str, params: Params) -> bool:
    """DHL Express: the serial as a number, modulo 7."""
    if not serial.isdigit():
        return False
    return int(serial) % 7 == _digit(check)


def luhn(serial: str, check: str, params: Params) -> bool:
    """Luhn (Old Dominion, Purolator): double every second digit from the right of the serial."""
    total = 0
    for index, char in enumerate(reversed(serial)):
        value = _digit(char)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return _mod10_check(total) == _digit(check)


def s10(serial: str, check: str, params: Params) -> bool:
    """UPU S10 (see `s10_digit`)."""
    return s10_digit(serial, params.get("weightings"), int(params.get("modulo", 11))) == _digit(check)


def sum_product_with_weightings_and_modulo(serial: str, check: str, params: Params) -> bool:
    """FedEx Express: sum of digit times weight, then modulo ``modulo1`` and again ``modulo2``."""
    weights = params.get("weightings") or []
    total = sum(_digit(char) * int(weight) for char, weight in zip(serial, weights, strict=False))
    return total % int(params["modulo1"]) % int(params["modulo2"]) == _digit(check)


def mod_37_36(serial: str, check: str, params: Params) -> bool:
    """ISO 7064 MOD 37,36 hybrid (DPD); the check character may be a letter."""
    alphabet = params.get("alphabet") or _ALPHABET_36
    mod = int(params.get("modulo", 36))
    product = mod
    for char in serial:
        value = alphabet.find(char)
        if value < 0:
            return False
        product += value
        if product > mod:
            product -= mod
        product *= 2
        if product > mod:
            product -= mod + 1
    result = (mod + 1) - product
    if result == mod:
        result = 0
    return 0 <= result < len(alphabet) and alphabet[result] == check


ALGORITHMS: dict[str, Callable[[str, str, Params], bool]] = {
    "mod10": mod10,
    "mod7": mod7,
    "luhn": luhn,
    "s10": s10,
    "sum_product_with_weightings_and_modulo": sum_product_with_weightings_and_modulo,
    "mod_37_36": mod_37_36,
}
