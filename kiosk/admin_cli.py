"""``kiosk operators``, ``kiosk backup``, ``kiosk restore`` and ``kiosk audit``: looking after the desk.

Registered lazily in kiosk/cli.py (``KioskGroup.lazy_commands``). Refusals are KioskErrors, which
the CLI prints on one line with exit status 1; every value from the database is printed inert.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from kiosk.auth import (
    ROLES,
    add_operator,
    list_operators,
    require_operator,
    reset_pin,
    set_operator_active,
    unlock_badge,
)
from kiosk.errors import KioskError
from kiosk.i18n import N_, _
from kiosk.inert import inert

if TYPE_CHECKING:
    from kiosk.command_context import Context


def _echo(text: str) -> None:
    click.echo(inert(text))


def _ask_pin() -> str:
    if not sys.stdin.isatty():
        raise KioskError(_("No PIN given: add --pin, or run this at a terminal to be asked for it."))
    try:
        return click.prompt(_("PIN"), hide_input=True, confirmation_prompt=True)
    except UnicodeDecodeError as error:
        raise KioskError(_("The PIN typed is not valid text: type digits only.")) from error


# -- operators -------------------------------------------------------------------------------


@click.group(help=N_("Add, list, disable, enable and unlock operators, and set their PINs."))
def operators() -> None:
    pass


@operators.command("list", help=N_("List operators."))
@click.pass_obj
def operators_list(obj: Context) -> None:
    from kiosk.cells import pad_cells  # wcwidth: 8 ms that every start of the kiosk would pay

    rows = list_operators(obj.db())
    if not rows:
        _echo(_("No operators yet: add the first with kiosk operators add BADGE NAME --role supervisor."))
        return
    # Names may be Chinese: columns are measured in terminal cells, not characters.
    badge_width = max([4, *(len(inert(row["badge"])) for row in rows)])
    for row in rows:
        state = "" if row["active"] else "  " + _("(disabled)")
        if row["locked"]:
            state += "  " + _("(locked: too many wrong PINs)")
        role = pad_cells(_(row["role"]), 12)
        _echo(f"{pad_cells(inert(row['badge']), badge_width)}  {role}{inert(row['name'])}{state}")


@operators.command("add", help=N_("Add an operator with a badge code and a PIN."))
@click.argument("badge")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help=N_("What the operator may do."))
@click.option("--pin", help=N_("4 to 8 digits, at least 6 for a supervisor (asked for when left out)."))
@click.option("--language", default="", help=N_("Preferred language, e.g. zh_CN or en."))
@click.pass_obj
def operators_add(obj: Context, badge: str, name: str, role: str, pin: str | None, language: str) -> None:
    db = obj.db()  # a missing or damaged database is refused before the PIN is asked for
    pin = _ask_pin() if pin is None else pin
    operator = add_operator(db, badge, name, role, pin, language=language,
                            min_supervisor_pin_length=obj.config.min_supervisor_pin_length)
    _echo(_("Added {badge} {name} ({role})").format(badge=operator.badge, name=operator.name, role=_(operator.role)))


@operators.command("disable", help=N_("Stop a badge from logging in."))
@click.argument("badge")
@click.pass_obj
def operators_disable(obj: Context, badge: str) -> None:
    set_operator_active(obj.db(), badge, False)
    _echo(_("Disabled {badge}").format(badge=badge.strip().upper()))


@operators.command("enable", help=N_("Let a disabled badge log in again."))
@click.argument("badge")
@click.pass_obj
def operators_enable(obj: Context, badge: str) -> None:
    set_operator_active(obj.db(), badge, True)
    _echo(_("Enabled {badge}").format(badge=badge.strip().upper()))


@operators.command("reset-pin", help=N_("Give a badge a new PIN (this also unlocks it)."))
@click.argument("badge")
@click.option("--pin", help=N_("The new PIN (asked for when left out)."))
@click.pass_obj
def operators_reset_pin(obj: Context, badge: str, pin: str | None) -> None:
    db = obj.db()
    require_operator(db, badge)  # an unknown badge is refused before the PIN is asked for
    pin = _ask_pin() if pin is None else pin
    operator = reset_pin(db, badge, pin, min_supervisor_pin_length=obj.config.min_supervisor_pin_length)
    _echo(_("New PIN set for {badge} {name}").format(badge=operator.badge, name=operator.name))


@operators.command("unlock", help=N_("Let a badge locked after too many wrong PINs log in again."))
@click.argument("badge")
@click.pass_obj
def operators_unlock(obj: Context, badge: str) -> None:
    operator = unlock_badge(obj.db(), badge)
    _echo(_("Unlocked {badge} {name}").format(badge=operator.badge, name=operator.name))


# -- backup, restore and the audit log ----------------------------------------------------------


@click.command(help=N_("Online backup of the database to DEST, verified (safe while stations are working)."))
@click.argument("dest", type=click.Path())
@click.option("--keep", type=click.IntRange(min=1), metavar="N",
              help=N_("DEST is a folder: write a dated copy there and keep only the newest N."))
@click.pass_obj
def backup(obj: Context, dest: str, keep: int | None) -> None:
    from kiosk.backup import head_file, make_backup, rotate_backups

    db = obj.db()
    if keep is None:
        made = make_backup(db, obj.config.database, dest)
    else:
        rotation = rotate_backups(db, obj.config.database, dest, keep)
        made = rotation.backup
        for old in rotation.removed:
            _echo(_("Removed the older backup {path}").format(path=old))
    _echo(_("Backed up to {path}").format(path=made.path))
    if made.head is not None:
        _echo(_("Audit head {head} (kept in {file})").format(head=made.head, file=head_file(made.path)))


@click.command(help=N_("Put a verified backup in the place of the database (the current one is kept beside it)."))
@click.argument("backup_file", metavar="BACKUP", type=click.Path())
@click.option("--force", is_flag=True, help=N_("Restore even while stations hold orders (their work is lost)."))
@click.pass_obj
def restore(obj: Context, backup_file: str, force: bool) -> None:
    from kiosk.backup import restore_backup

    restored = restore_backup(obj.config.database, backup_file, force=force)
    _echo(_("Restored {backup} into {path}").format(backup=backup_file, path=obj.config.database))
    if restored.previous is not None:
        _echo(_("The database as it was is kept in {path}").format(path=restored.previous))


@click.group(help=N_("Check the audit log's hash chain."))
def audit() -> None:
    pass


@audit.command("verify", help=N_("Walk the audit log's hash chain; exit 1 at the first broken link."))
@click.option("--head", "head", metavar="HASH",
              help=N_("A head recorded earlier (or a backup's .head file): the log must still reach it."))
@click.pass_obj
def audit_verify(obj: Context, head: str | None) -> None:
    from kiosk.audit import verify_chain
    from kiosk.backup import read_head

    expected = read_head(head) if head is not None else None
    status = verify_chain(obj.db().conn, expected)
    _echo(_("The audit log holds: {count} events, head {head}.").format(count=status.events, head=status.head))


@audit.command("head", help=N_("Print the audit log's head hash, to keep outside the database."))
@click.pass_obj
def audit_head(obj: Context) -> None:
    from kiosk.audit import chain_head

    _echo(chain_head(obj.db().conn))
