"""The open order's progress: a bar and its percentage, drawn as one line."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

BAR_WIDTH = 32
FULL, LEFT_HALF, RIGHT_HALF = "━", "╺", "╸"


class ProgressLine(Widget):
    """Looks like Textual's ProgressBar without its ETA, for a fraction of the cost of a scan's frame.

    ProgressBar is three widgets (its container, the bar and the percentage label) that are all
    styled and painted again at each scan; here the line is one strip of a few segments.
    """

    DEFAULT_CSS = """
    ProgressLine { height: 1; width: 1fr; }
    ProgressLine > .progress-line--bar { color: $primary; background: $surface; }
    ProgressLine > .progress-line--complete { color: $success; background: $surface; }
    """
    COMPONENT_CLASSES = {"progress-line--bar", "progress-line--complete"}

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name for it
        super().__init__(id=id)
        self.total = 0
        self.progress = 0

    def update(self, *, total: int, progress: int) -> None:
        if (total, progress) != (self.total, self.progress):
            self.total, self.progress = total, progress
            self.refresh()

    @property
    def percentage(self) -> int | None:
        """Whole percent done (None before there is anything to do)."""
        return round(100 * min(self.progress, self.total) / self.total) if self.total > 0 else None

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        base = self.rich_style
        if y:
            return Strip.blank(width, base)
        percentage = self.percentage
        complete = percentage == 100
        bar = self.get_component_rich_style("progress-line--complete" if complete else "progress-line--bar")
        done, rest = Style.from_color(bar.color), Style.from_color(bar.bgcolor)
        # In half cells, as Textual's bar draws it.
        halves = round(2 * BAR_WIDTH * min(self.progress, self.total) / self.total) if self.total > 0 else 0
        full, half = divmod(halves, 2)
        segments = [Segment(FULL * full, base + done)]
        if half:
            segments.append(Segment(RIGHT_HALF, base + done))
        if full + half < BAR_WIDTH:
            left = BAR_WIDTH - full - half
            segments.append(Segment((LEFT_HALF if full and not half else FULL) + FULL * (left - 1), base + rest))
        label = "--%" if percentage is None else f"{percentage}%"
        segments.append(Segment(f"{label:>5}", base))
        return Strip(segments).adjust_cell_length(width, base)
