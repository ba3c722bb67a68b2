"""Text measured in terminal cells: a Chinese character takes two, a Latin letter one.

Measured with rich.cells, the table Textual itself lays the screen out with, so a column the
core pads lines up with what the screen draws (and the CLI's tables agree with both).
"""

from __future__ import annotations

from rich.cells import cell_len, get_character_cell_size


def cell_width(text: str) -> int:
    return cell_len(text)


def pad_cells(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` cells (longer text is left as it is)."""
    return text + " " * max(width - cell_len(text), 0)


def truncate_cells(text: str, width: int, ellipsis: str = "…") -> str:
    """``text`` cut to at most ``width`` cells, ending in ``ellipsis`` when it was cut."""
    if cell_len(text) <= width:
        return text
    room = width - cell_len(ellipsis)
    kept, used = [], 0
    for char in text:
        size = get_character_cell_size(char)
        if used + size > room:
            break
        kept.append(char)
        used += size
    return "".join(kept) + ellipsis
