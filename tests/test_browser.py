"""A browser station, for real: `kiosk serve` on the demo database, driven by headless Chromium.

Behind the `browser` marker (`pytest -m browser`; `.ci/run` installs Chromium and runs it): it
needs Debian's chromium package and Playwright's Python API, which the plain test command does
not install.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.browser_runs import CHROMIUM, CHROMIUM_ARGS, free_port, listening, wait_until

pytestmark = pytest.mark.browser

SCREENSHOT = Path(__file__).parent.parent / "docs" / "browser-pack-screen.png"
WAYBILL = "1Z999AA10123456784"


def _query(db: Path, sql: str, *args):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


@pytest.fixture
def served(tmp_path: Path):
    """`kiosk serve` on a fresh demo database, its own state folder and spool folder."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    db = tmp_path / "demo.db"
    spool = tmp_path / "spool"
    config = tmp_path / "kiosk.toml"
    config.write_text(f'database = "{db}"\nspool_dir = "{spool}"\n', encoding="utf-8")
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state"), "LANG": "C.UTF-8"}
    kiosk = [sys.executable, "-m", "kiosk", "--config", str(config)]
    subprocess.run([*kiosk, "init-demo", str(db)], check=True, env=env, capture_output=True)
    port = free_port()
    server = subprocess.Popen([*kiosk, "serve", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: listening(port), "kiosk serve to listen")
        yield f"http://127.0.0.1:{port}/", db, spool
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def _order_to_pack(db: Path) -> tuple[str, list[str]]:
    """The paid order with the most units among those without notes or a requested carrier, and one
    scan per unit it needs: the items go in as one burst."""
    order_id = _query(
        db,
        "SELECT o.order_id FROM orders o JOIN order_lines l USING (order_id) WHERE o.status = 'paid'"
        " AND o.buyer_note = '' AND o.seller_note = '' AND o.requested_carrier = '' AND o.country = 'US'"
        " GROUP BY o.order_id ORDER BY SUM(l.quantity) DESC, o.order_id LIMIT 1",
    )[0][0]
    codes = []
    for sku, quantity in _query(db, "SELECT sku, quantity FROM order_lines WHERE order_id = ? ORDER BY line_no",
                                order_id):
        code = _query(db, "SELECT code FROM barcodes WHERE sku = ? ORDER BY code LIMIT 1", sku)[0][0]
        codes += [code] * quantity
    return order_id, codes


# The bytes the page receives, as text: what the terminal was told to paint.
RECEIVED_TAP = """
(() => {
  window.__received = '';
  const decoder = new TextDecoder();
  const Original = window.WebSocket;
  window.WebSocket = function (...args) {
    const socket = new Original(...args);
    socket.addEventListener('message', event => {
      if (typeof event.data !== 'string') window.__received += decoder.decode(event.data, {stream: true});
    });
    return socket;
  };
  window.WebSocket.prototype = Original.prototype;
})();
"""


def _open_station(browser, url: str):
    """A tab on the kiosk, its terminal focused, the bytes it receives noted (window.__received)."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.add_init_script(RECEIVED_TAP)
    # The page links a web font on the internet; the terminal does not wait for it.
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector("body.-first-byte", timeout=30_000)
    # The terminal takes keys once it has the focus, as a desk's browser gives it at start-up.
    page.locator(".xterm-helper-textarea").focus()
    return page


def _wait_for_text(page, text: str) -> None:
    """Until the kiosk has told the page to paint ``text``."""
    wait_until(lambda: text in page.evaluate("window.__received"), repr(text))


def _burst(page, *scans: str) -> None:
    # A scanner: every key at once (no delay), each code ended by Enter.
    for scan in scans:
        page.keyboard.type(scan, delay=0)
        page.keyboard.press("Enter")


def _log_in(page, db: Path) -> str:
    """P001 logs in; the station name this tab got."""
    _burst(page, "P001")
    # The PIN is typed by hand once its field shows; only scans come in bursts.
    time.sleep(1.0)
    _burst(page, "1234")
    return wait_until(lambda: _query(db, "SELECT station FROM events WHERE kind = 'login' AND operator = 'P001'"),
                      "P001's login")[0][0]


def test_a_browser_station_logs_in_and_ships_an_order_typed_as_a_scanner_types(served):
    from playwright.sync_api import sync_playwright

    url, db, spool = served
    order_id, codes = _order_to_pack(db)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = _open_station(browser, url)
            burst = functools.partial(_burst, page)
            station = _log_in(page, db)
            # Each tab is a station of its own, named from the prefix.
            assert station == "WEB-1"
            burst(order_id)
            wait_until(lambda: _query(db, "SELECT 1 FROM claims WHERE order_id = ? AND station = ?",
                                     order_id, station), f"{order_id} to open")
            burst(*codes)
            wait_until(lambda: _query(db, "SELECT COUNT(*) FROM scans WHERE order_id = ? AND result = 'accepted'",
                                     order_id)[0][0] == len(codes), "every item scan")
            SCREENSHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOT))
            burst(WAYBILL)
            wait_until(lambda: _query(db, "SELECT status FROM orders WHERE order_id = ?", order_id)[0][0] == "shipped",
                      f"{order_id} to ship")
        finally:
            browser.close()

    scans = _query(db, "SELECT result, COUNT(*) FROM scans WHERE order_id = ? GROUP BY result", order_id)
    assert scans == [("accepted", len(codes))], "a scan was merged, dropped or refused"
    assert _query(db, "SELECT tracking_number, station FROM shipments WHERE order_id = ?", order_id) == [
        (WAYBILL, station)
    ]
    label = wait_until(lambda: next(iter(sorted(spool.rglob("*.png"))), None), "the label file")
    import zxingcpp
    from PIL import Image

    decoded = {result.text for result in zxingcpp.read_barcodes(Image.open(label))}
    assert WAYBILL in decoded


def test_a_chinese_input_method_types_text_whole_and_never_runs_into_a_scan(served):
    """Headless Chromium has no input method: the DevTools protocol plays one (a composition
    shown, then committed), and the scanner's keys arrive as keys, around the input method."""
    from playwright.sync_api import sync_playwright

    url, db, _spool = served
    order_id, codes = _order_to_pack(db)
    assert len(codes) >= 3, "the order needs three units"
    description = "张伟要求换成蓝色"
    # The demo's history has scans of its own.
    first_scan = _query(db, "SELECT COALESCE(MAX(id), 0) FROM scans")[0][0]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = _open_station(browser, url)
            cdp = page.context.new_cdp_session(page)

            def compose(shown: str) -> None:
                cdp.send("Input.imeSetComposition",
                         {"text": shown, "selectionStart": len(shown), "selectionEnd": len(shown)})

            def accepted() -> int:
                return _query(db, "SELECT COUNT(*) FROM scans WHERE id > ? AND result = 'accepted'", first_scan)[0][0]

            station = _log_in(page, db)
            _burst(page, order_id)
            wait_until(lambda: _query(db, "SELECT 1 FROM claims WHERE order_id = ? AND station = ?",
                                     order_id, station), f"{order_id} to open")
            # The packer is halfway through a word (pinyin shown, nothing chosen) when the scanner
            # fires: the unfinished word is dropped, not sent ahead of the code.
            compose("zhang")
            _burst(page, codes[0])
            wait_until(lambda: accepted() == 1, "the scan typed over an unfinished composition")
            # The input method shows its choice in the line (Chinese, not chosen yet): the same.
            compose("李娜")
            _burst(page, codes[1])
            wait_until(lambda: accepted() == 2, "the scan typed over a composition showing Chinese")
            # Text committed right before the scan: refused on its own, the scan read whole.
            compose("zhangwei")
            cdp.send("Input.insertText", {"text": "张伟"})
            _burst(page, codes[2])
            wait_until(lambda: accepted() == 3, "the scan right behind committed text")
            _wait_for_text(page, "is typed text, not a barcode")
            # A problem report's description is free text: it takes the composition whole.
            page.keyboard.press("F5")
            _wait_for_text(page, "What went wrong?")
            _burst(page, "4", "")
            _wait_for_text(page, "Describe it")
            compose("zhangwei")
            compose("张伟")
            cdp.send("Input.insertText", {"text": description})
            page.keyboard.press("Enter")
            _wait_for_text(page, "Photo file")
            _burst(page, "")
            _wait_for_text(page, "H: hold the order")
            _burst(page, "H")
            wait_until(lambda: _query(db, "SELECT description FROM problems WHERE order_id = ?", order_id),
                       "the problem report")
        finally:
            browser.close()

    scans = _query(db, "SELECT order_id, raw_code, result FROM scans WHERE id > ? ORDER BY id", first_scan)
    assert scans == [(order_id, code, "accepted") for code in codes[:3]], "a scan was merged with typed text or refused"
    assert _query(db, "SELECT description FROM problems WHERE order_id = ?", order_id) == [(description,)]
    assert _query(db, "SELECT status FROM orders WHERE order_id = ?", order_id) == [("on_hold",)]
