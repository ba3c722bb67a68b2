"""Fitting text into a width: measure ink, shorten with an ellipsis, wrap by words or characters.

Everything measures the *ink* box (including stroke for bold text and glyphs that start left
of the pen position, like "j"), so a line that "fits" really stays inside the label margins.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from PIL import Image, ImageDraw

from printing.fonts import Font, missing_glyphs


def _drawable(char: str) -> bool:
    """False for what a label leaves out rather than refusing to print: control and format
    characters (escape sequences, NUL, bidi overrides, zero-width joiners), lone surrogates,
    variation selectors and the pictographs of the emoji blocks, which no label font has. A name
    is still readable without them. Other characters a font lacks (a private-use code point, Chinese
    in a Latin font) are still refused by the glyph check: the label would be misread without them."""
    code = ord(char)
    if 0x1F000 <= code <= 0x1FAFF or 0xFE00 <= code <= 0xFE0F:
        return False
    return unicodedata.category(char) not in ("Cc", "Cf", "Cs")


def clean(text: str) -> str:
    """NFC, with runs of whitespace (tabs, newlines from CSV exports) turned into one space and
    what no label can draw (:func:`_drawable`) left out.

    Pillow would draw an embedded newline as a second line, overrunning the layout.
    """
    text = " ".join(unicodedata.normalize("NFC", text).split())
    if text.isprintable() and text.isascii():  # the common case, checked in C
        return text
    return " ".join("".join(char for char in text if _drawable(char)).split())


@lru_cache(maxsize=8192)
def ink_box(font: Font, text: str, stroke: int = 0) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of the line's ink, from the pen at (0, 0) with anchor "la".

    Cached: fonts are loaded once (printing.fonts), and most of a label's text (captions, the
    sender, common item names) is measured again on every label, at about 0.1 ms a call.
    """
    # mode "1": measure the hinted monochrome glyphs we draw (fontmode "1"); the antialiased
    # box can be a dot narrower on the left.
    left, top, right, bottom = font.getbbox(text, mode="1", stroke_width=stroke, anchor="la")
    return int(left), int(top), int(right), int(bottom)


def ink_extent(font: Font, text: str, stroke: int = 0) -> tuple[int, int]:
    """(offset, width): draw at x + offset so that the ink starts at x and spans width."""
    if not text:
        return 0, 0
    left, _, right, _ = ink_box(font, text, stroke)
    offset = max(0, -left)
    return offset, right + offset


@lru_cache(maxsize=1024)
def ink_mask(font: Font, text: str, stroke: int = 0) -> tuple[Image.Image, int, int]:
    """The line's ink as a 1-bit mask, and where the mask's top-left corner sits from the pen
    (anchor "la"), for pasting.

    Cached because FreeType rendering is most of a label's cost, and most of a label's lines
    (captions, the sender, the carrier, the date, the station, common item names) are the
    same on every label of a shift; at most 1024 masks of a few KiB each.
    """
    left, top, right, bottom = ink_box(font, text, stroke)
    mask = Image.new("1", (max(1, right - left), max(1, bottom - top)), 0)
    draw = ImageDraw.Draw(mask)
    draw.fontmode = "1"
    draw.text((-left, -top), text, fill=1, font=font, anchor="la", stroke_width=stroke)
    return mask, left, top


def fits(font: Font, text: str, max_width: int, stroke: int = 0) -> bool:
    return ink_extent(font, text, stroke)[1] <= max_width


def ellipsis_for(font: Font) -> str:
    return "..." if missing_glyphs(font, "\u2026") else "\u2026"


def _longest_fitting_prefix(font: Font, text: str, max_width: int, stroke: int, tail: str) -> int:
    # Binary search: width grows with length, and getbbox is the expensive call.
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(font, text[:mid].rstrip() + tail, max_width, stroke):
            lo = mid
        else:
            hi = mid - 1
    return lo


def ellipsize(font: Font, text: str, max_width: int, stroke: int = 0) -> str:
    """`text` if it fits, else its longest prefix that fits with an ellipsis appended."""
    if fits(font, text, max_width, stroke):
        return text
    ell = ellipsis_for(font)
    n = _longest_fitting_prefix(font, text, max_width, stroke, ell)
    if n == 0:
        return ell if fits(font, ell, max_width, stroke) else ""
    return text[:n].rstrip() + ell


def wrap(font: Font, text: str, max_width: int, max_lines: int, stroke: int = 0) -> list[str]:
    """Greedy word wrap into at most `max_lines` lines; words wider than a line (and text
    without spaces, as Chinese addresses are written) break between characters. If text is
    left over, the last line ends in an ellipsis."""
    words = text.split()
    lines: list[str] = []
    current = ""
    while words and len(lines) < max_lines:
        candidate = f"{current} {words[0]}" if current else words[0]
        if fits(font, candidate, max_width, stroke):
            current = candidate
            words.pop(0)
        elif current:
            lines.append(current)
            current = ""
        else:
            n = max(1, _longest_fitting_prefix(font, words[0], max_width, stroke, ""))
            lines.append(words[0][:n])
            words[0] = words[0][n:]
            if not words[0]:
                words.pop(0)
    if current:  # only left over when every word was placed, so there is room
        lines.append(current)
    if words and lines:
        lines[-1] = ellipsize(font, " ".join([lines[-1], *words]), max_width, stroke)
    return lines


def wrap_block(
    font: Font, texts: list[str], max_width: int, max_lines: int, per_text: int = 2
) -> list[str]:
    """Wrap several texts (address lines), each into at most `per_text` lines, and the whole
    block into at most `max_lines`; an ellipsis marks anything cut off."""
    lines: list[str] = []
    for text in texts:
        lines.extend(wrap(font, text, max_width, per_text))
    if len(lines) > max_lines:
        rest = " ".join(lines[max_lines - 1 :])
        lines = lines[: max_lines - 1] + [ellipsize(font, rest, max_width)]
    return lines


def pack(
    font: Font, parts: list[str], sep: str, max_width: int, max_lines: int, stroke: int = 0
) -> list[str]:
    """Join short parts (flags) with `sep` into lines without splitting a part; if they need
    more than `max_lines` lines, the last one ends in an ellipsis."""
    lines: list[list[str]] = []
    for part in parts:
        if lines and fits(font, sep.join([*lines[-1], part]), max_width, stroke):
            lines[-1].append(part)
        else:
            lines.append([part])
    joined = [sep.join(line) for line in lines]
    if len(joined) > max_lines:
        joined = [*joined[: max_lines - 1], sep.join(joined[max_lines - 1 :])]
    return [ellipsize(font, line, max_width, stroke) for line in joined]


def mask_phone(phone: str) -> str:
    """The phone number as privacy waybills print it: "13812345678" -> "138****5678".

    The last four digits stay (couriers check them at delivery), and the first three of a number
    of 11 digits or more (a mobile's network prefix); every other digit becomes "*". Separators
    and a leading "+country" group are kept: "+86 138 1234 5678" -> "+86 138 **** 5678".
    """
    text = clean(phone)
    prefix = ""
    if text.startswith("+") and " " in text:
        prefix, text = text.split(" ", 1)
        prefix += " "
    digits = [i for i, ch in enumerate(text) if ch.isdigit()]
    keep_tail = set(digits[-4:])
    keep_head = set(digits[:3]) if len(digits) >= 11 else set()
    hidden = {i for i in digits if i not in keep_tail and i not in keep_head}
    if not hidden and digits:  # 4 digits or fewer: nothing is safe to show
        hidden = set(digits)
    return prefix + "".join("*" if i in hidden else ch for i, ch in enumerate(text))
