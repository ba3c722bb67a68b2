"""kiosk.inert: text from data never reaches a terminal as control characters."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.crashlog import write_crash_log
from kiosk.inert import inert, inert_lines


@pytest.mark.parametrize(("raw", "shown"), [
    ("\x1b]52;c;cm0gLXJmIH4=\x07", "␛]52;c;cm0gLXJmIH4=␇"),
    ("\x1b]0;pwned\x07", "␛]0;pwned␇"),
    ("\x1b[2J", "␛[2J"),
    ("a\x00b", "a␀b"),
    ("\x7f", "␡"),
    ("\x9b31m", "\\u009b31m"),  # C1 CSI
    ("abc\u202edef", "abc\\u202edef"),
    ("x\u2066y\u2069", "x\\u2066y\\u2069"),
    ("12\udcff", "12\\udcff"),
    ("two\nlines", "two␊lines"),
])
def test_control_characters_are_made_visible(raw, shown):
    assert inert(raw) == shown


@pytest.mark.parametrize("text", ["Li Wei", "张伟 真丝围巾", "Zoë O'Brien", "📦 box", "a b", ""])
def test_printable_text_is_unchanged(text):
    assert inert(text) == text


@given(st.text())
def test_nothing_that_acts_on_a_terminal_survives(text):
    shown = inert(text)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or 0xD800 <= ord(c) <= 0xDFFF
                   or c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069" for c in shown)
    shown.encode("utf-8")  # no lone surrogate left: it can be written anywhere


def test_inert_lines_keeps_the_line_breaks_only():
    assert inert_lines("one\x1b[2J\ntwo\x07") == "one␛[2J\ntwo␇"


def test_the_crash_log_is_written_inert(tmp_path, monkeypatch):
    monkeypatch.setattr("kiosk.crashlog.crash_log_path", lambda: tmp_path / "log" / "crash.log")
    try:
        raise ValueError("scan \x1b]0;pwned\x07 refused")
    except ValueError as error:
        log = write_crash_log(error)
    text = log.read_text(encoding="utf-8")
    assert "ValueError: scan ␛]0;pwned␇ refused" in text and "\x1b" not in text and "\x07" not in text
