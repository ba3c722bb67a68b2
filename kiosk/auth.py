"""Operators: badges, PINs, roles and logging in."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlite_utils

from kiosk.db import record_event, transaction
from kiosk.errors import KioskError
from kiosk.i18n import _

ROLES = ("packer", "supervisor", "aftersales")
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=5)
# scrypt cost: about 30 ms per check here, fast enough for a login. A 4-digit PIN has only
# 10,000 values, so no hash cost stops someone holding the database file; the lockout below
# is what protects a badge. n=2**12 with p=4 does the work of n=2**14, p=1 in a quarter of the
# memory (OpenSSL reuses one 4 MiB block for each of the p passes), which keeps the kiosk's
# peak memory down at login. Hashes record their parameters ("scrypt:N:r:p$salt$digest", the
# layout werkzeug uses); the bare "scrypt$salt$digest" of earlier versions is n=2**14, r=8, p=1.
_SCRYPT = {"n": 2**12, "r": 8, "p": 4}
_LEGACY_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


@dataclass(frozen=True)
class Operator:
    badge: str
    name: str
    role: str
    language: str = ""

    @property
    def is_supervisor(self) -> bool:
        return self.role == "supervisor"

    @property
    def sees_personal_data(self) -> bool:
        """After-sales staff and supervisors: shipment histories, claims, returns, buyers' contact data."""
        return self.role in ("aftersales", "supervisor")


def require_aftersales(operator: Operator) -> None:
    """Refuse a packer (or any role but after-sales and supervisor) in the core, whatever a screen shows."""
    if not operator.sees_personal_data:
        raise KioskError(
            _("{name} is not after-sales staff: only after-sales staff and supervisors can do this.").format(
                name=operator.name
            )
        )


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, **_SCRYPT)
    return f"scrypt:{_SCRYPT['n']}:{_SCRYPT['r']}:{_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def _scrypt_parameters(scheme: str) -> dict[str, int] | None:
    if scheme == "scrypt":
        return _LEGACY_SCRYPT
    name, *numbers = scheme.split(":")
    if name != "scrypt" or len(numbers) != 3 or not all(number.isdigit() for number in numbers):
        return None
    return dict(zip(("n", "r", "p"), map(int, numbers), strict=True))


def pin_matches(pin: str, stored: str) -> bool:
    try:
        scheme, salt_hex, digest_hex = stored.split("$")
        salt = bytes.fromhex(salt_hex)
    except ValueError:
        return False
    parameters = _scrypt_parameters(scheme)
    if parameters is None:
        return False
    try:
        digest = hashlib.scrypt(pin.encode(), salt=salt, **parameters)
    except (ValueError, MemoryError):  # parameters no machine should run (a tampered row)
        return False
    return hmac.compare_digest(digest.hex(), digest_hex)


def needs_rehash(stored: str) -> bool:
    """True for a hash made with other parameters than today's (it is replaced at the next login)."""
    return _scrypt_parameters(stored.split("$")[0]) != _SCRYPT


def validate_pin(pin: str) -> None:
    if not (pin.isdigit() and 4 <= len(pin) <= 8):
        raise KioskError(_("A PIN is 4 to 8 digits."))


def _row_to_operator(row: dict) -> Operator:
    return Operator(row["badge"], row["name"], row["role"], row["language"])


def find_operator(db: sqlite_utils.Database, badge: str) -> Operator | None:
    rows = list(db.query("SELECT * FROM operators WHERE badge = ? AND active = 1", [badge]))
    return _row_to_operator(rows[0]) if rows else None


def _recent_failures(db: sqlite_utils.Database, badge: str) -> int:
    """Failed logins for a badge since its last success, within the lockout window."""
    since = (datetime.now(UTC) - LOCKOUT).isoformat(timespec="milliseconds")
    row = db.execute(
        "SELECT COUNT(*) FROM events WHERE operator = ? AND kind = 'login_failed' AND at >= ?"
        " AND id > COALESCE((SELECT MAX(id) FROM events WHERE operator = ?"
        " AND kind = 'login'), 0)",
        [badge, since, badge],
    ).fetchone()
    return row[0]


