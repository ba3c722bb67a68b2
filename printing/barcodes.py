"""Code 128 barcodes drawn on whole printer dots.

python-barcode only *encodes* (data -> module pattern); we draw the bars ourselves because
its writers size modules in millimetres, which at 203 dpi lands between dots (0.2 mm = 1.6
dots) and gives bars of uneven width that scanners reject. Here every module is an integer
number of dots and the quiet zone is part of the image, so it can never be cropped away.
"""

from __future__ import annotations

from functools import lru_cache

from barcode.charsets import code128 as charsets
from barcode.codex import Code128
from barcode.ean import EuropeanArticleNumber13
from barcode.errors import BarcodeError
from barcode.upc import UniversalProductCodeA
from PIL import Image

# ISO/IEC 15417 asks for at least 10 modules of quiet zone on each side.
MIN_QUIET_MODULES = 10
# EAN-13 asks for 11 modules on the left (7 on the right), UPC-A for 9 each side: 11 each side
# satisfies both and our own 10-module floor.
EAN_QUIET_MODULES = 11
# Symbologies an item label can carry; shipping labels are always Code 128.
SYMBOLOGIES = ("code128", "ean13", "upca")

# Only printable ASCII: python-barcode also accepts control characters and maps a few
# Latin-1 letters (ñ, ó, ò, ô) to FNC codes, which would silently change what a scan returns.
_PRINTABLE_ASCII = frozenset(chr(c) for c in range(0x20, 0x7F))

_BLACK = b"\x00"
_WHITE = b"\xff"


class BarcodeTooLong(ValueError):
    """The data does not fit the available width even at the smallest allowed module."""

    def __init__(
        self, data: str, needed_dots: int, available_dots: int, what: str = "tracking number"
    ) -> None:
        self.data = data
        self.needed_dots = needed_dots
        self.available_dots = available_dots
        super().__init__(
            f"{what} too long for the label: needs {needed_dots} dots at the "
            f"minimum module, label has {available_dots} ({data!r})"
        )


class _Code128(Code128):
    """python-barcode's encoder with its start-code folding fixed.

    Up to 0.16.1 it folds "START_C, <99>" into START_C whenever the second value is 99,
    which is also the data value of the digit pair "99": "9912345678" scans as "12345678"
    (python-barcode issue #251, fixed upstream by PR #263 after 0.16.1). Fold only a real
    switch to code set A or B, as the upstream fix does.
    """

    def _try_to_optimize(self, encoded: list[int]) -> list[int]:
        switches = (charsets.B["TO_A"], charsets.A["TO_B"])  # 101 and 100
        if encoded[0] == charsets.START_CODES["C"] and encoded[1] in switches:
            encoded[:2] = [charsets.TO[encoded[1]]]
        return encoded


def _check_data(data: str) -> None:
    if not data:
        raise ValueError("cannot make a Code 128 barcode of an empty value")
    bad = sorted({ch for ch in data if ch not in _PRINTABLE_ASCII})
    if bad:
        shown = ", ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in bad)
        raise ValueError(f"cannot encode {data!r} in Code 128: unsupported characters {shown}")


@lru_cache(maxsize=256)
def code128_codes(data: str) -> tuple[int, ...]:
    """Code values of `data`: the start code, then data and code-set switches, no check value.

    ZPL's ^BC takes these as subset invocations, so a Zebra draws the very symbol we lay out.
    """
    _check_data(data)
    try:
        return tuple(_Code128(data)._build())
    except BarcodeError as exc:
        raise ValueError(f"cannot encode {data!r} in Code 128: {exc}") from exc


@lru_cache(maxsize=256)
def code128_modules(data: str) -> str:
    """Module pattern of `data` as '1' (bar) / '0' (space), start to stop, no quiet zones."""
    _check_data(data)
    try:
        # A fresh encoder each call: python-barcode keeps charset state on the instance.
        (pattern,) = _Code128(data).build()
    except BarcodeError as exc:  # not a ValueError; callers should only need one type
        raise ValueError(f"cannot encode {data!r} in Code 128: {exc}") from exc
    return pattern


