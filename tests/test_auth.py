"""Badges, PINs and operators."""

from __future__ import annotations

import hashlib
import stat

import pytest

from kiosk.auth import (
    MAX_FAILED_LOGINS,
    PEPPER_ENV,
    add_operator,
    authenticate,
    is_locked,
    list_operators,
    load_pepper,
    needs_rehash,
    pin_matches,
    reset_pin,
    set_operator_active,
    unlock_badge,
)
from kiosk.errors import KioskError


def spend_every_try(db, badge: str) -> None:
    """A wrong PIN for each try the badge has, each refused as wrong."""
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(KioskError, match=f"Wrong PIN for {badge}"):
            authenticate(db, badge, "0000", "DESK-1")


def test_right_pin_logs_in_and_is_an_event(db):
    operator = authenticate(db, " p001 ", "1234", "DESK-1")
    assert (operator.badge, operator.name, operator.role) == ("P001", "Li Wei", "packer")
    assert db.execute("SELECT kind, operator, station FROM events").fetchone() == (
        "login", "P001", "DESK-1")


def test_wrong_pin_is_refused_and_counted(db):
    with pytest.raises(KioskError, match=f"Wrong PIN for P001. {MAX_FAILED_LOGINS - 1} tries left."):
        authenticate(db, "P001", "0000", "DESK-1")


def test_unknown_badge_is_refused(db):
    with pytest.raises(KioskError, match="Unknown badge. Scan your badge again."):
        authenticate(db, "x42", "1234", "DESK-1")


def test_a_pin_typed_where_the_badge_belongs_is_never_echoed(db):
    with pytest.raises(KioskError) as refused:
        authenticate(db, "2468", "", "DESK-1")
    assert "2468" not in str(refused.value)
    assert "2468" not in " ".join(str(row) for row in db.execute("SELECT * FROM events"))


def test_too_many_wrong_pins_lock_the_badge_even_with_the_right_pin(db):
    spend_every_try(db, "P001")
    with pytest.raises(KioskError, match="Too many wrong PINs"):
        authenticate(db, "P001", "1234", "DESK-1")
    # Other badges are not affected.
    assert authenticate(db, "P002", "4321", "DESK-1").badge == "P002"


def test_pins_are_stored_hashed_and_salted(db):
    add_operator(db, "p003", "New Packer", "packer", "2468")
    add_operator(db, "p004", "Other Packer", "packer", "2468")
    hashes = [r[0] for r in db.execute(
        "SELECT pin_hash FROM operators WHERE badge IN ('P003','P004')")]
    assert "2468" not in "".join(hashes)
    assert hashes[0] != hashes[1]
    assert all(pin_matches("2468", h) for h in hashes)
    assert not pin_matches("2469", hashes[0])


def legacy_hash(pin: str) -> str:
    """A PIN hash as earlier versions stored it: bare "scrypt", n=2**14, r=8, p=1."""
    salt = bytes(range(16))
    return f"scrypt${salt.hex()}${hashlib.scrypt(pin.encode(), salt=salt, n=2**14, r=8, p=1).hex()}"


def test_a_pin_hashed_by_an_earlier_version_still_logs_in_and_is_rehashed(db):
    db.execute("UPDATE operators SET pin_hash = ? WHERE badge = 'P001'", [legacy_hash("1234")])
    db.conn.commit()
    with pytest.raises(KioskError, match="Wrong PIN"):
        authenticate(db, "P001", "1243", "DESK-1")
    assert db.execute("SELECT pin_hash FROM operators WHERE badge = 'P001'").fetchone()[0].startswith("scrypt$")

    assert authenticate(db, "P001", "1234", "DESK-1").badge == "P001"
    stored = db.execute("SELECT pin_hash FROM operators WHERE badge = 'P001'").fetchone()[0]
    assert not needs_rehash(stored) and stored.startswith("pscrypt:4096:8:4:")
    assert authenticate(db, "P001", "1234", "DESK-1").badge == "P001"


@pytest.mark.parametrize("stored", [
    "", "plain1234", "bcrypt$00$11", "scrypt:4096:8$00$11", "scrypt:x:8:4$00$11", "scrypt:4096:8:4$zz$11",
    "scrypt:3:8:1$00$11",  # n must be a power of two: OpenSSL refuses it
])
def test_a_damaged_or_foreign_hash_never_matches(stored):
    assert not pin_matches("1234", stored)


@pytest.mark.parametrize(
    ("badge", "role", "pin", "reason"),
    [
        ("P001", "packer", "1234", "already exists"),
        ("P010", "boss", "1234", "Unknown role"),
        ("P010", "packer", "12", "4 to 8 digits"),
        ("P010", "packer", "12ab", "4 to 8 digits"),
        ("", "packer", "1234", "badge code"),
    ],
)
def test_bad_operator_details_are_refused(db, badge, role, pin, reason):
    with pytest.raises(KioskError, match=reason):
        add_operator(db, badge, "Someone", role, pin)


def test_disabled_operator_cannot_log_in(db):
    set_operator_active(db, "P002", False)
    with pytest.raises(KioskError, match="Badge P002 is disabled"):
        authenticate(db, "P002", "4321", "DESK-1")
    assert [r["active"] for r in list_operators(db) if r["badge"] == "P002"] == [0]


