"""The ``kiosk`` command. The composition root: the only core module that builds the App."""

from __future__ import annotations

import importlib
import json
import shutil
import sys
from pathlib import Path

import click
import platformdirs
import sqlite_utils

from kiosk import __version__
from kiosk.auth import ROLES, add_operator, list_operators, set_operator_active
from kiosk.config import APP_NAME, Config, load_config
from kiosk.crashlog import write_crash_log
from kiosk.db import backup_database, open_database
from kiosk.errors import KioskError
from kiosk.i18n import LANGUAGES, N_, _, choose_language, environment_language, set_language

PROG_NAME = "kiosk"


class Context:
    def __init__(self, config: Config) -> None:
        self.config = config

    def db(self) -> sqlite_utils.Database:
        return open_database(self.config.database)


def _demo_config(config: Config) -> Config:
    """A fresh demo database (and its own spool folder) for every ``kiosk --demo``."""
    from kiosk.demo import create_demo_database  # imported by the commands that need it: start-up is shorter

    demo_dir = Path(platformdirs.user_data_dir(APP_NAME)) / "demo"
    if demo_dir.exists():
        shutil.rmtree(demo_dir)
    config.database = create_demo_database(demo_dir / "kiosk-demo.db")
    config.spool_dir = demo_dir / "spool"
    return config


class _TranslatedHelpOption:
    """Click makes each command's --help option itself, with an English text: translate it."""

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = _(HELP_OPTION_TEXT)
        return option


HELP_OPTION_TEXT = N_("Show this message and exit.")


class KioskCommand(_TranslatedHelpOption, click.Command):
    pass


