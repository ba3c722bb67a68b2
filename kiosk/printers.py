"""Printers and how a finished label reaches them: a spool folder, CUPS (lp) or raw ZPL on port 9100.

`send` blocks (file writes, lp, sockets): the screens call it from a worker thread, never with a
database connection. A printer that cannot take the job raises PrinterOffline, which the job
lifecycle records as a failed, retryable job (kiosk/print_jobs.py); the shipment is unaffected.

The label renderers (Pillow, python-barcode: about 5 MiB) are imported by the first `send`, so
a kiosk that has not printed yet, or only reads its print jobs, does not hold them.
"""

from __future__ import annotations

import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.errors import KioskError
from kiosk.i18n import _
from printing.formats import FORMATS

if TYPE_CHECKING:
    from collections.abc import Callable

    from kiosk.config import Config
    from printing.outputs import LabelDocument
    from printing.spool import StagedFile

BACKENDS = ("spool", "cups", "raw")
# The printer every station has: PNG files in the config's spool_dir.
BUILTIN_PRINTER = "spool"
RAW_PORT = 9100
LP_TIMEOUT_SECONDS = 30.0
RAW_TIMEOUT_SECONDS = 10.0
# cups and raw printers keep a copy of what they were sent here, under spool_dir: the shipment's
# label file, for reprints and questions. Not in spool_dir itself, where a watcher might print it.
SENT_FOLDER = "sent"

# Settings each backend takes (besides "backend"), and the format it uses when none is given.
_KEYS = {"spool": {"folder", "format"}, "cups": {"name", "media", "format"},
         "raw": {"host", "port", "format", "timeout"}}
_DEFAULT_FORMAT = {"spool": "png", "cups": "pdf", "raw": "zpl"}
_FORMATS = {"spool": FORMATS, "cups": ("pdf", "png"), "raw": ("zpl",)}


class PrinterOffline(KioskError):
    """The printer did not take the job (off, unreachable, out of paper, queue stopped): retry later."""


@dataclass(frozen=True)
class Printer:
    name: str
    backend: str
    format: str
    folder: Path  # spool: where labels go; cups/raw: where a copy of what was sent is kept
    queue: str = ""  # cups: the CUPS printer name (lp -d)
    media: str = ""  # cups: lp -o media=...; "" = the caller's default for the label
    host: str = ""
    port: int = RAW_PORT
    timeout: float = RAW_TIMEOUT_SECONDS

    @property
    def where(self) -> str:
        """Where the printer is, as a supervisor recognises it."""
        if self.backend == "raw":
            return f"{self.host}:{self.port}"
        if self.backend == "cups":
            return self.queue
        return str(self.folder)


def _setting(entry: dict[str, Any], key: str, kind: type, where: str, name: str) -> Any:
    value = entry[key]
    if isinstance(value, bool) or not isinstance(value, kind):
        raise KioskError(
            _("{where}: printers.{name}.{key} must be {kind}.").format(where=where, name=name, key=key,
                                                                        kind=kind.__name__)
        )
    return value


def _parse(name: str, entry: Any, spool_dir: Path, where: str) -> Printer:
    if not isinstance(entry, dict):
        raise KioskError(_("{where}: printers.{name} must be a table.").format(where=where, name=name))
    backend = entry.get("backend")
    if backend not in BACKENDS:
        raise KioskError(
            _("{where}: printers.{name}.backend must be one of {backends}.").format(
                where=where, name=name, backends=", ".join(BACKENDS)
            )
        )
    unknown = sorted(set(entry) - _KEYS[backend] - {"backend"})
    if unknown:
        raise KioskError(
            _("{where}: printers.{name}: unknown setting {key} for a {backend} printer.").format(
                where=where, name=name, key=unknown[0], backend=backend
            )
        )
    fmt = _setting(entry, "format", str, where, name) if "format" in entry else _DEFAULT_FORMAT[backend]
    if fmt not in _FORMATS[backend]:
        raise KioskError(
            _("{where}: printers.{name}.format must be one of {formats} for a {backend} printer.").format(
                where=where, name=name, formats=", ".join(_FORMATS[backend]), backend=backend
            )
        )
    sent = spool_dir / SENT_FOLDER
    if backend == "spool":
        folder = Path(_setting(entry, "folder", str, where, name)).expanduser() if "folder" in entry else spool_dir
        return Printer(name, backend, fmt, folder)
    if backend == "cups":
        if not isinstance(entry.get("name"), str) or not entry["name"].strip():
            raise KioskError(
                _("{where}: printers.{name} needs name, the CUPS printer name (lpstat -p lists them).").format(
                    where=where, name=name
                )
            )
        media = _setting(entry, "media", str, where, name) if "media" in entry else ""
        return Printer(name, backend, fmt, sent, queue=entry["name"].strip(), media=media)
    if not isinstance(entry.get("host"), str) or not entry["host"].strip():
        raise KioskError(
            _("{where}: printers.{name} needs host, the printer's address.").format(where=where, name=name)
        )
    port = _setting(entry, "port", int, where, name) if "port" in entry else RAW_PORT
    if not 1 <= port <= 65535:
        raise KioskError(_("{where}: printers.{name}.port must be 1 to 65535.").format(where=where, name=name))
    timeout = entry.get("timeout", RAW_TIMEOUT_SECONDS)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        raise KioskError(_("{where}: printers.{name}.timeout must be more than 0.").format(where=where, name=name))
    return Printer(name, backend, fmt, sent, host=entry["host"].strip(), port=port, timeout=float(timeout))


