"""Operators: badges, PINs, roles and logging in."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import sqlite3
import tempfile
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import platformdirs
import sqlite_utils

from kiosk.audit import event_is_linked
from kiosk.config import APP_NAME
from kiosk.db import record_event, transaction, utc_before
from kiosk.errors import KioskError
from kiosk.i18n import _, ngettext

ROLES = ("packer", "supervisor", "aftersales")
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=5)
# Supervisors approve what others may not do: their PINs are longer (the setting
# min_supervisor_pin_length, at least this by default).
MIN_SUPERVISOR_PIN_LENGTH = 6
# scrypt cost: about 30 ms per check here, fast enough for a login. n=2**12 with p=4 does the work
# of n=2**14, p=1 in a quarter of the memory (OpenSSL reuses one 4 MiB block for each of the p
# passes), which keeps the kiosk's peak memory down at login.
_SCRYPT = {"n": 2**12, "r": 8, "p": 4}
_LEGACY_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
# A PIN has few values: no hash cost stops someone holding a copy of the database from trying them
# all. So every hash also mixes in a secret pepper kept in a file outside the database (the config
# folder, mode 0600): the database alone cannot be searched. Hashes record their parameters and
# which pepper they used ("pscrypt:N:r:p:PEPPER_ID$salt$digest"); the unpeppered "scrypt:N:r:p$..."
# and bare "scrypt$..." of earlier versions still log in and are replaced at that login.
PEPPER_ENV = "KIOSK_PEPPER_FILE"
_peppers: dict[Path, bytes] = {}


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


def pepper_path() -> Path:
    """The pepper file: $KIOSK_PEPPER_FILE, else ``pin-pepper`` in the user config folder."""
    if os.environ.get(PEPPER_ENV):
        return Path(os.environ[PEPPER_ENV])
    return Path(platformdirs.user_config_dir(APP_NAME)) / "pin-pepper"


def _create_pepper(path: Path) -> None:
    """Write a new random pepper, readable by its owner only; a pepper someone else made first wins."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".pin-pepper.")  # mode 0600
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        with suppress(FileExistsError):  # another station created it at the same moment
            os.link(temporary, path)
    finally:
        os.unlink(temporary)


def load_pepper() -> bytes:
    """The secret mixed into every PIN hash, created at first use."""
    path = pepper_path()
    if path not in _peppers:
        try:
            if not path.exists():
                _create_pepper(path)
            if path.stat().st_mode & 0o077:
                raise KioskError(_("The PIN pepper file {path} can be read by other users: run chmod 600 {path}.")
                                 .format(path=path))
            text = path.read_text(encoding="ascii").strip()
            pepper = bytes.fromhex(text)
        except (OSError, UnicodeError, ValueError) as error:
            raise KioskError(_("The PIN pepper file {path} cannot be used ({error}).").format(
                path=path, error=getattr(error, "strerror", None) or error)) from error
        if len(pepper) < 16:
            raise KioskError(_("The PIN pepper file {path} is damaged: restore it from the backup.").format(path=path))
        _peppers[path] = pepper
    return _peppers[path]


def _pepper_id(pepper: bytes) -> str:
    return hashlib.sha256(pepper).hexdigest()[:8]


def _current_scheme() -> str:
    return f"pscrypt:{_SCRYPT['n']}:{_SCRYPT['r']}:{_SCRYPT['p']}:{_pepper_id(load_pepper())}"


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    peppered = hmac.new(load_pepper(), pin.encode(), hashlib.sha256).digest()
    digest = hashlib.scrypt(peppered, salt=salt, **_SCRYPT)
    return f"{_current_scheme()}${salt.hex()}${digest.hex()}"


def _scheme_parameters(scheme: str) -> tuple[dict[str, int], str | None] | None:
    """scrypt parameters and pepper id of a stored hash's scheme (None: not a scheme we know)."""
    if scheme == "scrypt":
        return _LEGACY_SCRYPT, None
    name, *fields = scheme.split(":")
    pepper_id = fields.pop() if name == "pscrypt" and len(fields) == 4 else None
    if name not in ("scrypt", "pscrypt") or (name == "pscrypt") != (pepper_id is not None):
        return None
    if len(fields) != 3 or not all(number.isdigit() for number in fields):
        return None
    return dict(zip(("n", "r", "p"), map(int, fields), strict=True)), pepper_id


def pin_matches(pin: str, stored: str) -> bool:
    try:
        scheme, salt_hex, digest_hex = stored.split("$")
        salt = bytes.fromhex(salt_hex)
    except ValueError:
        return False
    known = _scheme_parameters(scheme)
    if known is None:
        return False
    parameters, pepper_id = known
    secret = pin.encode()
    if pepper_id is not None:
        pepper = load_pepper()
        if pepper_id != _pepper_id(pepper):  # made with another pepper file: nothing can match
            return False
        secret = hmac.new(pepper, secret, hashlib.sha256).digest()
    try:
        digest = hashlib.scrypt(secret, salt=salt, **parameters)
    except (ValueError, MemoryError):  # parameters no machine should run (a tampered row)
        return False
    return hmac.compare_digest(digest.hex(), digest_hex)


