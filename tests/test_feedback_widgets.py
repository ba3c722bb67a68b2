"""The pack screen's feedback widgets as a terminal shows them: the banner, the prompt, the
progress line and the scan field, each updated in place (without a layout of the screen)."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Static

from benchmarks.screen_probe import FrameLogMixin
from screens.widgets.banner import Banner
from screens.widgets.progress_line import ProgressLine
from screens.widgets.scan_input import ScanInput
from screens.widgets.text_line import update_in_place

LONG = "Wrong variant: scanned Forest Green, this order needs Navy Blue or Charcoal Grey."


class FeedbackApp(FrameLogMixin, App):
    """What a terminal would be sent, recorded as text."""

    CSS = "ScanInput { width: 20; }"

    def __init__(self, max_length: int = 0) -> None:
        super().__init__()
        self.scans: list[str] = []
        self.max_length = max_length

    def compose(self) -> ComposeResult:
        yield Banner(id="banner")
        yield Static("3 of 5 items", id="prompt")
        yield ProgressLine(id="progress")
        yield ScanInput(id="scan", max_length=self.max_length)

    def on_mount(self) -> None:
        self.query_one(ScanInput).focus()
        self.screen.receive_scan = self.scans.append


def lines(app: FeedbackApp) -> list[str]:
    return [" ".join(line.split()) for line in app.frame_log.screen.dump().splitlines()]


async def test_a_message_that_wraps_moves_the_prompt_down_and_a_short_one_moves_it_back():
    app = FeedbackApp()
    async with app.run_test(size=(30, 12)) as pilot:
        banner = app.query_one(Banner)
        banner.show("OK: Sweater, 1 of 2.", "ok")
        await pilot.pause()
        assert lines(app)[:2] == ["OK: Sweater, 1 of 2.", "3 of 5 items"]
        banner.show(LONG, "error")
        await pilot.pause()
        shown = lines(app)
        assert " ".join(shown[:4]) == LONG  # every word, on as many lines as it needs
        assert shown[4] == "3 of 5 items"
        banner.show("OK: Sweater, 2 of 2.", "ok")
        update_in_place(app.query_one("#prompt", Static), Text("4 of 5 items"))
        await pilot.pause()
        assert lines(app)[:2] == ["OK: Sweater, 2 of 2.", "4 of 5 items"]


async def test_a_message_one_cell_wider_than_the_banner_wraps_and_one_as_wide_does_not():
    app = FeedbackApp()
    async with app.run_test(size=(30, 12)) as pilot:
        banner = app.query_one(Banner)  # 28 cells inside its padding
        banner.show("OK: " + "x" * 24, "ok")
        await pilot.pause()
        assert lines(app)[:2] == ["OK: " + "x" * 24, "3 of 5 items"]
        banner.show("OK: " + "x" * 20 + " yyyy", "ok")  # 29 cells
        await pilot.pause()
        assert lines(app)[:3] == ["OK: " + "x" * 20, "yyyy", "3 of 5 items"]


async def test_the_progress_line_shows_the_share_of_units_packed():
    app = FeedbackApp()
    async with app.run_test(size=(50, 12)) as pilot:
        progress = app.query_one(ProgressLine)
        progress.update(total=3, progress=2)
        await pilot.pause()
        bar = next(line for line in app.frame_log.screen.dump().splitlines() if "%" in line)
        assert bar.split()[-1] == "67%"
        assert bar.count("━") + bar.count("╸") + bar.count("╺") == 32
        progress.update(total=3, progress=3)
        await pilot.pause()
        assert "100%" in app.frame_log.screen.dump()


async def test_a_short_code_after_a_long_one_shows_whole_in_the_scan_field():
    app = FeedbackApp()
    async with app.run_test(size=(50, 12)) as pilot:
        long_code = "1Z999AA10123456784-LONG-WAYBILL-CODE"
        await pilot.press(*long_code, "enter", "A", "B", "C")
        await pilot.pause()
        assert app.scans == [long_code]
        field = app.query_one(ScanInput)
        assert field.scroll_x == 0
        assert "ABC" in app.frame_log.screen.dump()


def post_keys(app: App, *keys: str) -> None:
    """Keys posted at once, as the terminal hands over a scanner's burst."""
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


async def test_typed_keys_edit_the_field_and_a_burst_after_them_shows_whole():
    app = FeedbackApp()
    async with app.run_test(size=(50, 12)) as pilot:
        await pilot.press("A", "B", "C", "backspace", "D", "left", "X", "enter")
        assert app.scans == ["ABXD"]
        post_keys(app, "7", "8", "9")
        await pilot.pause()
        assert app.query_one(ScanInput).value == "789"
        assert "789" in app.frame_log.screen.dump()


async def test_text_pasted_behind_a_burst_comes_after_its_characters():
    app = FeedbackApp()
    async with app.run_test(size=(50, 12)) as pilot:
        post_keys(app, "A", "B")
        app.post_message(events.Paste("CD"))
        post_keys(app, "E", "enter")
        await pilot.pause()
        assert app.scans == ["ABCDE"]


async def test_a_field_with_a_length_limit_keeps_the_characters_that_fit():
    app = FeedbackApp(max_length=3)
    async with app.run_test(size=(50, 12)) as pilot:
        post_keys(app, "A", "B", "C", "D", "E", "enter")
        await pilot.pause()
        assert app.scans == ["ABC"]
