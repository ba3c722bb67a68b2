"""``kiosk lookup``: the after-sales search, and (``--history``) the timeline of the order found."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from enum import Enum

import click

from kiosk.auth import Operator
from kiosk.errors import KioskError
from kiosk.history import OrderTimeline, order_timeline
from kiosk.i18n import N_, _, ngettext
from kiosk.lookup import MatchKind
from kiosk.lookup import lookup as search_orders
from kiosk.timefmt import short_time

# Whoever can run the command can read the database file: the command line acts with a
# supervisor's rights, and its reads are attributed to it.
COMMAND_LINE = Operator("cli", "command line", "supervisor")


def _plain(value: object) -> object:
    """Dataclasses, named tuples, enums and amounts as JSON takes them."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: _plain(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, tuple) and hasattr(value, "_asdict"):  # a named tuple (kiosk.lookup.LookupHit)
        return {name: _plain(item) for name, item in value._asdict().items()}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    return value


def _dump(value: object) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


def _inert(text: str) -> str:
    """Text from data on one terminal line: control characters (a hostile name or note) become spaces."""
    return "".join(char if char.isprintable() else " " for char in str(text))


@click.command("lookup", help=N_("Find orders by order or tracking number, buyer, name, phone, e-mail or sku."))
@click.argument("query")
@click.option("--json", "as_json", is_flag=True, help=N_("Print the result as JSON."))
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True, help=N_("Page of results."))
@click.option("--history", "with_history", is_flag=True, help=N_("Show the whole history of the one order found."))
@click.pass_obj
def lookup(obj, query: str, as_json: bool, page: int, with_history: bool) -> None:
    db = obj.db()
    found = search_orders(db, query, COMMAND_LINE, page=page)
    if with_history:
        if not found.total:
            raise KioskError(_("No order found for {query}.").format(query=found.query))
        # An order number names one order even when a phone also ends in those digits.
        by_number = [hit for hit in found.hits if hit.matched is MatchKind.ORDER_ID]
        if found.total > 1 and len(by_number) != 1:
            raise KioskError(_("{count} orders found for {query}: give the whole order number.").format(
                count=found.total, query=found.query))
        _show_timeline(order_timeline(db, (by_number or list(found.hits))[0].order_id, COMMAND_LINE), as_json)
        return
    if as_json:
        _dump({"query": found.query, "page": found.page, "pages": found.pages, "total": found.total,
               "capped": found.capped,
               "hits": [{**_plain(hit), "status_name": hit.status_name, "matched_name": hit.matched_name}
                        for hit in found.hits]})
        return
    if not found.total:
        click.echo(_("No order found for {query}.").format(query=_inert(found.query)))
        return
    from kiosk.cells import pad_cells

    for hit in found.hits:
        shipped = f"{hit.carrier} {hit.tracking_number} {short_time(hit.shipped_at)}" if hit.tracking_number else ""
        click.echo("  ".join([pad_cells(_inert(hit.order_id), 22), pad_cells(hit.status_name, 12),
                              pad_cells(_inert(hit.recipient_name), 20), pad_cells(hit.matched_name, 18),
                              _inert(shipped)]).rstrip())
    click.echo(ngettext("Page {page} of {pages}: {total} order.", "Page {page} of {pages}: {total} orders.",
                        found.total).format(page=found.page, pages=found.pages, total=found.total))
    if found.capped:
        click.echo(_("More orders match than are listed: search for something more specific."))


def _show_timeline(timeline: OrderTimeline, as_json: bool) -> None:
    if as_json:
        _dump({**_plain(timeline), "status_name": timeline.status_name})
        return
    click.echo(_("Order {order_id} ({platform}), {status}: {name}").format(
        order_id=_inert(timeline.order_id), platform=_inert(timeline.platform), status=timeline.status_name,
        name=_inert(timeline.recipient_name)))
    if timeline.resend_of:
        click.echo(_("Resends items of order {order_id}.").format(order_id=_inert(timeline.resend_of)))
    if timeline.resends:
        click.echo(_("Resent as: {orders}").format(orders=_inert(", ".join(timeline.resends))))
    for entry in timeline.entries:
        who = " ".join(filter(None, [entry.operator_name or entry.operator, entry.station]))
        click.echo("  ".join(filter(None, [short_time(entry.at), entry.what, _inert(entry.details),
                                           f"({_inert(who)})" if who else ""])))
    for shipment in timeline.shipments:
        click.echo("")
        state = _("void: {reason}").format(reason=_inert(shipment.void_reason)) if shipment.void else ""
        click.echo(" ".join(filter(None, [_("Shipment"), shipment.carrier, shipment.tracking_number,
                                          shipment.tracking_url, state])))
        for item in shipment.items:
            click.echo("  " + _("{item} × {quantity}, scanned {code} by {who} at {station}, {when}").format(
                item=_inert(item.item), quantity=item.quantity, code=_inert(item.code),
                who=_inert(item.operator_name or item.operator), station=item.station,
                when=short_time(item.scanned_at)))
        for label in shipment.labels:
            click.echo("  " + _("Label {number}: {status} on {printer} {file}").format(
                number=label.job_id, status=label.status_name, printer=label.printer, file=label.file).rstrip())
