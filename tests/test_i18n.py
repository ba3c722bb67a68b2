"""One translation mechanism, complete catalogs, and no text that slips past them."""

from __future__ import annotations

import ast
import html
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from kiosk.cells import cell_width, pad_cells, truncate_cells
from kiosk.i18n import (
    LANGUAGES,
    _,
    catalog_path,
    choose_language,
    format_day_and_time,
    format_number,
    normalise_language,
    set_language,
)
from kiosk.timefmt import waiting_for

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def source_messages() -> set[str]:
    """Every message the code marks for translation, read from the source as pybabel does."""
    messages = set()
    for folder in ("kiosk", "screens", "fixtures"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            messages.add(message if isinstance(message, str) else message[0])
    return messages


def chinese_catalog() -> dict[str, str]:
    with catalog_path("zh_CN").open("rb") as handle:
        catalog = read_po(handle)
    return {
        (m.id if isinstance(m.id, str) else m.id[0]): (m.string if isinstance(m.string, str) else m.string[0])
        for m in catalog
        if m.id and "fuzzy" not in m.flags
    }


def test_every_message_in_the_code_has_a_chinese_translation():
    catalog = chinese_catalog()
    untranslated = sorted(m for m in source_messages() if not catalog.get(m))
    assert untranslated == []


def test_translations_keep_the_placeholders_of_their_message():
    wrong = {
        message: translation
        for message, translation in chinese_catalog().items()
        if sorted(PLACEHOLDER.findall(message)) != sorted(PLACEHOLDER.findall(translation))
    }
    assert wrong == {}


def test_the_template_matches_the_code():
    with (ROOT / "kiosk" / "locale" / "kiosk.pot").open("rb") as handle:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    assert template == source_messages(), "run the pybabel extract command in the README"


# Calls whose text argument a person reads. A literal or an f-string there skipped the catalog.
USER_FACING = {"KioskError", "show", "notify", "refuse", "echo", "Static", "update", "add_column",
               "add_columns", "Binding", "ConfirmDialog", "ScanOutcome", "UsageError"}


def _is_translated(node: ast.expr) -> bool:
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name) and func.id in {"_", "ngettext", "N_"}:
            return True
        if isinstance(func, ast.Attribute) and func.attr in {"format", "join"}:
            return _is_translated(func.value)
    if isinstance(node, ast.BinOp):
        return _is_translated(node.left) and _is_translated(node.right)
    return not isinstance(node, ast.JoinedStr | ast.Constant)


def _has_words(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(re.search(r"[A-Za-z]{2}", node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_has_words(part) for part in node.values)
    return False


def test_no_text_a_person_reads_bypasses_the_catalog():
    bypasses = []
    for folder in ("kiosk", "screens", "fixtures"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                if name not in USER_FACING:
                    continue
                # Binding(key, action, description); ScanOutcome(result, message); Banner.show(message, tone).
                texts = {"Binding": node.args[2:3], "ScanOutcome": node.args[1:2], "show": node.args[:1]}.get(
                    name, node.args
                )
                for arg in texts:
                    if _has_words(arg) and not _is_translated(arg):
                        bypasses.append(f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(arg)[:60]}")
    assert bypasses == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [("zh_CN.UTF-8", "zh_CN"), ("zh", "zh_CN"), ("zh-Hans", "zh_CN"), ("en_GB.UTF-8", "en"),
     ("C.UTF-8", "en"), ("fr_FR.UTF-8", None), ("zh_TW", None), ("", None), ("???", None)],
)
def test_language_names_are_normalised(value, expected):
    assert normalise_language(value) == expected


def test_first_supported_language_wins_then_english():
    assert choose_language(None, "fr_FR", "zh_CN.UTF-8") == "zh_CN"
    assert choose_language("en", "zh_CN") == "en"
    assert choose_language(None, None) == "en"


def test_numbers_dates_and_durations_follow_the_language():
    moment = datetime(2026, 11, 26, 14, 5, tzinfo=UTC)
    assert format_day_and_time(moment) == "Nov 26 2:05\u202fPM"
    assert waiting_for("2026-11-25T10:00:00+00:00", now=datetime(2026, 11, 27, 13, 30, tzinfo=UTC)) == "2d 3h"
    set_language("zh_CN")
    assert format_day_and_time(moment) == "11月26日 14:05"
    assert format_number(12345) == "12,345"
    assert waiting_for("2026-11-25T10:00:00+00:00", now=datetime(2026, 11, 27, 13, 30, tzinfo=UTC)) == "2天3小时"
    assert _("Scan each item") == "请逐件扫描商品"


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_whole_numbers_read_as_babel_writes_them_in_every_language(language):
    from babel.numbers import format_decimal

    set_language(language)
    for value in (0, 7, 999, 1000, 12345, 1234567, -4321, 2.5):
        assert format_number(value) == format_decimal(value, locale=language)


def test_columns_are_measured_in_terminal_cells():
    assert cell_width("张伟") == 4
    assert cell_width("Li Wei") == 6
    assert pad_cells("张伟", 6) == "张伟  "
    assert cell_width(pad_cells("艾力·买买提", 14)) == 14
    assert truncate_cells("真丝围巾红色", 7) == "真丝围…"
    assert cell_width(truncate_cells("真丝围巾红色", 7)) <= 7
    assert truncate_cells("short", 10) == "short"


def screen_text(app) -> str:
    """The characters on the screen, as the SVG screenshot holds them."""
    svg = app.export_screenshot()
    return html.unescape("".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))).replace("\xa0", " ")


