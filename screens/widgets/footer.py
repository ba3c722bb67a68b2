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
        if self.shown is None or self.keys_to_show() != self.shown:
            super().bindings_changed(screen)

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self.shown = self.keys_to_show()
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.description = _(widget.description)
            yield widget