def gtin_problem(code: str, symbology: str) -> str | None:
    """Why `code` cannot be an EAN-13 / UPC-A (digits, length, check digit), or None if it can."""
    length = {"ean13": 13, "upca": 12}[symbology]
    name = {"ean13": "EAN-13", "upca": "UPC-A"}[symbology]
    if not code.isdigit() or len(code) != length:
        return f"{name} is {length} digits, not {code!r}"
    encoder = EuropeanArticleNumber13(code) if symbology == "ean13" else UniversalProductCodeA(code)
    # python-barcode recomputes the check digit from the body: a differing last digit means a typo.
    if str(encoder) != code:
        return f"{code} has a wrong check digit for {name} (expected {str(encoder)[-1]})"
    return None


@lru_cache(maxsize=256)
def symbol_modules(data: str, symbology: str = "code128") -> str:
    """Module pattern ('1' bar, '0' space) of `data` in `symbology`, without quiet zones."""
    if symbology == "code128":
        return code128_modules(data)
    if symbology not in SYMBOLOGIES:
        raise ValueError(f"unknown symbology {symbology!r}; choose one of {', '.join(SYMBOLOGIES)}")
    problem = gtin_problem(data, symbology)
    if problem:
        raise ValueError(f"cannot encode {data!r}: {problem}")
    encoder = EuropeanArticleNumber13(data) if symbology == "ean13" else UniversalProductCodeA(data)
    (pattern,) = encoder.build()
    return pattern


def quiet_modules_for(symbology: str) -> int:
    return EAN_QUIET_MODULES if symbology in ("ean13", "upca") else MIN_QUIET_MODULES


def code128_width_dots(data: str, module_dots: int, quiet_modules: int = MIN_QUIET_MODULES) -> int:
    """Width in dots of the rendered symbol including both quiet zones."""
    return (len(code128_modules(data)) + 2 * quiet_modules) * module_dots


def render_code128(
    data: str, module_dots: int, height_dots: int, quiet_modules: int = MIN_QUIET_MODULES
) -> Image.Image:
    """Mode 'L' image of the symbol with its quiet zones: black bars on white."""
    return render_modules(code128_modules(data), module_dots, height_dots, quiet_modules)


def render_modules(
    pattern: str, module_dots: int, height_dots: int, quiet_modules: int = MIN_QUIET_MODULES
) -> Image.Image:
    """Mode 'L' image of a module pattern with its quiet zones, every module `module_dots` wide."""
    if module_dots < 1 or height_dots < 1:
        raise ValueError("module_dots and height_dots must be at least 1")
    if quiet_modules < MIN_QUIET_MODULES:
        raise ValueError(f"quiet zone must be at least {MIN_QUIET_MODULES} modules")
    quiet = "0" * quiet_modules
    row = b"".join(
        (_BLACK if m == "1" else _WHITE) * module_dots
        for m in quiet + pattern + quiet
    )
    # One row, stretched vertically: exact bars and far faster than drawing rectangles.
    line = Image.frombytes("L", (len(row), 1), row)
    return line.resize((len(row), height_dots), Image.Resampling.NEAREST)


def largest_module(
    data: str,
    max_width_dots: int,
    min_module_dots: int = 2,
    max_module_dots: int | None = None,
    quiet_modules: int = MIN_QUIET_MODULES,
    what: str = "tracking number",
    symbology: str = "code128",
) -> int:
    """Largest whole module (dots) whose symbol fits `max_width_dots`; raises BarcodeTooLong."""
    total_modules = len(symbol_modules(data, symbology)) + 2 * quiet_modules
    module = max_width_dots // total_modules
    if max_module_dots is not None:
        module = min(module, max_module_dots)
    if module < min_module_dots:
        raise BarcodeTooLong(data, total_modules * min_module_dots, max_width_dots, what)
    return module


def fit_code128(
    data: str,
    max_width_dots: int,
    height_dots: int,
    min_module_dots: int = 2,
    max_module_dots: int | None = None,
    quiet_modules: int = MIN_QUIET_MODULES,
    what: str = "tracking number",
) -> Image.Image:
    """Render with the largest whole module that fits `max_width_dots` (quiet zones included).

    `what` names the value in the BarcodeTooLong message ("tracking number", "order id").
    """
    module = largest_module(
        data, max_width_dots, min_module_dots, max_module_dots, quiet_modules, what
    )
    return render_code128(data, module, height_dots, quiet_modules)
