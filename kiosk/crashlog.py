"""Where unexpected errors go, so that a person sees one line and a developer gets the traceback."""

from __future__ import annotations

import traceback
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

from kiosk import __version__
from kiosk.config import APP_NAME
from kiosk.i18n import _
from kiosk.inert import inert, inert_lines


def crash_log_path() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME)) / "crash.log"


def write_crash_log(error: BaseException) -> Path:
    """Append the error's traceback to the crash log; OSError when the log cannot be written.

    The traceback quotes data (a scan, a name): it is written inert, so reading the log in a
    terminal cannot run escape sequences.
    """
    log = crash_log_path()
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    text = inert_lines("".join(traceback.format_exception(error)).rstrip("\n"))
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as handle:
        handle.write(f"--- {stamp} kiosk {__version__}\n{text}\n")
    return log


def error_text(error: BaseException) -> str:
    """The error on one inert line (its type when it has no message)."""
    return inert(str(error) or type(error).__name__)


def report_crash(error: BaseException) -> str:
    """Write the crash log and say, on one line, where the details went.

    When the log cannot be written (a full disk, a read-only home), the line says so instead:
    the person still gets one line, never a second traceback.
    """
    try:
        log = write_crash_log(error)
    except OSError as failure:
        return _("the crash log {log} could not be written: {reason}").format(
            log=inert(crash_log_path()), reason=inert(failure.strerror or failure))
    return _("details in {log}").format(log=inert(log))
