"""From the bytes of a platform's export to rows of text keyed by column name, with their line numbers.

Platforms write CSV and tab-delimited text in UTF-8 (with or without a byte-order mark) or, in
China, GBK; spreadsheets add CRLF line ends, blank trailing lines and empty trailing fields.
Columns are always found by their header name: platforms add columns over time.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kiosk.errors import KioskError
from kiosk.i18n import _

# Read no more than this: an order export this large is a wrong file, not a busy day.
MAX_BYTES = 512 * 1024 * 1024
# When UTF-8 fails, the encodings a shop's export is most likely in, tried after the detector's guess.
FALLBACK_ENCODINGS = ("gb18030", "cp1252")
csv.field_size_limit(1024 * 1024)


class Columns(dict[str, int | None]):
    """Header name (case-folded) -> position, shared by every row of a table.

    A name asked for as the code spells it ("Lineitem sku") is folded once and remembered, so
    the lookup for every later row is one dict access; a column the file lacks maps to None.
    """

    def __missing__(self, name: str) -> int | None:
        folded = name.casefold()
        position = dict.get(self, folded)
        self[name] = position
        return position


@dataclass(frozen=True, slots=True)
class Row:
    """One record of a table: the line it starts on, and its cells, found by header name."""

    file: str
    line: int
    raw: list[str]
    index: Columns

    def get(self, *names: str) -> str:
        """The first non-empty cell among the header names given (compared case-insensitively)."""
        raw = self.raw
        index = self.index
        for name in names:
            position = index[name]
            if position is not None and position < len(raw):
                value = raw[position].strip()
                # Most cells have no spreadsheet armour: clean_cell only for those that may.
                if value[:1] in ("=", "'"):
                    value = clean_cell(value)
                if value:
                    return value
        return ""


@dataclass(frozen=True)
class Table:
    path: Path
    encoding: str
    delimiter: str
    header: list[str]  # as written in the file
    rows: list[Row]

    @property
    def columns(self) -> set[str]:
        return {name.casefold() for name in self.header}

    def has(self, *names: str) -> bool:
        return all(name.casefold() in self.columns for name in names)


def read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise KioskError(_("{file} is {size} MB: too large for an order or product export.").format(
                file=path.name, size=size // (1024 * 1024)))
        return path.read_bytes()
    except FileNotFoundError as error:
        raise KioskError(_("No file {file}.").format(file=path)) from error
    except IsADirectoryError as error:
        raise KioskError(_("{file} is a folder, not a file.").format(file=path)) from error
    except OSError as error:
        raise KioskError(_("{file} cannot be read: {error}").format(file=path, error=error.strerror)) from error


def is_binary(data: bytes) -> bool:
    """An image, a spreadsheet workbook, a PDF: NUL bytes where text never has them (UTF-16 aside)."""
    head = data[:8192]
    return b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def decode(path: Path, data: bytes, encoding: str | None = None,
           recognised: Callable[[str], bool] = lambda _text: True) -> tuple[str, str]:
    """(text, encoding name): the one given, else a byte-order mark, UTF-8, then a detected encoding.

    Of the encodings that decode the bytes, the first whose header ``recognised`` accepts wins: a
    GBK file decodes as several East Asian encodings, but only one spells 订单编号.
    """
    if encoding:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError as error:
            raise KioskError(_("Unknown encoding {encoding}.").format(encoding=encoding)) from error
        try:
            return _strip_bom(data.decode(codec)), codec
        except UnicodeDecodeError as error:
            raise KioskError(_("{file} is not {encoding} text (byte {position} cannot be read).").format(
                file=path.name, encoding=encoding, position=error.start)) from error
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return _strip_bom(data.decode(codec)), codec
            except UnicodeDecodeError:
                break
    decoded: list[tuple[str, str]] = []
    for codec in _candidates(data):
        try:
            text = _strip_bom(data.decode(codec))
        except (UnicodeDecodeError, LookupError):
            continue
        if recognised(text):
            return text, codec
        decoded.append((text, codec))
    if decoded:
        return decoded[0]
    raise KioskError(_("{file} is not text in any encoding the kiosk knows: give it with --encoding.").format(
        file=path.name))


def _candidates(data: bytes) -> Iterator[str]:
    yield "utf-8"
    from charset_normalizer import from_bytes  # only when UTF-8 failed to be recognised

    best = from_bytes(data[:65536]).best()
    if best is not None:
        yield best.encoding
    yield from FALLBACK_ENCODINGS


def _strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


def sniff_delimiter(text: str) -> str:
    """Tab for Amazon's flat files, comma for everyone else: whichever the header line has more of."""
    first = text.split("\n", 1)[0]
    return "\t" if first.count("\t") > first.count(",") else ","


def parse_table(path: Path, text: str, encoding: str) -> Table:
    """The rows of a CSV or tab-delimited text, blank lines left out, cells stripped."""
    delimiter = sniff_delimiter(text)
    # Tab-delimited flat files are not quoted: an inch mark in a product name is just a character.
    quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quoting=quoting, strict=True)
    header: list[str] | None = None
    index = Columns()
    rows: list[Row] = []
    file = path.name
    try:
        start = 1
        for record in reader:
            line, start = start, reader.line_num + 1
            if not "".join(record).strip():
                continue
            if header is None:
                header = [cell.strip() for cell in record]
                for position, name in enumerate(header):
                    # A repeated header name: the first column of that name counts.
                    index.setdefault(name.casefold(), position)
                continue
            rows.append(Row(file, line, record, index))
    except csv.Error as error:
        raise KioskError(_("{file} line {line}: not readable as CSV ({error}).").format(
            file=path.name, line=reader.line_num, error=error)) from error
    return Table(path, encoding, delimiter, header or [], rows)


def clean_cell(value: str) -> str:
    """A cell as the platform meant it: ``="2961748803517265"`` and ``'138...`` are spreadsheet armour."""
    value = value.strip()
    first = value[:1]
    if first == "=" and value.startswith('="') and value.endswith('"') and len(value) >= 3:
        return value[2:-1].strip()
    if first == "'" and value[1:2] and value[1] in "+0123456789":
        return value[1:].strip()
    return value
