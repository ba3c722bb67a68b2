"""The key bar, in the current language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from kiosk.i18n import _, current_language

if TYPE_CHECKING:
    from textual.screen import Screen

KeysShown = tuple[str, tuple[tuple[str, str, bool], ...]]


class KioskFooter(Footer):
    """Footer whose key descriptions go through the catalog when they are shown.

    Bindings are class attributes, fixed at import; translating at compose
    time lets the language change at login without rebuilding the bindings.

    Textual's Footer rebuilds its keys on every bindings signal (each focus change, each time a
    screen comes back), and every rebuild leaves the old keys bound to the footer (data_bind)
    for as long as the footer lives: a queue screen kept all shift would pile up thousands of
    them and make every full garbage collection slower. This one rebuilds only when the keys it
    shows, or their language, changed.
    """

    def __init__(self) -> None:
        # Compact: a packer's 80-column terminal must show every function key.
        super().__init__(compact=True)
        self.shown: KeysShown | None = None
        # A rebuild is queued: a screen that opens sends the bindings signal several times
        # (mount, focus, ...) before the first rebuild runs, and each would queue another.
        self.rebuilding = False

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

    def compose(self) -> ComposeResult:
        # Keys in the first compose already (Textual's waits for the first bindings signal, then
        # builds the bar a second time): the screen's keys are known once it is composed, and
        # a signal that finds the same keys rebuilds nothing.
        self.set_reactive(Footer._bindings_ready, True)
        self.rebuilding = False
        self.shown = self.keys_to_show()
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.description = _(widget.description)
                # The bar is compact: a key that has the class already is not restyled on its
                # own when its compact watcher runs at mount (one style pass per key otherwise).
                widget.add_class("-compact", update=False)
            yield widget