def needs_rehash(stored: str) -> bool:
    """True for a hash made without today's pepper or parameters (it is replaced at the next login)."""
    return stored.split("$")[0] != _current_scheme()


def validate_pin(pin: str, role: str = "packer", min_supervisor_length: int = MIN_SUPERVISOR_PIN_LENGTH) -> None:
    if not (pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 8):
        raise KioskError(_("A PIN is 4 to 8 digits."))
    if role == "supervisor" and len(pin) < min_supervisor_length:
        raise KioskError(_("A supervisor's PIN is at least {count} digits.").format(count=min_supervisor_length))


def _row_to_operator(row: dict) -> Operator:
    return Operator(row["badge"], row["name"], row["role"], row["language"])


def find_operator(db: sqlite_utils.Database, badge: str) -> Operator | None:
    rows = list(db.query("SELECT * FROM operators WHERE badge = ? AND active = 1", [badge]))
    return _row_to_operator(rows[0]) if rows else None


def _recent_failures(db: sqlite_utils.Database, badge: str) -> int:
    """Failed logins for a badge since its last success, unlock or new PIN, within the lockout window."""
    since = utc_before(LOCKOUT)
    row = db.execute(
        "SELECT COUNT(*) FROM events WHERE operator = ? AND kind = 'login_failed' AND at >= ?"
        " AND id > COALESCE((SELECT MAX(id) FROM events WHERE operator = ?"
        " AND kind IN ('login', 'badge_unlocked', 'pin_reset')), 0)",
        [badge, since, badge],
    ).fetchone()
    return row[0]


def _unknown_badge() -> KioskError:
    # Never echoed: what was typed where a badge belongs is often a PIN.
    return KioskError(_("Unknown badge. Scan your badge again."))


def _other_pepper(stored: str) -> bool:
    known = _scheme_parameters(stored.split("$")[0])
    return known is not None and known[1] is not None and known[1] != _pepper_id(load_pepper())


def authenticate(
    db: sqlite_utils.Database, badge: str, pin: str, station: str,
    then: Callable[[sqlite3.Connection], None] | None = None,
) -> Operator:
    """Check a badge and PIN; every attempt is an event. Raises KioskError when refused.

    ``then`` runs inside the transaction that records a right PIN (the login's session): one
    durable commit instead of two, and no login without its session if ``then`` refuses.
    """
    badge = badge.strip().upper()
    rows = list(db.query("SELECT * FROM operators WHERE badge = ?", [badge]))
    if not rows:
        raise _unknown_badge()
    row = rows[0]
    if not row["active"]:
        raise KioskError(_("Badge {badge} is disabled. Ask a supervisor.").format(badge=badge))
    if _recent_failures(db, badge) >= MAX_FAILED_LOGINS:
        raise KioskError(
            _("Too many wrong PINs for {badge}. Wait 5 minutes or ask a supervisor.").format(badge=badge)
        )
    if _other_pepper(row["pin_hash"]):
        raise KioskError(
            _("The PIN of {badge} was set with another pepper file than {path}: put that file back,"
              " or set a new PIN (kiosk operators reset-pin).").format(badge=badge, path=pepper_path())
        )
    ok = pin_matches(pin, row["pin_hash"])
    with transaction(db) as conn:
        record_event(conn, "login" if ok else "login_failed", operator=badge, station=station)
        if ok and needs_rehash(row["pin_hash"]):
            conn.execute("UPDATE operators SET pin_hash = ? WHERE badge = ?", [hash_pin(pin), badge])
        if ok and then is not None:
            then(conn)
    if not ok:
        tries_left = max(0, MAX_FAILED_LOGINS - _recent_failures(db, badge))
        if not tries_left:
            raise KioskError(_("Wrong PIN for {badge}: no tries left, the badge is locked for 5 minutes.")
                             .format(badge=badge))
        raise KioskError(
            ngettext("Wrong PIN for {badge}. {tries} try left.", "Wrong PIN for {badge}. {tries} tries left.",
                     tries_left).format(badge=badge, tries=tries_left)
        )
    return _row_to_operator(row)


def approve_as_supervisor(
    db: sqlite_utils.Database, badge: str, pin: str, station: str, *, action: str, order_id: str | None = None
) -> Operator:
    """A supervisor's badge and PIN, checked for one action that needs them; the approval is an event.

    Raises KioskError when the badge is not a supervisor's or the PIN is wrong.
    """
    operator = authenticate(db, badge, pin, station)
    record_approval(db, operator, station, action=action, order_id=order_id)
    return operator


