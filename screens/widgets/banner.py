"""The feedback line: green for an accepted scan, red for a refusal."""

from __future__ import annotations

from typing import Literal

from rich.text import Text
from textual.color import Color
from textual.widgets import Static

from kiosk.inert import inert_lines
from screens.widgets.text_line import update_in_place

Tone = Literal["ok", "error", "info", "warning", "waybill"]
# Each tone's background and text colour, as the theme names them (None: the theme's text colour
# for that background, as `$text` is).
TONE_COLOURS: dict[str, tuple[str, str | None]] = {
    "ok": ("success", None), "error": ("error", None), "warning": ("warning", "background"),
    "info": ("panel", None), "waybill": ("accent", None),
}
# `$text`: black or white, whichever reads better on the background, at 87 %.
TEXT_ALPHA = 0.87


class TonedLine(Static):
    """A line of text whose colours say what it is (accepted, refused, the waybill step).

    The colours are set on the widget itself, not by a class per tone: a class change matches the
    whole stylesheet against the widget again (about 0.6 ms), and the banner changes tone at the
    first scan of every order, the prompt at the last.
    """

    tone: Tone | None = None

    def set_tone(self, tone: Tone | None) -> None:
        if tone == self.tone:
            return
        self.tone = tone
        if tone is None:
            self.styles.clear_rule("background")
            self.styles.clear_rule("color")
            return
        background_name, text_name = TONE_COLOURS[tone]
        variables = self.app.theme_variables
        background = Color.parse(variables[background_name])
        self.styles.background = background
        self.styles.color = (Color.parse(variables[text_name]) if text_name
                             else background.get_contrast_text(TEXT_ALPHA))


class Banner(TonedLine):
    DEFAULT_CSS = """
    Banner { width: 1fr; height: auto; min-height: 1; padding: 0 1; text-style: bold; }
    """

    message: str = ""

    def show(self, message: str, tone: Tone = "info") -> None:
        self.message = message
        # Scanned codes and names come from outside: never read them as markup.
        update_in_place(self, Text(inert_lines(message)))
        self.set_tone(tone)

    def clear(self) -> None:
        """No message and no colour, as before the first message."""
        self.message = ""
        update_in_place(self, Text(""))
        self.set_tone(None)
