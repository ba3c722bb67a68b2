"""Chinese names found by their pinyin: ``zhang wei``, ``zhangwei`` and the initials ``zw`` find 张伟."""

from __future__ import annotations

import pytest

from kiosk.db import open_database, transaction
from kiosk.lookup import lookup
from kiosk.pinyin import name_pinyin
from tests.test_lookup import AFTERSALES, add_order, found


def names(db, query: str) -> set[str]:
    return {order_id for order_id, kind in found(db, query) if kind == "name"}


def test_a_name_has_its_syllables_the_syllables_run_together_and_its_initials():
    assert name_pinyin("张伟") == " zhang wei zhangwei zw "
    assert name_pinyin("Ann Smith") == ""


def test_a_surname_read_two_ways_is_indexed_under_both_readings():
    forms = name_pinyin("曾小贤").split()
    assert {"zengxiaoxian", "cengxiaoxian", "zxx", "cxx"} <= set(forms)


@pytest.mark.parametrize("query", ["zhang wei", "Zhang Wei", "zhangwei", "ZHANGWEI"])
def test_pinyin_finds_the_chinese_name_in_any_case_and_spacing(similar, query):
    # 张伟华 starts with zhang wei too, as 张伟 typed in characters finds it; 王伟 and 张三丰 do not.
    assert names(similar, query) == {"SO-10005", "SO-10006"}


def test_initials_find_names_that_start_with_them(similar):
    assert names(similar, "zw") == {"SO-10005", "SO-10006"}
    assert names(similar, "zsf") == {"SO-10008"}
    assert names(similar, "ww") == {"SO-10007"}


def test_a_surname_in_pinyin_finds_every_order_of_that_surname_and_no_other(similar):
    assert names(similar, "zhang") == {"SO-10005", "SO-10006", "SO-10008"}
    assert names(similar, "wang wei") == {"SO-10007"}


def test_pinyin_follows_a_renamed_recipient(similar, db):
    with transaction(db) as conn:
        conn.execute("UPDATE orders SET recipient_name = '赵磊' WHERE order_id = 'SO-10005'")
    assert names(db, "zhao lei") == {"SO-10005"}
    # (its buyer id zhangwei88 still holds zhang and wei; the initials are the name's alone)
    assert names(db, "zw") == {"SO-10006"}


def test_a_resend_or_an_import_through_any_kiosk_connection_is_indexed_at_once(similar, db):
    add_order(db, "SO-50000", "刘洋", "+86 139 0000 0001", "liuyang01", "", "")
    assert lookup(db, "liu yang", AFTERSALES).hits[0].order_id == "SO-50000"


def test_the_migration_gives_the_orders_already_there_their_pinyin(tmp_path, monkeypatch):
    from kiosk import db as db_module

    before = next(number for number, script in enumerate(db_module.MIGRATIONS) if "kiosk_name_pinyin" in script)
    path = tmp_path / "k.db"
    with monkeypatch.context() as patch:
        patch.setattr(db_module, "MIGRATIONS", db_module.MIGRATIONS[:before])
        patch.setattr(db_module, "SCHEMA_VERSION", before)
        old = open_database(path)
        with transaction(old) as conn:
            conn.execute("INSERT INTO orders (order_id, recipient_name, status, created_at)"
                         " VALUES ('OLD-1', '陈静', 'shipped', '2026-11-27')")
        old.conn.close()
    migrated = open_database(path)
    assert names(migrated, "chen jing") == {"OLD-1"}
    assert names(migrated, "cj") == {"OLD-1"}
