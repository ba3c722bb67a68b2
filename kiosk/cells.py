"""Text measured in terminal cells: a Chinese character takes two, a Latin letter one."""

from __future__ import annotations

from wcwidth import wcswidth, wcwidth


def cell_width(text: str) -> int:
    width = wcswidth(text)
    # wcswidth gives -1 for control characters; count them as one cell rather than fail.
    return width if width >= 0 else sum(max(wcwidth(char), 1) for char in text)


def pad_cells(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` cells (longer text is left as it is)."""
    return text + " " * max(width - cell_width(text), 0)


def truncate_cells(text: str, width: int, ellipsis: str = "…") -> str:
    """``text`` cut to at most ``width`` cells, ending in ``ellipsis`` when it was cut."""
    if cell_width(text) <= width:
        return text
    room = width - cell_width(ellipsis)
    kept, used = [], 0
    for char in text:
        size = max(wcwidth(char), 0)
        if used + size > room:
            break
        kept.append(char)
        used += size
    return "".join(kept) + ellipsis
