"""Updating a line of text without laying out the whole screen again."""

from __future__ import annotations

from rich.text import Text
from textual.visual import VisualType
from textual.widgets import Static


def update_in_place(widget: Static, content: VisualType) -> None:
    """``Static.update`` that asks for a layout only when the content's height changes.

    Static.update lays out the screen after every change, in case the new text wraps onto more
    (or fewer) lines: every widget of the screen is arranged again, about a quarter of the frame
    that answers a scan. At the width the widget has now, the text's height says whether its box
    changes; only then is the layout needed (a message that wraps, a narrow terminal).
    """
    width = widget.content_size.width
    if not widget.is_mounted or not width:
        widget.update(content)
        return
    if widget.content_size.height == 1 and _one_line(content, width):
        # Most updates: a line replacing a line. Measuring both through Textual's wrapping costs
        # more than the update itself.
        widget.update(content, layout=False)
        return
    screen_size = widget.app.size
    before = widget.get_content_height(widget.size, screen_size, width)
    widget.update(content, layout=False)
    if widget.get_content_height(widget.size, screen_size, width) != before:
        widget.refresh(layout=True)


def _one_line(content: VisualType, width: int) -> bool:
    return isinstance(content, Text) and "\n" not in content.plain and 0 < content.cell_len <= width
