"""The kiosk in a browser: textual-serve starts one kiosk process per browser tab.

textual-serve has no login of its own: each tab gets a fresh kiosk on its login screen, so the
badge and PIN are the only door, and the server is bound to localhost unless told otherwise.
Each tab's process takes the first free station name of the prefix (WEB-1, WEB-2, ...).
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


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


def serve(command: str, host: str, port: int, title: str) -> None:
    """Serve until interrupted (Ctrl+C or SIGTERM, as systemd stops it)."""
    from textual_serve.server import Server  # aiohttp and jinja load only for this command

    Server(command, host=host, port=port, title=title).serve()
