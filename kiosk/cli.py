"""The ``kiosk`` command. The composition root: the only core module that builds the App."""

from __future__ import annotations

import shutil
import sys
import traceback
from pathlib import Path

import click
import platformdirs

from kiosk import __version__
from kiosk.auth import ROLES, add_operator, list_operators, set_operator_active
from kiosk.config import APP_NAME, Config, load_config
from kiosk.db import backup_database, open_database
from kiosk.demo import create_demo_database
from kiosk.errors import KioskError


class Context:
    def __init__(self, config: Config) -> None:
        self.config = config

    def db(self):
        return open_database(self.config.database)


def _demo_config(config: Config) -> Config:
    """A fresh demo database (and its own spool folder) for every ``kiosk --demo``."""
    demo_dir = Path(platformdirs.user_data_dir(APP_NAME)) / "demo"
    if demo_dir.exists():
        shutil.rmtree(demo_dir)
    config.database = create_demo_database(demo_dir / "kiosk-demo.db")
    config.spool_dir = demo_dir / "spool"
    return config


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_file", type=click.Path(dir_okay=False),
              help="Config file (default: $KIOSK_CONFIG or the user config folder).")
@click.option("--db", "database", type=click.Path(dir_okay=False), help="Database file to use.")
@click.option("--demo", is_flag=True, help="Run on a fresh demo database filled from fixtures/.")
@click.option("--station", help="Station name (default: from config, else the host name).")
@click.version_option(__version__, prog_name="kiosk")
@click.pass_context
def cli(ctx: click.Context, config_file: str | None, database: str | None, demo: bool,
        station: str | None) -> None:
    """Packing desk kiosk. Without a command, runs the kiosk."""
    config = load_config(config_file)
    if database:
        config.database = Path(database)
    if station:
        config.station = station.strip().upper()
    if demo:
        if database:
            raise click.UsageError("--demo makes its own database: leave out --db.")
        config = _demo_config(config)
    ctx.obj = Context(config)
    if ctx.invoked_subcommand is None:
        run_kiosk(config)


def run_kiosk(config: Config) -> None:
    from screens.app import KioskApp

    app = KioskApp(config)
    app.run()
    click.echo(f"Labels are in {config.spool_dir}")


@cli.command("init-demo")
@click.argument("path", type=click.Path(dir_okay=False))
def init_demo(path: str) -> None:
    """Create a demo database at PATH."""
    created = create_demo_database(Path(path))
    click.echo(f"Demo database written to {created}")


@cli.group()
def operators() -> None:
    """Add, list and disable operators."""


@operators.command("list")
@click.pass_obj
def operators_list(obj: Context) -> None:
    for row in list_operators(obj.db()):
        state = "" if row["active"] else "  (disabled)"
        click.echo(f"{row['badge']:<10} {row['role']:<11} {row['name']}{state}")


@operators.command("add")
@click.argument("badge")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--pin", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--language", default="", help="Preferred language, e.g. zh_CN or en.")
@click.pass_obj
def operators_add(obj: Context, badge: str, name: str, role: str, pin: str, language: str) -> None:
    operator = add_operator(obj.db(), badge, name, role, pin, language=language)
    click.echo(f"Added {operator.badge} {operator.name} ({operator.role})")


@operators.command("disable")
@click.argument("badge")
@click.pass_obj
def operators_disable(obj: Context, badge: str) -> None:
    set_operator_active(obj.db(), badge, False)
    click.echo(f"Disabled {badge.upper()}")


@operators.command("enable")
@click.argument("badge")
@click.pass_obj
def operators_enable(obj: Context, badge: str) -> None:
    set_operator_active(obj.db(), badge, True)
    click.echo(f"Enabled {badge.upper()}")


@cli.command()
@click.argument("dest", type=click.Path(dir_okay=False))
@click.pass_obj
def backup(obj: Context, dest: str) -> None:
    """Online backup of the database to DEST (safe while stations are working)."""
    if Path(dest).exists():
        raise KioskError(f"{dest} already exists: choose a new file name.")
    click.echo(f"Backed up to {backup_database(obj.db(), dest)}")


def _crash_log(error: BaseException) -> Path:
    log = Path(platformdirs.user_log_dir(APP_NAME)) / "crash.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as handle:
        handle.write("".join(traceback.format_exception(error)))
    return log


def main(argv: list[str] | None = None) -> int:
    """Entry point: one line on stderr and exit 1 for a refusal, 2 for a usage error."""
    try:
        cli.main(args=argv, prog_name="kiosk", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("kiosk: aborted", err=True)
        return 1
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except click.exceptions.Exit as done:
        return done.exit_code
    except KioskError as error:
        click.echo(f"kiosk: {error}", err=True)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # noqa: BLE001 - the last line of defence: no traceback on screen
        log = _crash_log(error)
        click.echo(f"kiosk: unexpected error: {error} (details in {log})", err=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
