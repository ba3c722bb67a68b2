"""Finding orders for after-sales: one search box for order numbers, tracking numbers, buyers,
phones, e-mails, skus and recipient names.

The query's shape says which keys it can be: a tracking number's parcels are looked up first, in one
statement with the columns a results list shows (a waybill names its orders: nothing else is tried
when it does); four digits are a phone's tail or an order number; otherwise every exact key the
shape allows is looked up in one statement, each through its own index (schema migration 11
computes the keys: ``order_key``, ``phone_tail``), and then the full-text index of names, their
pinyin, buyer ids and e-mails (``order_text``, trigrams) ranks partial matches. Only the page shown
has its columns read. The same call serves the search screen and ``kiosk lookup``.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from enum import StrEnum
from operator import itemgetter
from typing import NamedTuple

import sqlite_utils

from kiosk.auth import Operator, require_aftersales
from kiosk.carriers.scan import normalise
from kiosk.errors import KioskError
from kiosk.i18n import N_, _
from kiosk.orders import order_key, status_name

PAGE_SIZE = 20
# Per kind of match: a sku or a surname can match thousands of orders; nobody pages past this.
MAX_MATCHES = 500
MAX_QUERY = 100
# The characters a phone number is written with besides its digits.
_PHONE_PUNCTUATION = re.compile(r"[\s+\-().']")
# A phone typed without its country code (or with a trunk "0") still has this many digits.
MIN_FULL_PHONE = 7


class MatchKind(StrEnum):
    ORDER_ID = "order_id"
    TRACKING = "tracking"
    RETURN_TRACKING = "return_tracking"
    BUYER = "buyer"
    EMAIL = "email"
    PHONE = "phone"
    SKU = "sku"
    NAME = "name"


MATCH_NAMES = {
    MatchKind.ORDER_ID: N_("order number"),
    MatchKind.TRACKING: N_("tracking number"),
    MatchKind.RETURN_TRACKING: N_("return tracking number"),
    MatchKind.BUYER: N_("buyer id"),
    MatchKind.EMAIL: N_("e-mail"),
    MatchKind.PHONE: N_("phone"),
    MatchKind.SKU: N_("sku"),
    MatchKind.NAME: N_("name, buyer or e-mail"),
}


class LookupHit(NamedTuple):
    """One order found: what a results list shows (no phone or e-mail: see kiosk.contacts).

    A named tuple: a page of them is built straight from its rows, in the order _HITS_SQL reads them."""

    order_id: str
    platform: str
    status: str
    recipient_name: str
    buyer_id: str
    created_at: str
    paid_at: str
    resend_of: str
    # The newest shipment that is not void, if the order has one.
    carrier: str
    tracking_number: str
    shipped_at: str
    matched: MatchKind

    @property
    def status_name(self) -> str:
        return status_name(self.status)

    @property
    def matched_name(self) -> str:
        return _(MATCH_NAMES[self.matched])


class LookupPage(NamedTuple):
    """A page of results (a named tuple, like its hits: built on every search, even of one waybill)."""

    query: str
    hits: tuple[LookupHit, ...]
    page: int
    page_size: int
    # Orders found in all (at most MAX_MATCHES of each kind); ``capped`` when some were left out.
    total: int
    capped: bool

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def phone_digits(text: str) -> str | None:
    """The digits of a query that is written like a phone number (4 digits or more), else None."""
    rest = _PHONE_PUNCTUATION.sub("", text)
    return rest if rest.isdigit() and len(rest) >= 4 and rest.isascii() else None


def same_phone(stored_digits: str, query_digits: str) -> bool:
    """Whether a stored phone is the one asked for: the whole number, with or without its country
    code or trunk "0" ("+86 138...", "138...", "0791..."), or its last digits when fewer than 7."""
    if len(query_digits) < MIN_FULL_PHONE:
        return stored_digits.endswith(query_digits)
    stored, query = stored_digits.lstrip("0"), query_digits.lstrip("0")
    if min(len(stored), len(query)) < MIN_FULL_PHONE:
        return stored == query
    return stored.endswith(query) or query.endswith(stored)


def _check_query(query: str) -> str:
    text = " ".join(query.split())
    if not text:
        raise KioskError(
            _("Type what to search for: an order or tracking number, a name, a phone, an e-mail or a sku.")
        )
    if not text.isprintable():
        raise KioskError(_("The search has control characters: check the scanner's mode and scan again."))
    if len(text) > MAX_QUERY:
        raise KioskError(_("The search is too long (at most {limit} characters).").format(limit=MAX_QUERY))
    return text


def fts_query(text: str) -> str | None:
    """The FTS5 expression for a name search, or None when no word is long enough to search for.

    Every word must appear; a word of three characters or more anywhere, a word of two at the
    start or end of a word (the fields are stored padded with spaces: schema migration 6).
    """
    terms = []
    for word in text.split():
        quoted = word.replace('"', '""')
        if len(word) >= 3:
            terms.append(f'"{quoted}"')
        elif len(word) == 2:
            terms.append(f'(" {quoted}" OR "{quoted} ")')
    return " AND ".join(terms) or None


# Each exact key the query can be, in the order they rank: (kind, the SQL of its orders' ids and rowids,
# in the order that kind lists them). Only the arms a query's shape allows go into the statement (a
# phone is digits, a tracking number 8 or more letters and digits...), so one statement finds every
# order. The rowid lets the page shown be read without a walk down the order id index per order.
_ARMS: tuple[tuple[MatchKind, str | None], ...] = (
    (MatchKind.ORDER_ID, "SELECT order_id, rowid FROM orders WHERE order_key = :key LIMIT {limit}"),
    # Looked up before the others, with the columns of its orders (_waybill_rows).
    (MatchKind.TRACKING, None),
    # A return may cover several orders: the one it was opened for and those of its items.
    (MatchKind.RETURN_TRACKING, "SELECT o.order_id, d.rowid FROM returns r JOIN return_orders o ON o.return_id = r.id"
                                " JOIN orders d ON d.order_id = o.order_id"
                                " WHERE r.return_tracking = :tracking ORDER BY r.id DESC LIMIT {limit}"),
    (MatchKind.BUYER, "SELECT order_id, rowid FROM orders WHERE buyer_id = :text COLLATE NOCASE"
                      " ORDER BY created_at DESC LIMIT {limit}"),
    (MatchKind.EMAIL, "SELECT order_id, rowid FROM orders WHERE email = :text COLLATE NOCASE"
                      " ORDER BY created_at DESC LIMIT {limit}"),
    # Four digits are a phone's tail as the index keeps it, paged in SQL (_tail_page); a longer number
    # must be the same phone.
    (MatchKind.PHONE, None),
    (MatchKind.PHONE, "SELECT order_id, rowid FROM orders WHERE phone_tail = :tail"
                      " AND kiosk_same_phone(phone_digits, :digits) ORDER BY created_at DESC"),
    # A sku as typed, or any barcode of the product scanned from the item itself.
    (MatchKind.SKU, "SELECT l.order_id, o.rowid FROM order_lines l JOIN orders o ON o.order_id = l.order_id"
                    " WHERE l.sku IN (:text, :upper, (SELECT sku FROM barcodes WHERE code = :text))"
                    " GROUP BY l.order_id ORDER BY MAX(o.created_at) DESC LIMIT {limit}"),
)
_ORDER, _TRACKING, _RETURN_TRACKING, _BUYER, _EMAIL, _PHONE_TAIL, _PHONE, _SKU = range(len(_ARMS))
# Names come after every exact key.
_NAME = len(_ARMS)
_KIND_OF_ARM = (*(kind for kind, _sql in _ARMS), MatchKind.NAME)
_CODED_ARMS = frozenset({_ORDER, _TRACKING, _RETURN_TRACKING})

# The order ids (and rowids) of every arm, arm after arm (UNION ALL keeps them in that order), and
# nothing else: the columns a results list shows are read afterwards for the one page shown (_HITS_SQL).
_FIND_STATEMENTS: dict[tuple[int, ...], str] = {}
_PHONE_FUNCTION = ("kiosk_same_phone", 2)


def _find_statement(arms: tuple[int, ...]) -> str:
    sql = _FIND_STATEMENTS.get(arms)
    if sql is None:
        sql = _FIND_STATEMENTS[arms] = " UNION ALL ".join(
            f"SELECT * FROM (SELECT {arm}, * FROM ({str(_ARMS[arm][1]).format(limit=MAX_MATCHES)}))"
            for arm in arms)
    return sql


def _tracking_shape(text: str) -> str | None:
    """The query as a tracking number is stored, if it is written like one (8 or more letters and digits)."""
    # Plain letters and digits are already a scan as normalise leaves it, upper case aside.
    tracking = text.upper() if text.isascii() and text.isalnum() else normalise(text).text
    return tracking if len(tracking) >= 8 and tracking.isalnum() else None


def _shape(text: str, tracking: str | None) -> tuple[tuple[int, ...], dict[str, str]]:
    """The exact keys the query can be, from its shape alone, and the parameters they are looked up with
    (a tracking number's own shipments are looked up before: _waybill_rows)."""
    params = {"text": text}
    arms = []
    key = order_key(text)
    if key:
        arms.append(_ORDER)
        params["key"] = key
    digits = phone_digits(text)
    if digits and len(digits) == 4:
        # Four digits are taken as the end of a phone or a short order number ("#1010"); buyer ids,
        # e-mails, skus and barcodes are not looked up for them (a phone tail is searched all day).
        params["tail"] = digits
        arms.append(_PHONE_TAIL)
        return tuple(arms), params
    if tracking:
        arms.append(_RETURN_TRACKING)
        params["tracking"] = tracking
    arms.append(_BUYER)
    if "@" in text:
        arms.append(_EMAIL)
    if digits:
        arms.append(_PHONE)
        params.update(tail=digits[-4:], digits=digits)
    if " " not in text:
        arms.append(_SKU)
        params["upper"] = text.upper()
    return tuple(arms), params


def _exact_matches(
    db: sqlite_utils.Database, arms: tuple[int, ...], params: dict[str, str]
) -> list[tuple[int, str, int]]:
    """Every order an exact key of the query finds, most specific kind first, as (arm, order id, rowid)."""
    if _PHONE in arms and _PHONE_FUNCTION not in db._registered_functions:
        db.register_function(same_phone, deterministic=True, name=_PHONE_FUNCTION[0])
    # sqlite3's own execute: the query passed _check_query, which refuses what the kiosk's connection
    # checks every statement for (a lone surrogate is not printable).
    return sqlite3.Connection.execute(db.conn, _find_statement(arms), params).fetchall()


# A waybill scanned or typed: its orders with the columns a results list shows, in one statement, and
# each parcel's id last. The newest parcel comes first, sorted in Python: the index on the tracking
# number holds the voiding time, not the id, so SQL would sort in a temporary tree for the one or two
# parcels a number has.
_WAYBILL_SQL = f"""
SELECT o.order_id, o.platform, o.status, o.recipient_name, o.buyer_id, o.created_at, ifnull(o.paid_at, ''),
       ifnull(o.resend_of, ''), ifnull(s.carrier, ''), ifnull(s.tracking_number, ''), ifnull(s.shipped_at, ''),
       w.id
FROM shipments w JOIN orders o ON o.order_id = w.order_id
LEFT JOIN shipments s ON s.id = (
    SELECT id FROM shipments WHERE order_id = o.order_id AND voided_at IS NULL ORDER BY id DESC LIMIT 1)
WHERE w.tracking_number = ? LIMIT {MAX_MATCHES}
"""


def _waybill_rows(db: sqlite_utils.Database, tracking: str) -> dict[str, tuple]:
    """The orders whose parcel has this tracking number, newest parcel first, as results list rows.

    A waybill names its orders: when it does, no other kind of key is tried (an order number, a
    buyer id or a sku that reads the same as a parcel's tracking number would only be noise)."""
    found = sqlite3.Connection.execute(db.conn, _WAYBILL_SQL, (tracking,)).fetchall()  # as in _exact_matches
    if len(found) > 1:
        found.sort(key=itemgetter(-1), reverse=True)
    rows: dict[str, tuple] = {}
    for row in found:
        rows.setdefault(row[0], row[:-1])
    return rows


def _text_matches(db: sqlite_utils.Database, text: str) -> list[str]:
    """Orders whose name, buyer id or e-mail contain the query's words, best first."""
    if not any(char.isalpha() for char in text):
        return []  # digits only: a number is an exact key, never a part of a name
    expression = fts_query(text)
    if expression is None:
        # One character, typically a Chinese surname: names that start with it.
        return [row[0] for row in db.execute(
            "SELECT order_id FROM orders WHERE recipient_name >= ? AND recipient_name < ?"
            " ORDER BY recipient_name, created_at DESC LIMIT ?", [text, text + "\U0010ffff", MAX_MATCHES])]
    # The name (or its pinyin) counts most; bm25 is lower for a better match; among equals, the newest
    # order first.
    return [row[0] for row in db.execute(
        "SELECT k.order_id FROM order_text t JOIN order_search_keys k ON k.id = t.rowid"
        " WHERE order_text MATCH ? ORDER BY bm25(order_text, 10.0, 2.0, 2.0, 8.0), t.rowid DESC LIMIT ?",
        [expression, MAX_MATCHES])]


# What a results list shows of each order of a page: its row and its newest live shipment, in the
# order of LookupHit's fields.
_HIT_COLUMNS = """
o.order_id, o.platform, o.status, o.recipient_name, o.buyer_id, o.created_at, ifnull(o.paid_at, ''),
ifnull(o.resend_of, ''), ifnull(s.carrier, ''), ifnull(s.tracking_number, ''), ifnull(s.shipped_at, '')
"""
_NEWEST_SHIPMENT = """
LEFT JOIN shipments s ON s.id = (
    SELECT id FROM shipments WHERE order_id = o.order_id AND voided_at IS NULL ORDER BY id DESC LIMIT 1)
"""
_HITS_SQL = f"SELECT {_HIT_COLUMNS} FROM orders o {_NEWEST_SHIPMENT} WHERE o.order_id IN ({{marks}})"
# Read by rowid when every order of the page has one (exact keys), else by order id (names).
_HITS_BY_ROWID = _HITS_SQL.replace("o.order_id IN", "o.rowid IN")


def _hit_rows(db: sqlite_utils.Database, order_ids: list[str], rowids: list[int | None]) -> dict[str, tuple]:
    marks = ", ".join("?" * len(order_ids))
    if None in rowids:
        sql, keys = _HITS_SQL.format(marks=marks), order_ids
    else:
        sql, keys = _HITS_BY_ROWID.format(marks=marks), rowids
    # The ids come from the database itself: sqlite3's own execute (see _exact_matches).
    return {row[0]: row for row in sqlite3.Connection.execute(db.conn, sql, keys)}


# The orders whose phone ends in four digits, but those the same digits found as an order number
# (listed before them): how many, and one page of them with the columns a results list shows, newest
# first, found through the index on tail and time (the after-sales search migration of kiosk/schema.py).
# The count is a subquery run once, not a window function (which would sort every row of the tail in a temporary tree).
_KEYED = f"(SELECT order_id FROM orders WHERE order_key = :key LIMIT {MAX_MATCHES})"
_TAIL_COUNT_SQL = f"SELECT count(*) FROM orders WHERE phone_tail = :tail AND order_id NOT IN {_KEYED}"
# Read in the index's order (tail, time): no sort, and only the page's rows are joined to their parcels.
_TAIL_SQL = f"""
SELECT {_HIT_COLUMNS}, ({_TAIL_COUNT_SQL}) FROM orders o {_NEWEST_SHIPMENT}
WHERE o.phone_tail = :tail AND o.order_id NOT IN {_KEYED}
ORDER BY o.created_at DESC LIMIT :size OFFSET :skip
"""


def _tail_page(
    db: sqlite_utils.Database, params: dict[str, str], skip: int, size: int
) -> tuple[list[tuple[str, int | None, int]], dict[str, tuple], int, bool]:
    """Four digits: the order with that number first, then the phones that end so. Paged in SQL: a
    tail is shared by a hundred orders in a million and only one page of them is shown. Returns the
    page as (order id, rowid, arm), the rows of the phones already read, the number of orders found
    and whether some were left out."""
    execute = sqlite3.Connection.execute  # see _exact_matches
    keyed = execute(db.conn, str(_ARMS[_ORDER][1]).format(limit=MAX_MATCHES), params).fetchall()
    page: list[tuple[str, int | None, int]] = [
        (order_id, rowid, _ORDER) for order_id, rowid in keyed[skip : skip + size]]
    wanted = size - len(page)
    # At least one row: it carries the count of them all.
    tails = execute(db.conn, _TAIL_SQL, {**params, "size": max(wanted, 1),
                                         "skip": max(0, skip - len(keyed))}).fetchall()
    if tails:
        in_all = tails[0][-1]
    elif skip > len(keyed):  # a page past the last one
        in_all = execute(db.conn, _TAIL_COUNT_SQL, params).fetchone()[0]
    else:
        in_all = 0
    rows = {row[0]: row[:-1] for row in tails[:wanted]}
    page += [(order_id, None, _PHONE_TAIL) for order_id in rows]
    return page, rows, len(keyed) + in_all, max(len(keyed), in_all) >= MAX_MATCHES


def _keys_and_names_page(
    db: sqlite_utils.Database, text: str, arms: tuple[int, ...], params: dict[str, str], skip: int, size: int
) -> tuple[list[tuple[str, int | None, int]], int, bool]:
    """Every exact key the shape allows, then (unless a code named its order) names best first. Returns
    the page as (order id, rowid or None, arm), the number of orders found and whether some were left out."""
    found = _exact_matches(db, arms, params)
    # Each order once, under the first (most specific) kind that found it.
    ranked: dict[str, tuple[int | None, int]] = {}
    for arm, order_id, rowid in found:
        if order_id not in ranked:
            ranked[order_id] = (rowid, arm)
    capped = len(found) >= MAX_MATCHES and max(Counter(row[0] for row in found).values()) >= MAX_MATCHES
    # A scanned slip or return label names its order: names that happen to contain the code are noise.
    if not _CODED_ARMS.intersection(arm for _rowid, arm in ranked.values()):
        named = _text_matches(db, text)
        for order_id in named:
            ranked.setdefault(order_id, (None, _NAME))
        capped = capped or len(named) >= MAX_MATCHES
    page = [(order_id, *ranked[order_id]) for order_id in list(ranked)[skip : skip + size]]
    return page, len(ranked), capped


def lookup(
    db: sqlite_utils.Database, query: str, operator: Operator, *, page: int = 1, page_size: int = PAGE_SIZE
) -> LookupPage:
    """Search every key an order can be found by; exact keys first, then names best first.

    Refused for packers (their screens open orders by scanning the slip, nothing else).
    """
    require_aftersales(operator)
    text = _check_query(query)
    if page < 1:
        raise KioskError(_("Pages are numbered from 1."))
    if not 1 <= page_size <= MAX_MATCHES:
        raise KioskError(_("A page holds 1 to {limit} orders.").format(limit=MAX_MATCHES))
    skip = (page - 1) * page_size
    tracking = _tracking_shape(text)
    rows = _waybill_rows(db, tracking) if tracking else {}
    if rows:
        chosen = [(order_id, None, _TRACKING) for order_id in list(rows)[skip : skip + page_size]]
        total, capped = len(rows), len(rows) >= MAX_MATCHES
    else:
        arms, params = _shape(text, tracking)
        if _PHONE_TAIL in arms:
            chosen, rows, total, capped = _tail_page(db, params, skip, page_size)
        else:
            chosen, total, capped = _keys_and_names_page(db, text, arms, params, skip, page_size)
        unread = [(order_id, rowid) for order_id, rowid, _arm in chosen if order_id not in rows]
        if unread:
            rows.update(_hit_rows(db, [order_id for order_id, _rowid in unread], [rowid for _id, rowid in unread]))
    hits = tuple(LookupHit(*rows[order_id], _KIND_OF_ARM[arm]) for order_id, _rowid, arm in chosen
                 if order_id in rows)
    return LookupPage(text, hits, page, page_size, total, capped)
