"""The kiosk in a browser: textual-serve starts one kiosk process per browser tab.

textual-serve has no login of its own: each tab gets a fresh kiosk on its login screen, so the
badge and PIN are the only door, and the server is bound to localhost unless told otherwise.
Each tab's process takes the first free station name of the prefix (WEB-1, WEB-2, ...).

The page is textual-serve's own, with one script added (INPUT_METHOD_SCRIPT): a Chinese input
method in the page neither runs into a scan nor stops the station's keys.
"""

from __future__ import annotations

import shlex
import sys
import tempfile
from pathlib import Path

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
PAGE = "app_index.html"

# Two fixes for a Chinese input method in the page, run before textual.js makes the terminal.
# 1. A key that reaches the page while an input method is composing went around the input method:
#    a scanner's (a person's keys go to the input method, key code 229). xterm.js would first send
#    the unfinished composition (pinyin letters such as "zhang") and the scan would arrive as
#    "zhang6901234500011". Emptying the terminal's input box first drops that composition; the
#    modifier keys (16-18) are left alone, as xterm.js leaves them. Text the input method committed
#    still arrives whole, and the kiosk's barcode fields refuse it apart from the scan
#    (kiosk.scanning.barcode_character).
# 2. xterm.js then sends an empty piece of input, and Textual reads an empty piece as the end of
#    its input: the station would take no key after that (xterm.js does it by itself too, when a key
#    ends a composition that left nothing in the box). Empty input is not sent.
INPUT_METHOD_SCRIPT = """<script>
document.addEventListener("keydown", (event) => {
  const box = event.target;
  if (event.isComposing && event.keyCode !== 229 && ![16, 17, 18].includes(event.keyCode)
      && box.classList && box.classList.contains("xterm-helper-textarea")) {
    box.value = "";
  }
}, true);
const sendToKiosk = WebSocket.prototype.send;
WebSocket.prototype.send = function (data) {
  if (data === '["stdin",""]') return;
  return sendToKiosk.call(this, data);
};
</script>
"""


def session_command(*, station_prefix: str, config_file: str | None, database: str | None,
                    lang: str | None) -> str:
    """The command line of one browser tab's kiosk process."""
    words = [sys.executable, "-m", "kiosk", "--station-prefix", station_prefix]
    if config_file:
        words += ["--config", str(Path(config_file).resolve())]
    if database:
        words += ["--db", str(Path(database).resolve())]
    if lang:
        words += ["--lang", lang]
    return shlex.join(words)


def page_with_input_method_script(page: str) -> str:
    """textual-serve's page with INPUT_METHOD_SCRIPT at the end of its head (at the end of the page
    should a later textual-serve have none: browsers run a script there too)."""
    if "</head>" in page:
        return page.replace("</head>", INPUT_METHOD_SCRIPT + "</head>", 1)
    return page + INPUT_METHOD_SCRIPT


def serve(command: str, host: str, port: int, title: str) -> None:
    """Serve until interrupted (Ctrl+C or SIGTERM, as systemd stops it)."""
    import textual_serve  # aiohttp and jinja load only for this command
    from textual_serve.server import Server

    upstream = Path(textual_serve.__file__).parent / "templates" / PAGE
    with tempfile.TemporaryDirectory(prefix="kiosk-serve-") as templates:
        (Path(templates) / PAGE).write_text(page_with_input_method_script(upstream.read_text(encoding="utf-8")),
                                            encoding="utf-8")
        Server(command, host=host, port=port, title=title, templates_path=templates).serve()
