"""Where notifications show: in the tallest band of rows free of the fields, the banner and the keys.

Textual stacks toasts in one corner, whatever is under them: at 80x24 a few warnings reach the
pack screen's scan field and status line, and on the queue the first toast sits on the scan field.
The band is measured from the screen's layout each time it changes, so it holds whatever the
screen shows (notes, a banner on three lines, a key bar on two). When the toasts outgrow it, the
newest ones show and the older wait (or expire) out of sight.
"""

from __future__ import annotations

from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Input
from textual.widgets._toast import Toast, ToastRack

from screens.widgets.banner import Banner

# What a toast never covers: the fields (the scan field among them), the feedback lines (the
# banner, the pack screen's prompt), the keys.
KEEP_CLEAR = (Input, Banner, Footer)
KEEP_CLEAR_IDS = frozenset({"prompt"})
# The shortest band a toast can be read in (its margin, padding and one line of text). A screen
# with no such band keeps Textual's corner: a notice partly over a field beats an unseen one.
MIN_BAND = 4


def free_band(screen: Screen) -> tuple[int, int] | None:
    """The first row and the height of the tallest band of rows with nothing of KEEP_CLEAR on it
    (the topmost of equals), or None when none is MIN_BAND rows tall."""
    height = screen.size.height
    taken = [False] * height
    for widget in screen.walk_children(Widget):
        if not widget.display or not (isinstance(widget, KEEP_CLEAR) or widget.id in KEEP_CLEAR_IDS):
            continue
        region = widget.region
        for row in range(max(region.y, 0), min(region.bottom, height)):
            taken[row] = True
    best: tuple[int, int] | None = None
    start = 0
    for row in range(height + 1):
        if row < height and not taken[row]:
            continue
        if row - start >= MIN_BAND and (best is None or row - start > best[1]):
            best = (start, row - start)
        start = row + 1
    return best


def keep_toasts_clear(screen: Screen) -> None:
    """After a layout change: fit the toasts in sight into the free band (nothing is measured while
    none shows, as on every scan; setting a style to the value it has changes nothing, so the
    layout refresh a fit may cause ends there)."""
    try:
        rack = screen.get_child_by_type(ToastRack)
    except NoMatches:  # notifications are off (headless tests): nothing to place
        return
    if rack.display:
        fit_toasts(screen)


def fit_toasts(screen: Screen) -> None:
    """Place the screen's toast rack in its free band; show the newest toasts that fit in it."""
    try:
        rack = screen.get_child_by_type(ToastRack)
    except NoMatches:
        return
    band = free_band(screen)
    if band is None:
        rack.styles.clear_rule("margin")
        rack.styles.clear_rule("max_height")
        _show_newest(rack, None)
        return
    top, height = band
    rack.styles.margin = (top, 0, 0, 0)
    # The rack clips what does not fit; it cannot scroll (it is not drawn itself), so the older
    # toasts give way rather than the newest being cut off at the bottom of the band.
    rack.styles.max_height = height
    _show_newest(rack, height)


def _show_newest(rack: ToastRack, room: int | None) -> None:
    """Show the newest toasts that fit in ``room`` rows (all of them when None), hide the older."""
    fits = True
    for holder in reversed(rack.children):
        toast = _toast_of(holder)
        if toast is None:
            continue
        # A hidden toast keeps the size it was last drawn at; every toast is drawn once, on arrival.
        needed = toast.outer_size.height + toast.styles.margin.top
        if room is not None:
            fits = fits and needed <= room
            room -= needed
        holder.display = fits


def _toast_of(holder: Widget) -> Toast | None:
    try:
        return holder.query_one(Toast)
    except NoMatches:
        return None
