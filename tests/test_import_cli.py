"""``kiosk import``, ``kiosk import-catalogue`` and the watch folder, as a shop runs them."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixtures import platform_files as files
from kiosk.cli import main
from kiosk.db import open_database
from kiosk.imports.summary import recent_imports
from kiosk.order_queue import queue_page


@pytest.fixture
def samples(tmp_path: Path) -> dict[str, Path]:
    return files.write_platform_files(tmp_path / "exports")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_new_shop_starts_with_a_new_database(tmp_path, samples, capsys):
    database = str(tmp_path / "shop.db")
    code, out, _err = run(capsys, "--db", database, "import-catalogue", str(samples["products_shopify"]))
    assert (code, out) == (0, "products_shopify.csv (shopify): 9 imported, 0 updated, 0 unchanged, 0 rejected"
                              " products.\n")
    code, out, _err = run(capsys, "--db", database, "import", str(samples["shopify_orders"]))
    assert code == 0
    assert out.startswith("shopify_orders.csv (shopify): 4 imported, 0 updated, 0 unchanged, 0 rejected orders.")
    db = open_database(database)
    assert [entry.order_id for entry in queue_page(db, 10)] == ["#1001", "#1002"]


def test_a_refused_file_is_one_line_on_stderr_and_exit_1(tmp_path, samples, capsys):
    database = str(tmp_path / "shop.db")
    code, out, err = run(capsys, "--db", database, "import", str(samples["products_shopify"]))
    assert (code, out) == (1, "")
    assert err == ("kiosk: products_shopify.csv is a product list, not an order export: use kiosk"
                   " import-catalogue.\n")


def test_usage_errors_exit_2(tmp_path, capsys):
    assert run(capsys, "--db", str(tmp_path / "x.db"), "import")[0] == 2
    assert run(capsys, "--db", str(tmp_path / "x.db"), "import", "--format", "ebay", "a.csv")[0] == 2


def test_dry_run_writes_nothing(tmp_path, samples, capsys):
    database = tmp_path / "shop.db"
    code, out, _err = run(capsys, "--db", str(database), "import", "--dry-run", str(samples["woocommerce"]))
    assert code == 0 and "Dry run: nothing was written." in out
    assert open_database(database).execute("SELECT COUNT(*) FROM orders").fetchone()[0] == 0


def test_a_folder_imports_each_export_in_it(tmp_path, samples, capsys):
    code, out, _err = run(capsys, "--db", str(tmp_path / "shop.db"), "import", str(samples["taobao_orders"].parent))
    assert code == 0 and "(taobao): 3 imported" in out


def test_watch_once_imports_what_is_dropped_and_moves_it_aside(tmp_path, samples, capsys):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    samples["woocommerce"].rename(inbox / "woo.csv")
    (inbox / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    database = str(tmp_path / "shop.db")
    code, out, err = run(capsys, "--db", database, "import", "--watch", str(inbox), "--once")
    assert code == 1  # one file was refused
    assert "woo.csv (woocommerce): 3 imported" in out
    assert "photo.png is not a text file" in err
    assert (inbox / "done" / "woo.csv").exists()
    assert (inbox / "rejected" / "photo.png").exists()
    assert "is not a text file" in (inbox / "rejected" / "photo.png.reason.txt").read_text(encoding="utf-8")
    assert sorted(p.name for p in inbox.iterdir()) == ["done", "rejected"]
    records = recent_imports(open_database(database), 5)
    assert [(r.file, r.outcome) for r in records] == [("woo.csv", "done"), ("photo.png", "refused")]


def test_watch_waits_for_a_file_to_hold_still(tmp_path, samples):
    from kiosk.imports.watch import watch_folder

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    samples["generic_csv"].rename(inbox / "orders.csv")
    db = open_database(tmp_path / "shop.db")
    lines: list[str] = []
    state = watch_folder(db, inbox, polls=1, report=lambda line, _error: lines.append(line), sleep=lambda _s: None)
    assert state.imported == 0 and (inbox / "orders.csv").exists()  # seen once: maybe still being written
    state = watch_folder(db, inbox, polls=2, report=lambda line, _error: lines.append(line), sleep=lambda _s: None)
    assert state.imported == 1 and (inbox / "done" / "orders.csv").exists()