def authenticate(db: sqlite_utils.Database, badge: str, pin: str, station: str) -> Operator:
    """Check a badge and PIN; every attempt is an event. Raises KioskError when refused."""
    badge = badge.strip().upper()
    rows = list(db.query("SELECT * FROM operators WHERE badge = ?", [badge]))
    if not rows:
        raise KioskError(_("Unknown badge {badge}. Scan your badge again.").format(badge=badge))
    row = rows[0]
    if not row["active"]:
        raise KioskError(_("Badge {badge} is disabled. Ask a supervisor.").format(badge=badge))
    if _recent_failures(db, badge) >= MAX_FAILED_LOGINS:
        raise KioskError(
            _("Too many wrong PINs for {badge}. Wait 5 minutes or ask a supervisor.").format(badge=badge)
        )
    ok = pin_matches(pin, row["pin_hash"])
    with transaction(db) as conn:
        record_event(conn, "login" if ok else "login_failed", operator=badge, station=station)
        if ok and needs_rehash(row["pin_hash"]):
            conn.execute("UPDATE operators SET pin_hash = ? WHERE badge = ?", [hash_pin(pin), badge])
    if not ok:
        tries_left = MAX_FAILED_LOGINS - _recent_failures(db, badge)
        raise KioskError(_("Wrong PIN for {badge}. {tries} tries left.").format(badge=badge, tries=tries_left))
    return _row_to_operator(row)


def approve_as_supervisor(
    db: sqlite_utils.Database, badge: str, pin: str, station: str, *, action: str, order_id: str | None = None
) -> Operator:
    """A supervisor's badge and PIN, checked for one action that needs them; the approval is an event.

    Raises KioskError when the badge is not a supervisor's or the PIN is wrong.
    """
    operator = authenticate(db, badge, pin, station)
    if not operator.is_supervisor:
        raise KioskError(_("{name} is not a supervisor: a supervisor must approve this.").format(name=operator.name))
    with transaction(db) as conn:
        record_event(conn, "supervisor_approved", order_id=order_id, operator=operator.badge, station=station,
                     action=action)
    return operator


# A supervisor's approval counts only for the order it was given for, and only this long.
APPROVAL_WINDOW = timedelta(minutes=30)


def has_recent_approval(db: sqlite_utils.Database, order_id: str, action: str, badge: str | None = None) -> bool:
    """Whether a supervisor approved ``action`` for this order with badge and PIN, just now."""
    since = (datetime.now(UTC) - APPROVAL_WINDOW).isoformat(timespec="milliseconds")
    sql = ("SELECT 1 FROM events WHERE kind = 'supervisor_approved' AND order_id = ? AND at >= ?"
           " AND json_extract(detail, '$.action') = ?")
    params = [order_id, since, action]
    if badge:
        sql += " AND operator = ?"
        params.append(badge)
    return db.execute(sql, params).fetchone() is not None


def record_logout(db: sqlite_utils.Database, operator: Operator, station: str, why: str) -> None:
    with transaction(db) as conn:
        record_event(conn, "logout", operator=operator.badge, station=station, reason=why)


def add_operator(
    db: sqlite_utils.Database,
    badge: str,
    name: str,
    role: str,
    pin: str,
    *,
    language: str = "",
    by: str = "cli",
) -> Operator:
    badge = badge.strip().upper()
    if not badge or not badge.isprintable() or len(badge) > 32:
        raise KioskError(_("A badge code is 1 to 32 printable characters."))
    if role not in ROLES:
        raise KioskError(_("Unknown role {role}: use one of {roles}.").format(role=role, roles=", ".join(ROLES)))
    if not name.strip():
        raise KioskError(_("An operator needs a name."))
    validate_pin(pin)
    if db.execute("SELECT 1 FROM operators WHERE badge = ?", [badge]).fetchone():
        raise KioskError(_("Badge {badge} already exists.").format(badge=badge))
    with transaction(db) as conn:
        conn.execute(
            "INSERT INTO operators (badge, name, role, pin_hash, language, active)"
            " VALUES (?, ?, ?, ?, ?, 1)",
            (badge, name.strip(), role, hash_pin(pin), language),
        )
        record_event(conn, "operator_added", operator=by, badge=badge, role=role)
    return Operator(badge, name.strip(), role, language)


def set_operator_active(db: sqlite_utils.Database, badge: str, active: bool, by: str = "cli") -> None:
    badge = badge.strip().upper()
    if not db.execute("SELECT 1 FROM operators WHERE badge = ?", [badge]).fetchone():
        raise KioskError(_("Unknown badge {badge}.").format(badge=badge))
    with transaction(db) as conn:
        conn.execute("UPDATE operators SET active = ? WHERE badge = ?", (int(active), badge))
        record_event(conn, "operator_enabled" if active else "operator_disabled",
                     operator=by, badge=badge)


def list_operators(db: sqlite_utils.Database) -> list[dict]:
    return list(db.query("SELECT badge, name, role, language, active FROM operators ORDER BY badge"))
