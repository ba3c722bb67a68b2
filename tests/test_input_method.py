"""A Chinese input method left on at a scanning desk: what it composed never runs into a scan.

Barcode fields (the pack screen's, the queue's, a badge) take printable ASCII only: composed text
is left out and refused on its own, the scan right behind it is read whole; full-width forms (an
input method in full-width mode) are read as ASCII. Free-text fields (a description, a search by
name) take Chinese whole. The same in a real browser: tests/test_browser.py.
"""

from __future__ import annotations

import pytest
from textual import events

from kiosk.i18n import set_language
from kiosk.scanning import barcode_character, input_method_text
from screens.pack import PackScreen
from screens.problem import ProblemDialog
from screens.queue import QueueScreen
from screens.widgets.scan_input import TYPED_TEXT_SECONDS
from tests.conftest import EAN
from tests.pilot import SIZE, RecordingApp, banner, log_in, post_scans, scan

COMPOSED = "张伟"


class RefusalsApp(RecordingApp):
    """The real App, with every refusal and warning noted as well as shown."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.refusals: list[str] = []
        self.warnings: list[str] = []

    def refuse(self, message: str) -> None:
        self.refusals.append(message)
        super().refuse(message)

    def notify(self, message: str, **kwargs) -> None:
        if kwargs.get("severity") == "warning":
            self.warnings.append(message)
        super().notify(message, **kwargs)


def full_width(code: str) -> str:
    return "".join(chr(ord(char) + 0xFEE0) for char in code)


def accepted_scans(db, order_id: str) -> list[str]:
    return [row[0] for row in db.execute(
        "SELECT raw_code FROM scans WHERE order_id = ? AND result = 'accepted' ORDER BY id", [order_id]).fetchall()]


def refused_scans(db) -> list[str]:
    return [row[0] for row in db.execute("SELECT raw_code FROM scans WHERE result != 'accepted'").fetchall()]


def test_a_barcode_holds_printable_ascii_and_full_width_forms_read_as_ascii():
    assert [barcode_character(char) for char in "A0-~ "] == list("A0-~ ")
    assert [barcode_character(char) for char in full_width("SO-1")] == list("SO-1")
    assert barcode_character("\u3000") == " "
    assert [barcode_character(char) for char in "张伟、。é\x7f"] == [None] * 6


def test_the_refusal_names_the_text_and_the_way_out_quoting_at_most_twenty_characters():
    message = input_method_text(COMPOSED)
    assert message == ("“张伟” is typed text, not a barcode: it was left out of the scan field. Switch the input"
                       " method to English before scanning.")
    assert "“" + "字" * 20 + "…”" in input_method_text("字" * 40)
    # Shown inert, like every text from outside.
    assert "\x1b" not in input_method_text("张\x1b伟")


def test_the_refusal_reads_in_chinese():
    set_language("zh_CN")
    assert "张伟" in input_method_text(COMPOSED)
    assert "英文" in input_method_text(COMPOSED)


@pytest.mark.parametrize("where", ["before", "inside"])
async def test_composed_text_with_a_scan_is_refused_on_its_own_and_the_scan_is_read_whole(config, db, where):
    app = RefusalsApp(config)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await scan(pilot, "SO-1")
        assert isinstance(app.screen, PackScreen)
        # The input method commits its text as the scanner's first key arrives (or, committed
        # late, amid the code's keys): one burst.
        code = EAN["SW-RED-M"]
        typed = COMPOSED + code if where == "before" else code[:5] + COMPOSED + code[5:]
        post_scans(app, [typed, EAN["TOTE-BLK"]])
        await pilot.pause(TYPED_TEXT_SECONDS * 2)
        await pilot.pause()
        # The banner is the scans' (green); a warning that outlives it says why the text went.
        assert banner(app).tone == "ok"
        assert app.warnings == [input_method_text(COMPOSED)]
        assert app.refusals == []
    assert accepted_scans(db, "SO-1") == [EAN["SW-RED-M"], EAN["TOTE-BLK"]]
    assert refused_scans(db) == []


async def test_composed_text_alone_is_refused_once_the_input_method_is_done(config, db):
    app = RefusalsApp(config)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await scan(pilot, "SO-1")
        for char in "李娜":
            app.post_message(events.Key(char, char))
        await pilot.pause(TYPED_TEXT_SECONDS * 3)
        assert app.refusals == [input_method_text("李娜")]
        assert app.bells == 1
        assert banner(app).tone == "error"
        assert "李娜" in banner(app).message
        assert app.screen.query_one("#scan").value == ""
    assert refused_scans(db) == []


async def test_the_enter_that_ends_composed_text_on_the_queue_opens_nothing(config):
    app = RefusalsApp(config)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await scan(pilot, COMPOSED)
        await pilot.pause(TYPED_TEXT_SECONDS * 2)
        # An empty Enter would open the highlighted order: this one ended the typed text.
        assert isinstance(app.screen, QueueScreen)
        assert app.refusals == [input_method_text(COMPOSED)]
        # The next Enter is the packer's own.
        await scan(pilot, "")
        assert isinstance(app.screen, PackScreen)


async def test_a_scanner_typing_through_a_full_width_input_method_is_read(config, db):
    app = RefusalsApp(config)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await scan(pilot, full_width("SO-1"), full_width(EAN["SW-RED-M"]))
        assert isinstance(app.screen, PackScreen)
        assert banner(app).tone == "ok"
        assert app.refusals == []
    assert accepted_scans(db, "SO-1") == [EAN["SW-RED-M"]]


async def test_a_problem_description_takes_chinese_whole(config, db):
    app = RefusalsApp(config)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await scan(pilot, "SO-1")
        await pilot.press("f5")
        assert isinstance(app.screen, ProblemDialog)
        await scan(pilot, "4", "", "张伟要求换成蓝色", "", "h")
        await pilot.pause(TYPED_TEXT_SECONDS * 2)
        assert isinstance(app.screen, QueueScreen)
        assert app.refusals == []
    assert db.execute("SELECT description FROM problems").fetchone() == ("张伟要求换成蓝色",)
