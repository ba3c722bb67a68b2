"""Printers a finished label's files go to: a spool folder, CUPS (lp) or raw ZPL on port 9100.

Every printer takes the same call, `send(files, stem, ...)`: the files are written in full under
hidden temporary names in the printer's folder, published (renamed into place) once the caller
says go ahead, and then handed over, by lp or over a socket, for the backends that do. A
spool folder printer's published file is the print; cups and raw printers keep what they were
sent in their folder, for reprints and questions.

`send` blocks (file writes, lp, sockets): call it from a worker thread. A printer that does not
take the job raises PrinterOffline naming the problem and its details; the caller words it for
people. Nothing here loads Pillow: printers take file bytes, not images.
"""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from printing.formats import FORMATS
from printing.spool import StagedFile, safe_name, stage_file

RAW_PORT = 9100
LP_TIMEOUT_SECONDS = 30.0
RAW_TIMEOUT_SECONDS = 10.0


class PrinterOffline(Exception):
    """The printer did not take the job (off, unreachable, out of paper, queue stopped): retry later.

    `problem` says what went wrong ("unwritable", "lp_missing", "lp_timeout", "lp_failed",
    "raw_timeout", "raw_failed") and `details` its particulars, for a message in the reader's
    language; the exception's own text is English.
    """

    def __init__(self, printer: Printer, problem: str, **details: Any) -> None:
        self.printer = printer
        self.problem = problem
        self.details = details
        said = ", ".join(f"{key} {value}" for key, value in details.items())
        super().__init__(f"printer {printer.name} offline: {problem}" + (f" ({said})" if said else ""))


@dataclass(frozen=True)
class Printer:
    """What every printer is: a name people know, the file format it takes, and its folder."""

    backend: ClassVar[str]
    formats: ClassVar[tuple[str, ...]]
    default_format: ClassVar[str]
    # Whether the label leaves the kiosk's hands after its file is published (lp, a socket): a
    # kiosk killed meanwhile cannot tell from the file whether it printed.
    hands_over: ClassVar[bool] = False

    name: str
    folder: Path  # spool: where labels go; cups and raw: where a copy of what was sent is kept
    format: str = ""

    def __post_init__(self) -> None:
        if not self.format:
            object.__setattr__(self, "format", self.default_format)
        if self.format not in self.formats:
            raise ValueError(f"a {self.backend} printer takes {', '.join(self.formats)}, not {self.format!r}")

    @property
    def where(self) -> str:
        """Where the printer is, as a supervisor recognises it."""
        return str(self.folder)

    def send(
        self, files: list[bytes], stem: str, *, title: str = "", media: str = "",
        go_ahead: Callable[[], bool] | None = None,
    ) -> Path | None:
        """Hand `files` (in this printer's format) over; returns the first file written.

        `go_ahead`, when given, is asked once the files are written and synced under temporary
        names: False throws them away, nothing reaches the printer and None is returned.
        Raises PrinterOffline when the printer did not take them.
        """
        staged = self._stage(files, stem)
        if go_ahead is not None and not go_ahead():
            for file in staged:
                file.discard()
            return None
        paths = self._publish(staged)
        self._hand_over(paths, files, title or stem, media)
        return paths[0]

    def _hand_over(self, paths: list[Path], files: list[bytes], title: str, media: str) -> None:
        """What the backend does once the files are in its folder (a spool folder: nothing)."""

    def published(self, stem: str) -> Path | None:
        """The file `send` published for `stem`, when finding it proves the label went out (a spool
        folder's file is the print). Cups and raw printers publish before they hand over: never."""
        return None

    def _stage(self, files: list[bytes], stem: str) -> list[StagedFile]:
        names = [stem] if len(files) == 1 else [f"{stem}-{n}" for n in range(1, len(files) + 1)]
        staged: list[StagedFile] = []
        try:
            for data, name in zip(files, names, strict=True):
                staged.append(stage_file(data, self.folder, name, self.format))
        except OSError as error:
            for done in staged:
                done.discard()
            raise self._unwritable(error) from error
        return staged

    def _publish(self, staged: list[StagedFile]) -> list[Path]:
        try:
            return [file.publish() for file in staged]
        except OSError as error:
            for file in staged:
                file.discard()
            raise self._unwritable(error) from error

    def _unwritable(self, error: OSError) -> PrinterOffline:
        return PrinterOffline(self, "unwritable", folder=self.folder, reason=error.strerror or str(error))


@dataclass(frozen=True)
class SpoolPrinter(Printer):
    """Label files in a folder that a print watcher (a CUPS hot folder, an lpr loop) prints."""

    backend: ClassVar[str] = "spool"
    formats: ClassVar[tuple[str, ...]] = FORMATS
    default_format: ClassVar[str] = "png"

    def published(self, stem: str) -> Path | None:
        for name in (stem, f"{stem}-1"):  # one file, or the first of several
            path = self.folder / f"{safe_name(name)}.{self.format}"
            if path.is_file():
                return path
        return None


@dataclass(frozen=True)
class CupsPrinter(Printer):
    """A CUPS queue, printed to with lp."""

    backend: ClassVar[str] = "cups"
    hands_over: ClassVar[bool] = True
    formats: ClassVar[tuple[str, ...]] = ("pdf", "png")
    default_format: ClassVar[str] = "pdf"

    queue: str = ""  # the CUPS printer name (lp -d)
    media: str = ""  # lp -o media=...; "" = the caller's default for the label
    timeout: float = LP_TIMEOUT_SECONDS

    @property
    def where(self) -> str:
        return self.queue

    def _hand_over(self, paths: list[Path], files: list[bytes], title: str, media: str) -> None:
        command = ["lp", "-d", self.queue, "-t", title]
        if self.media or media:
            command += ["-o", f"media={self.media or media}"]
        command += [str(path) for path in paths]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=self.timeout, check=False)
        except FileNotFoundError as error:
            raise PrinterOffline(self, "lp_missing") from error
        except subprocess.TimeoutExpired as error:
            raise PrinterOffline(self, "lp_timeout", seconds=int(self.timeout)) from error
        if done.returncode != 0:
            said = (done.stderr or done.stdout).strip().splitlines()
            raise PrinterOffline(self, "lp_failed", code=done.returncode, reason=said[-1] if said else "-")


@dataclass(frozen=True)
class RawPrinter(Printer):
    """A label printer taking ZPL II over TCP (port 9100: Zebra and compatibles)."""

    backend: ClassVar[str] = "raw"
    hands_over: ClassVar[bool] = True
    formats: ClassVar[tuple[str, ...]] = ("zpl",)
    default_format: ClassVar[str] = "zpl"

    host: str = ""
    port: int = RAW_PORT
    timeout: float = RAW_TIMEOUT_SECONDS

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    def _hand_over(self, paths: list[Path], files: list[bytes], title: str, media: str) -> None:
        try:
            with socket.create_connection((self.host, self.port), timeout=self.timeout) as connection:
                connection.sendall(files[0])
                # Not waiting for the printer to close: many never do, and a job reported failed
                # after it printed would print twice on the retry.
                connection.shutdown(socket.SHUT_WR)
        except TimeoutError as error:
            raise PrinterOffline(self, "raw_timeout", where=self.where, seconds=self.timeout) from error
        except OSError as error:
            raise PrinterOffline(self, "raw_failed", where=self.where, reason=error.strerror or str(error)) from error


BACKENDS: dict[str, type[Printer]] = {kind.backend: kind for kind in (SpoolPrinter, CupsPrinter, RawPrinter)}
