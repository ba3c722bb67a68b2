"""Text from data made safe to show: control characters become visible instead of acting.

Order data comes from outside (shop exports, imported files, scans): an escape sequence in a
recipient's name must not retitle the terminal, clear the screen or write the clipboard
(OSC 52), and a right-to-left override must not reorder what a supervisor reads. Every CLI
line, log line and screen that shows such text passes it through :func:`inert`.
"""

from __future__ import annotations

# Explicit direction marks and overrides (Unicode bidi formatting characters): they reorder
# the text around them on the screen, so a name could read as something else.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_SEPARATORS = frozenset("\u2028\u2029")


def _visible(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode control pictures: ␀ ␇ ␛ ...
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _is_control(char: str) -> bool:
    code = ord(char)
    return (
        code < 0x20
        or 0x7F <= code <= 0x9F
        or 0xD800 <= code <= 0xDFFF  # a lone surrogate: an undecodable byte, not a character
        or char in _BIDI
        or char in _SEPARATORS
    )


def inert(text: object) -> str:
    """``text`` with every control character shown as a visible stand-in.

    C0 controls (NUL, BEL, ESC, ...) and DEL become their control pictures (``␛``), C1
    controls, lone surrogates, bidi overrides and line separators become ``\\uXXXX``. Printable
    text, including Chinese, emoji and ordinary spaces, is returned unchanged. A newline is a
    control character too: one value never spans two lines.
    """
    value = text if isinstance(text, str) else str(text)
    if value.isprintable():  # the common case, checked in C
        return value
    return "".join(_visible(char) if _is_control(char) else char for char in value)


def inert_lines(text: str) -> str:
    """Several lines (a traceback, a report) made inert line by line, keeping the line breaks."""
    return "\n".join(inert(line) for line in text.split("\n"))
