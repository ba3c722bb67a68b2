"""Finding a font for label text and telling which characters it cannot draw.

Pillow has no font fallback: a character missing from the font is drawn as the font's
"notdef" glyph (usually an empty box) or as nothing. On a shipping label that means a
recipient name the courier cannot read, so callers check text with `missing_glyphs` first.
"""

from __future__ import annotations

import os
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import barcode
from PIL import ImageFont

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

# Loaded fonts are cached and shared, and a FreeType face is not safe to use from two
# threads at once (labels render in worker threads); hold this while measuring or drawing.
FONT_LOCK = threading.RLock()


@dataclass(frozen=True)
class FontSpec:
    """A font file (and face index inside a .ttc collection); path None = Pillow's default."""

    path: str | None
    index: int = 0

    @property
    def name(self) -> str:
        return Path(self.path).name if self.path else "Pillow default font"


# Shipped inside the package (WenQuanYi Micro Hei, Apache-2.0, licence beside it) so that a
# fresh machine without any CJK font still prints Chinese names: it covers GBK's 20,000-odd
# hanzi, Latin and the punctuation a label uses.
BUNDLED_CJK_FONT = FontSpec(str(Path(__file__).parent / "data" / "wqy-microhei.ttc"))

# CJK-capable fonts first: they also cover Latin, and Chinese recipient names are common.
# System fonts follow the bundled one: a name with a rare character it lacks may still find
# a font that has it (pick_font).
CJK_FONTS: tuple[FontSpec, ...] = (
    BUNDLED_CJK_FONT,
    FontSpec("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    # Face 2 of the Noto Sans CJK collection is SC (simplified Chinese glyph forms).
    FontSpec("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    FontSpec("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    FontSpec("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc", 2),
    FontSpec("/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf"),
    FontSpec("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
    FontSpec("/System/Library/Fonts/STHeiti Medium.ttc"),
    FontSpec("/System/Library/Fonts/Supplemental/Arial Unicode.ttf"),
    FontSpec("C:/Windows/Fonts/msyh.ttc"),
)
LATIN_FONTS: tuple[FontSpec, ...] = (
    FontSpec("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    FontSpec("/usr/share/fonts/dejavu/DejaVuSans.ttf"),  # Fedora
    FontSpec("/usr/share/fonts/TTF/DejaVuSans.ttf"),  # Arch
    # Ships inside python-barcode, a hard dependency: always there, monospaced but complete
    # for Latin, so better than Pillow's small default font.
    FontSpec(str(Path(barcode.__file__).parent / "fonts" / "DejaVuSansMono.ttf")),
)
DEFAULT_FONT = FontSpec(None)

# Size used only to compare glyph bitmaps; large enough that distinct glyphs differ.
_PROBE_SIZE = 32
# Plane-16 private use: no font maps it, so it always renders as the missing glyph.
_PROBE_MISSING = "\U0010fffd"


@lru_cache(maxsize=1)
def available_fonts() -> tuple[FontSpec, ...]:
    """Installed candidates in order of preference; always ends with Pillow's default font."""
    found = tuple(spec for spec in CJK_FONTS + LATIN_FONTS if os.path.isfile(spec.path or ""))
    return (*found, DEFAULT_FONT)


def find_font(override: str | os.PathLike[str] | FontSpec | None = None) -> FontSpec:
    """The configured font if given (it must exist), else the most preferred installed one."""
    if override is None:
        return available_fonts()[0]
    spec = override if isinstance(override, FontSpec) else FontSpec(os.fspath(override))
    if spec.path is not None and not os.path.isfile(spec.path):
        # A typo in the config should be seen, not hidden behind a fallback font.
        raise FileNotFoundError(f"label font not found: {spec.path}")
    return spec


@lru_cache(maxsize=64)
def load_font(spec: FontSpec, size: int) -> Font:
    """Load (once per spec and size) a font at `size` pixels."""
    if spec.path is None:
        return ImageFont.load_default(size)
    return ImageFont.truetype(spec.path, size, index=spec.index)


@lru_cache(maxsize=32)
def _notdef_mask(font: Font) -> tuple[tuple[int, int], bytes]:
    mask = font.getmask(_PROBE_MISSING)
    return mask.size, bytes(mask)


@lru_cache(maxsize=16384)
def _is_missing(font: Font, ch: str) -> bool:
    if ch.isspace():
        return False
    if unicodedata.category(ch) == "Cc":  # control characters print as nothing at best
        return True
    mask = font.getmask(ch)
    return (mask.size, bytes(mask)) == _notdef_mask(font)


def _as_font(font: str | os.PathLike[str] | FontSpec | Font) -> Font:
    if isinstance(font, ImageFont.FreeTypeFont | ImageFont.ImageFont):
        return font
    spec = font if isinstance(font, FontSpec) else FontSpec(os.fspath(font))
    return load_font(spec, _PROBE_SIZE)


def missing_glyphs(font: str | os.PathLike[str] | FontSpec | Font, text: str) -> set[str]:
    """Characters of `text` the font cannot draw (whitespace never counts as missing)."""
    with FONT_LOCK:
        return set(_missing_in(_as_font(font), text))


@lru_cache(maxsize=4096)
def _missing_in(font: Font, text: str) -> frozenset[str]:
    # Every label checks every field; most fields (captions, the sender, the station) repeat.
    return frozenset(ch for ch in set(text) if _is_missing(font, ch))


class MissingGlyphs(ValueError):
    """The label font has no glyph for some characters; printing would show boxes."""

    def __init__(self, font: FontSpec, where: dict[str, set[str]]) -> None:
        self.font = font
        self.where = where
        self.chars: set[str] = set().union(*where.values())
        parts = [f"{show_chars(chars)} in {field}" for field, chars in where.items()]
        hint = (
            "install fonts-noto-cjk or set label font in config"
            if self.wide
            else "set label font in config to a font that has them, or correct the text"
        )
        super().__init__(f"the label font ({font.name}) cannot draw {'; '.join(parts)}: {hint}")

    @property
    def wide(self) -> bool:
        """Whether CJK (East Asian wide) characters are among the missing ones."""
        return any(unicodedata.east_asian_width(ch) in "WF" for ch in self.chars)


def show_chars(chars: set[str]) -> str:
    """"张 (U+5F20), 伟 (U+4F1F)": the characters and their code points, for a message."""
    return ", ".join(f"{ch} (U+{ord(ch):04X})" for ch in sorted(chars))


def check_glyphs(fields: list[tuple[str, str]], font: FontSpec) -> None:
    """Raise MissingGlyphs naming each (field, text) whose characters the font cannot draw."""
    where: dict[str, set[str]] = {}
    for field_name, text in fields:
        missing = missing_glyphs(font, text)
        if missing:
            where[field_name] = missing
    if where:
        raise MissingGlyphs(font, where)


def pick_font(text: str, override: str | os.PathLike[str] | FontSpec | None = None) -> FontSpec:
    """The font to draw `text` with: the override if given, else the first installed font
    that has every character. If none has them all, the one missing the fewest characters
    (the caller checks `missing_glyphs` and reports what cannot be drawn)."""
    if override is not None:
        return find_font(override)
    fonts = available_fonts()
    best, best_missing = fonts[0], None
    for spec in fonts:
        missing = len(missing_glyphs(spec, text))
        if missing == 0:
            return spec
        if best_missing is None or missing < best_missing:
            best, best_missing = spec, missing
    return best
