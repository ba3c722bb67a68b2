"""``kiosk import``, ``kiosk import-catalogue`` and ``kiosk export confirmations``.

Registered lazily in kiosk/cli.py; refusals are KioskErrors, which the CLI prints on one line
with exit status 1.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kiosk.command_context import PROG_NAME
from kiosk.errors import KioskError
from kiosk.i18n import N_, _, ngettext
from kiosk.imports.catalogue import import_catalogue
from kiosk.imports.confirmations import EXPORT_FORMATS, export_confirmations
from kiosk.imports.order_import import Progress, import_orders
from kiosk.imports.platforms import ORDER_FORMATS
from kiosk.imports.sources import order_sources, read_source
from kiosk.imports.watch import REJECTED, WatchState, watch_folder, watch_step

if TYPE_CHECKING:
    from kiosk.command_context import Context


@contextmanager
def _progress(label: str) -> Iterator[Progress | None]:
    """A progress bar on a terminal; nothing when the output goes to a file or a scheduled job's log."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress as Bar

    with Bar(transient=True) as bar:
        task = bar.add_task(label, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def _echo_summary(lines: list[str]) -> None:
    for line in lines:
        click.echo(line)


def _watch_report(line: str, error: bool) -> None:
    click.echo(f"{PROG_NAME}: {line}" if error else line, err=error)


@click.command("import", help=N_("Import orders from shop platform exports: files, or a folder of them."))
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["auto", *ORDER_FORMATS]), default="auto", show_default=True,
              help=N_("The platform the file comes from (default: found from its header)."))
@click.option("--dry-run", is_flag=True, help=N_("Say what would change, and write nothing."))
@click.option("--skip-bad", is_flag=True,
              help=N_("Import the good rows; write the bad ones, with the reason, to a reject file beside the input."))
@click.option("--encoding", help=N_("The file's text encoding, e.g. gbk or utf-8 (default: detected)."))
@click.option("--watch", "watch_dir", type=click.Path(file_okay=False, path_type=Path),
              help=N_("Keep importing each file dropped into this folder (moved to done/ or rejected/)."))
@click.option("--once", is_flag=True, help=N_("With --watch: import what is in the folder now, then stop."))
@click.option("--interval", type=click.FloatRange(0.1, 3600), default=5.0, show_default=True,
              help=N_("With --watch: seconds between looks at the folder."))
@click.pass_obj
def import_command(obj: Context, paths: tuple[Path, ...], fmt: str, dry_run: bool, skip_bad: bool,
                   encoding: str | None, watch_dir: Path | None, once: bool, interval: float) -> None:
    if watch_dir is not None:
        if paths or dry_run or fmt != "auto":
            raise click.UsageError(_("--watch takes no files, --format or --dry-run: it imports what is dropped in"
                                     " the folder."))
        _watch(obj, watch_dir, skip_bad, encoding, once, interval)
        return
    if not paths:
        raise click.UsageError(_("Give the export files (or their folder) to import, or --watch FOLDER."))
    sources = order_sources(list(paths), fmt, encoding)
    db = obj.db()
    refused = []
    for source in sources:
        try:
            with _progress(source.name) as progress:
                summary = import_orders(db, source, skip_bad=skip_bad, dry_run=dry_run,
                                        station=obj.config.station, progress=progress)
        except KioskError as error:
            if len(sources) == 1:
                raise
            refused.append(str(error))
            continue
        _echo_summary(summary.lines())
    if refused:
        # One line per refused file; the last goes out as the refusal itself (exit status 1).
        for reason in refused[:-1]:
            click.echo(f"{PROG_NAME}: {reason}", err=True)
        raise KioskError(refused[-1])


def _watch(obj: Context, folder: Path, skip_bad: bool, encoding: str | None, once: bool, interval: float) -> None:
    db = obj.db()
    station = obj.config.station
    if once:
        if not folder.is_dir():
            raise KioskError(_("No folder {folder} to watch.").format(folder=folder))
        state = WatchState()
        watch_step(db, folder, state, skip_bad=skip_bad, encoding=encoding, station=station, settle=False,
                   report=_watch_report)
    else:
        click.echo(_("Watching {folder} (ctrl+c stops).").format(folder=folder), err=True)
        try:
            state = watch_folder(db, folder, skip_bad=skip_bad, encoding=encoding, station=station,
                                 interval=interval, report=_watch_report)
        except KeyboardInterrupt:
            return
    if state.refused:
        raise KioskError(ngettext("{count} file was refused: it is in {folder}.",
                                  "{count} files were refused: they are in {folder}.",
                                  state.refused).format(count=state.refused, folder=folder / REJECTED))


@click.command("import-catalogue", help=N_("Import products and barcodes (Shopify products CSV, or the kiosk's"
                                           " catalogue CSV)."))
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help=N_("Say what would change, and write nothing."))
@click.option("--skip-bad", is_flag=True,
              help=N_("Import the good rows; write the bad ones, with the reason, to a reject file beside the input."))
@click.option("--encoding", help=N_("The file's text encoding, e.g. gbk or utf-8 (default: detected)."))
@click.pass_obj
def import_catalogue_command(obj: Context, path: Path, dry_run: bool, skip_bad: bool, encoding: str | None) -> None:
    source = read_source(path, encoding)
    summary = import_catalogue(obj.db(), source, skip_bad=skip_bad, dry_run=dry_run, station=obj.config.station)
    _echo_summary(summary.lines())


@click.group("export", help=N_("Files for the shop platforms."))
def export_group() -> None:
    pass


@export_group.command("confirmations", help=N_("Shipping confirmations of a day, for upload to the shop platform."))
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]),
              help=N_("The day shipped, YYYY-MM-DD (default: today)."))
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), required=True,
              help=N_("amazon, shopify or taobao (that platform's orders), or csv (every order)."))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help=N_("File to write (default: standard output)."))
@click.option("--again", is_flag=True, help=N_("Include shipments already exported in this format."))
@click.pass_obj
def confirmations_command(obj: Context, day: datetime | None, fmt: str, output: Path | None, again: bool) -> None:
    when = day.date() if day else date.today()
    export = export_confirmations(obj.db(), when, fmt, again=again, destination=output, station=obj.config.station)
    if not export.shipments:
        message = _("No shipments to confirm on {day}.").format(day=when.isoformat())
        if export.already_exported:
            message += " " + ngettext("{count} was exported already (--again lists it).",
                                      "{count} were exported already (--again lists them).",
                                      export.already_exported).format(count=export.already_exported)
        click.echo(message, err=True)
        return
    if output is None:
        click.get_binary_stream("stdout").write(export.data)
        return
    click.echo(ngettext("{count} shipment confirmed in {file}.", "{count} shipments confirmed in {file}.",
                        export.shipments).format(count=export.shipments, file=output))
