"""The ``kiosk`` command. The composition root: the only core module that builds the App."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import click

from kiosk import __version__
from kiosk.command_context import PROG_NAME, Context
from kiosk.config import Config, load_config
from kiosk.crashlog import error_text, report_crash
from kiosk.errors import KioskError
from kiosk.i18n import LANGUAGES, N_, _, choose_language, environment_language, set_language
from kiosk.inert import inert


def _create_demo_database(path: Path) -> Path:
    try:
        # Imported by the commands that need it: start-up is shorter.
        from fixtures.load import create_demo_database
    except ImportError as error:
        # The demo package shares its name with a test library on PyPI (see README, Layout).
        raise KioskError(
            _("The demo data cannot be loaded ({error}): install the kiosk in a virtual environment of its own.")
            .format(error=error)
        ) from error
    return create_demo_database(path)


def _demo_config(config: Config) -> Config:
    """A fresh demo database (and its own spool folder) in a folder of its own for every ``kiosk --demo``.

    Earlier runs are never removed while in use (see kiosk.demo_runs).
    """
    from kiosk.demo_runs import start_demo_run

    run = start_demo_run()
    config.database = _create_demo_database(run.database)
    config.spool_dir = run.spool_dir
    _say_where_the_demo_is(config)
    return config


def _say_where_the_demo_is(config: Config) -> None:
    click.echo(inert(_("Demo database: {path}").format(path=config.database)), err=True)
    click.echo(inert(_("Labels are in {folder}").format(folder=config.spool_dir)), err=True)


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
        "serve": ("kiosk.station_cli", "serve"),
        "stations": ("kiosk.station_cli", "stations"),
        "operators": ("kiosk.admin_cli", "operators"),
        "backup": ("kiosk.admin_cli", "backup"),
        "restore": ("kiosk.admin_cli", "restore"),
        "audit": ("kiosk.admin_cli", "audit"),
        "report": ("kiosk.reports.cli", "report"),
        "manifest": ("kiosk.manifest_cli", "manifest"),
        "lookup": ("kiosk.lookup_cli", "lookup"),
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
@click.option("--station-prefix", hidden=True,
              help=N_("Take the first free station name PREFIX1, PREFIX2, ... (each browser tab of kiosk serve)."))
@click.option("--lang", type=click.Choice(sorted(LANGUAGES)),
              help=N_("Language of the screens and messages (default: config, then $LANG)."))
@click.version_option(__version__, prog_name="kiosk", help=N_("Show the version and exit."))
@click.pass_context
def cli(ctx: click.Context, config_file: str | None, database: str | None, demo: bool,
        station: str | None, station_prefix: str | None, lang: str | None) -> None:
    config = load_config(config_file)
    set_language(choose_language(lang, config.language, environment_language()))
    if database:
        config.database = Path(database)
        # A new database file is created, but never folders: a mistyped path is refused.
        if not config.database.parent.is_dir():
            raise KioskError(_("Folder {folder} does not exist: create it first, or check the --db path.").format(
                folder=config.database.parent))
    if station:
        config.station = station.strip().upper()
    if demo:
        if database:
            raise click.UsageError(_("--demo makes its own database: leave out --db."))
        config = _demo_config(config)
    ctx.obj = Context(config, config_file=config_file, database=database, lang=lang)
    if ctx.invoked_subcommand is None:
        code = run_kiosk(config, station_prefix)
        if demo:
            click.echo(inert(_("Demo database: {path}").format(path=config.database)))
        if code:
            ctx.exit(code)


def run_kiosk(config: Config, station_prefix: str | None = None) -> int:
    """Run the App on a checked database; returns its exit status (non-zero after a crash)."""
    from kiosk.backup import open_checked
    from kiosk.stations import hold_first_free_station, hold_station

    # One live process per station name: two would both resume the station's order.
    if station_prefix:
        lock = hold_first_free_station(station_prefix)
        config.station = lock.name
    else:
        lock = hold_station(config.station)
    try:
        db = open_checked(config.database)
        if db.execute("SELECT 1 FROM operators WHERE active = 1 LIMIT 1").fetchone() is None:
            db.conn.close()
            raise KioskError(_("No operator can log in to {path} yet: add the first with"
                               " kiosk --db {path} operators add BADGE NAME --role supervisor").format(
                                   path=config.database))
        from kiosk.desk import Desk
        from screens.app import KioskApp

        app = KioskApp(config, Desk(db, config))
        app.run()
    finally:
        lock.release()
    click.echo(inert(_("Labels are in {folder}").format(folder=config.spool_dir)))
    return app.return_code or 0


@cli.command("init-demo", help=N_("Create a demo database at PATH."))
@click.argument("path", type=click.Path(dir_okay=False))
def init_demo(path: str) -> None:
    created = _create_demo_database(Path(path))
    click.echo(inert(_("Demo database written to {path}").format(path=created)))


@cli.command(help=N_("Identify and validate a tracking number (exit 1 when it is not valid)."))
@click.argument("number", required=False)
@click.option("--carrier", "expected", help=N_("The carrier the number should belong to (a carrier id or name)."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the result as JSON."))
@click.option("--list", "list_all", is_flag=True, help=N_("List the carrier ids this kiosk knows."))
def tracking(number: str | None, expected: str | None, as_json: bool, list_all: bool) -> None:
    from kiosk.carriers import carrier_from_text, carrier_name, explain, identify, list_carriers

    if list_all:
        from kiosk.cells import pad_cells

        for carrier_id, name in list_carriers():
            click.echo(inert(f"{pad_cells(carrier_id, 14)}{name}"))
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
            "message": explain(result),
            "carrier_id": match.carrier_id if match else None,
            "carrier": match.carrier_name if match else None,
            "service": match.service if match else None,
            "check_digit_ok": match.check_digit_ok if match else None,
            "tracking_url": match.tracking_url if match else None,
            "candidates": [m.carrier_id for m in result.candidates],
        }, ensure_ascii=False, indent=2))
    elif match is not None and result.valid:
        check = {True: _("holds"), False: _("wrong"), None: _("none in this format")}[match.check_digit_ok]
        for line in (
            _("Carrier: {carrier}").format(carrier=carrier_name(match.carrier_id, match.carrier_name)),
            _("Service: {service}").format(service=match.service),
            _("Number: {number}").format(number=result.number),
            _("Check digit: {check}").format(check=check),
            _("Tracking: {url}").format(url=match.tracking_url or "-"),
        ):
            click.echo(inert(line))
    if not result.valid:
        raise KioskError(explain(result))


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


def _undecodable(args: list[str]) -> str | None:
    """The first argument holding bytes that are not UTF-8 (Python keeps them as lone surrogates)."""
    for arg in args:
        if any("\ud800" <= char <= "\udfff" for char in arg):
            return arg
    return None


def main(argv: list[str] | None = None) -> int:
    """Entry point: one line on stderr and exit 1 for a refusal, 2 for a usage error."""
    args = list(sys.argv[1:] if argv is None else argv)
    set_language(choose_language(_language_in(args), environment_language()))
    _translate_help(cli)
    bad = _undecodable(args)
    if bad is not None:
        click.echo(_("kiosk: {argument} is not valid text (bytes that are not UTF-8): nothing was done.").format(
            argument=inert(bad)), err=True)
        return 1
    try:
        # Without standalone mode click returns an exit status raised by ctx.exit (the kiosk's own).
        status = cli.main(args=args, prog_name=PROG_NAME, standalone_mode=False)
    except click.exceptions.Abort:
        click.echo(_("kiosk: aborted"), err=True)
        return 1
    except click.ClickException as error:
        error.message = inert(error.message)  # click quotes what was typed
        error.show()
        return error.exit_code
    except click.exceptions.Exit as done:
        return done.exit_code
    except KioskError as error:
        click.echo(f"{PROG_NAME}: {inert(error)}", err=True)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # noqa: BLE001 - the last line of defence: no traceback on screen
        click.echo(_("kiosk: unexpected error: {error} ({details})").format(
            error=error_text(error), details=report_crash(error)), err=True)
        return 1
    return status if isinstance(status, int) else 0


if __name__ == "__main__":
    sys.exit(main())
