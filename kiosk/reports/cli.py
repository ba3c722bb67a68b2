"""``kiosk report``: the dispatch log of a business day as a table, JSON, CSV or a printable PDF.

Registered in kiosk/cli.py (``lazy_commands``); refusals are KioskErrors, printed on one line with
exit status 1. The command line reads with a supervisor's rights: whoever can open the database
file can read every figure in it.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kiosk.auth import Operator
from kiosk.errors import KioskError
from kiosk.i18n import N_, _
from kiosk.reports.day import BusinessDay, business_day, today
from kiosk.reports.dispatch import dispatch_log, resolve_carrier, resolve_packer
from kiosk.reports.settings import ReportSettings

if TYPE_CHECKING:
    from kiosk.command_context import Context

COMMAND_LINE = Operator("cli", "command line", "supervisor")


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text) if len(text) == 10 else date.fromisoformat("invalid")
    except ValueError as error:
        raise KioskError(_("Invalid date {text}: give a day as YYYY-MM-DD.").format(text=text)) from error


def report_day(text: str, settings: ReportSettings) -> BusinessDay:
    """The business day of a date given on the command line; refused outside the calendar's range."""
    day = parse_day(text)
    try:
        business = business_day(day, settings)
        business.bounds  # noqa: B018 - its UTC moments must exist too
    except (OverflowError, ValueError) as error:
        raise KioskError(_("Invalid date {text}: give a day as YYYY-MM-DD.").format(text=text)) from error
    return business


def _writable(path: str) -> Path:
    target = Path(path)
    if not target.parent.is_dir():
        raise KioskError(_("Folder {folder} does not exist.").format(folder=target.parent))
    return target


@click.command("report", help=N_("The dispatch log of a business day (a table; --json, --csv, --pdf)."))
@click.option("--date", "day_text", metavar="YYYY-MM-DD", help=N_("The business day (default: today)."))
@click.option("--packer", help=N_("Only this packer's parcels and figures (a badge)."))
@click.option("--carrier", help=N_("Only this carrier's parcels (a carrier id or name)."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the rows, totals and lists as JSON."))
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False), help=N_("Write the parcels to a CSV file."))
@click.option("--pdf", "pdf_file", type=click.Path(dir_okay=False), help=N_("Write a printable PDF report."))
@click.pass_obj
def report(obj: Context, day_text: str | None, packer: str | None, carrier: str | None, as_json: bool,
           csv_file: str | None, pdf_file: str | None) -> None:
    settings = ReportSettings.from_config(obj.config)
    # An empty --date, --packer or --carrier is refused like a wrong one, not read as "all".
    day = report_day(day_text, settings) if day_text is not None else today(settings)
    csv_path = _writable(csv_file) if csv_file else None
    pdf_path = _writable(pdf_file) if pdf_file else None
    db = obj.db()
    log = dispatch_log(db, COMMAND_LINE, day, settings,
                       packer=resolve_packer(db, packer) if packer is not None else None,
                       carrier=resolve_carrier(db, carrier) if carrier is not None else None)
    if csv_path:
        from kiosk.reports.export import log_to_csv

        csv_path.write_text(log_to_csv(log), encoding="utf-8")
    if pdf_path:
        from kiosk.reports.pdf import write_pdf  # fpdf2 and the fonts: only for a PDF

        pages = write_pdf(log, pdf_path)
    if as_json:
        from kiosk.reports.export import log_to_dict

        click.echo(json.dumps(log_to_dict(log), ensure_ascii=False, indent=2))
    elif not (csv_path or pdf_path):
        from kiosk.reports.tables import render_text

        click.echo(render_text(log), nl=False)
    if csv_path:
        click.echo(_("Parcels written to {path}").format(path=csv_path), err=as_json)
    if pdf_path:
        click.echo(_("Report written to {path} ({pages} pages)").format(path=pdf_path, pages=pages), err=as_json)
