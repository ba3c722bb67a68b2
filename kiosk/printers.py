"""The kiosk's printers: built from the config's [printers] table, and what their refusals say.

The backends themselves (spool folder, CUPS lp, raw 9100) are printing.printers; this module
reads their settings from plain values (the config's `printers` table and `spool_dir`), words
their problems for people in the reader's language, and turns a label document into the files
a printer's format needs. A printer that cannot take the job raises PrinterOffline, which the
print queue records as a failed, retryable job; the shipment is unaffected.

The label renderers (Pillow, python-barcode: about 5 MiB) are imported by the first `send`, so
a kiosk that has not printed yet, or only reads its print jobs, does not hold them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from kiosk.errors import KioskError
from kiosk.i18n import _
from printing import printers as backends
from printing.printers import BACKENDS, CupsPrinter, Printer, RawPrinter, SpoolPrinter

if TYPE_CHECKING:
    from printing.outputs import LabelDocument

__all__ = ["BUILTIN_PRINTER", "Printer", "PrinterOffline", "configured_printers", "get_printer", "send"]

# The printer every station has: PNG files in the config's spool_dir.
BUILTIN_PRINTER = "spool"
# cups and raw printers keep a copy of what they were sent here, under spool_dir: the shipment's
# label file, for reprints and questions. Not in spool_dir itself, where a watcher might print it.
SENT_FOLDER = "sent"

# Settings each backend takes (besides "backend").
_KEYS = {"spool": {"folder", "format"}, "cups": {"name", "media", "format"},
         "raw": {"host", "port", "format", "timeout"}}


class PrinterSettings(Protocol):
    """The settings printers are built from (the config has them)."""

    printers: Mapping[str, Any]
    spool_dir: str | Path


class PrinterOffline(KioskError):
    """The printer did not take the job (off, unreachable, out of paper, queue stopped): retry later."""


def _offline(error: backends.PrinterOffline) -> PrinterOffline:
    name, details = error.printer.name, error.details
    texts = {
        "unwritable": _("printer {name} offline: cannot write to {folder} ({reason})"),
        "lp_missing": _("printer {name} offline: the lp command is missing (install cups-client)"),
        "lp_timeout": _("printer {name} offline: lp did not answer in {seconds} s"),
        "lp_failed": _("printer {name} offline: lp exit {code} ({reason})"),
        "raw_timeout": _("printer {name} at {where} offline: no answer in {seconds} s"),
        "raw_failed": _("printer {name} at {where} offline ({reason})"),
    }
    return PrinterOffline(texts[error.problem].format(name=name, **details))


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
    kind = BACKENDS[backend]
    unknown = sorted(set(entry) - _KEYS[backend] - {"backend"})
    if unknown:
        raise KioskError(
            _("{where}: printers.{name}: unknown setting {key} for a {backend} printer.").format(
                where=where, name=name, key=unknown[0], backend=backend
            )
        )
    fmt = _setting(entry, "format", str, where, name) if "format" in entry else kind.default_format
    if fmt not in kind.formats:
        raise KioskError(
            _("{where}: printers.{name}.format must be one of {formats} for a {backend} printer.").format(
                where=where, name=name, formats=", ".join(kind.formats), backend=backend
            )
        )
    sent = spool_dir / SENT_FOLDER
    if backend == "spool":
        folder = Path(_setting(entry, "folder", str, where, name)).expanduser() if "folder" in entry else spool_dir
        return SpoolPrinter(name, folder, fmt)
    if backend == "cups":
        if not isinstance(entry.get("name"), str) or not entry["name"].strip():
            raise KioskError(
                _("{where}: printers.{name} needs name, the CUPS printer name (lpstat -p lists them).").format(
                    where=where, name=name
                )
            )
        media = _setting(entry, "media", str, where, name) if "media" in entry else ""
        return CupsPrinter(name, sent, fmt, queue=entry["name"].strip(), media=media)
    if not isinstance(entry.get("host"), str) or not entry["host"].strip():
        raise KioskError(
            _("{where}: printers.{name} needs host, the printer's address.").format(where=where, name=name)
        )
    port = _setting(entry, "port", int, where, name) if "port" in entry else backends.RAW_PORT
    if not 1 <= port <= 65535:
        raise KioskError(_("{where}: printers.{name}.port must be 1 to 65535.").format(where=where, name=name))
    timeout = entry.get("timeout", backends.RAW_TIMEOUT_SECONDS)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        raise KioskError(_("{where}: printers.{name}.timeout must be more than 0.").format(where=where, name=name))
    return RawPrinter(name, sent, fmt, host=entry["host"].strip(), port=port, timeout=float(timeout))


def configured_printers(settings: PrinterSettings, where: str = "config") -> dict[str, Printer]:
    """Every printer a job can go to, by name: the built-in spool folder and the [printers] table."""
    spool_dir = Path(settings.spool_dir)
    found: dict[str, Printer] = {BUILTIN_PRINTER: SpoolPrinter(BUILTIN_PRINTER, spool_dir, "png")}
    if not isinstance(settings.printers, dict):
        raise KioskError(_("{where}: printers must be a table of printers.").format(where=where))
    for name, entry in settings.printers.items():
        found[name] = _parse(name, entry, spool_dir, where)
    return found


def get_printer(settings: PrinterSettings, name: str) -> Printer:
    printers = configured_printers(settings)
    if name not in printers:
        raise KioskError(
            _("Printer {name} is not configured (known: {known}).").format(name=name, known=", ".join(sorted(printers)))
        )
    return printers[name]


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
    try:
        return printer.send(files, stem, title=title, media=media, go_ahead=go_ahead)
    except backends.PrinterOffline as error:
        raise _offline(error) from error
