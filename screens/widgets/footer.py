"""The key bar, in the current language."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from kiosk.i18n import _, current_language


class KioskFooter(Footer):
    """Footer whose key descriptions go through the catalog when they are shown.

    Bindings are class attributes, fixed at import; translating at compose
    time lets the language change at login without rebuilding the bindings.
    """

    def __init__(self) -> None:
        # Compact: a packer's 80-column terminal must show every function key.
        super().__init__(compact=True)
        self.language = current_language()

    def follow_language(self) -> None:
        """Show the keys in the current language, if it changed since they were last drawn."""
        if self.language != current_language():
            self.refresh(recompose=True)

    def compose(self) -> ComposeResult:
        self.language = current_language()
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.description = _(widget.description)
            yield widget
