"""What an import reads out of a file, before it touches the database, and what it finds wrong."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache

from kiosk.i18n import _, ngettext
from kiosk.imports.reading import Row

# Option and attribute names that carry a variant's colour and size, in English and Chinese.
COLOUR_NAMES = frozenset({"color", "colour", "颜色", "颜色分类", "顏色", "顏色分類"})
SIZE_NAMES = frozenset({"size", "尺码", "尺寸", "尺碼"})
MAX_QUANTITY = 9999
MAX_ID = 64
CHINA_TIME = timezone(timedelta(hours=8))
MAX_PROBLEMS_NAMED = 3
_QUANTITY = re.compile(r"\d+(\.0+)?")
_CONTROL = re.compile(r"[\x00-\x1f]")
_ZONE_WORD = re.compile(r"\s*(?:UTC|GMT|Z)$")
_ZONE_OFFSET = re.compile(r"\s+([+-]\d{2}:?\d{2})$")


@dataclass(frozen=True)
class Problem:
    """A row the import cannot take: where it is and what is wrong, for the person fixing the file."""

    file: str
    line: int
    column: str
    message: str
    order_id: str = ""

    def describe(self) -> str:
        if not self.column:
            return _("{file} line {line}: {problem}").format(file=self.file, line=self.line, problem=self.message)
        return _("{file} line {line}, column {column}: {problem}").format(
            file=self.file, line=self.line, column=self.column, problem=self.message)


def refusal(problems: list[Problem], file: str) -> str:
    """The one line that refuses a file: its first problems, and that nothing was written."""
    named = "; ".join(problem.describe().rstrip(".") for problem in problems[:MAX_PROBLEMS_NAMED])
    more = len(problems) - MAX_PROBLEMS_NAMED
    extra = ngettext(" (and {count} more problem)", " (and {count} more problems)", more).format(count=more) \
        if more > 0 else ""
    return _("{problems}{more}. Nothing from {file} was imported; fix the file, or import the good rows"
             " with --skip-bad.").format(problems=named, more=extra, file=file)


class RowError(Exception):
    """Raised while reading one row; the parser turns it into a Problem for that row's order."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


@dataclass
class LineRecord:
    sku: str
    name: str
    colour: str
    size: str
    quantity: int
    platform_line_id: str = ""


@dataclass
class OrderRecord:
    order_id: str
    platform: str
    status: str  # the kiosk's status: awaiting_payment, paid, shipped or cancelled
    platform_status: str
    file: str
    line: int
    fields: dict[str, object]
    created_at: str | None
    paid_at: str | None
    lines: list[LineRecord] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)  # every row it was read from, for a reject file


def parse_quantity(value: str, column: str) -> int:
    text = value.strip()
    # Spreadsheets write whole numbers as "2.0" once a column was touched.
    if _QUANTITY.fullmatch(text):
        quantity = int(text.split(".")[0])
        if quantity <= MAX_QUANTITY:
            return quantity
        raise RowError(column, _("{value} is more than {limit} units.").format(value=text, limit=MAX_QUANTITY))
    if not text:
        raise RowError(column, _("no quantity."))
    raise RowError(column, _("{value!r} is not a whole number of units.").format(value=text))


def parse_time(value: str, column: str, zone: tzinfo | None = None) -> str | None:
    """A platform's time as the database stores it (UTC, ISO 8601); a time without a zone is in ``zone``.

    ``zone`` None means the local time of this machine (a shop's own web store writes those).
    """
    text = value.strip()
    if not text:
        return None
    moment = _moment(text)
    if moment is None:
        raise RowError(column, _("{value!r} is not a date and time.").format(value=text))
    if moment.tzinfo is None:
        if zone is None:
            # Not remembered: the machine's zone is read anew each time.
            return moment.astimezone().astimezone(UTC).isoformat(timespec="milliseconds")
        moment = moment.replace(tzinfo=zone)
    return _stored_time(moment)


# A file repeats its times (every row of an order, orders paid in the same second): each distinct
# text is read once.
@lru_cache(maxsize=4096)
def _stored_time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


@lru_cache(maxsize=4096)
def _moment(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)  # ISO 8601, as Amazon writes: the common case, tried first
    except ValueError:
        pass
    # Shopify's "2026-11-27 08:00:00 +0800", "... UTC", Taobao's "2026/11/27 8:00:00".
    normal = _ZONE_WORD.sub("+00:00", text.replace("/", "-"))
    normal = _ZONE_OFFSET.sub(r"\1", normal)
    try:
        return datetime.fromisoformat(normal)
    except ValueError:
        pass
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(normal, pattern)
        except ValueError:
            continue
    return None


def check_id(value: str, column: str, what: str) -> str:
    text = value.strip()
    if not text:
        raise RowError(column, _("no {what}.").format(what=what))
    if len(text) > MAX_ID or _CONTROL.search(text):
        raise RowError(column, _("{value!r} is not a {what}.").format(value=text[:80], what=what))
    return text


def variant_from_attributes(text: str) -> tuple[str, str]:
    """Colour and size out of Taobao's 商品属性 (``颜色分类：红色;尺码：M``); other attributes are left."""
    colour = size = ""
    for part in re.split(r"[;；]", text):
        name, sep, value = _split_pair(part)
        if not sep:
            continue
        key = name.strip().casefold()
        if key in COLOUR_NAMES and not colour:
            colour = value.strip()
        elif key in SIZE_NAMES and not size:
            size = value.strip()
    return colour, size


def _split_pair(part: str) -> tuple[str, str, str]:
    match = re.match(r"\s*([^:：]*)([:：])(.*)", part)
    return (match.group(1), match.group(2), match.group(3)) if match else (part, "", "")
