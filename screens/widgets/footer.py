"""The key bar, in the current language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from kiosk.i18n import _, current_language

if TYPE_CHECKING:
    from textual.screen import Screen

KeysShown = tuple[str, tuple[tuple[str, str, bool], ...]]


class KioskFooter(Footer):
    """Footer whose key descriptions go through the catalog when they are shown, on as many lines
    as the terminal's width needs: every key a screen offers stays in sight, even at 80 columns.

    Bindings are class attributes, fixed at import; translating at compose
    time lets the language change at login without rebuilding the bindings.

    Textual's Footer rebuilds its keys on every bindings signal (each focus change, each time a
    screen comes back), and every rebuild leaves the old keys bound to the footer (data_bind)
    for as long as the footer lives: a queue screen kept all shift would pile up thousands of
    them and make every full garbage collection slower. This one rebuilds only when the keys it
    shows, or their language, changed.
    """

    DEFAULT_CSS = """
    KioskFooter { height: auto; max-height: 4; layout: vertical; }
    KioskFooter > .footer-row { width: 1fr; height: 1; }
    """

    def __init__(self) -> None:
        super().__init__(compact=True)
        self.shown: KeysShown | None = None
        # A rebuild is queued: a screen that opens sends the bindings signal several times
        # (mount, focus, ...) before the first rebuild runs, and each would queue another.
        self.rebuilding = False
        # The keys on each line, as drawn, and the cells each takes: a resize redraws only when
        # they would move.
        self.rows: tuple[int, ...] = ()
        self.key_widths: list[int] = []

    def keys_to_show(self) -> KeysShown:
        keys = tuple(
            (binding.key, binding.description, enabled)
            for _node, binding, enabled, _tooltip in self.screen.active_bindings.values()
            if binding.show
        )
        return current_language(), keys

    def follow_language(self) -> None:
        """Show the keys in the current language, if it changed since they were last drawn."""
        if self.shown is not None and self.shown[0] != current_language():
            self.refresh(recompose=True)

    def bindings_changed(self, screen: Screen) -> None:
        # Footer.bindings_changed, rebuilding only for keys not already shown or queued.
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if not self.rebuilding and self.keys_to_show() != self.shown:
            self.rebuilding = True
            self.call_after_refresh(self.recompose)

    def on_resize(self, event: events.Resize) -> None:
        if self.key_widths and self._split(self.key_widths, event.size.width) != self.rows:
            self.refresh(recompose=True)

    @staticmethod
    def _split(widths: list[int], width: int) -> tuple[int, ...]:
        """How many keys go on each line, in order, for a footer ``width`` cells wide."""
        rows: list[int] = []
        used = 0
        for key_width in widths:
            if rows and used + key_width <= width:
                rows[-1] += 1
                used += key_width
            else:
                rows.append(1)
                used = key_width
        return tuple(rows)

    def compose(self) -> ComposeResult:
        # Keys in the first compose already (Textual's waits for the first bindings signal, then
        # builds the bar a second time): the screen's keys are known once it is composed, and
        # a signal that finds the same keys rebuilds nothing.
        self.set_reactive(Footer._bindings_ready, True)
        self.rebuilding = False
        self.shown = self.keys_to_show()
        keys = []
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.description = _(widget.description)
                # The bar is compact: a key that has the class already is not restyled on its
                # own when its compact watcher runs at mount (one style pass per key otherwise).
                widget.add_class("-compact", update=False)
            keys.append(widget)
        self.key_widths = [_key_width(key) for key in keys]
        self.rows = self._split(self.key_widths, self.size.width or self.app.size.width)
        start = 0
        for count in self.rows:
            with HorizontalGroup(classes="footer-row"):
                yield from keys[start:start + count]
            start += count


def _key_width(key: FooterKey) -> int:
    """Cells a key takes in the compact footer: "f2 Quantity" and the margin after it."""
    return cell_len(key.key_display) + (1 + cell_len(key.description) if key.description else 0) + 1
