"""The audit log's hash chain: each event seals the one before it.

Every event stores ``hash = SHA-256(previous hash, its own canonical encoding)``, computed by
``kiosk.db.record_event`` inside the write transaction that holds the database's write lock,
so events written by many stations still form one chain. A changed, deleted or inserted event
breaks the link of the event after it. Removing the newest events, or rewriting the whole
chain, leaves a chain that holds on its own: that is caught by comparing with a head hash kept
outside the database (``kiosk audit head``, recorded beside every backup).
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kiosk.errors import KioskError
from kiosk.i18n import _

GENESIS = "0" * 64
# The columns an event's hash covers, in the order they are encoded.
EVENT_COLUMNS = "id, at, kind, order_id, operator, station, detail"
_HEAD = re.compile(r"[0-9a-f]{64}")


def event_hash(previous: str | None, row: Sequence[object]) -> str:
    """The hash of one event: ``row`` holds the values of EVENT_COLUMNS as stored."""
    canonical = json.dumps(list(row), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{previous or GENESIS}\n{canonical}".encode()).hexdigest()


def sql_event_hash(previous: str | None, *row: object) -> str:
    """event_hash as an SQL function (``kiosk_event_hash``): the migration seals existing events."""
    return event_hash(previous, row)


def register_functions(conn: sqlite3.Connection) -> None:
    conn.create_function("kiosk_event_hash", 8, sql_event_hash, deterministic=True)


def seal_rows(conn: sqlite3.Connection, rows: Iterable[Sequence[object]]) -> list[tuple[object, ...]]:
    """Events written in bulk (a data load), sealed onto the chain: call it inside the write transaction.

    ``rows`` hold ``at, kind, order_id, operator, station, detail``; the result adds the id in
    front and the hash at the end, ready for ``INSERT INTO events (EVENT_COLUMNS, hash)``.
    """
    last = conn.execute("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1").fetchone()
    event_id, previous = (last[0], last[1]) if last else (0, GENESIS)
    sealed = []
    for row in rows:
        event_id += 1
        values = (event_id, *row)
        previous = event_hash(previous, values)
        sealed.append((*values, previous))
    return sealed


def chain_head(conn: sqlite3.Connection) -> str:
    """The newest event's hash (GENESIS for an empty log)."""
    row = conn.execute("SELECT hash FROM events ORDER BY id DESC LIMIT 1").fetchone()
    return (row[0] or "") if row else GENESIS


def check_head_text(head: str) -> str:
    head = head.strip().lower()
    if not _HEAD.fullmatch(head):
        raise KioskError(_("A head hash is 64 hexadecimal digits (as kiosk audit head prints it)."))
    return head


class BrokenChain(KioskError):
    """The audit chain does not hold: the message names the first broken link."""


@dataclass(frozen=True)
class ChainStatus:
    events: int
    head: str


def _broken(row: Sequence[object]) -> BrokenChain:
    return BrokenChain(
        _("The audit log was tampered with at event {id} ({kind}, {at}): it was changed,"
          " or an event before it was removed or inserted.").format(id=row[0], kind=row[2], at=row[1])
    )


def verify_chain(conn: sqlite3.Connection, expected_head: str | None = None) -> ChainStatus:
    """Walk every event in order and recompute its hash; raise BrokenChain at the first bad link.

    ``expected_head``, a head recorded earlier outside the database, must still be on the chain:
    otherwise events were removed from its end or the chain was rewritten.
    """
    previous = GENESIS
    count = 0
    reached = expected_head is None or expected_head == GENESIS
    for row in conn.execute(f"SELECT {EVENT_COLUMNS}, hash FROM events ORDER BY id"):
        stored = row[-1]
        if stored != event_hash(previous, row[:-1]):
            raise _broken(row)
        previous = stored
        count += 1
        reached = reached or stored == expected_head
    if not reached:
        raise BrokenChain(
            _("The audit log does not reach head {head}: its newest events were removed"
              " or the whole log was rewritten.").format(head=expected_head)
        )
    return ChainStatus(count, previous)


def event_is_linked(conn: sqlite3.Connection, event_id: int) -> bool:
    """Whether one event is sealed into the chain: its own link and its successor's both hold.

    Two index lookups instead of a walk of the whole log, cheap enough for every approval.
    An event edited or inserted in place fails one of the two links; an attacker who also
    recomputes every later hash is caught only by ``verify_chain`` against an outside head.
    """
    rows = conn.execute(
        f"SELECT {EVENT_COLUMNS}, hash FROM events WHERE id = ?"
        f" UNION ALL SELECT * FROM (SELECT {EVENT_COLUMNS}, hash FROM events WHERE id > ? ORDER BY id LIMIT 1)",
        (event_id, event_id),
    ).fetchall()
    if not rows:
        return False
    before = conn.execute("SELECT hash FROM events WHERE id < ? ORDER BY id DESC LIMIT 1", (event_id,)).fetchone()
    previous = before[0] if before else GENESIS
    for row in rows:
        if row[-1] != event_hash(previous, row[:-1]):
            return False
        previous = row[-1]
    return True