def test_only_a_supervisor_can_approve_and_the_approval_is_an_event(db):
    from kiosk.auth import approve_as_supervisor

    with pytest.raises(KioskError, match="Li Wei is not a supervisor"):
        approve_as_supervisor(db, "P001", "1234", "DESK-1", action="short_shipment", order_id="SO-1")
    with pytest.raises(KioskError, match="Wrong PIN for S001"):
        approve_as_supervisor(db, "S001", "0000", "DESK-1", action="short_shipment", order_id="SO-1")
    supervisor = approve_as_supervisor(db, "s001", "9999", "DESK-1", action="short_shipment", order_id="SO-1")
    assert supervisor.badge == "S001"
    row = db.execute("SELECT operator, order_id, detail FROM events WHERE kind = 'supervisor_approved'").fetchall()
    assert row == [("S001", "SO-1", '{"action": "short_shipment", "confirmed": "badge_pin"}')]


# -- PIN strength and the pepper -------------------------------------------------------


def unpeppered_hash(pin: str) -> str:
    """A hash as the version before the pepper stored it: scrypt:4096:8:4, no pepper."""
    salt = bytes(range(16))
    return f"scrypt:4096:8:4${salt.hex()}${hashlib.scrypt(pin.encode(), salt=salt, n=2**12, r=8, p=4).hex()}"


def test_an_unpeppered_hash_logs_in_and_is_upgraded_to_the_pepper(db):
    db.execute("UPDATE operators SET pin_hash = ? WHERE badge = 'P001'", [unpeppered_hash("1234")])
    assert needs_rehash(unpeppered_hash("1234"))
    assert authenticate(db, "P001", "1234", "DESK-1").badge == "P001"
    stored = db.execute("SELECT pin_hash FROM operators WHERE badge = 'P001'").fetchone()[0]
    assert stored.startswith("pscrypt:") and not needs_rehash(stored)
    assert pin_matches("1234", stored)


def test_a_copied_database_alone_cannot_check_a_pin(db, tmp_path, monkeypatch):
    """The stored hash does not match the PIN without the pepper file it was made with."""
    stored = db.execute("SELECT pin_hash FROM operators WHERE badge = 'P001'").fetchone()[0]
    salt_hex, digest_hex = stored.split("$")[1:]
    assert hashlib.scrypt(b"1234", salt=bytes.fromhex(salt_hex), n=2**12, r=8, p=4).hex() != digest_hex
    monkeypatch.setenv(PEPPER_ENV, str(tmp_path / "another-pepper"))
    assert not pin_matches("1234", stored)
    with pytest.raises(KioskError, match="another pepper file"):
        authenticate(db, "P001", "1234", "DESK-1")


def test_the_pepper_file_is_created_private_at_first_use(tmp_path, monkeypatch):
    path = tmp_path / "config" / "pin-pepper"
    monkeypatch.setenv(PEPPER_ENV, str(path))
    first = load_pepper()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) == 32 and load_pepper() == first


def test_a_pepper_file_others_can_read_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "pin-pepper"
    path.write_text("ab" * 32)
    path.chmod(0o644)
    monkeypatch.setenv(PEPPER_ENV, str(path))
    with pytest.raises(KioskError, match="can be read by other users: run chmod 600"):
        load_pepper()


@pytest.mark.parametrize("pin", ["1234", "12345"])
def test_a_supervisor_pin_is_at_least_six_digits(db, pin):
    with pytest.raises(KioskError, match="A supervisor's PIN is at least 6 digits"):
        add_operator(db, "S002", "New Supervisor", "supervisor", pin)
    assert add_operator(db, "S002", "New Supervisor", "supervisor", "123456").role == "supervisor"


def test_the_supervisor_pin_length_is_configurable(db):
    with pytest.raises(KioskError, match="at least 8 digits"):
        add_operator(db, "S002", "New Supervisor", "supervisor", "1234567", min_supervisor_pin_length=8)


def test_reset_pin_sets_a_new_pin_and_lifts_the_lockout(db):
    spend_every_try(db, "P001")
    assert is_locked(db, "P001")
    reset_pin(db, "p001", "2580")
    assert authenticate(db, "P001", "2580", "DESK-1").badge == "P001"
    with pytest.raises(KioskError, match="A supervisor's PIN is at least 6 digits"):
        reset_pin(db, "S001", "1111")


def test_unlock_lifts_the_lockout_and_is_an_event(db):
    spend_every_try(db, "P001")
    with pytest.raises(KioskError, match="Too many wrong PINs"):
        authenticate(db, "P001", "1234", "DESK-1")
    assert [row["locked"] for row in list_operators(db) if row["badge"] == "P001"] == [True]
    unlock_badge(db, "P001", by="S001")
    assert not is_locked(db, "P001")
    assert authenticate(db, "P001", "1234", "DESK-1").badge == "P001"
    assert db.execute("SELECT COUNT(*) FROM events WHERE kind = 'badge_unlocked'").fetchone()[0] == 1


def test_the_last_tries_are_counted_in_words(db):
    messages = []
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(KioskError, match="Wrong PIN for P001") as refused:
            authenticate(db, "P001", "0000", "DESK-1")
        messages.append(str(refused.value))
    assert messages[-2] == "Wrong PIN for P001. 1 try left."
    assert messages[-1] == "Wrong PIN for P001: no tries left, the badge is locked for 5 minutes."


@pytest.mark.parametrize("action", ["reset", "unlock", "disable"])
def test_admin_actions_on_an_unknown_badge_do_not_echo_it(db, action):
    calls = {"reset": lambda: reset_pin(db, "2468", "1357"), "unlock": lambda: unlock_badge(db, "2468"),
             "disable": lambda: set_operator_active(db, "2468", False)}
    with pytest.raises(KioskError, match="^Unknown badge. Scan your badge again.$"):
        calls[action]()
