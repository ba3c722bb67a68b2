"""The screens that take scans draw their own background once per style and size."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.widgets import Static

from screens.scan_screen import ScanScreen


class Plain(ScanScreen):
    def compose(self) -> ComposeResult:
        yield Static("order 1")

    def handle_scan(self, value: str) -> None:
        pass


class PlainApp(App):
    def on_mount(self) -> None:
        self.push_screen(Plain())

    def scan_screen_ready(self, screen: ScanScreen) -> None:
        pass


def background_colour(screen: ScanScreen) -> str:
    line = screen.render_lines(Region(0, 0, 40, 12))[5]
    return str(next(iter(line)).style.bgcolor)


async def test_the_background_follows_a_change_of_theme():
    app = PlainApp()
    async with app.run_test(size=(40, 12)) as pilot:
        app.theme = "textual-dark"
        await pilot.pause()
        dark = background_colour(app.screen)
        assert dark == str(app.screen.styles.background.rich_color)
        app.theme = "textual-light"
        await pilot.pause()
        assert background_colour(app.screen) == str(app.screen.styles.background.rich_color) != dark


async def test_the_screen_redrawn_in_front_again_keeps_its_lines():
    app = PlainApp()
    async with app.run_test(size=(40, 12)) as pilot:
        screen = app.screen
        first = screen.render_lines(Region(0, 0, 40, 12))
        screen.refresh()  # as Textual does when the screen comes back in front
        await pilot.pause()
        assert screen.render_lines(Region(0, 0, 40, 12)) is first