class KioskGroup(_TranslatedHelpOption, click.Group):
    command_class = KioskCommand
    group_class = type  # sub-groups are KioskGroups too

    # Commands whose module is imported only when they run (click's lazy-group pattern): label
    # rendering pulls in Pillow and the fonts, which `kiosk` itself should not wait for.
    lazy_commands = {
        "label": ("kiosk.label_cli", "label"),
        "import": ("kiosk.imports.cli", "import_command"),
        "import-catalogue": ("kiosk.imports.cli", "import_catalogue_command"),
        "export": ("kiosk.imports.cli", "export_group"),
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy_commands and name not in self.commands:
            module, attribute = self.lazy_commands[name]
            command = getattr(importlib.import_module(module), attribute)
            _translate_help(command)
            self.add_command(command, name)
        return super().get_command(ctx, name)


@click.group(
    cls=KioskGroup,
    invoke_without_command=True,
    help=N_("Packing desk kiosk. Without a command, runs the kiosk."),
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option("--config", "config_file", type=click.Path(dir_okay=False),
              help=N_("Config file (default: $KIOSK_CONFIG or the user config folder)."))
@click.option("--db", "database", type=click.Path(dir_okay=False), help=N_("Database file to use."))
@click.option("--demo", is_flag=True, help=N_("Run on a fresh demo database filled from fixtures/."))
@click.option("--station", help=N_("Station name (default: from config, else the host name)."))
@click.option("--lang", type=click.Choice(sorted(LANGUAGES)),
              help=N_("Language of the screens and messages (default: config, then $LANG)."))
@click.version_option(__version__, prog_name="kiosk", help=N_("Show the version and exit."))
@click.pass_context
def cli(ctx: click.Context, config_file: str | None, database: str | None, demo: bool,
        station: str | None, lang: str | None) -> None:
    config = load_config(config_file)
    set_language(choose_language(lang, config.language, environment_language()))
    if database:
        config.database = Path(database)
    if station:
        config.station = station.strip().upper()
    if demo:
        if database:
            raise click.UsageError(_("--demo makes its own database: leave out --db."))
        config = _demo_config(config)
    ctx.obj = Context(config)
    if ctx.invoked_subcommand is None:
        run_kiosk(config)


def run_kiosk(config: Config) -> None:
    from screens.app import KioskApp

    app = KioskApp(config)
    app.run()
    click.echo(_("Labels are in {folder}").format(folder=config.spool_dir))


@cli.command("init-demo", help=N_("Create a demo database at PATH."))
@click.argument("path", type=click.Path(dir_okay=False))
def init_demo(path: str) -> None:
    from kiosk.demo import create_demo_database

    created = create_demo_database(Path(path))
    click.echo(_("Demo database written to {path}").format(path=created))


@cli.group(help=N_("Add, list and disable operators."))
def operators() -> None:
    pass


@operators.command("list", help=N_("List operators."))
@click.pass_obj
def operators_list(obj: Context) -> None:
    from kiosk.cells import pad_cells  # wcwidth: 8 ms that every start of the kiosk would pay

    rows = list_operators(obj.db())
    # Names may be Chinese: columns are measured in terminal cells, not characters.
    badge_width = max([4, *(len(row["badge"]) for row in rows)])
    for row in rows:
        state = "" if row["active"] else "  " + _("(disabled)")
        role = pad_cells(_(row["role"]), 12)
        click.echo(f"{pad_cells(row['badge'], badge_width)}  {role}{row['name']}{state}")


@operators.command("add", help=N_("Add an operator with a badge code and a PIN."))
@click.argument("badge")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help=N_("What the operator may do."))
@click.option("--pin", help=N_("4 to 8 digits (asked for when left out)."))
@click.option("--language", default="", help=N_("Preferred language, e.g. zh_CN or en."))
@click.pass_obj
def operators_add(obj: Context, badge: str, name: str, role: str, pin: str | None, language: str) -> None:
    if pin is None:
        if not sys.stdin.isatty():
            raise KioskError(_("No PIN given: add --pin, or run this at a terminal to be asked for it."))
        pin = click.prompt(_("PIN"), hide_input=True, confirmation_prompt=True)
    operator = add_operator(obj.db(), badge, name, role, pin, language=language)
    click.echo(_("Added {badge} {name} ({role})").format(badge=operator.badge, name=operator.name,
                                                         role=_(operator.role)))


@operators.command("disable", help=N_("Stop a badge from logging in."))
@click.argument("badge")
@click.pass_obj
def operators_disable(obj: Context, badge: str) -> None:
    _set_active(obj, badge, False)


@operators.command("enable", help=N_("Let a disabled badge log in again."))
@click.argument("badge")
@click.pass_obj
def operators_enable(obj: Context, badge: str) -> None:
    _set_active(obj, badge, True)


def _set_active(obj: Context, badge: str, active: bool) -> None:
    set_operator_active(obj.db(), badge, active)
    done = _("Enabled {badge}") if active else _("Disabled {badge}")
    click.echo(done.format(badge=badge.upper()))


@cli.command(help=N_("Online backup of the database to DEST (safe while stations are working)."))
@click.argument("dest", type=click.Path(dir_okay=False))
@click.pass_obj
def backup(obj: Context, dest: str) -> None:
    if Path(dest).exists():
        raise KioskError(_("{path} already exists: choose a new file name.").format(path=dest))
    click.echo(_("Backed up to {path}").format(path=backup_database(obj.db(), dest)))


@cli.command(help=N_("Identify and validate a tracking number (exit 1 when it is not valid)."))
@click.argument("number", required=False)
@click.option("--carrier", "expected", help=N_("The carrier the number should belong to (a carrier id or name)."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the result as JSON."))
@click.option("--list", "list_all", is_flag=True, help=N_("List the carrier ids this kiosk knows."))
def tracking(number: str | None, expected: str | None, as_json: bool, list_all: bool) -> None:
    from kiosk.carriers import carrier_from_text, carrier_name, describe, identify, list_carriers

    if list_all:
        from kiosk.cells import pad_cells

        for carrier_id, name in list_carriers():
            click.echo(f"{pad_cells(carrier_id, 14)}{name}")
        return
    if not number:
        raise click.UsageError(_("Give a tracking number, or --list."))
    carrier_id = None
    if expected:
        known = dict(list_carriers())
        carrier_id = expected if expected in known else carrier_from_text(expected)
        if carrier_id is None:
            raise KioskError(_("Unknown carrier {carrier} (see kiosk tracking --list).").format(carrier=expected))
    result = identify(number, carrier=carrier_id)
    match = result.carrier
    if as_json:
        click.echo(json.dumps({
            "number": result.number,
            "valid": result.valid,
            "reason": result.reason.value,
            "message": describe(result),
            "carrier_id": match.carrier_id if match else None,
            "carrier": match.carrier_name if match else None,
            "service": match.service if match else None,
            "check_digit_ok": match.check_digit_ok if match else None,
            "tracking_url": match.tracking_url if match else None,
            "candidates": [m.carrier_id for m in result.candidates],
        }, ensure_ascii=False, indent=2))
    elif match is not None and result.valid:
        check = {True: _("holds"), False: _("wrong"), None: _("none in this format")}[match.check_digit_ok]
        click.echo(_("Carrier: {carrier}").format(carrier=carrier_name(match.carrier_id, match.carrier_name)))
        click.echo(_("Service: {service}").format(service=match.service))
        click.echo(_("Number: {number}").format(number=result.number))
        click.echo(_("Check digit: {check}").format(check=check))
        click.echo(_("Tracking: {url}").format(url=match.tracking_url or "-"))
    if not result.valid:
        raise KioskError(describe(result))


# Role names as the CLI shows them (the database keeps the English codes).
ROLE_NAMES = (N_("packer"), N_("supervisor"), N_("aftersales"))


def _translate_help(command: click.Command) -> None:
    """Put the help texts of the command tree into the current language.

    Click reads help strings when it formats them; the English message ids are
    kept aside so that a second call (tests, another language) starts from them.
    """
    for item in [command, *command.params]:
        source = item.__dict__.setdefault("_help_msgid", getattr(item, "help", None))
        if source:
            item.help = _(source)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _translate_help(sub)


def _language_in(argv: list[str]) -> str | None:
    """``--lang`` read ahead of click, so that help and usage errors are already translated."""
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def main(argv: list[str] | None = None) -> int:
    """Entry point: one line on stderr and exit 1 for a refusal, 2 for a usage error."""
    args = list(sys.argv[1:] if argv is None else argv)
    set_language(choose_language(_language_in(args), environment_language()))
    _translate_help(cli)
    try:
        cli.main(args=args, prog_name=PROG_NAME, standalone_mode=False)
    except click.exceptions.Abort:
        click.echo(_("kiosk: aborted"), err=True)
        return 1
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except click.exceptions.Exit as done:
        return done.exit_code
    except KioskError as error:
        click.echo(f"{PROG_NAME}: {error}", err=True)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # noqa: BLE001 - the last line of defence: no traceback on screen
        log = write_crash_log(error)
        click.echo(_("kiosk: unexpected error: {error} (details in {log})").format(error=error, log=log), err=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