def english_fragments() -> set[str]:
    """English catalog texts to look for on a screen: whole messages, and the several-word
    pieces between placeholders (a lone word between placeholders, like "with", also occurs in data)."""
    fragments = set()
    catalog = chinese_catalog()
    # Words the Chinese texts keep as they are ("PIN", "F4") are no sign of a missed translation.
    kept_in_chinese = " ".join(catalog.values())
    for message, translation in catalog.items():
        if message == translation or message in kept_in_chinese:
            continue
        pieces = PLACEHOLDER.split(message)[::2]
        for piece in pieces:
            piece = piece.strip(" .:·,()?-")
            whole = len(pieces) == 1
            if re.search(r"[A-Za-z]{3}", piece) and (whole or " " in piece):
                fragments.add(piece)
    return fragments


def untranslated_on_screen(app) -> list[str]:
    text = screen_text(app)
    return sorted(f for f in english_fragments() if re.search(rf"(?<![A-Za-z]){re.escape(f)}(?![A-Za-z])", text))


async def test_screens_in_chinese_show_no_english_from_the_catalog(config):
    from screens.confirm import ConfirmDialog
    from screens.pack import PackScreen
    from screens.queue import QueueScreen
    from tests.conftest import EAN
    from tests.pilot import log_in, run_kiosk, scan

    set_language("zh_CN")
    config.idle_lock_seconds = 60
    seen = {}
    async with run_kiosk(config, badge=None) as (app, pilot):
        seen["login"] = untranslated_on_screen(app)
        await log_in(pilot)
        assert isinstance(app.screen, QueueScreen)
        seen["queue"] = untranslated_on_screen(app)
        await scan(pilot, "SO-2")
        assert isinstance(app.screen, PackScreen)
        seen["pack with notes"] = untranslated_on_screen(app)
        await pilot.press("f4")
        await scan(pilot, EAN["TOTE-BLK"])
        seen["pack refusal"] = untranslated_on_screen(app)
        await scan(pilot, EAN["MUG-01"])
        seen["waybill"] = untranslated_on_screen(app)
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmDialog)
        seen["confirm"] = untranslated_on_screen(app)
        await pilot.press("escape")
        app.last_input -= 61
        app.lock_if_idle()
        await pilot.pause()
        seen["lock"] = untranslated_on_screen(app)
    assert seen == {name: [] for name in seen}