def configured_printers(config: Config, where: str = "config") -> dict[str, Printer]:
    """Every printer a job can go to, by name: the built-in spool folder and the [printers] table."""
    found = {BUILTIN_PRINTER: Printer(BUILTIN_PRINTER, "spool", "png", Path(config.spool_dir))}
    if not isinstance(config.printers, dict):
        raise KioskError(_("{where}: printers must be a table of printers.").format(where=where))
    for name, entry in config.printers.items():
        found[name] = _parse(name, entry, Path(config.spool_dir), where)
    return found


def get_printer(config: Config, name: str) -> Printer:
    printers = configured_printers(config)
    if name not in printers:
        raise KioskError(
            _("Printer {name} is not configured (known: {known}).").format(name=name, known=", ".join(sorted(printers)))
        )
    return printers[name]


def default_media(document: LabelDocument, sheet: str = "") -> str:
    """lp media for a document: the sheet's paper, else the page size in points (w288h432 = 4x6 in)."""
    if sheet:
        return {"a4-30": "A4", "letter-30": "Letter"}.get(sheet, "")
    image = document.pages[0].image
    points = [round(side * 72 / document.dpi) for side in image.size]
    return f"w{points[0]}h{points[1]}"


def _stage(printer: Printer, files: list[bytes], stem: str) -> list[StagedFile]:
    from printing.spool import stage_file

    names = [stem] if len(files) == 1 else [f"{stem}-{n}" for n in range(1, len(files) + 1)]
    staged: list[StagedFile] = []
    try:
        for data, name in zip(files, names, strict=True):
            staged.append(stage_file(data, printer.folder, name, printer.format))
    except OSError as error:
        for done in staged:
            done.discard()
        raise _unwritable(printer, error) from error
    return staged


def _publish(printer: Printer, staged: list[StagedFile]) -> list[Path]:
    try:
        return [file.publish() for file in staged]
    except OSError as error:
        for file in staged:
            file.discard()
        raise _unwritable(printer, error) from error


def _unwritable(printer: Printer, error: OSError) -> PrinterOffline:
    return PrinterOffline(
        _("printer {name} offline: cannot write to {folder} ({reason})").format(
            name=printer.name, folder=printer.folder, reason=error.strerror or error
        )
    )


def _lp(printer: Printer, paths: list[Path], media: str, title: str) -> None:
    command = ["lp", "-d", printer.queue, "-t", title]
    if printer.media or media:
        command += ["-o", f"media={printer.media or media}"]
    command += [str(path) for path in paths]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=LP_TIMEOUT_SECONDS, check=False)
    except FileNotFoundError as error:
        raise PrinterOffline(
            _("printer {name} offline: the lp command is missing (install cups-client)").format(name=printer.name)
        ) from error
    except subprocess.TimeoutExpired as error:
        raise PrinterOffline(
            _("printer {name} offline: lp did not answer in {seconds} s").format(
                name=printer.name, seconds=int(LP_TIMEOUT_SECONDS)
            )
        ) from error
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        raise PrinterOffline(
            _("printer {name} offline: lp exit {code} ({reason})").format(
                name=printer.name, code=done.returncode, reason=said[-1] if said else "-"
            )
        )


def _raw(printer: Printer, data: bytes) -> None:
    try:
        with socket.create_connection((printer.host, printer.port), timeout=printer.timeout) as connection:
            connection.sendall(data)
            # Not waiting for the printer to close: many never do, and a job reported failed
            # after it printed would print twice on the retry.
            connection.shutdown(socket.SHUT_WR)
    except TimeoutError as error:
        raise PrinterOffline(
            _("printer {name} at {where} offline: no answer in {seconds} s").format(
                name=printer.name, where=printer.where, seconds=printer.timeout
            )
        ) from error
    except OSError as error:
        raise PrinterOffline(
            _("printer {name} at {where} offline ({reason})").format(
                name=printer.name, where=printer.where, reason=error.strerror or error
            )
        ) from error


def send(
    printer: Printer, document: LabelDocument, stem: str, *, title: str = "", media: str = "",
    go_ahead: Callable[[], bool] | None = None,
) -> Path | None:
    """Hand `document` to `printer` (blocking); returns the file written (the first, if several).

    `go_ahead`, when given, is asked once the files are written and synced under temporary names:
    False throws them away, nothing reaches the printer and None is returned (the shipment the
    label belongs to was not committed after all).

    Raises PrinterOffline when the printer did not take it, KioskError when the document cannot
    be printed in the printer's format at all (a sheet on a ZPL printer).
    """
    from printing.outputs import document_files

    try:
        files = document_files(document, printer.format)
    except ValueError as error:
        raise KioskError(
            _("Printer {name} takes {format}: {reason}").format(name=printer.name, format=printer.format, reason=error)
        ) from error
    staged = _stage(printer, files, stem)
    if go_ahead is not None and not go_ahead():
        for file in staged:
            file.discard()
        return None
    paths = _publish(printer, staged)
    if printer.backend == "cups":
        _lp(printer, paths, media, title or stem)
    elif printer.backend == "raw":
        _raw(printer, files[0])
    return paths[0]
