"""Where unexpected errors go, so that a person sees one line and a developer gets the traceback."""

from __future__ import annotations

import traceback
from pathlib import Path

import platformdirs

from kiosk.config import APP_NAME


def write_crash_log(error: BaseException) -> Path:
    log = Path(platformdirs.user_log_dir(APP_NAME)) / "crash.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as handle:
        handle.write("".join(traceback.format_exception(error)))
    return log
