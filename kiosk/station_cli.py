"""`kiosk serve` (browser stations) and `kiosk stations` (who is where)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import click

from kiosk.i18n import N_, _
from kiosk.serve import LOCAL_HOSTS, session_command
from kiosk.serve import serve as serve_forever
from kiosk.timefmt import short_time

DEFAULT_PORT = 8000
RECENT_HOURS = 24


@click.command(help=N_("Serve the kiosk to browsers on this machine (each tab is its own station)."))
@click.option("--host", default="127.0.0.1", show_default=True,
              help=N_("Address to listen on. Anything but localhost belongs behind a TLS proxy with its own login."))
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(1, 65535),
              help=N_("Port to listen on."))
@click.option("--station-prefix", default="WEB-", show_default=True,
              help=N_("Browser tabs are named PREFIX1, PREFIX2, ... as stations."))
@click.option("--public-host", is_flag=True,
              help=N_("Allow an address other than localhost (only behind an authenticating TLS proxy)."))
@click.pass_obj
def serve(obj, host: str, port: int, station_prefix: str, public_host: bool) -> None:
    if host not in LOCAL_HOSTS and not public_host:
        raise click.UsageError(
            _("{host} is not localhost: the kiosk has no TLS of its own. Put it behind a reverse proxy with TLS"
              " and a login, then add --public-host.").format(host=host)
        )
    if not station_prefix.strip():
        raise click.UsageError(_("--station-prefix must not be empty."))
    command = session_command(station_prefix=station_prefix, config_file=obj.config_file,
                              database=obj.database, lang=obj.lang)
    click.echo(_("Serving the kiosk on http://{host}:{port}/ (stations {prefix}1, {prefix}2, ...); Ctrl+C stops it.")
               .format(host=host, port=port, prefix=station_prefix.strip().upper()))
    serve_forever(command, host, port, _("Packing desk"))


@click.command(help=N_("Stations seen recently: their operator, held order and last heartbeat."))
@click.option("--hours", default=RECENT_HOURS, show_default=True, type=click.IntRange(1, 24 * 366),
              help=N_("How far back to look."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print JSON instead of a table."))
@click.pass_obj
def stations(obj, hours: int, as_json: bool) -> None:
    from kiosk.stations import recent_stations, running_stations

    since = (datetime.now(UTC) - timedelta(hours=hours)).isoformat(timespec="milliseconds")
    seen = recent_stations(obj.db(), since)
    running = running_stations()
    if as_json:
        click.echo(json.dumps([{**vars(row), "running_here": row.station in running} for row in seen],
                              ensure_ascii=False, indent=2))
        return
    if not seen:
        click.echo(_("No station was seen in the last {hours} hours.").format(hours=hours))
        return
    for row in seen:
        who = f"{row.operator_name} ({row.operator})" if row.operator else _("nobody logged in")
        order = (_("holds {order_id}, heartbeat {when}").format(order_id=row.held_order,
                                                                  when=short_time(row.heartbeat_at))
                 if row.held_order else _("no order held"))
        state = _("running here") if row.station in running else ""
        click.echo("  ".join(part for part in (row.station, short_time(row.last_seen), who, order, state) if part))