async def test_the_whole_packing_flow_in_chinese(config, db):
    from kiosk.orders import get_order
    from screens.queue import QueueScreen
    from tests.conftest import EAN
    from tests.pilot import banner, labels_reported, run_kiosk, scan

    set_language("zh_CN")
    async with run_kiosk(config) as (app, pilot):
        await scan(pilot, "SO-3")
        assert banner(app).message == "订单 SO-3 等待买家付款：暂时不要打包。"
        await scan(pilot, "SO-1", EAN["SW-BLU-M"])
        assert banner(app).message == "规格不对：扫描的是 Blue / M，本订单需要 Red / M（Merino Sweater）。"
        await scan(pilot, EAN["SW-RED-M"])
        assert banner(app).message == "正确：Merino Sweater Red / M，1/2。"
        await scan(pilot, EAN["SW-RED-M"], EAN["TOTE-BLK"])
        assert "全部商品已核对：请扫描面单。" in banner(app).message
        await scan(pilot, "SF1234567890123")
        await labels_reported(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert banner(app).message == "订单 SO-1 已发货，运单号 SF1234567890123。下一单已就绪。"
    assert get_order(db, "SO-1")["status"] == "shipped"


def test_label_captions_follow_the_language(config, db):
    from kiosk.labels import label_captions

    assert label_captions().ship_to == "SHIP TO"
    set_language("zh_CN")
    captions = label_captions()
    assert (captions.ship_to, captions.sender, captions.tracking) == ("收件人", "寄件人", "运单号")


async def test_an_operators_language_switches_the_screen_at_login_and_back_at_logout(config, db):
    from screens.login import LoginScreen
    from screens.queue import QueueScreen
    from tests.pilot import log_in, run_kiosk

    db.execute("UPDATE operators SET language = 'zh_CN' WHERE badge = 'P002'")
    async with run_kiosk(config, badge=None) as (app, pilot):
        assert "Scan your badge" in screen_text(app)
        await log_in(pilot, "P002", "4321")
        assert isinstance(app.screen, QueueScreen)
        assert "待发货已付款订单" in screen_text(app)
        await pilot.press("f10")
        assert isinstance(app.screen, LoginScreen)
        assert "Scan your badge" in screen_text(app)
        await log_in(pilot, "P001", "1234")
        assert "paid orders waiting" in screen_text(app)
        assert "Recipient" in screen_text(app)  # the column titles too: the queue is not the Chinese one kept


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (["--lang", "zh_CN"], {}, "已存在：请为演示数据库选择新文件。"),
        ([], {"LANG": "zh_CN.UTF-8"}, "已存在：请为演示数据库选择新文件。"),
        (["--lang", "en"], {"LANG": "zh_CN.UTF-8"}, "already exists: choose a new file for the demo database."),
        ([], {"LANG": "en_US.UTF-8"}, "already exists: choose a new file for the demo database."),
    ],
)
def test_the_cli_speaks_the_chosen_language(tmp_path, monkeypatch, capsys, args, env, expected):
    from kiosk.cli import main

    for variable in ("LC_ALL", "LC_MESSAGES", "LANG", "KIOSK_CONFIG"):
        monkeypatch.delenv(variable, raising=False)
    for variable, value in env.items():
        monkeypatch.setenv(variable, value)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    existing = tmp_path / "exists.db"
    existing.write_bytes(b"")
    assert main([*args, "init-demo", str(existing)]) == 1
    error = capsys.readouterr().err
    assert error.startswith("kiosk: ") and expected in error
    assert error.count("\n") == 1


def test_config_language_is_used_when_no_flag_is_given(tmp_path, monkeypatch, capsys):
    from kiosk.cli import main

    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    config = tmp_path / "kiosk.toml"
    config.write_text('language = "zh_CN"\n', encoding="utf-8")
    db = tmp_path / "k.db"
    assert main(["--config", str(config), "--db", str(db), "operators", "add", "P7", "Wang", "--role", "packer",
                 "--pin", "12"]) == 1
    assert capsys.readouterr().err == "kiosk: PIN 码为 4 到 8 位数字。\n"
    assert main(["--lang", "zh_CN", "--help"]) == 0
    assert "打包台终端" in capsys.readouterr().out
