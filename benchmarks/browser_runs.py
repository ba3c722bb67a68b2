"""Scan to feedback in a browser: a keystroke in headless Chromium until the answer is painted.

Both apps run behind textual-serve, one process per tab, exactly as `kiosk serve` runs the kiosk:
the kiosk on a copy of the demo database (logged in as P001, one order of many units open), the
floor (benchmarks/browser_floor.py) echoing the code. In the page, a listener notes the time of
the Enter that ends each scan, and the time of the second animation frame after the first
WebSocket message carrying that scan's answer (the terminal draws in the first; the second
callback runs once it is on screen). The figure is the difference, per scan.
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from kiosk.pinyin import register_functions

CHROMIUM = os.environ.get("KIOSK_BENCH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
BENCH_ORDER = "BENCH-BROWSER"
# Watches the page's WebSocket for a marker and notes when the answer is painted.
INSTRUMENT = """
(() => {
  window.__marker = null; window.__enter = 0; window.__painted = 0;
  document.addEventListener('keydown', e => { if (e.key === 'Enter') window.__enter = performance.now(); }, true);
  const decoder = new TextDecoder();
  const Original = window.WebSocket;
  window.WebSocket = function (...args) {
    const socket = new Original(...args);
    socket.addEventListener('message', event => {
      if (!window.__marker || window.__painted || typeof event.data === 'string') return;
      if (decoder.decode(event.data).includes(window.__marker)) {
        const marker = window.__marker;
        requestAnimationFrame(() => requestAnimationFrame(() => {
          if (window.__marker === marker) window.__painted = performance.now();
        }));
      }
    });
    return socket;
  };
  window.WebSocket.prototype = Original.prototype;
})();
"""


@dataclass(frozen=True)
class BrowserScans:
    kiosk_ms: list[float]
    floor_ms: list[float]


def available() -> str | None:
    """Why the browser figure cannot run here, or None."""
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM}"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(check, what: str, timeout: float = 30.0):
    """The first true value ``check`` returns, polled every 20 ms; TimeoutError naming ``what``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.02)
    raise TimeoutError(f"timed out waiting for {what}")


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _serve(command: str, port: int, env: dict) -> subprocess.Popen:
    code = ("import sys; from textual_serve.server import Server; "
            "Server(sys.argv[1], host='127.0.0.1', port=int(sys.argv[2])).serve()")
    server = subprocess.Popen([sys.executable, "-c", code, command, str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_until(lambda: listening(port), "textual-serve to listen")
    return server


def _demo_with_a_long_order(folder: Path, units: int) -> tuple[Path, list[tuple[str, str]]]:
    """A demo database with one paid order of ``units`` units of one item, and each scan's marker."""
    db = folder / "demo.db"
    subprocess.run([sys.executable, "-m", "kiosk", "init-demo", str(db)], check=True, capture_output=True)
    with sqlite3.connect(db) as conn:
        register_functions(conn)  # the orders' search triggers call the kiosk's SQL functions
        sku, name, colour, size, code = conn.execute(
            "SELECT p.sku, p.name, p.colour, p.size, b.code FROM products p JOIN barcodes b USING (sku)"
            " ORDER BY p.sku LIMIT 1").fetchone()
        conn.execute("INSERT INTO orders (order_id, platform, recipient_name, country, status, paid_at, created_at,"
                     " priority) VALUES (?, 'manual', 'Bench Mark', 'US', 'paid', '2026-01-01T00:00:00+00:00',"
                     " '2026-01-01T00:00:00+00:00', 9)", (BENCH_ORDER,))
        conn.execute("INSERT INTO order_lines (order_id, line_no, sku, name, colour, size, quantity)"
                     " VALUES (?, 1, ?, ?, ?, ?, ?)",
                     (BENCH_ORDER, sku, name, colour, size, units))
    variant = " / ".join(part for part in (colour, size) if part)
    item = f"{name} {variant}".strip()
    return db, [(code, f"{item}, {count} of {units}.") for count in range(1, units + 1)]


def _measure(page, scans: list[tuple[str, str]]) -> list[float]:
    samples = []
    for code, marker in scans:
        page.evaluate("m => { window.__marker = m; window.__painted = 0; }", marker)
        page.keyboard.type(code, delay=0)
        page.keyboard.press("Enter")
        painted = wait_until(lambda: page.evaluate("window.__painted"), "the answer painted", timeout=10)
        samples.append(painted - page.evaluate("window.__enter"))
    return samples


def run(scans: int = 30) -> BrowserScans:
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="kiosk-browser-bench-"))
    env = {**os.environ, "XDG_STATE_HOME": str(folder / "state"), "LANG": "C.UTF-8"}
    servers = []
    try:
        db, kiosk_scans = _demo_with_a_long_order(folder, scans)
        config = folder / "kiosk.toml"
        config.write_text(f'database = "{db}"\nspool_dir = "{folder / "spool"}"\nidle_lock_seconds = 0\n')
        kiosk_port, floor_port = free_port(), free_port()
        servers.append(_serve(f"{sys.executable} -m kiosk --config {config} --station-prefix BENCH-", kiosk_port, env))
        servers.append(_serve(f"{sys.executable} -m benchmarks.browser_floor", floor_port, env))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.add_init_script(INSTRUMENT)
                page.goto(f"http://127.0.0.1:{kiosk_port}/", wait_until="domcontentloaded")
                page.wait_for_selector("body.-first-byte", timeout=30_000)
                page.locator(".xterm-helper-textarea").focus()
                page.keyboard.type("P001", delay=0)
                page.keyboard.press("Enter")
                time.sleep(1.0)
                page.keyboard.type("1234", delay=0)
                page.keyboard.press("Enter")
                time.sleep(1.5)
                page.keyboard.type(BENCH_ORDER, delay=0)
                page.keyboard.press("Enter")
                time.sleep(1.5)
                kiosk_ms = _measure(page, kiosk_scans)

                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.add_init_script(INSTRUMENT)
                page.goto(f"http://127.0.0.1:{floor_port}/", wait_until="domcontentloaded")
                page.wait_for_selector("body.-first-byte", timeout=30_000)
                page.locator(".xterm-helper-textarea").focus()
                time.sleep(1.0)
                floor_ms = _measure(page, [(f"CODE{n:04d}", f"OK: CODE{n:04d}, {n}") for n in range(1, scans + 1)])
            finally:
                browser.close()
        return BrowserScans(kiosk_ms, floor_ms)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    from statistics import median

    result = run()
    print(f"kiosk p50 {median(result.kiosk_ms):.1f} ms, floor p50 {median(result.floor_ms):.1f} ms,"
          f" ratio {median(result.kiosk_ms) / median(result.floor_ms):.2f}")
