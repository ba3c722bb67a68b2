"""Issue 5's figure: the whole shipping label, rendered and encoded, against its two bare barcodes."""

from __future__ import annotations

from benchmarks.floor_runs import time_each
from printing.labels import ShippingLabel, render_shipping_label
from printing.outputs import png_bytes


def sample_label(order_id: str, tracking: str) -> ShippingLabel:
    """A label as full as a typical one: recipient, sender, three item lines, flags.

    The recipient and address differ on every label, as they do at a desk, so text measured
    once (captions, sender, items) is reused but theirs is not.
    """
    return ShippingLabel(
        order_id=order_id, tracking_number=tracking, carrier="UPS", recipient_name=f"Emily Johnson {order_id}",
        phone="+1 212 555 0147", address_lines=(f"{len(order_id) * 7} 5th Ave Apt {order_id[-3:]}", "New York NY"),
        postal_code="10118",
        country="US", sender_lines=("Packing Desk", "1 Warehouse Road"),
        items=(("Merino Crew Sweater", "Red / M", 2), ("Canvas Tote", "Black", 1), ("Enamel Mug", "", 1)),
        ship_date="2026-11-27", station="DESK-1", packer="Li Wei", flags=("NOTE",),
    )


def render_label(order_id: str, tracking: str) -> None:
    """What the kiosk does for every label: layout, fonts, both barcodes, the PNG file's bytes."""
    png_bytes(render_shipping_label(sample_label(order_id, tracking)))


def measure_labels(shipped: list[tuple[str, str]]) -> list[float]:
    return time_each(render_label, shipped)