def record_approval(db: sqlite_utils.Database, operator: Operator, station: str, *, action: str,
                    order_id: str | None = None, confirmed: str = "badge_pin") -> None:
    """A supervisor's approval of one action, as an event: given with badge and PIN at someone's
    station, or confirmed (``confirmed="session"``) by the supervisor logged in at this one."""
    if not operator.is_supervisor:
        raise KioskError(_("{name} is not a supervisor: a supervisor must approve this.").format(name=operator.name))
    with transaction(db) as conn:
        record_event(conn, "supervisor_approved", order_id=order_id, operator=operator.badge, station=station,
                     action=action, confirmed=confirmed)


# A supervisor's approval counts only for the order it was given for, and only this long.
APPROVAL_WINDOW = timedelta(minutes=30)


def has_recent_approval(db: sqlite_utils.Database, order_id: str, action: str, badge: str | None = None) -> bool:
    """Whether a supervisor approved ``action`` for this order with badge and PIN, just now.

    Only an approval sealed into the audit chain counts: a row written past the triggers
    (a forged ``supervisor_approved``) breaks its own link or its successor's.
    """
    since = utc_before(APPROVAL_WINDOW)
    sql = ("SELECT id FROM events WHERE kind = 'supervisor_approved' AND order_id = ? AND at >= ?"
           " AND json_extract(detail, '$.action') = ?")
    params = [order_id, since, action]
    if badge:
        sql += " AND operator = ?"
        params.append(badge)
    return any(event_is_linked(db.conn, event_id) for (event_id,) in db.execute(sql + " ORDER BY id DESC", params))


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
    min_supervisor_pin_length: int = MIN_SUPERVISOR_PIN_LENGTH,
) -> Operator:
    badge = badge.strip().upper()
    if not badge or not badge.isprintable() or len(badge) > 32:
        raise KioskError(_("A badge code is 1 to 32 printable characters."))
    if role not in ROLES:
        raise KioskError(_("Unknown role {role}: use one of {roles}.").format(role=role, roles=", ".join(ROLES)))
    if not name.strip():
        raise KioskError(_("An operator needs a name."))
    if not name.isprintable():
        raise KioskError(_("An operator's name cannot hold control characters."))
    validate_pin(pin, role, min_supervisor_pin_length)
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


def _operator_row(db: sqlite_utils.Database, badge: str) -> dict:
    rows = list(db.query("SELECT * FROM operators WHERE badge = ?", [badge.strip().upper()]))
    if not rows:
        raise _unknown_badge()
    return rows[0]


def require_operator(db: sqlite_utils.Database, badge: str) -> Operator:
    """The operator with this badge, enabled or not; refused (without echoing it) when there is none."""
    return _row_to_operator(_operator_row(db, badge))


def set_operator_active(db: sqlite_utils.Database, badge: str, active: bool, by: str = "cli") -> None:
    badge = _operator_row(db, badge)["badge"]
    with transaction(db) as conn:
        conn.execute("UPDATE operators SET active = ? WHERE badge = ?", (int(active), badge))
        record_event(conn, "operator_enabled" if active else "operator_disabled",
                     operator=by, badge=badge)


def reset_pin(
    db: sqlite_utils.Database, badge: str, pin: str, *, by: str = "cli",
    min_supervisor_pin_length: int = MIN_SUPERVISOR_PIN_LENGTH,
) -> Operator:
    """Give a badge a new PIN (it also lifts a lockout: the old PIN's failures no longer count)."""
    row = _operator_row(db, badge)
    validate_pin(pin, row["role"], min_supervisor_pin_length)
    with transaction(db) as conn:
        conn.execute("UPDATE operators SET pin_hash = ? WHERE badge = ?", (hash_pin(pin), row["badge"]))
        # The badge is the event's operator, like its logins: the lockout counts from here.
        record_event(conn, "pin_reset", operator=row["badge"], by=by)
    return _row_to_operator(row)


def unlock_badge(db: sqlite_utils.Database, badge: str, *, by: str = "cli") -> Operator:
    """Lift a badge's lockout after too many wrong PINs."""
    row = _operator_row(db, badge)
    with transaction(db) as conn:
        record_event(conn, "badge_unlocked", operator=row["badge"], by=by)
    return _row_to_operator(row)


def is_locked(db: sqlite_utils.Database, badge: str) -> bool:
    return _recent_failures(db, badge) >= MAX_FAILED_LOGINS


def list_operators(db: sqlite_utils.Database) -> list[dict]:
    """Every operator with ``locked`` (too many wrong PINs just now) beside the stored columns."""
    rows = list(db.query("SELECT badge, name, role, language, active FROM operators ORDER BY badge"))
    for row in rows:
        row["locked"] = is_locked(db, row["badge"])
    return rows


def locked_operators(db: sqlite_utils.Database) -> list[Operator]:
    """Active operators whose badge is locked just now (too many wrong PINs), by badge."""
    return [_row_to_operator(row)
            for row in db.query("SELECT * FROM operators WHERE active = 1 ORDER BY badge")
            if is_locked(db, row["badge"])]
